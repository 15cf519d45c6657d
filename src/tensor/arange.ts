/**
 * ARange: numpy's `arange` as a graph op, with symbolic bounds — the values
 * start, start + step, ... below stop (above it for negative steps).
 */
import { Apply } from '../graph/apply.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { disconnected, type InputGradient } from '../graph/gradientTerms.js';
import { arange as arangeValues } from '../ndarray/create.js';
import type { NDArray } from '../ndarray/ndarray.js';
import { isDType, isFloat, resultType, DTYPES, type DType } from '../ndarray/dtype.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { TensorType } from './type.js';
import { TensorVariable } from './variable.js';
import { asTensorVariable, type TensorLike } from './asTensor.js';
import { cast, ceil, maximum, sub, trueDiv } from './math.js';
import { nodeError } from './runtime.js';

export class ARange extends Op {
  override readonly props = ['dtype'];
  readonly dtype: DType;

  constructor(dtype: DType) {
    super();
    this.dtype = dtype;
  }

  override toString(): string {
    return `ARange{${this.dtype}}`;
  }

  override makeNode(start: Variable, stop: Variable, step: Variable): Apply<this> {
    for (const [name, v] of [['start', start], ['stop', stop], ['step', step]] as const) {
      if (!(v instanceof TensorVariable) || v.ndim !== 0) throw new ShapeError(`arange: ${name} must be a scalar, got ${v} (${v.type})`);
    }
    return new Apply(this, [start, stop, step], [new TensorType(this.dtype, [null])]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const [start, stop, step] = (inputs as NDArray[]).map(Number) as [number, number, number];
    try {
      outputs[0]!.value = arangeValues(start, stop, step, this.dtype);
    } catch (e) {
      if (e instanceof ValueError) throw nodeError(node, e.message, ValueError);
      throw e;
    }
  }

  override inferShape(node: Apply): SymbolicShape[] {
    const [start, stop, step] = node.inputs as TensorVariable[];
    // max(0, ceil((stop - start) / step)), as an int64 length.
    return [[cast(maximum(ceil(trueDiv(sub(stop!, start!), step!)), 0), 'int64')]];
  }

  override grad(): InputGradient[] {
    // The values move with the bounds only in steps: no gradient flows to them.
    return [disconnected, disconnected, disconnected];
  }
}

/**
 * Evenly spaced values in [start, stop) with symbolic or constant bounds
 * (numpy's `arange`): `arange(n)`, `arange(1, n)`, `arange(0, 1, 0.1)`.
 * The dtype is int64 for integer bounds, the promoted float otherwise.
 */
export function arange(start: TensorLike, stop?: TensorLike, step: TensorLike = 1, dtype?: DType): TensorVariable {
  if (stop === undefined) [start, stop] = [0, start];
  const bounds = [start, stop, step].map((b) => asTensorVariable(b));
  if (dtype !== undefined && !isDType(dtype)) throw new DTypeError(`arange: unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(', ')}`);
  const promoted = resultType(...bounds.map((b) => b.dtype));
  const d = dtype ?? (isFloat(promoted) ? promoted : 'int64');
  return new ARange(d).apply1(...bounds) as TensorVariable;
}
