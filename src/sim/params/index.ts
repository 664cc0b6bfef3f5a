// Every node kind's parameter table, and the questions asked of them: which fields a kind
// has, and whether a learner may change one (what challenges build their allowed changes on).

import type { NodeKind } from '../spec';
import type { Access, Param, ParamTable } from './param';
import { NODE_BASE_PARAMS } from './node';
import { DATABASE_PARAMS } from './database';
import { CLIENT_PARAMS } from './client';
import { ENDPOINT_PARAMS } from './endpoint';
import { ORCHESTRATOR_PARAMS } from './orchestrator';
import { MONITOR_PARAMS } from './monitor';
import { CACHE_PARAMS } from './cache';
import { BALANCER_PARAMS } from './balancer';
import { QUEUE_PARAMS } from './queue';
import { WORKER_PARAMS } from './worker';
import { AUTOSCALER_PARAMS } from './autoscaler';

export type { Access, Param, ParamTable, NumberParam, EnumParam, Unit, SpecOf, DefaultsOf, AddressForms } from './param';
export { defaultsOf, params } from './param';
export { BOUNDS, BOUND_REASONS, type BoundClass } from './bounds';
export { NODE_KINDS, NODE_BASE_PARAMS } from './node';
export { SITE_PARAMS, LINK_PARAMS } from './network';

/** One table per node kind: a kind left out here fails the type check. */
export const NODE_PARAMS = {
  database: DATABASE_PARAMS,
  client: CLIENT_PARAMS,
  endpoint: ENDPOINT_PARAMS,
  orchestrator: ORCHESTRATOR_PARAMS,
  cache: CACHE_PARAMS,
  balancer: BALANCER_PARAMS,
  monitor: MONITOR_PARAMS,
  queue: QUEUE_PARAMS,
  worker: WORKER_PARAMS,
  autoscaler: AUTOSCALER_PARAMS,
} as const satisfies Record<NodeKind, ParamTable>;

/** A kind's whole table: the fields every node has, then its own (which may tighten them). */
export function nodeParams(kind: NodeKind): ParamTable {
  return { ...NODE_BASE_PARAMS, ...NODE_PARAMS[kind] };
}

/**
 * May a learner change the field?
 * - `always`: it changes nothing in the run (`label`, `position`);
 * - `if-allowed`: where a challenge's `allow.set` names it;
 * - `never`: it says which node this is (`id`, `kind`), or it is not a known field.
 */
export type LearnerChange = 'always' | 'if-allowed' | 'never';

export type FieldInfo =
  | { known: true; kind: NodeKind; path: string; param: Param; access: Access; learner: LearnerChange }
  | { known: false; kind: NodeKind; path: string; learner: 'never' };

const LEARNER: Record<Access, LearnerChange> = { identity: 'never', layout: 'always', structure: 'if-allowed', tunable: 'if-allowed' };

/**
 * What a node kind's field is: `fieldInfo('client', 'diurnal.periodMs')`. A path is dotted,
 * and list indices are allowed and ignored (`rules[2].forMs` is any rule's `forMs`). A field
 * inside another takes its access from the innermost descriptor. Unknown fields are kept in
 * a document but mean nothing to this version: they are `known: false`, and a later version
 * may give the name a meaning, so a learner may not set them.
 */
export function fieldInfo(kind: NodeKind, path: string): FieldInfo {
  const parts = path.replace(/\[\d+\]/g, '').split('.');
  let table: ParamTable = nodeParams(kind);
  let param: Param | undefined;
  let access: Access | undefined;
  for (let i = 0; i < parts.length; i++) {
    param = Object.hasOwn(table, parts[i]) ? table[parts[i]] : undefined;
    if (!param) break;
    access = param.access ?? access;
    if (i < parts.length - 1) {
      if (param.type !== 'object' && param.type !== 'objects') {
        param = undefined;
        break;
      }
      table = param.fields;
    }
  }
  if (!param || !access) return { known: false, kind, path, learner: 'never' };
  return { known: true, kind, path, param, access, learner: LEARNER[access] };
}
