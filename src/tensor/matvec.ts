/**
 * The product loops shared by Dot, Gemv and Gemm, so each pair sums in the
 * same order and gives identical results: `acc[i] = Σ_p A[i, p] · x[p]` for
 * a strided m×k matrix A and a strided vector x, and `acc = A·B` for a
 * k×n matrix B with contiguous rows; all accumulated in doubles.
 */
import type { DType, TypedArray } from '../ndarray/dtype.js';
import type { NDArray } from '../ndarray/ndarray.js';
import { wasmBlasAvailable, wasmProduct } from '../wasm/blas.js';

/** Multiply-adds below which a product runs in JS (a WASM call and its staging cost more). */
const WASM_MIN_MACS = 2048;
const onWasm = wasmBlasAvailable();

/**
 * A·B (m×n, row-major) for 2-d operands, as Dot, Gemm and Gemv all compute
 * it, so their sums agree: on the WASM kernels for float operands of the
 * result's dtype (written straight into `out`, float32 summed in float32 as
 * BLAS does), else by the loops below in doubles into a new accumulator.
 * Returns whichever array holds the sums.
 */
export function productInto(out: TypedArray, a: NDArray, b: NDArray, m: number, k: number, n: number, dtype: DType): TypedArray {
  if (onWasm && (dtype === 'float32' || dtype === 'float64') && a.dtype === dtype && b.dtype === dtype && m * n * k >= WASM_MIN_MACS) {
    const [as0, as1] = a.strides as [number, number];
    const [bs0, bs1] = b.strides as [number, number];
    wasmProduct(dtype, m, n, k, { data: a.data, offset: a.offset, s0: as0, s1: as1 }, { data: b.data, offset: b.offset, s0: bs0, s1: bs1 }, out, 0);
    return out;
  }
  const acc = new Float64Array(m * n);
  const [as0, as1] = a.strides as [number, number];
  if (n === 1) {
    matVec(acc, a.data, a.offset, as0, as1, m, k, b.data, b.offset, b.strides[0]!);
  } else {
    // B with contiguous rows (copied to row-major once if it has none): the shared blocked loop.
    const B = b.strides[1] === 1 ? b : b.copy();
    matMat(acc, a.data, a.offset, as0, as1, m, k, B.data, B.offset, B.strides[0]!, n);
  }
  return acc;
}

/** A dot product per row: the right order when A's rows are contiguous. Every row sums its even and odd terms apart, then adds them, in every path. */
export function rowDots(
  acc: Float64Array,
  ad: TypedArray, ao: number, as0: number, as1: number, m: number, k: number,
  xd: TypedArray, xo: number, xs: number,
): void {
  let i = 0;
  if (as1 === 1 && xs === 1) {
    // Two rows at a time share each load of x; two partial sums per row hide the add latency.
    for (; i + 1 < m; i += 2) {
      const r0 = ao + i * as0;
      const r1 = r0 + as0;
      let s0 = 0;
      let s1 = 0;
      let t0 = 0;
      let t1 = 0;
      let p = 0;
      for (; p + 1 < k; p += 2) {
        const x0 = xd[xo + p]!;
        const x1 = xd[xo + p + 1]!;
        s0 += ad[r0 + p]! * x0;
        s1 += ad[r0 + p + 1]! * x1;
        t0 += ad[r1 + p]! * x0;
        t1 += ad[r1 + p + 1]! * x1;
      }
      if (p < k) {
        const x0 = xd[xo + p]!;
        s0 += ad[r0 + p]! * x0;
        t0 += ad[r1 + p]! * x0;
      }
      acc[i] = s0 + s1;
      acc[i + 1] = t0 + t1;
    }
  }
  for (; i < m; i++) {
    const base = ao + i * as0;
    let s0 = 0;
    let s1 = 0;
    let p = 0;
    for (; p + 1 < k; p += 2) {
      s0 += ad[base + p * as1]! * xd[xo + p * xs]!;
      s1 += ad[base + (p + 1) * as1]! * xd[xo + (p + 1) * xs]!;
    }
    if (p < k) s0 += ad[base + p * as1]! * xd[xo + p * xs]!;
    acc[i] = s0 + s1;
  }
}

/** Scaled columns added up: the right order when A's columns are contiguous (Aᵀ of a row-major matrix). */
export function columnSweeps(
  acc: Float64Array,
  ad: TypedArray, ao: number, as0: number, as1: number, m: number, k: number,
  xd: TypedArray, xo: number, xs: number,
): void {
  acc.fill(0);
  let p = 0;
  if (as0 === 1) {
    // Four columns per sweep: a quarter of the reads and writes of acc.
    for (; p + 3 < k; p += 4) {
      const x0 = xd[xo + p * xs]!;
      const x1 = xd[xo + (p + 1) * xs]!;
      const x2 = xd[xo + (p + 2) * xs]!;
      const x3 = xd[xo + (p + 3) * xs]!;
      const c0 = ao + p * as1;
      const c1 = c0 + as1;
      const c2 = c1 + as1;
      const c3 = c2 + as1;
      for (let i = 0; i < m; i++) acc[i]! += ad[c0 + i]! * x0 + ad[c1 + i]! * x1 + (ad[c2 + i]! * x2 + ad[c3 + i]! * x3);
    }
  }
  for (; p < k; p++) {
    const xp = xd[xo + p * xs]!;
    const base = ao + p * as1;
    for (let i = 0, ai = base; i < m; i++, ai += as0) acc[i]! += ad[ai]! * xp;
  }
}

/** acc = A·x, choosing the loop order from A's layout so the inner loop walks memory in order. */
export function matVec(
  acc: Float64Array,
  ad: TypedArray, ao: number, as0: number, as1: number, m: number, k: number,
  xd: TypedArray, xo: number, xs: number,
): void {
  if (Math.abs(as1) <= Math.abs(as0) || m === 1) rowDots(acc, ad, ao, as0, as1, m, k, xd, xo, xs);
  else columnSweeps(acc, ad, ao, as0, as1, m, k, xd, xo, xs);
}

/**
 * acc (m×n, row-major) = A·B for a strided A and a B whose rows are
 * contiguous (column stride 1). Each output row gathers four scaled rows of
 * B per pass, so acc is read and written a quarter as often.
 */
export function matMat(
  acc: Float64Array,
  ad: TypedArray, ao: number, as0: number, as1: number, m: number, k: number,
  bd: TypedArray, bo: number, bs0: number, n: number,
): void {
  acc.fill(0);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    const ai = ao + i * as0;
    let p = 0;
    for (; p + 3 < k; p += 4) {
      const a0 = ad[ai + p * as1]!;
      const a1 = ad[ai + (p + 1) * as1]!;
      const a2 = ad[ai + (p + 2) * as1]!;
      const a3 = ad[ai + (p + 3) * as1]!;
      const b0 = bo + p * bs0;
      const b1 = b0 + bs0;
      const b2 = b1 + bs0;
      const b3 = b2 + bs0;
      for (let j = 0; j < n; j++) acc[row + j]! += a0 * bd[b0 + j]! + a1 * bd[b1 + j]! + (a2 * bd[b2 + j]! + a3 * bd[b3 + j]!);
    }
    for (; p < k; p++) {
      const a = ad[ai + p * as1]!;
      const b = bo + p * bs0;
      for (let j = 0; j < n; j++) acc[row + j]! += a * bd[b + j]!;
    }
  }
}
