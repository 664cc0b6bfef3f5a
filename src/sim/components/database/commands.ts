// What an operator (a fault of the timeline, or another component's API call) can do to a
// database: to its running process (promote, fence, throttle, ...), and to its machine
// whether or not the process runs (resize the disk, restore a backup onto it).

import type { Command, Configure } from '../../protocol';
import { type C, type DownC } from './state';
import { installSnapshot, copyEpochs } from './log';
import { checkDisk, diskSize, diskUsed } from './disk';
import { demote, follow, promote, provision, stepDown } from './roles';

export function onCommand(ctx: C, cmd: Command): string | undefined {
  const p = ctx.p;
  if (cmd.verb === 'provision') return provision(ctx, cmd.snapshot);
  if (p.spare) return 'it is not provisioned yet';
  switch (cmd.verb) {
    case 'promote':
      return promote(ctx, cmd.epoch ?? 0);
    case 'follow':
      return follow(ctx, cmd.node, cmd.epoch ?? 0);
    case 'demote':
      return demote(ctx, cmd.node);
    case 'fence':
      if (p.role !== 'primary') return 'it is not a primary';
      stepDown(ctx, 'an operator fenced it');
      return undefined;
    case 'throttle': {
      const rate = cmd.entriesPerSec;
      p.catchupEntriesPerSec = rate;
      ctx.log(rate > 0 ? `catch-up throttled to ${rate} entries/s` : 'catch-up no longer throttled');
      ctx.mark('throttle', { entriesPerSec: rate });
      return undefined;
    }
    case 'slow-queries':
      p.slow = { keys: cmd.keys, hottest: cmd.hottest, factor: cmd.factor };
      ctx.log(`queries on ${p.slow.keys.length ? p.slow.keys.join(', ') : `the ${p.slow.hottest} hottest keys`} now run ${p.slow.factor}x slower (stale statistics, bad plans)`);
      ctx.mark('slow-queries', { factor: p.slow.factor });
      return undefined;
    case 'refresh-statistics':
      if (!p.slow) return undefined;
      p.slow = null;
      ctx.log('statistics refreshed: queries are planned well again');
      ctx.mark('statistics-refreshed');
      return undefined;
  }
  return `a database does not take '${cmd.verb}'`;
}

export function onConfigure(ctx: DownC, cmd: Configure): string | undefined {
  const p = ctx.p;
  switch (cmd.verb) {
    case 'resize-disk':
      p.diskBytes = cmd.bytes;
      ctx.log(`disk resized to ${(p.diskBytes / 1e9).toFixed(2)} GB`);
      ctx.mark('disk-resized', { sizeBytes: p.diskBytes });
      return undefined;
    case 'fill-disk':
      // Space on the machine's disk, taken or freed whether the database runs or not: the
      // space freed after a full disk stopped it is what lets it start again.
      p.diskExtraBytes = Math.max(0, p.diskExtraBytes + cmd.bytes);
      ctx.log(`disk: ${(diskUsed(ctx) / 1e9).toFixed(2)} GB used of ${(diskSize(ctx) / 1e9).toFixed(2)} GB`);
      if (ctx.v !== null) checkDisk(ctx);
      return undefined;
    case 'restore-take':
      return takeBackup(ctx, cmd.from);
    case 'restore-load':
      return loadBackup(ctx);
  }
  return `a database does not take '${cmd.verb}'`;
}

/** `restore-backup` begins, with the process down: take the backup of `from` now. */
function takeBackup(ctx: DownC, from: string): string | undefined {
  const p = ctx.p;
  const snap = ctx.query(from, 'snapshot');
  if (!snap) {
    ctx.log(`no backup of ${from} to restore (it holds no data)`);
    return `${from} has no data to back up`;
  }
  p.restoring = snap;
  p.restoringFrom = from;
  ctx.log(`a backup of ${from} at lsn ${snap.lsn} is being restored onto ${ctx.id}`);
  ctx.mark('restore', { from, lsn: snap.lsn });
  return undefined;
}

/** `restore-backup` ends, just before the restart: the backup becomes the node's data. */
function loadBackup(ctx: DownC): string | undefined {
  const p = ctx.p;
  if (!p.restoring) return 'there is no backup to load';
  const snap = p.restoring;
  const from = p.restoringFrom ?? '?';
  delete p.restoring;
  delete p.restoringFrom;
  const epochSeen = p.epochSeen;
  installSnapshot(ctx, snap);
  p.epoch = snap.epoch;
  p.epochSeen = snap.epoch;
  delete p.spare;
  // A rebuilt machine starts clean: nothing fenced it, no other files on its disk.
  p.fenced = false;
  p.diskExtraBytes = 0;
  ctx.mark('restored', { lsn: snap.lsn });
  if (p.role !== 'primary') {
    ctx.log(`restored from the backup at lsn ${snap.lsn}; it starts with that data and replays the log since`);
    return undefined;
  }
  // A primary restored from a backup writes a new history from the backup's end, as
  // PostgreSQL starts a new timeline after a recovery to a point: a new epoch, so whatever
  // the old history held past that point is known to be gone (and followers that have it
  // diverge, and are told so).
  p.epoch = Math.max(epochSeen, snap.epoch) + 1;
  p.epochSeen = p.epoch;
  p.epochs.push([p.epoch, p.lsn + 1, ctx.id]);
  ctx.log(`restored from the backup at lsn ${snap.lsn}; as primary it starts epoch ${p.epoch} from there`);
  ctx.mark('role', { role: 'primary', epoch: p.epoch, lsn: p.lsn, epochs: copyEpochs(p.epochs), restoredFrom: from });
  // A new epoch's primary claims the role endpoints, as a promotion does (seed 2097: a primary
  // restored while another had taken its place never did, and the name stayed on a node the
  // orchestrator then demoted).
  for (const ep of ctx.nodesOfKind('endpoint')) ctx.command(ep, { verb: 'claim', node: ctx.id, epoch: p.epoch });
  return undefined;
}
