/**
 * DimShuffle: reorders axes, inserts broadcastable axes ('x') and drops
 * broadcastable ones — Theano's `dimshuffle`, of which `.T` and `transpose`
 * are special cases. The result is a view; nothing is copied.
 */
import { Apply } from '../graph/apply.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import type { NDArray } from '../ndarray/ndarray.js';
import { ShapeError } from '../errors.js';
import { TensorType } from './type.js';
import { TensorVariable } from './variable.js';
import { asTensorVariable, constant, type TensorLike } from './asTensor.js';
import type { InputGradient } from '../graph/gradientTerms.js';
import { sum } from './reduce.js';

export type DimPattern = readonly (number | 'x')[];

export class DimShuffle extends Op {
  override readonly props = ['inputNdim', 'pattern'];
  override readonly viewMap = { 0: [0] };
  readonly inputNdim: number;
  readonly pattern: DimPattern;

  constructor(inputNdim: number, pattern: DimPattern) {
    super();
    const used = pattern.filter((p): p is number => p !== 'x');
    for (const p of used) {
      if (!Number.isInteger(p) || p < 0 || p >= inputNdim) {
        throw new ShapeError(`dimshuffle pattern ${JSON.stringify(pattern)}: ${p} is not an axis of a ${inputNdim}-d input`);
      }
    }
    if (new Set(used).size !== used.length) throw new ShapeError(`dimshuffle pattern ${JSON.stringify(pattern)} repeats an axis`);
    this.inputNdim = inputNdim;
    this.pattern = Object.freeze([...pattern]);
  }

  override toString(): string {
    return `DimShuffle{${this.pattern.join(',')}}`;
  }

  override makeNode(input: Variable): Apply<this> {
    if (!(input instanceof TensorVariable)) throw new TypeError(`dimshuffle needs a tensor variable, got ${input}`);
    if (input.ndim !== this.inputNdim) {
      throw new ShapeError(`${this} expects a ${this.inputNdim}-d input, got ${input.ndim}-d ${input}`);
    }
    const shape = input.type.shape;
    for (let ax = 0; ax < this.inputNdim; ax++) {
      if (!this.pattern.includes(ax) && shape[ax] !== 1) {
        throw new ShapeError(
          `dimshuffle ${JSON.stringify(this.pattern)} drops axis ${ax} of ${input} (static shape ${input.type.shapeString()}); only broadcastable axes can be dropped`,
        );
      }
    }
    const outShape = this.pattern.map((p) => (p === 'x' ? 1 : shape[p]!));
    return new Apply(this, [input], [new TensorType(input.dtype, outShape)]);
  }

  override perform(_node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    outputs[0]!.value = (inputs[0] as NDArray).dimshuffle(this.pattern);
  }

  /** Sums away the inserted axes, then puts the input's axes back in order ('x' for dropped ones). */
  override grad(_node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const inserted = this.pattern.flatMap((p, k) => (p === 'x' ? [k] : []));
    const g = inserted.length > 0 ? sum(gz as TensorVariable, inserted) : (gz as TensorVariable);
    const kept = this.pattern.filter((p): p is number => p !== 'x');
    const back = [...Array(this.inputNdim).keys()].map((ax) => (kept.includes(ax) ? kept.indexOf(ax) : ('x' as const)));
    return [dimshuffle(g, back)];
  }

  override rOp(_node: Apply, [v]: readonly (Variable | null)[]): (Variable | null)[] {
    return [v === null || v === undefined ? null : dimshuffle(v as TensorVariable, this.pattern)];
  }

  override inferShape(_node: Apply, inputShapes: readonly SymbolicShape[]): SymbolicShape[] {
    const [shape] = inputShapes;
    return [this.pattern.map((p) => (p === 'x' ? (constant(1, null, 'int64') as Variable) : shape![p]!))];
  }
}

/** Theano's `x.dimshuffle(...pattern)`. */
export function dimshuffle(x: TensorLike, pattern: DimPattern): TensorVariable {
  const v = asTensorVariable(x);
  if (pattern.length === v.ndim && pattern.every((p, i) => p === i)) return v;
  return new DimShuffle(v.ndim, pattern).apply1(v) as TensorVariable;
}

/** Permutes axes; reverses them when `axes` is omitted (`x.T`). */
export function transpose(x: TensorLike, axes?: readonly number[]): TensorVariable {
  const v = asTensorVariable(x);
  const perm = axes ? axes.map((a) => (a < 0 ? a + v.ndim : a)) : [...Array(v.ndim).keys()].reverse();
  if (perm.length !== v.ndim || [...perm].sort((a, b) => a - b).some((a, i) => a !== i)) {
    throw new ShapeError(`transpose axes ${JSON.stringify(axes)} are not a permutation of the ${v.ndim} axes of ${v}`);
  }
  return dimshuffle(v, perm);
}
