/**
 * Joining and splitting along an axis: Join (Theano's `join`, numpy's
 * `concatenate`), `stack` (a Join of inputs given a new axis by DimShuffle)
 * and `split` (slices of x.at(...), after a SpecifyShape checking that the
 * sizes add up to the axis length).
 */
import { Apply } from '../graph/apply.js';
import type { InputGradient } from '../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { ShapeError } from '../errors.js';
import { mapInto } from '../ndarray/broadcast.js';
import { resultType } from '../ndarray/dtype.js';
import { NDArray, shapeToString } from '../ndarray/ndarray.js';
import { asTensorVariable, type TensorLike } from './asTensor.js';
import { dimshuffle } from './dimshuffle.js';
import { add, cast, zerosLike } from './math.js';
import { constantLength, lengthVar, normalizeAxis, specifyShape } from './reshape.js';
import { nodeError, reuseOrAllocate } from './runtime.js';
import { shapeI } from './shape.js';
import { at, slice, type Index } from './subtensor.js';
import { TensorType, type StaticDim } from './type.js';
import { TensorVariable } from './variable.js';

/** A sum of int64 scalars, a JS number when all are constants. */
function total(lengths: readonly TensorVariable[]): number | TensorVariable {
  const known = lengths.map(constantLength);
  if (known.every((d) => d !== null)) return known.reduce((a, b) => a! + b!, 0)!;
  const [first, ...rest] = lengths;
  return add(first!, ...rest);
}

/** The inputs joined along `axis`; they must agree on dtype and rank, and on every other length. */
export class Join extends Op {
  override readonly props = ['axis'];
  readonly axis: number;

  constructor(axis: number) {
    super();
    this.axis = axis;
  }

  override makeNode(...xs: Variable[]): Apply<this> {
    if (xs.length === 0) throw new ShapeError(`${this} needs at least one tensor`);
    const ts = xs.map((x) => {
      if (!(x instanceof TensorVariable)) throw new TypeError(`${this} joins tensors, got ${x}`);
      return x;
    });
    const first = ts[0]!;
    if (this.axis >= first.ndim) throw new ShapeError(`${this}: axis ${this.axis} is out of range for ${first} (${first.ndim}-d)`);
    const shape: StaticDim[] = [...first.type.shape];
    ts.forEach((t, k) => {
      if (t.dtype !== first.dtype) throw new TypeError(`${this}: input ${k} is ${t.dtype} but input 0 is ${first.dtype}; cast them first`);
      if (t.ndim !== first.ndim) throw new ShapeError(`${this}: all inputs must have the same rank; input 0 is ${first.ndim}-d (${first.type}), input ${k} is ${t.ndim}-d (${t.type})`);
      t.type.shape.forEach((d, i) => {
        if (i === this.axis) return;
        if (d !== null && shape[i] !== null && d !== shape[i]) {
          throw new ShapeError(`${this}: input ${k} has static shape ${t.type.shapeString()}, but an earlier input has length ${shape[i]} on axis ${i}; all axes but ${this.axis} must match`);
        }
        shape[i] ??= d;
      });
    });
    const lengths = ts.map((t) => t.type.shape[this.axis]!);
    shape[this.axis] = lengths.every((d) => d !== null) ? lengths.reduce((a, b) => a! + b!, 0) : null;
    return new Apply(this, ts, [new TensorType(first.dtype, shape)]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const xs = inputs as readonly NDArray[];
    const first = xs[0]!;
    const ax = this.axis;
    xs.forEach((x, k) => {
      if (x.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
        throw nodeError(node, `all axes but ${ax} must match: input 0 has shape ${shapeToString(first.shape)}, input ${k} has shape ${shapeToString(x.shape)}`);
      }
    });
    const shape = [...first.shape];
    shape[ax] = xs.reduce((n, x) => n + x.shape[ax]!, 0);
    const out = reuseOrAllocate(outputs[0]!, first.dtype, shape);
    let at = 0;
    for (const x of xs) {
      if (x.size > 0) {
        const region = new NDArray(out.data, out.dtype, x.shape, out.strides, out.offset + at * out.strides[ax]!);
        mapInto(region, [x], (v) => v);
      }
      at += x.shape[ax]!;
    }
    outputs[0]!.value = out;
  }

  override inferShape(_node: Apply, shapes: readonly SymbolicShape[]): SymbolicShape[] {
    const lengths = shapes.map((s) => s[this.axis] as TensorVariable);
    const [first, ...rest] = lengths;
    return [shapes[0]!.map((d, i) => (i === this.axis ? add(first!, ...rest) : d))];
  }

  /** Each input gets its slice of the output gradient. */
  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const lengths = node.inputs.map((x) => shapeI(x as TensorVariable, this.axis));
    let start: number | TensorVariable = 0;
    return lengths.map((len, k) => {
      const stop = total(k === 0 ? [len] : [lengthVar(start, 'start'), len]);
      const g = at(gz as TensorVariable, ...Array<Index>(this.axis).fill(':'), slice(start, stop));
      start = stop;
      return g;
    });
  }

  override rOp(node: Apply, evals: readonly (Variable | null)[]): (Variable | null)[] {
    if (evals.every((e) => !e)) return [null];
    return [this.apply1(...node.inputs.map((x, k) => evals[k] ?? zerosLike(x as TensorVariable)))];
  }
}

/** The tensors, converted together to their common dtype (numpy's result type). */
function common(xs: readonly TensorLike[], what: string): TensorVariable[] {
  if (xs.length === 0) throw new ShapeError(`${what} needs at least one tensor`);
  const vs = xs.map((x) => asTensorVariable(x));
  const dtype = resultType(...vs.map((v) => v.dtype));
  return vs.map((v) => (v.dtype === dtype ? v : cast(v, dtype)));
}

/** numpy's `concatenate(xs, axis)`: the tensors joined along an existing axis. */
export function concatenate(xs: readonly TensorLike[], axis = 0): TensorVariable {
  const vs = common(xs, 'concatenate');
  const ndim = vs[0]!.ndim;
  if (ndim === 0) throw new ShapeError('concatenate: zero-dimensional tensors cannot be concatenated');
  const ax = normalizeAxis(axis, ndim, 'concatenate');
  if (vs.length === 1) return vs[0]!;
  return new Join(ax).apply1(...vs) as TensorVariable;
}

/** Theano's `join(axis, *tensors)`: `concatenate` with the axis first. */
export function join(axis: number, ...xs: TensorLike[]): TensorVariable {
  return concatenate(xs, axis);
}

/** numpy's `stack(xs, axis)`: the tensors (of one shape) joined along a new axis. */
export function stack(xs: readonly TensorLike[], axis = 0): TensorVariable {
  const vs = common(xs, 'stack');
  const ndim = vs[0]!.ndim;
  const ax = normalizeAxis(axis, ndim + 1, 'stack');
  const bad = vs.findIndex((v) => v.ndim !== ndim);
  if (bad !== -1) throw new ShapeError(`stack: all tensors must have the same rank; tensor 0 is ${ndim}-d (${vs[0]!.type}), tensor ${bad} is ${vs[bad]!.ndim}-d (${vs[bad]!.type})`);
  const pattern = [...Array(ndim).keys()] as (number | 'x')[];
  pattern.splice(ax, 0, 'x');
  return new Join(ax).apply1(...vs.map((v) => dimshuffle(v, pattern))) as TensorVariable;
}

/**
 * Theano's `split(x, sizes, axis)`: consecutive pieces of x along `axis` with
 * the given lengths (JS numbers or integer scalars), which must add up to
 * the axis length (checked at run time when not known before).
 */
export function split(x: TensorLike, sizes: readonly (number | TensorVariable)[], axis = 0): TensorVariable[] {
  const v = asTensorVariable(x);
  if (v.ndim === 0) throw new ShapeError('split: a 0-d tensor has no axis to split');
  const ax = normalizeAxis(axis, v.ndim, 'split');
  if (sizes.length === 0) throw new ShapeError('split: give at least one size');
  const lens = sizes.map((s, i) => lengthVar(s, `split: size ${i}`));
  const whole = total(lens);
  const known = v.type.shape[ax];
  if (typeof whole === 'number' && known !== null && known !== undefined && whole !== known) {
    throw new ShapeError(`split: the sizes (${sizes.join(', ')}) add up to ${whole}, but axis ${ax} of ${v} has length ${known}`);
  }
  const checked = specifyShape(v, v.type.shape.map((_, i) => (i === ax ? whole : null)));
  const out: TensorVariable[] = [];
  let start: number | TensorVariable = 0;
  for (const len of lens) {
    const stop = total(typeof start === 'number' && start === 0 ? [len] : [lengthVar(start, 'start'), len]);
    out.push(at(checked, ...Array<Index>(ax).fill(':'), slice(start, stop)));
    start = stop;
  }
  return out;
}
