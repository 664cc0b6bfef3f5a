import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { FAULT_KIND_NAMES, SIMULATED_KINDS } from '../../src/sim/world';
import { validateScenario } from '../../src/scenario/validate';
import { runScenario } from '../../src/cli/run';
import { BUILT_INS } from '../../src/scenario/library';
import { renderFormatDoc, sectionNames } from '../../src/scenario/param-docs';

// docs/scenario-format.md is what course authors write from: it must stay true.
const doc = readFileSync('docs/scenario-format.md', 'utf8');
const jsonBlocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1].replace(/^ {2}/gm, ''));

describe('the scenario format reference', () => {
  it('opens with a complete example that validates and runs', () => {
    const res = validateScenario(JSON.parse(jsonBlocks[0]));
    expect(res.ok ? [] : res.errors).toEqual([]);
    if (res.ok) expect(runScenario({ scenario: res.scenario }).aborted).toBeUndefined();
  });

  it('shows the CLI output with the fields the CLI prints', () => {
    const shown = JSON.parse(jsonBlocks.find((b) => b.includes('"trace"'))!);
    // Past first-failover's failover, so that the fields a failover adds are there too.
    const real = runScenario({ scenario: (validateScenario(BUILT_INS[0].document) as { ok: true; scenario: never }).scenario, untilMs: 45000 });
    expect(real.metrics.failovers).toBe(1);
    expect(Object.keys(shown)).toEqual(Object.keys(real));
    expect(Object.keys(shown.metrics)).toEqual(Object.keys(real.metrics));
    expect(Object.keys(shown.metrics.writes)).toEqual(Object.keys(real.metrics.writes));
    expect(Object.keys(shown.metrics.reads)).toEqual(Object.keys(real.metrics.reads));
  });

  it('documents every fault kind and every simulated node kind', () => {
    for (const k of FAULT_KIND_NAMES) expect(doc, `fault kind ${k}`).toContain(`| \`${k}\` |`);
    for (const k of SIMULATED_KINDS) expect(doc, `node kind ${k}`).toContain(`### \`${k}\``);
  });

  it('lists every parameter with its default, unit and bounds, as the tables say (npm run docs rewrites them)', () => {
    for (const name of sectionNames()) expect(doc, `section ${name}`).toContain(`<!-- params:${name} -->`);
    // Compared line by line so a failure shows the lines that differ, not the whole page.
    expect(doc.split('\n')).toEqual(renderFormatDoc(doc).split('\n'));
  });
});
