import { describe, expect, it } from 'vitest';
import { BUILT_INS, builtIn } from '../../src/scenario/library';
import { applyWhatIf, isWhatIfApplied, whatIfsOf } from '../../src/scenario/what-if';
import { parseScenario, validateScenario } from '../../src/scenario/validate';
import { runScenario } from '../../src/cli/run';
import type { Scenario } from '../../src/scenario/types';

// Each built-in's "what if": applying the fix is a plain edit of the document, and it
// changes the outcome the way the fix's text says (the checkers' findings over the whole run).

function valid(doc: unknown): Scenario {
  const r = validateScenario(doc);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.scenario;
}

function outcome(s: Scenario) {
  const o = runScenario({ scenario: s });
  const count = (kind: string) => o.anomalies.find((a) => a.kind === kind)?.count ?? 0;
  return { o, count };
}

function applied(id: string, whatIf: string): Scenario {
  const s = valid(builtIn(id)!.document);
  const w = whatIfsOf(s).find((x) => x.id === whatIf)!;
  expect(w, `${id} has what-if ${whatIf}`).toBeDefined();
  const fixed = valid(applyWhatIf(s, w));
  expect(isWhatIfApplied(fixed, w)).toBe(true);
  expect(isWhatIfApplied(s, w)).toBe(false);
  return fixed;
}

describe('the library\'s what-ifs', () => {
  it('every built-in has at least one, and applying one twice changes nothing more', () => {
    for (const b of BUILT_INS) {
      const ws = whatIfsOf(b.document);
      for (const w of ws) {
        const fixed = valid(applyWhatIf(valid(b.document), w));
        // Applying twice changes nothing more.
        expect(valid(applyWhatIf(fixed, w))).toEqual(fixed);
      }
      expect(ws.length, b.id).toBeGreaterThan(0);
    }
  });

  const cases: [string, string, (before: ReturnType<typeof outcome>, after: ReturnType<typeof outcome>) => void][] = [
    ['split-brain', 'fencing', (b, a) => {
      expect(b.count('split-brain')).toBeGreaterThan(0);
      expect(a.count('split-brain')).toBe(0);
      expect(a.count('lost-write')).toBeLessThan(b.count('lost-write') / 5);
    }],
    ['async-failover', 'sync-standby', (b, a) => {
      expect(b.count('lost-write')).toBeGreaterThan(0);
      expect(a.count('lost-write')).toBe(0);
    }],
    ['sync-standby', 'async-standby', (b, a) => {
      expect(b.count('lost-write')).toBe(0);
      expect(a.count('lost-write')).toBeGreaterThan(0);
    }],
    ['false-positive', 'fencing', (b, a) => {
      expect(b.count('lost-write')).toBeGreaterThan(0);
      expect(a.count('split-brain') + a.count('lost-write')).toBe(0);
    }],
    ['false-positive', 'patient-detector', (b, a) => {
      expect(b.o.metrics.failovers).toBe(1);
      expect(a.o.metrics.failovers).toBe(0);
      expect(a.count('lost-write')).toBe(0);
    }],
    ['jittery-detector', 'phi-detector', (b, a) => {
      expect(b.o.metrics.failovers).toBeGreaterThan(0);
      expect(a.o.metrics.failovers).toBe(0);
      expect(a.o.anomalies).toEqual([]);
    }],
    ['stale-read', 'read-primary', (b, a) => {
      expect(b.count('stale-read')).toBeGreaterThan(0);
      expect(a.count('stale-read')).toBe(0);
    }],
    ['first-failover', 'faster-detection', (b, a) => {
      expect(a.count('request-failed')).toBeLessThan(b.count('request-failed') / 2);
    }],
    ['replica-resumes', 'sync-replica', (b, a) => {
      expect(b.count('request-failed')).toBe(0);
      expect(a.count('request-failed')).toBeGreaterThan(1000);
    }],
    ['split-brain-fenced', 'role-endpoint', (b, a) => {
      expect(a.count('write-rejected')).toBeLessThan(b.count('write-rejected') / 2);
    }],
    ['endpoint-misconfig', 'role-endpoint', (b, a) => {
      expect(b.count('write-rejected')).toBeGreaterThan(10_000);
      expect(a.count('write-rejected')).toBeLessThan(100);
      expect(a.count('undetected-outage')).toBe(0);
    }],
    ['endpoint-misconfig', 'write-error-alert', (b, a) => {
      expect(a.o.metrics.alerts.some((x) => x.rule === 'write errors')).toBe(true);
      expect(a.count('undetected-outage')).toBeLessThan(b.count('undetected-outage') / 10);
    }],
    ['catchup-storm', 'throttle-catchup', (b, a) => {
      expect(b.count('request-failed')).toBeGreaterThan(1000);
      expect(a.count('request-failed')).toBeLessThan(b.count('request-failed') / 100);
    }],
    ['surge-lag', 'no-race', (b, a) => {
      expect(b.count('duplicate-effect')).toBeGreaterThan(1000);
      expect(a.count('duplicate-effect')).toBe(0);
      // The daemons keep up: the oldest job never waits as long as a second, against minutes.
      expect(b.o.metrics.queues.payments.maxLagMs).toBeGreaterThan(60_000);
      expect(a.o.metrics.queues.payments.maxLagMs).toBeLessThan(1_000);
    }],
    ['surge-lag', 'faster-scaling', (b, a) => {
      expect(a.count('request-failed')).toBeLessThan(b.count('request-failed') * 0.6);
      // The command queue does not care how fast the database scales.
      expect(a.o.metrics.queues.payments.maxLagMs).toBeGreaterThan(b.o.metrics.queues.payments.maxLagMs * 0.9);
    }],
    ['surge-lag', 'no-extra-daemons', (b, a) => {
      // Without the four extra daemons the lag is as bad (within 10%), and fewer jobs run twice.
      const lagBefore = b.o.metrics.queues.payments.maxLagMs;
      expect(Math.abs(a.o.metrics.queues.payments.maxLagMs - lagBefore)).toBeLessThan(lagBefore * 0.1);
      expect(a.count('duplicate-effect')).toBeLessThan(b.count('duplicate-effect'));
    }],
    ['catchup-storm', 'restore-from-backup', (b, a) => {
      // Five minutes of log to replay instead of an hour: a far smaller burst on the master.
      expect(a.count('request-failed')).toBeLessThan(b.count('request-failed') / 10);
      expect(a.o.metrics.catchup['offsite-slave'].maxBehind).toBeLessThan(b.o.metrics.catchup['offsite-slave'].maxBehind / 5);
      expect(a.o.metrics.catchup['offsite-slave'].caughtUpAtMs).toBeGreaterThan(3_900_000);
      expect(a.count('lost-write')).toBe(0);
    }],
    ['pool-exhaustion', 'analyze-first', (b, a) => {
      expect(a.count('request-failed')).toBeLessThan(b.count('request-failed') / 5);
    }],
  ];
  it.each(cases)('%s, what if %s: the outcome changes as the fix says', (id, whatIf, check) => {
    check(outcome(valid(builtIn(id)!.document)), outcome(applied(id, whatIf)));
  });
});

describe('what-ifs and questions in the validator', () => {
  const base = valid(builtIn('split-brain')!.document);
  const errorsOf = (doc: unknown) => {
    const r = validateScenario(doc);
    return r.ok ? [] : r.errors.map((e) => e.message);
  };

  it('survive a round trip unchanged', () => {
    expect(parseScenario(JSON.stringify(base))).toEqual({ ok: true, scenario: base });
  });

  it('name every mistake in a what-if with its path', () => {
    const bad = {
      ...base,
      whatIf: [
        { id: 'a', title: 'x', changes: [{ node: 'nope', set: { fencing: true } }] },
        { id: 'a', title: '', changes: [] },
        { id: 'c', title: 'ok', changes: [{ node: 'orch', set: { kind: 'client' } }, { addFault: 5 }, { removeFault: 7 }, {}, { node: 'orch', set: {}, removeFault: 'x' }] },
        { id: 'd', title: 'invalid result', changes: [{ node: 'orch', set: { timeoutMs: -1 } }] },
      ],
    };
    const errs = errorsOf(bad);
    expect(errs).toContain("whatIf[0].changes[0].node names 'nope', which is not a node");
    expect(errs).toContain("whatIf[1].id 'a' is already the id of whatIf[0]; what-if ids must be unique");
    expect(errs).toContain('whatIf[1].title must not be empty');
    expect(errs.some((e) => e.startsWith('whatIf[1].changes must not be empty'))).toBe(true);
    expect(errs.some((e) => e.startsWith('whatIf[2].changes[0].set.kind cannot be changed by a what-if'))).toBe(true);
    expect(errs.some((e) => e.startsWith('whatIf[2].changes[1].addFault must be a fault'))).toBe(true);
    expect(errs.some((e) => e.startsWith('whatIf[2].changes[2].removeFault must be the id of a fault'))).toBe(true);
    expect(errs.some((e) => e.startsWith('whatIf[2].changes[3] changes nothing'))).toBe(true);
    expect(errs.some((e) => e.startsWith('whatIf[2].changes[4] mixes set or removeFault'))).toBe(true);
    // Only once the rest is right is the fix tried out.
    expect(errorsOf({ ...base, whatIf: [bad.whatIf[3]] })).toEqual(['whatIf[0] gives an invalid scenario when applied: nodes[2].timeoutMs must be a number from 1 to 3,600,000; found -1']);
  });

  it('name every mistake in a question', () => {
    const narration = [
      { atMs: 0, text: 't', question: 'q?', choices: ['a'], answer: 0 },
      { atMs: 0, text: 't', choices: ['a', 'b'] },
      { atMs: 0, text: 't', question: 'q?', choices: ['a', 'b'], answer: 2 },
      { atMs: 0, text: 't', question: 'q?', answer: 0 },
      { atMs: 0, text: 't', question: '' },
    ];
    const errs = errorsOf({ ...base, narration });
    expect(errs.some((e) => e.startsWith('narration[0].choices must not be empty; it must be a list of 2 to 6 possible answers'))).toBe(true);
    expect(errs).toContain('narration[1].choices is set, but there is no question; add "question" or remove the choices');
    expect(errs).toContain('narration[2].answer must be an integer from 0 to 1 (an index into choices, from 0); found 2');
    expect(errs.some((e) => e.startsWith('narration[3].answer is set, but there are no choices'))).toBe(true);
    expect(errs).toContain('narration[4].question must not be empty');
    const good = { ...base, narration: [{ atMs: 0, text: 'reveal', question: 'What next?', choices: ['a', 'b'], answer: 1 }] };
    expect(errorsOf(good)).toEqual([]);
  });
});
