// The follower's side: subscribing to its primary, receiving entries, applying them one at a
// time on its apply thread, acknowledging, truncating a divergent suffix when told, and
// loading a snapshot when it is too far behind for the retained log.

import type { Entries, KeepaliveBody, SnapshotBody } from '../../protocol';
import { fifo, fifoPush, fifoShift, fifoSize } from '../../kernel/fifo';
import { HEADER_BYTES, RESUBSCRIBE_US, FOLLOWER_TICK_US, applyUs, type C } from './state';
import { append, copyEpochs, emptyLogAndData, installSnapshot, rewindData, truncateLog } from './log';
import { seqSlice } from '../../kernel/seq';
import { checkDisk } from './disk';

/** Subscribe to the node it follows, from the entry after those it has received. */
export function startFollowing(ctx: C): void {
  const p = ctx.p;
  if (p.role === 'primary' || !p.follow) return;
  const v = ctx.v;
  // Entries already received wait to be applied; ask for what comes after them.
  const body = { fromLsn: v.receivedLsn + 1, history: copyEpochs(p.epochs), mode: ctx.spec.replication ?? 'async', epoch: p.epochSeen };
  ctx.send(p.follow, 'subscribe', body, HEADER_BYTES);
  v.lastHeardUs = ctx.nowUs;
}

/** Forget the entries received and not yet applied: the stream goes on from `receivedLsn`. */
export function resetApply(ctx: C, receivedLsn: number): void {
  const v = ctx.v;
  v.apply = fifo('apply');
  v.applying = false;
  v.receivedLsn = receivedLsn;
}

/** Entries from the primary it follows. */
export function onEntries(ctx: C, sender: string, e: Entries): void {
  const p = ctx.p;
  if (p.role === 'primary' || sender !== p.follow) return;
  // Never take entries from a primary older than one already heard of: that is how
  // a deposed primary finds its writes refused once it can reach anyone.
  if (e.epoch < p.epochSeen) {
    ctx.send(sender, 'stale-epoch', { epoch: p.epochSeen }, HEADER_BYTES);
    return;
  }
  ctx.v.lastHeardUs = ctx.nowUs;
  receive(ctx, sender, e);
}

function receive(ctx: C, from: string, e: Entries): void {
  const p = ctx.p;
  const v = ctx.v;
  for (const h of e.history) if (!p.epochs.some((x) => x[0] === h[0] && x[2] === h[2])) p.epochs.push([h[0], h[1], h[2]]);
  const cost = applyUs(ctx);
  for (let i = 0; i < e.keys.length; i++) {
    const lsn = e.fromLsn + i;
    if (lsn <= v.receivedLsn) continue; // already have it (a resend after a resubscribe)
    if (lsn !== v.receivedLsn + 1) {
      // A gap: something was lost on the way. Ask again from where we are.
      startFollowing(ctx);
      break;
    }
    v.receivedLsn = lsn;
    if (cost === 0) {
      append(ctx, e.keys[i], e.values[i], e.epochs[i]);
      if (checkDisk(ctx)) return;
    } else fifoPush(v.apply, [lsn, e.keys[i], e.values[i], e.epochs[i]]);
  }
  p.epoch = Math.max(p.epoch, e.epoch);
  p.epochSeen = Math.max(p.epochSeen, e.epoch);
  if (cost > 0 && !v.applying && fifoSize(v.apply) > 0) {
    v.applying = true;
    ctx.setTimer(cost, { name: 'applied' });
  }
  ack(ctx, from);
}

function ack(ctx: C, to: string): void {
  const p = ctx.p;
  ctx.send(to, 'ack', { lsn: p.lsn, received: ctx.v.receivedLsn, epoch: p.epochSeen }, HEADER_BYTES);
}

/** The apply thread finished an entry: persist it, and go on with the next. */
export function applied(ctx: C): void {
  const p = ctx.p;
  const v = ctx.v;
  const e = fifoShift(v.apply);
  if (e && e[0] === p.lsn + 1) append(ctx, e[1], e[2], e[3]);
  if (checkDisk(ctx)) return;
  v.applying = fifoSize(v.apply) > 0;
  if (v.applying) ctx.setTimer(applyUs(ctx), { name: 'applied' });
  // Sync followers confirm each applied entry (the primary is waiting on it); others when they catch up.
  const sync = (ctx.spec.replication ?? 'async') === 'sync';
  if ((sync || !v.applying) && p.follow && p.role !== 'primary') ack(ctx, p.follow);
}

/** Apply everything received at once (a promotion does not leave received writes behind). */
export function drainApply(ctx: C): void {
  const p = ctx.p;
  const v = ctx.v;
  for (let e = fifoShift(v.apply); e; e = fifoShift(v.apply)) if (e[0] === p.lsn + 1) append(ctx, e[1], e[2], e[3]);
  v.applying = false;
}

/** The primary found a fork: drop what lies past it, and subscribe again. */
export function onTruncate(ctx: C, sender: string, toLsn: number): void {
  const p = ctx.p;
  if (p.role === 'primary' || sender !== p.follow) return;
  truncate(ctx, toLsn);
  startFollowing(ctx);
}

/** Discard this node's entries after `toLsn` (they are not in the lineage it now follows). */
function truncate(ctx: C, toLsn: number): void {
  const p = ctx.p;
  resetApply(ctx, Math.min(ctx.v.receivedLsn, toLsn));
  if (toLsn >= p.lsn) return;
  const from = toLsn + 1;
  const discarded = p.lsn - toLsn;
  const epochsLost = [...new Set(seqSlice(p.logEpochs, Math.max(0, from - p.logStart)))];
  ctx.log(`discards its divergent entries ${from}..${p.lsn} (${discarded} writes the new primary never had)`);
  ctx.mark('discard', { fromLsn: from, toLsn: p.lsn, count: discarded, epochs: epochsLost });
  if (from - 1 < p.logStart - 1 || !rewindData(p, toLsn)) {
    // The log no longer reaches back far enough to undo the data: start over from nothing
    // and let the primary send it all (a re-clone).
    ctx.log('cannot rewind its data from the retained log: re-cloning from the primary');
    p.lsn = 0;
    Object.assign(p, emptyLogAndData(1));
    p.visibleLsn = 0;
    p.epochs = [];
    ctx.v.receivedLsn = 0;
    return;
  }
  p.visibleLsn = Math.min(p.visibleLsn, toLsn);
  truncateLog(p, toLsn);
  p.lsn = toLsn;
  p.epochs = p.epochs.filter((e) => e[1] <= toLsn);
}

/** The primary sent its whole data set (this node was behind the retained log): it replaces everything here. */
export function onSnapshot(ctx: C, sender: string, b: SnapshotBody): void {
  const p = ctx.p;
  if (p.role === 'primary' || sender !== p.follow) return;
  if (b.lsn <= p.lsn) return;
  ctx.v.lastHeardUs = ctx.nowUs;
  installSnapshot(ctx, b);
  p.epoch = Math.max(p.epoch, b.epoch);
  p.epochSeen = Math.max(p.epochSeen, b.epoch);
  resetApply(ctx, p.lsn);
  ctx.log(`loaded a snapshot at lsn ${b.lsn}`);
  ack(ctx, sender);
}

/**
 * The primary's replication heartbeat. Entries sent and never received (a partition dropped
 * them) would otherwise hold the primary's window full for good, with keepalives keeping
 * this follower from asking again. Asked for a reply, it acks what it has (its last ack may
 * have been lost).
 */
export function onKeepalive(ctx: C, sender: string, b: KeepaliveBody): void {
  const p = ctx.p;
  if (p.role === 'primary' || sender !== p.follow) return;
  if (ctx.v.receivedLsn >= b.sentLsn) ctx.v.lastHeardUs = ctx.nowUs;
  if (b.reply) ack(ctx, sender);
}

/** A follower that has not heard from its primary for a while subscribes again. */
export function followerTick(ctx: C): void {
  if (ctx.p.role === 'primary') return;
  if (ctx.nowUs - ctx.v.lastHeardUs >= RESUBSCRIBE_US) startFollowing(ctx);
  ctx.setTimer(FOLLOWER_TICK_US, { name: 'follower-tick' });
}
