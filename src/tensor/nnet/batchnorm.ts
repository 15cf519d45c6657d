/**
 * Batch normalisation (Theano's `batch_normalization_train` and
 * `batch_normalization_test`), written with reductions and elementwise ops
 * so gradients and fusion come from them:
 *   train: out = (x - mean) · invstd · gamma + beta over the batch axes, with
 *          invstd = 1 / sqrt(var + epsilon), and running averages updated as
 *          (1 - f)·running + f·batch (the variance unbiased, as Theano);
 *   test:  the same with given mean and variance.
 * `axes`: 'per-activation' (axis 0), 'spatial' (0 and every axis after 1,
 * for NCHW), or a list of axes. gamma, beta and the statistics have the
 * input's rank with length 1 on the normalised axes (broadcastable), or are
 * given without those axes and put back in place.
 */
import { ShapeError } from '../../errors.js';
import { asTensorVariable, type TensorLike } from '../asTensor.js';
import { add, cast, mul, sqrt, sub, trueDiv } from '../math.js';
import { mean } from '../reduce.js';
import { var_ } from '../reductions.js';
import { shapeI } from '../shape.js';
import type { TensorVariable } from '../variable.js';

export type BatchNormAxes = 'per-activation' | 'spatial' | readonly number[];

function normAxes(ndim: number, axes: BatchNormAxes): number[] {
  if (axes === 'per-activation') return [0];
  if (axes === 'spatial') return [0, ...Array.from({ length: Math.max(0, ndim - 2) }, (_, i) => i + 2)];
  const list = [...axes].map((a) => (a < 0 ? a + ndim : a)).sort((a, b) => a - b);
  if (list.some((a) => !Number.isInteger(a) || a < 0 || a >= ndim) || new Set(list).size !== list.length) {
    throw new ShapeError(`batch normalization: axes ${JSON.stringify(axes)} are not distinct axes of a ${ndim}-d input`);
  }
  return list;
}

/** A parameter with the input's rank (length 1 on the normalised axes), putting back the axes it was given without. */
function aligned(p: TensorLike, ndim: number, axes: readonly number[], what: string): TensorVariable {
  const v = asTensorVariable(p);
  if (v.ndim === ndim) return v;
  if (v.ndim !== ndim - axes.length) throw new ShapeError(`batch normalization: ${what} must be ${ndim}-d (length 1 on the normalised axes) or ${ndim - axes.length}-d, got ${v.ndim}-d ${v.type}`);
  let k = 0;
  return v.dimshuffle(...Array.from({ length: ndim }, (_, a) => (axes.includes(a) ? ('x' as const) : k++)));
}

export interface BatchNormTrainOptions {
  axes?: BatchNormAxes;
  epsilon?: number;
  runningAverageFactor?: number;
  runningMean?: TensorLike;
  runningVar?: TensorLike;
}

/**
 * [out, mean, invstd] — and, when running statistics are given, also their
 * updated values [..., newRunningMean, newRunningVar] (pass them as updates).
 */
export function batchNormalizationTrain(inputs: TensorLike, gamma: TensorLike, beta: TensorLike, options: BatchNormTrainOptions = {}): TensorVariable[] {
  const x = asTensorVariable(inputs);
  const axes = normAxes(x.ndim, options.axes ?? 'per-activation');
  const eps = options.epsilon ?? 1e-4;
  const keep = { keepdims: true };
  const m = mean(x, axes, keep);
  const variance = var_(x, axes, keep);
  const invstd = trueDiv(1, sqrt(add(variance, eps)));
  const out = add(mul(mul(sub(x, m), invstd), aligned(gamma, x.ndim, axes, 'gamma')), aligned(beta, x.ndim, axes, 'beta'));
  const result = [out, m, invstd];
  if (options.runningMean === undefined && options.runningVar === undefined) return result;
  if (options.runningMean === undefined || options.runningVar === undefined) throw new TypeError('batchNormalizationTrain: give both runningMean and runningVar, or neither');
  const f = options.runningAverageFactor ?? 0.1;
  const count = axes.reduce((n: TensorVariable, a) => mul(n, shapeI(x, a)), cast(asTensorVariable(1), 'int64'));
  const unbiased = mul(variance, trueDiv(cast(count, x.dtype), cast(sub(count, 1), x.dtype)));
  const rm = asTensorVariable(options.runningMean);
  const rv = asTensorVariable(options.runningVar);
  const fit = (s: TensorVariable, like: TensorVariable) => (like.ndim === s.ndim ? s : s.dimshuffle(...Array.from({ length: s.ndim }, (_, a) => a).filter((a) => !axes.includes(a))));
  const newMean = add(mul(rm, 1 - f), mul(fit(m, rm), f));
  const newVar = add(mul(rv, 1 - f), mul(fit(unbiased, rv), f));
  return [...result, newMean, newVar];
}

/** (x - mean) / sqrt(var + epsilon) · gamma + beta with given statistics (inference). */
export function batchNormalizationTest(
  inputs: TensorLike,
  gamma: TensorLike,
  beta: TensorLike,
  mean_: TensorLike,
  variance: TensorLike,
  { axes = 'per-activation', epsilon = 1e-4 }: { axes?: BatchNormAxes; epsilon?: number } = {},
): TensorVariable {
  const x = asTensorVariable(inputs);
  const ax = normAxes(x.ndim, axes);
  const m = aligned(mean_, x.ndim, ax, 'mean');
  const v = aligned(variance, x.ndim, ax, 'var');
  return add(mul(trueDiv(sub(x, m), sqrt(add(v, epsilon))), aligned(gamma, x.ndim, ax, 'gamma')), aligned(beta, x.ndim, ax, 'beta'));
}
