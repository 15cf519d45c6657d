/**
 * Activation functions of `th.tensor.nnet`, written with elementwise ops
 * (so they fuse into kernels and differentiate through their parts):
 * sigmoid and softplus (the scalar table's stable versions), hardSigmoid,
 * ultraFastSigmoid (Theano's piecewise approximation), relu (with a leak),
 * elu, selu, gelu (exact, or the tanh approximation), softsign and swish.
 */
import { asTensorVariable, constant, type TensorLike } from '../asTensor.js';
import { abs, add, clip, erf, expm1, gt, maximum, mul, sigmoid, softplus, switch_, tanh, trueDiv } from '../math.js';
import type { TensorVariable } from '../variable.js';

export { sigmoid, softplus };

const lit = (v: number, like: TensorVariable) => constant(v, null, like.dtype);

/** Theano's hard_sigmoid: clip(0.2·x + 0.5, 0, 1). */
export function hardSigmoid(x: TensorLike): TensorVariable {
  const v = asTensorVariable(x);
  return clip(add(mul(v, 0.2), 0.5), 0, 1);
}

/** Theano's ultra_fast_sigmoid: a piecewise rational approximation of sigmoid (error below 0.02), for speed. */
export function ultraFastSigmoid(x: TensorLike): TensorVariable {
  const v = asTensorVariable(x);
  const h = mul(v, 0.5);
  const a = abs(h);
  // z(a) for a >= 0: 1.5a/(1+a) below 1.7, a line up to 3, then a constant; odd in h.
  const rational = trueDiv(mul(a, 1.5), add(a, 1));
  const line = add(mul(add(a, -1.7), 0.0458812946797165), 0.935409070603099);
  const z = switch_(gt(a, 3), lit(0.99505475368673, v), switch_(gt(a, 1.7), line, rational));
  const signed = switch_(gt(h, 0), z, mul(z, -1));
  return mul(add(signed, 1), 0.5);
}

/** max(x, 0); with `alpha`, x where x > 0 and alpha·x elsewhere (a leaky relu). */
export function relu(x: TensorLike, alpha = 0): TensorVariable {
  const v = asTensorVariable(x);
  if (alpha === 0) return maximum(v, lit(0, v));
  return switch_(gt(v, 0), v, mul(v, alpha));
}

/** x where x > 0, alpha·(e^x - 1) elsewhere. */
export function elu(x: TensorLike, alpha = 1): TensorVariable {
  const v = asTensorVariable(x);
  return switch_(gt(v, 0), v, mul(expm1(v), alpha));
}

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** The self-normalising elu: scale·elu(x, alpha) with Klambauer et al.'s constants. */
export function selu(x: TensorLike): TensorVariable {
  return mul(elu(x, SELU_ALPHA), SELU_SCALE);
}

/** x·Φ(x) (exact, with erf), or its tanh approximation (`{ approximate: true }`). */
export function gelu(x: TensorLike, { approximate = false }: { approximate?: boolean } = {}): TensorVariable {
  const v = asTensorVariable(x);
  if (!approximate) return mul(mul(v, 0.5), add(erf(mul(v, Math.SQRT1_2)), 1));
  const inner = mul(add(v, mul(mul(mul(v, v), v), 0.044715)), Math.sqrt(2 / Math.PI));
  return mul(mul(v, 0.5), add(tanh(inner), 1));
}

/** x / (1 + |x|). */
export function softsign(x: TensorLike): TensorVariable {
  const v = asTensorVariable(x);
  return trueDiv(v, add(abs(v), 1));
}

/** x·sigmoid(beta·x) (SiLU for beta = 1). */
export function swish(x: TensorLike, beta = 1): TensorVariable {
  const v = asTensorVariable(x);
  return mul(v, sigmoid(beta === 1 ? v : mul(v, beta)));
}
