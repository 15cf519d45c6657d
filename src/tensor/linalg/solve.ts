/** Solve (Theano's `solve`, numpy's `linalg.solve`): x with A x = b, b a vector or a matrix, by LU with partial pivoting. */
import { Apply } from '../../graph/apply.js';
import type { InputGradient } from '../../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../../graph/op.js';
import type { Variable } from '../../graph/variable.js';
import { ShapeError } from '../../errors.js';
import { shapeToString, type NDArray } from '../../ndarray/ndarray.js';
import type { TensorLike } from '../asTensor.js';
import { dimshuffle } from '../dimshuffle.js';
import { dot } from '../dot.js';
import { neg } from '../math.js';
import { nodeError } from '../runtime.js';
import { TensorType } from '../type.js';
import { TensorVariable } from '../variable.js';
import { LinAlgError } from './errors.js';
import { luFactor, luSolve } from './lu.js';
import { asFloatMatrixInput, checkMatrix, checkMatrixValue, fromFloat64, linalgDtype, outDtype, toFloat64 } from './matrix.js';

export class Solve extends Op {
  override makeNode(a: Variable, b: Variable): Apply<this> {
    const x = checkMatrix('solve', a, true);
    if (!(b instanceof TensorVariable) || b.ndim < 1 || b.ndim > 2) throw new ShapeError(`solve: b must be a vector or a matrix, got ${b} (${(b as TensorVariable).type})`);
    const n = x.type.shape[0] ?? x.type.shape[1] ?? null;
    const bn = b.type.shape[0];
    if (n !== null && bn !== null && bn !== n) {
      throw new ShapeError(`solve: a of static shape ${x.type.shapeString()} and b of static shape ${b.type.shapeString()} do not fit (${n} vs ${bn} rows)`);
    }
    const shape = b.ndim === 1 ? [n ?? bn ?? null] : [n ?? bn ?? null, b.type.shape[1] ?? null];
    return new Apply(this, [x, b], [new TensorType(linalgDtype(x.dtype, b.dtype), shape)]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const [a, b] = inputs as [NDArray, NDArray];
    const [n] = checkMatrixValue(node, a, true);
    if (b.shape[0] !== n) throw nodeError(node, `a of shape ${shapeToString(a.shape)} and b of shape ${shapeToString(b.shape)} do not fit (${n} vs ${b.shape[0]} rows)`);
    const m = b.ndim === 2 ? b.shape[1]! : 1;
    const f = luFactor(toFloat64(a), n);
    if (f.singular) throw nodeError(node, `matrix is singular (a of shape ${shapeToString(a.shape)})`, LinAlgError);
    outputs[0]!.value = fromFloat64(luSolve(f, toFloat64(b), m), outDtype(node), b.shape);
  }

  override inferShape(_node: Apply, [, sb]: readonly SymbolicShape[]): SymbolicShape[] {
    return [[...sb!]];
  }

  /** x = A⁻¹b: b̄ = A⁻ᵀ g, Ā = -b̄ xᵀ. */
  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const [a] = node.inputs as [TensorVariable, TensorVariable];
    const x = node.outputs[0] as TensorVariable;
    const gb = solve(a.T, gz as TensorVariable);
    const ga = x.ndim === 1 ? neg(dot(dimshuffle(gb, [0, 'x']), dimshuffle(x, ['x', 0]))) : neg(dot(gb, x.T));
    return [ga, gb];
  }

  /** dx = A⁻¹(db - dA x). */
  override rOp(node: Apply, [ea, eb]: readonly (Variable | null)[]): (Variable | null)[] {
    if (!ea && !eb) return [null];
    const a = node.inputs[0] as TensorVariable;
    const x = node.outputs[0] as TensorVariable;
    const parts: TensorVariable[] = [];
    if (eb) parts.push(eb as TensorVariable);
    if (ea) parts.push(neg(dot(ea as TensorVariable, x)));
    const rhs = parts.length === 1 ? parts[0]! : parts[0]!.add(parts[1]!);
    return [solve(a, rhs)];
  }
}

const solveOp = new Solve();

/** x with a x = b (Theano's `solve`, numpy's `linalg.solve`); throws LinAlgError "matrix is singular" at run time. */
export function solve(a: TensorLike, b: TensorLike): TensorVariable {
  return solveOp.apply1(asFloatMatrixInput(a), asFloatMatrixInput(b)) as TensorVariable;
}
