/**
 * A thin expression layer over `Code` for writing SIMD math kernels once for
 * both vector shapes. Operands are locals, float constants (splatted to every
 * lane) or deferred emitters (`Expr` thunks that push one v128 when called);
 * every helper returns such a thunk, so kernels read like formulas:
 * `v.add(x, v.mul(k, LN2))`. A thunk must be used once: anything needed
 * twice goes through `v.let`, which stores it in a fresh local.
 *
 * The shape fixes the lane type (f64x2 over i64x2 bits, or f32x4 over
 * i32x4) and the IEEE format constants the kernels use for bit tricks.
 */
import type { Code, Local } from '../code.js';
import type { PlainOp } from '../opcodes.js';

export type Shape = 'f64x2' | 'f32x4';

/** A value a kernel can push: a v128 local, a float constant for every lane, or a deferred emitter. */
export type Expr = Local | number | (() => void);

type FloatOp = 'add' | 'sub' | 'mul' | 'div' | 'min' | 'max' | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
type FloatUnary = 'abs' | 'neg' | 'trunc';
type IntOp = 'add' | 'sub' | 'gt_s';

/** IEEE parameters of one lane type. */
interface Format {
  readonly intShape: 'i64x2' | 'i32x4';
  /** Explicit significand bits (52 or 23): the exponent field starts here. */
  readonly mantissaBits: number;
  readonly bias: number;
  /** 1.5·2^mantissaBits: x + SHIFT rounds x to an integer held in the low bits. */
  readonly shift: number;
  readonly minNormal: number;
}

const FORMATS: Record<Shape, Format> = {
  f64x2: { intShape: 'i64x2', mantissaBits: 52, bias: 1023, shift: 6755399441055744, minNormal: 2 ** -1022 },
  f32x4: { intShape: 'i32x4', mantissaBits: 23, bias: 127, shift: 12582912, minNormal: 2 ** -126 },
};

export interface MathOptions {
  /** Use relaxed-SIMD multiply-add in polynomials (only when `wasmFeatures().relaxedSimd`). */
  readonly relaxedSimd?: boolean;
}

export class Vec {
  readonly format: Format;

  constructor(
    readonly c: Code,
    readonly shape: Shape,
    readonly options: MathOptions = {},
  ) {
    this.format = FORMATS[shape];
  }

  get isF64(): boolean {
    return this.shape === 'f64x2';
  }

  /** Pushes an operand. */
  push(e: Expr): void {
    if (typeof e === 'number') this.c.splatConst(this.shape, e);
    else if (typeof e === 'function') e();
    else this.c.get(e);
  }

  /** Evaluates `e` into a new v128 local (a local passes through unchanged). */
  let(e: Expr): Local {
    if (typeof e === 'object') return e;
    const l = this.c.local('v128');
    this.push(e);
    this.c.set(l);
    return l;
  }

  /** Stores `e` into an existing local. */
  assign(target: Local, e: Expr): void {
    this.push(e);
    this.c.set(target);
  }

  /** Any instruction applied to operands pushed in order. */
  raw(op: PlainOp, ...args: Expr[]): () => void {
    return () => {
      for (const a of args) this.push(a);
      this.c.op(op);
    };
  }

  private float(op: FloatOp | FloatUnary, ...args: Expr[]): () => void {
    return this.raw(`${this.shape}.${op}` as PlainOp, ...args);
  }

  add = (a: Expr, b: Expr) => this.float('add', a, b);
  sub = (a: Expr, b: Expr) => this.float('sub', a, b);
  mul = (a: Expr, b: Expr) => this.float('mul', a, b);
  div = (a: Expr, b: Expr) => this.float('div', a, b);
  /** NaN-propagating min/max (wasm semantics), used for clamping. */
  min = (a: Expr, b: Expr) => this.float('min', a, b);
  max = (a: Expr, b: Expr) => this.float('max', a, b);
  eq = (a: Expr, b: Expr) => this.float('eq', a, b);
  ne = (a: Expr, b: Expr) => this.float('ne', a, b);
  lt = (a: Expr, b: Expr) => this.float('lt', a, b);
  le = (a: Expr, b: Expr) => this.float('le', a, b);
  gt = (a: Expr, b: Expr) => this.float('gt', a, b);
  ge = (a: Expr, b: Expr) => this.float('ge', a, b);
  abs = (a: Expr) => this.float('abs', a);
  neg = (a: Expr) => this.float('neg', a);
  trunc = (a: Expr) => this.float('trunc', a);

  /** a·b + c; fused (or not: relaxed semantics) when relaxed SIMD is allowed. */
  fma(a: Expr, b: Expr, c: Expr): () => void {
    if (this.options.relaxedSimd) return this.raw(`${this.shape}.relaxed_madd` as PlainOp, a, b, c);
    return this.add(this.mul(a, b), c);
  }

  /**
   * Σ coeffs[i]·x^i (lowest degree first) by Estrin's scheme: pairs
   * c[2i] + c[2i+1]·x, then the same on x² recursively. The dependency chain
   * is about log2(degree) multiply-adds long instead of degree (Horner):
   * the kernels are latency-bound, so this is what makes them fast.
   */
  poly(x: Local, coeffs: readonly Expr[], xSquared?: Local): Expr {
    if (coeffs.length === 1) return coeffs[0]!;
    const pairs: Expr[] = [];
    for (let i = 0; i < coeffs.length; i += 2) {
      pairs.push(i + 1 < coeffs.length ? this.let(this.fma(coeffs[i + 1]!, x, coeffs[i]!)) : coeffs[i]!);
    }
    if (pairs.length === 1) return pairs[0]!;
    return this.poly(xSquared ?? this.let(this.mul(x, x)), pairs);
  }

  /** The same integer in every lane of the shape's integer view. */
  int(n: number | bigint): () => void {
    return () => this.c.splatInt(this.format.intShape, this.isF64 ? BigInt(n) : Number(n));
  }

  private integer(op: IntOp | 'shl' | 'shr_s', ...args: Expr[]): () => void {
    return this.raw(`${this.format.intShape}.${op}` as PlainOp, ...args);
  }

  iadd = (a: Expr, b: Expr) => this.integer('add', a, b);
  isub = (a: Expr, b: Expr) => this.integer('sub', a, b);
  igt = (a: Expr, b: Expr) => this.integer('gt_s', a, b);
  /** Shift every lane by a constant bit count. */
  shl = (a: Expr, bits: number) => () => {
    this.push(a);
    this.c.i32(bits).op(`${this.format.intShape}.shl` as PlainOp);
  };
  shrS = (a: Expr, bits: number) => () => {
    this.push(a);
    this.c.i32(bits).op(`${this.format.intShape}.shr_s` as PlainOp);
  };

  and = (a: Expr, b: Expr) => this.raw('v128.and', a, b);
  or = (a: Expr, b: Expr) => this.raw('v128.or', a, b);
  andnot = (a: Expr, b: Expr) => this.raw('v128.andnot', a, b);
  not = (a: Expr) => this.raw('v128.not', a);
  /** Lanewise `mask ? ifTrue : ifFalse` (mask lanes all ones or all zeros). */
  select = (mask: Expr, ifTrue: Expr, ifFalse: Expr) => this.raw('v128.bitselect', ifTrue, ifFalse, mask);

  /** The bits of a float constant, every lane (for masks such as the sign bit). */
  bitsOf(x: number): () => void {
    return this.int(this.isF64 ? floatBits64(x) : floatBits32(x));
  }

  /** `magnitude` with the sign bit of `sign`. */
  copysign(magnitude: Expr, sign: Expr): () => void {
    return this.select(this.bitsOf(-0), sign, magnitude);
  }

  /** Integer lanes (|i| < 2^(mantissaBits-1)) as floats of the lane width. */
  toFloat(i: Expr): () => void {
    return this.sub(this.iadd(i, this.bitsOf(this.format.shift)), this.format.shift);
  }

  /**
   * Runs `slow` (which pushes a value) and stores it in `result` only when
   * some lane of `mask` is set: rare inputs cost a branch, not the fast path.
   */
  ifAny(mask: Expr, result: Local, slow: () => Expr): void {
    this.push(mask);
    this.c.op('v128.any_true').if_();
    this.assign(result, slow());
    this.c.end();
  }
}

export function floatBits64(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigInt64(0);
}

export function floatBits32(x: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, x);
  return view.getInt32(0);
}
