/**
 * TensorVariable: a symbolic array, with numpy-like methods that build graph
 * nodes (`x.add(y)`, `x.dot(w)`, `x.sum(1)`, `x.T`). Operands may be other
 * variables or plain JS numbers and arrays (weakly typed, see `asTensorVariable`).
 * TensorConstant is a TensorVariable with a fixed value.
 */
import { Variable } from '../graph/variable.js';
import type { NDArray } from '../ndarray/ndarray.js';
import type { DType } from '../ndarray/dtype.js';
import type { TensorType } from './type.js';
import type { ReduceOptions } from './reduce.js';
import * as math from './math.js';
import { dimshuffle as dimshuffleFn, transpose } from './dimshuffle.js';
import { sum as sumFn, mean as meanFn } from './reduce.js';
import { dot as dotFn } from './dot.js';
import { at as atFn, type Index } from './subtensor.js';
import { shape as shapeFn } from './shape.js';
import * as red from './reductions.js';
import { cumsum as cumsumFn, cumprod as cumprodFn } from './cumulative.js';
import type { Axis, KeepdimsOption, VarianceOptions } from './reductions.js';
import { flatten as flattenFn, reshape as reshapeFn, type ShapeArg } from './reshape.js';
import { flip as flipFn, repeat as repeatFn, roll as rollFn, squeeze as squeezeFn, swapaxes as swapaxesFn } from './rearrange.js';
import type { TensorLike } from './asTensor.js';

export class TensorVariable extends Variable<TensorType> {
  get dtype(): DType {
    return this.type.dtype;
  }

  get ndim(): number {
    return this.type.ndim;
  }

  get broadcastable(): boolean[] {
    return this.type.broadcastable;
  }

  /** The symbolic shape: an int64 vector (Theano's `x.shape`; `x.shape.at(0)` is the first length). */
  get shape(): TensorVariable {
    return shapeFn(this);
  }

  /** The static shape: known lengths, null where unknown. */
  get staticShape(): readonly (number | null)[] {
    return this.type.shape;
  }

  // ---- arithmetic (Python's operators) ----
  add(other: TensorLike): TensorVariable {
    return math.add(this, other);
  }
  sub(other: TensorLike): TensorVariable {
    return math.sub(this, other);
  }
  mul(other: TensorLike): TensorVariable {
    return math.mul(this, other);
  }
  /** True division (`/`): ints divide to float64. */
  div(other: TensorLike): TensorVariable {
    return math.trueDiv(this, other);
  }
  /** Floor division (`//`). */
  intDiv(other: TensorLike): TensorVariable {
    return math.intDiv(this, other);
  }
  mod(other: TensorLike): TensorVariable {
    return math.mod(this, other);
  }
  pow(other: TensorLike): TensorVariable {
    return math.pow(this, other);
  }
  neg(): TensorVariable {
    return math.neg(this);
  }
  abs(): TensorVariable {
    return math.abs(this);
  }
  exp(): TensorVariable {
    return math.exp(this);
  }
  log(): TensorVariable {
    return math.log(this);
  }
  sqrt(): TensorVariable {
    return math.sqrt(this);
  }
  clip(lo: TensorLike, hi: TensorLike): TensorVariable {
    return math.clip(this, lo, hi);
  }

  // ---- comparisons (bool results) ----
  lt(other: TensorLike): TensorVariable {
    return math.lt(this, other);
  }
  gt(other: TensorLike): TensorVariable {
    return math.gt(this, other);
  }
  le(other: TensorLike): TensorVariable {
    return math.le(this, other);
  }
  ge(other: TensorLike): TensorVariable {
    return math.ge(this, other);
  }
  eq(other: TensorLike): TensorVariable {
    return math.eq(this, other);
  }
  neq(other: TensorLike): TensorVariable {
    return math.neq(this, other);
  }

  // ---- logical / bitwise ----
  and(other: TensorLike): TensorVariable {
    return math.and(this, other);
  }
  or(other: TensorLike): TensorVariable {
    return math.or(this, other);
  }
  xor(other: TensorLike): TensorVariable {
    return math.xor(this, other);
  }
  invert(): TensorVariable {
    return math.invert(this);
  }

  // ---- conversion, shape, products, reductions ----
  /** Conversion to another dtype (Theano's `astype`/`cast`). */
  astype(dtype: DType): TensorVariable {
    return math.cast(this, dtype);
  }
  /** Reversed axes. */
  get T(): TensorVariable {
    return transpose(this);
  }
  transpose(axes?: readonly number[]): TensorVariable {
    return transpose(this, axes);
  }
  /** Reorders axes; 'x' inserts a broadcastable axis: `v.dimshuffle('x', 0)` makes a row. */
  dimshuffle(...pattern: (number | 'x')[] | [readonly (number | 'x')[]]): TensorVariable {
    const flat = (pattern.length === 1 && Array.isArray(pattern[0]) ? pattern[0] : pattern) as (number | 'x')[];
    return dimshuffleFn(this, flat);
  }
  /** Basic indexing, a view: `x.at(0)`, `x.at(':', -1)`, `x.at('::-1')`, `x.at(T.slice(i, j), T.newaxis)` (see tensor/subtensor.ts). */
  at(...indices: Index[]): TensorVariable {
    return atFn(this, ...indices);
  }

  prod(axis?: Axis, options?: ReduceOptions): TensorVariable {
    return red.prod(this, axis, options);
  }

  max(axis?: Axis, options?: KeepdimsOption): TensorVariable {
    return red.max(this, axis, options);
  }

  min(axis?: Axis, options?: KeepdimsOption): TensorVariable {
    return red.min(this, axis, options);
  }

  argmax(axis?: Axis, options?: KeepdimsOption): TensorVariable {
    return red.argmax(this, axis, options);
  }

  argmin(axis?: Axis, options?: KeepdimsOption): TensorVariable {
    return red.argmin(this, axis, options);
  }

  all(axis?: Axis, options?: KeepdimsOption): TensorVariable {
    return red.all(this, axis, options);
  }

  any(axis?: Axis, options?: KeepdimsOption): TensorVariable {
    return red.any(this, axis, options);
  }

  var(axis?: Axis, options?: VarianceOptions): TensorVariable {
    return red.var_(this, axis, options);
  }

  std(axis?: Axis, options?: VarianceOptions): TensorVariable {
    return red.std(this, axis, options);
  }

  cumsum(axis?: number | null): TensorVariable {
    return cumsumFn(this, axis);
  }

  cumprod(axis?: number | null): TensorVariable {
    return cumprodFn(this, axis);
  }

  /** numpy's reshape: lengths (one may be -1) or integer scalars, or a shape vector (`T.shape(y)`); a view when contiguous. */
  reshape(shape: ShapeArg | number): TensorVariable {
    return reshapeFn(this, shape);
  }

  /** Theano's flatten: keeps the first ndim-1 axes, flattens the rest. */
  flatten(ndim = 1): TensorVariable {
    return flattenFn(this, ndim);
  }

  /** Drops axes of length 1 (of static length 1 when no axis is given). */
  squeeze(axis?: number | readonly number[]): TensorVariable {
    return squeezeFn(this, axis);
  }

  swapaxes(a: number, b: number): TensorVariable {
    return swapaxesFn(this, a, b);
  }

  /** numpy's repeat: one count, or one count per entry along the axis (x flattened when no axis). */
  repeat(repeats: number | readonly number[] | TensorVariable, axis?: number): TensorVariable {
    return repeatFn(this, repeats, axis);
  }

  flip(axis?: number | readonly number[]): TensorVariable {
    return flipFn(this, axis);
  }

  roll(shift: number | TensorVariable, axis?: number): TensorVariable {
    return rollFn(this, shift, axis);
  }

  dot(other: TensorLike): TensorVariable {
    return dotFn(this, other);
  }
  sum(axis?: number | readonly number[] | null, options?: ReduceOptions): TensorVariable {
    return sumFn(this, axis, options);
  }
  mean(axis?: number | readonly number[] | null, options?: ReduceOptions): TensorVariable {
    return meanFn(this, axis, options);
  }
}

export class TensorConstant extends TensorVariable {
  readonly data: NDArray;

  constructor(type: TensorType, data: NDArray, name: string | null = null) {
    super(type, null, 0, name);
    this.data = data;
  }

  override isConstant(): boolean {
    return true;
  }

  override toString(): string {
    if (this.name !== null) return this.name;
    return this.data.size <= 8 ? this.data.toString().replace(/\s+/g, ' ') : `TensorConstant{${this.type.shapeString()}}`;
  }
}
