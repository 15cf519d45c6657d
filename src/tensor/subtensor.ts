/**
 * Basic indexing (numpy's basic indexing, Theano's Subtensor): integers,
 * slices and new axes, written `x.at(...)`:
 *
 *   x.at(0)                 x[0]
 *   x.at(-1, '1:')          x[-1, 1:]
 *   x.at('::-1')            x[::-1]
 *   x.at(T.slice(i, i.add(3)), T.newaxis, '...')   x[i:i+3, None, ...]
 *
 * An index is a JS integer or an integer scalar variable (picks one entry,
 * dropping the axis), a slice string of numpy syntax with integer literals
 * (':', '1:', ':-1', '::2', '2:10:3'), `T.slice(start, stop, step)` whose
 * parts may be symbolic, `T.newaxis`, or '...' (as many ':' as needed).
 * The result is a view (nothing is copied). `T.setSubtensor(x.at(...), y)`
 * and `T.incSubtensor(x.at(...), y)` give x with that region replaced by, or
 * incremented by, y (broadcast as numpy does).
 *
 * Ops keep the index as a static description (`entries`); symbolic parts are
 * extra integer inputs of the node, after the indexed value (and after y).
 * Advanced indexing (integer arrays, boolean masks) is not basic indexing.
 */
import { Apply } from '../graph/apply.js';
import { disconnected, type InputGradient } from '../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import { Variable } from '../graph/variable.js';
import { DTypeError, ShapeError } from '../errors.js';
import { wasmScaleAdd } from '../wasm/blas.js';
import { mapInto } from '../ndarray/broadcast.js';
import { canCastSafely, fitsDtype, isDiscrete, isFloat, type DType } from '../ndarray/dtype.js';
import { array } from '../ndarray/create.js';
import { NDArray, shapeToString } from '../ndarray/ndarray.js';
import { asTensorVariable, constant, type TensorLike } from './asTensor.js';
import { add, cast, intDiv, lt, maximum, minimum, neg, sub, switch_, zerosLike } from './math.js';
import { sum } from './reduce.js';
import { nodeError } from './runtime.js';
import { TensorType } from './type.js';
import { TensorVariable } from './variable.js';
import { AdvancedIncSubtensor, AdvancedSubtensor, advancedAt } from './advancedSubtensor.js';

/** `T.newaxis`: inserts an axis of length 1. */
export const newaxis: unique symbol = Symbol('newaxis');

/** A slice whose parts may be symbolic: `T.slice(i, i.add(3))`. */
export interface Slice {
  readonly kind: 'slice';
  readonly start: number | TensorVariable | null;
  readonly stop: number | TensorVariable | null;
  readonly step: number | TensorVariable | null;
}

/** An array index (advanced indexing, tensor/advancedSubtensor.ts): integers, or booleans (a mask). */
export type ArrayIndex = NDArray | readonly (number | boolean | readonly unknown[])[];

export type Index = number | TensorVariable | string | Slice | typeof newaxis | ArrayIndex;

/** numpy's `start:stop:step`; a part left out (null or undefined) takes numpy's default. */
export function slice(start?: TensorLike | null, stop?: TensorLike | null, step?: TensorLike | null): Slice {
  const part = (v: TensorLike | null | undefined, what: string): number | TensorVariable | null => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw new TypeError(`slice: ${what} must be an integer, got ${v}`);
      return v;
    }
    return integerScalar(asTensorVariable(v), `slice ${what}`);
  };
  const s: Slice = { kind: 'slice', start: part(start, 'start'), stop: part(stop, 'stop'), step: part(step, 'step') };
  if (s.step === 0) throw new ShapeError('slice: the step cannot be zero');
  return s;
}

/** A part of the static index description: a constant, absent, or the next symbolic input. */
type Part = number | null | 'sym';

/** One entry of an op's index description. */
export type IndexEntry = { kind: 'int'; value: Part } | { kind: 'slice'; start: Part; stop: Part; step: Part } | { kind: 'newaxis' };

function integerScalar(v: TensorVariable, what: string): TensorVariable {
  if (v.ndim !== 0 || !isDiscrete(v.dtype) || v.dtype === 'bool') {
    throw new TypeError(
      `${what}: basic indices are integers, integer scalars or slices, got ${v} of type ${v.type}; ` +
        `integer arrays and boolean masks (advanced indexing) are arrays of at least 1 dimension`,
    );
  }
  return v.dtype === 'int64' ? v : cast(v, 'int64');
}

const SLICE_TEXT = /^\s*([+-]?\d+)?\s*:\s*([+-]?\d+)?\s*(?::\s*([+-]?\d+)?\s*)?$/;

/** The static description and symbolic inputs of an index list for an `ndim`-d value. */
export function parseIndex(ndim: number, indices: readonly Index[]): { entries: IndexEntry[]; symbolic: TensorVariable[] } {
  const symbolic: TensorVariable[] = [];
  const part = (v: number | TensorVariable | null): Part => {
    if (v === null || typeof v === 'number') return v;
    symbolic.push(v);
    return 'sym';
  };
  const ellipses = indices.filter((i) => i === '...').length;
  if (ellipses > 1) throw new ShapeError(`an index can have only one '...', got ${ellipses}`);
  const consuming = indices.filter((i) => i !== newaxis && i !== '...').length;
  if (consuming > ndim) throw new ShapeError(`too many indices for a ${ndim}-d value: ${consuming} given`);
  const entries: IndexEntry[] = [];
  for (const index of indices) {
    if (index === newaxis) entries.push({ kind: 'newaxis' });
    else if (index === '...') for (let k = 0; k < ndim - consuming; k++) entries.push({ kind: 'slice', start: null, stop: null, step: null });
    else if (typeof index === 'number') {
      if (!Number.isInteger(index)) throw new TypeError(`an index must be an integer, got ${index}`);
      entries.push({ kind: 'int', value: index });
    } else if (typeof index === 'string') {
      const m = SLICE_TEXT.exec(index);
      if (m === null) throw new TypeError(`'${index}' is not a slice; write numpy slices with integers, like ':', '1:', '::-1' or '2:10:3'`);
      const [start, stop, step] = [m[1], m[2], m[3]].map((t) => (t === undefined ? null : Number(t)));
      if (step === 0) throw new ShapeError(`slice '${index}': the step cannot be zero`);
      entries.push({ kind: 'slice', start: start!, stop: stop!, step: step! });
    } else if (index instanceof TensorVariable) {
      entries.push({ kind: 'int', value: part(integerScalar(index, 'index')) });
    } else if (typeof index === 'object' && index !== null && (index as Slice).kind === 'slice') {
      const s = index as Slice;
      entries.push({ kind: 'slice', start: part(s.start), stop: part(s.stop), step: part(s.step) });
    } else throw new TypeError(`an index must be an integer, a slice string, T.slice(...), T.newaxis or '...', got ${String(index)}`);
  }
  return { entries, symbolic };
}

/** numpy's slice arithmetic: the first index, the step and the number of entries taken from an axis of `length`. */
export function sliceIndices(length: number, start: number | null, stop: number | null, step: number | null): [number, number, number] {
  const st = step ?? 1;
  if (st === 0) throw new ShapeError('slice step cannot be zero');
  let a: number;
  let b: number;
  if (st > 0) {
    a = start === null ? 0 : start < 0 ? Math.max(start + length, 0) : Math.min(start, length);
    b = stop === null ? length : stop < 0 ? Math.max(stop + length, 0) : Math.min(stop, length);
    return [a, st, b > a ? Math.ceil((b - a) / st) : 0];
  }
  a = start === null ? length - 1 : start < 0 ? Math.max(start + length, -1) : Math.min(start, length - 1);
  b = stop === null ? -1 : stop < 0 ? Math.max(stop + length, -1) : Math.min(stop, length - 1);
  return [a, st, a > b ? Math.ceil((a - b) / -st) : 0];
}

/** The text of an index list, numpy-like; symbolic parts show as i0, i1, ... */
function indexText(entries: readonly IndexEntry[]): string {
  let k = 0;
  const p = (v: Part) => (v === null ? '' : v === 'sym' ? `i${k++}` : String(v));
  return entries
    .map((e) => {
      if (e.kind === 'newaxis') return 'newaxis';
      if (e.kind === 'int') return p(e.value);
      const [a, b] = [p(e.start), p(e.stop)];
      return e.step === null ? `${a}:${b}` : `${a}:${b}:${p(e.step)}`;
    })
    .join(', ');
}

/** How many symbolic inputs an index description takes. */
const symbolicCount = (entries: readonly IndexEntry[]) =>
  entries.reduce((n, e) => n + (e.kind === 'int' ? Number(e.value === 'sym') : e.kind === 'slice' ? [e.start, e.stop, e.step].filter((v) => v === 'sym').length : 0), 0);

/** The static shape of `x` indexed by `entries` (null where it depends on run-time values). */
function staticShape(entries: readonly IndexEntry[], shape: readonly (number | null)[]): (number | null)[] {
  const out: (number | null)[] = [];
  let ax = 0;
  for (const e of entries) {
    if (e.kind === 'newaxis') out.push(1);
    else if (e.kind === 'int') {
      const len = shape[ax++];
      if (typeof e.value === 'number' && len !== null && len !== undefined && (e.value >= len || e.value < -len)) {
        throw new ShapeError(`index ${e.value} is out of range for axis ${ax - 1} with length ${len}`);
      }
    } else {
      const len = shape[ax++]!;
      const known = [e.start, e.stop, e.step].every((v) => v !== 'sym');
      out.push(known && len !== null ? sliceIndices(len, e.start as number | null, e.stop as number | null, e.step as number | null)[2] : null);
    }
  }
  for (; ax < shape.length; ax++) out.push(shape[ax]!);
  return out;
}

/** The view of `x` that `entries` select, reading symbolic parts from `values`. */
function view(node: Apply, entries: readonly IndexEntry[], x: NDArray, values: readonly unknown[]): NDArray {
  let k = 0;
  const value = (v: Part): number | null => {
    if (v !== 'sym') return v;
    const a = values[k++] as NDArray;
    return Number(a.data[a.offset]);
  };
  const shape: number[] = [];
  const strides: number[] = [];
  let offset = x.offset;
  let ax = 0;
  for (const e of entries) {
    if (e.kind === 'newaxis') {
      shape.push(1);
      strides.push(0);
      continue;
    }
    const len = x.shape[ax]!;
    const stride = x.strides[ax]!;
    ax++;
    if (e.kind === 'int') {
      const i = value(e.value)!;
      if (i >= len || i < -len) throw nodeError(node, `index ${i} is out of range for axis ${ax - 1} with length ${len}`);
      offset += (i < 0 ? i + len : i) * stride;
    } else {
      const [a, b, c] = [value(e.start), value(e.stop), value(e.step)];
      if (c === 0) throw nodeError(node, `slice step cannot be zero (axis ${ax - 1})`);
      const [start, step, count] = sliceIndices(len, a, b, c);
      shape.push(count);
      strides.push(stride * step);
      if (count > 0) offset += start * stride;
    }
  }
  for (; ax < x.ndim; ax++) {
    shape.push(x.shape[ax]!);
    strides.push(x.strides[ax]!);
  }
  return new NDArray(x.data, x.dtype, shape, strides, offset);
}

/**
 * The symbolic length of a slice of an axis of length `len`: numpy's
 * clamping of the bounds (PySlice_AdjustIndices) then ceil(distance / |step|),
 * written with int64 scalar ops. A constant step picks the branch statically;
 * a symbolic one chooses with switches on its sign.
 */
export function sliceLength(len: TensorVariable, start: TensorVariable | null, stop: TensorVariable | null, step: number | TensorVariable): TensorVariable {
  const int = (v: number) => constant(v, null, 'int64');
  if (typeof step === 'number') {
    const up = step > 0;
    // Bounds clamp to [0, len] going up, to [-1, len - 1] going down.
    const [lo, hi] = up ? [int(0), len] : [int(-1), sub(len, 1)];
    const clamp = (v: TensorVariable) => switch_(lt(v, 0), maximum(add(v, len), lo), minimum(v, hi));
    const a = start === null ? (up ? int(0) : sub(len, 1)) : clamp(start);
    const b = stop === null ? (up ? len : int(-1)) : clamp(stop);
    const distance = up ? sub(b, a) : sub(a, b);
    const size = Math.abs(step);
    return maximum(intDiv(add(distance, size - 1), size), 0);
  }
  const down = lt(step, 0);
  const pick = (ifDown: TensorVariable, ifUp: TensorVariable) => switch_(down, ifDown, ifUp);
  const lo = pick(int(-1), int(0));
  const hi = pick(sub(len, 1), len);
  const clamp = (v: TensorVariable) => switch_(lt(v, 0), maximum(add(v, len), lo), minimum(v, hi));
  const a = start === null ? pick(sub(len, 1), int(0)) : clamp(start);
  const b = stop === null ? pick(int(-1), len) : clamp(stop);
  const distance = pick(sub(a, b), sub(b, a));
  const size = pick(neg(step), step);
  return maximum(intDiv(add(distance, sub(size, 1)), size), 0);
}

/** The symbolic shape of `x` indexed by `entries`, symbolic parts from `parts`. */
function symbolicIndexShape(entries: readonly IndexEntry[], xShape: SymbolicShape, parts: readonly Variable[]): SymbolicShape {
  let k = 0;
  const part = (v: Part): TensorVariable | null => (v === null ? null : v === 'sym' ? (parts[k++] as TensorVariable) : constant(v, null, 'int64'));
  const out: Variable[] = [];
  let ax = 0;
  for (const e of entries) {
    if (e.kind === 'newaxis') out.push(constant(1, null, 'int64'));
    else if (e.kind === 'int') {
      part(e.value);
      ax++;
    } else {
      const [start, stop, step] = [part(e.start), part(e.stop), e.step === 'sym' ? part(e.step)! : (e.step ?? 1)];
      out.push(sliceLength(xShape[ax++] as TensorVariable, start, stop, step));
    }
  }
  for (; ax < xShape.length; ax++) out.push(xShape[ax]!);
  return out;
}

function checkParts(op: Op, entries: readonly IndexEntry[], parts: readonly Variable[]): void {
  const need = symbolicCount(entries);
  if (parts.length !== need) throw new TypeError(`${op} takes ${need} symbolic index parts, got ${parts.length}`);
  parts.forEach((p, i) => {
    if (!(p instanceof TensorVariable) || p.ndim !== 0 || !isDiscrete(p.dtype)) throw new TypeError(`${op}: index part ${i} must be an integer scalar, got ${p}`);
  });
}

export class Subtensor extends Op {
  override readonly props = ['entries'];
  override readonly viewMap = { 0: [0] };
  readonly entries: readonly IndexEntry[];

  constructor(entries: readonly IndexEntry[]) {
    super();
    this.entries = entries;
  }

  override toString(): string {
    return `Subtensor{${indexText(this.entries)}}`;
  }

  override makeNode(x: Variable, ...parts: Variable[]): Apply<this> {
    if (!(x instanceof TensorVariable)) throw new TypeError(`indexing needs a tensor, got ${x}`);
    checkParts(this, this.entries, parts);
    const consumed = this.entries.filter((e) => e.kind !== 'newaxis').length;
    if (consumed > x.ndim) throw new ShapeError(`too many indices for ${x} (${x.type}): ${consumed} given`);
    return new Apply(this, [x, ...parts], [new TensorType(x.dtype, staticShape(this.entries, x.type.shape))]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    outputs[0]!.value = view(node, this.entries, inputs[0] as NDArray, inputs.slice(1));
  }

  override inferShape(node: Apply, shapes: readonly SymbolicShape[]): SymbolicShape[] {
    return [symbolicIndexShape(this.entries, shapes[0]!, node.inputs.slice(1))];
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const x = node.inputs[0] as TensorVariable;
    const parts = node.inputs.slice(1);
    const gx = new IncSubtensor(this.entries, false).makeNode(zerosLike(x), gz!, ...parts).outputs[0]!;
    return [gx, ...parts.map((): InputGradient => disconnected)];
  }

  override rOp(node: Apply, [ex]: readonly (Variable | null)[]): (Variable | null)[] {
    return [ex ? this.makeNode(ex, ...node.inputs.slice(1)).outputs[0]! : null];
  }
}

/** x with the region `entries` select set to y (`set`) or incremented by y. */
export class IncSubtensor extends Op {
  override readonly props = ['entries', 'set', 'inplace'];
  override readonly destroyMap: Readonly<Record<number, readonly number[]>>;
  readonly entries: readonly IndexEntry[];
  readonly set: boolean;
  /** Writes into x's own buffer instead of a copy (set only by the in-place rewrite, for an x nothing else reads). */
  readonly inplace: boolean;

  constructor(entries: readonly IndexEntry[], set: boolean, inplace = false) {
    super();
    this.entries = entries;
    this.set = set;
    this.inplace = inplace;
    this.destroyMap = inplace ? { 0: [0] } : {};
  }

  override toString(): string {
    return `${this.set ? 'SetSubtensor' : 'IncSubtensor'}{${indexText(this.entries)}${this.inplace ? ', inplace' : ''}}`;
  }

  override makeNode(x: Variable, y: Variable, ...parts: Variable[]): Apply<this> {
    if (!(x instanceof TensorVariable) || !(y instanceof TensorVariable)) throw new TypeError(`${this} needs tensors, got ${x} and ${y}`);
    checkParts(this, this.entries, parts);
    if (y.dtype !== x.dtype) throw new DTypeError(`${this}: the value is ${y.dtype} but the tensor is ${x.dtype}; cast it first`);
    const region = staticShape(this.entries, x.type.shape);
    if (y.ndim > region.length) throw new ShapeError(`${this}: a ${y.ndim}-d value (${y.type}) cannot fill a ${region.length}-d region`);
    const lead = region.length - y.ndim;
    y.type.shape.forEach((d, i) => {
      const r = region[lead + i];
      if (d !== null && d !== 1 && r !== null && r !== undefined && d !== r) {
        throw new ShapeError(`${this}: a value of static shape ${y.type.shapeString()} does not broadcast to the region's static shape (${region.map((v) => v ?? '?').join(', ')})`);
      }
    });
    return new Apply(this, [x, y, ...parts], [x.type]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const x = inputs[0] as NDArray;
    const y = inputs[1] as NDArray;
    const out = this.inplace ? x : x.copy();
    const region = view(node, this.entries, out, inputs.slice(2));
    const yb = fitValue(node, y, region.shape);
    if (!addContiguous(region, yb, this.set)) {
      if (this.set) mapInto(region, [yb], (v) => v);
      else mapInto(region, [region, yb], (a, b) => a + b);
    }
    outputs[0]!.value = out;
  }

  override inferShape(_node: Apply, shapes: readonly SymbolicShape[]): SymbolicShape[] {
    return [shapes[0]!];
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const y = node.inputs[1] as TensorVariable;
    const parts = node.inputs.slice(2);
    const g = gz as TensorVariable;
    const gx = this.set ? new IncSubtensor(this.entries, true).makeNode(g, zerosLike(y), ...parts).outputs[0]! : g;
    // y's gradient: the region's, summed over the axes y was broadcast along.
    let gy = new Subtensor(this.entries).makeNode(g, ...parts).outputs[0] as TensorVariable;
    const lead = gy.ndim - y.ndim;
    const stretched = y.type.shape.flatMap((d, i) => (d === 1 && gy.type.shape[lead + i] !== 1 ? [lead + i] : []));
    if (stretched.length > 0) gy = sum(gy, stretched, { keepdims: true });
    if (lead > 0) gy = sum(gy, [...Array(lead).keys()]);
    return [gx, gy, ...parts.map((): InputGradient => disconnected)];
  }

  override rOp(node: Apply, [ex, ey]: readonly (Variable | null)[]): (Variable | null)[] {
    if (!ex && !ey) return [null];
    const [x, y] = node.inputs as [TensorVariable, TensorVariable];
    return [this.makeNode(ex ?? zerosLike(x), ey ?? zerosLike(y), ...node.inputs.slice(2)).outputs[0]!];
  }
}

/**
 * region = y (`set`) or region += y, straight over the storage when both are
 * contiguous, of one dtype whose typed-array store is its conversion (not
 * bool: a bool store must turn 2 into 1); false when the general loop is needed.
 */
function addContiguous(region: NDArray, y: NDArray, set: boolean): boolean {
  if (region.dtype !== y.dtype || region.dtype === 'bool' || !region.isContiguous() || !y.isContiguous()) return false;
  const n = region.size;
  const [rd, ro, yd, yo] = [region.data, region.offset, y.data, y.offset];
  if (set) rd.set(yd.subarray(yo, yo + n), ro);
  else if (!((region.dtype === 'float32' || region.dtype === 'float64') && wasmScaleAdd(region.dtype, 1, n, rd, ro, yd, yo, rd, ro, n, 1, 1, true))) {
    // (the SIMD pass computes 1·y + 1·region: the same sum, both products exact)
    for (let i = 0; i < n; i++) rd[ro + i] = rd[ro + i]! + yd[yo + i]!;
  }
  return true;
}

/**
 * y broadcast to the region's shape, as Elemwise broadcasts: missing leading
 * axes are added, and only axes broadcastable in the graph (static length 1)
 * stretch; any other length must equal the region's.
 */
function fitValue(node: Apply, y: NDArray, region: readonly number[]): NDArray {
  const yType = node.inputs[1]!.type as TensorType;
  const lead = region.length - y.ndim;
  const fits = lead >= 0 && y.shape.every((d, i) => d === region[lead + i] || yType.shape[i] === 1);
  if (!fits) {
    const stretch = y.shape.some((d, i) => d === 1 && region[lead + i] !== 1)
      ? ` An axis of length 1 stretches only when it is broadcastable in the graph (static length 1, as T.row or T.col).`
      : '';
    throw nodeError(node, `a value of shape ${shapeToString(y.shape)} cannot fill a region of shape ${shapeToString(region)}.${stretch}`);
  }
  return y.ndim === region.length && y.shape.every((d, i) => d === region[i]) ? y : y.broadcastTo(region);
}

/** `x.at(...indices)`: basic indexing, a view — or, with arrays or masks among the indices, advanced indexing, a copy. */
export function at(x: TensorVariable, ...indices: Index[]): TensorVariable {
  const advanced = advancedAt(x, indices);
  if (advanced !== null) return advanced;
  const { entries, symbolic } = parseIndex(x.ndim, indices);
  return new Subtensor(entries).makeNode(x, ...symbolic).outputs[0] as TensorVariable;
}

/** The tensor, index description and parts behind `x.at(...)`, for set/inc. */
function indexed(region: TensorVariable, what: string): { x: TensorVariable; op: Subtensor; parts: Variable[] } {
  const node = region.owner;
  if (node === null || !(node.op instanceof Subtensor)) throw new TypeError(`${what} needs the result of x.at(...) as its first argument, got ${region}`);
  return { x: node.inputs[0] as TensorVariable, op: node.op, parts: node.inputs.slice(1) };
}

/** Whether a JS number may be stored as `dtype`: exactly for ints and bools, rounded for floats (0.1 in float32) unless it overflows. */
const literalFits = (v: number, dtype: DType): boolean =>
  isFloat(dtype) ? dtype === 'float64' || !Number.isFinite(v) || Math.abs(v) <= 3.4028234663852886e38 : fitsDtype(v, dtype);

/**
 * y as a value for x: JS literals take x's dtype when every value fits it
 * (exactly for ints and bools, rounded for floats); tensors are cast when the cast is safe (int32 into float64),
 * anything else is a DTypeError.
 */
function valueFor(x: TensorVariable, y: TensorLike, what: string): TensorVariable {
  if (!(y instanceof TensorVariable) && !(y instanceof NDArray) && !ArrayBuffer.isView(y)) {
    const data = array(y as never);
    const bad = Array.from(data.flatData(), Number).find((v) => !literalFits(v, x.dtype));
    if (bad !== undefined) throw new DTypeError(`${what}: the value ${bad} does not fit the tensor's dtype ${x.dtype}`);
    return constant(data, null, x.dtype);
  }
  const v = asTensorVariable(y);
  if (v.dtype === x.dtype) return v;
  if (canCastSafely(v.dtype, x.dtype)) return cast(v, x.dtype);
  throw new DTypeError(
    `${what}: the value is ${v.dtype} but the tensor is ${x.dtype}, and ${v.dtype} does not cast safely to ${x.dtype}; cast it with .astype('${x.dtype}')`,
  );
}

/** Theano's `set_subtensor`: x with the region `x.at(...)` selects replaced by y. */
export function setSubtensor(region: TensorVariable, y: TensorLike): TensorVariable {
  if (region.owner?.op instanceof AdvancedSubtensor) return advancedWrite(region, y, true);
  const { x, op, parts } = indexed(region, 'setSubtensor');
  return new IncSubtensor(op.entries, true).makeNode(x, valueFor(x, y, 'setSubtensor'), ...parts).outputs[0] as TensorVariable;
}

/** Theano's `inc_subtensor`: x with y added to the region `x.at(...)` selects. */
export function incSubtensor(region: TensorVariable, y: TensorLike): TensorVariable {
  if (region.owner?.op instanceof AdvancedSubtensor) return advancedWrite(region, y, false);
  const { x, op, parts } = indexed(region, 'incSubtensor');
  return new IncSubtensor(op.entries, false).makeNode(x, valueFor(x, y, 'incSubtensor'), ...parts).outputs[0] as TensorVariable;
}


/** set/inc of entries chosen by advanced indexing (repeated indices: inc adds each, set keeps the last). */
function advancedWrite(region: TensorVariable, y: TensorLike, set: boolean): TensorVariable {
  const node = region.owner!;
  const op = node.op as AdvancedSubtensor;
  const x = node.inputs[0] as TensorVariable;
  const value = valueFor(x, y, set ? 'setSubtensor' : 'incSubtensor');
  return new AdvancedIncSubtensor(op.entries, set).makeNode(x, value, ...node.inputs.slice(1)).outputs[0] as TensorVariable;
}
