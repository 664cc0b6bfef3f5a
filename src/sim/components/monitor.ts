// Monitoring: scrapes metrics from the nodes its rules name, over the network like any
// scraper (a node it cannot reach reports nothing, and counts as down), and raises alerts
// when a rule's condition holds for its for-duration; a person is told `notifyDelayMs`
// later. What it does not watch, it does not see: an app whose writes all fail while its
// reads succeed stays green on a dashboard of "node up" checks.
//
// Metrics:
// - `node-up`: the node answered the last scrape (fires when it did not).
// - `error-rate`, `write-error-rate`: share of a client's operations (or writes) that failed
//   or timed out between two scrapes.
// - `latency-p99`: 99th percentile latency over the node's last second, in ms (a client's,
//   or a database's own, queueing included).
// - `replication-lag`: how many entries the furthest-behind follower lacks, on a primary.
// - `disk-usage`: share of a database's disk in use, 0..1.
// - `cpu-busy`: share of a database's cores busy at the scrape, 0..1.

import type { Component, Ctx } from '../kernel/component';
import type { AlertRule, MonitorMetric, MonitorSpec } from '../spec';
import type { MonitorDetail } from '../views';
import { MONITOR_PARAMS } from '../params/monitor';
import { defaultsOf } from '../params/param';

export const MONITOR_DEFAULTS = defaultsOf(MONITOR_PARAMS);

const SCRAPE_BYTES = 60;

interface RuleState {
  /** When the condition started to hold, or -1. */
  sinceUs: number;
  firing: boolean;
}

export interface MonitorVolatile {
  /** Latest values per node, and the values of the scrape before (for rates). */
  latest: Record<string, Record<string, number>>;
  previous: Record<string, Record<string, number>>;
  /** Nodes that answered the scrape in progress. */
  answered: Record<string, boolean>;
  rules: Record<string, RuleState>;
  round: number;
}

type MonitorTimer = { name: 'scrape' } | { name: 'notify'; data: { key: string; rule: string; node: string } };

interface Monitor {
  spec: MonitorSpec;
  persisted: Record<string, never>;
  volatile: MonitorVolatile;
  timer: MonitorTimer;
  inbox: 'metrics';
  detail: MonitorDetail;
}

type C = Ctx<Monitor>;
type V = MonitorVolatile;


/** The nodes a rule applies to: those it names, else every node the metric makes sense for. */
export function ruleNodes(ctx: Pick<Ctx, 'nodesOfKind'>, rule: AlertRule): readonly string[] {
  if (rule.nodes) return rule.nodes;
  const kinds: Record<MonitorMetric, string[]> = {
    'node-up': ['database', 'orchestrator', 'client'],
    'error-rate': ['client'],
    'write-error-rate': ['client'],
    'latency-p99': ['client'],
    'replication-lag': ['database'],
    'disk-usage': ['database'],
    'cpu-busy': ['database'],
  };
  return kinds[rule.metric].flatMap((k) => ctx.nodesOfKind(k));
}

function ruleName(rule: AlertRule): string {
  return rule.name ?? rule.metric;
}

/** The rule's value for a node this round, or undefined when it has none. */
function valueOf(v: V, rule: AlertRule, node: string): number | undefined {
  if (rule.metric === 'node-up') return v.answered[node] ? 1 : 0;
  const now = v.latest[node];
  if (!now || !v.answered[node]) return undefined;
  const before = v.previous[node];
  switch (rule.metric) {
    case 'error-rate': {
      if (!before) return undefined;
      const bad = now.failed + now.unknown - (before.failed + before.unknown);
      const all = bad + now.ok - before.ok;
      return all > 0 ? bad / all : 0;
    }
    case 'write-error-rate': {
      if (!before) return undefined;
      const writes = now.writes - before.writes;
      return writes > 0 ? (now.writesFailed - before.writesFailed) / writes : 0;
    }
    case 'latency-p99':
      return now.p99Ms;
    case 'replication-lag':
      return now.replicationLag;
    case 'disk-usage':
      return now.diskUsage;
    case 'cpu-busy':
      return now.cpuBusy;
  }
}

function holds(rule: AlertRule, value: number | undefined): boolean {
  if (value === undefined) return false;
  if (rule.metric === 'node-up') return value === 0;
  return value > (rule.above ?? 0);
}

function evaluate(ctx: C): void {
  const v = ctx.v;
  ctx.spec.rules.forEach((rule, i) => {
    for (const node of ruleNodes(ctx, rule)) {
      const key = `${i}:${node}`;
      const st = v.rules[key] ?? (v.rules[key] = { sinceUs: -1, firing: false });
      const value = valueOf(v, rule, node);
      if (!holds(rule, value)) {
        if (st.firing) {
          ctx.log(`alert ${ruleName(rule)} on ${node} resolved`);
          ctx.mark('alert', { rule: ruleName(rule), node, state: 'resolved' });
        }
        st.sinceUs = -1;
        st.firing = false;
        continue;
      }
      if (st.sinceUs < 0) st.sinceUs = ctx.nowUs;
      if (!st.firing && ctx.nowUs - st.sinceUs >= (rule.forMs ?? 0) * 1000) {
        st.firing = true;
        ctx.log(`alert ${ruleName(rule)} fires on ${node} (${value?.toFixed(3)})`);
        ctx.mark('alert', { rule: ruleName(rule), node, state: 'firing', value: value ?? 0 });
        ctx.setTimer((rule.notifyDelayMs ?? 0) * 1000, { name: 'notify', data: { key, rule: ruleName(rule), node } });
      }
    }
  });
}

function scrape(ctx: C): void {
  const v = ctx.v;
  // Judge the round that just ended, then start the next.
  if (v.round > 0) evaluate(ctx);
  v.round++;
  for (const node in v.answered) {
    if (v.answered[node]) v.previous[node] = v.latest[node];
  }
  v.answered = {};
  const targets = new Set<string>();
  for (const rule of ctx.spec.rules) for (const n of ruleNodes(ctx, rule)) targets.add(n);
  for (const node of targets) ctx.send(node, 'scrape', {}, SCRAPE_BYTES);
  ctx.setTimer((ctx.spec.scrapeMs ?? MONITOR_DEFAULTS.scrapeMs) * 1000, { name: 'scrape' });
}

export const monitor: Component<Monitor> = {
  kind: 'monitor',

  init(ctx) {
    ctx.p = {};
    ctx.v = { latest: {}, previous: {}, answered: {}, rules: {}, round: 0 };
    ctx.setTimer(0, { name: 'scrape' });
    return { p: ctx.p, v: ctx.v };
  },

  recover(ctx) {
    ctx.v = { latest: {}, previous: {}, answered: {}, rules: {}, round: 0 };
    ctx.setTimer(0, { name: 'scrape' });
    return ctx.v;
  },

  onMessage(ctx, msg) {
    if (msg.type !== 'metrics') return;
    const v = ctx.v;
    const node = ctx.nodeId(msg.from);
    v.latest[node] = msg.body.values;
    v.answered[node] = true;
  },

  onTimer(ctx, timer) {
    if (timer.name === 'scrape') scrape(ctx);
    else if (timer.name === 'notify') {
      const data = timer.data;
      const st = ctx.v.rules[data.key];
      if (!st?.firing) return;
      ctx.log(`alert ${data.rule} on ${data.node}: someone is notified`);
      ctx.mark('alert', { rule: data.rule, node: data.node, state: 'notified' });
    }
  },

  sample(ctx) {
    const v = ctx.v;
    let firing = 0;
    for (const k in v.rules) if (v.rules[k].firing) firing++;
    return { up: 1, firing };
  },

  view(ctx) {
    const v = ctx.v;
    const firing = v ? Object.entries(v.rules).filter(([, s]) => s.firing).map(([k]) => k) : [];
    const rules = ctx.spec.rules.map(ruleName);
    return {
      summary: firing.length ? `${firing.length} alert${firing.length === 1 ? '' : 's'} firing` : `watching: ${rules.join(', ') || 'nothing'}`,
      detail: { rules, firing },
    };
  },
};
