/**
 * Cholesky (Theano's `cholesky`, numpy's `linalg.cholesky`): the lower
 * triangular L with A = L Lᵀ, reading only the lower triangle of A (as numpy
 * does). A matrix that is not positive definite is a LinAlgError.
 */
import { Apply } from '../../graph/apply.js';
import type { InputGradient } from '../../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../../graph/op.js';
import type { Variable } from '../../graph/variable.js';
import type { NDArray } from '../../ndarray/ndarray.js';
import { diag, diagonal, tril } from '../alloc.js';
import type { TensorLike } from '../asTensor.js';
import { dot } from '../dot.js';
import { add, mul, sub } from '../math.js';
import { nodeError } from '../runtime.js';
import { TensorType } from '../type.js';
import type { TensorVariable } from '../variable.js';
import { LinAlgError } from './errors.js';
import { matrixInverse } from './inverse.js';
import { asFloatMatrixInput, checkMatrix, checkMatrixValue, fromFloat64, outDtype, toFloat64 } from './matrix.js';

/** L from the lower triangle of the n×n row-major `a`, or the index of the first pivot that is not positive. */
export function choleskyFactor(a: Float64Array, n: number): Float64Array | number {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= l[j * n + k]! * l[j * n + k]!;
    if (!(d > 0)) return j;
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= l[i * n + k]! * l[j * n + k]!;
      l[i * n + j] = s / ljj;
    }
  }
  return l;
}

export class Cholesky extends Op {
  override makeNode(a: Variable): Apply<this> {
    const x = checkMatrix('cholesky', a, true);
    const n = x.type.shape[0] ?? x.type.shape[1] ?? null;
    return new Apply(this, [x], [new TensorType(x.dtype, [n, n])]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const a = inputs[0] as NDArray;
    const [n] = checkMatrixValue(node, a, true);
    const l = choleskyFactor(toFloat64(a), n);
    if (typeof l === 'number') throw nodeError(node, `matrix is not positive definite (leading minor ${l + 1} of a ${n}×${n} matrix)`, LinAlgError);
    outputs[0]!.value = fromFloat64(l, outDtype(node), [n, n]);
  }

  override inferShape(_node: Apply, [s]: readonly SymbolicShape[]): SymbolicShape[] {
    return [[s![0]!, s![1]!]];
  }

  /**
   * Murray (2016), as PyTensor's CholeskyGrad: Φ = tril(Lᵀ L̄) with its
   * diagonal halved, S = L⁻ᵀ Φ L⁻¹; as only A's lower triangle is read,
   * Ā = tril(S + Sᵀ) - diag(S).
   */
  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const l = node.outputs[0] as TensorVariable;
    const p = dot(l.T, gz as TensorVariable);
    const phi = sub(tril(p), diag(mul(diagonal(p), 0.5)));
    const linv = matrixInverse(l);
    const s = dot(dot(linv.T, phi), linv);
    return [sub(tril(add(s, s.T)), diag(diagonal(s)))];
  }
}

const choleskyOp = new Cholesky();

/** The lower Cholesky factor L (A = L Lᵀ) of a symmetric positive definite matrix (Theano's `cholesky`). */
export function cholesky(a: TensorLike): TensorVariable {
  return choleskyOp.apply1(asFloatMatrixInput(a)) as TensorVariable;
}
