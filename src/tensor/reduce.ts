/**
 * Reductions: `CAReduce` folds an associative ScalarOp over some axes
 * (Theano's CAReduce); `sum` and `mean` are built on it, and `MaxMin`
 * (Theano's Max/Min) refines it for max and min (more in reductions.ts). Axes follow numpy:
 * a number, a list, or null/undefined for all; negatives count from the end;
 * `keepdims` keeps reduced axes as length 1.
 */
import { Apply } from '../graph/apply.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import type { NDArray } from '../ndarray/ndarray.js';
import { canCastSafely, isDType, isFloat, meanDtype, storeConverter, sumDtype, type DType } from '../ndarray/dtype.js';
import { DTypeError, ShapeError } from '../errors.js';
import type { ScalarOp } from '../scalar/scalarOp.js';
import * as scalar from '../scalar/ops.js';
import { TensorType } from './type.js';
import { TensorVariable } from './variable.js';
import { asTensorVariable, constant, type TensorLike } from './asTensor.js';
import { nodeError, reuseOrAllocate } from './runtime.js';
import { dimshuffle } from './dimshuffle.js';
import { shapeI } from './shape.js';
import { cast, eq, fill, mul, switch_, trueDiv, zerosLike } from './math.js';
import { NullGradient, type InputGradient } from '../graph/gradientTerms.js';

export interface ReduceOptions {
  /** Keep reduced axes as length-1 (broadcastable) axes. */
  keepdims?: boolean;
  /** Output dtype (default: int64/uint64 for integer sums, the input's float dtype otherwise). */
  dtype?: DType;
}

/** Sorted, non-negative, distinct axes for a `ndim`-d input; all axes for null/undefined. */
export function normalizeAxes(axis: number | readonly number[] | null | undefined, ndim: number, what: string): number[] {
  if (axis === null || axis === undefined) return [...Array(ndim).keys()];
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = list.map((a) => {
    if (!Number.isInteger(a) || a < -ndim || a >= ndim) {
      throw new ShapeError(`${what}: axis ${a} is out of range for a ${ndim}-d input (valid: ${-ndim} to ${ndim - 1})`);
    }
    return a < 0 ? a + ndim : a;
  });
  if (new Set(out).size !== out.length) throw new ShapeError(`${what}: axis ${JSON.stringify(axis)} repeats an axis`);
  return out.sort((a, b) => a - b);
}

export class CAReduce extends Op {
  override readonly props = ['scalarOp', 'axes', 'dtype'];
  readonly scalarOp: ScalarOp;
  readonly axes: readonly number[];
  /** Output dtype; null means the op's default for the input. */
  readonly dtype: DType | null;

  constructor(scalarOp: ScalarOp, axes: readonly number[], dtype: DType | null = null) {
    super();
    if (scalarOp.arity !== 2 || !scalarOp.associative) throw new TypeError(`CAReduce needs an associative binary op, got ${scalarOp}`);
    this.scalarOp = scalarOp;
    this.axes = Object.freeze([...axes]);
    this.dtype = dtype;
  }

  override toString(): string {
    return `CAReduce{${this.scalarOp}, axes=[${this.axes.join(',')}]${this.dtype ? `, ${this.dtype}` : ''}}`;
  }

  override makeNode(x: Variable): Apply<this> {
    if (!(x instanceof TensorVariable)) throw new TypeError(`${this} needs a tensor variable, got ${x}`);
    for (const a of this.axes) {
      if (a >= x.ndim) throw new ShapeError(`${this}: axis ${a} is out of range for the ${x.ndim}-d input ${x}`);
    }
    const dtype = this.dtype ?? (this.scalarOp === scalar.add || this.scalarOp === scalar.mul ? sumDtype(x.dtype) : x.dtype);
    const shape = x.type.shape.filter((_, i) => !this.axes.includes(i));
    return new Apply(this, [x], [new TensorType(dtype, shape)]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const outType = node.outputs[0]!.type as TensorType;
    // An output dtype the input does not cast to safely (sum(floats, dtype='int32'))
    // converts each element first, as numpy does: np.sum([0.5, 0.5], dtype=int) is 0.
    const input = inputs[0] as NDArray;
    const x = canCastSafely(input.dtype, outType.dtype) ? input : input.astype(outType.dtype);
    const outShape = x.shape.filter((_, i) => !this.axes.includes(i));
    const out = reuseOrAllocate(outputs[0]!, outType.dtype, outShape);
    const identity = this.scalarOp.identity!;
    // The element function of the output dtype (wrapping int32 products, 64-bit
    // bitwise ops), applied to values held in doubles, then stored once.
    const fn = this.scalarOp.impl([outType.dtype, outType.dtype], outType.dtype);
    const acc = new Float64Array(out.size).fill(identity);
    // Output position of each input index: reduced axes contribute nothing.
    const outStrides: number[] = [];
    let step = 1;
    for (let ax = x.ndim - 1; ax >= 0; ax--) {
      if (this.axes.includes(ax)) outStrides[ax] = 0;
      else {
        outStrides[ax] = step;
        step *= x.shape[ax]!;
      }
    }
    const src = x.data;
    const trailing = this.axes.every((a, i) => a === x.ndim - this.axes.length + i);
    if (trailing && x.isContiguous()) {
      // Reducing the last axes of contiguous data: each output folds one contiguous run.
      const run = out.size === 0 ? 0 : x.size / out.size;
      for (let j = 0, i = x.offset; j < acc.length; j++) {
        let a = identity;
        for (const end = i + run; i < end; i++) a = fn(a, src[i]!);
        acc[j] = a;
      }
    } else this.reduceStrided(x, outStrides, acc, fn);
    const convert = storeConverter(out.dtype);
    for (let k = 0; k < acc.length; k++) out.data[k] = convert(acc[k]!);
    outputs[0]!.value = out;
  }

  /** The general case: walk the input in order, moving an output cursor along with it. */
  private reduceStrided(x: NDArray, outStrides: readonly number[], acc: Float64Array, fn: (a: number, b: number) => number): void {
    const counter = new Array<number>(x.ndim).fill(0);
    let j = 0;
    const src = x.data;
    x.forEachIndex((i) => {
      acc[j] = fn(acc[j]!, src[i]!);
      for (let ax = x.ndim - 1; ax >= 0; ax--) {
        if (++counter[ax]! < x.shape[ax]!) {
          j += outStrides[ax]!;
          break;
        }
        counter[ax] = 0;
        j -= outStrides[ax]! * (x.shape[ax]! - 1);
      }
    });
  }

  /**
   * The gradient of each input element. A sum spreads gz back over the
   * reduced axes; a product sends gz times the product of the others (the
   * count of zeros per group picks the rule, so zeros need no division);
   * logical and/or have zero gradient. Max and min have theirs in `MaxMin`
   * (reductions.ts); a plain CAReduce of maximum has none.
   */
  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const rule = this.gradRule(node);
    if (rule === null) return [new NullGradient(`${this} has no gradient rule (node built at ${node.trace})`)];
    return [rule(gz as TensorVariable)];
  }

  /** The gradient as a function of gz, or null where there is no rule (xor, ...). */
  protected gradRule(node: Apply): ((gz: TensorVariable) => TensorVariable) | null {
    const x = node.inputs[0] as TensorVariable;
    const out = node.outputs[0] as TensorVariable;
    const expand = (v: TensorVariable) => keepReducedDims(v, this.axes, x.ndim);
    const op = this.scalarOp;
    if (op === scalar.add) return (gz) => fill(x, expand(gz));
    if (op === scalar.and || op === scalar.or) return () => zerosLike(x);
    if (op !== scalar.mul) return null;
    return (gz) => {
      const isZero = eq(x, 0);
      const zeroCount = expand(new CAReduce(scalar.add, this.axes, 'int64').apply1(isZero) as TensorVariable);
      const withoutZeros = expand(new CAReduce(scalar.mul, this.axes, out.dtype).apply1(switch_(isZero, 1, x)) as TensorVariable);
      const g = expand(gz);
      // No zero in the group: gz * prod / x. One zero: only the zero gets gz * (product of the others). More: all 0.
      const atZero = switch_(eq(zeroCount, 1), mul(g, withoutZeros), 0);
      const atOthers = switch_(eq(zeroCount, 0), trueDiv(mul(g, expand(out)), x), 0);
      return switch_(isZero, atZero, atOthers);
    };
  }

  override rOp(node: Apply, [v]: readonly (Variable | null)[]): (Variable | null)[] {
    if (v === null || v === undefined) return [null];
    if (this.scalarOp === scalar.add) return [this.apply1(v)];
    const rule = this.scalarOp === scalar.and || this.scalarOp === scalar.or ? null : this.gradRule(node);
    if (rule === null) throw new TypeError(`${this} has no R-operator`);
    // d out = sum over the group of (d out / d x) * v.
    const out = node.outputs[0] as TensorVariable;
    const partials = rule(fill(out, constant(1, null, isFloat(out.dtype) ? out.dtype : 'float64')));
    return [new CAReduce(scalar.add, this.axes).apply1(mul(partials, v as TensorVariable))];
  }

  override inferShape(_node: Apply, inputShapes: readonly SymbolicShape[]): SymbolicShape[] {
    return [inputShapes[0]!.filter((_, i) => !this.axes.includes(i))];
  }
}

/** numpy's rule for reductions without an identity: a reduced axis of length 0 is an error. */
export function checkNonEmpty(node: Apply, x: NDArray, axes: readonly number[], what: string): void {
  const empty = axes.find((a) => x.shape[a] === 0);
  if (empty !== undefined) {
    throw nodeError(node, `${what} of an empty axis (axis ${empty} of an input of shape (${x.shape.join(', ')})) is undefined: it has no identity`);
  }
}

/**
 * Theano's Max and Min: a CAReduce of maximum/minimum that refuses empty
 * reductions (numpy's "zero-size array to reduction operation maximum which
 * has no identity") and sends the gradient to every position equal to the
 * result (tied positions all get it, as Theano).
 */
export class MaxMin extends CAReduce {
  constructor(kind: 'max' | 'min', axes: readonly number[]) {
    super(kind === 'max' ? scalar.maximum : scalar.minimum, axes);
  }

  get kind(): 'max' | 'min' {
    return this.scalarOp === scalar.maximum ? 'max' : 'min';
  }

  override toString(): string {
    return `${this.kind === 'max' ? 'Max' : 'Min'}{axes=[${this.axes.join(',')}]}`;
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    checkNonEmpty(node, inputs[0] as NDArray, this.axes, this.kind);
    super.perform(node, inputs, outputs);
  }

  protected override gradRule(node: Apply): (gz: TensorVariable) => TensorVariable {
    const x = node.inputs[0] as TensorVariable;
    const out = node.outputs[0] as TensorVariable;
    return (gz) => mul(keepReducedDims(gz, this.axes, x.ndim), eq(x, keepReducedDims(out, this.axes, x.ndim)));
  }
}

export function checkDtypeOption(dtype: DType | undefined, what: string): void {
  if (dtype !== undefined && !isDType(dtype)) throw new DTypeError(`${what}: unknown dtype ${JSON.stringify(dtype)}`);
}

/** Puts reduced axes back as broadcastable length-1 axes. */
export function keepReducedDims(result: TensorVariable, axes: readonly number[], ndim: number): TensorVariable {
  let k = 0;
  const pattern = [...Array(ndim).keys()].map((ax) => (axes.includes(ax) ? ('x' as const) : k++));
  return dimshuffle(result, pattern);
}

/** Sum over `axis` (all axes by default); Theano's `T.sum` / `x.sum()`. */
export function sum(x: TensorLike, axis?: number | readonly number[] | null, options: ReduceOptions = {}): TensorVariable {
  const v = asTensorVariable(x);
  checkDtypeOption(options.dtype, 'sum');
  const axes = normalizeAxes(axis, v.ndim, 'sum');
  const result = new CAReduce(scalar.add, axes, options.dtype ?? null).apply1(v) as TensorVariable;
  return options.keepdims ? keepReducedDims(result, axes, v.ndim) : result;
}

/**
 * Mean over `axis` (all axes by default): the sum, accumulated in float64
 * for bool/int inputs and in the input's float dtype otherwise, divided by
 * the number of elements reduced.
 */
export function mean(x: TensorLike, axis?: number | readonly number[] | null, options: ReduceOptions = {}): TensorVariable {
  const v = asTensorVariable(x);
  checkDtypeOption(options.dtype, 'mean');
  const axes = normalizeAxes(axis, v.ndim, 'mean');
  const dtype = options.dtype ?? meanDtype(v.dtype);
  const total = sum(v, axes, { dtype });
  const count = axes.map((a) => shapeI(v, a)).reduce<TensorVariable | null>((acc, d) => (acc === null ? d : mul(acc, d)), null);
  const result = count === null ? total : trueDiv(total, cast(count, dtype));
  return options.keepdims ? keepReducedDims(result, axes, v.ndim) : result;
}
