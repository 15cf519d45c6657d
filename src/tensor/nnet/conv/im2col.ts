/**
 * The loops behind Conv2d and its gradients: the geometry of one 2-d
 * convolution (padding, stride, dilation, output size) and im2col / col2im,
 * which turn a convolution into one matrix product (the product itself is
 * dot.ts's `matmulInto`). Buffers are of the dtype the product runs in.
 */
import type { TypedArray } from '../../../ndarray/dtype.js';

/** Per group: C input channels of H×W, kernels kh×kw, output Ho×Wo. */
export interface ConvGeometry {
  C: number;
  H: number;
  W: number;
  kh: number;
  kw: number;
  ph: number;
  pw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  Ho: number;
  Wo: number;
}

/** Theano's border modes: named, or explicit (rows, columns) padding. */
export type BorderMode = 'valid' | 'full' | 'half' | readonly [number, number];

/** The extent of a dilated kernel: (k - 1)·d + 1. */
export const dilatedLength = (k: number, d: number): number => (k - 1) * d + 1;

/** Padding on each side of one axis for a border mode and a dilated kernel length. */
export function padFor(mode: BorderMode, axis: 0 | 1, dilatedK: number): number {
  if (mode === 'valid') return 0;
  if (mode === 'full') return dilatedK - 1;
  if (mode === 'half') return Math.floor(dilatedK / 2);
  return mode[axis];
}

/** The output length of one axis: floor((n + 2p - dk) / s) + 1. */
export const convOutLength = (n: number, pad: number, dilatedK: number, stride: number): number => Math.floor((n + 2 * pad - dilatedK) / stride) + 1;

/**
 * Writes the patches of x (C×H×W contiguous at xOff) into col: entry (row,
 * p) at col[row·rs + (c0 + p)·cs], row = (c·kh + i)·kw + j, p = oh·Wo + ow;
 * padding reads as 0. (rs, cs) = (ld, 1) gives a K×P block of a wider
 * matrix; (1, K) gives its transpose.
 */
export function im2col(col: TypedArray, rs: number, cs: number, c0: number, x: TypedArray, xOff: number, g: ConvGeometry): void {
  const { C, H, W, kh, kw, ph, pw, sh, sw, dh, dw, Ho, Wo } = g;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const base = ((c * kh + i) * kw + j) * rs;
        for (let oh = 0; oh < Ho; oh++) {
          const ih = oh * sh - ph + i * dh;
          const inside = ih >= 0 && ih < H;
          const rowOff = xOff + (c * H + ih) * W;
          for (let ow = 0; ow < Wo; ow++) {
            const iw = ow * sw - pw + j * dw;
            col[base + (c0 + oh * Wo + ow) * cs] = inside && iw >= 0 && iw < W ? Number(x[rowOff + iw]) : 0;
          }
        }
      }
    }
  }
}

/** The adjoint of im2col for a K×P block (row stride ld): adds each patch entry back onto dx (C×H×W at dxOff). */
export function col2im(dx: Float64Array, dxOff: number, col: TypedArray, ld: number, g: ConvGeometry): void {
  const { C, H, W, kh, kw, ph, pw, sh, sw, dh, dw, Ho, Wo } = g;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const base = ((c * kh + i) * kw + j) * ld;
        for (let oh = 0; oh < Ho; oh++) {
          const ih = oh * sh - ph + i * dh;
          if (ih < 0 || ih >= H) continue;
          const rowOff = dxOff + (c * H + ih) * W;
          for (let ow = 0; ow < Wo; ow++) {
            const iw = ow * sw - pw + j * dw;
            if (iw >= 0 && iw < W) dx[rowOff + iw] += col[base + oh * Wo + ow]!;
          }
        }
      }
    }
  }
}

/**
 * The filters (F×C×kh×kw) as an F×K matrix of correlation kernels (into
 * `out`, float64 unless given): flipped in both spatial axes when `flip` (a
 * true convolution).
 */
export function correlationKernels<A extends TypedArray = Float64Array>(w: TypedArray, F: number, C: number, kh: number, kw: number, flip: boolean, out?: A): A {
  out ??= new Float64Array(F * C * kh * kw) as A;
  for (let fc = 0; fc < F * C; fc++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const src = flip ? (fc * kh + (kh - 1 - i)) * kw + (kw - 1 - j) : (fc * kh + i) * kw + j;
        out[(fc * kh + i) * kw + j] = Number(w[src]);
      }
    }
  }
  return out;
}
