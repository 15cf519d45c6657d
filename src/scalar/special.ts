/**
 * Scalar functions JavaScript's Math lacks, written to be accurate and
 * stable over the whole float64 range: erf/erfc, sigmoid, softplus, numpy's
 * half-to-even rounding, exact wrap-around integer power, numpy's floor
 * division and modulo, C's pow, and 64-bit bitwise operations.
 */
import { exp } from './fastExp.js';

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/**
 * erf(a) for 0 <= a < 0.5: 2/√π · e^(-a²) · Σ (2a²)ⁿ a / (2n+1)!!, every
 * term positive, so no cancellation (under 20 terms here).
 */
function erfSeries(a: number): number {
  const a2 = a * a;
  let term = a;
  let sum = a;
  for (let n = 1; n < 100; n++) {
    term *= (2 * a2) / (2 * n + 1);
    sum += term;
    if (term <= sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * exp(-a2) * sum;
}

/**
 * e^(-a²) without the error of rounding a² first (which grows with a², about
 * 1e-13 relative at a = 26): a = hi + lo with hi of 24 bits, so hi² is exact.
 */
function expMinusSquare(a: number): number {
  const hi = Math.fround(a);
  return exp(-hi * hi) * exp(-(a - hi) * (a + hi));
}

/**
 * Chebyshev coefficients of erfcx(x) = e^(x²) erfc(x) on [0.5, 4] (the first
 * one already halved), computed with mpmath at 60 digits by the script
 * stored in test/scalar/numpy-reference.json (its "erfcxChebyshev" entry);
 * the fit is exact to 1e-17 relative. In this range erfc comes neither from
 * 1 - erf (which cancels) nor from the continued fraction (slow to converge).
 */
const ERFCX_CHEB = [
  0.2968184547907382, -0.2143991088682926, 0.07208344566478073, -0.022822076624612848, 0.0068604486580147684,
  -0.001970190933285587, 0.0005431390253291964, -0.00014428962371333733, 3.7055640273764505e-5, -9.22394902493437e-6,
  2.23047592465587e-6, -5.249700976478114e-7, 1.2046393237706074e-7, -2.699013923723599e-8, 5.912153379873151e-9,
  -1.2676062940194933e-9, 2.6630247852094185e-10, -5.4869141323025715e-11, 1.1097252475658394e-11,
  -2.204837663744285e-12, 4.3064817300928893e-13, -8.274455383566313e-14, 1.5649157812858674e-14,
  -2.914886350084187e-15, 5.350055922388577e-16, -9.680825484561455e-17, 1.7277510011675384e-17,
  -3.042630959358315e-18,
];

/** erfcx(a) for 0.5 <= a <= 4 by Clenshaw's recurrence over ERFCX_CHEB. */
function erfcxChebyshev(a: number): number {
  const t = (2 * a - 4.5) / 3.5; // [0.5, 4] → [-1, 1]
  const t2 = 2 * t;
  let b1 = 0;
  let b2 = 0;
  for (let k = ERFCX_CHEB.length - 1; k >= 1; k--) {
    const b0 = t2 * b1 - b2 + ERFCX_CHEB[k]!;
    b2 = b1;
    b1 = b0;
  }
  return t * b1 - b2 + ERFCX_CHEB[0]!;
}

/**
 * erfc(a) for a > 4 as Q(1/2, a²) by Legendre's continued fraction (modified
 * Lentz): erfc(a) = a e^(-a²)/√π · 1/(z+1/2 - (1·1/2)/(z+5/2 - (2·3/2)/(z+9/2 - …))), z = a².
 * Under 20 steps at a = 4, fewer beyond.
 */
function erfcContinuedFraction(a: number): number {
  const tiny = 1e-300;
  const z = a * a;
  let b = z + 0.5;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let n = 1; n < 100; n++) {
    const an = -n * (n - 0.5);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return ONE_OVER_SQRT_PI * a * expMinusSquare(a) * h;
}

/** erfc(a) for a >= 0.5 (0 once it underflows, past a ≈ 27.3). */
function erfcPositive(a: number): number {
  if (a <= 4) return erfcxChebyshev(a) * expMinusSquare(a);
  if (a >= 28) return 0;
  return erfcContinuedFraction(a);
}

/** The error function; within a few ulps (about 1e-15 relative) everywhere. */
export function erf(x: number): number {
  if (Number.isNaN(x) || x === 0) return x; // erf(±0) = ±0
  const a = Math.abs(x);
  const r = a < 0.5 ? erfSeries(a) : 1 - erfcPositive(a);
  return x < 0 ? -r : r;
}

/** The complementary error function 1 - erf(x), relatively accurate also where it is tiny (large x). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 0.5) return x < 0 ? 1 + erfSeries(a) : 1 - erfSeries(a);
  const r = erfcPositive(a);
  return x < 0 ? 2 - r : r;
}

/** 1 / (1 + e^(-x)). */
export function sigmoid(x: number): number {
  // Never NaN, and accurate to an ulp or two. Below -708 exp(-x) overflows, so use sigmoid(x) ≈ e^x there
  // (keeping the subnormal results); that branch is almost never taken, so it costs nothing in loops.
  return x < -708 ? exp(x) : 1 / (1 + exp(-x));
}

/** log(1 + e^x), finite for every finite x. */
export function softplus(x: number): number {
  if (x > 0) return x + Math.log1p(exp(-x));
  return Math.log1p(exp(x));
}

/** numpy's round: to nearest, ties to even. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  // Math.round sends ties up; a tie whose result is odd goes down instead.
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/**
 * numpy's float floor division (npy_divmod): the quotient is derived from
 * fmod so that x // y and x % y agree (1 // 0.1 is 9, not floor(1 / 0.1) =
 * 10); x // 0 is ±inf or NaN; a zero quotient carries the sign of x / y.
 */
export function pyFloorDiv(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && mod < 0 !== b < 0) div -= 1;
  if (div === 0) return 0 * (a / b); // signed zero, as numpy
  const floor = Math.floor(div);
  return div - floor > 0.5 ? floor + 1 : floor;
}

/**
 * Python's/numpy's float modulo: the result takes the divisor's sign (a zero
 * result too: -0.0 % 1 is 0.0, 1 % -1 is -0.0); x % 0 is NaN.
 */
export function pyMod(a: number, b: number): number {
  const r = a % b;
  if (b === 0) return r;
  if (r === 0) return b < 0 ? -0 : 0;
  return r < 0 !== b < 0 ? r + b : r;
}

/** Integer modulo as numpy: the divisor's sign, and 0 when dividing by 0. */
export function intMod(a: number, b: number): number {
  if (b === 0) return 0;
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r + 0; // + 0: no -0 in integer results
}

/** Integer floor division as numpy: 0 when dividing by 0 (exact for |a| < 2^53). */
export function intFloorDiv(a: number, b: number): number {
  return b === 0 ? 0 : Math.floor(a / b) + 0;
}

/**
 * Float a ** b as C's pow (numpy): 1 ** y is 1 and (-1) ** ±inf is 1, even
 * for y = NaN, where JS's Math.pow gives NaN.
 */
export function floatPow(a: number, b: number): number {
  if (a === 1 || (a === -1 && (b === Infinity || b === -Infinity))) return 1;
  return Math.pow(a, b);
}

/**
 * a ** b for 32-bit-or-narrower integers, exact modulo 2³² (the typed array
 * store wraps further to the output width). Negative exponents give the
 * truncated real result (1 / a^|b| → 0 unless |a| = 1).
 */
export function intPow32(a: number, b: number): number {
  if (b < 0) return Math.trunc(Math.pow(a, b));
  let result = 1;
  let base = a | 0;
  let e = b;
  while (e > 0) {
    if (e & 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
    e = Math.floor(e / 2);
  }
  return result;
}

/** Signed 64-bit bitwise operations on integral doubles (exact within ±2^53). */
const toI64 = (x: number): bigint => BigInt.asIntN(64, BigInt(Math.trunc(x)));
export const and64 = (a: number, b: number): number => Number(toI64(a) & toI64(b));
export const or64 = (a: number, b: number): number => Number(toI64(a) | toI64(b));
export const xor64 = (a: number, b: number): number => Number(toI64(a) ^ toI64(b));
export const invert64 = (a: number): number => Number(~toI64(a));
