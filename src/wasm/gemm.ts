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
import type { WasmFeatures } from './features.js';
import { DEFAULT_BLOCKING, checkBlocking, packABytes, packBBytes, type GemmBlocking } from './gemm/blocking.js';
import { F32, F64, type FloatKind } from './gemm/float-kind.js';
import { emitMicroKernel } from './gemm/micro-kernel.js';
import { emitPack } from './gemm/pack.js';
import { emitEdgeCopy, emitGemm } from './gemm/driver.js';
import { emitGemv } from './gemm/gemv.js';

export type { GemmBlocking } from './gemm/blocking.js';
export { DEFAULT_BLOCKING as GEMM_BLOCKING } from './gemm/blocking.js';

export type GemmDType = 'f32' | 'f64';

/** Scratch bytes gemm_f32 needs at packA / packB (with the default blocking). */
export const GEMM_PACK_A_BYTES_F32 = packABytes(F32, DEFAULT_BLOCKING.f32);
export const GEMM_PACK_B_BYTES_F32 = packBBytes(F32, DEFAULT_BLOCKING.f32);
/** Scratch bytes gemm_f64 needs at packA / packB (with the default blocking). */
export const GEMM_PACK_A_BYTES_F64 = packABytes(F64, DEFAULT_BLOCKING.f64);
export const GEMM_PACK_B_BYTES_F64 = packBBytes(F64, DEFAULT_BLOCKING.f64);

/** Scratch bytes for packA and packB of one dtype under a given blocking. */
export function gemmPackBytes(dtype: GemmDType, blocking: GemmBlocking = DEFAULT_BLOCKING[dtype]): { packA: number; packB: number } {
  const kind = dtype === 'f32' ? F32 : F64;
  return { packA: packABytes(kind, blocking), packB: packBBytes(kind, blocking) };
}

/**
 * The module's bytes. Fused multiply-add (relaxed SIMD) is used exactly when
 * `features.relaxedSimd`; `blocking` overrides the tuned parameters (for
 * benchmarks; the pack sizes then come from `gemmPackBytes`).
 */
export function buildGemmModule(
  features: WasmFeatures,
  blocking: { readonly f32: GemmBlocking; readonly f64: GemmBlocking } = DEFAULT_BLOCKING,
): Uint8Array {
  if (!features.simd) throw new Error('buildGemmModule needs WebAssembly SIMD');
  const mb = new ModuleBuilder().importMemory(MEMORY_IMPORT);
  const fma = features.relaxedSimd;
  for (const kind of [F32, F64] as FloatKind[]) {
    const b = blocking[kind.name];
    checkBlocking(kind, b);
    const kernel = emitMicroKernel(mb, kind, b, fma);
    const packA = emitPack(mb, `pack_a_${kind.name}`, kind, b.mr);
    const packB = emitPack(mb, `pack_b_${kind.name}`, kind, b.nr);
    const edge = emitEdgeCopy(mb, kind, b);
    emitGemm(mb, kind, b, { kernel, packA, packB, edge });
    emitGemv(mb, kind, fma);
  }
  return mb.encode();
}
