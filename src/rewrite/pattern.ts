/**
 * Patterns over elementwise graphs, so a rewrite reads like the algebra it
 * encodes: `P.mul(x, 1)`, `P.log(P.add(1, x))`, `P.neg(P.neg(x))`.
 *
 * A pattern is a named variable (`P.v('x')` matches anything and binds it;
 * the same name twice must match the same variable), a constant (a JS
 * number: matches a constant whose every element equals it), or an
 * elementwise op applied to patterns (commutative ops match either order).
 */
import type { Variable } from '../graph/variable.js';
import { constantData } from '../graph/variable.js';
import { NDArray } from '../ndarray/ndarray.js';
import type { ScalarOp } from '../scalar/scalarOp.js';
import * as scalar from '../scalar/ops.js';
import { Elemwise } from '../tensor/elemwise.js';
import type { TensorVariable } from '../tensor/variable.js';

export type Pattern =
  | { readonly kind: 'var'; readonly name: string }
  | { readonly kind: 'const'; readonly value: number }
  | { readonly kind: 'op'; readonly op: ScalarOp; readonly args: readonly Pattern[] };

/** What a successful match binds: pattern variable name → graph variable. */
export type Bindings = Record<string, TensorVariable>;

type PatternLike = Pattern | number;

const lift = (p: PatternLike): Pattern => (typeof p === 'number' ? { kind: 'const', value: p } : p);

const opPattern =
  (op: ScalarOp) =>
  (...args: PatternLike[]): Pattern => ({ kind: 'op', op, args: args.map(lift) });

/** The value of a constant whose elements are all equal, or null. */
export function uniformConstant(v: Variable): number | null {
  if (!v.isConstant()) return null;
  const data = constantData(v);
  if (!(data instanceof NDArray) || data.size === 0) return null;
  const flat = data.flatData();
  const first = flat[0]!;
  for (let i = 1; i < flat.length; i++) if (!Object.is(flat[i], first)) return null;
  return first;
}

/** Matches `pattern` against `v`, extending `bindings`; null when it does not match. */
export function match(pattern: Pattern, v: Variable, bindings: Bindings = {}): Bindings | null {
  switch (pattern.kind) {
    case 'var': {
      const bound = bindings[pattern.name];
      if (bound !== undefined) return bound === v ? bindings : null;
      return { ...bindings, [pattern.name]: v as TensorVariable };
    }
    case 'const':
      return uniformConstant(v) === pattern.value ? bindings : null;
    case 'op': {
      const node = v.owner;
      if (node === null || !(node.op instanceof Elemwise) || node.op.scalarOp !== pattern.op) return null;
      const direct = matchAll(pattern.args, node.inputs, bindings);
      if (direct !== null || !pattern.op.commutative || pattern.args.length !== 2) return direct;
      return matchAll([pattern.args[1]!, pattern.args[0]!], node.inputs, bindings);
    }
  }
}

function matchAll(patterns: readonly Pattern[], vars: readonly Variable[], bindings: Bindings): Bindings | null {
  if (patterns.length !== vars.length) return null;
  let b: Bindings | null = bindings;
  for (let i = 0; i < patterns.length && b !== null; i++) b = match(patterns[i]!, vars[i]!, b);
  return b;
}

/** Pattern constructors, one per scalar op used in rewrites. */
export const P = {
  /** Any variable, bound to `name`. */
  v: (name: string): Pattern => ({ kind: 'var', name }),
  add: opPattern(scalar.add),
  sub: opPattern(scalar.sub),
  mul: opPattern(scalar.mul),
  trueDiv: opPattern(scalar.trueDiv),
  pow: opPattern(scalar.pow),
  neg: opPattern(scalar.neg),
  exp: opPattern(scalar.exp),
  log: opPattern(scalar.log),
  log1p: opPattern(scalar.log1p),
  sigmoid: opPattern(scalar.sigmoid),
  softplus: opPattern(scalar.softplus),
  sqr: opPattern(scalar.sqr),
  sqrt: opPattern(scalar.sqrt),
  reciprocal: opPattern(scalar.reciprocal),
  identity: opPattern(scalar.identity),
  op: (op: ScalarOp, ...args: PatternLike[]): Pattern => opPattern(op)(...args),
};
