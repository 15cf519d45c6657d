/**
 * The two element types the GEMM/GEMV generators emit code for, as the
 * instruction names and sizes that differ between them, plus the one
 * multiply-accumulate step every kernel is built from (fused only when the
 * runtime has relaxed SIMD).
 */
import type { Code, Local } from '../code.js';

export interface FloatKind {
  readonly name: 'f32' | 'f64';
  /** Bytes per element, and elements per v128. */
  readonly bytes: 4 | 8;
  readonly lanes: 4 | 2;
  readonly log2Bytes: 2 | 3;
  readonly load: 'f32.load' | 'f64.load';
  readonly store: 'f32.store' | 'f64.store';
  readonly add: 'f32.add' | 'f64.add';
  readonly mul: 'f32.mul' | 'f64.mul';
  readonly vadd: 'f32x4.add' | 'f64x2.add';
  readonly vmul: 'f32x4.mul' | 'f64x2.mul';
  readonly vmadd: 'f32x4.relaxed_madd' | 'f64x2.relaxed_madd';
  readonly splatLoad: 'v128.load32_splat' | 'v128.load64_splat';
  readonly splat: 'f32x4.splat' | 'f64x2.splat';
  readonly extract: 'f32x4.extract_lane' | 'f64x2.extract_lane';
}

export const F32: FloatKind = {
  name: 'f32', bytes: 4, lanes: 4, log2Bytes: 2, load: 'f32.load', store: 'f32.store', add: 'f32.add', mul: 'f32.mul',
  vadd: 'f32x4.add', vmul: 'f32x4.mul', vmadd: 'f32x4.relaxed_madd', splatLoad: 'v128.load32_splat',
  splat: 'f32x4.splat', extract: 'f32x4.extract_lane',
};

export const F64: FloatKind = {
  name: 'f64', bytes: 8, lanes: 2, log2Bytes: 3, load: 'f64.load', store: 'f64.store', add: 'f64.add', mul: 'f64.mul',
  vadd: 'f64x2.add', vmul: 'f64x2.mul', vmadd: 'f64x2.relaxed_madd', splatLoad: 'v128.load64_splat',
  splat: 'f64x2.splat', extract: 'f64x2.extract_lane',
};

/**
 * `acc += a * b` on vectors, where `pushA`/`pushB` push the operands: one
 * relaxed fused multiply-add when `fma`, otherwise a multiply then an add
 * (acc first, so the rounding matches a scalar `acc + a*b`).
 */
export function vectorMulAdd(c: Code, kind: FloatKind, fma: boolean, acc: Local, pushA: () => void, pushB: () => void): void {
  if (fma) {
    pushA();
    pushB();
    c.get(acc).op(kind.vmadd);
  } else {
    c.get(acc);
    pushA();
    pushB();
    c.op(kind.vmul).op(kind.vadd);
  }
  c.set(acc);
}

/** `min(a, b)` of two i32 locals, signed, left on the stack. */
export function pushMin(c: Code, a: Local, b: Local): void {
  c.get(a).get(b).get(a).get(b).op('i32.lt_s').op('select');
}

/** Copies `bytes` (a multiple of 4) from the address in `src` to the one in `dst`, widest moves first. */
export function copyBytes(c: Code, src: Local, dst: Local, bytes: number, srcOffset = 0, dstOffset = 0): void {
  let at = 0;
  for (; at + 16 <= bytes; at += 16) c.get(dst).get(src).mem('v128.load', srcOffset + at, 0).mem('v128.store', dstOffset + at, 0);
  for (; at + 8 <= bytes; at += 8) c.get(dst).get(src).mem('i64.load', srcOffset + at, 0).mem('i64.store', dstOffset + at, 0);
  for (; at + 4 <= bytes; at += 4) c.get(dst).get(src).mem('i32.load', srcOffset + at, 0).mem('i32.store', dstOffset + at, 0);
}
