/**
 * ln x and ln(1 + x) on SIMD lanes.
 *
 * Method: u = 2^k·m with m in [√½, √2) read from the bits (k = (bits(u) -
 * bits(√½)) >> p), f = m - 1 (exact), s = f/(2+f), z = s², and
 * ln(1+f) = f - (f²/2 - s·(f²/2 + z·G(z))) with G fitted in coefficients.ts
 * (degree 6 for f64, 2 for f32); the result is k·LN2_HI + (… + k·LN2_LO),
 * summed in the order that rounds once at the end.
 * - log: positive subnormals are scaled by 2^54 (2^24 for f32) first, in a
 *   branch taken only when a lane is not a positive normal number; that
 *   branch also sets log(±0) = -Inf, log(x<0) = NaN, log(Inf) = Inf, NaN.
 * - log1p: u = 1 + x rounded, and the rounding error x - (u - 1) (exact, by
 *   Fast2Sum) is added to f after scaling by 2^-k, so for k = 0, f is x
 *   exactly; ±0 pass through; x = -1 gives -Inf, x < -1 NaN.
 * Measured: f64 log 0.71 ulp and log1p 0.92 ulp from the exact value (mpmath,
 * 16k points), within 1 ulp of Math.log / Math.log1p (tests); f32 within 1
 * ulp of the correctly rounded result (every float32 with |x| in
 * [2^-20, 2^12), both signs). Speed: log 3.5 ns/element f64, 1.1 f32
 * (Math.log loop: ~9–18); log1p 4.6 / 1.6–2.1 (Math.log1p: ~24).
 */
import type { Local } from '../code.js';
import { LN2_HI_F32, LN2_HI_F64, LN2_LO_F32, LN2_LO_F64, LOG_F32, LOG_F64 } from './coefficients.js';
import type { Expr, Vec } from './vec.js';

const SQRT_HALF = Math.SQRT1_2;

/**
 * ln(u) for positive normal u, minus kOffset·ln2 (if given); `correction` (if
 * given) gets the integer exponent k and returns a term added to f.
 */
function logNormal(v: Vec, u: Local, kOffset?: Expr, correction?: (kInt: Local) => Expr): () => void {
  const p = v.format.mantissaBits;
  const kInt = v.let(v.shrS(v.isub(u, v.bitsOf(SQRT_HALF)), p));
  let f: Local = v.let(v.sub(v.isub(u, v.shl(kInt, p)), 1));
  if (correction !== undefined) f = v.let(v.add(f, correction(kInt)));
  const k = v.let(kOffset === undefined ? v.toFloat(kInt) : v.sub(v.toFloat(kInt), kOffset));
  const s = v.let(v.div(f, v.add(f, 2)));
  const z = v.let(v.mul(s, s));
  const halfSquare = v.let(v.mul(v.mul(f, f), 0.5));
  const [hi, lo, coeffs] = v.isF64 ? [LN2_HI_F64, LN2_LO_F64, LOG_F64] : [LN2_HI_F32, LN2_LO_F32, LOG_F32];
  const tail = v.add(v.mul(s, v.add(halfSquare, v.mul(z, v.poly(z, coeffs)))), v.mul(k, lo));
  return v.sub(v.mul(k, hi), v.sub(v.sub(halfSquare, tail), f));
}

/** log's value at the special points: NaN below 0, -Inf at ±0, the argument itself at +Inf and NaN. */
function logSpecial(v: Vec, u: Local): () => void {
  return v.select(v.lt(u, 0), NaN, v.select(v.eq(u, 0), -Infinity, u));
}

/** True in lanes that are not positive finite numbers. */
function notPositiveFinite(v: Vec, u: Local): () => void {
  return v.not(v.and(v.gt(u, 0), v.lt(u, Infinity)));
}

/** ln x into a new local. */
export function emitLog(v: Vec, x: Local): Local {
  const result = v.let(logNormal(v, x));
  const { minNormal } = v.format;
  v.ifAny(v.not(v.and(v.ge(x, minNormal), v.lt(x, Infinity))), result, () => {
    const scaleBits = v.isF64 ? 54 : 24;
    const tiny = v.let(v.lt(x, minNormal));
    // Subnormal lanes: ln(x·2^b) - b·ln2, computed as a shifted exponent k - b.
    const scaled = v.let(v.select(tiny, v.mul(x, 2 ** scaleBits), x));
    const value = logNormal(v, scaled, v.select(tiny, scaleBits, 0));
    return v.select(notPositiveFinite(v, x), logSpecial(v, x), value);
  });
  return result;
}

/** ln(1 + x) into a new local. */
export function emitLog1p(v: Vec, x: Local): Local {
  const u = v.let(v.add(x, 1));
  const roundingError = v.let(v.sub(x, v.sub(u, 1)));
  const p = v.format.mantissaBits;
  // f + err·2^-k: 2^-k built by subtracting k from the exponent field of 1. Past 2^100 the error is 0
  // and 2^-k may not be a normal number, so the factor is masked to 0 there.
  const inverseScale = (kInt: Local) => v.and(v.isub(v.bitsOf(1), v.shl(kInt, p)), v.lt(u, 2 ** 100));
  const result = v.let(logNormal(v, u, undefined, (kInt) => v.mul(roundingError, inverseScale(kInt))));
  v.ifAny(notPositiveFinite(v, u), result, () => v.select(notPositiveFinite(v, u), logSpecial(v, u), result));
  return v.let(v.select(v.eq(x, 0), x, result)); // log1p(-0) = -0
}
