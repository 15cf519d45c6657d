/**
 * MaxAbs: the largest |x| of a vector or matrix, over all entries or along
 * one axis — the reduction under the ∞-norms (and, of column or row sums,
 * the matrix 1- and ∞-norms). Its gradient flows to the first entry
 * reaching the maximum, with that entry's sign (a subgradient), given by the
 * same op in `direction` form.
 */
import { Apply } from '../../graph/apply.js';
import { NullGradient, type InputGradient } from '../../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../../graph/op.js';
import type { Variable } from '../../graph/variable.js';
import { ShapeError } from '../../errors.js';
import type { NDArray } from '../../ndarray/ndarray.js';
import { dimshuffle } from '../dimshuffle.js';
import { mul } from '../math.js';
import { TensorType } from '../type.js';
import { TensorVariable } from '../variable.js';
import { fromFloat64, outDtype, toFloat64 } from './matrix.js';

export class MaxAbs extends Op {
  override readonly props = ['axis', 'direction'];
  /**
   * @param axis the axis reduced, or null for all entries
   * @param direction false: the maxima; true: an array shaped like x, holding
   *   sign(x) at the first maximum of each reduced lane and 0 elsewhere
   */
  constructor(
    readonly axis: number | null,
    readonly direction: boolean,
  ) {
    super();
  }

  override makeNode(x: Variable): Apply<this> {
    if (!(x instanceof TensorVariable) || x.ndim < 1 || x.ndim > 2) throw new ShapeError(`maxAbs needs a vector or a matrix, got ${x}`);
    if (this.axis !== null && (this.axis < 0 || this.axis >= x.ndim)) throw new ShapeError(`maxAbs: axis ${this.axis} is out of range for ${x.ndim}-d ${x}`);
    const shape = this.direction ? x.type.shape : this.axis === null ? [] : x.type.shape.filter((_, i) => i !== this.axis);
    return new Apply(this, [x], [new TensorType(x.dtype, shape)]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const x = inputs[0] as NDArray;
    const v = toFloat64(x);
    // As rows × cols, reducing along the columns of each of `lanes` lanes.
    const [r, c] = x.ndim === 1 ? [1, x.shape[0]!] : (x.shape as [number, number]);
    const lanes = this.axis === null ? 1 : this.axis === x.ndim - 1 ? r : c;
    const len = this.axis === null ? r * c : this.axis === x.ndim - 1 ? c : r;
    const at = (lane: number, k: number): number => (this.axis === null ? k : this.axis === x.ndim - 1 ? lane * c + k : k * c + lane);
    const maxima = new Float64Array(lanes);
    const dir = new Float64Array(v.length);
    for (let lane = 0; lane < lanes; lane++) {
      let best = -1;
      let value = len === 0 ? -Infinity : 0;
      for (let k = 0; k < len; k++) {
        const e = Math.abs(v[at(lane, k)]!);
        if (best < 0 || e > value || Number.isNaN(e)) [best, value] = [k, e];
        if (Number.isNaN(e)) break;
      }
      maxima[lane] = value;
      if (best >= 0) dir[at(lane, best)] = Math.sign(v[at(lane, best)]!);
    }
    const shape = this.direction ? x.shape : this.axis === null ? [] : x.shape.filter((_, i) => i !== this.axis);
    outputs[0]!.value = fromFloat64(this.direction ? dir : maxima, outDtype(node), shape);
  }

  override inferShape(_node: Apply, [s]: readonly SymbolicShape[]): SymbolicShape[] {
    if (this.direction) return [[...s!]];
    return [this.axis === null ? [] : s!.filter((_, i) => i !== this.axis)];
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    if (this.direction) return [new NullGradient(`${this} is piecewise constant; its gradient (zero almost everywhere) is not defined here (node built at ${node.trace})`)];
    const x = node.inputs[0] as TensorVariable;
    let g = gz as TensorVariable;
    if (this.axis !== null && x.ndim === 2) g = dimshuffle(g, this.axis === 0 ? ['x', 0] : [0, 'x']);
    return [mul(g, new MaxAbs(this.axis, true).apply1(x) as TensorVariable)];
  }
}

/** max |x| over all entries (axis null) or along `axis` of a vector or matrix. */
export function maxAbs(x: TensorVariable, axis: number | null = null): TensorVariable {
  return new MaxAbs(axis, false).apply1(x) as TensorVariable;
}
