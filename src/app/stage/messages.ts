// Messages as the stage shows them: each one's kind, where along its link it is at a display
// time (interpolated from its own timing: the simulation holds no animation state), and, when
// single dots would be a blur, the flows they add up to.

import type { MessageColumns } from '../../sim/host';
import { MSG_CLASSES, MSG_ERROR, type MsgClass } from '../../sim/message-class';

export { MSG_CLASSES, type MsgClass };

export const MSG_CLASS_LABEL: Record<MsgClass, string> = {
  write: 'write request',
  read: 'read request',
  ack: 'reply or ack',
  replication: 'replication',
  heartbeat: 'heartbeat',
  error: 'error reply',
  control: 'orchestrator command',
};

/**
 * How far along its link a message is at `atUs`: 0 while it waits in its sender's link
 * queue, 1 on arrival; -1 when it is not in flight then.
 */
export function progress(sentUs: number, departUs: number, deliverUs: number, atUs: number): number {
  if (atUs < sentUs || atUs >= deliverUs) return -1;
  if (atUs <= departUs) return 0;
  return (atUs - departUs) / (deliverUs - departUs);
}

/**
 * A message is drawn as a dot only if its flight lasts long enough on screen to be seen
 * moving; faster ones (a LAN hop at real speed, anything at high speed) join a flow.
 */
export const MIN_DOT_FLIGHT_WALL_MS = 60;

export function visibleAsDot(departUs: number, deliverUs: number, speedX: number): boolean {
  return (deliverUs - departUs) / 1000 / speedX >= MIN_DOT_FLIGHT_WALL_MS;
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

/**
 * Flows of the messages in flight at `atUs`, one per direction of a pair of nodes (`ids`
 * names the nodes by index), of the messages `include` lets in.
 */
export function flows(m: MessageColumns, ids: readonly string[], atUs: number, include: (i: number) => boolean = () => true): Flow[] {
  const byPair = new Map<number, Flow & { errorRate: number }>();
  const n = ids.length;
  // The columns' times are relative to their base.
  const at = atUs - m.baseUs;
  for (let i = 0; i < m.count; i++) {
    if (at < m.sentUs[i] || at >= m.deliverUs[i] || !include(i)) continue;
    const key = m.from[i] * n + m.to[i];
    let f = byPair.get(key);
    if (!f) byPair.set(key, (f = { from: ids[m.from[i]], to: ids[m.to[i]], ratePerSec: 0, errorShare: 0, inFlight: 0, errorRate: 0 }));
    const rate = 1e6 / Math.max(1, m.deliverUs[i] - m.sentUs[i]);
    f.ratePerSec += rate;
    f.inFlight++;
    if (m.cls[i] === MSG_ERROR) f.errorRate += rate;
  }
  return [...byPair.values()].map(({ errorRate, ...f }) => ({ ...f, errorShare: f.ratePerSec > 0 ? errorRate / f.ratePerSec : 0 }));
}

/** Columns for a handful of messages (tests, and a frame with none). */
export function messageColumns(
  list: readonly { from: number; to: number; cls: number; sentUs: number; departUs: number; deliverUs: number; op?: [number, number] }[],
): MessageColumns {
  const n = list.length;
  const col = <A>(make: new (n: number) => A) => new make(n);
  const m: MessageColumns = {
    count: n,
    baseUs: 0,
    from: col(Uint16Array),
    to: col(Uint16Array),
    cls: col(Uint8Array),
    sentUs: col(Float32Array),
    departUs: col(Float32Array),
    deliverUs: col(Float32Array),
    opClient: col(Int32Array),
    opNum: col(Uint32Array),
  };
  list.forEach((x, i) => {
    m.from[i] = x.from;
    m.to[i] = x.to;
    m.cls[i] = x.cls;
    m.sentUs[i] = x.sentUs;
    m.departUs[i] = x.departUs;
    m.deliverUs[i] = x.deliverUs;
    m.opClient[i] = x.op ? x.op[0] : -1;
    m.opNum[i] = x.op ? x.op[1] : 0;
  });
  return m;
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
