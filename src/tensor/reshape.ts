/**
 * Ops that change a tensor's shape but not its elements: Reshape (numpy's
 * `reshape`, one length may be -1), and with it `flatten`; `shapePadleft`,
 * `shapePadright` (DimShuffle); SpecifyShape (Theano's `specify_shape`: asserts
 * the run-time shape and refines the static type), and with it `addbroadcast`;
 * Unbroadcast (forgets static lengths of 1). Results are views when possible.
 */
import { Apply } from '../graph/apply.js';
import { disconnected, type InputGradient } from '../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { ShapeError } from '../errors.js';
import { isDiscrete } from '../ndarray/dtype.js';
import { NDArray, sameShape, shapeSize, shapeToString } from '../ndarray/ndarray.js';
import { asTensorVariable, constant, type TensorLike } from './asTensor.js';
import { dimshuffle } from './dimshuffle.js';
import { cast, eq, intDiv, mul, neg, switch_ } from './math.js';
import { nodeError } from './runtime.js';
import { symbolicShape } from './shape.js';
import { TensorType, type StaticDim } from './type.js';
import { TensorConstant, TensorVariable } from './variable.js';

/** Arrays Reshape made as copies (its other results are views of its input, which it must never write into). */
const reshapeCopies = new WeakSet<NDArray>();

/** A shape argument: JS lengths, integer scalars, or an integer vector of known length (`x.shape`). */
export type ShapeArg = TensorVariable | readonly (number | TensorVariable)[];

/** The value of a constant integer scalar, or null. */
export function constantLength(v: Variable): number | null {
  return v instanceof TensorConstant && v.ndim === 0 ? Number(v.data.data[v.data.offset]) : null;
}

/** One length as an int64 scalar variable; JS numbers must be integers ≥ `min`. */
export function lengthVar(v: number | TensorVariable, what: string, min = 0): TensorVariable {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < min) {
      throw new ShapeError(`${what} must be ${min === -Infinity ? 'an integer' : `a non-negative integer${min === -1 ? ' (or -1)' : ''}`}, got ${v}`);
    }
    return constant(v, null, 'int64');
  }
  const known = constantLength(v);
  if (known !== null && v instanceof TensorConstant && isDiscrete(v.dtype) && v.dtype !== 'bool') return lengthVar(known, what, min);
  if (!(v instanceof TensorVariable) || v.ndim !== 0 || !isDiscrete(v.dtype) || v.dtype === 'bool') {
    throw new TypeError(`${what} must be an integer scalar, got ${String(v)}${v instanceof TensorVariable ? ` (${v.type})` : ''}`);
  }
  return v.dtype === 'int64' ? v : cast(v, 'int64');
}

/** The lengths of a shape argument, one int64 scalar each. */
export function shapeVars(shape: ShapeArg, what: string, min = 0): TensorVariable[] {
  if (Array.isArray(shape)) return (shape as readonly (number | TensorVariable)[]).map((d, i) => lengthVar(d, `${what}: length ${i}`, min));
  const v = asTensorVariable(shape as TensorLike);
  if (v.ndim !== 1 || !isDiscrete(v.dtype) || v.dtype === 'bool' || v.type.shape[0] === null) {
    throw new ShapeError(`${what}: a shape is a list of lengths or an integer vector of known length, got ${v} (${v.type})`);
  }
  if (v instanceof TensorConstant) return Array.from(v.data.flatData(), (d, i) => lengthVar(Number(d), `${what}: length ${i}`, min));
  return Array.from({ length: v.type.shape[0]! }, (_, i) => lengthVar(v.at(i), `${what}: length ${i}`, min));
}

/** The product of int64 scalars: a constant when all are constants. */
export function product(dims: readonly Variable[]): TensorVariable {
  const known = dims.map(constantLength);
  if (known.every((d) => d !== null)) return constant(known.reduce((a, b) => a! * b!, 1)!, null, 'int64');
  const [first, ...rest] = dims as TensorVariable[];
  return mul(first!, ...rest);
}

const sizeText = (shape: readonly (number | null)[]) => `(${shape.map((d) => d ?? '?').join(', ')}${shape.length === 1 ? ',' : ''})`;

/** numpy's reshape to a shape given by one int64 scalar per axis (one may be -1). */
export class Reshape extends Op {
  override readonly props = ['ndim'];
  override readonly viewMap = { 0: [0] };
  readonly ndim: number;

  constructor(ndim: number) {
    super();
    this.ndim = ndim;
  }

  override makeNode(x: Variable, ...dims: Variable[]): Apply<this> {
    if (!(x instanceof TensorVariable)) throw new TypeError(`reshape needs a tensor, got ${x}`);
    if (dims.length !== this.ndim) throw new ShapeError(`${this} takes ${this.ndim} lengths, got ${dims.length}`);
    const ds = dims.map((d, i) => lengthVar(d as TensorVariable, `reshape: length ${i}`, -Infinity));
    const known = ds.map(constantLength);
    if (known.some((d) => d !== null && d < -1)) throw new ShapeError(`reshape: lengths must be non-negative (or one -1), got ${sizeText(known)}`);
    if (known.filter((d) => d === -1).length > 1) throw new ShapeError(`reshape: only one length can be -1, got ${sizeText(known)}`);
    const inSize = x.type.shape.every((d) => d !== null) ? shapeSize(x.type.shape as number[]) : null;
    const out: StaticDim[] = known.map((d) => (d === -1 ? null : d));
    const unknown = known.indexOf(-1);
    const rest = known.filter((_, i) => i !== unknown);
    if (inSize !== null && rest.every((d) => d !== null)) {
      const restSize = shapeSize(rest as number[]);
      const fits = unknown === -1 ? restSize === inSize : restSize !== 0 && inSize % restSize === 0;
      if (!fits) throw new ShapeError(`reshape: cannot reshape ${x} of static shape ${x.type.shapeString()} (size ${inSize}) into shape ${sizeText(known)}`);
      if (unknown !== -1) out[unknown] = inSize / restSize;
    }
    return new Apply(this, [x, ...ds], [new TensorType(x.dtype, out)]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const x = inputs[0] as NDArray;
    const shape = (inputs.slice(1) as NDArray[]).map((d) => Number(d.data[d.offset]));
    const unknown = shape.indexOf(-1);
    const rest = shapeSize(shape.filter((_, i) => i !== unknown));
    const bad =
      shape.some((d) => d < -1) ||
      shape.filter((d) => d === -1).length > 1 ||
      (unknown === -1 ? rest !== x.size : rest === 0 || x.size % rest !== 0);
    if (bad) throw nodeError(node, `cannot reshape an array of shape ${shapeToString(x.shape)} (size ${x.size}) into shape ${shapeToString(shape)}`);
    if (x.isContiguous()) {
      outputs[0]!.value = x.reshape(shape);
      return;
    }
    // A copy, into the one this node made last call when the VM hands it back.
    const target = unknown === -1 ? shape : shape.map((d) => (d === -1 ? x.size / rest : d));
    const prev = outputs[0]!.value;
    const out = prev instanceof NDArray && reshapeCopies.has(prev) && sameShape(prev.shape, target) && prev.dtype === x.dtype ? prev : NDArray.empty(x.dtype, target);
    reshapeCopies.add(out);
    x.copyTo(out.data);
    outputs[0]!.value = out;
  }

  /** A -1 (possibly only known at run time) stands for size / -(product of all lengths). */
  override inferShape(node: Apply, shapes: readonly SymbolicShape[]): SymbolicShape[] {
    const dims = node.inputs.slice(1) as TensorVariable[];
    const known = dims.map(constantLength);
    if (known.every((d) => d !== null && d >= 0)) return [dims];
    const missing = intDiv(product(shapes[0]!), neg(product(dims)));
    return [dims.map((d, i) => (known[i] === -1 ? missing : known[i] !== null ? d : switch_(eq(d, -1), missing, d)))];
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const x = node.inputs[0] as TensorVariable;
    const gx = new Reshape(x.ndim).makeNode(gz!, ...symbolicShape(x)).outputs[0]!;
    return [gx, ...node.inputs.slice(1).map((): InputGradient => disconnected)];
  }

  override rOp(node: Apply, [ex]: readonly (Variable | null)[]): (Variable | null)[] {
    return [ex ? this.makeNode(ex, ...node.inputs.slice(1)).outputs[0]! : null];
  }
}

/**
 * numpy's `reshape(x, shape)`: `shape` lists JS lengths (one may be -1) or
 * integer scalars, or is an integer vector of known length (`T.shape(y)`).
 * A view when x is contiguous, a copy otherwise.
 */
export function reshape(x: TensorLike, shape: ShapeArg | number): TensorVariable {
  const v = asTensorVariable(x);
  const dims = shapeVars(typeof shape === 'number' ? [shape] : shape, 'reshape', -1);
  return new Reshape(dims.length).makeNode(v, ...dims).outputs[0] as TensorVariable;
}

/** Theano's `flatten(x, ndim)`: keeps the first ndim-1 axes and flattens the rest into one. */
export function flatten(x: TensorLike, ndim = 1): TensorVariable {
  const v = asTensorVariable(x);
  if (!Number.isInteger(ndim) || ndim < 1 || ndim > Math.max(v.ndim, 1)) {
    throw new ShapeError(`flatten: ndim must be an integer in [1, ${Math.max(v.ndim, 1)}] for ${v} (${v.ndim}-d), got ${ndim}`);
  }
  const shape = symbolicShape(v);
  return reshape(v, [...shape.slice(0, ndim - 1), product(shape.slice(ndim - 1))] as TensorVariable[]);
}

/** Theano's `shape_padleft`: n broadcastable axes in front. */
export function shapePadleft(x: TensorLike, n = 1): TensorVariable {
  const v = asTensorVariable(x);
  if (!Number.isInteger(n) || n < 0) throw new ShapeError(`shapePadleft: n must be a non-negative integer, got ${n}`);
  return dimshuffle(v, [...Array<'x'>(n).fill('x'), ...v.type.shape.keys()]);
}

/** Theano's `shape_padright`: n broadcastable axes at the end. */
export function shapePadright(x: TensorLike, n = 1): TensorVariable {
  const v = asTensorVariable(x);
  if (!Number.isInteger(n) || n < 0) throw new ShapeError(`shapePadright: n must be a non-negative integer, got ${n}`);
  return dimshuffle(v, [...v.type.shape.keys(), ...Array<'x'>(n).fill('x')]);
}

/** A part of a specified shape: a constant length, not specified (null), or the next symbolic input. */
type SpecPart = number | null | 'sym';

/** Theano's SpecifyShape: x, checked at run time to have the given lengths; its type knows the constant ones. */
export class SpecifyShape extends Op {
  override readonly props = ['spec'];
  override readonly viewMap = { 0: [0] };
  readonly spec: readonly SpecPart[];

  constructor(spec: readonly SpecPart[]) {
    super();
    this.spec = Object.freeze([...spec]);
  }

  override toString(): string {
    return `SpecifyShape{${this.spec.map((d) => (d === null || d === 'sym' ? '?' : d)).join(', ')}}`;
  }

  override makeNode(x: Variable, ...parts: Variable[]): Apply<this> {
    if (!(x instanceof TensorVariable)) throw new TypeError(`specifyShape needs a tensor, got ${x}`);
    if (x.ndim !== this.spec.length) throw new ShapeError(`${this}: expected a ${this.spec.length}-d tensor, got ${x} (${x.type})`);
    const need = this.spec.filter((d) => d === 'sym').length;
    if (parts.length !== need) throw new TypeError(`${this} takes ${need} symbolic lengths, got ${parts.length}`);
    const out = x.type.shape.map((d, i) => {
      const s = this.spec[i];
      if (typeof s !== 'number') return d;
      if (d !== null && d !== s) throw new ShapeError(`${this}: ${x} has static shape ${x.type.shapeString()}, which does not fit the specified length ${s} of axis ${i}`);
      return s;
    });
    return new Apply(this, [x, ...parts.map((p, i) => lengthVar(p as TensorVariable, `specifyShape: symbolic length ${i}`))], [new TensorType(x.dtype, out)]);
  }

  /** The lengths specified for a value: a number, or null where any length goes. */
  private expected(inputs: readonly unknown[]): (number | null)[] {
    let k = 1;
    return this.spec.map((s) => (s === 'sym' ? Number((inputs[k] as NDArray).data[(inputs[k++] as NDArray).offset]) : s));
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const x = inputs[0] as NDArray;
    const want = this.expected(inputs);
    const axis = want.findIndex((d, i) => d !== null && d !== x.shape[i]);
    if (axis !== -1) {
      throw nodeError(node, `expected shape ${sizeText(want)}, got ${shapeToString(x.shape)}: axis ${axis} has length ${x.shape[axis]}, not ${want[axis]}`);
    }
    outputs[0]!.value = new NDArray(x.data, x.dtype, x.shape, x.strides, x.offset);
  }

  override inferShape(node: Apply, shapes: readonly SymbolicShape[]): SymbolicShape[] {
    let k = 1;
    return [this.spec.map((s, i) => (s === null ? shapes[0]![i]! : s === 'sym' ? node.inputs[k++]! : constant(s, null, 'int64')))];
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    return [this.makeNode(gz!, ...node.inputs.slice(1)).outputs[0]!, ...node.inputs.slice(1).map((): InputGradient => disconnected)];
  }

  override rOp(node: Apply, [ex]: readonly (Variable | null)[]): (Variable | null)[] {
    return [ex ? this.makeNode(ex, ...node.inputs.slice(1)).outputs[0]! : null];
  }
}

/**
 * Theano's `specify_shape(x, shape)`: x, with a run-time check that its shape
 * is `shape` (JS lengths, null for "any", or integer scalars); constant
 * lengths refine the static type.
 */
export function specifyShape(x: TensorLike, shape: readonly (number | null | TensorVariable)[]): TensorVariable {
  const v = asTensorVariable(x);
  if (shape.length !== v.ndim) throw new ShapeError(`specifyShape: ${v} is ${v.ndim}-d (${v.type}), but the shape given has ${shape.length} lengths`);
  const parts: TensorVariable[] = [];
  const spec = shape.map((d, i): SpecPart => {
    if (d === null) return null;
    const len = lengthVar(d, `specifyShape: length ${i}`);
    const known = constantLength(len);
    if (known !== null) return known;
    parts.push(len);
    return 'sym';
  });
  if (spec.every((s, i) => s === null || s === v.type.shape[i])) return v;
  return new SpecifyShape(spec).makeNode(v, ...parts).outputs[0] as TensorVariable;
}

/** An axis in [0, ndim), negatives counting from the end. */
export function normalizeAxis(axis: number, ndim: number, what: string): number {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) throw new ShapeError(`${what}: axis ${axis} is out of range for ${ndim}-d tensors`);
  return axis < 0 ? axis + ndim : axis;
}

/** Theano's `addbroadcast`: marks axes broadcastable (static length 1), checking at run time that they have length 1. */
export function addbroadcast(x: TensorLike, ...axes: number[]): TensorVariable {
  const v = asTensorVariable(x);
  const set = new Set(axes.map((a) => normalizeAxis(a, v.ndim, 'addbroadcast')));
  return specifyShape(v, v.type.shape.map((_, i) => (set.has(i) ? 1 : null)));
}

/** Forgets the static lengths of 1 on some axes (Theano's Rebroadcast with False). */
export class Unbroadcast extends Op {
  override readonly props = ['axes'];
  override readonly viewMap = { 0: [0] };
  readonly axes: readonly number[];

  constructor(axes: readonly number[]) {
    super();
    this.axes = Object.freeze([...axes].sort((a, b) => a - b));
  }

  override makeNode(x: Variable): Apply<this> {
    if (!(x instanceof TensorVariable)) throw new TypeError(`unbroadcast needs a tensor, got ${x}`);
    const bad = this.axes.find((a) => a >= x.ndim);
    if (bad !== undefined) throw new ShapeError(`${this}: axis ${bad} is out of range for ${x} (${x.ndim}-d)`);
    return new Apply(this, [x], [new TensorType(x.dtype, x.type.shape.map((d, i) => (this.axes.includes(i) && d === 1 ? null : d)))]);
  }

  override perform(_node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const x = inputs[0] as NDArray;
    outputs[0]!.value = new NDArray(x.data, x.dtype, x.shape, x.strides, x.offset);
  }

  override inferShape(_node: Apply, shapes: readonly SymbolicShape[]): SymbolicShape[] {
    return [shapes[0]!];
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    return [addbroadcast(gz as TensorVariable, ...this.axes.filter((a) => (node.inputs[0] as TensorVariable).type.shape[a] === 1))];
  }

  override rOp(_node: Apply, [ex]: readonly (Variable | null)[]): (Variable | null)[] {
    return [ex ? this.apply1(ex) : null];
  }
}

/** Theano's `unbroadcast`: the axes given (all when none) lose their static length 1. */
export function unbroadcast(x: TensorLike, ...axes: number[]): TensorVariable {
  const v = asTensorVariable(x);
  const chosen = (axes.length === 0 ? [...v.type.shape.keys()] : axes.map((a) => normalizeAxis(a, v.ndim, 'unbroadcast'))).filter((a) => v.type.shape[a] === 1);
  if (chosen.length === 0) return v;
  return new Unbroadcast([...new Set(chosen)]).apply1(v) as TensorVariable;
}
