/**
 * Matrix products on the WASM GEMM/GEMV kernels (gemm.ts), for the ops'
 * `perform` methods: `wasmProduct` computes C = A·B for strided operands
 * wherever they lie. Operands in the shared memory are read in place (a
 * transposed view costs nothing: packing reads any strides); others are
 * copied into scratch blocks first. Large products are split over threads
 * by columns (GEMM; rows when C has too few columns) or rows (GEMV); each element of C is summed in the same
 * order whoever computes it, so results do not depend on the thread count.
 */
import type { TypedArray } from '../ndarray/dtype.js';
import { wasmFeatures } from './features.js';
import { buildGemmModule, gemmPackBytes } from './gemm.js';
import { buildScaleAddModule } from './scaleAdd.js';
import { heapAlloc } from './heap.js';
import { ScratchArrays, wasmAddress } from './arrays.js';
import { runParallel, shareModule, threadCount, type SharedModule } from './threads.js';

/** A strided matrix operand: element (i, j) is data[offset + i·s0 + j·s1]. */
export interface MatrixOperand {
  readonly data: TypedArray;
  readonly offset: number;
  readonly s0: number;
  readonly s1: number;
}

type Float = 'float32' | 'float64';

/**
 * Multiply-adds below which a product stays on the calling thread (a
 * 32×32×64 product, a few microseconds). Above it, splitting pays when a
 * worker is awake (it polls for a while after each task, so the products of
 * a training step keep it so), and costs next to nothing when it is not:
 * the caller takes back a task nobody started (threads.ts).
 */
const PARALLEL_MIN_MACS = 2 ** 16;

let module: SharedModule | undefined;
/** Per dtype (0: float32, 1: float64) and thread: the packing scratch of gemm. */
const packs: { packA: number; packB: number }[][] = [[], []];

function gemmModule(): SharedModule {
  module ??= shareModule(buildGemmModule(wasmFeatures()));
  return module;
}

function packsFor(dtype: Float, thread: number): { packA: number; packB: number } {
  const list = packs[dtype === 'float32' ? 0 : 1]!;
  let p = list[thread];
  if (p === undefined) {
    const bytes = gemmPackBytes(dtype === 'float32' ? 'f32' : 'f64');
    p = { packA: heapAlloc(bytes.packA), packB: heapAlloc(bytes.packB) };
    list[thread] = p;
  }
  return p;
}

/**
 * The byte address and element strides to pass for an rows×cols operand:
 * in place when it lies in the shared memory with non-negative strides,
 * else a row-major copy in scratch.
 */
function place(op: MatrixOperand, rows: number, cols: number, dtype: Float, scratch: ScratchArrays): [number, number, number] {
  const bytes = dtype === 'float64' ? 8 : 4;
  const at = wasmAddress(op.data);
  if (at >= 0 && op.s0 >= 0 && op.s1 >= 0) return [at + op.offset * bytes, op.s0, op.s1];
  const dst = scratch.alloc(dtype, rows * cols);
  const { data, offset, s0, s1 } = op;
  if (s1 === 1 && s0 === cols) dst.set(data.subarray(offset, offset + rows * cols));
  else for (let i = 0, t = 0; i < rows; i++) for (let j = 0, q = offset + i * s0; j < cols; j++, q += s1) dst[t++] = data[q]!;
  return [wasmAddress(dst), cols, 1];
}

/**
 * c[cOffset + i·n + j] = Σ_p A[i, p]·B[p, j] for an m×k A and a k×n B, all
 * of `dtype` (float32 sums in float32, like BLAS). `c` must not overlap A or B.
 */
export function wasmProduct(dtype: Float, m: number, n: number, k: number, a: MatrixOperand, b: MatrixOperand, c: TypedArray, cOffset: number): void {
  if (m === 0 || n === 0) return;
  const bytes = dtype === 'float64' ? 8 : 4;
  const suffix = dtype === 'float64' ? 'f64' : 'f32';
  const scratch = new ScratchArrays();
  try {
    const [pa, as0, as1] = place(a, m, k, dtype, scratch);
    const [pb, bs0, bs1] = place(b, k, n, dtype, scratch);
    const cAt = wasmAddress(c);
    const cScratch = cAt >= 0 ? null : scratch.alloc(dtype, m * n);
    const pc = cScratch === null ? cAt + cOffset * bytes : wasmAddress(cScratch);
    const mod = gemmModule();
    const threads = m * n * k >= PARALLEL_MIN_MACS ? threadCount() : 1;
    if (n === 1) {
      // A matrix times a vector: rows of A split over threads.
      const tasks: number[][] = [];
      for (let t = 0; t < threads; t++) {
        const i0 = Math.floor((m * t) / threads);
        const i1 = Math.floor((m * (t + 1)) / threads);
        if (i1 > i0) tasks.push([pa + i0 * as0 * bytes, as0, as1, pb, bs0, pc + i0 * bytes, i1 - i0, k]);
      }
      run(mod, `gemv_${suffix}`, tasks);
    } else if (n < 16 * threads) {
      // Too few columns to give every thread whole register tiles: bands of rows instead (A split, B shared).
      const tasks: number[][] = [];
      for (let t = 0; t < threads; t++) {
        const i0 = Math.floor((m * t) / threads);
        const i1 = Math.floor((m * (t + 1)) / threads);
        if (i1 <= i0) continue;
        const { packA, packB } = packsFor(dtype, tasks.length);
        tasks.push([pa + i0 * as0 * bytes, as0, as1, pb, bs0, bs1, pc + i0 * n * bytes, n, i1 - i0, n, k, 0, n, packA, packB]);
      }
      run(mod, `gemm_${suffix}`, tasks);
    } else {
      const tasks: number[][] = [];
      for (let t = 0; t < threads; t++) {
        // Column bands in multiples of 16, so every band but the last fills whole register tiles.
        const j0 = Math.min(n, Math.floor((Math.ceil(n / 16) * t) / threads) * 16);
        const j1 = t === threads - 1 ? n : Math.min(n, Math.floor((Math.ceil(n / 16) * (t + 1)) / threads) * 16);
        if (j1 <= j0) continue;
        const { packA, packB } = packsFor(dtype, tasks.length);
        tasks.push([pa, as0, as1, pb, bs0, bs1, pc, n, m, n, k, j0, j1, packA, packB]);
      }
      run(mod, `gemm_${suffix}`, tasks);
    }
    if (cScratch !== null) c.set(cScratch, cOffset);
  } finally {
    scratch.release();
  }
}

let scaleAddModule: SharedModule | undefined;

/**
 * dst[i, j] = α·src[i, j] (+ β·z[i, j] when `readZ`) for row-major m×n dst
 * and src and a z with contiguous rows, on the SIMD epilogue (scaleAdd.ts);
 * false (nothing done) when some array is not in the shared memory.
 */
export function wasmScaleAdd(
  dtype: Float, m: number, n: number,
  dst: TypedArray, dstOffset: number, src: TypedArray, srcOffset: number,
  z: TypedArray, zOffset: number, zRowStep: number,
  alpha: number, beta: number, readZ: boolean,
): boolean {
  const [pd, ps, pz] = [wasmAddress(dst), wasmAddress(src), wasmAddress(z)];
  if (pd < 0 || ps < 0 || (readZ && pz < 0)) return false;
  scaleAddModule ??= shareModule(buildScaleAddModule());
  const bytes = dtype === 'float64' ? 8 : 4;
  const name = dtype === 'float64' ? 'scale_add_f64' : 'scale_add_f32';
  scaleAddModule.exports[name]!(pd + dstOffset * bytes, ps + srcOffset * bytes, readZ ? pz + zOffset * bytes : 0, zRowStep, m, n, alpha, beta, readZ ? 1 : 0);
  return true;
}

function run(mod: SharedModule, name: string, tasks: readonly (readonly number[])[]): void {
  if (tasks.length === 1) mod.exports[name]!(...tasks[0]!);
  else if (tasks.length > 1) runParallel(mod, name, tasks);
}

/** Whether products of `dtype` run on the WASM kernels in this runtime. */
export function wasmBlasAvailable(): boolean {
  const f = wasmFeatures();
  return f.simd && f.sharedMemory;
}
