/**
 * Vectorised math for WebAssembly kernels: for each function and lane shape
 * an emitter that a kernel renderer calls in the middle of a loop body. It
 * reads its operands from v128 locals and leaves the result vector on the
 * stack, allocating whatever temporaries it needs as new locals; it emits
 * only SIMD instructions (no calls), with a branch around the code for rare
 * lanes (overflow, subnormals, special values) that costs nothing when no
 * lane needs it.
 *
 *   const exp = vectorMath('exp', 'f64x2', { relaxedSimd: wasmFeatures().relaxedSimd });
 *   c.get(addr).mem('v128.load').set(x); exp(c, [x]); …
 *
 * `VECTOR_MATH` holds the emitters without relaxed SIMD (valid everywhere);
 * `vectorMath(fn, shape, { relaxedSimd: true })` lets polynomials use
 * relaxed multiply-add (fused or not, as the engine likes: the accuracy
 * bounds hold both ways) and must only be used when
 * `wasmFeatures().relaxedSimd`. pow takes two operands (base, exponent),
 * every other function one. Each call emits 0.5–3 KB of code (mostly
 * v128 constants; pow's f32x4 form, two f64 evaluations, about 5.7 KB).
 * Methods, measured accuracy and speed are in each function's file.
 */
import type { Code, Local } from '../code.js';
import { emitErf } from './erf.js';
import { emitExp, emitExpm1 } from './exp.js';
import { emitLog, emitLog1p } from './log.js';
import { emitSigmoid, emitSoftplus, emitTanh } from './logistic.js';
import { emitPow } from './pow.js';
import { emitCos, emitSin } from './trig.js';
import { Vec, type MathOptions, type Shape } from './vec.js';

export type { MathOptions, Shape } from './vec.js';

/** Appends code that leaves f(args) (one v128) on the stack; args are v128 locals. */
export type VectorMath = (c: Code, args: readonly Local[]) => void;

/** A kernel over one lane shape: returns the local holding the result. */
type Kernel = (v: Vec, args: readonly Local[]) => Local;

const unary =
  (f: (v: Vec, x: Local) => Local): Kernel =>
  (v, args) => {
    if (args.length !== 1) throw new Error(`expected 1 operand, got ${args.length}`);
    return f(v, args[0]!);
  };

const binary =
  (f: (v: Vec, args: readonly Local[]) => Local): Kernel =>
  (v, args) => {
    if (args.length !== 2) throw new Error(`expected 2 operands, got ${args.length}`);
    return f(v, args);
  };

const KERNELS = {
  exp: unary(emitExp),
  log: unary(emitLog),
  sigmoid: unary(emitSigmoid),
  tanh: unary(emitTanh),
  log1p: unary(emitLog1p),
  expm1: unary(emitExpm1),
  softplus: unary(emitSoftplus),
  erf: unary(emitErf),
  sin: unary(emitSin),
  cos: unary(emitCos),
  pow: binary(emitPow),
} satisfies Record<string, Kernel>;

export type MathFunction = keyof typeof KERNELS;
export const MATH_FUNCTIONS = Object.keys(KERNELS) as readonly MathFunction[];

/** The emitter of `fn` on `shape`; `relaxedSimd` lets polynomials use relaxed multiply-add. */
export function vectorMath(fn: MathFunction, shape: Shape, options: MathOptions = {}): VectorMath {
  const kernel: Kernel = KERNELS[fn];
  return (c, args) => {
    for (const a of args) if (a.type !== 'v128') throw new Error(`${fn}: operands must be v128 locals`);
    c.get(kernel(new Vec(c, shape, options), args));
  };
}

/** Every function on both shapes, without relaxed SIMD. */
export const VECTOR_MATH = Object.fromEntries(
  MATH_FUNCTIONS.map((fn) => [fn, { f64x2: vectorMath(fn, 'f64x2'), f32x4: vectorMath(fn, 'f32x4') }]),
) as Record<MathFunction, Record<Shape, VectorMath>>;
