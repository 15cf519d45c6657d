/**
 * The error function on SIMD lanes, odd: erf(x) = copysign(erf(|x|), x).
 *
 * Method, with a = |x|:
 * - a < 1: erf = a + a·(G(a²) - 1), G a fitted polynomial (degree 12 in a²
 *   for f64, 6 for f32) — no cancellation, erf(±0) = ±0;
 * - a >= 1: erf = 1 - e^(-a²)·t·H(t) with t = 1/(1 + p·a) and H fitted
 *   (degree 14 / 6) over a in [1, 6] ([1, 4] for f32), a clamped there (erf
 *   is 1 in the lane precision beyond). e^(-a²) is the exp kernel; the
 *   rounding of a² barely matters because erfc <= 0.16 here. This branch
 *   runs only when some lane has a >= 1.
 * NaN propagates through the first form. Coefficients: coefficients.ts.
 * Measured: f64 1.12 ulp from the exact value (mpmath, 16k points), within 1
 * ulp of a double-double reference (tests) — the executor's erf (special.ts)
 * is itself up to 4.5 ulp off for |x| < 0.5, so results differ from it by
 * up to ~7 ulp there; f32 within 2 ulp of correct rounding (every float32
 * with |x| in [2^-20, 2^12)). Speed: 13.6 ns/element f64, 4.0 f32 on
 * [-10, 10] (both branches run); the executor's erf: ~90.
 */
import type { Local } from '../code.js';
import { ERF_SMALL_F32, ERF_SMALL_F64, ERFC_F32, ERFC_F64, ERFC_P_F32, ERFC_P_F64 } from './coefficients.js';
import { emitExp } from './exp.js';
import type { Vec } from './vec.js';

export function emitErf(v: Vec, x: Local): Local {
  const a = v.let(v.abs(x));
  const z = v.let(v.mul(a, a));
  // a + a·(G - 1): the leading 2/√π = 1.128… would cost an ulp to round on its own.
  const [g0, ...gRest] = v.isF64 ? ERF_SMALL_F64 : ERF_SMALL_F32;
  const result = v.let(v.add(a, v.mul(a, v.poly(z, [g0! - 1, ...gRest]))));
  const tail = v.let(v.ge(a, 1));
  v.ifAny(tail, result, () => {
    const [p, coeffs, top] = v.isF64 ? [ERFC_P_F64, ERFC_F64, 6] : [ERFC_P_F32, ERFC_F32, 4];
    const clamped = v.let(v.min(a, top));
    const t = v.let(v.div(1, v.fma(clamped, p, 1)));
    const gauss = emitExp(v, v.let(v.neg(v.mul(clamped, clamped))));
    const erfc = v.mul(v.mul(gauss, t), v.poly(t, coeffs));
    return v.select(tail, v.sub(1, erfc), result);
  });
  return v.let(v.copysign(result, x));
}
