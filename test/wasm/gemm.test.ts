/**
 * The generated GEMM/GEMV module against a plain float64 triple loop: edge
 * sizes around the register tile and cache blocks, every stride layout
 * (row-major, transposed, gapped, broadcast), column ranges, k = 0,
 * NaN/Inf propagation, and the bit-for-bit independence of each result
 * from the blocking position (what lets threads split the columns).
 */
import { beforeAll, describe, expect, it, test } from 'vitest';
import {
  buildGemmModule,
  gemmBlocking,
  gemmPackBytes,
  GEMM_PACK_A_BYTES_F32,
  GEMM_PACK_A_BYTES_F64,
  GEMM_PACK_B_BYTES_F32,
  GEMM_PACK_B_BYTES_F64,
  type GemmDType,
} from '../../src/wasm/gemm.js';
import { wasmFeatures } from '../../src/wasm/features.js';
import { instantiate, memoryBuffer } from '../../src/wasm/memory.js';
import { heapAlloc, heapFree } from '../../src/wasm/heap.js';

type Kernel = (...args: number[]) => void;
type Layout = 'row' | 'col' | 'gap' | 'broadcast' | 'reversed';

const DTYPES: GemmDType[] = ['f32', 'f64'];
const GEMM_BLOCKING = gemmBlocking(wasmFeatures());
const EPS = { f32: 2 ** -23, f64: 2 ** -52 };
const BYTES = { f32: 4, f64: 8 };
const EDGE_SIZES = [1, 2, 3, 5, 7, 8, 9, 17, 31, 33, 64, 65, 100, 257];

let exports: Record<string, Kernel>;
const packs: Record<GemmDType, { a: number; b: number }> = { f32: { a: 0, b: 0 }, f64: { a: 0, b: 0 } };

beforeAll(() => {
  // Multiply then add, as runtimes without relaxed SIMD run it; the fused variant has its own tests below.
  exports = instantiate(new WebAssembly.Module(buildGemmModule({ ...wasmFeatures(), relaxedSimd: false }))) as Record<string, Kernel>;
  packs.f32 = { a: heapAlloc(GEMM_PACK_A_BYTES_F32), b: heapAlloc(GEMM_PACK_B_BYTES_F32) };
  packs.f64 = { a: heapAlloc(GEMM_PACK_A_BYTES_F64), b: heapAlloc(GEMM_PACK_B_BYTES_F64) };
});

/** A small seeded generator (mulberry32), so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A rows×cols matrix stored with the given layout: element (i, j) at data[origin + i*s0 + j*s1]. */
interface Strided {
  rows: number;
  cols: number;
  s0: number;
  s1: number;
  origin: number;
  data: Float64Array;
}

function strided(rows: number, cols: number, layout: Layout, dtype: GemmDType, random: () => number): Strided {
  const [s0, s1] =
    layout === 'row' ? [cols, 1]
    : layout === 'col' ? [1, rows]
    : layout === 'gap' ? [2 * cols + 3, 2]
    : layout === 'broadcast' ? [1, 0]
    : [-cols, -1];
  const length = rows === 0 || cols === 0 ? 1 : (rows - 1) * Math.abs(s0) + (cols - 1) * Math.abs(s1) + 1;
  const origin = layout === 'reversed' ? length - 1 : 0;
  const data = new Float64Array(length);
  for (let i = 0; i < length; i++) data[i] = dtype === 'f32' ? Math.fround(random() * 2 - 1) : random() * 2 - 1;
  return { rows, cols, s0, s1, origin, data };
}

const at = (x: Strided, i: number, j: number) => x.data[x.origin + i * x.s0 + j * x.s1]!;

/** The plain loop in float64, and Σ|a·b| per element for the error bound. */
function reference(a: Strided, b: Strided): { value: Float64Array; magnitude: Float64Array } {
  const m = a.rows;
  const n = b.cols;
  const value = new Float64Array(m * n);
  const magnitude = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let mag = 0;
      for (let p = 0; p < a.cols; p++) {
        s += at(a, i, p) * at(b, p, j);
        mag += Math.abs(at(a, i, p) * at(b, p, j));
      }
      value[i * n + j] = s;
      magnitude[i * n + j] = mag;
    }
  }
  return { value, magnitude };
}

/** A typed-array view of the memory. */
function view(dtype: GemmDType, offset: number, length: number): Float32Array | Float64Array {
  return dtype === 'f32' ? new Float32Array(memoryBuffer(), offset, length) : new Float64Array(memoryBuffer(), offset, length);
}

/** Copies `values` into a fresh block of the memory. */
function place(dtype: GemmDType, values: ArrayLike<number>): number {
  const offset = heapAlloc(Math.max(1, values.length) * BYTES[dtype]);
  view(dtype, offset, values.length).set(values);
  return offset;
}

const SENTINEL = -12345;

/**
 * Runs gemm on C (m×ldc, pre-filled with SENTINEL) for columns [j0, j1) and
 * returns C as read back.
 */
function runGemm(dtype: GemmDType, a: Strided, b: Strided, j0 = 0, j1 = b.cols, ldc = b.cols): Float64Array {
  const m = a.rows;
  const aAt = place(dtype, a.data);
  const bAt = place(dtype, b.data);
  const cAt = place(dtype, new Float64Array(m * ldc).fill(SENTINEL));
  const E = BYTES[dtype];
  exports[`gemm_${dtype}`]!(aAt + a.origin * E, a.s0, a.s1, bAt + b.origin * E, b.s0, b.s1, cAt, ldc, m, b.cols, a.cols, j0, j1, packs[dtype].a, packs[dtype].b);
  const c = Float64Array.from(view(dtype, cAt, m * ldc));
  for (const o of [aAt, bAt, cAt]) heapFree(o);
  return c;
}

/** Every element of C within the float error bound of the reference; columns outside [j0, j1) untouched. */
function expectProduct(dtype: GemmDType, a: Strided, b: Strided, c: Float64Array, j0 = 0, j1 = b.cols, ldc = b.cols): void {
  const { value, magnitude } = reference(a, b);
  const n = b.cols;
  const k = a.cols;
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < ldc; j++) {
      const got = c[i * ldc + j]!;
      if (j < j0 || j >= j1) {
        if (got !== SENTINEL) expect.fail(`C[${i}, ${j}] outside [${j0}, ${j1}) was written: ${got}`);
        continue;
      }
      const want = value[i * n + j]!;
      const bound = (k + 2) * EPS[dtype] * magnitude[i * n + j]! + 1e-300;
      if (!(Math.abs(got - want) <= bound)) {
        expect.fail(`${dtype} C[${i}, ${j}] = ${got}, expected ${want} ± ${bound} (m=${a.rows} n=${n} k=${k})`);
      }
    }
  }
}

describe('gemm', () => {
  it('states its scratch sizes', () => {
    for (const relaxedSimd of [false, true]) {
      const blocking = gemmBlocking({ ...wasmFeatures(), relaxedSimd });
      expect(GEMM_PACK_A_BYTES_F32).toBeGreaterThanOrEqual(gemmPackBytes('f32', blocking.f32).packA);
      expect(GEMM_PACK_B_BYTES_F32).toBeGreaterThanOrEqual(gemmPackBytes('f32', blocking.f32).packB);
      expect(GEMM_PACK_A_BYTES_F64).toBeGreaterThanOrEqual(gemmPackBytes('f64', blocking.f64).packA);
      expect(GEMM_PACK_B_BYTES_F64).toBeGreaterThanOrEqual(gemmPackBytes('f64', blocking.f64).packB);
    }
  });

  it('matches a plain loop on edge sizes, all layouts', () => {
    const random = rng(1);
    const layouts: Layout[] = ['row', 'col', 'gap'];
    for (const dtype of DTYPES) {
      for (let t = 0; t < 40; t++) {
        const pick = () => EDGE_SIZES[Math.floor(random() * (t < 20 ? 9 : EDGE_SIZES.length))]!;
        const [m, n, k] = [pick(), pick(), pick()];
        const a = strided(m, k, layouts[t % 3]!, dtype, random);
        const b = strided(k, n, layouts[Math.floor(t / 3) % 3]!, dtype, random);
        expectProduct(dtype, a, b, runGemm(dtype, a, b));
      }
    }
  });

  it('crosses the KC, MC and NC block boundaries', () => {
    const random = rng(2);
    for (const dtype of DTYPES) {
      const { kc, mc, nc } = GEMM_BLOCKING[dtype];
      const shapes: [number, number, number][] = [
        [mc + 3, 9, kc + 1],
        [7, nc + 5, 2 * kc + 3],
        [2 * mc + 1, 17, 3],
      ];
      for (const [m, n, k] of shapes) {
        const a = strided(m, k, 'row', dtype, random);
        const b = strided(k, n, 'col', dtype, random);
        expectProduct(dtype, a, b, runGemm(dtype, a, b));
      }
    }
  });

  it('handles negative strides (reversed operands)', () => {
    const random = rng(11);
    for (const dtype of DTYPES) {
      const a = strided(14, 37, 'reversed', dtype, random);
      const b = strided(37, 19, 'reversed', dtype, random);
      expectProduct(dtype, a, b, runGemm(dtype, a, b));
      const y = strided(37, 19, 'row', dtype, random);
      expectProduct(dtype, a, y, runGemm(dtype, a, y));
    }
  });

  it('handles zero strides (broadcast operands)', () => {
    const random = rng(3);
    for (const dtype of DTYPES) {
      const a = strided(13, 21, 'broadcast', dtype, random);
      const b = strided(21, 11, 'row', dtype, random);
      b.s1 = 0; // every column of B the same
      expectProduct(dtype, a, b, runGemm(dtype, a, b));
    }
  });

  it('writes only the column range [j0, j1), with a row stride wider than n', () => {
    const random = rng(4);
    for (const dtype of DTYPES) {
      for (const [j0, j1] of [[0, 1], [3, 17], [5, 6], [9, 33], [0, 33]] as const) {
        const a = strided(11, 19, 'row', dtype, random);
        const b = strided(19, 33, 'row', dtype, random);
        expectProduct(dtype, a, b, runGemm(dtype, a, b, j0, j1, 37), j0, j1, 37);
      }
    }
  });

  it('gives zeros for k = 0 and does nothing for m = 0 or an empty column range', () => {
    const random = rng(5);
    for (const dtype of DTYPES) {
      const a = strided(5, 0, 'row', dtype, random);
      const b = strided(0, 9, 'row', dtype, random);
      const c = runGemm(dtype, a, b, 2, 7);
      for (let i = 0; i < 5; i++) for (let j = 0; j < 9; j++) expect(c[i * 9 + j]).toBe(j >= 2 && j < 7 ? 0 : SENTINEL);
      const a3 = strided(3, 4, 'row', dtype, random);
      const b3 = strided(4, 6, 'row', dtype, random);
      expect([...runGemm(dtype, a3, b3, 4, 4)].every((v) => v === SENTINEL)).toBe(true);
      expect(runGemm(dtype, strided(0, 4, 'row', dtype, random), b3)).toHaveLength(0);
    }
  });

  it('gives each element the same bits wherever it is computed (rows, column range, m)', () => {
    const random = rng(6);
    for (const dtype of DTYPES) {
      const { kc } = GEMM_BLOCKING[dtype];
      const [m, n, k] = [23, 45, 2 * kc + 7];
      const a = strided(m, k, 'row', dtype, random);
      const b = strided(k, n, 'row', dtype, random);
      const full = runGemm(dtype, a, b);
      for (const [j0, j1] of [[0, 1], [1, 2], [3, 20], [7, 45], [44, 45]]) {
        const part = runGemm(dtype, a, b, j0!, j1!);
        for (let i = 0; i < m; i++) for (let j = j0!; j < j1!; j++) expect(Object.is(part[i * n + j], full[i * n + j])).toBe(true);
      }
      // Rows 5..5+r alone (A starts further on, m smaller): same bits as in the full product.
      for (const rows of [1, 3, 11]) {
        const sub: Strided = { ...a, rows, origin: 5 * a.s0 };
        const part = runGemm(dtype, sub, b, 2, 31);
        for (let i = 0; i < rows; i++) {
          for (let j = 2; j < 31; j++) expect(Object.is(part[i * n + j], full[(i + 5) * n + j])).toBe(true);
        }
      }
      // Transposed storage of the same values: same bits too (packing makes layouts equal).
      const aColumnMajor = strided(m, k, 'col', dtype, random);
      for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) aColumnMajor.data[i + p * m] = a.data[i * k + p]!;
      const fromTransposed = runGemm(dtype, aColumnMajor, b);
      expect(fromTransposed.every((v, idx) => Object.is(v, full[idx]))).toBe(true);
    }
  });

  it('propagates NaN and Inf exactly as a plain loop does, and no further', () => {
    for (const dtype of DTYPES) {
      const random = rng(7);
      // m, n, k not multiples of the tile: the poisoned row/column sits in an edge panel, next to padding.
      const [m, n, k] = [GEMM_BLOCKING[dtype].mr * 2 + 1, GEMM_BLOCKING[dtype].nr + 3, 9];
      const a = strided(m, k, 'row', dtype, random);
      const b = strided(k, n, 'row', dtype, random);
      a.data[(m - 1) * k + 4] = Infinity; // last row of A
      b.data[2 * n + (n - 1)] = -Infinity; // last column of B
      b.data[5 * n + 0] = NaN; // first column of B
      const c = runGemm(dtype, a, b);
      const { value } = reference(a, b);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          const want = value[i * n + j]!;
          const got = c[i * n + j]!;
          if (Number.isFinite(want)) expect(Number.isFinite(got)).toBe(true);
          else expect(got).toBe(want); // toBe treats NaN as equal to NaN
        }
      }
      // An Inf in A times an exact zero in B gives NaN, as in a plain loop.
      const a1 = strided(3, 2, 'row', dtype, random);
      const b1 = strided(2, 3, 'row', dtype, random);
      a1.data[2 * 2 + 1] = Infinity;
      b1.data[1 * 3 + 1] = 0;
      const c1 = runGemm(dtype, a1, b1);
      expect(c1[2 * 3 + 1]).toBeNaN();
      expect(Math.abs(c1[2 * 3 + 0]!)).toBe(Infinity);
      expect(c1.slice(0, 6).every(Number.isFinite)).toBe(true);
    }
  });

  it('rounds float32 like float32 accumulation, not float64', () => {
    // 1 + 2^-24 + 2^-24: in float32 each addition rounds back to 1.
    const a: Strided = { rows: 1, cols: 3, s0: 3, s1: 1, origin: 0, data: Float64Array.from([1, 2 ** -24, 2 ** -24]) };
    const b: Strided = { rows: 3, cols: 1, s0: 1, s1: 1, origin: 0, data: Float64Array.from([1, 1, 1]) };
    expect(runGemm('f32', a, b)[0]).toBe(1);
    expect(runGemm('f64', a, b)[0]).toBe(1 + 2 ** -23);
  });
});

// Every gemv test runs on the multiply-then-add build and, where the runtime has relaxed SIMD, the fused one.
describe.each([false, true])('gemv (fused multiply-add: %s)', (fused) => {
  let kernels: Record<string, Kernel>;
  beforeAll(() => {
    kernels = fused ? (instantiate(new WebAssembly.Module(buildGemmModule({ ...wasmFeatures(), relaxedSimd: true }))) as Record<string, Kernel>) : exports;
  });
  const it = fused && !wasmFeatures().relaxedSimd ? test.skip : test;

  function runGemv(dtype: GemmDType, a: Strided, x: Float64Array, xs: number): Float64Array {
    const aAt = place(dtype, a.data);
    const xAt = place(dtype, x);
    const yAt = place(dtype, new Float64Array(a.rows).fill(SENTINEL));
    kernels[`gemv_${dtype}`]!(aAt + a.origin * BYTES[dtype], a.s0, a.s1, xAt, xs, yAt, a.rows, a.cols);
    const y = Float64Array.from(view(dtype, yAt, a.rows));
    for (const o of [aAt, xAt, yAt]) heapFree(o);
    return y;
  }

  it('matches a plain loop for every layout of A and strides of x', () => {
    const random = rng(8);
    for (const dtype of DTYPES) {
      for (const layout of ['row', 'col', 'gap', 'broadcast', 'reversed'] as Layout[]) {
        for (const xs of [1, 2]) {
          for (const [m, k] of [[1, 1], [3, 5], [4, 8], [17, 33], [65, 100], [100, 257], [7, 0], [0, 3]]) {
            const a = strided(m!, k!, layout, dtype, random);
            const xVec = strided(k!, 1, 'row', dtype, random);
            xVec.s0 = xs;
            xVec.data = Float64Array.from({ length: Math.max(1, k! * xs) }, () => (dtype === 'f32' ? Math.fround(random() - 0.5) : random() - 0.5));
            const y = runGemv(dtype, a, xVec.data, xs);
            const { value, magnitude } = reference(a, xVec);
            for (let i = 0; i < m!; i++) {
              const bound = (k! + 2) * EPS[dtype] * magnitude[i]! + 1e-300;
              if (!(Math.abs(y[i]! - value[i]!) <= bound)) {
                expect.fail(`${dtype} ${layout} xs=${xs} y[${i}] = ${y[i]}, expected ${value[i]} (m=${m} k=${k})`);
              }
            }
          }
        }
      }
    }
  });

  it('gives each row the same bits whichever rows a call covers (how threads split a product)', () => {
    const random = rng(10);
    for (const dtype of DTYPES) {
      for (const layout of ['row', 'col'] as Layout[]) {
        const [m, k] = [23, 39];
        const a = strided(m, k, layout, dtype, random);
        const x = Float64Array.from({ length: k }, () => (dtype === 'f32' ? Math.fround(random() - 0.5) : random() - 0.5));
        const whole = runGemv(dtype, a, x, 1);
        for (const r0 of [1, 3, 5, 10]) {
          // Rows r0.. alone: A's origin moved down r0 rows.
          const part = runGemv(dtype, { ...a, rows: m - r0, origin: a.origin + r0 * a.s0 }, x, 1);
          expect([...part]).toEqual([...whole.slice(r0)]);
        }
      }
    }
  });

  it('propagates Inf and NaN', () => {
    const random = rng(9);
    for (const dtype of DTYPES) {
      for (const layout of ['row', 'col'] as Layout[]) {
        const a = strided(9, 13, layout, dtype, random);
        a.data[layout === 'row' ? 8 * 13 + 12 : 8 + 12 * 9] = Infinity;
        const x = Float64Array.from({ length: 13 }, () => random() + 0.5);
        x[3] = NaN;
        const y = runGemv(dtype, a, x, 1);
        expect([...y].every(Number.isNaN)).toBe(true);
        x[3] = 1;
        const y2 = runGemv(dtype, a, x, 1);
        expect(y2[8]).toBe(Infinity);
        expect(y2.slice(0, 8).every(Number.isFinite)).toBe(true);
      }
    }
  });
});

describe('with relaxed-SIMD fused multiply-add', () => {
  const fmaFeatures = { ...wasmFeatures(), relaxedSimd: true };
  const available = wasmFeatures().relaxedSimd;

  it.skipIf(!available)('still matches a plain loop and keeps results independent of the blocking position', () => {
    const fma = instantiate(new WebAssembly.Module(buildGemmModule(fmaFeatures))) as Record<string, Kernel>;
    const saved = exports;
    exports = fma;
    try {
      const random = rng(10);
      for (const dtype of DTYPES) {
        const a = strided(37, 300, 'col', dtype, random);
        const b = strided(300, 29, 'row', dtype, random);
        const full = runGemm(dtype, a, b);
        expectProduct(dtype, a, b, full);
        const part = runGemm(dtype, a, b, 5, 13);
        for (let i = 0; i < 37; i++) for (let j = 5; j < 13; j++) expect(Object.is(part[i * 29 + j], full[i * 29 + j])).toBe(true);
      }
    } finally {
      exports = saved;
    }
  });
});
