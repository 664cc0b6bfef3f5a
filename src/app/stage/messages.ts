// Messages as the stage shows them: each one's kind, where along its link it is at a display
// time (interpolated from its own timing: the simulation holds no animation state), and, when
// single dots would be a blur, the flows they add up to.

import type { MessageView } from '../../sim/host';

export type MsgClass = 'write' | 'read' | 'ack' | 'replication' | 'heartbeat' | 'error' | 'control';

export const MSG_CLASSES: readonly MsgClass[] = ['write', 'read', 'ack', 'replication', 'heartbeat', 'error', 'control'];

export const MSG_CLASS_LABEL: Record<MsgClass, string> = {
  write: 'write request',
  read: 'read request',
  ack: 'reply or ack',
  replication: 'replication',
  heartbeat: 'heartbeat',
  error: 'error reply',
  control: 'orchestrator command',
};

export function classify(m: MessageView): MsgClass {
  switch (m.type) {
    case 'request':
      return m.f === 'read' ? 'read' : 'write';
    case 'reply':
      return m.ok === false ? 'error' : 'ack';
    case 'ack':
      return 'ack';
    case 'entries':
    case 'snapshot':
    case 'subscribe':
      return 'replication';
    case 'ping':
    case 'pong':
      return 'heartbeat';
    case 'not-primary':
      return 'error';
    default:
      return 'control';
  }
}

/**
 * How far along its link a message is at `atUs`: 0 while it waits in its sender's link
 * queue, 1 on arrival; null when it is not in flight then.
 */
export function progress(m: MessageView, atUs: number): number | null {
  if (atUs < m.sentUs || atUs >= m.deliverUs) return null;
  if (atUs <= m.departUs) return 0;
  return (atUs - m.departUs) / (m.deliverUs - m.departUs);
}

/**
 * A message is drawn as a dot only if its flight lasts long enough on screen to be seen
 * moving; faster ones (a LAN hop at real speed, anything at high speed) join a flow.
 */
export const MIN_DOT_FLIGHT_WALL_MS = 60;

export function visibleAsDot(m: MessageView, speedX: number): boolean {
  return (m.deliverUs - m.departUs) / 1000 / speedX >= MIN_DOT_FLIGHT_WALL_MS;
}

export interface Flow {
  from: string;
  to: string;
  /** Messages per virtual second on this direction (in flight / flight time, Little's law). */
  ratePerSec: number;
  /** Share of that rate that is errors. */
  errorShare: number;
  inFlight: number;
  /** False while the rate is a guess from too short a look (right after a seek). */
  settled?: boolean;
}

/** Flows of the messages in flight at `atUs`, one per direction of a pair of nodes. */
export function flows(messages: readonly MessageView[], atUs: number, include: (m: MessageView) => boolean = () => true): Flow[] {
  const byPair = new Map<string, Flow & { errorRate: number }>();
  for (const m of messages) {
    if (atUs < m.sentUs || atUs >= m.deliverUs || !include(m)) continue;
    const key = `${m.from}\u0000${m.to}`;
    let f = byPair.get(key);
    if (!f) byPair.set(key, (f = { from: m.from, to: m.to, ratePerSec: 0, errorShare: 0, inFlight: 0, errorRate: 0 }));
    const rate = 1e6 / Math.max(1, m.deliverUs - m.sentUs);
    f.ratePerSec += rate;
    f.inFlight++;
    if (classify(m) === 'error') f.errorRate += rate;
  }
  return [...byPair.values()].map(({ errorRate, ...f }) => ({ ...f, errorShare: f.ratePerSec > 0 ? errorRate / f.ratePerSec : 0 }));
}

/** Time constant of the flow meter's smoothing, in virtual time. */
const FLOW_TAU_US = 1_000_000;

/**
 * Smooths flows over successive frames. One frame sees only the messages in flight at one
 * instant: on a quiet pair that is zero or one message, and Little's law then swings between
 * nothing and thousands a second. Averaged over a second of virtual time it reads true.
 */
export class FlowMeter {
  private rates = new Map<string, Flow>();
  private atUs = -1;
  /** Virtual time watched since the last fresh start. */
  private watchedUs = 0;

  /** Feed the flows seen at `atUs`; returns the smoothed ones. A jump back starts afresh. */
  update(fresh: readonly Flow[], atUs: number): Flow[] {
    const dtUs = atUs - this.atUs;
    if (this.atUs < 0 || dtUs < 0 || dtUs > 30 * FLOW_TAU_US) {
      this.rates.clear();
      this.watchedUs = 0;
    } else if (dtUs === 0) return [...this.rates.values()];
    else this.watchedUs += dtUs;
    const settled = this.watchedUs >= FLOW_TAU_US;
    const alpha = this.atUs < 0 || this.rates.size === 0 ? 1 : 1 - Math.exp(-dtUs / FLOW_TAU_US);
    this.atUs = atUs;
    const seen = new Set<string>();
    for (const f of fresh) {
      const key = `${f.from}\u0000${f.to}`;
      seen.add(key);
      const old = this.rates.get(key);
      const a = old ? alpha : 1;
      this.rates.set(key, {
        ...f,
        settled,
        ratePerSec: old ? old.ratePerSec + (f.ratePerSec - old.ratePerSec) * a : f.ratePerSec,
        errorShare: old ? old.errorShare + (f.errorShare - old.errorShare) * a : f.errorShare,
      });
    }
    for (const [key, old] of this.rates) {
      if (seen.has(key)) continue;
      const rate = old.ratePerSec * (1 - alpha);
      // A pair quiet for long enough fades out.
      if (rate < 0.05) this.rates.delete(key);
      else this.rates.set(key, { ...old, ratePerSec: rate, inFlight: 0, settled });
    }
    return [...this.rates.values()];
  }

  reset(): void {
    this.rates.clear();
    this.atUs = -1;
    this.watchedUs = 0;
  }
}
