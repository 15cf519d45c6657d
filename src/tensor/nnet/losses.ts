/**
 * Losses of `th.tensor.nnet`, per example (reduce them with `mean`):
 * categorical cross-entropy with integer labels or one-hot/probability
 * targets, binary cross-entropy of probabilities, of logits (stable:
 * softplus(x) - t·x), and squared error. The optimizer rewrites the
 * cross-entropy of a softmax into the log-softmax form (rewrite/nnet.ts),
 * finite even at logits of ±1000.
 */
import { DTypeError, ShapeError } from '../../errors.js';
import { isDiscrete } from '../../ndarray/dtype.js';
import { asTensorVariable, type TensorLike } from '../asTensor.js';
import { arange } from '../arange.js';
import { log, mul, neg, softplus, sqr, sub } from '../math.js';
import { mean, sum } from '../reduce.js';
import { shapeI } from '../shape.js';
import type { TensorVariable } from '../variable.js';

/**
 * -log p[target] per row for integer class labels (a vector with one label
 * per row of the probabilities), or -Σ target·log p over the last axis for
 * one-hot or probability targets (Theano's categorical_crossentropy).
 */
export function categoricalCrossentropy(probs: TensorLike, target: TensorLike): TensorVariable {
  const p = asTensorVariable(probs);
  const t = asTensorVariable(target);
  if (p.ndim !== 2) throw new ShapeError(`categoricalCrossentropy: the probabilities must be a matrix (one row per example), got ${p.ndim}-d ${p.type}`);
  if (isDiscrete(t.dtype) && t.dtype !== 'bool') {
    if (t.ndim !== 1) throw new ShapeError(`categoricalCrossentropy: integer labels must be a vector (one per row), got ${t.ndim}-d ${t.type}`);
    // The probability of each row's label: p[i, t[i]].
    return neg(log(p.at(arange(shapeI(p, 0)), t)));
  }
  if (t.ndim !== 2) throw new ShapeError(`categoricalCrossentropy: a one-hot or probability target must be a matrix like the probabilities, got ${t.ndim}-d ${t.type}`);
  return neg(sum(mul(t, log(p)), [1]));
}

/** -(t·log p + (1 - t)·log(1 - p)), elementwise. */
export function binaryCrossentropy(probs: TensorLike, target: TensorLike): TensorVariable {
  const p = asTensorVariable(probs);
  const t = asTensorVariable(target, p.dtype);
  return neg(mul(t, log(p))).sub(mul(sub(1, t), log(sub(1, p))));
}

/** The binary cross-entropy of sigmoid(logits), computed stably as softplus(x) - t·x. */
export function sigmoidBinaryCrossentropy(logits: TensorLike, target: TensorLike): TensorVariable {
  const x = asTensorVariable(logits);
  if (!/float/.test(x.dtype)) throw new DTypeError(`sigmoidBinaryCrossentropy: logits must be floats, got ${x.dtype}`);
  const t = asTensorVariable(target, x.dtype);
  return sub(softplus(x), mul(t, x));
}

/** (a - b)², elementwise. */
export function squaredError(a: TensorLike, b: TensorLike): TensorVariable {
  return sqr(sub(asTensorVariable(a), asTensorVariable(b)));
}

/** The mean of (a - b)² over every entry. */
export function mse(a: TensorLike, b: TensorLike): TensorVariable {
  return mean(squaredError(a, b));
}
