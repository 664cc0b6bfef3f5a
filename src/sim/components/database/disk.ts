// The disk: the log and the data take space on it, with whatever else an operator put there,
// and a database cannot write to a full disk: it stops.

import { DATABASE_DEFAULTS, LOG_DISK_BYTES, ROW_DISK_BYTES, type C, type DownC } from './state';

/** Bytes on the node's disk: its log and data, and whatever else was put there. */
export function diskUsed(ctx: C | DownC): number {
  const p = ctx.p;
  return (ctx.spec.diskUsedBytes ?? DATABASE_DEFAULTS.diskUsedBytes) + p.diskExtraBytes + p.logKeys.length * LOG_DISK_BYTES + p.data.size * ROW_DISK_BYTES;
}

export function diskSize(ctx: C | DownC): number {
  return ctx.p.diskBytes ?? ctx.spec.diskBytes ?? DATABASE_DEFAULTS.diskBytes;
}

/** Stop if the disk is full. True if it did: the caller must return at once (`ctx.v` is null then). */
export function checkDisk(ctx: C | DownC): boolean {
  const size = diskSize(ctx);
  if (size <= 0 || diskUsed(ctx) < size) return false;
  ctx.mark('disk-full', { usedBytes: diskUsed(ctx), sizeBytes: size });
  ctx.halt(`its disk is full (${(size / 1e9).toFixed(2)} GB): the database stops`);
  return true;
}
