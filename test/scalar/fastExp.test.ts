/**
 * src/scalar/fastExp.ts against Math.exp: the special values exactly, and
 * dense sweeps over the whole range within 1 ulp (ulps counted on the bit
 * patterns, which for non-negative doubles are ordered like the values).
 */
import { seededRandom } from '../../src/gradient/verify.js';
import { describe, it, expect } from 'vitest';
import { exp } from '../../src/scalar/fastExp.js';

const f64 = new Float64Array(2);
const i64 = new BigInt64Array(f64.buffer);

/** Doubles between a and b (both >= 0, Infinity counting as the one after the largest finite). */
function ulpDistance(a: number, b: number): number {
  if (a === b) return 0;
  if (Number.isNaN(a) || Number.isNaN(b)) return Infinity;
  f64[0] = a;
  f64[1] = b;
  const d = i64[0]! - i64[1]!;
  return Number(d < 0n ? -d : d);
}

/** The next double up (+1) or down (-1) from a finite x. */
function step(x: number, dir: 1 | -1): number {
  if (x === 0) return dir * Number.MIN_VALUE;
  f64[0] = x;
  i64[0] = i64[0]! + ((x > 0) === (dir > 0) ? 1n : -1n);
  return f64[0];
}

/** A small deterministic generator so failures reproduce. */
const rng = seededRandom;

interface Stats {
  count: number;
  differing: number;
  maxUlps: number;
  worstX: number;
}

function compare(xs: Float64Array): Stats {
  let differing = 0;
  let maxUlps = 0;
  let worstX = NaN;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!;
    const ours = exp(x);
    const ref = Math.exp(x);
    if (ours === ref) continue;
    differing++;
    const d = ulpDistance(ours, ref);
    if (d > maxUlps) {
      maxUlps = d;
      worstX = x;
    }
  }
  return { count: xs.length, differing, maxUlps, worstX };
}

function expectWithinOneUlp(xs: Float64Array): Stats {
  const s = compare(xs);
  expect(s.maxUlps, `worst x = ${s.worstX}`).toBeLessThanOrEqual(1);
  return s;
}

/** count points uniform in [lo, hi). */
function uniform(lo: number, hi: number, count: number, seed: number): Float64Array {
  const next = rng(seed);
  const xs = new Float64Array(count);
  for (let i = 0; i < count; i++) xs[i] = lo + (hi - lo) * next();
  return xs;
}

/** x and the `radius` doubles on each side of it. */
function around(x: number, radius: number): Float64Array {
  const xs: number[] = [x];
  let up = x;
  let down = x;
  for (let i = 0; i < radius; i++) {
    up = step(up, 1);
    down = step(down, -1);
    xs.push(up, down);
  }
  return Float64Array.from(xs);
}

describe('fastExp special values', () => {
  it('is exact at 0, ±Infinity and NaN', () => {
    expect(exp(0)).toBe(1);
    expect(exp(-0)).toBe(1);
    expect(exp(NaN)).toBeNaN();
    expect(exp(Infinity)).toBe(Infinity);
    expect(Object.is(exp(-Infinity), 0)).toBe(true);
  });

  it('overflows to Infinity exactly where Math.exp does', () => {
    const last = 709.782712893384; // the largest x with a finite e^x
    expect(Number.isFinite(exp(last))).toBe(true);
    expect(exp(last)).toBe(Math.exp(last));
    expect(exp(step(last, 1))).toBe(Infinity);
    for (const x of [709.8, 710, 800, 1e10, 1e308, Number.MAX_VALUE]) expect(exp(x)).toBe(Infinity);
    for (const x of around(last, 2000)) expect(ulpDistance(exp(x), Math.exp(x)), `x = ${x}`).toBeLessThanOrEqual(1);
  });

  it('underflows to +0 exactly where Math.exp does', () => {
    const last = -745.1332191019411; // the smallest x whose e^x rounds up to 2^-1074
    expect(exp(last)).toBe(Number.MIN_VALUE);
    expect(Object.is(exp(step(last, -1)), 0)).toBe(true);
    for (const x of [-745.2, -746, -800, -1e10, -1e308, -Number.MAX_VALUE]) expect(Object.is(exp(x), 0)).toBe(true);
    for (const x of around(last, 2000)) expect(ulpDistance(exp(x), Math.exp(x)), `x = ${x}`).toBeLessThanOrEqual(1);
  });

  it('matches Math.exp for tiny |x|', () => {
    for (let e = 28; e <= 1074; e++) {
      const x = 2 ** -e;
      expect(exp(x), `x = 2^-${e}`).toBe(Math.exp(x));
      expect(exp(-x), `x = -2^-${e}`).toBe(Math.exp(-x));
    }
    expect(exp(2 ** -60)).toBe(1);
    expect(exp(-(2 ** -60))).toBe(1);
    expect(exp(Number.MIN_VALUE)).toBe(1);
  });

  it('is correctly rounded where Math.exp is not (values from mpmath at 40 digits)', () => {
    const cases: [number, number][] = [
      [-338.2724569105617, 1.2306614136886268e-147],
      [72.31074249079904, 2.53604202544054e31],
      [-43.96485731170105, 8.059443811981297e-20],
      [-591.6249794230923, 1.1495717438629689e-257],
      [-78.7577456080179, 6.250944965338246e-35],
      [154.88006361013856, 1.8346658733103155e67],
      [-246.3760369129027, 1.0005681988240271e-107],
      [460.0431257280143, 6.225739448471284e199],
    ];
    // (Node 20's Math.exp returns the neighbouring double for each of these.)
    for (const [x, want] of cases) expect(exp(x), `x = ${x}`).toBe(want);
  });

  it('keeps small integers and ln2 multiples close', () => {
    expect(exp(1)).toBe(Math.E);
    for (let n = -1074; n <= 1023; n++) {
      const x = n * Math.LN2;
      expect(ulpDistance(exp(x), Math.exp(x)), `x = ${n}·ln2`).toBeLessThanOrEqual(1);
    }
  });
});

describe('fastExp sweeps within 1 ulp of Math.exp', () => {
  it('over the whole range [-746, 710]', () => {
    const s = expectWithinOneUlp(uniform(-746, 710, 2_000_000, 1));
    // Math.exp (fdlibm) misrounds about 7-10% of these; fastExp almost never does.
    expect(s.differing / s.count).toBeLessThan(0.15);
  });

  it('near 0', () => {
    expectWithinOneUlp(uniform(-1e-3, 1e-3, 200_000, 2));
    expectWithinOneUlp(uniform(-1, 1, 200_000, 3));
    // log-spaced magnitudes from 2^-60 to 2^3, both signs
    const next = rng(4);
    const xs = new Float64Array(200_000);
    for (let i = 0; i < xs.length; i++) xs[i] = (i & 1 ? -1 : 1) * 2 ** (-60 + 63 * next());
    expectWithinOneUlp(xs);
  });

  it('near overflow and in the subnormal range', () => {
    expectWithinOneUlp(uniform(707, 709.782712893384, 200_000, 5));
    expectWithinOneUlp(uniform(-745.2, -707, 400_000, 6));
    // where the results leave the normal range (ln(2^-1022)) and where the fast path ends
    for (const x of [-708.3964185322641, -708, 708]) expectWithinOneUlp(around(x, 3000));
  });

  it('near the reduction boundaries (k ± 1/2)·ln2/256', () => {
    // There r is near ±ln2/512 (largest polynomial error) and the rounding of k may go either way.
    const next = rng(7);
    const xs = new Float64Array(300_000);
    const ln2n = Math.LN2 / 256;
    for (let i = 0; i < xs.length; i += 3) {
      const k = Math.floor(-275_000 + 537_000 * next());
      const mid = (k + 0.5) * ln2n;
      xs[i] = mid;
      xs[i + 1] = step(mid, 1);
      xs[i + 2] = k * ln2n; // r near 0
    }
    expectWithinOneUlp(xs);
  });
});
