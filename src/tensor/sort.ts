/**
 * Sorting along an axis: ArgSort (numpy's `argsort(kind='stable')`: the
 * indices that sort each lane, ties kept in order, NaN last) and `sort`,
 * which gathers x by them (takeAlongAxis), so its gradient flows back to the
 * entries where each sorted value came from.
 */
import { Apply } from '../graph/apply.js';
import { disconnected, type InputGradient } from '../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { ShapeError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { asTensorVariable, type TensorLike } from './asTensor.js';
import { takeAlongAxis } from './advancedSubtensor.js';
import { TensorType } from './type.js';
import { TensorVariable } from './variable.js';

/** numpy's order: NaN after every number. */
const before = (a: number, b: number): number => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a - b);

export class ArgSort extends Op {
  override readonly props = ['axis'];
  constructor(readonly axis: number) {
    super();
  }

  override toString(): string {
    return `ArgSort{axis=${this.axis}}`;
  }

  override makeNode(x: Variable): Apply<this> {
    if (!(x instanceof TensorVariable)) throw new TypeError(`argsort needs a tensor, got ${x}`);
    if (this.axis >= x.ndim) throw new ShapeError(`argsort: axis ${this.axis} is out of range for ${x} (${x.type})`);
    return new Apply(this, [x], [new TensorType('int64', x.type.shape)]);
  }

  override perform(_node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const x = inputs[0] as NDArray;
    const out = NDArray.empty('int64', x.shape);
    const len = x.shape[this.axis]!;
    const stride = x.strides[this.axis]!;
    const outStride = out.strides[this.axis]!;
    // Each lane: the other axes' positions, walked through a view with the sorted axis dropped.
    const lanes = new NDArray(x.data, x.dtype, x.shape.filter((_, a) => a !== this.axis), x.strides.filter((_, a) => a !== this.axis), x.offset);
    const outLanes = new NDArray(out.data, 'int64', lanes.shape, out.strides.filter((_, a) => a !== this.axis), 0);
    const starts: number[] = [];
    outLanes.forEachIndex((s) => starts.push(s));
    const order = Array.from({ length: len }, (_, i) => i);
    let lane = 0;
    lanes.forEachIndex((s) => {
      const values = order.map((i) => Number(x.data[s + i * stride]));
      const sorted = [...order].sort((a, b) => before(values[a]!, values[b]!) || a - b);
      const o = starts[lane++]!;
      sorted.forEach((i, k) => (out.data[o + k * outStride] = i));
    });
    outputs[0]!.value = out;
  }

  override inferShape(_node: Apply, shapes: readonly SymbolicShape[]): SymbolicShape[] {
    return [shapes[0]!];
  }

  override grad(): InputGradient[] {
    return [disconnected];
  }
}

function normalAxis(x: TensorVariable, axis: number, what: string): number {
  const a = axis < 0 ? axis + x.ndim : axis;
  if (!Number.isInteger(a) || a < 0 || a >= x.ndim) throw new ShapeError(`${what}: axis ${axis} is out of range for a ${x.ndim}-d value`);
  return a;
}

/** The indices that sort x along `axis` (default the last), stably, NaN last. */
export function argsort(x: TensorLike, axis = -1): TensorVariable {
  const v = asTensorVariable(x);
  return new ArgSort(normalAxis(v, axis, 'argsort')).makeNode(v).outputs[0] as TensorVariable;
}

/** x sorted along `axis` (default the last), NaN last. */
export function sort(x: TensorLike, axis = -1): TensorVariable {
  const v = asTensorVariable(x);
  const a = normalAxis(v, axis, 'sort');
  return takeAlongAxis(v, argsort(v, a), a);
}
