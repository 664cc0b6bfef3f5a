// Running built-in scenarios in tests: with a seed, a patch to their document, up to a time.
import { builtIn } from '../../../src/scenario/library';
import { validateScenario } from '../../../src/scenario/validate';
import type { Scenario } from '../../../src/scenario/types';
import { createSim } from '../../../src/sim/world';
import type { Sim } from '../../../src/sim/kernel/sim';
import { anomaliesOf, summarize, type RunSummary } from '../../../src/sim/report';
import type { Anomaly } from '../../../src/sim/checks';
import type { HistoryEntry } from '../../../src/sim/kernel/component';
import type { DbPersisted } from '../../../src/sim/components/database';
import type { NodeSpec } from '../../../src/sim/spec';
import { seqSlice } from '../../../src/sim/kernel/seq';
import { tableRecord } from '../../../src/sim/kernel/table';

export interface Run {
  scenario: Scenario;
  sim: Sim;
  anomalies: Anomaly[];
  summary: RunSummary;
  /** The client history, materialised once. */
  history: HistoryEntry[];
  /** Persisted state of a database node, for ground truth. */
  db(id: string): DbLook;
}

/** A database's persisted state with its log and data as plain arrays and objects, for tests to compare. */
export type DbLook = Omit<DbPersisted, 'logKeys' | 'logValues' | 'logEpochs' | 'data'> & {
  logKeys: string[];
  logValues: number[];
  logEpochs: number[];
  values: Record<string, number>;
  versions: Record<string, number>;
};

export function dbLook(p: DbPersisted): DbLook {
  return {
    ...p,
    logKeys: seqSlice(p.logKeys),
    logValues: seqSlice(p.logValues),
    logEpochs: seqSlice(p.logEpochs),
    values: tableRecord(p.data, 0),
    versions: tableRecord(p.data, 1),
  };
}

export type Patch = (doc: any) => void;

/** Change one node of a document in place. */
export function node(doc: any, id: string, change: Partial<NodeSpec> | Record<string, unknown>): void {
  const n = doc.nodes.find((x: { id: string }) => x.id === id);
  if (!n) throw new Error(`no node ${id}`);
  Object.assign(n, change);
}

/** A document that must be valid, as a scenario (the validator's errors otherwise). */
export function loadDoc(doc: unknown): Scenario {
  const res = validateScenario(doc);
  if (!res.ok) throw new Error(res.errors.map((e) => e.message).join('\n'));
  return res.scenario;
}

export function scenarioOf(id: string, patch?: Patch): Scenario {
  const b = builtIn(id);
  if (!b) throw new Error(`no built-in ${id}`);
  const doc = structuredClone(b.document) as any;
  patch?.(doc);
  return loadDoc(doc);
}

export function run(id: string, seed: number, patch?: Patch, untilMs?: number): Run {
  const scenario = scenarioOf(id, patch);
  const sim = createSim({ ...scenario, seed }, { checkpoints: false });
  sim.advanceTo((untilMs ?? scenario.durationMs) * 1000);
  if (sim.aborted) throw new Error(`seed ${seed}: the run stopped: ${sim.aborted.reason}`);
  return {
    scenario,
    sim,
    anomalies: anomaliesOf(sim),
    summary: summarize(sim),
    history: sim.journals.history.items,
    db: (nid: string) => dbLook(sim.state.nodes[sim.index(nid)].p as DbPersisted),
  };
}

export function ofKind(r: Run, kind: Anomaly['kind']): Anomaly[] {
  return r.anomalies.filter((a) => a.kind === kind);
}

export function total(r: Run, kind: Anomaly['kind']): number {
  return ofKind(r, kind).reduce((n, a) => n + a.count, 0);
}

/** Seeds 1..n, for "not one lucky seed". */
export function seeds(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
