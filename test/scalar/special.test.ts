/**
 * The special functions of src/scalar/special.ts against python3's math,
 * numpy and mpmath values stored in `numpy-reference.json` (the script that
 * made them is in its "source" field; no Python runs at test time).
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  and64,
  erf,
  erfc,
  floatPow,
  intFloorDiv,
  intMod,
  intPow32,
  invert64,
  or64,
  pyFloorDiv,
  pyMod,
  roundHalfEven,
  sigmoid,
  softplus,
  xor64,
} from '../../src/scalar/special.js';

type Encoded = number | string;
const decode = (v: Encoded): number =>
  typeof v === 'number' ? v : ({ nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 } as Record<string, number>)[v]!;
const rows = (table: Encoded[][]): number[][] => table.map((r) => r.map(decode));
const show = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));

const ref = JSON.parse(readFileSync(new URL('./numpy-reference.json', import.meta.url), 'utf8')) as {
  erf: { rows: Encoded[][] };
  sigmoidSoftplus: { rows: Encoded[][] };
  round: Encoded[][];
  floorDivMod: Encoded[][];
  pow: Encoded[][];
  bitwise64: { a: number[]; b: number[]; and: number[]; or: number[]; xor: number[]; invertA: number[]; values: number[] };
};

/** Relative error of `got` against `want` (0 when identical, Infinity when one is NaN/inf and the other is not). */
function relErr(got: number, want: number): number {
  if (Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want))) return 0;
  if (!Number.isFinite(got) || !Number.isFinite(want)) return Infinity;
  if (want === 0) return got === 0 ? 0 : Infinity;
  return Math.abs(got - want) / Math.abs(want);
}

/** The rows where `fn` is off by more than `rtol`, described (empty when all pass). */
function badRows(cases: number[][], fn: (x: number) => number, col: number, rtol: number): string[] {
  const bad: string[] = [];
  for (const r of cases) {
    const got = fn(r[0]!);
    const e = relErr(got, r[col]!);
    if (e > rtol) bad.push(`x=${show(r[0]!)}: got ${show(got)}, want ${show(r[col]!)} (rel err ${e.toExponential(2)})`);
  }
  return bad;
}

describe('erf and erfc', () => {
  const table = rows(ref.erf.rows); // x, math.erf, math.erfc, mpmath.erf, mpmath.erfc

  it('match the correctly rounded values (mpmath) to 1e-14 relative, on [-6, 6] and beyond', () => {
    expect(table.length).toBeGreaterThan(400);
    expect(badRows(table, erf, 3, 1e-14)).toEqual([]);
    expect(badRows(table, erfc, 4, 1e-14)).toEqual([]);
  });

  it("match python3's math.erf / math.erfc (libm) to 1e-14 relative", () => {
    expect(badRows(table, erf, 1, 1e-14)).toEqual([]);
    expect(badRows(table, erfc, 2, 1e-14)).toEqual([]);
  });

  it('are within a few ulps of the exact values', () => {
    // The implementation targets ~1e-15; catch a silent loss of accuracy.
    expect(badRows(table, erf, 3, 4e-15)).toEqual([]);
    expect(badRows(table, erfc, 4, 4e-15)).toEqual([]);
  });

  it('erfc keeps its relative accuracy where it is tiny, and underflows to 0 past ~27.3', () => {
    for (const x of [5, 10, 20, 26, 27]) {
      const r = table.find((row) => row[0] === x)!;
      expect(relErr(erfc(x), r[4]!), `erfc(${x})`).toBeLessThan(1e-14);
      expect(erfc(x)).toBeGreaterThan(0);
    }
    expect(erfc(28)).toBe(0);
    expect(erfc(1e300)).toBe(0);
    expect(erfc(-1e300)).toBe(2);
  });

  it('handle ±0, ±Infinity, NaN and tiny arguments', () => {
    expect(erf(0)).toBe(0);
    expect(erf(-0)).toBe(-0);
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(NaN)).toBeNaN();
    expect(erfc(0)).toBe(1);
    expect(erfc(-0)).toBe(1);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(NaN)).toBeNaN();
    expect(erf(1e-300)).toBe(1.1283791670955126e-300);
    expect(erf(5e-324)).toBe(5e-324);
  });

  it('are odd / complementary: erf(-x) = -erf(x), erfc(-x) = 2 - erfc(x)', () => {
    for (let x = 0.01; x < 8; x += 0.173) {
      expect(erf(-x)).toBe(-erf(x));
      expect(relErr(erfc(-x), 2 - erfc(x))).toBeLessThan(1e-15);
      expect(relErr(erf(x) + erfc(x), 1)).toBeLessThan(1e-15);
    }
  });

  it('stay accurate on both sides of the method boundaries (0.5 and 4)', () => {
    const near = table.filter((r) => [0.49999999, 0.5, 0.50000001, 3.99999999, 4, 4.00000001].includes(r[0]!));
    expect(near.length).toBeGreaterThanOrEqual(6);
    expect(badRows(near, erf, 3, 2e-15)).toEqual([]);
    expect(badRows(near, erfc, 4, 2e-15)).toEqual([]);
  });
});

describe('sigmoid and softplus', () => {
  const table = rows(ref.sigmoidSoftplus.rows); // x, sigmoid, softplus (mpmath)

  it('match mpmath to 1e-15 relative over [-1000, 1000]', () => {
    expect(badRows(table, sigmoid, 1, 1e-15)).toEqual([]);
    expect(badRows(table, softplus, 2, 1e-15)).toEqual([]);
  });

  it('are finite and exact at the ends', () => {
    expect(sigmoid(1000)).toBe(1);
    expect(sigmoid(-1000)).toBe(0);
    expect(sigmoid(-700)).toBeGreaterThan(0); // e^-700 ≈ 9.9e-305, representable
    expect(relErr(sigmoid(-700), Math.exp(-700))).toBeLessThan(1e-15);
    expect(softplus(1000)).toBe(1000);
    expect(softplus(-1000)).toBe(0);
    expect(relErr(softplus(-700), Math.exp(-700))).toBeLessThan(1e-15);
    expect(softplus(0)).toBe(Math.LN2);
  });

  it('handle ±Infinity and NaN', () => {
    expect(sigmoid(Infinity)).toBe(1);
    expect(sigmoid(-Infinity)).toBe(0);
    expect(sigmoid(NaN)).toBeNaN();
    expect(softplus(Infinity)).toBe(Infinity);
    expect(softplus(-Infinity)).toBe(0);
    expect(softplus(NaN)).toBeNaN();
    expect(sigmoid(0)).toBe(0.5);
  });

  it('keep sigmoid(x) + sigmoid(-x) = 1 and softplus(x) - softplus(-x) = x', () => {
    for (let x = -30; x <= 30; x += 0.77) {
      expect(Math.abs(sigmoid(x) + sigmoid(-x) - 1)).toBeLessThanOrEqual(Number.EPSILON);
      expect(Math.abs(softplus(x) - softplus(-x) - x)).toBeLessThan(1e-14 * Math.max(1, Math.abs(x)));
    }
  });
});

describe('roundHalfEven = numpy.round', () => {
  it('matches numpy on ties, near-ties, huge values, ±0, ±inf, NaN', () => {
    const bad: string[] = [];
    for (const [x, want] of rows(ref.round)) {
      const got = roundHalfEven(x!);
      if (!Object.is(got, want)) bad.push(`round(${show(x!)}) = ${show(got)}, numpy ${show(want!)}`);
    }
    expect(bad).toEqual([]);
  });

  it('sends ties to the even neighbour', () => {
    expect([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5].map(roundHalfEven)).toEqual([0, 2, 2, 4, -0, -2, -2]);
    expect(roundHalfEven(-0.5)).toBe(-0);
  });
});

describe('floor division and modulo', () => {
  const table = rows(ref.floorDivMod); // a, b, numpy floor_divide, numpy remainder (float64)

  it('pyFloorDiv = numpy.floor_divide for float64, with all special values', () => {
    const bad: string[] = [];
    for (const [a, b, want] of table) {
      const got = pyFloorDiv(a!, b!);
      if (!Object.is(got, want)) bad.push(`${show(a!)} // ${show(b!)} = ${show(got)}, numpy ${show(want!)}`);
    }
    expect(bad).toEqual([]);
  });

  it('pyMod = numpy.remainder for float64, with signed zeros', () => {
    const bad: string[] = [];
    for (const [a, b, , want] of table) {
      const got = pyMod(a!, b!);
      if (!Object.is(got, want)) bad.push(`${show(a!)} % ${show(b!)} = ${show(got)}, numpy ${show(want!)}`);
    }
    expect(bad).toEqual([]);
  });

  it('agree with each other: a = (a // b) * b + a % b', () => {
    for (const [a, b] of table) {
      if (![a!, b!].every((v) => Number.isFinite(v) && Math.abs(v) < 1e15) || Math.abs(b!) < 1e-15) continue;
      const q = pyFloorDiv(a!, b!);
      const r = pyMod(a!, b!);
      expect(Math.abs(q * b! + r - a!)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(a!)));
    }
  });

  it('the classic cases: 1 // 0.1 is 9 (not 10), -7 // 2 is -4, -7 % 2 is 1, 7 % -2 is -1', () => {
    expect(pyFloorDiv(1, 0.1)).toBe(9);
    expect(pyMod(1, 0.1)).toBe(0.09999999999999995);
    expect(pyFloorDiv(-7, 2)).toBe(-4);
    expect(pyMod(-7, 2)).toBe(1);
    expect(pyMod(7, -2)).toBe(-1);
    expect(pyFloorDiv(1, 0)).toBe(Infinity);
    expect(pyFloorDiv(-1, 0)).toBe(-Infinity);
    expect(pyFloorDiv(0, 0)).toBeNaN();
    expect(pyMod(1, 0)).toBeNaN();
  });

  it('integer versions: numpy signs, 0 for division by zero, never -0', () => {
    const cases: [number, number, number, number][] = [
      // a, b, a // b, a % b (python3 / numpy)
      [7, 2, 3, 1],
      [-7, 2, -4, 1],
      [7, -2, -4, -1],
      [-7, -2, 3, -1],
      [6, -3, -2, 0],
      [-6, 3, -2, 0],
      [0, -5, 0, 0],
      [5, 0, 0, 0],
      [-5, 0, 0, 0],
      [0, 0, 0, 0],
      [2 ** 52, 3, 1501199875790165, 1],
      [-(2 ** 52), 3, -1501199875790166, 2],
    ];
    for (const [a, b, q, r] of cases) {
      expect(intFloorDiv(a, b), `${a} // ${b}`).toBe(q);
      expect(intMod(a, b), `${a} % ${b}`).toBe(r);
    }
  });
});

describe('powers', () => {
  it('floatPow = numpy.power (C pow) on every special pair', () => {
    const bad: string[] = [];
    for (const [a, b, want] of rows(ref.pow)) {
      const got = floatPow(a!, b!);
      // Exact wherever the result is 0, ±inf, NaN or an integer; V8's Math.pow
      // may be 1 ulp off elsewhere (2 ** -0.5).
      const exact = !Number.isFinite(want!) || Number.isInteger(want!);
      const ok = exact ? Object.is(got, want) : relErr(got, want!) <= Number.EPSILON;
      if (!ok) bad.push(`${show(a!)} ** ${show(b!)} = ${show(got)}, numpy ${show(want!)}`);
    }
    expect(bad).toEqual([]);
  });

  it('floatPow fixes what Math.pow gets wrong: 1 ** NaN, 1 ** inf, (-1) ** ±inf are 1', () => {
    expect(Math.pow(1, NaN)).toBeNaN(); // the JS behaviour being corrected
    expect(floatPow(1, NaN)).toBe(1);
    expect(floatPow(1, Infinity)).toBe(1);
    expect(floatPow(-1, Infinity)).toBe(1);
    expect(floatPow(-1, -Infinity)).toBe(1);
    expect(floatPow(NaN, 0)).toBe(1);
    expect(floatPow(NaN, 1)).toBeNaN();
    expect(floatPow(-8, 1 / 3)).toBeNaN();
  });

  it('intPow32 wraps modulo 2^32 exactly', () => {
    expect(intPow32(3, 40)).toBe(689956897); // numpy: np.int32(3) ** 40
    expect(intPow32(-3, 3)).toBe(-27);
    expect(intPow32(2, 31)).toBe(-2147483648);
    expect(intPow32(2, 32)).toBe(0);
    expect(intPow32(7, 0)).toBe(1);
    expect(intPow32(0, 0)).toBe(1);
    expect(intPow32(4294967295, 3) >>> 0).toBe(4294967295); // (2^32 - 1)^3 mod 2^32 as uint32
    expect(intPow32(65535, 2) >>> 0).toBe(4294836225);
  });

  it('intPow32 with a negative exponent truncates the real power (numpy refuses it)', () => {
    expect(intPow32(2, -1)).toBe(0);
    expect(intPow32(1, -5)).toBe(1);
    expect(intPow32(-1, -3)).toBe(-1);
    expect(intPow32(-1, -2)).toBe(1);
  });
});

describe('64-bit bitwise operations', () => {
  const t = ref.bitwise64;

  it('and64 / or64 / xor64 = numpy int64 &, |, ^ (negatives, values past 32 bits)', () => {
    const bad: string[] = [];
    t.a.forEach((a, i) => {
      const b = t.b[i]!;
      if (and64(a, b) !== t.and[i]) bad.push(`${a} & ${b} = ${and64(a, b)}, numpy ${t.and[i]}`);
      if (or64(a, b) !== t.or[i]) bad.push(`${a} | ${b} = ${or64(a, b)}, numpy ${t.or[i]}`);
      if (xor64(a, b) !== t.xor[i]) bad.push(`${a} ^ ${b} = ${xor64(a, b)}, numpy ${t.xor[i]}`);
    });
    expect(bad).toEqual([]);
  });

  it('invert64 = numpy ~ on int64', () => {
    expect(t.values.map(invert64)).toEqual(t.invertA);
    expect(invert64(0)).toBe(-1);
    expect(invert64(-1)).toBe(0);
  });
});
