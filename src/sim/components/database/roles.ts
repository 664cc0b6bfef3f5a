// Roles and epochs: promotion (a new epoch), following another node, stepping down when
// fenced or deposed, leases from the orchestrator's heartbeats, and a spare brought up from
// a snapshot.

import type { DbSnapshotData, PingBody } from '../../protocol';
import { fifo } from '../../kernel/fifo';
import { FOLLOWER_TICK_US, HEADER_BYTES, ROLL_US, freshVolatile, type C } from './state';
import { installSnapshot, reveal, copyEpochs } from './log';
import { checkDisk } from './disk';
import { drainApply, resetApply, startFollowing } from './follower';

/** Stop accepting writes: fenced by the orchestrator or an operator, or it learned it was deposed. */
export function stepDown(ctx: C, why: string): void {
  const p = ctx.p;
  if (p.role !== 'primary' || p.fenced) return;
  p.fenced = true;
  ctx.log(`fenced: ${why}; it refuses writes from now on`);
  ctx.mark('fenced', { epoch: p.epoch, lsn: p.lsn, why });
}

/** The orchestrator fences it: a primary of an older epoch stops taking writes. */
export function onFence(ctx: C, epoch: number): void {
  const p = ctx.p;
  p.epochSeen = Math.max(p.epochSeen, epoch);
  if (p.role === 'primary' && epoch > p.epoch) stepDown(ctx, `the orchestrator fenced it (epoch ${epoch} replaces ${p.epoch})`);
}

/** A heartbeat from the orchestrator (or a balancer's health check): renew the lease, learn the epoch, answer. */
export function onPing(ctx: C, from: number, b: PingBody): void {
  const p = ctx.p;
  const v = ctx.v;
  if (b.leaseUntilUs !== undefined) {
    p.leased = true;
    v.leaseUntilUs = Math.max(v.leaseUntilUs, b.leaseUntilUs);
    if (v.leaseLost && ctx.nowUs <= v.leaseUntilUs) {
      v.leaseLost = false;
      ctx.mark('lease-regained', { epoch: p.epoch });
    }
  }
  if (b.epoch !== undefined) {
    p.epochSeen = Math.max(p.epochSeen, b.epoch);
    if (p.role === 'primary' && b.epoch > p.epoch) stepDown(ctx, `the orchestrator is at epoch ${b.epoch}, newer than its own ${p.epoch}`);
  }
  ctx.send(from, 'pong', { role: p.role, lsn: p.lsn, epoch: p.epoch, follow: p.follow, fenced: p.fenced }, HEADER_BYTES);
}

export function promote(ctx: C, epoch: number): string | undefined {
  const p = ctx.p;
  if (p.role === 'primary' && !p.fenced) return 'it is already the primary';
  drainApply(ctx);
  reveal(p, p.lsn);
  p.role = 'primary';
  p.fenced = false;
  p.epoch = Math.max(p.epoch + 1, p.epochSeen + 1, epoch);
  p.epochSeen = p.epoch;
  p.follow = null;
  p.epochs.push([p.epoch, p.lsn + 1, ctx.id]);
  const v = ctx.v;
  v.followers = {};
  v.ackedLsn = p.lsn;
  v.shippedLsn = p.lsn;
  ctx.log(`promoted to primary at lsn ${p.lsn}, epoch ${p.epoch}`);
  ctx.mark('role', { role: 'primary', epoch: p.epoch, lsn: p.lsn, epochs: copyEpochs(p.epochs) });
  // Claim the role endpoints, as a managed service or a leader's agent updates DNS.
  for (const ep of ctx.nodesOfKind('endpoint')) ctx.command(ep, { verb: 'claim', node: ctx.id, epoch: p.epoch });
  return undefined;
}

export function follow(ctx: C, target: string, epoch: number): string | undefined {
  const p = ctx.p;
  const v = ctx.v;
  if (!target || target === ctx.id) return 'it needs another node to follow';
  const wasPrimary = p.role === 'primary';
  p.epochSeen = Math.max(p.epochSeen, epoch);
  if (p.follow === target && !wasPrimary) return undefined;
  if (wasPrimary) {
    reveal(p, p.lsn);
    p.role = 'replica';
    p.fenced = false;
    // Writes still waiting for followers will never be acknowledged by this node now.
    v.waiting = fifo('commitWait');
    v.followers = {};
  }
  p.follow = target;
  // Entries received from the old primary but not applied may lie past the fork: drop them
  // and ask the new primary (which checks for divergence) from what is applied.
  resetApply(ctx, p.lsn);
  ctx.log(`now follows ${target} from lsn ${p.lsn + 1}`);
  ctx.mark('role', { role: p.role, follow: target, lsn: p.lsn });
  startFollowing(ctx);
  if (wasPrimary) ctx.setTimer(FOLLOWER_TICK_US, { name: 'follower-tick' });
  return undefined;
}

/** An operator demotes a primary: to follow `to`, or no one until re-pointed. */
export function demote(ctx: C, to: string | undefined): string | undefined {
  const p = ctx.p;
  if (p.role !== 'primary') return 'it is not a primary';
  if (to) return follow(ctx, to, p.epochSeen);
  p.role = 'replica';
  p.fenced = false;
  ctx.v.waiting = fifo('commitWait');
  ctx.log('demoted to a replica, following no one until re-pointed');
  ctx.mark('role', { role: 'replica', follow: null, lsn: p.lsn });
  return undefined;
}

/**
 * An autoscaler loads a snapshot onto a spare: it starts with the data as of the snapshot and
 * a cold cache, then follows its source, whose catch-up replays what was written since.
 */
export function provision(ctx: C, snap: DbSnapshotData | null): string | undefined {
  const p = ctx.p;
  if (!p.spare) return 'it is already provisioned';
  if (!snap) return 'there is no snapshot to load';
  installSnapshot(ctx, snap);
  p.epoch = snap.epoch;
  p.epochSeen = snap.epoch;
  delete p.spare;
  ctx.v = freshVolatile(ctx, 0);
  ctx.log(`provisioned from a snapshot at lsn ${snap.lsn}; replaying the log since from ${p.follow ?? 'no one'}`);
  ctx.mark('provisioned', { lsn: snap.lsn });
  if (checkDisk(ctx)) return undefined;
  ctx.setTimer(ROLL_US, { name: 'roll' });
  startFollowing(ctx);
  ctx.setTimer(FOLLOWER_TICK_US, { name: 'follower-tick' });
  return undefined;
}
