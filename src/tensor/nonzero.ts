/**
 * Nonzero (numpy's `nonzero`, and `where` with one argument): the indices
 * of the nonzero entries of x, one int64 vector per axis, in row-major
 * order. With three arguments `where(cond, a, b)` is the elementwise choice
 * (`T.switch`).
 */
import { Apply } from '../graph/apply.js';
import { disconnected, type InputGradient } from '../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { ShapeError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { asTensorVariable, type TensorLike } from './asTensor.js';
import { cast, neq, switch_ } from './math.js';
import { sum } from './reduce.js';
import { TensorType } from './type.js';
import { TensorVariable } from './variable.js';

export class Nonzero extends Op {
  override makeNode(x: Variable): Apply<this> {
    if (!(x instanceof TensorVariable)) throw new TypeError(`nonzero needs a tensor, got ${x}`);
    if (x.ndim === 0) throw new ShapeError(`nonzero of a 0-d value is not defined (numpy deprecates it); give an array of at least 1 dimension, got ${x.type}`);
    return new Apply(this, [x], Array.from({ length: x.ndim }, () => new TensorType('int64', [null])));
  }

  override perform(_node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const x = inputs[0] as NDArray;
    const hits: number[] = [];
    // Row-major visit: k counts elements in order, storage index s finds the value.
    x.forEachIndex((s, k) => {
      if (x.data[s] !== 0) hits.push(k);
    });
    const outs = x.shape.map(() => NDArray.empty('int64', [hits.length]));
    hits.forEach((k, n) => {
      for (let ax = x.ndim - 1; ax >= 0; ax--) {
        const d = x.shape[ax]!;
        outs[ax]!.data[n] = k % d;
        k = Math.floor(k / d);
      }
    });
    outs.forEach((o, i) => (outputs[i]!.value = o));
  }

  override inferShape(node: Apply): SymbolicShape[] {
    const x = node.inputs[0] as TensorVariable;
    const count = cast(sum(neq(x, 0)), 'int64');
    return node.outputs.map(() => [count]);
  }

  override grad(): InputGradient[] {
    return [disconnected];
  }
}

const nonzeroOp = new Nonzero();

/** The indices of x's nonzero entries: one int64 vector per axis (numpy's `nonzero`). */
export function nonzero(x: TensorLike): TensorVariable[] {
  return nonzeroOp.makeNode(asTensorVariable(x)).outputs as TensorVariable[];
}

/** numpy's `where`: with one argument `nonzero(cond)`; with three, a where cond holds, else b. */
export function where(cond: TensorLike): TensorVariable[];
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): TensorVariable;
export function where(cond: TensorLike, a?: TensorLike, b?: TensorLike): TensorVariable | TensorVariable[] {
  if (a === undefined && b === undefined) return nonzero(cond);
  if (a === undefined || b === undefined) throw new TypeError('where takes one argument (nonzero) or three (cond, a, b)');
  return switch_(cond, a, b);
}
