/**
 * The blocking of the packed GEMM (BLIS/GotoBLAS loop nest): the register
 * tile MR×NR of the micro-kernel and the cache blocks KC (depth), MC (rows
 * of A packed at once), NC (columns of B packed at once), with the scratch
 * sizes they imply. Chosen by measurement with bench/gemm.mjs.
 */
import type { FloatKind } from './float-kind.js';

export interface GemmBlocking {
  /** Rows and columns of the register tile; NR is a multiple of the vector lanes. */
  readonly mr: number;
  readonly nr: number;
  /** Depth of one packed k block; per-element sums are split at multiples of KC only. */
  readonly kc: number;
  /** Rows of A packed at once (a multiple of MR). */
  readonly mc: number;
  /** Columns of B packed at once (a multiple of NR). */
  readonly nc: number;
  /** Copies of the k step per micro-kernel loop iteration. */
  readonly unroll: number;
}

export interface GemmBlockings {
  readonly f32: GemmBlocking;
  readonly f64: GemmBlocking;
}

/**
 * Multiply then add needs a temporary register per product, so the tile
 * that fits V8's 15 allocatable xmm registers is 5 rows: 10 accumulators +
 * 2 B vectors + the A splat + the product (f32 5×8, f64 5×4). Unrolling the
 * k loop made V8 hoist every load of the copies to the top and spill, so
 * the loop is not unrolled. KC/MC/NC barely matter between 128 and 512 here.
 */
export const BLOCKING_MUL_ADD: GemmBlockings = {
  f32: { mr: 5, nr: 8, kc: 256, mc: 120, nc: 2048, unroll: 1 },
  f64: { mr: 5, nr: 4, kc: 256, mc: 120, nc: 2048, unroll: 1 },
};

/** With fused multiply-add no temporary is needed, and a sixth row fits (f32 6×8, f64 6×4). */
export const BLOCKING_FMA: GemmBlockings = {
  f32: { mr: 6, nr: 8, kc: 256, mc: 120, nc: 2048, unroll: 1 },
  f64: { mr: 6, nr: 4, kc: 256, mc: 120, nc: 2048, unroll: 1 },
};

/** Bytes of packA: the packed MC×KC block, then one MR×NR tile for edge results. */
export function packABytes(kind: FloatKind, b: GemmBlocking): number {
  return (b.mc * b.kc + b.mr * b.nr) * kind.bytes;
}

/** Bytes of packB: the packed KC×NC block. */
export function packBBytes(kind: FloatKind, b: GemmBlocking): number {
  return b.kc * b.nc * kind.bytes;
}

export function checkBlocking(kind: FloatKind, b: GemmBlocking): void {
  const ok =
    b.mr >= 1 && b.nr >= kind.lanes && b.nr % kind.lanes === 0 && b.kc >= 1 && b.mc >= b.mr && b.mc % b.mr === 0 &&
    b.nc >= b.nr && b.nc % b.nr === 0 && b.unroll >= 1;
  if (!ok) throw new RangeError(`bad ${kind.name} GEMM blocking ${JSON.stringify(b)}`);
}
