/**
 * Dropout (inverted): each entry kept with probability 1 - p and scaled by
 * 1/(1 - p), so the expected value is unchanged and inference uses x as it
 * is. The mask comes from a random stream (th.randomStreams), which advances
 * at every call of the compiled function.
 */
import { ValueError } from '../../errors.js';
import { asTensorVariable, type TensorLike } from '../asTensor.js';
import { cast, mul } from '../math.js';
import type { TensorVariable } from '../variable.js';

/** What dropout needs of a random stream: Bernoulli draws of a symbolic shape. */
export interface BernoulliSource {
  bernoulli(options: { size: TensorVariable; p: number; dtype?: 'float32' | 'float64' }): TensorVariable;
}

/** x with each entry zeroed with probability p, the rest scaled by 1/(1 - p). */
export function dropout(x: TensorLike, p: number, stream: BernoulliSource): TensorVariable {
  if (!(p >= 0 && p < 1)) throw new ValueError(`dropout: p is the probability of dropping an entry, in [0, 1); got ${p}`);
  const v = asTensorVariable(x);
  if (p === 0) return v;
  const keep = stream.bernoulli({ size: v.shape, p: 1 - p });
  return mul(mul(v, cast(keep, v.dtype)), 1 / (1 - p));
}
