/**
 * The functions built from exp, expm1 and log1p, in forms that never
 * overflow and keep their accuracy in the tails:
 * - sigmoid(x) = (x < 0 ? t : 1) / (1 + t) with t = e^-|x| <= 1, which is
 *   e^x to the last bit where the executor's sigmoid switches to exp(x)
 *   (x < -708), and 0 / 1 at ∓Inf. In f64 exp's own quotient t = 2^k·n/d
 *   is folded in: (x < 0 ? 2^k·n : d) / (d + 2^k·n), one division in all;
 * - softplus(x) = max(x, 0) + log1p(e^-|x|), the executor's two branches in one;
 * - tanh(x) = copysign(-u / (u + 2), x) with u = expm1(-2|x|) in (-1, 0], so
 *   tanh(±0) = ±0 and tanh(±Inf) = ±1 exactly.
 * Measured, f64 (exact values by mpmath, 16k points): sigmoid 1.80 ulp,
 * softplus 1.40, tanh 2.46; from the JS executor's values (tests) at most
 * 3, 2 and 3 ulp (those are themselves up to 2 ulp off). f32: within 2 ulp
 * of correct rounding (every float32 with |x| in [2^-20, 2^12), both signs).
 * Speed (ns/element f64 / f32): sigmoid 2.8 / 1.5, softplus 11 / 4.9, tanh
 * 6.4 / 2.7 (JS loops: 16, 46, 18).
 */
import type { Local } from '../code.js';
import { emitExp, emitExpm1, expRational, reduce } from './exp.js';
import { emitLog1p } from './log.js';
import type { Vec } from './vec.js';

export function emitSigmoid(v: Vec, x: Local): Local {
  const negativeAbs = v.let(v.neg(v.abs(x)));
  const negative = v.let(v.lt(x, 0));
  const viaExp = () => {
    const t = emitExp(v, negativeAbs);
    return v.div(v.select(negative, t, 1), v.add(t, 1));
  };
  if (!v.isF64) return v.let(viaExp());
  // f64 fast path: t = 2^k·n/d (exp's rational form), so (x < 0 ? t : 1)/(1 + t) is
  // (x < 0 ? 2^k·n : d)/(d + 2^k·n) — one division instead of two. 2^k·n stays normal for |x| <= 708.
  const { kd, r } = reduce(v, negativeAbs);
  const { denominator, numerator } = expRational(v, r);
  const scaled = v.let(v.iadd(numerator, v.shl(kd, v.format.mantissaBits)));
  const result = v.let(v.div(v.select(negative, scaled, denominator), v.add(denominator, scaled)));
  v.ifAny(v.igt(v.abs(x), v.bitsOf(708)), result, viaExp);
  return result;
}

export function emitSoftplus(v: Vec, x: Local): Local {
  const t = emitExp(v, v.let(v.neg(v.abs(x))));
  return v.let(v.add(v.max(x, 0), emitLog1p(v, t)));
}

export function emitTanh(v: Vec, x: Local): Local {
  const u = emitExpm1(v, v.let(v.mul(v.abs(x), -2)));
  return v.let(v.copysign(v.div(v.neg(u), v.add(u, 2)), x));
}
