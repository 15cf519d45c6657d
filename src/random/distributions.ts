/**
 * The elementwise distributions of RandomStream, as a table: parameter
 * names, which dtypes they may produce, a check of one element's
 * parameters (the message says what was expected), and a sampler reading
 * from a PhiloxReader. Methods:
 * - uniform: low + (high - low)·u, u a 53-bit uniform in [0, 1);
 * - normal: Box–Muller (see PhiloxReader.nextNormal);
 * - truncatedNormal: normals redrawn until within 2 standard deviations
 *   (TensorFlow's / Keras's `truncated_normal`);
 * - bernoulli: u < p;
 * - binomial: exact. np < 10 by inversion of the CDF (sequential search);
 *   otherwise Hörmann's BTRS transformed rejection with squeeze (as
 *   TensorFlow and PyTorch), with log-factorials by a Lanczos lgamma;
 *   p > 0.5 draws n - Binomial(n, 1 - p);
 * - integers: rejection sampling of uniform words, unbiased, range ≤ 2^53.
 */
import { dtypeInfo, isFloat, type DType } from '../ndarray/dtype.js';
import type { PhiloxReader } from './philox.js';

export type DistributionName = 'uniform' | 'normal' | 'truncatedNormal' | 'bernoulli' | 'binomial' | 'integers';

export interface Distribution {
  /** Parameter names, in the op's input order. */
  readonly params: readonly string[];
  /** 'float': float dtypes only; 'integer': integer dtypes only; 'any': any numeric dtype or bool. */
  readonly dtypes: 'float' | 'integer' | 'any';
  /** A message saying what was expected when these parameter values are invalid; null when fine. */
  check(values: readonly number[], dtype: DType): string | null;
  sample(g: PhiloxReader, values: readonly number[], dtype: DType): number;
}

const finite = (name: string, v: number): string | null => (Number.isFinite(v) ? null : `${name} must be finite, got ${v}`);

function checkProbability(p: number): string | null {
  return p >= 0 && p <= 1 ? null : `p must be a probability in [0, 1], got ${p}`;
}

function checkCount(n: number): string | null {
  return Number.isSafeInteger(n) && n >= 0 ? null : `n must be a non-negative integer, got ${n}`;
}

/** log Γ(x) for x ≥ 1 by Lanczos' approximation (g = 7, 9 terms; relative error ~1e-15). */
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
export function lgamma(x: number): number {
  const z = x - 1;
  let a = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Binomial(n, p) for p ≤ 0.5 by inversion: walk the CDF from 0 (np < 10, so q^n does not underflow). */
function binomialInversion(g: PhiloxReader, n: number, p: number): number {
  const q = 1 - p;
  const s = p / q;
  const a = (n + 1) * s;
  const r0 = Math.pow(q, n);
  for (;;) {
    let r = r0;
    let u = g.nextDouble();
    let x = 0;
    while (u > r) {
      u -= r;
      x++;
      if (x > n) break; // rounding left a sliver of mass: draw again
      r *= a / x - s;
    }
    if (x <= n) return x;
  }
}

/** Binomial(n, p) for p ≤ 0.5, np ≥ 10, by BTRS (Hörmann 1993, "The generation of binomial random variates"). */
function binomialBtrs(g: PhiloxReader, n: number, p: number): number {
  const spq = Math.sqrt(n * p * (1 - p));
  const b = 1.15 + 2.53 * spq;
  const a = -0.0873 + 0.0248 * b + 0.01 * p;
  const c = n * p + 0.5;
  const vr = 0.92 - 4.2 / b;
  const alpha = (2.83 + 5.1 / b) * spq;
  const lpq = Math.log(p / (1 - p));
  const m = Math.floor((n + 1) * p);
  const h = lgamma(m + 1) + lgamma(n - m + 1);
  for (;;) {
    const u = g.nextDouble() - 0.5;
    let v = g.nextDouble();
    const us = 0.5 - Math.abs(u);
    const k = Math.floor(((2 * a) / us + b) * u + c);
    if (k < 0 || k > n) continue;
    if (us >= 0.07 && v <= vr) return k;
    v = Math.log((v * alpha) / (a / (us * us) + b));
    if (v <= h - lgamma(k + 1) - lgamma(n - k + 1) + (k - m) * lpq) return k;
  }
}

function binomial(g: PhiloxReader, n: number, p: number): number {
  if (n === 0 || p === 0) return 0;
  if (p === 1) return n;
  if (p > 0.5) return n - binomial(g, n, 1 - p);
  return n * p < 10 ? binomialInversion(g, n, p) : binomialBtrs(g, n, p);
}

/** The largest value stored exactly by a dtype's integers (2^53 for the 64-bit ones, held in doubles). */
function integerBounds(dtype: DType): [number, number] {
  const info = dtypeInfo(dtype);
  return [Math.max(info.min, -(2 ** 53)), Math.min(info.max, 2 ** 53)];
}

export const DISTRIBUTIONS: Readonly<Record<DistributionName, Distribution>> = {
  uniform: {
    params: ['low', 'high'],
    dtypes: 'float',
    check: ([low, high]) => finite('low', low!) ?? finite('high', high!) ?? (low! <= high! ? null : `low must be <= high, got low = ${low}, high = ${high}`),
    sample(g, [low, high], dtype) {
      const span = high! - low!;
      for (;;) {
        const v = low! + span * g.nextDouble();
        // float32 rounding may land on `high`; [low, high) is kept by drawing again.
        if (dtype !== 'float32' || span === 0 || Math.fround(v) < high!) return v;
      }
    },
  },
  normal: {
    params: ['avg', 'std'],
    dtypes: 'float',
    check: ([avg, std]) => finite('avg', avg!) ?? (std! >= 0 && Number.isFinite(std) ? null : `std must be finite and >= 0, got ${std}`),
    sample: (g, [avg, std]) => avg! + std! * g.nextNormal(),
  },
  truncatedNormal: {
    params: ['avg', 'std'],
    dtypes: 'float',
    check: ([avg, std]) => finite('avg', avg!) ?? (std! >= 0 && Number.isFinite(std) ? null : `std must be finite and >= 0, got ${std}`),
    sample(g, [avg, std]) {
      for (;;) {
        const z = g.nextNormal();
        if (Math.abs(z) <= 2) return avg! + std! * z;
      }
    },
  },
  bernoulli: {
    params: ['p'],
    dtypes: 'any',
    check: ([p]) => checkProbability(p!),
    sample: (g, [p]) => (g.nextDouble() < p! ? 1 : 0),
  },
  binomial: {
    params: ['n', 'p'],
    dtypes: 'any',
    check: ([n, p], dtype) =>
      checkCount(n!) ??
      checkProbability(p!) ??
      (isFloat(dtype) || n! <= dtypeInfo(dtype).max ? null : `n = ${n} does not fit dtype ${dtype} (values up to ${dtypeInfo(dtype).max})`),
    sample: (g, [n, p]) => binomial(g, n!, p!),
  },
  integers: {
    params: ['low', 'high'],
    dtypes: 'integer',
    check([low, high], dtype) {
      if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) return `low and high must be integers, got low = ${low}, high = ${high}`;
      if (low! >= high!) return `low must be < high (high is exclusive), got low = ${low}, high = ${high}`;
      if (high! - low! > 2 ** 53) return `high - low must be at most 2^53, got ${high! - low!}`;
      const [min, max] = integerBounds(dtype);
      if (low! < min || high! - 1 > max) return `[${low}, ${high}) does not fit dtype ${dtype} (values ${min}..${max})`;
      return null;
    },
    sample: (g, [low, high]) => low! + g.nextBelow(high! - low!),
  },
};

/** Whether `dist` may produce `dtype`. */
export function dtypeAllowed(dist: Distribution, dtype: DType): boolean {
  if (dist.dtypes === 'float') return isFloat(dtype);
  if (dist.dtypes === 'integer') return dtypeInfo(dtype).kind === 'i' || dtypeInfo(dtype).kind === 'u';
  return true;
}
