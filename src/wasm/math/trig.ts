/**
 * sin and cos on SIMD lanes.
 *
 * Method (f64): k = round(x·2/π) (integer in the low bits of k + SHIFT),
 * r = ((x - k·PIO2_1) - k·PIO2_2) - k·PIO2_3 (Cody–Waite, π/2 in three parts,
 * the first two of 32 bits), |r| <= π/4; then by the quadrant k mod 4 (k+1
 * for cos) one of ±sin(r) = ±(r + r·z·S(z)), ±cos(r) = ±(1 - z/2 + z²·C(z)),
 * z = r², chosen lanewise with masks built from the bits of k (no branches);
 * 1 - z/2 is summed with its rounding error carried, as it loses bits.
 *
 * Range: for |x| < 2^21·π/2 ≈ 3.29e6 the products k·PIO2_1 and k·PIO2_2 are
 * exact and the results are within 2 ulp (test/wasm/math.test.ts sweeps up to 1e6
 * and random values up to 3e6). Lanes beyond that (rare: a branch skipped
 * when no lane needs it) call the imported Math.sin / Math.cos, whose
 * reduction is exact for every double — so the kernels equal the JS
 * executor there. ±0 give sin ±0 and cos 1; ±Inf and NaN give NaN.
 *
 * f32: computed in f64 (both halves of the f32x4 promoted, then demoted):
 * equal to the correctly rounded float32 on every float32 with |x| in
 * [2^-20, 2^12) (exhaustive check), and good to about 1 ulp up to ~2^28.
 * Measured f64: sin 1.98 ulp, cos 1.22 ulp from the exact value (mpmath,
 * 16k points), within 2 ulp of Math.sin / Math.cos (tests, |x| < 3.2e6).
 * Speed: 4.2–4.5 ns/element (f64 and f32; Math.sin loop ~21–29).
 */
import type { Local } from '../code.js';
import { COS_F64, PIO2_1, PIO2_2, PIO2_3, SIN_F64, TWO_OVER_PI } from './coefficients.js';
import { viaF64 } from './promote.js';
import type { Expr, Vec } from './vec.js';

/** |x| from which the three-part reduction is no longer exact: such lanes call Math.sin / Math.cos. */
const EXACT_LIMIT = 2 ** 21 * (Math.PI / 2);

function emitTrig(v: Vec, x: Local, quadrantOffset: 0 | 1): Local {
  if (!v.isF64) return viaF64(v, x, (w, y) => emitTrig(w, y, quadrantOffset));
  const shift = v.format.shift;
  const kd = v.let(v.add(v.mul(x, TWO_OVER_PI), shift));
  const k = v.let(v.sub(kd, shift));
  const r = v.let(v.sub(v.sub(v.sub(x, v.mul(k, PIO2_1)), v.mul(k, PIO2_2)), v.mul(k, PIO2_3)));
  const z = v.let(v.mul(r, r));
  const sin = v.let(v.add(r, v.mul(v.mul(r, z), v.poly(z, SIN_F64))));
  const half = v.let(v.mul(z, 0.5));
  const w = v.let(v.sub(1, half));
  const cosTail = v.add(v.sub(v.sub(1, w), half), v.mul(v.mul(z, z), v.poly(z, COS_F64)));
  const cos = v.let(v.add(w, cosTail));
  const quadrant = v.let(quadrantOffset === 0 ? kd : v.iadd(kd, v.int(1)));
  const odd = v.shrS(v.shl(quadrant, 63), 63); // all ones where the quadrant is odd
  const negate = v.and(v.shl(quadrant, 62), v.bitsOf(-0)); // the sign bit where quadrant & 2
  const value: Expr = v.raw('v128.xor', v.select(odd, cos, sin), negate);
  // sin(-0) = -0: r + r·z·S(z) adds a +0 correction to r = -0, which gives +0.
  const result = v.let(quadrantOffset === 0 ? v.select(v.eq(x, 0), x, value) : value);
  largeArguments(v, x, result, quadrantOffset === 0 ? 'sin' : 'cos');
  return result;
}

/** Replaces the lanes of `result` whose |x| is past the exact reduction by the imported JS function's value. */
function largeArguments(v: Vec, x: Local, result: Local, fn: 'sin' | 'cos'): void {
  const c = v.c;
  c.get(x).op('f64x2.abs').splatConst('f64x2', EXACT_LIMIT).op('f64x2.ge').op('v128.any_true');
  c.if_();
  for (const lane of [0, 1]) {
    c.get(x).lane('f64x2.extract_lane', lane).op('f64.abs').f64(EXACT_LIMIT).op('f64.ge');
    c.if_();
    c.get(result).get(x).lane('f64x2.extract_lane', lane).callImport('math', fn, ['f64'], ['f64']).lane('f64x2.replace_lane', lane).set(result);
    c.end();
  }
  c.end();
}

export const emitSin = (v: Vec, x: Local): Local => emitTrig(v, x, 0);
export const emitCos = (v: Vec, x: Local): Local => emitTrig(v, x, 1);
