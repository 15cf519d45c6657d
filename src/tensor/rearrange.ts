/**
 * numpy's rearranging functions, written with existing ops where they say it
 * exactly: `squeeze`, `expandDims`, `swapaxes` (DimShuffle), `flip` (x.at
 * with '::-1'), `roll` (a Join of two slices), `tile` and `repeat` with one
 * count (DimShuffle, Alloc, Reshape). `repeat` with one count per entry has
 * its own op, Repeat, whose gradient RepeatSum sums the copies back.
 */
import { Apply } from '../graph/apply.js';
import { disconnected, type InputGradient } from '../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { ShapeError } from '../errors.js';
import { mapInto } from '../ndarray/broadcast.js';
import { isDiscrete } from '../ndarray/dtype.js';
import { NDArray, shapeToString } from '../ndarray/ndarray.js';
import { alloc } from './alloc.js';
import { asTensorVariable, constant, type TensorLike } from './asTensor.js';
import { dimshuffle } from './dimshuffle.js';
import { Join } from './join.js';
import { cast, mod, sub } from './math.js';
import { sum } from './reduce.js';
import { addbroadcast, constantLength, flatten, lengthVar, normalizeAxis, product, reshape } from './reshape.js';
import { nodeError, reuseOrAllocate } from './runtime.js';
import { shapeI, symbolicShape } from './shape.js';
import { at, slice, type Index } from './subtensor.js';
import { TensorType } from './type.js';
import { TensorConstant, TensorVariable } from './variable.js';

/** Distinct axes in [0, ndim), from one axis or a list (negatives count from the end). */
function axisList(axis: number | readonly number[], ndim: number, what: string): number[] {
  const axes = (typeof axis === 'number' ? [axis] : [...axis]).map((a) => normalizeAxis(a, ndim, what));
  if (new Set(axes).size !== axes.length) throw new ShapeError(`${what}: repeated axis in ${JSON.stringify(axis)}`);
  return axes;
}

/**
 * numpy's `squeeze`: drops axes of length 1 — without `axis`, those of static
 * length 1; with it, the axes named, checked at run time when their length
 * is not known statically.
 */
export function squeeze(x: TensorLike, axis?: number | readonly number[]): TensorVariable {
  let v = asTensorVariable(x);
  const axes = axis === undefined ? v.type.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : axisList(axis, v.ndim, 'squeeze');
  for (const a of axes) {
    const d = v.type.shape[a];
    if (d !== null && d !== 1) throw new ShapeError(`squeeze: axis ${a} of ${v} has length ${d} (static shape ${v.type.shapeString()}); only axes of length 1 can be squeezed out`);
  }
  if (axes.some((a) => v.type.shape[a] === null)) v = addbroadcast(v, ...axes);
  return dimshuffle(v, [...v.type.shape.keys()].filter((a) => !axes.includes(a)));
}

/** numpy's `expand_dims`: new axes of length 1 at the positions `axis` names in the result. */
export function expandDims(x: TensorLike, axis: number | readonly number[]): TensorVariable {
  const v = asTensorVariable(x);
  const n = v.ndim + (typeof axis === 'number' ? 1 : axis.length);
  const axes = axisList(axis, n, 'expandDims');
  let k = 0;
  return dimshuffle(v, Array.from({ length: n }, (_, i) => (axes.includes(i) ? 'x' : k++)));
}

/** numpy's `swapaxes`: axes a and b exchanged (a view). */
export function swapaxes(x: TensorLike, a: number, b: number): TensorVariable {
  const v = asTensorVariable(x);
  const [i, j] = [normalizeAxis(a, v.ndim, 'swapaxes'), normalizeAxis(b, v.ndim, 'swapaxes')];
  const perm = [...v.type.shape.keys()];
  [perm[i], perm[j]] = [j, i];
  return dimshuffle(v, perm);
}

/** numpy's `flip`: the order of entries reversed along `axis` (all axes when omitted); a view. */
export function flip(x: TensorLike, axis?: number | readonly number[]): TensorVariable {
  const v = asTensorVariable(x);
  const axes = axis === undefined ? [...v.type.shape.keys()] : axisList(axis, v.ndim, 'flip');
  if (axes.length === 0) return v;
  return at(v, ...v.type.shape.map((_, i): Index => (axes.includes(i) ? '::-1' : ':')));
}

/** numpy's `roll`: entries shifted by `shift` along `axis`, wrapping around (x flattened first when no axis). */
export function roll(x: TensorLike, shift: number | TensorVariable, axis?: number): TensorVariable {
  const v = asTensorVariable(x);
  if (axis === undefined) return v.ndim === 1 ? roll(v, shift, 0) : reshape(roll(flatten(v), shift, 0), symbolicShape(v) as TensorVariable[]);
  const ax = normalizeAxis(axis, v.ndim, 'roll');
  const s = lengthVar(shift, 'roll: shift', -Infinity);
  const n = shapeI(v, ax);
  const [sk, nk] = [constantLength(s), constantLength(n)];
  // x[k:] followed by x[:k], with k = n - (shift mod n) in (0, n].
  let k: number | TensorVariable;
  if (sk !== null && nk !== null) {
    if (nk === 0) return v;
    k = nk - (((sk % nk) + nk) % nk);
  } else k = sub(n, mod(s, n));
  if (k === nk) return v;
  const lead = Array<Index>(ax).fill(':');
  return new Join(ax).apply1(at(v, ...lead, slice(k, null)), at(v, ...lead, slice(null, k))) as TensorVariable;
}

/** numpy's `tile`: x repeated `reps[i]` times along axis i (reps and x padded with leading 1s to equal length). */
export function tile(x: TensorLike, reps: number | TensorVariable | readonly (number | TensorVariable)[]): TensorVariable {
  let v = asTensorVariable(x);
  const rs = (Array.isArray(reps) ? reps : [reps]).map((r, i) => lengthVar(r as number | TensorVariable, `tile: reps ${i}`));
  const n = Math.max(rs.length, v.ndim);
  while (rs.length < n) rs.unshift(constant(1, null, 'int64'));
  if (v.ndim < n) v = dimshuffle(v, [...Array<'x'>(n - v.ndim).fill('x'), ...v.type.shape.keys()]);
  const tiled = rs.map((r) => constantLength(r) !== 1);
  if (!tiled.includes(true)) return v;
  // Each tiled axis i becomes (r_i, len_i), spread by Alloc, then merged by Reshape.
  const shape = symbolicShape(v) as TensorVariable[];
  const pattern = shape.flatMap((_, i): (number | 'x')[] => (tiled[i] ? ['x', i] : [i]));
  const spread = alloc(dimshuffle(v, pattern), ...shape.flatMap((d, i) => (tiled[i] ? [rs[i]!, d] : [d])) as TensorVariable[]);
  return reshape(spread, shape.map((d, i) => (tiled[i] ? product([rs[i]!, d]) : d)) as TensorVariable[]);
}

/**
 * numpy's `repeat`: each entry along `axis` repeated (x flattened first when
 * no axis). `repeats` is one count (a number or integer scalar) or one count
 * per entry (a JS array or an integer vector).
 */
export function repeat(x: TensorLike, repeats: number | readonly number[] | TensorVariable, axis?: number): TensorVariable {
  let v = asTensorVariable(x);
  if (axis === undefined) {
    v = flatten(v);
    axis = 0;
  }
  if (v.ndim === 0) v = dimshuffle(v, ['x']);
  const ax = normalizeAxis(axis, v.ndim, 'repeat');
  let counts = Array.isArray(repeats) ? constant(repeats as number[], null, 'int64') : asTensorVariable(repeats as TensorLike);
  if (counts.ndim > 1 || !isDiscrete(counts.dtype) || counts.dtype === 'bool') throw new TypeError(`repeat: repeats must be an integer or a 1-d integer array, got ${counts} (${counts.type})`);
  if (counts.ndim === 1 && counts.type.shape[0] === 1) counts = at(counts, 0);
  if (counts instanceof TensorConstant && Array.from(counts.data.flatData()).some((r) => Number(r) < 0)) throw new ShapeError(`repeat: repeats must be non-negative, got ${counts}`);
  if (counts.ndim === 1) return new Repeat(ax).apply1(v, counts.dtype === 'int64' ? counts : cast(counts, 'int64')) as TensorVariable;
  // One count: each entry gets an axis of that length after it (Alloc spreads it), merged by Reshape.
  const r = lengthVar(typeof repeats === 'number' ? repeats : counts, 'repeat: repeats');
  const shape = symbolicShape(v) as TensorVariable[];
  const pattern = [...v.type.shape.keys()] as (number | 'x')[];
  pattern.splice(ax + 1, 0, 'x');
  const spread = alloc(dimshuffle(v, pattern), ...shape.slice(0, ax + 1), r, ...shape.slice(ax + 1));
  return reshape(spread, shape.map((d, i) => (i === ax ? product([d, r]) : d)) as TensorVariable[]);
}

/** The static length of the repeated axis: the sum of constant repeats. */
function repeatedLength(repeats: TensorVariable): number | null {
  return repeats instanceof TensorConstant ? Array.from(repeats.data.flatData(), Number).reduce((a, b) => a + b, 0) : null;
}

function checkRepeats(node: Apply, x: NDArray, repeats: NDArray, axis: number): number[] {
  const rs = Array.from(repeats.copy().data, Number);
  if (rs.length !== x.shape[axis]) {
    throw nodeError(node, `repeats has ${rs.length} counts, but axis ${axis} of the array (shape ${shapeToString(x.shape)}) has length ${x.shape[axis]}`);
  }
  if (rs.some((r) => r < 0)) throw nodeError(node, `repeats must be non-negative, got [${rs.join(', ')}]`);
  return rs;
}

/** The slice `i` of `a` along `axis` (keeping the axis, length `len`), as a view. */
const sliceView = (a: NDArray, axis: number, i: number, len = 1) =>
  new NDArray(a.data, a.dtype, a.shape.map((d, k) => (k === axis ? len : d)), a.strides, a.offset + i * a.strides[axis]!);

/** numpy's `repeat(x, repeats, axis)` with one count per entry along `axis` (an int64 vector). */
export class Repeat extends Op {
  override readonly props = ['axis'];
  readonly axis: number;

  constructor(axis: number) {
    super();
    this.axis = axis;
  }

  override makeNode(x: Variable, repeats: Variable): Apply<this> {
    if (!(x instanceof TensorVariable) || !(repeats instanceof TensorVariable)) throw new TypeError(`${this} needs tensors, got ${x} and ${repeats}`);
    if (this.axis >= x.ndim) throw new ShapeError(`${this}: axis ${this.axis} is out of range for ${x} (${x.ndim}-d)`);
    if (repeats.ndim !== 1 || repeats.dtype !== 'int64') throw new TypeError(`${this}: repeats must be an int64 vector, got ${repeats} (${repeats.type})`);
    const [len, count] = [x.type.shape[this.axis], repeats.type.shape[0]];
    if (len !== null && count !== null && len !== count) throw new ShapeError(`${this}: ${count} repeat counts for axis ${this.axis} of ${x}, which has length ${len}`);
    return new Apply(this, [x, repeats], [new TensorType(x.dtype, x.type.shape.map((d, i) => (i === this.axis ? repeatedLength(repeats) : d)))]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const x = inputs[0] as NDArray;
    const rs = checkRepeats(node, x, inputs[1] as NDArray, this.axis);
    const shape = x.shape.map((d, i) => (i === this.axis ? rs.reduce((a, b) => a + b, 0) : d));
    const out = reuseOrAllocate(outputs[0]!, x.dtype, shape);
    let k = 0;
    rs.forEach((r, i) => {
      if (r > 0) {
        const from = sliceView(x, this.axis, i);
        const to = sliceView(out, this.axis, k, r);
        mapInto(to, [from.broadcastTo(to.shape)], (v) => v);
      }
      k += r;
    });
    outputs[0]!.value = out;
  }

  override inferShape(node: Apply, shapes: readonly SymbolicShape[]): SymbolicShape[] {
    return [shapes[0]!.map((d, i) => (i === this.axis ? sum(node.inputs[1] as TensorVariable) : d))];
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    return [new RepeatSum(this.axis).apply1(gz!, node.inputs[1]!), disconnected];
  }

  override rOp(node: Apply, [ex]: readonly (Variable | null)[]): (Variable | null)[] {
    return [ex ? this.apply1(ex, node.inputs[1]!) : null];
  }
}

/** The gradient of Repeat: consecutive groups of `repeats[i]` entries along `axis` summed into entry i. */
export class RepeatSum extends Op {
  override readonly props = ['axis'];
  readonly axis: number;

  constructor(axis: number) {
    super();
    this.axis = axis;
  }

  override makeNode(g: Variable, repeats: Variable): Apply<this> {
    if (!(g instanceof TensorVariable) || !(repeats instanceof TensorVariable)) throw new TypeError(`${this} needs tensors, got ${g} and ${repeats}`);
    if (this.axis >= g.ndim) throw new ShapeError(`${this}: axis ${this.axis} is out of range for ${g} (${g.ndim}-d)`);
    if (repeats.ndim !== 1 || repeats.dtype !== 'int64') throw new TypeError(`${this}: repeats must be an int64 vector, got ${repeats} (${repeats.type})`);
    return new Apply(this, [g, repeats], [new TensorType(g.dtype, g.type.shape.map((d, i) => (i === this.axis ? repeats.type.shape[0]! : d)))]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const g = inputs[0] as NDArray;
    const repeats = inputs[1] as NDArray;
    const rs = Array.from(repeats.copy().data, Number);
    const total = rs.reduce((a, b) => a + b, 0);
    if (total !== g.shape[this.axis] || rs.some((r) => r < 0)) {
      throw nodeError(node, `repeats [${rs.join(', ')}] do not add up to the length ${g.shape[this.axis]} of axis ${this.axis} (shape ${shapeToString(g.shape)})`);
    }
    const out = NDArray.empty(g.dtype, g.shape.map((d, i) => (i === this.axis ? rs.length : d)));
    let k = 0;
    rs.forEach((r, i) => {
      const to = sliceView(out, this.axis, i);
      for (let j = 0; j < r; j++) mapInto(to, [to, sliceView(g, this.axis, k + j)], (a, b) => a + b);
      k += r;
    });
    outputs[0]!.value = out;
  }

  override inferShape(_node: Apply, shapes: readonly SymbolicShape[]): SymbolicShape[] {
    return [shapes[0]!.map((d, i) => (i === this.axis ? shapes[1]![0]! : d))];
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    return [new Repeat(this.axis).apply1(gz!, node.inputs[1]!), disconnected];
  }
}
