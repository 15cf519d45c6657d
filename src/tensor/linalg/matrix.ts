/**
 * What the linear-algebra ops share: the dtype rule (float32 stays float32,
 * everything else computes and stores float64), build-time rank and
 * square-ness checks on static shapes, and moving matrices between NDArrays
 * and row-major Float64Arrays, the form every kernel here works on.
 * Only 2-d matrices (1-d right-hand sides for solve): no batched axes.
 */
import type { Apply } from '../../graph/apply.js';
import type { Variable } from '../../graph/variable.js';
import { ShapeError } from '../../errors.js';
import { storeConverter, type DType } from '../../ndarray/dtype.js';
import { NDArray, shapeToString } from '../../ndarray/ndarray.js';
import { asTensorVariable, type TensorLike } from '../asTensor.js';
import { cast } from '../math.js';
import { nodeError } from '../runtime.js';
import { LinAlgError } from './errors.js';
import { TensorConstant, TensorVariable } from '../variable.js';
import { elemwiseOf } from '../elemwise.js';
import { DimShuffle } from '../dimshuffle.js';
import * as scalar from '../../scalar/ops.js';

/** The dtype results are stored in: float32 when every input is float32, float64 otherwise. */
export function linalgDtype(...dtypes: DType[]): 'float32' | 'float64' {
  return dtypes.every((d) => d === 'float32') ? 'float32' : 'float64';
}

/** `x` as a float tensor of its linalg dtype (ints and bools become float64). */
export function asFloatMatrixInput(x: TensorLike | Variable): TensorVariable {
  const v = asTensorVariable(x as TensorLike);
  const d = linalgDtype(v.dtype);
  return v.dtype === d ? v : cast(v, d);
}

/** Checks at graph build that `x` is a matrix (and square when asked), from its static shape. */
export function checkMatrix(what: string, x: Variable, square: boolean): TensorVariable {
  if (!(x instanceof TensorVariable)) throw new TypeError(`${what} needs a tensor, got ${x}`);
  if (x.ndim !== 2) throw new ShapeError(`${what} needs a 2-d matrix (batched matrices are not supported), got ${x.ndim}-d ${x} (${x.type})`);
  const [n, m] = x.type.shape;
  if (square && n !== null && m !== null && n !== m) throw new ShapeError(`${what} needs a square matrix, got ${x} of static shape ${x.type.shapeString()}`);
  return x;
}

/** Checks at run time that a value is a matrix (square when asked); the error names the node's op and the shape. */
export function checkMatrixValue(node: Apply, a: NDArray, square: boolean): [number, number] {
  if (a.ndim !== 2) throw nodeError(node, `needs a 2-d matrix, got shape ${shapeToString(a.shape)}`);
  const [n, m] = a.shape as [number, number];
  if (square && n !== m) throw nodeError(node, `needs a square matrix, got shape ${shapeToString(a.shape)}`);
  return [n, m];
}

/** The elements of `a` in row-major order as doubles (a copy the kernels may overwrite). */
export function toFloat64(a: NDArray): Float64Array {
  const flat = a.flatData();
  const out = new Float64Array(flat.length);
  for (let i = 0; i < flat.length; i++) out[i] = Number(flat[i]);
  return out;
}

/** A new array of `dtype` and `shape` holding the row-major doubles `values`. */
export function fromFloat64(values: Float64Array, dtype: DType, shape: readonly number[]): NDArray {
  const out = NDArray.empty(dtype, shape);
  const convert = storeConverter(dtype);
  for (let i = 0; i < values.length; i++) out.data[i] = convert(values[i]!);
  return out;
}

/** The output dtype of a node's output `i`. */
export function outDtype(node: Apply, i = 0): DType {
  return (node.outputs[i]!.type as unknown as { dtype: DType }).dtype;
}

/**
 * True when `g`, the gradient an op's rule receives for its output `o`, is
 * the zeros the gradient walk fills in for an output the cost does not reach
 * (`fill(o, 0)`): rules of multi-output ops then skip terms that would only
 * add 0 — or 0 · inf, where the term divides by something that may be zero.
 */
export function isUnreachedGradient(g: Variable, o: Variable): boolean {
  const owner = g.owner;
  if (owner === null || owner.inputs[0] !== o || !owner.op.equals(elemwiseOf(scalar.second))) return false;
  // The 0 may come broadcast to the output's rank (a DimShuffle of the constant).
  let value = owner.inputs[1]!;
  while (value.owner !== null && value.owner.op instanceof DimShuffle) value = value.owner.inputs[0]!;
  return value instanceof TensorConstant && value.data.flatData().every((v) => Number(v) === 0);
}

/** Throws a LinAlgError naming the node when a matrix holds inf or NaN (iterative kernels reject them up front). */
export function checkFinite(node: Apply, values: Float64Array, shape: readonly number[]): Float64Array {
  if (!values.every(Number.isFinite)) throw nodeError(node, `matrix holds inf or NaN (shape ${shapeToString(shape)})`, LinAlgError);
  return values;
}
