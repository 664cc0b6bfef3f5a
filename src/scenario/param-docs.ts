// The parameter tables of docs/scenario-format.md, generated from src/sim/params: each table
// sits between `<!-- params:NAME -->` and `<!-- /params -->` and is rewritten by
// `npm run docs`; tests/unit/docs.test.ts fails when the committed page differs from what the
// tables say, so the page cannot fall behind a new parameter or a changed bound.

import { BOUNDS, BOUND_REASONS, LINK_PARAMS, NODE_KINDS, NODE_PARAMS, SITE_PARAMS, type BoundClass, type Param, type ParamTable } from '../sim/params';
import { FAULT_PARAMS, type FaultDescriptor } from '../sim/params/faults';

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });

function n(x: number): string {
  // Bandwidths and byte counts read better as powers of ten.
  return Math.abs(x) >= 1e9 && Number.isInteger(Math.log10(Math.abs(x))) ? `1e${Math.log10(x)}` : NUMBER.format(x);
}

function code(s: string): string {
  return `\`${s}\``;
}

/** The bounds column: what values the field takes, with its unit. */
export function boundsText(p: Param): string {
  switch (p.type) {
    case 'number': {
      const unit = p.unit && p.unit !== 'share' ? ` ${p.unit}` : '';
      const low = p.min !== undefined ? n(p.min) : p.above !== undefined ? `more than ${n(p.above)}` : undefined;
      let range: string;
      if (low !== undefined && p.max !== undefined) range = p.min !== undefined ? `${low} to ${n(p.max)}${unit}` : `${low}, up to ${n(p.max)}${unit}`;
      else if (low !== undefined) range = `${p.min !== undefined ? 'at least ' : ''}${low}${unit}`;
      else if (p.max !== undefined) range = `up to ${n(p.max)}${unit}`;
      else range = `any number${unit}`;
      const whole = p.integer ? 'whole number, ' : '';
      const off = p.off ? `${n(p.off.value)} (${p.off.means}), or ` : '';
      return `${off}${whole}${range}`;
    }
    case 'enum':
      return p.values.map(code).join(', ');
    case 'boolean':
      return '`true` or `false`';
    case 'text':
      return `text, up to ${n(p.maxChars)} characters`;
    case 'id':
      return 'an id';
    case 'site':
      return 'a site id';
    case 'ref':
      return p.kinds === 'any' ? 'a node id' : `${p.kinds.join(' or ')} id`;
    case 'address':
      return [p.forms.rolePrimary ? '`role:primary`' : '', p.forms.endpoint ? 'endpoint id' : '', p.forms.bareDatabase ? 'database id' : '', p.forms.proxies ? 'cache or balancer id' : '', '`node:<database id>`']
        .filter(Boolean)
        .join(', ');
    case 'refs':
      return `${p.min ? `${p.min} to ${n(p.max)}` : `up to ${n(p.max)}`} ${p.kinds === 'any' ? 'node' : p.kinds.join(' or ')} ids`;
    case 'strings':
      return `up to ${n(p.max)} ${p.of}`;
    case 'site-pair':
      return 'two site ids';
    case 'sides':
      return 'two lists of node or site ids';
    case 'object':
      return 'an object, below';
    case 'objects':
      return `up to ${n(p.max)} objects, below`;
  }
}

export function defaultText(p: Param): string {
  if (p.required) return '(required)';
  if ('default' in p && p.default !== undefined) return typeof p.default === 'number' ? n(p.default) : code(String(p.default));
  return p.defaultText ?? '';
}

function cell(s: string): string {
  return s.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function rows(table: ParamTable, prefix: string, skip: readonly string[]): string[] {
  const out: string[] = [];
  for (const [key, p] of Object.entries(table)) {
    if (skip.includes(key)) continue;
    const name = `${prefix}${key}`;
    out.push(`| ${code(name)} | ${cell(defaultText(p))} | ${cell(boundsText(p))} | ${cell(p.doc ?? p.help)} |`);
    if (p.type === 'object') out.push(...rows(p.fields, `${name}.`, []));
    if (p.type === 'objects') out.push(...rows(p.fields, `${name}[].`, []));
  }
  return out;
}

function table(t: ParamTable, skip: readonly string[] = []): string {
  return ['| field | default | values | meaning |', '|---|---|---|---|', ...rows(t, '', skip)].join('\n');
}

function boundsTable(): string {
  const members = new Map<BoundClass, string[]>();
  const collect = (t: ParamTable, owner: string) => {
    for (const [key, p] of Object.entries(t)) {
      if (p.type === 'number' && p.bound) members.set(p.bound, [...(members.get(p.bound) ?? []), `${owner}${key}`]);
      if (p.type === 'object' || p.type === 'objects') collect(p.fields, `${owner}${key}.`);
    }
  };
  collect(SITE_PARAMS, 'site ');
  collect(LINK_PARAMS, 'link ');
  for (const kind of NODE_KINDS) collect(NODE_PARAMS[kind], `${kind} `);
  for (const [kind, f] of Object.entries(FAULT_PARAMS) as [string, FaultDescriptor][]) collect(f.fields, `${kind} `);
  const lines = ['| family | range | fields | why |', '|---|---|---|---|'];
  for (const [cls, b] of Object.entries(BOUNDS) as [BoundClass, (typeof BOUNDS)[BoundClass]][]) {
    const off = 'off' in b ? `${n(b.off.value)} (${b.off.means}), or ` : '';
    const fields = (members.get(cls) ?? []).map((m) => code(m.split(' ')[1]) + ` (${m.split(' ')[0]})`);
    lines.push(`| ${cls} | ${off}${n(b.min)} to ${n(b.max)} ${b.unit} | ${fields.join(', ')} | ${cell(BOUND_REASONS[cls])} |`);
  }
  return lines.join('\n');
}

function faultTable(): string {
  const lines = ['| kind | target | fields | meaning |', '|---|---|---|---|'];
  for (const [kind, f] of Object.entries(FAULT_PARAMS) as [string, FaultDescriptor][]) {
    const fields = Object.entries(f.fields).map(([key, p]) => {
      const bounds = p.type === 'number' || p.type === 'enum' ? `, ${boundsText(p)}` : '';
      const dflt = !p.required && defaultText(p) ? `, default ${defaultText(p)}` : '';
      return `${code(key)} (${p.required ? 'required' : 'optional'}${bounds}${dflt})`;
    });
    const until = f.untilMs === 'required' ? ['`untilMs` (required)'] : f.untilMs === 'optional' ? ['`untilMs`'] : [];
    const target = f.target === 'none' ? '(no target)' : f.target === 'any' ? 'a node' : `${/^[aeiou]/.test(f.target[0]) ? 'an' : 'a'} ${f.target.join(' or ')}`;
    lines.push(`| ${code(kind)} | ${target} | ${cell([...fields, ...until].join('; '))} | ${cell(f.doc ?? f.help)} |`);
  }
  return lines.join('\n');
}

/** Every generated section, by marker name. */
export function generatedSections(): Record<string, string> {
  const out: Record<string, string> = {
    site: table(SITE_PARAMS),
    link: table(LINK_PARAMS),
    bounds: boundsTable(),
    faults: faultTable(),
  };
  for (const kind of NODE_KINDS) out[kind] = table(NODE_PARAMS[kind], ['site']);
  return out;
}

/** The page with every marked section replaced by what the tables say now. */
export function renderFormatDoc(page: string): string {
  const sections = generatedSections();
  return page.replace(/<!-- params:([\w-]+) -->\n[\s\S]*?<!-- \/params -->/g, (whole, name: string) => {
    const body = sections[name];
    return body === undefined ? whole : `<!-- params:${name} -->\n${body}\n<!-- /params -->`;
  });
}

/** Marker names the page must hold. */
export function sectionNames(): string[] {
  return Object.keys(generatedSections());
}
