/**
 * Products beyond vectors and matrices, with numpy's rank rules:
 * - BatchedDot (Theano's `batched_dot`): one matrix product per entry of a
 *   leading batch axis, (B, n, k) @ (B, k, m) → (B, n, m), vectors allowed
 *   in place of matrices;
 * - `tensordot(a, b, axes)`: sums over pairs of axes, as a transpose, a
 *   reshape to matrices, one Dot and a reshape back;
 * - `matmul(a, b)` (numpy's `@`): batch axes broadcast, vectors promoted;
 * - `outer(a, b)` and `dotNd(a, b)` (numpy's `dot` for any ranks, which `T.dot` uses).
 * Their gradients come from the ops they are made of (BatchedDot has its own).
 */
import { Apply } from '../graph/apply.js';
import type { InputGradient } from '../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { ShapeError } from '../errors.js';
import { resultType } from '../ndarray/dtype.js';
import { NDArray, shapeToString } from '../ndarray/ndarray.js';
import { asTensorVariable, asTensorVariables, constant, type TensorLike } from './asTensor.js';
import { alloc } from './alloc.js';
import { Dot, matmulInto } from './dot.js';
import { cast, maximum, mul } from './math.js';
import { reshape } from './reshape.js';
import { nodeError } from './runtime.js';
import { shapeI } from './shape.js';
import { TensorType } from './type.js';
import { TensorVariable } from './variable.js';

/** (B, n, k) @ (B, k, m) → (B, n, m): a matrix product per batch entry. */
export class BatchedDot extends Op {
  override makeNode(a: Variable, b: Variable): Apply<this> {
    for (const v of [a, b]) {
      if (!(v instanceof TensorVariable) || v.ndim !== 3) throw new ShapeError(`BatchedDot takes two 3-d tensors, got ${v} (${v.type})`);
    }
    const [x, y] = [a as TensorVariable, b as TensorVariable];
    const check = (what: string, p: number | null, q: number | null) => {
      if (p !== null && q !== null && p !== q) throw new ShapeError(`batchedDot: ${what} of ${x.type.shapeString()} and ${y.type.shapeString()} differ (${p} vs ${q})`);
    };
    check('batch lengths', x.type.shape[0]!, y.type.shape[0]!);
    check('inner lengths', x.type.shape[2]!, y.type.shape[1]!);
    const batch = x.type.shape[0] ?? y.type.shape[0]!;
    return new Apply(this, [x, y], [new TensorType(resultType(x.dtype, y.dtype), [batch, x.type.shape[1]!, y.type.shape[2]!])]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const [a, b] = inputs as [NDArray, NDArray];
    const [B, n, k] = a.shape as [number, number, number];
    const m = b.shape[2]!;
    if (b.shape[0] !== B || b.shape[1] !== k) throw nodeError(node, `shapes ${shapeToString(a.shape)} and ${shapeToString(b.shape)} do not make a batched product`);
    const dtype = (node.outputs[0]!.type as TensorType).dtype;
    const out = NDArray.empty(dtype, [B, n, m]);
    const at = (x: NDArray, i: number) => new NDArray(x.data, x.dtype, x.shape.slice(1), x.strides.slice(1), x.offset + i * x.strides[0]!);
    for (let i = 0; i < B; i++) {
      const slab = out.data.subarray(i * n * m, (i + 1) * n * m) as NDArray['data'];
      matmulInto(slab, at(a, i), at(b, i), n, k, m, dtype);
    }
    outputs[0]!.value = out;
  }

  override inferShape(_node: Apply, [a, b]: readonly SymbolicShape[]): SymbolicShape[] {
    return [[a![0]!, a![1]!, b![2]!]];
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const [a, b] = node.inputs as [TensorVariable, TensorVariable];
    const g = gz as TensorVariable;
    const t = (v: TensorVariable) => v.dimshuffle(0, 2, 1);
    return [batchedDot3(g, t(b)), batchedDot3(t(a), g)];
  }
}

const batchedDotOp = new BatchedDot();
const batchedDot3 = (a: TensorVariable, b: TensorVariable) => batchedDotOp.makeNode(a, b).outputs[0] as TensorVariable;

/** Theano's `batched_dot`: per batch entry, matrix·matrix, matrix·vector, vector·matrix or vector·vector. */
export function batchedDot(a: TensorLike, b: TensorLike): TensorVariable {
  const [x, y] = asTensorVariables([a, b]) as [TensorVariable, TensorVariable];
  if (x.ndim < 2 || x.ndim > 3 || y.ndim < 2 || y.ndim > 3) throw new ShapeError(`batchedDot takes 2-d or 3-d tensors (a batch of vectors or matrices), got ${x.ndim}-d and ${y.ndim}-d`);
  const x3 = x.ndim === 3 ? x : x.dimshuffle(0, 'x', 1);
  const y3 = y.ndim === 3 ? y : y.dimshuffle(0, 1, 'x');
  let r = batchedDot3(x3, y3);
  if (y.ndim === 2) r = r.dimshuffle(0, 1);
  if (x.ndim === 2) r = r.dimshuffle(...(y.ndim === 2 ? [0] : [0, 2]));
  return r;
}

const product = (dims: readonly TensorVariable[]) => dims.reduce((p, d) => mul(p, d), constant(1, null, 'int64'));

/** numpy's `tensordot`: `axes` = n (the last n of a with the first n of b) or [axes of a, axes of b]. */
export function tensordot(a: TensorLike, b: TensorLike, axes: number | readonly [readonly number[], readonly number[]] = 2): TensorVariable {
  const [x, y] = asTensorVariables([a, b]) as [TensorVariable, TensorVariable];
  let [ax, bx]: [number[], number[]] =
    typeof axes === 'number'
      ? [Array.from({ length: axes }, (_, i) => x.ndim - axes + i), Array.from({ length: axes }, (_, i) => i)]
      : [[...axes[0]], [...axes[1]]];
  if (typeof axes === 'number' && (!Number.isInteger(axes) || axes < 0 || axes > Math.min(x.ndim, y.ndim))) {
    throw new ShapeError(`tensordot: axes must be between 0 and ${Math.min(x.ndim, y.ndim)} for ${x.ndim}-d and ${y.ndim}-d operands, got ${axes}`);
  }
  const norm = (list: number[], nd: number, who: string) =>
    list.map((v) => {
      const w = v < 0 ? v + nd : v;
      if (!Number.isInteger(w) || w < 0 || w >= nd) throw new ShapeError(`tensordot: axis ${v} is out of range for the ${nd}-d ${who}`);
      return w;
    });
  ax = norm(ax, x.ndim, 'first operand');
  bx = norm(bx, y.ndim, 'second operand');
  if (ax.length !== bx.length) throw new ShapeError(`tensordot: ${ax.length} axes of the first operand against ${bx.length} of the second`);
  if (new Set(ax).size !== ax.length || new Set(bx).size !== bx.length) throw new ShapeError('tensordot: an axis is repeated');
  ax.forEach((p, i) => {
    const [s, t] = [x.type.shape[p], y.type.shape[bx[i]!]];
    if (s !== null && t !== null && s !== t) throw new ShapeError(`tensordot: axis ${p} of the first operand (${s}) and axis ${bx[i]} of the second (${t}) differ`);
  });
  const freeA = [...Array(x.ndim).keys()].filter((p) => !ax.includes(p));
  const freeB = [...Array(y.ndim).keys()].filter((p) => !bx.includes(p));
  const lenA = (p: number) => shapeI(x, p);
  const lenB = (p: number) => shapeI(y, p);
  // a as (free, summed), b as (summed, free): one matrix product.
  const A = reshape(x.dimshuffle(...freeA, ...ax), [product(freeA.map(lenA)), product(ax.map(lenA))]);
  const B = reshape(y.dimshuffle(...bx, ...freeB), [product(bx.map(lenB)), product(freeB.map(lenB))]);
  const C = new Dot().makeNode(A, B).outputs[0] as TensorVariable;
  return reshape(C, [...freeA.map(lenA), ...freeB.map(lenB)]);
}

/** numpy's `dot` for any ranks: a scalar multiplies; otherwise the last axis of a with the second-to-last of b (the only one of a vector). */
export function dotNd(a: TensorLike, b: TensorLike): TensorVariable {
  const [x, y] = asTensorVariables([a, b]) as [TensorVariable, TensorVariable];
  if (x.ndim === 0 || y.ndim === 0) return mul(x, y);
  if (x.ndim <= 2 && y.ndim <= 2) return new Dot().makeNode(x, y).outputs[0] as TensorVariable;
  return tensordot(x, y, [[x.ndim - 1], [y.ndim === 1 ? 0 : y.ndim - 2]]);
}

/** numpy's `matmul` (`@`): vectors promoted to matrices and back; batch axes broadcast. */
export function matmul(a: TensorLike, b: TensorLike): TensorVariable {
  const [x, y] = asTensorVariables([a, b]) as [TensorVariable, TensorVariable];
  if (x.ndim === 0 || y.ndim === 0) throw new ShapeError(`matmul: operands must be at least 1-d (use mul for scalars), got ${x.ndim}-d and ${y.ndim}-d`);
  if (x.ndim <= 2 && y.ndim <= 2) return new Dot().makeNode(x, y).outputs[0] as TensorVariable;
  const x2 = x.ndim === 1 ? x.dimshuffle('x', 0) : x;
  const y2 = y.ndim === 1 ? y.dimshuffle(0, 'x') : y;
  // Batch axes: right-aligned, broadcast (length 1 stretches) to their common lengths.
  const nb = Math.max(x2.ndim, y2.ndim) - 2;
  const batchOf = (v: TensorVariable) => Array.from({ length: nb }, (_, i) => {
    const ax = v.ndim - 2 - nb + i;
    return ax >= 0 ? shapeI(v, ax) : constant(1, null, 'int64');
  });
  const [bx, by] = [batchOf(x2), batchOf(y2)];
  x2.type.shape.slice(0, -2).forEach((d, i) => {
    const e = y2.type.shape[y2.ndim - 2 - (x2.ndim - 2) + i];
    if (d !== null && e !== null && e !== undefined && d !== 1 && e !== 1 && d !== e) throw new ShapeError(`matmul: batch axes of ${x2.type.shapeString()} and ${y2.type.shapeString()} do not broadcast`);
  });
  const batch = bx.map((d, i) => maximum(d, by[i]!));
  const n = shapeI(x2, x2.ndim - 2);
  const k = shapeI(x2, x2.ndim - 1);
  const m = shapeI(y2, y2.ndim - 1);
  const flat = product(batch);
  const X = reshape(alloc(x2, ...batch, n, k), [flat, n, k]);
  const Y = reshape(alloc(y2, ...batch, shapeI(y2, y2.ndim - 2), m), [flat, shapeI(y2, y2.ndim - 2), m]);
  let r = reshape(batchedDot3(cast(X, resultType(x.dtype, y.dtype)), cast(Y, resultType(x.dtype, y.dtype))), [...batch, n, m]);
  // Drop the axes that stood for promoted vectors.
  if (x.ndim === 1) r = r.dimshuffle(...[...Array(nb).keys()], nb + 1);
  else if (y.ndim === 1) r = r.dimshuffle(...[...Array(nb).keys()], nb);
  return r;
}

/** numpy's `outer`: every product of an entry of a with an entry of b (inputs flattened). */
export function outer(a: TensorLike, b: TensorLike): TensorVariable {
  const x = asTensorVariable(a);
  const y = asTensorVariable(b);
  const fx = x.ndim === 1 ? x : reshape(x, [-1]);
  const fy = y.ndim === 1 ? y : reshape(y, [-1]);
  return mul(fx.dimshuffle(0, 'x'), fy.dimshuffle('x', 0));
}
