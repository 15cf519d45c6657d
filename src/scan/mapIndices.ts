/**
 * mapIndices: stacks `body(i)` for i = 0 .. n-1, where `body` is a graph of
 * a symbolic int64 index — the simplest loop, on which `jacobian` and
 * `hessian` are built. It is a scan over `arange(n)`, so the body is
 * compiled once with the function using it, and gradients (a Hessian of a
 * Jacobian, the gradient of a Jacobian's entries) flow through it.
 */
import { ShapeError } from '../errors.js';
import { asTensorVariable, type TensorLike } from '../tensor/asTensor.js';
import { arange } from '../tensor/arange.js';
import { TensorVariable } from '../tensor/variable.js';
import { scan } from './scan.js';

/** Stacks body(i) for i in 0 .. n-1 along a new first axis. */
export function mapIndices(n: TensorLike, body: (i: TensorVariable) => TensorVariable): TensorVariable {
  const count = asTensorVariable(n);
  if (count.ndim !== 0) throw new ShapeError(`mapIndices: the count must be an integer scalar, got ${count.type}`);
  const [rows] = scan({
    fn: (i) => {
      const row = body(i);
      if (!(row instanceof TensorVariable)) throw new TypeError('mapIndices: the body must return a tensor variable');
      return row;
    },
    sequences: arange(count, undefined, undefined, 'int64'),
    name: 'mapIndices',
  });
  return rows as TensorVariable;
}
