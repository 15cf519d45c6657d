/**
 * Dot: numpy's `dot` for vector and matrix operands — vector·vector (a
 * scalar), matrix·vector, vector·matrix and matrix·matrix. `dot()` sends
 * other ranks to tensordot (products.ts); the BLAS-style ops are in blas.ts.
 */
import { productInto } from './matvec.js';
import { Apply } from '../graph/apply.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { NDArray, shapeToString } from '../ndarray/ndarray.js';
import { resultType, storeConverter, type DType } from '../ndarray/dtype.js';
import { ShapeError } from '../errors.js';
import { TensorType } from './type.js';
import { TensorVariable } from './variable.js';
import { asTensorVariables, type TensorLike } from './asTensor.js';
import { nodeError, reuseOrAllocate } from './runtime.js';
import type { InputGradient } from '../graph/gradientTerms.js';
import { dimshuffle } from './dimshuffle.js';
import { add, mul } from './math.js';
import { dotNd } from './products.js';

export class Dot extends Op {
  override makeNode(a: Variable, b: Variable): Apply<this> {
    for (const v of [a, b]) {
      if (!(v instanceof TensorVariable)) throw new TypeError(`dot needs tensor variables, got ${v}`);
      if (v.ndim < 1 || v.ndim > 2) {
        throw new ShapeError(`dot takes vectors and matrices (1-d or 2-d); ${v} is ${v.ndim}-d`);
      }
    }
    const x = a as TensorVariable;
    const y = b as TensorVariable;
    const inner = [x.type.shape[x.ndim - 1], y.type.shape[0]];
    if (inner[0] !== null && inner[1] !== null && inner[0] !== inner[1]) {
      throw new ShapeError(`dot: inner dimensions of ${x} ${x.type.shapeString()} and ${y} ${y.type.shapeString()} differ (${inner[0]} vs ${inner[1]})`);
    }
    const shape = [...x.type.shape.slice(0, -1), ...y.type.shape.slice(1)];
    return new Apply(this, [x, y], [new TensorType(resultType(x.dtype, y.dtype), shape)]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const [a, b] = inputs as [NDArray, NDArray];
    const k = a.shape[a.ndim - 1]!;
    if (b.shape[0] !== k) {
      throw nodeError(node, `shapes ${shapeToString(a.shape)} and ${shapeToString(b.shape)} are not aligned: ${k} (axis ${a.ndim - 1}) != ${b.shape[0]} (axis 0)`);
    }
    const dtype = (node.outputs[0]!.type as TensorType).dtype;
    const m = a.ndim === 2 ? a.shape[0]! : 1;
    const n = b.ndim === 2 ? b.shape[1]! : 1;
    const out = reuseOrAllocate(outputs[0]!, dtype, [...a.shape.slice(0, -1), ...b.shape.slice(1)]);
    matmulInto(out.data, a.ndim === 2 ? a : a.reshape([1, k]), b.ndim === 2 ? b : b.reshape([k, 1]), m, k, n, dtype);
    outputs[0]!.value = out;
  }

  /** d(x·y): g·yᵀ and xᵀ·g, with vectors treated as the row or column they stand for. */
  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const [x, y] = node.inputs as [TensorVariable, TensorVariable];
    const g = gz as TensorVariable;
    const col = (v: TensorVariable) => dimshuffle(v, [0, 'x']);
    const row = (v: TensorVariable) => dimshuffle(v, ['x', 0]);
    if (x.ndim === 1 && y.ndim === 1) return [mul(g, y), mul(g, x)];
    if (x.ndim === 2 && y.ndim === 1) return [dot(col(g), row(y)), dot(x.T, g)];
    if (x.ndim === 1 && y.ndim === 2) return [dot(y, g), dot(col(x), row(g))];
    return [dot(g, y.T), dot(x.T, g)];
  }

  /** d(x·y) = dx·y + x·dy. */
  override rOp(node: Apply, [vx, vy]: readonly (Variable | null)[]): (Variable | null)[] {
    const [x, y] = node.inputs as [TensorVariable, TensorVariable];
    const terms = [vx ? dot(vx as TensorVariable, y) : null, vy ? dot(x, vy as TensorVariable) : null].filter((t) => t !== null);
    return [terms.length === 0 ? null : terms.length === 1 ? terms[0]! : add(terms[0]!, terms[1]!)];
  }

  override inferShape(_node: Apply, [a, b]: readonly SymbolicShape[]): SymbolicShape[] {
    return [[...a!.slice(0, -1), ...b!.slice(1)]];
  }
}

/**
 * out (m×n, row-major) = a (m×k) @ b (k×n), reading the operands through
 * their strides (a transposed operand, as gradients are full of, costs no
 * copy): the shared product of matvec.ts, stored as `dtype`.
 */
export function matmulInto(out: NDArray['data'], a: NDArray, b: NDArray, m: number, k: number, n: number, dtype: DType): void {
  const sums = productInto(out, a, b, m, k, n, dtype);
  if (sums === out) return;
  const convert = storeConverter(dtype);
  for (let t = 0; t < m * n; t++) out[t] = convert(sums[t]!);
}

const dotOp = new Dot();

/** numpy's `dot` (Theano's `T.dot`): the Dot op for vectors and matrices; other ranks through tensordot (products.ts). */
export function dot(a: TensorLike, b: TensorLike): TensorVariable {
  const [x, y] = asTensorVariables([a, b]);
  if (x!.ndim === 0 || y!.ndim === 0 || x!.ndim > 2 || y!.ndim > 2) return dotNd(x!, y!);
  return dotOp.apply1(x!, y!) as TensorVariable;
}
