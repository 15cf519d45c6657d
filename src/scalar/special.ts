/**
 * Scalar functions JavaScript's Math lacks, written to be accurate and
 * stable over the whole float64 range: erf/erfc, sigmoid, softplus, numpy's
 * half-to-even rounding, exact wrap-around integer power, Python-style
 * modulo, and 64-bit bitwise operations.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/**
 * erf(x) = 2/√π · e^(-x²) · Σ (2x²)ⁿ x / (2n+1)!! — every term positive, so
 * no cancellation; used for |x| < 2.5, where it needs under 60 terms.
 */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
}

/**
 * erfc(x) for x >= 2.5 by its continued fraction, evaluated with the
 * modified Lentz method: erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).
 */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? tiny : d;
    c = x + a / c;
    c = c === 0 ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (ONE_OVER_SQRT_PI * Math.exp(-x * x)) / f;
}

/** The error function; accurate to about 1e-15 relative. */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const a = Math.abs(x);
  if (a < 2.5) return erfSeries(x);
  const r = 1 - erfcContinuedFraction(a);
  return x < 0 ? -r : r;
}

/** The complementary error function 1 - erf(x), without cancellation for large x. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 2.5) return erfcContinuedFraction(x);
  if (x <= -2.5) return 2 - erfcContinuedFraction(-x);
  return 1 - erfSeries(x);
}

/** 1 / (1 + e^(-x)), never overflowing: the exponent is always of -|x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x), finite for every finite x. */
export function softplus(x: number): number {
  if (x > 0) return x + Math.log1p(Math.exp(-x));
  return Math.log1p(Math.exp(x));
}

/** numpy's round: to nearest, ties to even. */
export function roundHalfEven(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  // Math.round sends ties up; a tie whose result is odd goes down instead.
  if (r - x === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/** Python's modulo: the result takes the divisor's sign; x % 0 is NaN (0 for integer dtypes, see intMod). */
export function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

/** Integer modulo as numpy: the divisor's sign, and 0 when dividing by 0. */
export function intMod(a: number, b: number): number {
  return b === 0 ? 0 : pyMod(a, b);
}

/** Integer floor division as numpy: 0 when dividing by 0. */
export function intFloorDiv(a: number, b: number): number {
  return b === 0 ? 0 : Math.floor(a / b);
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
