import { describe, expect, it } from 'vitest';
import { buildCharts, MAX_POINTS } from '../../src/app/charts';
import type { OpStat } from '../../src/sim/host';
import type { MetricSample } from '../../src/sim/kernel/component';

const bucket = (s: number, over: Partial<OpStat> = {}): OpStat => ({ atUs: s * 1e6, reads: 5, writes: 5, ok: 8, errors: { timeout: 2 }, latencyCount: 10, latencyUsSum: 10_000, latencyUsMax: 4_000, ...over });

describe('the live charts', () => {
  it('derive throughput, errors by cause and latency from per-second statistics', () => {
    const charts = buildCharts([bucket(0), bucket(1, { ok: 3, errors: { 'read-only': 7 } })], [], [], 0, 10_000);
    const byId = Object.fromEntries(charts.map((c) => [c.id, c]));
    expect(byId.throughput.series[0].points).toEqual([[500, 8], [1500, 3]]);
    expect(byId.throughput.series[1].points).toEqual([[500, 2], [1500, 7]]);
    expect(byId.errors.series.map((s) => s.id)).toEqual(['read-only', 'timeout']);
    expect(byId.latency.series[0].points[0]).toEqual([500, 1]);
    expect(byId.latency.series[1].points[0]).toEqual([500, 4]);
  });

  it('derive replication lag and writes at risk from the databases\' log positions', () => {
    const s = (atS: number, node: string, lsn: number): MetricSample => ({ atUs: atS * 1e6, node, values: { lsn } });
    const charts = buildCharts([], [s(1, 'db1', 100), s(1, 'db2', 90), s(1, 'db3', 60), s(1, 'app', 5)], ['db1', 'db2', 'db3'], 0, 10_000);
    const lag = charts.find((c) => c.id === 'lag')!;
    expect(lag.series.map((x) => x.points[0][1])).toEqual([0, 10, 40]);
    expect(charts.find((c) => c.id === 'at-risk')!.series[0].points).toEqual([[1000, 10]]);
  });

  it('keep to their window and to a bounded number of points', () => {
    const many = Array.from({ length: 2000 }, (_, i) => bucket(i));
    const charts = buildCharts(many, [], [], 0, 3_000_000);
    expect(charts[0].series[0].points.length).toBe(MAX_POINTS);
    expect(buildCharts(many, [], [], 100_000, 200_000)[0].series[0].points.every(([t]) => t >= 100_000 && t <= 200_500)).toBe(true);
  });
});
