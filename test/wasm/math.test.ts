/**
 * The SIMD math emitters (src/wasm/math) run inside a real loop body
 * (buildMathMap) against the JS executor's definitions: dense sweeps over
 * each function's domain with the largest ulp error asserted below the
 * bound documented in the function's file, random float32 bit patterns, and
 * special values (±0, ±Inf, NaN, subnormals, overflow and underflow
 * thresholds) asserted exactly. float64 is compared with Math.* (or the
 * executor's sigmoid/softplus/erf); float32 with the correctly rounded
 * result Math.fround(f(x)) computed in double.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { heapAlloc } from '../../src/wasm/heap.js';
import { MATH_FUNCTIONS, vectorMath, type MathFunction, type Shape } from '../../src/wasm/math/index.js';
import { wasmFeatures } from '../../src/wasm/features.js';
import { instantiate, memoryBuffer, MEMORY_IMPORT } from '../../src/wasm/memory.js';
import { ModuleBuilder } from '../../src/wasm/module.js';
import { buildMathMap, type MapKernel } from '../../src/wasm/math/map.js';
import * as special from '../../src/scalar/special.js';

interface Spec {
  readonly ref: (x: number, y: number) => number;
  /** Max ulp error asserted for float64 / float32 (the documented bounds). */
  readonly ulp: { readonly f64x2: number; readonly f32x4: number };
  /** Uniform sweep range. */
  readonly range: readonly [number, number];
  readonly specials: readonly number[];
  /** Where the ulp bound holds (default everywhere); sweeps skip other inputs. */
  readonly domain?: (x: number) => boolean;
}

const COMMON = [0, -0, Infinity, -Infinity, NaN, 1, -1, 0.5, -0.5, 2 ** -1074, -(2 ** -1074), 2 ** -1022, 1e-300, -1e-300, 1e-20, -1e-20, 1e300, -1e300];

const SPECS: Partial<Record<MathFunction, Spec>> = {
  exp: {
    ref: Math.exp, ulp: { f64x2: 2, f32x4: 1 }, range: [-746, 710],
    specials: [...COMMON, 709.78, 709.79, 709.782712893384, -745.1, -745.14, -708.5, -720, -740, 88.72, 88.73, -87.4, -100, -103.9, -104],
  },
  log: {
    ref: Math.log, ulp: { f64x2: 1, f32x4: 1 }, range: [0, 1e3],
    specials: [...COMMON, 2 ** -1073, 1e-310, 2 ** -149, 1e-40, 3.4e38, Number.MAX_VALUE, Math.SQRT2, Math.SQRT1_2],
  },
  sigmoid: {
    ref: special.sigmoid, ulp: { f64x2: 3, f32x4: 2 }, range: [-750, 40],
    specials: [...COMMON, -708, -708.5, -720, -745.1, -746, 36, 37, 40, 700, -88, -100, -104],
  },
  tanh: { ref: Math.tanh, ulp: { f64x2: 3, f32x4: 2 }, range: [-20, 20], specials: [...COMMON, 19, 20, 22, -22, 1e-8, -1e-8] },
  log1p: {
    ref: Math.log1p, ulp: { f64x2: 1, f32x4: 1 }, range: [-1, 50],
    specials: [...COMMON, -0.9999999999999999, -1.0000000000000002, -2, 1e-17, -1e-17, 2 ** 53, 1.7e308, 3.4e38],
  },
  expm1: {
    ref: Math.expm1, ulp: { f64x2: 2, f32x4: 2 }, range: [-60, 710],
    specials: [...COMMON, 709.78, 709.79, 88.72, 88.73, -40, -60, -1000, 1e-17, -1e-17],
  },
  softplus: {
    ref: special.softplus, ulp: { f64x2: 2, f32x4: 2 }, range: [-750, 750],
    specials: [...COMMON, -708.5, -745.1, -746, 36, 37, 40, 700, 710, 1e308, -100, -104],
  },
  sin: {
    ref: Math.sin, ulp: { f64x2: 2, f32x4: 1 }, range: [-1e5, 1e5],
    specials: [...COMMON, Math.PI, -Math.PI, Math.PI / 2, Math.PI / 4, 1e5, 3e6, 2 ** 51, -(2 ** 51), 1e16],
    domain: (x) => Math.abs(x) < 3.2e6,
  },
  cos: {
    ref: Math.cos, ulp: { f64x2: 2, f32x4: 1 }, range: [-1e5, 1e5],
    specials: [...COMMON, Math.PI, -Math.PI, Math.PI / 2, Math.PI / 4, 1e5, 3e6, 2 ** 51, -(2 ** 51), 1e16],
    domain: (x) => Math.abs(x) < 3.2e6,
  },
  erf: { ref: (x) => erfReference(x), ulp: { f64x2: 1, f32x4: 2 }, range: [-7, 7], specials: [...COMMON, 5.9, 5.93, 6, -6, 4, 3.92, 27, 30, 1e-310] },
};

/**
 * A reference erf for float64 accurate to well under an ulp: for |x| < 1 the
 * Taylor series Σ (-1)ⁿ x^(2n+1) / (n!(2n+1)) summed in double-double
 * arithmetic (the executor's series is only good to a few ulps there); for
 * |x| >= 1, 1 - erfc(|x|) from special.ts, whose erfc is accurate to a few
 * ulps of erfc <= 0.16, far below an ulp of erf.
 */
function erfReference(x: number): number {
  const a = Math.abs(x);
  if (!(a < 1)) return Number.isNaN(x) ? NaN : Math.sign(x) * (1 - special.erfc(a));
  if (a === 0) return x;
  const split = (v: number) => {
    const c = 134217729 * v;
    const hi = c - (c - v);
    return [hi, v - hi] as const;
  };
  const twoProd = (p: number, q: number): [number, number] => {
    const r = p * q;
    const [ph, pl] = split(p);
    const [qh, ql] = split(q);
    return [r, ph * qh - r + ph * ql + pl * qh + pl * ql];
  };
  const twoSum = (p: number, q: number): [number, number] => {
    const s = p + q;
    const b = s - p;
    return [s, p - (s - b) + (q - b)];
  };
  const mulDD = ([h1, l1]: [number, number], [h2, l2]: [number, number]): [number, number] => {
    const [p, e] = twoProd(h1, h2);
    return twoSum(p, e + h1 * l2 + l1 * h2);
  };
  const addDD = ([h1, l1]: [number, number], [h2, l2]: [number, number]): [number, number] => {
    const [s, e] = twoSum(h1, h2);
    return twoSum(s, e + l1 + l2);
  };
  const divD = ([h, l]: [number, number], d: number): [number, number] => {
    const q = h / d;
    const [p, e] = twoProd(q, d);
    return twoSum(q, (h - p - e + l) / d);
  };
  const x2 = twoProd(a, a);
  let power: [number, number] = [a, 0]; // a^(2n+1)/n!
  let sum: [number, number] = [a, 0];
  for (let n = 1; n < 40; n++) {
    power = divD(mulDD(power, x2), n);
    const term = divD(power, 2 * n + 1);
    sum = addDD(sum, n % 2 === 1 ? [-term[0], -term[1]] : term);
    if (Math.abs(term[0]) < 1e-40) break;
  }
  const r = mulDD(sum, [1.1283791670955126, 1.533545961316588e-17]);
  return Math.sign(x) * (r[0] + r[1]);
}

const N = 1 << 16;
let input = 0;
let output = 0;
beforeAll(() => {
  input = heapAlloc(N * 8 * 2);
  output = heapAlloc(N * 8);
});

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** Distance in representable values (0 for two NaNs; Infinity for NaN against a number). */
function ulpDistance(shape: Shape, a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (shape === 'f64x2') {
    const ordered = (x: number) => {
      f64[0] = x;
      const bits = i64[0]!;
      return bits < 0n ? -(bits & 0x7fffffffffffffffn) : bits;
    };
    const d = ordered(a) - ordered(b);
    return Number(d < 0n ? -d : d);
  }
  const ordered = (x: number) => {
    f32[0] = x;
    const bits = i32[0]!;
    return bits < 0 ? -(bits & 0x7fffffff) : bits;
  };
  return Math.abs(ordered(a) - ordered(b));
}

/** A seeded generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Run {
  readonly xs: readonly number[];
  readonly ys: readonly number[];
}

/** Runs the kernel over `fill`'s inputs (count rounded up to the lane count) and returns inputs and outputs. */
function run(kernel: MapKernel, shape: Shape, values: readonly number[]): Run {
  const Typed = shape === 'f64x2' ? Float64Array : Float32Array;
  const count = Math.ceil(values.length / 4) * 4;
  if (count > N) throw new Error('too many inputs');
  const buffer = memoryBuffer() as unknown as ArrayBuffer;
  const xs = new Typed(buffer, input, count);
  xs.fill(0);
  xs.set(values);
  kernel(output, input, count);
  return { xs: Array.from(xs.subarray(0, values.length)), ys: Array.from(new Typed(buffer, output, values.length)) };
}

function reference(spec: Spec, shape: Shape, x: number): number {
  const y = spec.ref(x, 0);
  return shape === 'f64x2' ? y : Math.fround(y);
}

/** The worst error over a run, with where it happened (for the failure message). */
function worst(spec: Spec, shape: Shape, { xs, ys }: Run): { ulp: number; x: number; got: number; want: number } {
  let w = { ulp: 0, x: 0, got: 0, want: 0 };
  for (let i = 0; i < xs.length; i++) {
    if (spec.domain !== undefined && !spec.domain(xs[i]!)) continue;
    const want = reference(spec, shape, xs[i]!);
    const ulp = ulpDistance(shape, ys[i]!, want);
    if (ulp > w.ulp) w = { ulp, x: xs[i]!, got: ys[i]!, want };
  }
  return w;
}

/** Uniform points on the range, then ± log-spaced magnitudes over the lane type's whole exponent range. */
function sweep(spec: Spec, shape: Shape): number[] {
  const [lo, hi] = spec.range;
  const xs: number[] = [];
  const uniform = N / 2;
  for (let i = 0; i < uniform; i++) xs.push(lo + ((hi - lo) * i) / (uniform - 1));
  const [eMin, eMax] = shape === 'f64x2' ? [-1074, 1023] : [-149, 127];
  const logSpaced = N / 2;
  for (let i = 0; i < logSpaced; i++) {
    const e = eMin + ((eMax - eMin + 1) * i) / logSpaced;
    xs.push((i & 1 ? -1 : 1) * 2 ** e * (1 + ((i * 0.618) % 1)));
  }
  return xs;
}

for (const fn of MATH_FUNCTIONS) {
  const spec = SPECS[fn];
  if (fn === 'pow') continue; // two operands: below
  if (spec === undefined) continue;
  describe(`${fn}`, () => {
    for (const shape of ['f64x2', 'f32x4'] as const) {
      describe(shape, () => {
        let kernel: MapKernel;
        beforeAll(() => {
          kernel = buildMathMap(fn, shape, 1);
        });

        it(`is within ${spec.ulp[shape]} ulp over a dense sweep`, () => {
          const w = worst(spec, shape, run(kernel, shape, sweep(spec, shape)));
          expect(w.ulp, `${fn}(${w.x}) = ${w.got}, want ${w.want}`).toBeLessThanOrEqual(spec.ulp[shape]);
        });

        it(`is within ${spec.ulp[shape]} ulp on random ${shape === 'f64x2' ? 'values' : 'bit patterns'}`, () => {
          const next = random(fn.length * 7919 + (shape === 'f64x2' ? 1 : 2));
          const xs: number[] = [];
          if (shape === 'f32x4') {
            const bits = new Uint32Array(N);
            for (let i = 0; i < N; i++) bits[i] = Math.floor(next() * 2 ** 32);
            xs.push(...new Float32Array(bits.buffer));
          } else {
            // Random significands at exponents 2^-60 … 2^12, both signs.
            for (let i = 0; i < N; i++) xs.push((next() < 0.5 ? -1 : 1) * (1 + next()) * 2 ** Math.floor(-60 + 73 * next()));
          }
          const w = worst(spec, shape, run(kernel, shape, xs));
          expect(w.ulp, `${fn}(${w.x}) = ${w.got}, want ${w.want}`).toBeLessThanOrEqual(spec.ulp[shape]);
        });

        if (shape === 'f32x4') {
          it(`is within ${spec.ulp[shape]} ulp on all 2^23 float32 magnitudes in [1, 2) (alternating signs)`, () => {
            const buffer = memoryBuffer() as unknown as ArrayBuffer;
            const inBits = new Int32Array(buffer, input, N);
            const inFloats = new Float32Array(buffer, input, N);
            const outBits = new Int32Array(buffer, output, N);
            const outFloats = new Float32Array(buffer, output, N);
            const want = new Float32Array(1);
            const wantBits = new Int32Array(want.buffer);
            const ordered = (b: number) => (b < 0 ? -(b & 0x7fffffff) : b);
            let w = { ulp: 0, x: 0 };
            for (let start = 0x3f800000; start < 0x40000000; start += N) {
              for (let i = 0; i < N; i++) inBits[i] = (start + i) | (i << 31);
              kernel(output, input, N);
              for (let i = 0; i < N; i++) {
                want[0] = spec.ref(inFloats[i]!, 0);
                const bothNaN = Number.isNaN(want[0]) && Number.isNaN(outFloats[i]!);
                const ulp = bothNaN ? 0 : Math.abs(ordered(outBits[i]!) - ordered(wantBits[0]!));
                if (ulp > w.ulp) w = { ulp, x: inFloats[i]! };
              }
            }
            expect(w.ulp, `${fn}(${w.x})`).toBeLessThanOrEqual(spec.ulp[shape]);
          });
        }

        it('gets special values exactly', () => {
          // Each special value at every lane position, among ordinary neighbours.
          const values = spec.specials.flatMap((s) => [s, 0.25, 0.25, 0.25, 0.25, s, 0.25, 0.25, 0.25, 0.25, s, 0.25, 0.25, 0.25, 0.25, s]);
          const { xs, ys } = run(kernel, shape, values);
          for (let i = 0; i < xs.length; i++) {
            const want = reference(spec, shape, xs[i]!);
            if (!Object.is(ys[i], want)) {
              // Finite, nonzero results may differ by the documented ulps; everything else must match exactly.
              const exact = !Number.isFinite(want) || want === 0 || Number.isNaN(want) || !Number.isFinite(ys[i]!);
              if (exact) expect(ys[i], `${fn}(${xs[i]})`).toBe(want);
              else expect(ulpDistance(shape, ys[i]!, want), `${fn}(${xs[i]}) = ${ys[i]}, want ${want}`).toBeLessThanOrEqual(spec.ulp[shape]);
            }
          }
        });
      });
    }
  });
}

describe('thresholds', () => {
  const first = (fn: MathFunction, shape: Shape, xs: number[]) => run(buildMathMap(fn, shape, 1), shape, xs).ys;

  it('exp and expm1 overflow exactly where Math.exp does (float64)', () => {
    for (const fn of ['exp', 'expm1'] as const) {
      const [below, above] = first(fn, 'f64x2', [709.78, 709.79]);
      expect(below).toBeLessThan(Infinity);
      expect(above).toBe(Infinity);
    }
  });

  it('exp underflows gradually through the subnormals (float64 and float32)', () => {
    const xs64 = Array.from({ length: 512 }, (_, i) => -708 - (37.2 * i) / 511);
    const ys64 = first('exp', 'f64x2', xs64);
    xs64.forEach((x, i) => expect(ulpDistance('f64x2', ys64[i]!, Math.exp(x)), `exp(${x})`).toBeLessThanOrEqual(1));
    const xs32 = Array.from({ length: 512 }, (_, i) => Math.fround(-87 - (17 * i) / 511));
    const ys32 = first('exp', 'f32x4', xs32);
    xs32.forEach((x, i) => expect(ulpDistance('f32x4', ys32[i]!, Math.fround(Math.exp(x))), `exp(${x})`).toBeLessThanOrEqual(1));
  });

  it('float32 exp overflows to Infinity past ln(FLT_MAX)', () => {
    const [below, above] = first('exp', 'f32x4', [88.72, 88.73]);
    expect(below).toBe(Math.fround(Math.exp(Math.fround(88.72))));
    expect(above).toBe(Infinity);
  });
});

describe('sin and cos beyond the exact reduction', () => {
  for (const shape of ['f64x2', 'f32x4'] as const) {
    it(`equal Math.sin / Math.cos for every huge argument, one lane or all (${shape})`, () => {
      const xs: number[] = [];
      for (let i = 0; i < 256; i++) xs.push((i & 1 ? -1 : 1) * 3.3e6 * (1e300 / 3.3e6) ** (i / 255));
      // huge and ordinary arguments side by side, so each lane position takes both paths
      for (let i = 0; i < 64; i++) xs.push(i % 2 === 0 ? 2 ** 51 + i : 0.25 * i);
      xs.push(2 ** 51, -(2 ** 51), 1e300, -3e200, Number.MAX_VALUE, 3.29e6, 3.3e6);
      const input = shape === 'f32x4' ? xs.map(Math.fround) : xs;
      for (const fn of ['sin', 'cos'] as const) {
        const ys = run(buildMathMap(fn, shape, 1), shape, input).ys;
        input.forEach((x, i) => {
          const exact = fn === 'sin' ? Math.sin(x) : Math.cos(x);
          const want = shape === 'f32x4' ? Math.fround(exact) : exact;
          if (Math.abs(x) >= 2 ** 21 * (Math.PI / 2)) expect(ys[i], `${fn}(${x})`).toBe(want);
          else expect(Math.abs(ys[i]! - want), `${fn}(${x})`).toBeLessThanOrEqual(4 * Number.EPSILON);
        });
      }
    });
  }
});

describe('pow', () => {
  const POW_ULP = { f64x2: 1, f32x4: 1 };
  /** ECMAScript's Math.pow, rounded to the lane type for float32. */
  const want = (shape: Shape, x: number, y: number) => (shape === 'f64x2' ? Math.pow(x, y) : Math.fround(Math.pow(x, y)));

  function runPow(kernel: MapKernel, shape: Shape, xs: number[], ys: number[]): number[] {
    const Typed = shape === 'f64x2' ? Float64Array : Float32Array;
    const count = Math.ceil(xs.length / 4) * 4;
    const buffer = memoryBuffer() as unknown as ArrayBuffer;
    const a = new Typed(buffer, input, count);
    const b = new Typed(buffer, input + N * 8, count);
    a.fill(1);
    b.fill(1);
    a.set(xs);
    b.set(ys);
    kernel(output, input, input + N * 8, count);
    return Array.from(new Typed(buffer, output, xs.length));
  }

  for (const shape of ['f64x2', 'f32x4'] as const) {
    describe(shape, () => {
      let kernel: MapKernel;
      beforeAll(() => {
        kernel = buildMathMap('pow', shape, 2);
      });

      const sweeps: Record<string, (next: () => number) => [number, number]> = {
        'moderate bases and exponents': (next) => [Math.exp((next() - 0.5) * 40), (next() - 0.5) * 60],
        'bases near 1, large exponents': (next) => [1 + (next() - 0.5) * 1e-3, (next() - 0.5) * 1e6],
        'the whole exponent range': (next) => [Math.exp((next() - 0.5) * 1400), (next() - 0.5) * 2],
        'negative bases, integer exponents': (next) => [-Math.exp((next() - 0.5) * 10), Math.round((next() - 0.5) * 60)],
        'subnormal bases and results': (next) => [next() * 1e-310, next() * 1.2],
      };
      for (const [name, draw] of Object.entries(sweeps)) {
        it(`is within ${POW_ULP[shape]} ulp: ${name}`, () => {
          const next = random(name.length * 31 + (shape === 'f64x2' ? 1 : 2));
          const pairs = Array.from({ length: N / 4 }, () => draw(next));
          const xs = pairs.map(([x]) => x);
          const ys = pairs.map(([, y]) => y);
          const got = runPow(kernel, shape, xs, ys);
          let w = { ulp: 0, at: '' };
          got.forEach((g, i) => {
            // Inputs as the lanes hold them (rounded to float32 for f32x4).
            const x = shape === 'f64x2' ? xs[i]! : Math.fround(xs[i]!);
            const y = shape === 'f64x2' ? ys[i]! : Math.fround(ys[i]!);
            const ulp = ulpDistance(shape, g, want(shape, x, y));
            if (ulp > w.ulp) w = { ulp, at: `pow(${x}, ${y}) = ${g}, want ${want(shape, x, y)}` };
          });
          expect(w.ulp, w.at).toBeLessThanOrEqual(POW_ULP[shape]);
        });
      }

      it("follows ECMAScript's table of special cases exactly", () => {
        const X = [0, -0, Infinity, -Infinity, NaN, 1, -1, 0.5, -0.5, 2, -2, 3, -3, 1e-310, -1e-310, 1e300, -1e300, 0.999, -1.001];
        const Y = [0, -0, Infinity, -Infinity, NaN, 1, -1, 2, -2, 3, -3, 0.5, -0.5, 1.5, 1e300, -1e300, 2 ** 53, 2 ** 53 + 2, 2 ** 70, 1025, -1075, 0.1, 1 / 3];
        const xs = X.flatMap((x) => Y.map(() => x));
        const ys = X.flatMap(() => Y);
        const got = runPow(kernel, shape, xs, ys);
        got.forEach((g, i) => {
          const lane = (v: number) => (shape === 'f64x2' ? v : Math.fround(v));
          const [x, y] = [lane(xs[i]!), lane(ys[i]!)];
          const w = want(shape, x, y);
          if (Object.is(g, w)) return;
          const exact = !Number.isFinite(w) || w === 0 || Number.isNaN(w) || !Number.isFinite(g) || Math.abs(w) === 1;
          const show = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
          if (exact) expect(g, `pow(${show(x)}, ${show(y)})`).toBe(w);
          else expect(ulpDistance(shape, g, w), `pow(${x}, ${y}) = ${g}, want ${w}`).toBeLessThanOrEqual(POW_ULP[shape]);
        });
      });
    });
  }
});

describe('emitters in a renderer', () => {
  it('compose: several use sites in one loop body, each with its own temporaries', () => {
    // out = sigmoid(x) + tanh(x)·exp(-x²) + pow(x², 1.5)·erf(x), f64x2.
    const m = new ModuleBuilder().importMemory(MEMORY_IMPORT);
    const { code: c } = m.func('f', ['i32', 'i32', 'i32']);
    const [out, src, count] = c.params as [typeof c.params[0], typeof c.params[0], typeof c.params[0]];
    const offset = c.local('i32');
    const end = c.local('i32');
    const x = c.local('v128');
    const minusSquare = c.local('v128');
    const square = c.local('v128');
    const exponent = c.local('v128');
    const parts = [c.local('v128'), c.local('v128'), c.local('v128'), c.local('v128'), c.local('v128'), c.local('v128')];
    c.get(count!).i32(8).op('i32.mul').set(end);
    c.forRange(offset, 0, end, 16, () => {
      c.get(src!).get(offset).op('i32.add').mem('v128.load').set(x);
      c.get(x).get(x).op('f64x2.mul').tee(square).op('f64x2.neg').set(minusSquare);
      c.splatConst('f64x2', 1.5).set(exponent);
      const calls: [MathFunction, typeof x[]][] = [
        ['sigmoid', [x]], ['tanh', [x]], ['exp', [minusSquare]], ['pow', [square, exponent]], ['erf', [x]],
      ];
      calls.forEach(([fn, args], i) => {
        vectorMath(fn, 'f64x2')(c, args);
        c.set(parts[i]!);
      });
      c.get(out!).get(offset).op('i32.add');
      c.get(parts[0]!).get(parts[1]!).get(parts[2]!).op('f64x2.mul').op('f64x2.add');
      c.get(parts[3]!).get(parts[4]!).op('f64x2.mul').op('f64x2.add');
      c.mem('v128.store');
    });
    const f = instantiate(new WebAssembly.Module(m.encode()))['f'] as (...args: number[]) => void;
    const xs = Array.from({ length: 4096 }, (_, i) => -8 + (16 * i) / 4095);
    const buffer = memoryBuffer() as unknown as ArrayBuffer;
    new Float64Array(buffer, input, xs.length).set(xs);
    f(output, input, xs.length);
    const ys = new Float64Array(buffer, output, xs.length);
    xs.forEach((x, i) => {
      const want = special.sigmoid(x) + Math.tanh(x) * Math.exp(-x * x) + Math.pow(x * x, 1.5) * erfReference(x);
      expect(Math.abs(ys[i]! - want), `x = ${x}`).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(want)));
    });
  });

  it.skipIf(!wasmFeatures().relaxedSimd)('keeps its bounds with relaxed-SIMD multiply-add', () => {
    for (const fn of MATH_FUNCTIONS) {
      const spec = SPECS[fn];
      if (spec === undefined) continue;
      for (const shape of ['f64x2', 'f32x4'] as const) {
        const w = worst(spec, shape, run(buildMathMap(fn, shape, 1, { relaxedSimd: true }), shape, sweep(spec, shape)));
        expect(w.ulp, `${fn}(${w.x}) = ${w.got}, want ${w.want} (${shape})`).toBeLessThanOrEqual(spec.ulp[shape]);
      }
    }
  });
});
