// What a database shows: the numbers sampled into time series, and its view on the stage.

import type { DatabaseDetail } from '../../views';
import { fifoSize } from '../../kernel/fifo';
import { waitUs, waitingCount } from '../servers';
import { cores, type C, type DownC } from './state';
import { diskSize, diskUsed } from './disk';
import { oldestWaitingMs } from './cpu';

export function sample(ctx: C): Record<string, number> {
  const p = ctx.p;
  const v = ctx.v;
  if (p.spare) return { up: 0 };
  const size = diskSize(ctx);
  const out: Record<string, number> = {
    up: 1,
    lsn: p.lsn,
    served: v.served,
    rejected: v.rejected,
    queued: waitingCount(v.cpu),
    queueMs: waitUs(v.cpu, cores(ctx)) / 1000,
    cpuBusy: v.cpu.busy / cores(ctx),
    catchupQueueMs: (v.cpu.backlogByKind['catch-up'] ?? 0) / cores(ctx) / 1000,
    p50Ms: v.latency.last.p50Ms,
    // Requests stuck in the queue count too (as a look at the longest-running query would
    // show): in a storm, none may complete to be measured.
    p99Ms: Math.max(v.latency.last.p99Ms, oldestWaitingMs(ctx)),
    cacheWarmth: v.warmth,
    connections: v.clientInFlight,
  };
  if (size > 0) out.diskUsage = diskUsed(ctx) / size;
  if (p.role === 'primary') {
    // Acknowledged writes at risk: acked to a client but on no follower yet, so a
    // failover now would lose them.
    let best = 0;
    let lag = 0;
    for (const id in v.followers) {
      const s = v.followers[id];
      // Received is enough: a promoted follower applies all it has received first.
      best = Math.max(best, s.receivedLsn);
      lag = Math.max(lag, p.lsn - s.ackedLsn);
    }
    out.atRisk = Math.max(0, v.ackedLsn - best);
    out.replicationLag = lag;
    out.waiting = fifoSize(v.waiting);
  }
  return out;
}

export function view(ctx: DownC): { summary: string; detail: DatabaseDetail } {
  const p = ctx.p;
  const v = ctx.v;
  const role = p.fenced ? `fenced ${p.role}` : p.role;
  return {
    summary: p.spare ? 'spare: not provisioned' : `${role}, lsn ${p.lsn}${p.follow ? `, follows ${p.follow}` : ''}`,
    detail: {
      provisioned: !p.spare,
      role: p.role,
      fenced: p.fenced,
      epoch: p.epoch,
      lsn: p.lsn,
      follow: p.follow,
      keys: p.data.size,
      followers: v ? Object.fromEntries(Object.entries(v.followers).map(([id, s]) => [id, { received: s.receivedLsn, applied: s.ackedLsn, mode: s.mode }])) : {},
      applyQueue: v ? fifoSize(v.apply) : 0,
      queued: v ? waitingCount(v.cpu) : 0,
      waiting: v ? fifoSize(v.waiting) : 0,
      cacheWarmth: v ? Math.round(v.warmth * 100) / 100 : 0,
      diskUsedBytes: diskUsed(ctx),
      diskBytes: diskSize(ctx),
      slowQueries: p.slow !== null,
    },
  };
}

/**
 * Estimated bytes held (limits.ts adds these up against the world's budget), from lengths
 * kept anyway: per log entry its three columns and a key string; per key its table slot, its
 * index entry and its string; per waiting piece of work its objects and message body.
 */
const LOG_ENTRY_BYTES = 48;
const KEY_BYTES = 96;
const QUEUED_WORK_BYTES = 260;
const WAITING_WRITE_BYTES = 160;
const RECEIVED_ENTRY_BYTES = 80;

export function footprint(ctx: DownC): number {
  const p = ctx.p;
  const v = ctx.v;
  let bytes = p.logKeys.length * LOG_ENTRY_BYTES + p.data.size * KEY_BYTES;
  if (v) bytes += fifoSize(v.cpu.waiting) * QUEUED_WORK_BYTES + fifoSize(v.waiting) * WAITING_WRITE_BYTES + fifoSize(v.apply) * RECEIVED_ENTRY_BYTES;
  return bytes;
}
