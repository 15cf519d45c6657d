/**
 * How the WASM executor renders each scalar op on a vector of lanes
 * (f64x2 for float64 kernels, f32x4 for float32): the same semantics as
 * the op's reference function in scalar/ops.ts, lane by lane — NaN, signed
 * zeros and ties included (`maximum` keeps a NaN first operand and returns
 * b on ±0 ties, exactly like its JS function; `round` is half-to-even).
 * Transcendental functions come from the vector math library (wasm/math).
 * An op missing here makes its kernel run in the JS executor instead.
 */
import type { Code, Local } from '../../wasm/code.js';
import type { PlainOp } from '../../wasm/opcodes.js';
import { MATH_FUNCTIONS, vectorMath, type MathFunction } from '../../wasm/math/index.js';
import { wasmFeatures } from '../../wasm/features.js';

export type Shape = 'f64x2' | 'f32x4';

/** Pushes the op's result vector computed from the argument locals. */
export type VectorOp = (c: Code, shape: Shape, args: readonly Local[]) => void;

const ins = (shape: Shape, name: string) => `${shape}.${name}` as PlainOp;

const binary =
  (name: string): VectorOp =>
  (c, s, [a, b]) => void c.get(a!).get(b!).op(ins(s, name));

const unary =
  (name: string): VectorOp =>
  (c, s, [a]) => void c.get(a!).op(ins(s, name));

/** `mask ? x : y` lane by lane, where x, y and mask are pushed by the callbacks. */
function select(c: Code, x: () => void, y: () => void, mask: () => void): void {
  x();
  y();
  mask();
  c.op('v128.bitselect');
}

/** x > y || x !== x (the lanes where `maximum(x, y)` keeps x); `less` for minimum. */
function keepsFirst(c: Code, s: Shape, a: Local, b: Local, less: boolean): void {
  c.get(a).get(b).op(ins(s, less ? 'lt' : 'gt'));
  c.get(a).get(a).op(ins(s, 'ne'));
  c.op('v128.or');
}

const OPS: Record<string, VectorOp> = {
  add: binary('add'),
  sub: binary('sub'),
  mul: binary('mul'),
  trueDiv: binary('div'),
  neg: unary('neg'),
  abs: unary('abs'),
  sqrt: unary('sqrt'),
  floor: unary('floor'),
  ceil: unary('ceil'),
  trunc: unary('trunc'),
  round: unary('nearest'),
  sqr: (c, s, [a]) => void c.get(a!).get(a!).op(ins(s, 'mul')),
  reciprocal: (c, s, [a]) => void c.splatConst(s, 1).get(a!).op(ins(s, 'div')),
  identity: (c, _s, [a]) => void c.get(a!),
  second: (c, _s, [, b]) => void c.get(b!),
  cast: (c, _s, [a]) => void c.get(a!),
  maximum: (c, s, [a, b]) => select(c, () => c.get(a!), () => c.get(b!), () => keepsFirst(c, s, a!, b!, false)),
  minimum: (c, s, [a, b]) => select(c, () => c.get(a!), () => c.get(b!), () => keepsFirst(c, s, a!, b!, true)),
  // x < lo ? lo : x > hi ? hi : x (NaN passes through)
  clip: (c, s, [x, lo, hi]) =>
    select(
      c,
      () => c.get(lo!),
      () => select(c, () => c.get(hi!), () => c.get(x!), () => c.get(x!).get(hi!).op(ins(s, 'gt'))),
      () => c.get(x!).get(lo!).op(ins(s, 'lt')),
    ),
  // cond !== 0 ? a : b (a NaN condition counts as true, as in JS)
  switch: (c, s, [cond, a, b]) => select(c, () => c.get(a!), () => c.get(b!), () => c.get(cond!).splatConst(s, 0).op(ins(s, 'ne'))),
  // 1, -1, 0 (also for -0), NaN
  sgn: (c, s, [a]) =>
    select(
      c,
      () => c.splatConst(s, 1),
      () =>
        select(
          c,
          () => c.splatConst(s, -1),
          () => select(c, () => c.splatConst(s, 0), () => c.get(a!), () => c.get(a!).splatConst(s, 0).op(ins(s, 'eq'))),
          () => c.get(a!).splatConst(s, 0).op(ins(s, 'lt')),
        ),
      () => c.get(a!).splatConst(s, 0).op(ins(s, 'gt')),
    ),
};

/**
 * Predicates and logical ops give lane masks (all bits set for true), the
 * form bool values take inside a kernel: `switch` selects with them
 * directly, and arithmetic on a bool reads it as 0 or 1 (see `maskToFloat`).
 */
const MASK_OPS: Record<string, VectorOp> = {
  lt: binary('lt'),
  gt: binary('gt'),
  le: binary('le'),
  ge: binary('ge'),
  eq: binary('eq'),
  neq: binary('ne'),
  isnan: (c, s, [a]) => void c.get(a!).get(a!).op(ins(s, 'ne')),
  isinf: (c, s, [a]) => void c.get(a!).op(ins(s, 'abs')).splatConst(s, Infinity).op(ins(s, 'eq')),
};

/** Logical ops on masks (bool operands). */
const LOGICAL_OPS: Record<string, VectorOp> = {
  and: (c, _s, [a, b]) => void c.get(a!).get(b!).op('v128.and'),
  or: (c, _s, [a, b]) => void c.get(a!).get(b!).op('v128.or'),
  xor: (c, _s, [a, b]) => void c.get(a!).get(b!).op('v128.xor'),
  invert: (c, _s, [a]) => void c.get(a!).op('v128.not'),
};

/** `switch` whose condition is a mask (a predicate's result) rather than a number. */
export const switchOnMask: VectorOp = (c, _s, [mask, a, b]) => select(c, () => c.get(a!), () => c.get(b!), () => c.get(mask!));

/** Pushes 1 or 0 in each lane of `shape` for a mask (a bool used as a number). */
export function maskToFloat(c: Code, shape: Shape, mask: Local): void {
  c.get(mask).splatConst(shape, 1).op('v128.and');
}

/** A rough cost per element of the op, in additions: 1 for arithmetic and selection, more for the math library's functions. */
export function opCost(name: string): number {
  return name in OPS || name in MASK_OPS || name in LOGICAL_OPS ? 1 : 16;
}

const mathOps = new Map<string, VectorOp>();

/**
 * C's pow (numpy's, and the scalar op's) from ECMAScript's: 1 ** y is 1 and
 * (-1) ** ±Infinity is 1, even where Math.pow gives NaN.
 */
function cPow(pow: VectorOp): VectorOp {
  return (c, s, [a, b]) =>
    select(
      c,
      () => c.splatConst(s, 1),
      () => pow(c, s, [a!, b!]),
      () => {
        c.get(a!).splatConst(s, 1).op(ins(s, 'eq'));
        c.get(a!).splatConst(s, -1).op(ins(s, 'eq'));
        c.get(b!).op(ins(s, 'abs')).splatConst(s, Infinity).op(ins(s, 'eq'));
        c.op('v128.and').op('v128.or');
      },
    );
}

/** The math library's function for `name` (exp, log, tanh, …), using fused multiply-add where the runtime has it. */
function mathOp(name: string): VectorOp | undefined {
  if (!(MATH_FUNCTIONS as readonly string[]).includes(name)) return undefined;
  let op = mathOps.get(name);
  if (op === undefined) {
    const options = { relaxedSimd: wasmFeatures().relaxedSimd };
    const f64 = vectorMath(name as MathFunction, 'f64x2', options);
    const f32 = vectorMath(name as MathFunction, 'f32x4', options);
    op = (c, s, args) => (s === 'f64x2' ? f64 : f32)(c, args);
    if (name === 'pow') op = cPow(op);
    mathOps.set(name, op);
  }
  return op;
}

/** The vector rendering of the scalar op named `name` on numbers, or undefined when the WASM executor has none. */
export function vectorOp(name: string): VectorOp | undefined {
  return OPS[name] ?? mathOp(name);
}

/** The rendering of a predicate of numbers (result: a mask), or undefined. */
export function maskOp(name: string): VectorOp | undefined {
  return MASK_OPS[name];
}

/** The rendering of a logical op on masks, or undefined. */
export function logicalOp(name: string): VectorOp | undefined {
  return LOGICAL_OPS[name];
}
