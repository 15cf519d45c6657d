/**
 * More reductions with numpy semantics (axes as `sum` takes them, keepdims):
 * `prod`, `max`, `min`, `argmax`, `argmin`, `all`, `any`, `var_`/`variance`,
 * `std` and `logsumexp`. Values fold with CAReduce where a scalar op does it
 * (mul, maximum, minimum, and, or); `MaxMin` (in reduce.ts, so that it is
 * defined whichever module loads first) adds numpy's refusal of empty
 * reductions and the gradient to the maxima; `ArgReduce` finds positions.
 */
import { Apply } from '../graph/apply.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import type { InputGradient } from '../graph/gradientTerms.js';
import { NDArray } from '../ndarray/ndarray.js';
import { isFloat, meanDtype } from '../ndarray/dtype.js';
import { config } from '../config.js';
import { ShapeError } from '../errors.js';
import * as scalar from '../scalar/ops.js';
import { disconnectedGrad } from '../gradient/modifiers.js';
import { asTensorVariable, constant, type TensorLike } from './asTensor.js';
import { CAReduce, MaxMin, checkDtypeOption, checkNonEmpty, keepReducedDims, normalizeAxes, sum, type ReduceOptions } from './reduce.js';
import { add, cast, exp, isinf, log, mul, neq, sqr, sqrt, sub, switch_, trueDiv, zerosLike } from './math.js';
import { reuseOrAllocate } from './runtime.js';
import { shapeI } from './shape.js';
import { TensorType } from './type.js';
import { TensorVariable } from './variable.js';

export type Axis = number | readonly number[] | null | undefined;

/** Options of reductions without a dtype choice (max, argmax, all, logsumexp, ...). */
export interface KeepdimsOption {
  keepdims?: boolean;
}

export interface VarianceOptions extends KeepdimsOption {
  /** Delta degrees of freedom: the sum of squares is divided by N - ddof (default 0, as numpy). */
  ddof?: number;
}

/**
 * Theano's Argmax (and argmin): the int64 position of the first maximum
 * (minimum) over `axes`, counted in the row-major flattening of those axes
 * (so all axes gives numpy's flat index). NaN counts as the extreme, as numpy.
 */
export class ArgReduce extends Op {
  override readonly props = ['kind', 'axes'];
  readonly kind: 'max' | 'min';
  readonly axes: readonly number[];

  constructor(kind: 'max' | 'min', axes: readonly number[]) {
    super();
    this.kind = kind;
    this.axes = Object.freeze([...axes]);
  }

  override toString(): string {
    return `Arg${this.kind}{axes=[${this.axes.join(',')}]}`;
  }

  override makeNode(x: Variable): Apply<this> {
    if (!(x instanceof TensorVariable)) throw new TypeError(`${this} needs a tensor variable, got ${x}`);
    for (const a of this.axes) {
      if (a >= x.ndim) throw new ShapeError(`${this}: axis ${a} is out of range for the ${x.ndim}-d input ${x}`);
    }
    const shape = x.type.shape.filter((_, i) => !this.axes.includes(i));
    return new Apply(this, [x], [new TensorType('int64', shape)]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const x = inputs[0] as NDArray;
    checkNonEmpty(node, x, this.axes, `arg${this.kind}`);
    const kept = [...Array(x.ndim).keys()].filter((a) => !this.axes.includes(a));
    const out = reuseOrAllocate(outputs[0]!, 'int64', kept.map((a) => x.shape[a]!));
    // Kept axes first, then the reduced ones: each output folds one consecutive run.
    const view = x.transpose([...kept, ...this.axes]);
    const run = this.axes.reduce((n, a) => n * x.shape[a]!, 1);
    // The runs in row-major order (x's own storage when the view is contiguous, else a copy).
    const src = view.isContiguous() ? view.data.subarray(view.offset, view.offset + view.size) : view.copy().data;
    const sign = this.kind === 'max' ? 1 : -1;
    for (let r = 0, at = 0; at < src.length; r++, at += run) {
      // The first NaN wins; otherwise the first of the largest (or smallest) values.
      let best = Number(src[at]) * sign;
      let bestAt = 0;
      for (let j = 1; j < run && !Number.isNaN(best); j++) {
        const v = Number(src[at + j]) * sign;
        if (Number.isNaN(v) || v > best) {
          best = v;
          bestAt = j;
        }
      }
      out.data[r] = bestAt;
    }
    outputs[0]!.value = out;
  }

  override inferShape(_node: Apply, inputShapes: readonly SymbolicShape[]): SymbolicShape[] {
    return [inputShapes[0]!.filter((_, i) => !this.axes.includes(i))];
  }

  /** A position does not change for small changes of the values: a zero gradient (Theano's too). */
  override grad(node: Apply): InputGradient[] {
    const x = node.inputs[0] as TensorVariable;
    return [zerosLike(x, isFloat(x.dtype) ? x.dtype : config.floatX)];
  }
}

const finish = (result: TensorVariable, axes: readonly number[], ndim: number, options: KeepdimsOption): TensorVariable =>
  options.keepdims ? keepReducedDims(result, axes, ndim) : result;

/** Product over `axis` (all by default); ints accumulate in 64 bits, the product of nothing is 1. Theano's `T.prod`. */
export function prod(x: TensorLike, axis?: Axis, options: ReduceOptions = {}): TensorVariable {
  const v = asTensorVariable(x);
  checkDtypeOption(options.dtype, 'prod');
  const axes = normalizeAxes(axis, v.ndim, 'prod');
  return finish(new CAReduce(scalar.mul, axes, options.dtype ?? null).apply1(v) as TensorVariable, axes, v.ndim, options);
}

/** Maximum over `axis` (all by default), in the input's dtype; NaN propagates; empty is an error. Theano's `T.max`. */
export function max(x: TensorLike, axis?: Axis, options: KeepdimsOption = {}): TensorVariable {
  const v = asTensorVariable(x);
  const axes = normalizeAxes(axis, v.ndim, 'max');
  return finish(new MaxMin('max', axes).apply1(v) as TensorVariable, axes, v.ndim, options);
}

/** Minimum over `axis` (all by default); see `max`. Theano's `T.min`. */
export function min(x: TensorLike, axis?: Axis, options: KeepdimsOption = {}): TensorVariable {
  const v = asTensorVariable(x);
  const axes = normalizeAxes(axis, v.ndim, 'min');
  return finish(new MaxMin('min', axes).apply1(v) as TensorVariable, axes, v.ndim, options);
}

/** int64 index of the first maximum over `axis` (the flat index when null/undefined, as numpy). Theano's `T.argmax`. */
export function argmax(x: TensorLike, axis?: Axis, options: KeepdimsOption = {}): TensorVariable {
  const v = asTensorVariable(x);
  const axes = normalizeAxes(axis, v.ndim, 'argmax');
  return finish(new ArgReduce('max', axes).apply1(v) as TensorVariable, axes, v.ndim, options);
}

/** int64 index of the first minimum over `axis`; see `argmax`. Theano's `T.argmin`. */
export function argmin(x: TensorLike, axis?: Axis, options: KeepdimsOption = {}): TensorVariable {
  const v = asTensorVariable(x);
  const axes = normalizeAxes(axis, v.ndim, 'argmin');
  return finish(new ArgReduce('min', axes).apply1(v) as TensorVariable, axes, v.ndim, options);
}

/** x as bool (x != 0, so NaN is true, as numpy). */
const truth = (v: TensorVariable): TensorVariable => (v.dtype === 'bool' ? v : neq(v, 0));

/** Whether every element over `axis` is non-zero (bool; true for nothing). Theano's `T.all`. */
export function all(x: TensorLike, axis?: Axis, options: KeepdimsOption = {}): TensorVariable {
  const v = asTensorVariable(x);
  const axes = normalizeAxes(axis, v.ndim, 'all');
  return finish(new CAReduce(scalar.and, axes).apply1(truth(v)) as TensorVariable, axes, v.ndim, options);
}

/** Whether some element over `axis` is non-zero (bool; false for nothing). Theano's `T.any`. */
export function any(x: TensorLike, axis?: Axis, options: KeepdimsOption = {}): TensorVariable {
  const v = asTensorVariable(x);
  const axes = normalizeAxes(axis, v.ndim, 'any');
  return finish(new CAReduce(scalar.or, axes).apply1(truth(v)) as TensorVariable, axes, v.ndim, options);
}

/**
 * Variance over `axis`: the mean squared deviation from the mean, dividing
 * by N - ddof. float64 for bool/int inputs, the input's float dtype
 * otherwise (numpy). Theano's `T.var`; `var` is a JS keyword, hence the name.
 */
export function var_(x: TensorLike, axis?: Axis, options: VarianceOptions = {}): TensorVariable {
  const v = asTensorVariable(x);
  const axes = normalizeAxes(axis, v.ndim, 'var');
  const ddof = options.ddof ?? 0;
  if (!Number.isFinite(ddof)) throw new RangeError(`var: ddof must be a finite number, got ${ddof}`);
  const dtype = meanDtype(v.dtype);
  const xf = cast(v, dtype);
  const count = axes.reduce<TensorVariable | null>((acc, a) => (acc === null ? shapeI(v, a) : mul(acc, shapeI(v, a))), null);
  const n = count === null ? constant(1, null, 'int64') : count;
  const mu = trueDiv(sum(xf, axes), cast(n, dtype));
  const squares = sum(sqr(sub(xf, keepReducedDims(mu, axes, v.ndim))), axes);
  const result = trueDiv(squares, cast(ddof === 0 ? n : sub(n, ddof), dtype));
  return finish(result, axes, v.ndim, options);
}

export { var_ as variance };

/** Standard deviation: the square root of `var_` (same options). Theano's `T.std`. */
export function std(x: TensorLike, axis?: Axis, options: VarianceOptions = {}): TensorVariable {
  const v = asTensorVariable(x);
  normalizeAxes(axis, v.ndim, 'std');
  return sqrt(var_(v, axis, options));
}

/**
 * log(sum(exp(x))) over `axis`, computed stably: the maximum is subtracted
 * before exp and added back (an infinite maximum is replaced by 0, as
 * scipy). The maximum is held constant for the gradient, which is then
 * exactly softmax(x) times the incoming gradient. Empty reductions give -inf.
 * Bool and integer inputs are computed in float64.
 */
export function logsumexp(x: TensorLike, axis?: Axis, options: KeepdimsOption = {}): TensorVariable {
  const given = asTensorVariable(x);
  const v = cast(given, meanDtype(given.dtype));
  const axes = normalizeAxes(axis, v.ndim, 'logsumexp');
  // A plain CAReduce of maximum: -inf for empty groups, where numpy's max would refuse.
  const m = disconnectedGrad(new CAReduce(scalar.maximum, axes).apply1(v) as TensorVariable);
  const shift = switch_(isinf(m), 0, m);
  const total = sum(exp(sub(v, keepReducedDims(shift, axes, v.ndim))), axes);
  return finish(add(log(total), shift), axes, v.ndim, options);
}
