/**
 * Polynomial coefficients and reduction constants of the SIMD math kernels,
 * lowest degree first. Every polynomial was fitted for this project with
 * mpmath (60 digits) as `mpmath.chebyfit(g, [a, b], degree + 1)` — the
 * Chebyshev interpolant, within a small factor of minimax — and then rounded
 * to the lane precision (float64, or Math.fround for float32). The fitted
 * functions g are chosen so that the leading terms are exact:
 *
 *   expm1:  g(r) = (expm1(r) - r - r²/2) / r³          r in [-0.35, 0.35]
 *   log:    g(z) = (log((1+s)/(1-s)) - 2s) / (s·z)      z = s² in [0, 0.0295]
 *   sin:    g(z) = (sin(r) - r) / (r·z)                 z = r² in [0, 0.62]
 *   cos:    g(z) = (cos(r) - 1 + z/2) / z²              z = r² in [0, 0.62]
 *
 * The fit errors, measured with mpmath on 2001 points and expressed relative
 * to the final function, are below 0.03 ulp (float64) and 0.05 ulp (float32),
 * so the kernels' error comes from floating-point evaluation, not the fits.
 */

/** expm1(r) ≈ r + r²/2 + r³·Σ EXPM1[i]·rⁱ (degree 12 overall). */
export const EXPM1_F64 = [
  0.16666666666666669, 0.041666666666666664, 0.008333333333329796, 0.0013888888888886363, 0.00019841269864364933,
  2.4801587318080937e-5, 2.7557266442353424e-6, 2.7557281528710364e-7, 2.5101335854788522e-8, 2.0911915299044694e-9,
];
/**
 * e^r = 1 + 2r/(2 - c), c = r - z·Σ EXP_RATIONAL[i]·zⁱ, z = r² (f64 exp
 * only): g(z) = (r·coth(r/2) - 2)/z fitted on z in [0, 0.1225], degree 4;
 * the whole form is within 0.011 ulp of e^r for |r| <= 0.35 (mpmath, 2000
 * points). Fewer operations than the degree-12 polynomial, one division.
 */
export const EXP_RATIONAL_F64 = [
  0.1666666666666666, -0.0027777777777547147, 6.613756463092208e-5, -1.6534046910544218e-6, 4.143148221625016e-8,
];

/** Degree 7 overall, for float32. */
export const EXPM1_F32 = [0.1666666716337204, 0.04166654869914055, 0.00833332072943449, 0.0013926918618381023, 0.00019883514323737472];

/** log((1+s)/(1-s)) ≈ 2s + s·z·Σ LOG[i]·zⁱ with z = s². */
export const LOG_F64 = [
  0.666666666666667, 0.3999999999989819, 0.28571428626570206, 0.2222221103781659, 0.18182896183483085,
  0.15331487235865734, 0.14619343453512615,
];
export const LOG_F32 = [0.6666668653488159, 0.3998873233795166, 0.29582157731056213];

/** sin(r) ≈ r + r·z·Σ SIN[i]·zⁱ, cos(r) ≈ 1 - z/2 + z²·Σ COS[i]·zⁱ, z = r², |r| <= π/4. */
export const SIN_F64 = [
  -0.16666666666666666, 0.008333333333333331, -0.0001984126984126494, 2.7557319219243677e-6, -2.505210619936182e-8,
  1.6058526388142101e-10, -7.586389554705215e-13,
];
export const COS_F64 = [
  0.041666666666666664, -0.0013888888888887359, 2.48015872987077e-5, -2.755731724172776e-7, 2.0876140031390975e-9,
  -1.138218421447753e-11,
];
export const SIN_F32 = [-0.1666666716337204, 0.008333331905305386, -0.00019840073946397752, 2.7248365768173244e-6];
export const COS_F32 = [0.0416666641831398, -0.001388829667121172, 2.454665445839055e-5];

/**
 * ln 2 = LN2_HI + LN2_LO with LN2_HI truncated to 32 (float64) or 16
 * (float32) significant bits, so k·LN2_HI is exact for every exponent k a
 * kernel meets (Cody–Waite).
 */
export const LN2_HI_F64 = 0.6931471803691238;
export const LN2_LO_F64 = 1.9082149292705877e-10;
export const LN2_HI_F32 = 0.693145751953125;
export const LN2_LO_F32 = 1.428606765330187e-6;
export const LOG2E = 1.4426950408889634;

/**
 * π/2 = PIO2_1 + PIO2_2 + PIO2_3 (float64): the first two truncated to 32
 * bits, so k·PIO2_1 and k·PIO2_2 are exact for |k| < 2^21.
 */
export const PIO2_1 = 1.5707963267341256;
export const PIO2_2 = 6.077100506303966e-11;
export const PIO2_3 = 2.0222662487959506e-21;
export const TWO_OVER_PI = 0.6366197723675814;

/**
 * erf(a) ≈ a·Σ ERF_SMALL[i]·zⁱ, z = a², for 0 <= a < 1: g(z) = erf(√z)/√z
 * fitted on z in [0, 1] (degree 12 for f64, 6 for f32).
 */
export const ERF_SMALL_F64 = [
  1.1283791670955126, -0.3761263890318375, 0.11283791670954879, -0.026866170645076792, 0.0052239776248180145,
  -0.000854832698083379, 0.0001205533111164271, -1.4925595266831182e-5, 1.6461000484121368e-6, -1.6350312701054695e-7,
  1.4659775274047436e-8, -1.1372848856791674e-9, 5.957176147748911e-11,
];
export const ERF_SMALL_F32 = [
  1.1283791670955126, -0.3761262595653534, 0.11283594369888306, -0.02685421146452427, 0.005189087241888046,
  -0.000801686430349946, 7.875874871388078e-5,
];

/**
 * erfc(a) ≈ e^(-a²)·t·Σ ERFC[i]·tⁱ with t = 1/(1 + P·a), for a >= 1:
 * g(t) = erfcx((1-t)/(P·t))/t fitted in t over a in [1, 6] (P = 0.3, degree
 * 14, f64) or [1, 4] (P = 0.5, degree 6, f32); beyond, erf rounds to 1.
 * Fit error below 0.08 (f64) and 0.03 (f32) ulp of erf.
 */
export const ERFC_P_F64 = 0.3;
export const ERFC_F64 = [
  0.1692580495124102, 0.1692232488477464, 0.16208656551453562, 0.14276827541883103, 0.14495795513455553,
  0.01540142287550152, 0.32236986973376436, -0.5398616396912167, 1.0514246063318033, -1.3692946330259055,
  1.3560462260632002, -0.9567935538722449, 0.4291459043434817, -0.10855881469499883, 0.01182650970803865,
];
export const ERFC_P_F32 = 0.5;
export const ERFC_F32 = [
  0.2826198935508728, 0.2741515636444092, 0.2976126968860626, -0.0001439088664483279, 0.4365275800228119,
  -0.3857676386833191, 0.0948963463306427,
];
