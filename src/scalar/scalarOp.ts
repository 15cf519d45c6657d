/**
 * ScalarOp: the math of one elementwise operation on single values — its
 * dtype rule and its reference JS function. `Elemwise` maps a ScalarOp over
 * arrays; code generators render the same entry. Gradients join the entry
 * in the gradient layer, so each op's math lives in one place.
 */
import type { DType } from '../ndarray/dtype.js';

/** The function computing one element; arguments and result are JS numbers (bools as 0/1). */
export type ScalarFn = (...args: number[]) => number;

/**
 * The operations gradient rules are written with. The tensor layer supplies
 * them (E = TensorVariable), so a rule reads like the calculus it encodes
 * while the scalar layer stays free of tensors. Plain numbers are constants.
 */
export interface GradMath<E> {
  add(a: E | number, b: E | number): E;
  sub(a: E | number, b: E | number): E;
  mul(a: E | number, b: E | number): E;
  div(a: E | number, b: E | number): E;
  intDiv(a: E | number, b: E | number): E;
  pow(a: E | number, b: E | number): E;
  neg(a: E): E;
  sqr(a: E): E;
  sqrt(a: E): E;
  exp(a: E): E;
  log(a: E): E;
  sin(a: E): E;
  cos(a: E): E;
  sinh(a: E): E;
  cosh(a: E): E;
  sgn(a: E): E;
  sigmoid(a: E): E;
  eq(a: E | number, b: E | number): E;
  lt(a: E | number, b: E | number): E;
  le(a: E | number, b: E | number): E;
  gt(a: E | number, b: E | number): E;
  ge(a: E | number, b: E | number): E;
  and(a: E, b: E): E;
  switch(cond: E, a: E | number, b: E | number): E;
}

/**
 * A gradient rule: the gradient of a cost with respect to each input, given
 * the inputs, the output and the cost's gradient `gz` with respect to the
 * output. null means zero (piecewise-constant functions, comparisons, the
 * condition of a switch).
 */
export type ScalarGrad = <E>(m: GradMath<E>, inputs: readonly E[], output: E, gz: E) => (E | null)[];

export interface ScalarOpSpec {
  /** camelCase name, as the public function (`add`, `trueDiv`, `arctan2`). */
  name: string;
  /** How many inputs. */
  arity: number;
  /** Output dtype for these input dtypes; throws a DTypeError for dtypes the op does not take. */
  outputDtype: (inputs: readonly DType[]) => DType;
  /** The reference function for these input and output dtypes. */
  impl: (inputs: readonly DType[], output: DType) => ScalarFn;
  /** f(a, b) = f(b, a). */
  commutative?: boolean;
  /** f(f(a, b), c) = f(a, f(b, c)): lets reductions and rewrites regroup it. */
  associative?: boolean;
  /** The value v with f(v, x) = x, when there is one (starts a reduction). */
  identity?: number;
  /** Extra fields that tell two ops of the same name apart (e.g. a cast's target dtype). */
  params?: Readonly<Record<string, string | number | boolean>>;
  /** The gradient rule; ops without one have no gradient (asking for it is an error). */
  grad?: ScalarGrad;
}

export class ScalarOp {
  readonly name: string;
  readonly arity: number;
  readonly commutative: boolean;
  readonly associative: boolean;
  readonly identity: number | undefined;
  readonly params: Readonly<Record<string, string | number | boolean>>;
  readonly grad: ScalarGrad | undefined;
  private readonly spec: ScalarOpSpec;
  private readonly cache = new Map<string, ScalarFn>();

  constructor(spec: ScalarOpSpec) {
    this.spec = spec;
    this.name = spec.name;
    this.arity = spec.arity;
    this.commutative = spec.commutative ?? false;
    this.associative = spec.associative ?? false;
    this.identity = spec.identity;
    this.params = spec.params ?? {};
    this.grad = spec.grad;
  }

  outputDtype(inputs: readonly DType[]): DType {
    return this.spec.outputDtype(inputs);
  }

  /** The element function for these dtypes (memoised: Elemwise asks once per node). */
  impl(inputs: readonly DType[], output: DType): ScalarFn {
    const k = `${inputs.join(',')}->${output}`;
    let fn = this.cache.get(k);
    if (fn === undefined) {
      fn = this.spec.impl(inputs, output);
      this.cache.set(k, fn);
    }
    return fn;
  }

  key(): string {
    const extra = Object.entries(this.params).map(([k, v]) => `${k}=${v}`);
    return extra.length === 0 ? this.name : `${this.name}{${extra.join(',')}}`;
  }

  toString(): string {
    return this.key();
  }
}
