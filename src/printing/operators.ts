/**
 * The pretty printer's operator table (Theano's `pprint.assign` calls, as
 * data), keyed by scalar op name: which ops print as infix or prefix
 * operators, with Python's precedence and associativity so that printed
 * expressions re-read as the same graph. Ops not listed print as calls.
 */

/** How tightly each kind of expression binds, loosest first (Python's grammar). */
export const PRECEDENCE = {
  compare: 10,
  or: 20,
  xor: 21,
  and: 22,
  add: 30,
  mul: 40,
  /** Prefix `-x` and `~x`. */
  unary: 50,
  pow: 60,
  /** Names, values, calls, `x.T`: never need parentheses. */
  atom: 100,
} as const;

/**
 * 'left': `(a - b) - c` prints as `a - b - c`; 'right': `a ** (b ** c)` as
 * `a ** b ** c`; 'none': chains are parenthesised on both sides (Python
 * reads `a < b < c` as a chained comparison, not as `(a < b) < c`).
 */
export type Associativity = 'left' | 'right' | 'none';

export interface InfixOperator {
  readonly symbol: string;
  readonly precedence: number;
  readonly associativity: Associativity;
}

const infix = (symbol: string, precedence: number, associativity: Associativity = 'left'): InfixOperator => ({ symbol, precedence, associativity });

/**
 * Binary scalar ops printed as `a op b`. add and mul are associative in the
 * math but not in the graph, so `a + (b + c)` keeps its parentheses.
 */
export const INFIX_OPERATORS: Readonly<Record<string, InfixOperator>> = {
  add: infix('+', PRECEDENCE.add),
  sub: infix('-', PRECEDENCE.add),
  mul: infix('*', PRECEDENCE.mul),
  trueDiv: infix('/', PRECEDENCE.mul),
  intDiv: infix('//', PRECEDENCE.mul),
  mod: infix('%', PRECEDENCE.mul),
  pow: infix('**', PRECEDENCE.pow, 'right'),
  lt: infix('<', PRECEDENCE.compare, 'none'),
  le: infix('<=', PRECEDENCE.compare, 'none'),
  gt: infix('>', PRECEDENCE.compare, 'none'),
  ge: infix('>=', PRECEDENCE.compare, 'none'),
  eq: infix('==', PRECEDENCE.compare, 'none'),
  neq: infix('!=', PRECEDENCE.compare, 'none'),
  and: infix('&', PRECEDENCE.and),
  or: infix('|', PRECEDENCE.or),
  xor: infix('^', PRECEDENCE.xor),
};

/** Unary scalar ops printed as `op x`. */
export const PREFIX_OPERATORS: Readonly<Record<string, string>> = {
  neg: '-',
  invert: '~',
};

/** Scalar ops printed as calls of the public function that builds them, where its name differs. */
export const CALL_NAMES: Readonly<Record<string, string>> = {
  second: 'fill',
};

/** CAReduce by its scalar op: `sum(x, axis=[0])`. Others print as the op itself. */
export const REDUCTION_NAMES: Readonly<Record<string, string>> = {
  add: 'sum',
  mul: 'prod',
  maximum: 'max',
  minimum: 'min',
  and: 'all',
  or: 'any',
};
