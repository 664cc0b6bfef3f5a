// What a parameter is: one descriptor says its type, default, unit, bounds, label and who may
// change it. Each node kind has one table of them (a file each beside this one), and the
// spec types, the components' defaults, the validator, the inspector, the challenges'
// allowed changes and the format page are all derived from those tables: a new parameter is
// one line in one of them.

import type { NodeKind } from '../spec';
import type { BoundClass } from './bounds';

/** Units as the inspector and the format page print them. */
export type Unit =
  | 'ms'
  | 'ops/s'
  | 'entries/s'
  | 'bytes/s'
  | 'bytes'
  | 'entries'
  | 'ops'
  | 'keys'
  | 'jobs'
  | 'requests'
  | 'connections'
  | 'cores'
  | 'daemons'
  | 'checks'
  | 'attempts'
  | 'share'
  | 'times'
  | 'phi'
  | 'px'
  | '';

/**
 * Who may change a node's field (the challenges' `allow.set` builds on it):
 * - `identity`: which node it is (`id`, `kind`); never changed, not even by a what-if;
 * - `layout`: how it is drawn (`label`, `position`); changes nothing in the run, always free;
 * - `structure`: how the system is wired (site, role, references, lists of nodes, rules);
 * - `tunable`: a setting of the node.
 * A learner may change `structure` and `tunable` fields where a challenge allows them.
 */
export type Access = 'identity' | 'layout' | 'structure' | 'tunable';

interface Common {
  label: string;
  /** One line: the inspector's tooltip, and the format page's meaning unless `doc` says more. */
  help: string;
  /** The format page's meaning, where it needs more than one line. */
  doc?: string;
  /** Who may change it (node fields; fault fields leave it out). */
  access?: Access;
  required?: true;
  /** A default that is not a constant, in words ("a tenth of `latencyMs`"). */
  defaultText?: string;
  /**
   * Where the inspector shows it: `inspector` in the player too, `editor` (the default for
   * single values) only in editor mode, `none` never.
   */
  ui?: 'inspector' | 'editor' | 'none';
  /** Checked by the rule of what holds it (its meaning depends on another field), not from the table. */
  checkedBy?: 'rule';
}

export interface NumberParam extends Common {
  type: 'number';
  unit: Unit;
  default?: number;
  min?: number;
  /** Exclusive lower bound. */
  above?: number;
  max?: number;
  integer?: true;
  /** A value outside [min, max] that is allowed and means "none" (a throttle of 0: no throttle). */
  off?: { value: number; means: string };
  /** The family of times or rates its bounds come from (bounds.ts). */
  bound?: BoundClass;
  /** Why the bound is what it is, when that is not obvious: appended to the error message. */
  note?: string;
  /** The inspector's step. */
  step?: number;
}

export interface EnumParam<V extends string = string> extends Common {
  type: 'enum';
  values: readonly V[];
  default?: V;
}

export interface BooleanParam extends Common {
  type: 'boolean';
  default?: boolean;
}

/** Free text shown to people (a label, a rule's name). */
export interface TextParam extends Common {
  type: 'text';
  maxChars: number;
}

/** The node's own id. */
export interface IdParam extends Common {
  type: 'id';
}

/** A site id. */
export interface SiteParam extends Common {
  type: 'site';
}

/** A node id of one of `kinds`. */
export interface RefParam extends Common {
  type: 'ref';
  kinds: readonly NodeKind[] | 'any';
  /** What a missing value should have been, when `required` ("the id of the queue it takes jobs from"). */
  missing?: string;
  /** Naming the node itself is an error. */
  notSelf?: true;
}

/** Where requests go: which spellings are accepted (components resolve them alike). */
export interface AddressForms {
  rolePrimary: boolean;
  endpoint: boolean;
  bareDatabase: boolean;
  /** A cache or a balancer, which answer the database's request protocol themselves. */
  proxies?: boolean;
}

export interface AddressParam extends Common {
  type: 'address';
  forms: AddressForms;
  notSelf?: true;
}

/** A list of node ids. */
export interface RefListParam extends Common {
  type: 'refs';
  kinds: readonly NodeKind[] | 'any';
  min?: number;
  max: number;
  /** The list's entries, in words ("database ids"). */
  of: string;
  /** A repeated id is an error. */
  unique?: true;
}

/** A list of strings that are not ids (keys). */
export interface StringListParam extends Common {
  type: 'strings';
  max: number;
  of: string;
  example: string;
}

/** Two site ids: a link's ends (a degraded link may name one site twice). */
export interface SitePairParam extends Common {
  type: 'site-pair';
}

/** Two lists of node or site ids: a partition's sides. */
export interface SidesParam extends Common {
  type: 'sides';
}

export type ParamTable = { readonly [field: string]: Param };

export interface ObjectParam<F extends ParamTable = ParamTable> extends Common {
  type: 'object';
  fields: F;
  /** An example value for error messages. */
  example: string;
}

export interface ObjectListParam<F extends ParamTable = ParamTable> extends Common {
  type: 'objects';
  fields: F;
  max: number;
  of: string;
  example: string;
}

export type Param =
  | NumberParam
  | EnumParam
  | BooleanParam
  | TextParam
  | IdParam
  | SiteParam
  | RefParam
  | AddressParam
  | RefListParam
  | StringListParam
  | SitePairParam
  | SidesParam
  | ObjectParam
  | ObjectListParam;

/** A table as written: literal types are kept, so spec types can be read off it. */
export function params<const T extends ParamTable>(table: T): T {
  return table;
}

// ---------------------------------------------------------------------------------------------
// Types read off a table

type ValueOf<P> = P extends { type: 'number' }
  ? number
  : P extends { type: 'enum'; values: readonly (infer V)[] }
    ? V
    : P extends { type: 'boolean' }
      ? boolean
      : P extends { type: 'refs' | 'strings' }
        ? string[]
        : P extends { type: 'site-pair' }
          ? [string, string]
          : P extends { type: 'sides' }
            ? [string[], string[]]
        : P extends { type: 'object'; fields: infer F }
          ? SpecOf<F>
          : P extends { type: 'objects'; fields: infer F }
            ? SpecOf<F>[]
            : string;

type RequiredKeys<T> = { [K in keyof T]: T[K] extends { required: true } ? K : never }[keyof T];

type Flatten<T> = { [K in keyof T]: T[K] };

/** The value a table describes: required fields required, the others optional. */
export type SpecOf<T> = Flatten<
  { -readonly [K in RequiredKeys<T>]: ValueOf<T[K]> } & { -readonly [K in Exclude<keyof T, RequiredKeys<T>>]?: ValueOf<T[K]> }
>;

/** The fields of a table that have a constant default, with their values' types. */
export type DefaultsOf<T> = {
  -readonly [K in keyof T as T[K] extends { default: number | string | boolean } ? K : never]: ValueOf<T[K]>;
};

/** The constant defaults of a table: what a component uses when the scenario leaves a field out. */
export function defaultsOf<const T extends ParamTable>(table: T): DefaultsOf<T> {
  const out: Record<string, unknown> = {};
  for (const [key, p] of Object.entries(table)) {
    if ('default' in p && p.default !== undefined) out[key] = p.default;
  }
  return out as DefaultsOf<T>;
}
