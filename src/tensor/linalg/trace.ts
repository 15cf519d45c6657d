/** trace (Theano's `trace`, numpy's `trace` of a matrix): the sum of the main diagonal, written with existing ops. */
import { ShapeError } from '../../errors.js';
import { diagonal } from '../alloc.js';
import { asTensorVariable, type TensorLike } from '../asTensor.js';
import { sum } from '../reduce.js';
import type { TensorVariable } from '../variable.js';

/** The sum of a matrix's main diagonal (it need not be square, as in numpy). */
export function trace(a: TensorLike): TensorVariable {
  const x = asTensorVariable(a);
  if (x.ndim !== 2) throw new ShapeError(`trace needs a 2-d matrix, got ${x.ndim}-d ${x} (${x.type})`);
  return sum(diagonal(x));
}
