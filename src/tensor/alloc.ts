/**
 * Creation ops with symbolic shapes: Alloc (Theano's `alloc`: a value
 * spread over a shape given by integer scalars) and on top of it `zeros`,
 * `ones`, `full`; Eye (Theano's `eye`: ones on a diagonal), and with it
 * `identityLike`, `tri`, `tril`, `triu`; `diag` and `linspace`, written
 * with existing ops so their gradients come for free.
 */
import { Apply } from '../graph/apply.js';
import { disconnected, type InputGradient } from '../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { ShapeError, ValueError } from '../errors.js';
import { mapInto } from '../ndarray/broadcast.js';
import { isDiscrete, isDType, type DType } from '../ndarray/dtype.js';
import { NDArray, shapeToString } from '../ndarray/ndarray.js';
import { config } from '../config.js';
import { asTensorVariable, constant, type TensorLike } from './asTensor.js';
import { arange } from './arange.js';
import { add, cast, ge, maximum, minimum, mul, sub, switch_, trueDiv } from './math.js';
import { setSubtensor, slice } from './subtensor.js';
import { sum } from './reduce.js';
import { nodeError } from './runtime.js';
import { shapeI } from './shape.js';
import { TensorType } from './type.js';
import { TensorVariable } from './variable.js';

/** A length as an int64 scalar variable (JS integers become constants). */
function length(v: TensorLike, what: string): TensorVariable {
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0) throw new ValueError(`${what} must be a non-negative integer, got ${v}`);
    return constant(v, null, 'int64');
  }
  const t = asTensorVariable(v, 'int64');
  if (t.ndim !== 0 || !isDiscrete(t.dtype) || t.dtype === 'bool') throw new ShapeError(`${what} must be an integer scalar, got ${t} (${t.type})`);
  return t.dtype === 'int64' ? t : cast(t, 'int64');
}

/** The static length a length variable stands for, when it is a constant. */
function knownLength(v: TensorVariable): number | null {
  return v.isConstant() ? Number((v as unknown as { data: NDArray }).data.data[0]) : null;
}

/** `value` spread over a shape given by one integer scalar per axis; the result is a new array. */
export class Alloc extends Op {
  override makeNode(value: Variable, ...dims: Variable[]): Apply<this> {
    if (!(value instanceof TensorVariable)) throw new TypeError(`alloc needs a tensor value, got ${value}`);
    if (value.ndim > dims.length) throw new ShapeError(`alloc: a ${value.ndim}-d value (${value.type}) cannot fill ${dims.length} axes`);
    const ds = dims.map((d, i) => length(d as TensorVariable, `alloc: length ${i}`));
    const lead = dims.length - value.ndim;
    const shape = ds.map((d, i) => {
      const known = knownLength(d);
      const own = i >= lead ? value.type.shape[i - lead] : null;
      if (known !== null && own !== null && own !== undefined && own !== 1 && own !== known) {
        throw new ShapeError(`alloc: a value of static shape ${value.type.shapeString()} cannot fill axis ${i} of length ${known}`);
      }
      return known ?? (own !== 1 ? own ?? null : null);
    });
    return new Apply(this, [value, ...ds], [new TensorType(value.dtype, shape)]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const value = inputs[0] as NDArray;
    const shape = (inputs.slice(1) as NDArray[]).map((d) => Number(d.data[d.offset]));
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw nodeError(node, `lengths must be non-negative integers, got (${shape.join(', ')})`, ValueError);
    let spread: NDArray;
    try {
      spread = value.broadcastTo(shape);
    } catch {
      throw nodeError(node, `a value of shape ${shapeToString(value.shape)} cannot fill shape ${shapeToString(shape)}`);
    }
    const out = NDArray.empty(value.dtype, shape);
    mapInto(out, [spread], (v) => v);
    outputs[0]!.value = out;
  }

  override inferShape(node: Apply): SymbolicShape[] {
    return [node.inputs.slice(1)];
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const value = node.inputs[0] as TensorVariable;
    let g = gz as TensorVariable;
    const lead = g.ndim - value.ndim;
    const stretched = value.type.shape.flatMap((d, i) => (d === 1 && g.type.shape[lead + i] !== 1 ? [lead + i] : []));
    if (stretched.length > 0) g = sum(g, stretched, { keepdims: true });
    if (lead > 0) g = sum(g, [...Array(lead).keys()]);
    return [g, ...node.inputs.slice(1).map((): InputGradient => disconnected)];
  }
}

const allocOp = new Alloc();

/** Theano's `alloc(value, *shape)`: `value` spread over `shape` (JS numbers or integer scalars). */
export function alloc(value: TensorLike, ...shape: TensorLike[]): TensorVariable {
  return allocOp.makeNode(asTensorVariable(value), ...shape.map((d, i) => length(d, `alloc: length ${i}`))).outputs[0] as TensorVariable;
}

type ShapeLike = TensorLike | readonly TensorLike[];

/** The lengths of a shape given as a number, a list, or a symbolic int vector (`x.shape`). */
function lengths(shape: ShapeLike, what: string): TensorVariable[] {
  if (typeof shape === 'number') return [length(shape, what)];
  if (Array.isArray(shape)) return shape.map((d, i) => length(d as TensorLike, `${what} ${i}`));
  const v = asTensorVariable(shape as TensorLike);
  if (v.ndim !== 1 || v.type.shape[0] === null) throw new ShapeError(`${what}: a shape is a list of lengths or an integer vector of known length, got ${v} (${v.type})`);
  return Array.from({ length: v.type.shape[0]! }, (_, i) => length(v.at(i), `${what} ${i}`));
}

function checkDtype(dtype: DType | undefined): DType {
  const d = dtype ?? config.floatX;
  if (!isDType(d)) throw new TypeError(`unknown dtype ${JSON.stringify(d)}`);
  return d;
}

/** Zeros of a symbolic shape (`T.zeros([n, 3])`, `T.zeros(shape(x))`). */
export function zeros(shape: ShapeLike, dtype?: DType): TensorVariable {
  return alloc(constant(0, null, checkDtype(dtype)), ...lengths(shape, 'zeros: length'));
}

/** Ones of a symbolic shape. */
export function ones(shape: ShapeLike, dtype?: DType): TensorVariable {
  return alloc(constant(1, null, checkDtype(dtype)), ...lengths(shape, 'ones: length'));
}

/** `value` everywhere in a symbolic shape (numpy's `full`); the dtype is the value's unless given. */
export function full(shape: ShapeLike, value: TensorLike, dtype?: DType): TensorVariable {
  const v = dtype === undefined ? asTensorVariable(value) : asTensorVariable(value, dtype);
  return alloc(dtype === undefined || v.dtype === dtype ? v : cast(v, dtype), ...lengths(shape, 'full: length'));
}

/** Ones on the k-th diagonal of an n×m matrix (Theano's `Eye`). */
export class Eye extends Op {
  override readonly props = ['dtype'];
  constructor(readonly dtype: DType) {
    super();
  }

  override toString(): string {
    return `Eye{${this.dtype}}`;
  }

  override makeNode(n: Variable, m: Variable, k: Variable): Apply<this> {
    const [nn, mm] = [length(n as TensorVariable, 'eye: n'), length(m as TensorVariable, 'eye: m')];
    const kk = asTensorVariable(k as TensorVariable, 'int64');
    if (kk.ndim !== 0 || !isDiscrete(kk.dtype)) throw new ShapeError(`eye: k must be an integer scalar, got ${kk.type}`);
    return new Apply(this, [nn, mm, kk], [new TensorType(this.dtype, [knownLength(nn), knownLength(mm)])]);
  }

  override perform(_node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const [n, m, k] = (inputs as NDArray[]).map((a) => Number(a.data[a.offset])) as [number, number, number];
    const out = NDArray.empty(this.dtype, [n, m]);
    for (let i = Math.max(0, -k); i < n && i + k < m; i++) out.data[i * m + i + k] = 1;
    outputs[0]!.value = out;
  }

  override inferShape(node: Apply): SymbolicShape[] {
    return [[node.inputs[0]!, node.inputs[1]!]];
  }

  override grad(): InputGradient[] {
    return [disconnected, disconnected, disconnected];
  }
}

/** numpy's `eye(n, m = n, k = 0)`: ones on the k-th diagonal (k > 0 above the main one). */
export function eye(n: TensorLike, m?: TensorLike | null, k: TensorLike = 0, dtype?: DType): TensorVariable {
  const nn = length(n, 'eye: n');
  return new Eye(checkDtype(dtype)).makeNode(nn, m === undefined || m === null ? nn : length(m, 'eye: m'), asTensorVariable(k, 'int64')).outputs[0] as TensorVariable;
}

/** The identity matrix with the shape of the matrix `x` (Theano's `identity_like`). */
export function identityLike(x: TensorLike, dtype?: DType): TensorVariable {
  const v = asTensorVariable(x);
  if (v.ndim !== 2) throw new ShapeError(`identityLike needs a matrix, got ${v.ndim}-d ${v.type}`);
  return eye(shapeI(v, 0), shapeI(v, 1), 0, dtype ?? v.dtype);
}

/** numpy's `tri(n, m = n, k = 0)`: ones on and below the k-th diagonal. */
export function tri(n: TensorLike, m?: TensorLike | null, k: TensorLike = 0, dtype?: DType): TensorVariable {
  const nn = length(n, 'tri: n');
  const mm = m === undefined || m === null ? nn : length(m, 'tri: m');
  // Row i, column j is in when j - i <= k.
  const rows = arange(nn).dimshuffle(0, 'x');
  const cols = arange(mm).dimshuffle('x', 0);
  return cast(ge(add(rows, asTensorVariable(k, 'int64')), cols), checkDtype(dtype));
}

function lastTwo(x: TensorVariable, what: string): [TensorVariable, TensorVariable] {
  if (x.ndim < 2) throw new ShapeError(`${what} needs at least 2 dimensions, got ${x.ndim}-d ${x.type}`);
  return [shapeI(x, x.ndim - 2), shapeI(x, x.ndim - 1)];
}

/** The lower triangle of (the last two axes of) `x`: entries above the k-th diagonal set to 0. */
export function tril(x: TensorLike, k: TensorLike = 0): TensorVariable {
  const v = asTensorVariable(x);
  const [n, m] = lastTwo(v, 'tril');
  // A choice, not a product with a 0/1 mask: inf or NaN outside the triangle must still give 0.
  return switch_(tri(n, m, k, 'bool'), v, constant(0, null, v.dtype));
}

/** The upper triangle of (the last two axes of) `x`: entries below the k-th diagonal set to 0. */
export function triu(x: TensorLike, k: TensorLike = 0): TensorVariable {
  const v = asTensorVariable(x);
  const [n, m] = lastTwo(v, 'triu');
  return switch_(tri(n, m, sub(asTensorVariable(k, 'int64'), 1), 'bool'), constant(0, null, v.dtype), v);
}

/**
 * numpy's `diag`: of a vector, the square matrix with it on the k-th
 * diagonal; of a matrix, its k-th diagonal as a vector.
 */
export function diag(x: TensorLike, k = 0): TensorVariable {
  const v = asTensorVariable(x);
  if (!Number.isInteger(k)) throw new TypeError(`diag: k must be an integer, got ${k}`);
  if (v.ndim === 2) return diagonal(v, k);
  if (v.ndim !== 1) throw new ShapeError(`diag needs a vector or a matrix, got ${v.ndim}-d ${v.type}`);
  const n = shapeI(v, 0);
  const size = add(n, Math.abs(k));
  // Entry (i, i + k) holds v[i] (k >= 0), entry (j - k, j) holds v[j] (k < 0): v padded with zeros to the
  // matrix's size, spread along rows or columns, chosen where the eye has its ones.
  const padded = setSubtensor(zeros([size], v.dtype).at(slice(0, n)), v);
  const spread = k >= 0 ? padded.dimshuffle(0, 'x') : padded.dimshuffle('x', 0);
  return switch_(eye(size, size, k, 'bool'), spread, constant(0, null, v.dtype));
}

/** The k-th diagonal of a matrix (numpy's `diagonal` of 2-d arrays): entries (i, i + k). */
export function diagonal(x: TensorLike, k = 0): TensorVariable {
  const v = asTensorVariable(x);
  if (v.ndim !== 2) throw new ShapeError(`diagonal needs a matrix, got ${v.ndim}-d ${v.type}`);
  if (!Number.isInteger(k)) throw new TypeError(`diagonal: k must be an integer, got ${k}`);
  const [n, m] = [shapeI(v, 0), shapeI(v, 1)];
  // Each row (k >= 0) or column (k < 0) keeps only its diagonal entry, then is summed; the first
  // max(0, min(n, m - k)) (or min(n + k, m)) of those sums are the diagonal.
  const only = switch_(eye(n, m, k, 'bool'), v, constant(0, null, v.dtype));
  // Summed in the matrix's own dtype (a sum of one entry and zeros is exact); bools as int8.
  const sums = sum(only, [k >= 0 ? 1 : 0], { dtype: v.dtype === 'bool' ? 'int8' : v.dtype });
  const count = maximum(k >= 0 ? minimum(n, sub(m, k)) : minimum(add(n, k), m), 0);
  const d = sums.at(slice(0, count));
  return v.dtype === 'bool' ? cast(d, 'bool') : d;
}

/** numpy's `linspace(start, stop, num, endpoint = true)`, symbolic in start and stop. */
export function linspace(start: TensorLike, stop: TensorLike, num = 50, { endpoint = true, dtype }: { endpoint?: boolean; dtype?: DType } = {}): TensorVariable {
  if (!Number.isInteger(num) || num < 0) throw new ValueError(`linspace: num must be a non-negative integer, got ${num}`);
  const a = asTensorVariable(start, 'float64');
  const b = asTensorVariable(stop, 'float64');
  const d = dtype ?? (a.dtype === 'float32' && b.dtype === 'float32' ? 'float32' : 'float64');
  const steps = endpoint ? Math.max(num - 1, 1) : Math.max(num, 1);
  const i = arange(num, undefined, undefined, d);
  const out = add(cast(a, d), mul(i, trueDiv(sub(cast(b, d), cast(a, d)), steps)));
  // numpy returns exactly `stop` as the last value of an endpoint linspace.
  return endpoint && num > 1 ? setLast(out, cast(b, d), num) : out;
}

function setLast(x: TensorVariable, v: TensorVariable, num: number): TensorVariable {
  return setSubtensor(x.at(num - 1), v);
}
