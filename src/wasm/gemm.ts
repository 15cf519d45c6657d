/**
 * Packed, blocked SIMD matrix products generated as WebAssembly at run
 * time: `buildGemmModule(features)` gives the bytes of a module that
 * imports the shared memory and exports, per dtype (f32, f64),
 *
 *   gemm_<dt>(a, as0, as1, b, bs0, bs1, c, ldc, m, n, k, j0, j1, packA, packB)
 *     C[i, j] = Σ_p A[i, p]·B[p, j] for i < m, j0 ≤ j < j1 (C overwritten);
 *     A is m×k and B k×n with any element strides, C row-major with row
 *     stride ldc; packA/packB are scratch blocks of GEMM_PACK_*_BYTES.
 *     Each C[i, j] depends only on row i of A, column j of B and k, so
 *     threads may split [0, n) into column ranges (each with its own packs).
 *   gemv_<dt>(a, as0, as1, x, xs, y, m, k)
 *     y[i] = Σ_p A[i, p]·x[p] for i < m (y contiguous).
 *
 * All addresses are byte offsets in the memory, all strides in elements.
 * float32 accumulates in float32, float64 in float64.
 */
import { MEMORY_IMPORT } from './memory.js';
import { ModuleBuilder } from './module.js';
import { wasmFeatures, type WasmFeatures } from './features.js';
import {
  BLOCKING_FMA,
  BLOCKING_MUL_ADD,
  checkBlocking,
  packABytes,
  packBBytes,
  type GemmBlocking,
  type GemmBlockings,
} from './gemm/blocking.js';
import { F32, F64, type FloatKind } from './gemm/float-kind.js';
import { emitMicroKernel } from './gemm/micro-kernel.js';
import { emitPack } from './gemm/pack.js';
import { emitEdgeCopy, emitGemm } from './gemm/driver.js';
import { emitGemv } from './gemm/gemv.js';

export type { GemmBlocking, GemmBlockings } from './gemm/blocking.js';

export type GemmDType = 'f32' | 'f64';

/** The blocking buildGemmModule uses by default for these features (the tile depends on FMA). */
export function gemmBlocking(features: WasmFeatures): GemmBlockings {
  return features.relaxedSimd ? BLOCKING_FMA : BLOCKING_MUL_ADD;
}

/** Scratch bytes for packA and packB of one dtype under a blocking (by default the one this runtime's module uses). */
export function gemmPackBytes(
  dtype: GemmDType,
  blocking: GemmBlocking = gemmBlocking(wasmFeatures())[dtype],
): { packA: number; packB: number } {
  const kind = dtype === 'f32' ? F32 : F64;
  return { packA: packABytes(kind, blocking), packB: packBBytes(kind, blocking) };
}

const largest = (dtype: GemmDType, part: 'packA' | 'packB') =>
  Math.max(gemmPackBytes(dtype, BLOCKING_MUL_ADD[dtype])[part], gemmPackBytes(dtype, BLOCKING_FMA[dtype])[part]);

/** Scratch bytes gemm_f32 needs at packA / packB (enough for either default blocking). */
export const GEMM_PACK_A_BYTES_F32 = largest('f32', 'packA');
export const GEMM_PACK_B_BYTES_F32 = largest('f32', 'packB');
/** Scratch bytes gemm_f64 needs at packA / packB (enough for either default blocking). */
export const GEMM_PACK_A_BYTES_F64 = largest('f64', 'packA');
export const GEMM_PACK_B_BYTES_F64 = largest('f64', 'packB');

/**
 * The module's bytes. Fused multiply-add (relaxed SIMD) is used exactly when
 * `features.relaxedSimd`; `blocking` overrides the tuned parameters (for
 * benchmarks; the pack sizes then come from `gemmPackBytes`).
 */
export function buildGemmModule(features: WasmFeatures, blocking: GemmBlockings = gemmBlocking(features)): Uint8Array {
  if (!features.simd) throw new Error('buildGemmModule needs WebAssembly SIMD');
  const mb = new ModuleBuilder().importMemory(MEMORY_IMPORT);
  const fma = features.relaxedSimd;
  for (const kind of [F32, F64] as FloatKind[]) {
    const b = blocking[kind.name];
    checkBlocking(kind, b);
    const kernel = emitMicroKernel(mb, kind, b, fma);
    const shortKernels = Array.from({ length: b.mr - 1 }, (_, r) => emitMicroKernel(mb, kind, b, fma, r + 1));
    const packA = emitPack(mb, `pack_a_${kind.name}`, kind, b.mr);
    const packB = emitPack(mb, `pack_b_${kind.name}`, kind, b.nr);
    const edge = emitEdgeCopy(mb, kind, b);
    emitGemm(mb, kind, b, { kernel, shortKernels, packA, packB, edge });
    emitGemv(mb, kind, fma);
  }
  return mb.encode();
}
