/** MatrixInverse (Theano's `matrix_inverse`, numpy's `linalg.inv`): by LU with partial pivoting. */
import { Apply } from '../../graph/apply.js';
import type { InputGradient } from '../../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../../graph/op.js';
import type { Variable } from '../../graph/variable.js';
import type { NDArray } from '../../ndarray/ndarray.js';
import type { TensorLike } from '../asTensor.js';
import { dot } from '../dot.js';
import { neg } from '../math.js';
import { nodeError } from '../runtime.js';
import { TensorType } from '../type.js';
import type { TensorVariable } from '../variable.js';
import { LinAlgError } from './errors.js';
import { identity, luFactor, luSolve } from './lu.js';
import { asFloatMatrixInput, checkMatrix, checkMatrixValue, fromFloat64, outDtype, toFloat64 } from './matrix.js';

export class MatrixInverse extends Op {
  override makeNode(a: Variable): Apply<this> {
    const x = checkMatrix('matrixInverse', a, true);
    const n = x.type.shape[0] ?? x.type.shape[1] ?? null;
    return new Apply(this, [x], [new TensorType(x.dtype, [n, n])]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const a = inputs[0] as NDArray;
    const [n] = checkMatrixValue(node, a, true);
    const f = luFactor(toFloat64(a), n);
    if (f.singular) throw nodeError(node, `matrix is singular (shape ${n}×${n})`, LinAlgError);
    outputs[0]!.value = fromFloat64(luSolve(f, identity(n), n), outDtype(node), [n, n]);
  }

  override inferShape(_node: Apply, [s]: readonly SymbolicShape[]): SymbolicShape[] {
    return [[s![0]!, s![1]!]];
  }

  /** d(A⁻¹) = -A⁻¹ dA A⁻¹, so Ā = -A⁻ᵀ G A⁻ᵀ. */
  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const inv = node.outputs[0] as TensorVariable;
    return [neg(dot(dot(inv.T, gz as TensorVariable), inv.T))];
  }

  override rOp(node: Apply, [ea]: readonly (Variable | null)[]): (Variable | null)[] {
    const inv = node.outputs[0] as TensorVariable;
    return [ea ? neg(dot(dot(inv, ea as TensorVariable), inv)) : null];
  }
}

const inverseOp = new MatrixInverse();

/** The inverse of a square matrix (Theano's `matrix_inverse`); throws LinAlgError "matrix is singular" at run time. */
export function matrixInverse(a: TensorLike): TensorVariable {
  return inverseOp.apply1(asFloatMatrixInput(a)) as TensorVariable;
}
