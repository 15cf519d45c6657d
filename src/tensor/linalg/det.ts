/**
 * Det (Theano's `det`, numpy's `linalg.det`) and SLogDet (numpy's
 * `linalg.slogdet`: the sign and the log of the absolute value, which do not
 * overflow), both from the pivots of an LU factorisation. A singular matrix
 * has det 0, sign 0 and logabsdet -Infinity, as in numpy.
 */
import { Apply } from '../../graph/apply.js';
import type { InputGradient } from '../../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../../graph/op.js';
import type { Variable } from '../../graph/variable.js';
import type { NDArray } from '../../ndarray/ndarray.js';
import type { TensorLike } from '../asTensor.js';
import { mul } from '../math.js';
import { TensorType } from '../type.js';
import type { TensorVariable } from '../variable.js';
import { matrixInverse } from './inverse.js';
import { luFactor } from './lu.js';
import { asFloatMatrixInput, checkMatrix, checkMatrixValue, fromFloat64, outDtype, toFloat64 } from './matrix.js';

/** The sign and log|det| of the n×n matrix `a` (sign 0, -Infinity when singular). */
function signLogDet(a: NDArray, n: number): [number, number] {
  const f = luFactor(toFloat64(a), n);
  if (f.singular) return [0, -Infinity];
  let sign = f.parity;
  let log = 0;
  for (let i = 0; i < n; i++) {
    const d = f.lu[i * n + i]!;
    if (d < 0) sign = -sign;
    log += Math.log(Math.abs(d));
  }
  return [sign, log];
}

export class Det extends Op {
  override makeNode(a: Variable): Apply<this> {
    const x = checkMatrix('det', a, true);
    return new Apply(this, [x], [new TensorType(x.dtype, [])]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const a = inputs[0] as NDArray;
    const [n] = checkMatrixValue(node, a, true);
    // The product of the pivots directly (not exp of the log) keeps det exact for small integer matrices.
    const f = luFactor(toFloat64(a), n);
    let det = f.singular ? 0 : f.parity;
    for (let i = 0; i < n && det !== 0; i++) det *= f.lu[i * n + i]!;
    outputs[0]!.value = fromFloat64(Float64Array.of(det), outDtype(node), []);
  }

  override inferShape(): SymbolicShape[] {
    return [[]];
  }

  /** d det = det · tr(A⁻¹ dA), so Ā = g · det · A⁻ᵀ (A must be invertible). */
  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const a = node.inputs[0] as TensorVariable;
    return [mul(mul(gz as TensorVariable, node.outputs[0] as TensorVariable), matrixInverse(a).T)];
  }
}

export class SLogDet extends Op {
  override makeNode(a: Variable): Apply<this> {
    const x = checkMatrix('slogdet', a, true);
    return new Apply(this, [x], [new TensorType(x.dtype, []), new TensorType(x.dtype, [])]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const a = inputs[0] as NDArray;
    const [n] = checkMatrixValue(node, a, true);
    const [sign, log] = signLogDet(a, n);
    outputs[0]!.value = fromFloat64(Float64Array.of(sign), outDtype(node), []);
    outputs[1]!.value = fromFloat64(Float64Array.of(log), outDtype(node), []);
  }

  override inferShape(): SymbolicShape[] {
    return [[], []];
  }

  /** The sign is piecewise constant (no gradient); d log|det| = tr(A⁻¹ dA), so Ā = g · A⁻ᵀ. */
  override grad(node: Apply, [, glog]: readonly Variable[]): InputGradient[] {
    const a = node.inputs[0] as TensorVariable;
    return [mul(glog as TensorVariable, matrixInverse(a).T)];
  }
}

const detOp = new Det();
const slogdetOp = new SLogDet();

/** The determinant of a square matrix (Theano's `det`); 0 for a singular matrix. */
export function det(a: TensorLike): TensorVariable {
  return detOp.apply1(asFloatMatrixInput(a)) as TensorVariable;
}

/** numpy's `slogdet`: [sign, log|det|]; [0, -Infinity] for a singular matrix. */
export function slogdet(a: TensorLike): [TensorVariable, TensorVariable] {
  const node = slogdetOp.makeNode(asFloatMatrixInput(a));
  return [node.outputs[0] as TensorVariable, node.outputs[1] as TensorVariable];
}
