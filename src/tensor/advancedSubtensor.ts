/**
 * Advanced indexing (numpy's "advanced indexing", Theano's
 * AdvancedSubtensor): integer arrays and boolean masks, mixed with basic
 * indices. The index arrays (integer scalars count as 0-d arrays among
 * them; a k-d mask stands for its k nonzero index vectors) are broadcast
 * together to a shape B; when they sit side by side in the index, B takes
 * their place among the result's axes, otherwise it comes first — numpy's
 * rule. The result is a copy.
 *
 * AdvancedIncSubtensor writes y into (set) or adds y to (inc) the selected
 * entries of a copy of x; with repeated indices, set keeps the last write and
 * inc adds every one (numpy's `add.at`, Theano's inc_subtensor).
 */
import { Apply } from '../graph/apply.js';
import { disconnected, type InputGradient } from '../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { DTypeError, ShapeError } from '../errors.js';
import { isDiscrete } from '../ndarray/dtype.js';
import { NDArray, shapeToString } from '../ndarray/ndarray.js';
import { storeConverter } from '../ndarray/dtype.js';
import { cast, maximum, neq, zerosLike } from './math.js';
import { sum } from './reduce.js';
import { nodeError } from './runtime.js';
import { newaxis, parseIndex, sliceIndices, sliceLength, type Index, type IndexEntry } from './subtensor.js';
import { asTensorVariable, constant, type TensorLike } from './asTensor.js';
import { arange } from './arange.js';
import { shapeI } from './shape.js';
import { TensorType } from './type.js';
import { TensorVariable } from './variable.js';

/** An index entry: basic (as Subtensor's) or an integer array / boolean mask input. */
export type AdvancedEntry = IndexEntry | { kind: 'array' } | { kind: 'mask'; ndim: number };

/** Axes of x an entry consumes. */
const consumes = (e: AdvancedEntry) => (e.kind === 'newaxis' ? 0 : e.kind === 'mask' ? e.ndim : 1);

/** How many node inputs (after x, or after x and y) the entries read. */
function inputCount(entries: readonly AdvancedEntry[]): number {
  let n = 0;
  for (const e of entries) {
    if (e.kind === 'array' || e.kind === 'mask') n++;
    else if (e.kind === 'int') n += Number(e.value === 'sym');
    else if (e.kind === 'slice') n += [e.start, e.stop, e.step].filter((p) => p === 'sym').length;
  }
  return n;
}

/** numpy's broadcast of several shapes (right-aligned), or null when they do not broadcast. */
function broadcastShapes(shapes: readonly (readonly (number | null)[])[]): (number | null)[] | null {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out: (number | null)[] = [];
  for (let i = 0; i < nd; i++) {
    let d: number | null = 1;
    for (const s of shapes) {
      const v = s[s.length - nd + i];
      if (v === undefined || v === 1) continue;
      if (v === null) d = d === 1 ? null : d;
      else if (d === 1 || d === null) d = v;
      else if (d !== v) return null;
    }
    out.push(d);
  }
  return out;
}

/**
 * What an index selects: the result's shape, and where in x's storage each
 * run of `run` result elements starts (row-major). A run is the whole last
 * axis when that axis is a basic one over adjacent elements (the rows an
 * embedding lookup picks), else a single element.
 */
interface Plan {
  shape: number[];
  run: number;
  offsets: Float64Array;
}

/** Enumerates the storage offsets in `x` of the selected runs, and the result's shape. */
function plan(node: Apply, entries: readonly AdvancedEntry[], x: NDArray, values: readonly NDArray[]): Plan {
  let k = 0;
  const scalar = (p: number | null | 'sym'): number | null => {
    if (p !== 'sym') return p;
    const a = values[k++]!;
    return Number(a.data[a.offset]);
  };
  // Resolve every entry against the input's axes.
  type Resolved = { kind: 'basic'; axis: number; start: number; step: number; count: number } | { kind: 'adv'; axis: number; index: NDArray } | { kind: 'new' };
  const resolved: Resolved[] = [];
  const advPositions: number[] = [];
  let axis = 0;
  for (const e of entries) {
    if (e.kind === 'newaxis') resolved.push({ kind: 'new' });
    else if (e.kind === 'slice') {
      const len = x.shape[axis]!;
      const [a, b, c] = [scalar(e.start), scalar(e.stop), scalar(e.step)];
      if (c === 0) throw nodeError(node, `slice step cannot be zero (axis ${axis})`);
      const [start, step, count] = sliceIndices(len, a, b, c);
      resolved.push({ kind: 'basic', axis: axis++, start, step, count });
    } else if (e.kind === 'int') {
      const i = scalar(e.value)!;
      const one = NDArray.empty('int64', []);
      one.data[0] = i;
      advPositions.push(resolved.length);
      resolved.push({ kind: 'adv', axis: axis++, index: one });
    } else if (e.kind === 'array') {
      advPositions.push(resolved.length);
      resolved.push({ kind: 'adv', axis: axis++, index: values[k++]! });
    } else {
      // A mask: its nonzero positions, one index vector per axis it covers.
      const mask = values[k++]!;
      if (!mask.shape.every((d, i) => d === x.shape[axis + i])) {
        throw nodeError(node, `a boolean mask of shape ${shapeToString(mask.shape)} does not match axes ${axis}..${axis + mask.ndim - 1} of shape ${shapeToString(x.shape)}`);
      }
      const hits: number[] = [];
      mask.forEachIndex((s, n) => {
        if (mask.data[s] !== 0) hits.push(n);
      });
      const vectors = mask.shape.map(() => NDArray.empty('int64', [hits.length]));
      hits.forEach((flat, n) => {
        for (let d = mask.ndim - 1; d >= 0; d--) {
          vectors[d]!.data[n] = flat % mask.shape[d]!;
          flat = Math.floor(flat / mask.shape[d]!);
        }
      });
      for (const v of vectors) {
        advPositions.push(resolved.length);
        resolved.push({ kind: 'adv', axis: axis++, index: v });
      }
    }
  }
  for (; axis < x.ndim; axis++) resolved.push({ kind: 'basic', axis, start: 0, step: 1, count: x.shape[axis]! });

  const advs = resolved.filter((r): r is Extract<Resolved, { kind: 'adv' }> => r.kind === 'adv');
  const B = broadcastShapes(advs.map((a) => a.index.shape));
  if (B === null) throw nodeError(node, `index arrays of shapes ${advs.map((a) => shapeToString(a.index.shape)).join(', ')} do not broadcast together`, ShapeError);
  const Bshape = B as number[];
  const adjacent = advPositions.every((p, i) => i === 0 || p === advPositions[i - 1]! + 1);
  const firstAdv = advPositions[0] ?? 0;
  // Output axes: basic axes (and new ones) in order, with B inserted where the advanced ones were (adjacent) or first.
  type OutAxis = { kind: 'basic'; r: Extract<Resolved, { kind: 'basic' }> } | { kind: 'new' } | { kind: 'B'; dim: number };
  const outAxes: OutAxis[] = [];
  const pushB = () => Bshape.forEach((_, dim) => outAxes.push({ kind: 'B', dim }));
  if (!adjacent) pushB();
  resolved.forEach((r, i) => {
    if (adjacent && i === firstAdv) pushB();
    if (r.kind === 'basic') outAxes.push({ kind: 'basic', r });
    else if (r.kind === 'new') outAxes.push({ kind: 'new' });
  });
  const shape = outAxes.map((a) => (a.kind === 'basic' ? a.r.count : a.kind === 'new' ? 1 : Bshape[a.dim]!));
  // Each advanced index broadcast to B, checked and turned into a storage step along its axis.
  const bSize = Bshape.reduce((p, d) => p * d, 1);
  const bIndex = advs.map((a) => {
    const len = x.shape[a.axis]!;
    const stride = x.strides[a.axis]!;
    const spread = a.index.broadcastTo(Bshape).copy();
    const src = spread.data;
    const steps = new Float64Array(bSize);
    for (let n = 0; n < bSize; n++) {
      const i = Number(src[n]);
      if (!(i >= -len && i < len)) throw nodeError(node, `index ${i} is out of range for axis ${a.axis} with length ${len}`);
      steps[n] = (i < 0 ? i + len : i) * stride;
    }
    return steps;
  });
  // Per output axis: how far one step moves in x's storage (basic axes) and in B's row-major order (B axes).
  const nd = shape.length;
  const storageStep = new Float64Array(nd);
  const bStep = new Float64Array(nd);
  let base = x.offset;
  outAxes.forEach((a, ax) => {
    if (a.kind === 'basic') {
      storageStep[ax] = a.r.step * x.strides[a.r.axis]!;
      base += a.r.start * x.strides[a.r.axis]!;
    } else if (a.kind === 'B') {
      bStep[ax] = Bshape.slice(a.dim + 1).reduce((p, d) => p * d, 1);
    }
  });
  const size = shape.reduce((p, d) => p * d, 1);
  const last = outAxes[nd - 1];
  const run = last !== undefined && last.kind === 'basic' && storageStep[nd - 1] === 1 && size > 0 ? shape[nd - 1]! : 1;
  const walked = run > 1 ? nd - 1 : nd;
  const offsets = new Float64Array(size / run);
  const counter = new Array<number>(walked).fill(0);
  let at = base;
  let b = 0;
  for (let n = 0; n < offsets.length; n++) {
    let o = at;
    if (bSize > 0) for (let k = 0; k < bIndex.length; k++) o += bIndex[k]![b]!;
    offsets[n] = o;
    for (let ax = walked - 1; ax >= 0; ax--) {
      at += storageStep[ax]!;
      b += bStep[ax]!;
      if (++counter[ax]! < shape[ax]!) break;
      at -= storageStep[ax]! * shape[ax]!;
      b -= bStep[ax]! * shape[ax]!;
      counter[ax] = 0;
    }
  }
  return { shape, run, offsets };
}

/** The static shape of the result (null where it depends on run-time values). */
function staticShape(entries: readonly AdvancedEntry[], x: TensorVariable, indexTypes: readonly TensorType[]): (number | null)[] {
  let k = 0;
  let axis = 0;
  const parts: ({ kind: 'basic'; d: number | null } | { kind: 'adv'; shape: readonly (number | null)[] } | { kind: 'new' })[] = [];
  const advAt: number[] = [];
  const skip = (p: number | null | 'sym') => {
    if (p === 'sym') k++;
    return p === 'sym' ? null : p;
  };
  for (const e of entries) {
    if (e.kind === 'newaxis') parts.push({ kind: 'new' });
    else if (e.kind === 'slice') {
      const [a, b, c] = [skip(e.start), skip(e.stop), skip(e.step)];
      const len = x.type.shape[axis++]!;
      const known = len !== null && e.start !== 'sym' && e.stop !== 'sym' && e.step !== 'sym';
      parts.push({ kind: 'basic', d: known ? sliceIndices(len, a, b, c)[2] : null });
    } else if (e.kind === 'int') {
      skip(e.value);
      axis++;
      advAt.push(parts.length);
      parts.push({ kind: 'adv', shape: [] });
    } else {
      const t = indexTypes[k++]!;
      axis += consumes(e);
      advAt.push(parts.length);
      parts.push({ kind: 'adv', shape: e.kind === 'mask' ? [null] : t.shape });
    }
  }
  for (; axis < x.ndim; axis++) parts.push({ kind: 'basic', d: x.type.shape[axis]! });
  const B = broadcastShapes(parts.flatMap((p) => (p.kind === 'adv' ? [p.shape] : [])));
  if (B === null) throw new ShapeError(`index arrays of static shapes ${parts.flatMap((p) => (p.kind === 'adv' ? [`(${p.shape.map((d) => d ?? '?').join(', ')})`] : [])).join(', ')} do not broadcast together`);
  const adjacent = advAt.every((p, i) => i === 0 || p === advAt[i - 1]! + 1);
  const out: (number | null)[] = adjacent ? [] : [...B];
  parts.forEach((p, i) => {
    if (adjacent && i === advAt[0]) out.push(...B);
    if (p.kind === 'basic') out.push(p.d);
    else if (p.kind === 'new') out.push(1);
  });
  return out;
}

/** The result's shape as int64 scalars: slice lengths, the index arrays' broadcast shape (masks: their counts). */
function symbolicShape(entries: readonly AdvancedEntry[], node: Apply, shapes: readonly SymbolicShape[]): SymbolicShape {
  const x = shapes[0]!;
  let k = 1;
  const int = (v: number) => constant(v, null, 'int64');
  const part = (p: number | null | 'sym'): TensorVariable | null => (p === null ? null : p === 'sym' ? (node.inputs[k++] as TensorVariable) : int(p));
  let axis = 0;
  type Piece = { kind: 'basic'; d: Variable } | { kind: 'adv'; shape: readonly Variable[] } | { kind: 'new' };
  const pieces: Piece[] = [];
  const advAt: number[] = [];
  for (const e of entries) {
    if (e.kind === 'newaxis') pieces.push({ kind: 'new' });
    else if (e.kind === 'slice') {
      const [a, b] = [part(e.start), part(e.stop)];
      const step = e.step === 'sym' ? part(e.step)! : (e.step ?? 1);
      pieces.push({ kind: 'basic', d: sliceLength(x[axis++] as TensorVariable, a, b, step) });
    } else {
      advAt.push(pieces.length);
      if (e.kind === 'int') {
        part(e.value);
        axis++;
        pieces.push({ kind: 'adv', shape: [] });
      } else if (e.kind === 'array') {
        pieces.push({ kind: 'adv', shape: shapes[k++]! });
        axis++;
      } else {
        const mask = node.inputs[k++] as TensorVariable;
        pieces.push({ kind: 'adv', shape: [cast(sum(neq(mask, 0)), 'int64')] });
        axis += e.ndim;
      }
    }
  }
  for (; axis < x.length; axis++) pieces.push({ kind: 'basic', d: x[axis]! });
  // Broadcast lengths: the largest of each right-aligned position (index arrays that broadcast have 1 or it).
  const advShapes = pieces.flatMap((p) => (p.kind === 'adv' ? [p.shape] : []));
  const nd = Math.max(0, ...advShapes.map((s) => s.length));
  const B = Array.from({ length: nd }, (_, i) => {
    const dims = advShapes.flatMap((s) => (s.length >= nd - i ? [s[s.length - nd + i]!] : []));
    return dims.reduce((m: TensorVariable, d) => maximum(m, d as TensorVariable), int(1));
  });
  const adjacent = advAt.every((p, i) => i === 0 || p === advAt[i - 1]! + 1);
  const out: Variable[] = adjacent ? [] : [...B];
  pieces.forEach((p, i) => {
    if (adjacent && i === advAt[0]) out.push(...B);
    if (p.kind === 'basic') out.push(p.d);
    else if (p.kind === 'new') out.push(int(1));
  });
  return out;
}

function checkIndexInputs(op: Op, entries: readonly AdvancedEntry[], x: TensorVariable, inputs: readonly Variable[]): TensorType[] {
  if (inputs.length !== inputCount(entries)) throw new TypeError(`${op} takes ${inputCount(entries)} index inputs, got ${inputs.length}`);
  const consumed = entries.reduce((n, e) => n + consumes(e), 0);
  if (consumed > x.ndim) throw new ShapeError(`too many indices for ${x} (${x.type}): they cover ${consumed} axes`);
  return inputs.map((v, i) => {
    if (!(v instanceof TensorVariable) || !isDiscrete(v.dtype)) throw new TypeError(`${op}: index input ${i} must be an integer or boolean tensor, got ${v}`);
    return v.type;
  });
}

function entryText(entries: readonly AdvancedEntry[]): string {
  return entries.map((e) => (e.kind === 'array' ? 'array' : e.kind === 'mask' ? `mask${e.ndim}d` : e.kind === 'int' ? String(e.value === 'sym' ? 'i' : e.value) : e.kind === 'newaxis' ? 'newaxis' : 'slice')).join(', ');
}

export class AdvancedSubtensor extends Op {
  override readonly props = ['entries'];
  constructor(readonly entries: readonly AdvancedEntry[]) {
    super();
  }

  override toString(): string {
    return `AdvancedSubtensor{${entryText(this.entries)}}`;
  }

  override makeNode(x: Variable, ...index: Variable[]): Apply<this> {
    if (!(x instanceof TensorVariable)) throw new TypeError(`indexing needs a tensor, got ${x}`);
    const types = checkIndexInputs(this, this.entries, x, index);
    return new Apply(this, [x, ...index], [new TensorType(x.dtype, staticShape(this.entries, x, types))]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const x = inputs[0] as NDArray;
    const { shape, run, offsets } = plan(node, this.entries, x, inputs.slice(1) as NDArray[]);
    const out = NDArray.empty(x.dtype, shape);
    const [src, dst] = [x.data, out.data];
    if (run > 1) for (let n = 0; n < offsets.length; n++) dst.set(src.subarray(offsets[n]!, offsets[n]! + run) as never, n * run);
    else for (let n = 0; n < offsets.length; n++) dst[n] = src[offsets[n]!]!;
    outputs[0]!.value = out;
  }

  override inferShape(node: Apply, shapes: readonly SymbolicShape[]): SymbolicShape[] {
    return [symbolicShape(this.entries, node, shapes)];
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const [x, ...index] = node.inputs as TensorVariable[];
    const gx = new AdvancedIncSubtensor(this.entries, false).makeNode(zerosLike(x!), gz!, ...index).outputs[0]!;
    return [gx, ...index.map((): InputGradient => disconnected)];
  }

  override rOp(node: Apply, [ex]: readonly (Variable | null)[]): (Variable | null)[] {
    return [ex ? this.makeNode(ex, ...node.inputs.slice(1)).outputs[0]! : null];
  }
}

export class AdvancedIncSubtensor extends Op {
  override readonly props = ['entries', 'set', 'inplace'];
  override readonly destroyMap: Readonly<Record<number, readonly number[]>>;
  /** Writes into x's own buffer (set by the in-place rewrite when nothing else reads x). */
  readonly inplace: boolean;

  constructor(
    readonly entries: readonly AdvancedEntry[],
    readonly set: boolean,
    inplace = false,
  ) {
    super();
    this.inplace = inplace;
    this.destroyMap = inplace ? { 0: [0] } : {};
  }

  override toString(): string {
    return `${this.set ? 'AdvancedSetSubtensor' : 'AdvancedIncSubtensor'}{${entryText(this.entries)}${this.inplace ? ', inplace' : ''}}`;
  }

  override makeNode(x: Variable, y: Variable, ...index: Variable[]): Apply<this> {
    if (!(x instanceof TensorVariable) || !(y instanceof TensorVariable)) throw new TypeError(`${this} needs tensors, got ${x} and ${y}`);
    if (y.dtype !== x.dtype) throw new DTypeError(`${this}: the value is ${y.dtype} but the tensor is ${x.dtype}; cast it first`);
    const types = checkIndexInputs(this, this.entries, x, index);
    const region = staticShape(this.entries, x, types);
    if (y.ndim > region.length) throw new ShapeError(`${this}: a ${y.ndim}-d value (${y.type}) cannot fill a ${region.length}-d selection`);
    return new Apply(this, [x, y, ...index], [x.type]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const x = inputs[0] as NDArray;
    const y = inputs[1] as NDArray;
    const out = this.inplace ? x : x.copy();
    const { shape, run, offsets } = plan(node, this.entries, out, inputs.slice(2) as NDArray[]);
    let yb: NDArray;
    try {
      yb = y.broadcastTo(shape);
    } catch {
      throw nodeError(node, `a value of shape ${shapeToString(y.shape)} cannot fill a selection of shape ${shapeToString(shape)}`);
    }
    const convert = storeConverter(out.dtype);
    const dst = out.data;
    const src = yb.copy().data;
    // Run by run, in order: a row picked twice is added (or set) twice, as Theano's inc_subtensor does.
    for (let n = 0, k = 0; n < offsets.length; n++) {
      const at = offsets[n]!;
      if (this.set) for (let j = 0; j < run; j++, k++) dst[at + j] = src[k]!;
      else for (let j = 0; j < run; j++, k++) dst[at + j] = convert(Number(dst[at + j]) + Number(src[k]));
    }
    outputs[0]!.value = out;
  }

  override inferShape(_node: Apply, shapes: readonly SymbolicShape[]): SymbolicShape[] {
    return [shapes[0]!];
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const y = node.inputs[1] as TensorVariable;
    const index = node.inputs.slice(2);
    const g = gz as TensorVariable;
    const gx = this.set ? new AdvancedIncSubtensor(this.entries, true).makeNode(g, zerosLike(y), ...index).outputs[0]! : g;
    let gy = new AdvancedSubtensor(this.entries).makeNode(g, ...index).outputs[0] as TensorVariable;
    const lead = gy.ndim - y.ndim;
    const stretched = y.type.shape.flatMap((d, i) => (d === 1 && gy.type.shape[lead + i] !== 1 ? [lead + i] : []));
    if (stretched.length > 0) gy = sum(gy, stretched, { keepdims: true });
    if (lead > 0) gy = sum(gy, [...Array(lead).keys()]);
    return [gx, gy, ...index.map((): InputGradient => disconnected)];
  }
}

/** Whether an index is an array (integer array or boolean mask) rather than a basic index. */
function isArrayIndex(index: unknown): boolean {
  if (index instanceof TensorVariable) return index.ndim > 0 || index.dtype === 'bool';
  return index instanceof NDArray || Array.isArray(index);
}

/**
 * The entries and index inputs of an index list that holds arrays or masks
 * (null when it holds none: basic indexing then does the job, as a view).
 */
export function advancedIndex(x: TensorVariable, indices: readonly Index[]): { entries: AdvancedEntry[]; inputs: TensorVariable[] } | null {
  if (!indices.some(isArrayIndex)) return null;
  const arrays = indices.map((i) => (isArrayIndex(i) ? asTensorVariable(i as TensorLike) : null));
  arrays.forEach((a, i) => {
    if (a === null) return;
    if (a.dtype === 'bool' ? a.ndim === 0 : !isDiscrete(a.dtype)) {
      throw new TypeError(`index ${i}: an array index must hold integers, or booleans of at least 1 dimension (a mask); got ${a.type}`);
    }
  });
  const consumed = indices.reduce<number>((n, idx, i) => {
    const a = arrays[i];
    if (a) return n + (a.dtype === 'bool' ? a.ndim : 1);
    return n + (idx === newaxis || idx === '...' ? 0 : 1);
  }, 0);
  if (consumed > x.ndim) throw new ShapeError(`too many indices for a ${x.ndim}-d value: they cover ${consumed} axes`);
  const entries: AdvancedEntry[] = [];
  const inputs: TensorVariable[] = [];
  indices.forEach((idx, i) => {
    const a = arrays[i];
    if (a) {
      entries.push(a.dtype === 'bool' ? { kind: 'mask', ndim: a.ndim } : { kind: 'array' });
      inputs.push(a);
    } else if (idx === '...') {
      for (let k = 0; k < x.ndim - consumed; k++) entries.push({ kind: 'slice', start: null, stop: null, step: null });
    } else {
      // One basic index, parsed as basic indexing parses it (its symbolic parts become inputs).
      const basic = parseIndex(idx === newaxis ? 0 : 1, [idx]);
      entries.push(...basic.entries);
      inputs.push(...basic.symbolic);
    }
  });
  return { entries, inputs };
}

/** `x.at(...)` with arrays or masks among the indices: a copy of the selected entries. */
export function advancedAt(x: TensorVariable, indices: readonly Index[]): TensorVariable | null {
  const parsed = advancedIndex(x, indices);
  if (parsed === null) return null;
  return new AdvancedSubtensor(parsed.entries).makeNode(x, ...parsed.inputs).outputs[0] as TensorVariable;
}

/** numpy's `take(x, indices, axis)`: entries along `axis` (the flattened x when axis is null — not supported: give an axis). */
export function take(x: TensorLike, indices: TensorLike, axis = 0): TensorVariable {
  const v = asTensorVariable(x);
  const ax = axis < 0 ? axis + v.ndim : axis;
  if (!Number.isInteger(ax) || ax < 0 || ax >= v.ndim) throw new ShapeError(`take: axis ${axis} is out of range for a ${v.ndim}-d value`);
  const idx = asTensorVariable(indices, 'int64');
  const index: Index[] = [...Array<Index>(ax).fill(':'), idx];
  return idx.ndim === 0 ? v.at(...index) : advancedAt(v, index)!;
}

/**
 * numpy's `take_along_axis(x, indices, axis)`: out[..., i, ...] = x[..., indices[..., i, ...], ...],
 * indices having x's rank (and lengths that broadcast with x's on the other axes).
 */
export function takeAlongAxis(x: TensorLike, indices: TensorLike, axis: number): TensorVariable {
  const v = asTensorVariable(x);
  const idx = asTensorVariable(indices, 'int64');
  if (idx.ndim !== v.ndim) throw new ShapeError(`takeAlongAxis: the indices must have x's rank ${v.ndim}, got ${idx.ndim}-d ${idx.type}`);
  const ax = axis < 0 ? axis + v.ndim : axis;
  if (!Number.isInteger(ax) || ax < 0 || ax >= v.ndim) throw new ShapeError(`takeAlongAxis: axis ${axis} is out of range for a ${v.ndim}-d value`);
  // Every other axis is indexed by its own arange, shaped to broadcast along that axis only.
  const index: Index[] = v.type.shape.map((_, a) => {
    if (a === ax) return idx;
    const pattern = v.type.shape.map((__, b) => (b === a ? 0 : 'x')) as (number | 'x')[];
    return arange(shapeI(v, a)).dimshuffle(...pattern);
  });
  return advancedAt(v, index)!;
}
