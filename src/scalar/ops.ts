/**
 * The scalar op table: every elementwise operation of theano-ts, with its
 * dtype rule and reference function. Results are written through the output
 * dtype's store conversion (wrap-around for narrow ints, rounding for
 * float32, x != 0 for bool), so functions only need a dtype-specific body
 * where the math itself differs (integer division, exact int products).
 */
import { isUnsigned, isFloat, type DType } from '../ndarray/dtype.js';
import { ScalarOp, type ScalarFn, type ScalarGrad, type ScalarOpSpec } from './scalarOp.js';
import {
  boolResult,
  discreteOnly,
  noBool,
  powDtype,
  trueDivDtype,
  upcast,
  upcastAfterFirst,
  upcastToFloat,
  type DTypeRule,
} from './dtypeRules.js';
import * as sp from './special.js';
import { exp as fastExp } from './fastExp.js';

const op = (spec: ScalarOpSpec): ScalarOp => new ScalarOp(spec);

/** An op whose function is the same for every dtype. */
const simple = (name: string, arity: number, outputDtype: DTypeRule, fn: ScalarFn, extra: Partial<ScalarOpSpec> = {}): ScalarOp =>
  op({ name, arity, outputDtype, impl: () => fn, ...extra });

/** Integer dtypes whose products exceed 2^53 and so need Math.imul to wrap exactly. */
const is32BitInt = (d: DType): boolean => d === 'int32' || d === 'uint32';

/** A unary math function: result is a float (ints upgrade to float32/float64). */
const mathFn = (name: string, fn: (x: number) => number, grad: ScalarGrad): ScalarOp => simple(name, 1, upcastToFloat, fn, { grad });

/** Gradient rules of piecewise-constant functions and predicates: zero for every input. */
const zeroGrad: ScalarGrad = (_m, inputs) => inputs.map(() => null);

const LN2 = Math.LN2;
const LN10 = Math.LN10;
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

// ---- arithmetic -------------------------------------------------------------

export const add = simple('add', 2, upcast, (a, b) => a + b, {
  commutative: true,
  associative: true,
  identity: 0,
  grad: (_m, _ins, _out, gz) => [gz, gz],
});

export const sub = simple(
  'sub',
  2,
  noBool('sub', 'use xor (T.xor) or logical operations on booleans', upcast),
  (a, b) => a - b,
  { grad: (m, _ins, _out, gz) => [gz, m.neg(gz)] },
);

export const mul = op({
  name: 'mul',
  arity: 2,
  outputDtype: upcast,
  impl: (_ins, out) => (is32BitInt(out) ? Math.imul : (a: number, b: number) => a * b),
  commutative: true,
  associative: true,
  identity: 1,
  grad: (m, [x, y], _out, gz) => [m.mul(gz, y!), m.mul(gz, x!)],
});

export const trueDiv = simple('trueDiv', 2, trueDivDtype, (a, b) => a / b, {
  grad: (m, [x, y], _out, gz) => [m.div(gz, y!), m.neg(m.div(m.mul(gz, x!), m.sqr(y!)))],
});

/** Floor division (Python's `//`). */
export const intDiv = op({
  name: 'intDiv',
  arity: 2,
  outputDtype: upcast,
  impl: (_ins, out) => (isFloat(out) ? sp.pyFloorDiv : sp.intFloorDiv),
  grad: zeroGrad,
});

/** Modulo with the divisor's sign (Python's `%`). */
export const mod = op({
  name: 'mod',
  arity: 2,
  outputDtype: upcast,
  impl: (_ins, out) => (isFloat(out) ? sp.pyMod : sp.intMod),
  // x mod y = x - floor(x / y) * y
  grad: (m, [x, y], _out, gz) => [gz, m.neg(m.mul(gz, m.intDiv(x!, y!)))],
});

export const pow = op({
  name: 'pow',
  arity: 2,
  outputDtype: powDtype,
  impl: (_ins, out) => (isFloat(out) ? sp.floatPow : out === 'int64' || out === 'uint64' ? Math.pow : sp.intPow32),
  grad: (m, [x, y], out, gz) => [
    m.mul(m.mul(gz, y!), m.pow(x!, m.sub(y!, 1))),
    // d(x^y)/dy = log(x) x^y, taken as 0 at x = 0 (where x^y is 0 or 1 for y >= 0).
    m.switch(m.eq(x!, 0), 0, m.mul(m.mul(gz, m.log(x!)), out)),
  ],
});

export const neg = simple('neg', 1, noBool('neg', 'use invert (T.invert) for a boolean not', upcast), (a) => -a, {
  grad: (m, _ins, _out, gz) => [m.neg(gz)],
});

export const abs = simple('abs', 1, upcast, Math.abs, { grad: (m, [x], _out, gz) => [m.mul(gz, m.sgn(x!))] });

/** Sign as numpy: -1, 0 or 1, NaN for NaN, +0 for -0. Refused for bool, as PyTensor's `sign`. */
export const sgn = simple('sgn', 1, noBool('sgn', 'a bool is its own sign; cast it to an integer first', upcast), (a) =>
  a > 0 ? 1 : a < 0 ? -1 : a === 0 ? 0 : a,
  { grad: zeroGrad },
);

export const sqr = op({
  name: 'sqr',
  arity: 1,
  outputDtype: upcast,
  impl: (_ins, out) => (is32BitInt(out) ? (a: number) => Math.imul(a, a) : (a: number) => a * a),
  grad: (m, [x], _out, gz) => [m.mul(m.mul(gz, x!), 2)],
});

export const reciprocal = simple('reciprocal', 1, upcastToFloat, (a) => 1 / a, {
  grad: (m, _ins, out, gz) => [m.neg(m.mul(gz, m.sqr(out)))],
});

export const maximum = simple('maximum', 2, upcast, (a, b) => (a > b || Number.isNaN(a) ? a : b), {
  commutative: true,
  associative: true,
  identity: -Infinity,
  // Ties send the gradient to the first input (a valid subgradient, counted once).
  grad: (m, [x, y], _out, gz) => [m.switch(m.ge(x!, y!), gz, 0), m.switch(m.lt(x!, y!), gz, 0)],
});

export const minimum = simple('minimum', 2, upcast, (a, b) => (a < b || Number.isNaN(a) ? a : b), {
  commutative: true,
  associative: true,
  identity: Infinity,
  grad: (m, [x, y], _out, gz) => [m.switch(m.le(x!, y!), gz, 0), m.switch(m.gt(x!, y!), gz, 0)],
});

/** clip(x, lo, hi): NaN stays NaN, as numpy. */
export const clip = simple('clip', 3, upcast, (x, lo, hi) => (x < lo ? lo : x > hi ? hi : x), {
  grad: (m, [x, lo, hi], _out, gz) => [
    m.switch(m.and(m.ge(x!, lo!), m.le(x!, hi!)), gz, 0),
    m.switch(m.lt(x!, lo!), gz, 0),
    m.switch(m.gt(x!, hi!), gz, 0),
  ],
});

// ---- exponentials, logarithms, powers ---------------------------------------

export const exp = mathFn('exp', fastExp, (m, _ins, out, gz) => [m.mul(gz, out)]);
export const exp2 = mathFn('exp2', (x) => Math.pow(2, x), (m, _ins, out, gz) => [m.mul(m.mul(gz, out), LN2)]);
export const expm1 = mathFn('expm1', Math.expm1, (m, _ins, out, gz) => [m.mul(gz, m.add(out, 1))]);
export const log = mathFn('log', Math.log, (m, [x], _out, gz) => [m.div(gz, x!)]);
export const log2 = mathFn('log2', Math.log2, (m, [x], _out, gz) => [m.div(gz, m.mul(x!, LN2))]);
export const log10 = mathFn('log10', Math.log10, (m, [x], _out, gz) => [m.div(gz, m.mul(x!, LN10))]);
export const log1p = mathFn('log1p', Math.log1p, (m, [x], _out, gz) => [m.div(gz, m.add(x!, 1))]);
export const sqrt = mathFn('sqrt', Math.sqrt, (m, _ins, out, gz) => [m.div(m.mul(gz, 0.5), out)]);

// ---- trigonometric and hyperbolic -------------------------------------------

export const sin = mathFn('sin', Math.sin, (m, [x], _out, gz) => [m.mul(gz, m.cos(x!))]);
export const cos = mathFn('cos', Math.cos, (m, [x], _out, gz) => [m.neg(m.mul(gz, m.sin(x!)))]);
export const tan = mathFn('tan', Math.tan, (m, _ins, out, gz) => [m.mul(gz, m.add(m.sqr(out), 1))]);
export const arcsin = mathFn('arcsin', Math.asin, (m, [x], _out, gz) => [m.div(gz, m.sqrt(m.sub(1, m.sqr(x!))))]);
export const arccos = mathFn('arccos', Math.acos, (m, [x], _out, gz) => [m.neg(m.div(gz, m.sqrt(m.sub(1, m.sqr(x!)))))]);
export const arctan = mathFn('arctan', Math.atan, (m, [x], _out, gz) => [m.div(gz, m.add(m.sqr(x!), 1))]);
export const arctan2 = simple('arctan2', 2, upcastToFloat, Math.atan2, {
  // d atan2(a, b) = (b da - a db) / (a² + b²)
  grad: (m, [a, b], _out, gz) => {
    const r2 = m.add(m.sqr(a!), m.sqr(b!));
    return [m.div(m.mul(gz, b!), r2), m.neg(m.div(m.mul(gz, a!), r2))];
  },
});
export const sinh = mathFn('sinh', Math.sinh, (m, [x], _out, gz) => [m.mul(gz, m.cosh(x!))]);
export const cosh = mathFn('cosh', Math.cosh, (m, [x], _out, gz) => [m.mul(gz, m.sinh(x!))]);
export const tanh = mathFn('tanh', Math.tanh, (m, _ins, out, gz) => [m.mul(gz, m.sub(1, m.sqr(out)))]);

// ---- special functions ------------------------------------------------------

export const sigmoid = mathFn('sigmoid', sp.sigmoid, (m, _ins, out, gz) => [m.mul(gz, m.mul(out, m.sub(1, out)))]);
export const softplus = mathFn('softplus', sp.softplus, (m, [x], _out, gz) => [m.mul(gz, m.sigmoid(x!))]);
export const erf = mathFn('erf', sp.erf, (m, [x], _out, gz) => [m.mul(gz, m.mul(m.exp(m.neg(m.sqr(x!))), TWO_OVER_SQRT_PI))]);
export const erfc = mathFn('erfc', sp.erfc, (m, [x], _out, gz) => [m.neg(m.mul(gz, m.mul(m.exp(m.neg(m.sqr(x!))), TWO_OVER_SQRT_PI)))]);

// ---- rounding (float results, as Theano: floor of an int8 is float32) -------

export const floor = mathFn('floor', Math.floor, zeroGrad);
export const ceil = mathFn('ceil', Math.ceil, zeroGrad);
/** Round half to even, as numpy and Theano's `round`. */
export const round = mathFn('round', sp.roundHalfEven, zeroGrad);
export const trunc = mathFn('trunc', Math.trunc, zeroGrad);

// ---- comparisons and predicates ---------------------------------------------

export const lt = simple('lt', 2, boolResult, (a, b) => (a < b ? 1 : 0), { grad: zeroGrad });
export const gt = simple('gt', 2, boolResult, (a, b) => (a > b ? 1 : 0), { grad: zeroGrad });
export const le = simple('le', 2, boolResult, (a, b) => (a <= b ? 1 : 0), { grad: zeroGrad });
export const ge = simple('ge', 2, boolResult, (a, b) => (a >= b ? 1 : 0), { grad: zeroGrad });
export const eq = simple('eq', 2, boolResult, (a, b) => (a === b ? 1 : 0), { commutative: true, grad: zeroGrad });
export const neq = simple('neq', 2, boolResult, (a, b) => (a !== b ? 1 : 0), { commutative: true, grad: zeroGrad });
export const isnan = simple('isnan', 1, boolResult, (a) => (Number.isNaN(a) ? 1 : 0), { grad: zeroGrad });
export const isinf = simple('isinf', 1, boolResult, (a) => (a === Infinity || a === -Infinity ? 1 : 0), { grad: zeroGrad });

// ---- logical / bitwise (logical on bool, bitwise on integers, as numpy's &, |, ^, ~) --

/** A bitwise binary op: 32-bit JS operators where they are exact, BigInt for 64-bit ints. */
const bitwise = (name: string, fn32: ScalarFn, fn64: ScalarFn, identity?: number): ScalarOp =>
  op({
    name,
    arity: 2,
    outputDtype: discreteOnly(name, upcast),
    impl: (_ins, out) => {
      if (out === 'int64' || out === 'uint64') return fn64;
      // >>> 0 reads the 32 result bits as unsigned where the output is unsigned.
      return isUnsigned(out) ? (a, b) => fn32(a, b) >>> 0 : fn32;
    },
    commutative: true,
    associative: true,
    ...(identity === undefined ? {} : { identity }),
    grad: zeroGrad,
  });

/** Identity -1 (all bits set; true for bool), as PyTensor's AND: reductions need it. */
export const and = bitwise('and', (a, b) => a & b, sp.and64, -1);
export const or = bitwise('or', (a, b) => a | b, sp.or64, 0);
export const xor = bitwise('xor', (a, b) => a ^ b, sp.xor64, 0);

/** Logical not for bool, bitwise not (~) for integers. */
export const invert = op({
  name: 'invert',
  arity: 1,
  outputDtype: discreteOnly('invert', upcast),
  impl: (_ins, out) => {
    if (out === 'bool') return (a) => (a !== 0 ? 0 : 1);
    if (out === 'int64' || out === 'uint64') return sp.invert64;
    return isUnsigned(out) ? (a) => ~a >>> 0 : (a) => ~a;
  },
  grad: zeroGrad,
});

// ---- selection and conversion -----------------------------------------------

/** switch(cond, a, b): a where cond is non-zero, else b; both are always evaluated. */
export const switchOp = simple('switch', 3, upcastAfterFirst, (c, a, b) => (c !== 0 ? a : b), {
  grad: (m, [c], _out, gz) => [null, m.switch(c!, gz, 0), m.switch(c!, 0, gz)],
});

/** Passes its input through (a copy, when a graph needs one). */
export const identity = simple('identity', 1, upcast, (a) => a, { grad: (_m, _ins, _out, gz) => [gz] });

const castOps = new Map<DType, ScalarOp>();

/** Conversion to `dtype`; the output store does the work (truncation, wrap, rounding, != 0). */
export function cast(dtype: DType): ScalarOp {
  let found = castOps.get(dtype);
  if (found === undefined) {
    // The gradient flows back unchanged; it is converted to the input's dtype where it arrives.
    found = op({ name: 'cast', arity: 1, outputDtype: () => dtype, impl: () => (a) => a, params: { dtype }, grad: (_m, _ins, _out, gz) => [gz] });
    castOps.set(dtype, found);
  }
  return found;
}

/** second(a, b) = b: with broadcasting, `b` spread to the shape of `a` (Theano's `fill`, behind zerosLike). */
export const second = simple('second', 2, (ins) => ins[1]!, (_a, b) => b, { grad: (_m, _ins, _out, gz) => [null, gz] });
