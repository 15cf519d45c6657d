/**
 * Elementwise math on tensors: one public function per scalar op of the
 * table (`T.add`, `T.exp`, `T.switch`, ...), each building an Elemwise node.
 * Operands may be variables, NDArrays or JS literals (weakly typed).
 */
import { isDType, DTYPES, type DType } from '../ndarray/dtype.js';
import { DTypeError } from '../errors.js';
import type { ScalarOp } from '../scalar/scalarOp.js';
import * as scalar from '../scalar/ops.js';
import { elemwiseOf } from './elemwise.js';
import type { TensorVariable } from './variable.js';
import { asTensorVariables, asTensorVariable, constant, type TensorLike } from './asTensor.js';

function applyScalar(op: ScalarOp, operands: readonly TensorLike[]): TensorVariable {
  return elemwiseOf(op).apply1(...asTensorVariables(operands)) as TensorVariable;
}

const unary = (op: ScalarOp) => (x: TensorLike): TensorVariable => applyScalar(op, [x]);
const binary = (op: ScalarOp) => (a: TensorLike, b: TensorLike): TensorVariable => applyScalar(op, [a, b]);

/** A binary associative op that also takes more operands, folded left: `T.add(a, b, c)`. */
const variadic =
  (op: ScalarOp) =>
  (first: TensorLike, ...rest: TensorLike[]): TensorVariable => {
    if (rest.length === 0) return asTensorVariable(first);
    // Convert together so literals are typed against all tensor operands.
    const all = asTensorVariables([first, ...rest]);
    return all.slice(1).reduce((acc, x) => applyScalar(op, [acc, x]), all[0]!);
  };

// ---- arithmetic ----
/** a + b (+ c ...). */
export const add = variadic(scalar.add);
/** a - b. Refused for two bools (use xor). */
export const sub = binary(scalar.sub);
/** a * b (* c ...). */
export const mul = variadic(scalar.mul);
/** True division a / b: ints divide to float64 (Theano's `true_div`). */
export const trueDiv = binary(scalar.trueDiv);
/** Alias of `trueDiv`. */
export const div = trueDiv;
/** Floor division a // b (Theano's `int_div` / `floor_div`). */
export const intDiv = binary(scalar.intDiv);
export const floorDiv = intDiv;
/** a % b with the divisor's sign (Python's modulo). */
export const mod = binary(scalar.mod);
export const pow = binary(scalar.pow);
/** -x. Refused for bool (use invert). */
export const neg = unary(scalar.neg);
export const abs = unary(scalar.abs);
/** Sign: -1, 0 or 1 (NaN stays NaN). */
export const sgn = unary(scalar.sgn);
/** x * x. */
export const sqr = unary(scalar.sqr);
/** 1 / x. */
export const reciprocal = unary(scalar.reciprocal);
export const maximum = binary(scalar.maximum);
export const minimum = binary(scalar.minimum);
/** Limits x to [lo, hi]. */
export const clip = (x: TensorLike, lo: TensorLike, hi: TensorLike): TensorVariable => applyScalar(scalar.clip, [x, lo, hi]);

// ---- exponentials and logarithms ----
export const exp = unary(scalar.exp);
export const exp2 = unary(scalar.exp2);
/** e^x - 1, accurate near 0. */
export const expm1 = unary(scalar.expm1);
export const log = unary(scalar.log);
export const log2 = unary(scalar.log2);
export const log10 = unary(scalar.log10);
/** log(1 + x), accurate near 0. */
export const log1p = unary(scalar.log1p);
export const sqrt = unary(scalar.sqrt);

// ---- trigonometric and hyperbolic ----
export const sin = unary(scalar.sin);
export const cos = unary(scalar.cos);
export const tan = unary(scalar.tan);
export const arcsin = unary(scalar.arcsin);
export const arccos = unary(scalar.arccos);
export const arctan = unary(scalar.arctan);
export const arctan2 = binary(scalar.arctan2);
export const sinh = unary(scalar.sinh);
export const cosh = unary(scalar.cosh);
export const tanh = unary(scalar.tanh);

// ---- special functions ----
/** 1 / (1 + e^-x), computed without overflow. */
export const sigmoid = unary(scalar.sigmoid);
/** log(1 + e^x), computed without overflow. */
export const softplus = unary(scalar.softplus);
export const erf = unary(scalar.erf);
export const erfc = unary(scalar.erfc);

// ---- rounding (float results) ----
export const floor = unary(scalar.floor);
export const ceil = unary(scalar.ceil);
/** Round half to even, as numpy. */
export const round = unary(scalar.round);
export const trunc = unary(scalar.trunc);

// ---- comparisons (bool results) ----
export const lt = binary(scalar.lt);
export const gt = binary(scalar.gt);
export const le = binary(scalar.le);
export const ge = binary(scalar.ge);
export const eq = binary(scalar.eq);
export const neq = binary(scalar.neq);
export const isnan = unary(scalar.isnan);
export const isinf = unary(scalar.isinf);

// ---- logical on bool, bitwise on integers (numpy's &, |, ^, ~; Theano's and_, or_, xor, invert) ----
export const and = binary(scalar.and);
export const or = binary(scalar.or);
export const xor = binary(scalar.xor);
export const invert = unary(scalar.invert);
/** Alias of `invert`: logical not of a bool tensor. */
export const not = invert;

/** Elementwise choice: `a` where `cond` is non-zero, `b` elsewhere. Both sides are computed. */
export function switch_(cond: TensorLike, a: TensorLike, b: TensorLike): TensorVariable {
  // Literal branches are typed against the other branch only, never against the condition.
  const [x, y] = asTensorVariables([a, b]);
  return elemwiseOf(scalar.switchOp).apply1(asTensorVariable(cond), x!, y!) as TensorVariable;
}

/** Conversion to `dtype` (Theano's `T.cast`); `x` itself when it already has that dtype. */
export function cast(x: TensorLike, dtype: DType): TensorVariable {
  if (!isDType(dtype)) throw new DTypeError(`cast: unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(', ')}`);
  const v = asTensorVariable(x);
  return v.dtype === dtype ? v : (elemwiseOf(scalar.cast(dtype)).apply1(v) as TensorVariable);
}

/** `value` broadcast to the shape of `model` (Theano's `fill`); the dtype is the value's. */
export function fill(model: TensorLike, value: TensorLike): TensorVariable {
  const m = asTensorVariable(model);
  return elemwiseOf(scalar.second).apply1(m, asTensorVariable(value, m.dtype)) as TensorVariable;
}

/** Zeros with the shape of `x`, in x's dtype or the one given. */
export function zerosLike(x: TensorLike, dtype?: DType): TensorVariable {
  const v = asTensorVariable(x);
  return fill(v, constant(0, null, dtype ?? v.dtype));
}

/** Ones with the shape of `x`, in x's dtype or the one given. */
export function onesLike(x: TensorLike, dtype?: DType): TensorVariable {
  const v = asTensorVariable(x);
  return fill(v, constant(1, null, dtype ?? v.dtype));
}
