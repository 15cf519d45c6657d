/**
 * Running sums and products along an axis (numpy's cumsum/cumprod, Theano's
 * CumOp). With no axis the input is flattened first, as numpy. Integer
 * inputs accumulate in 64 bits (bool and signed ints to int64, unsigned to
 * uint64), floats in their own dtype.
 */
import { Apply } from '../graph/apply.js';
import type { InputGradient } from '../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { ShapeError } from '../errors.js';
import { storeConverter, sumDtype } from '../ndarray/dtype.js';
import type { NDArray } from '../ndarray/ndarray.js';
import * as scalar from '../scalar/ops.js';
import { asTensorVariable, type TensorLike } from './asTensor.js';
import { mul, trueDiv } from './math.js';
import { normalizeAxes } from './reduce.js';
import { flatten } from './reshape.js';
import { at } from './subtensor.js';
import { TensorType } from './type.js';
import { TensorVariable } from './variable.js';

export type CumulativeMode = 'add' | 'mul';

export class CumOp extends Op {
  override readonly props = ['axis', 'mode'];
  readonly axis: number;
  readonly mode: CumulativeMode;

  constructor(axis: number, mode: CumulativeMode) {
    super();
    this.axis = axis;
    this.mode = mode;
  }

  override toString(): string {
    return `Cum${this.mode === 'add' ? 'sum' : 'prod'}{axis=${this.axis}}`;
  }

  override makeNode(x: Variable): Apply<this> {
    if (!(x instanceof TensorVariable)) throw new TypeError(`${this} needs a tensor variable, got ${x}`);
    if (this.axis < 0 || this.axis >= x.ndim) throw new ShapeError(`${this}: axis ${this.axis} is out of range for the ${x.ndim}-d input ${x}`);
    return new Apply(this, [x], [new TensorType(sumDtype(x.dtype), x.type.shape)]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const dtype = (node.outputs[0]!.type as TensorType).dtype;
    // A contiguous copy in the output dtype, then accumulated in place along the axis.
    const out = (inputs[0] as NDArray).astype(dtype);
    const fn = (this.mode === 'add' ? scalar.add : scalar.mul).impl([dtype, dtype], dtype);
    const convert = storeConverter(dtype);
    const length = out.shape[this.axis]!;
    const inner = out.shape.slice(this.axis + 1).reduce((n, d) => n * d, 1);
    const outer = out.shape.slice(0, this.axis).reduce((n, d) => n * d, 1);
    const data = out.data;
    for (let o = 0; o < outer; o++) {
      const base = o * length * inner;
      for (let k = 1; k < length; k++) {
        const row = base + k * inner;
        for (let j = 0; j < inner; j++) data[row + j] = convert(fn(data[row - inner + j]!, data[row + j]!));
      }
    }
    outputs[0]!.value = out;
  }

  override inferShape(_node: Apply, inputShapes: readonly SymbolicShape[]): SymbolicShape[] {
    return [inputShapes[0]!];
  }

  /**
   * cumsum: each input reaches every later output, so its gradient is the
   * reversed cumsum of the reversed gz. cumprod: the same of gz * out,
   * divided by x — valid for non-zero inputs only (a zero input gives
   * inf/NaN, as Theano's CumOp).
   */
  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const x = node.inputs[0] as TensorVariable;
    const out = node.outputs[0] as TensorVariable;
    const g = gz as TensorVariable;
    const reverse = (v: TensorVariable) => at(v, ...Array<string>(this.axis).fill(':'), '::-1');
    const tailSum = (v: TensorVariable) => reverse(new CumOp(this.axis, 'add').apply1(reverse(v)) as TensorVariable);
    if (this.mode === 'add') return [tailSum(g)];
    return [trueDiv(tailSum(mul(g, out)), x)];
  }

  /** cumsum is linear: its R-operator is the cumsum of the change. */
  override rOp(_node: Apply, [v]: readonly (Variable | null)[]): (Variable | null)[] {
    if (v === null || v === undefined) return [null];
    if (this.mode !== 'add') throw new TypeError(`${this} has no R-operator`);
    return [this.apply1(v)];
  }
}

function cumulative(x: TensorLike, axis: number | null | undefined, mode: CumulativeMode, what: string): TensorVariable {
  let v = asTensorVariable(x);
  if (axis === null || axis === undefined) {
    v = flatten(v);
    axis = 0;
  }
  if (typeof axis !== 'number') throw new TypeError(`${what}: axis must be an integer or null, got ${JSON.stringify(axis)}`);
  const [a] = normalizeAxes(axis, v.ndim, what);
  return new CumOp(a!, mode).apply1(v) as TensorVariable;
}

/** Running sum along `axis` (of the flattened input when null/undefined, as numpy). Theano's `T.cumsum`. */
export function cumsum(x: TensorLike, axis?: number | null): TensorVariable {
  return cumulative(x, axis, 'add', 'cumsum');
}

/** Running product along `axis` (of the flattened input when null/undefined). Theano's `T.cumprod`. */
export function cumprod(x: TensorLike, axis?: number | null): TensorVariable {
  return cumulative(x, axis, 'mul', 'cumprod');
}
