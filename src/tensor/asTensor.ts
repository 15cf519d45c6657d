/**
 * Turning JS values into graph variables: `constant`, `asTensorVariable`,
 * and the weak typing of literals in expressions.
 *
 * Literal rules (what `x.mul(2)` or `T.add(x, 0.5)` does with the number):
 * - an integer literal next to a float tensor takes the tensor's dtype;
 * - an integer literal next to bool/integer tensors becomes the smallest
 *   signed int holding it (int8 for 2, int16 for 300), which then promotes
 *   with the tensors as Theano does (uint8 * 2 → int16, int32 * 2 → int32);
 * - a float literal next to a float tensor takes the tensor's dtype when it
 *   is finite there (float32 * 0.1 stays float32: the one deliberate change
 *   from Theano, which gives float64), float64 otherwise (float32 * 1e40);
 * - a float literal next to bool/integer tensors becomes `config.floatX`.
 * An integral number counts as an integer literal only inside int64's range:
 * 1e40 is a float literal (as the Python float `1e40` is in Theano).
 * Nested JS arrays follow the same rules over all their values. Explicit
 * constants (`T.constant`) and NDArrays are strongly typed.
 */
import { config } from '../config.js';
import { array, isArrayLike } from '../ndarray/create.js';
import { NDArray } from '../ndarray/ndarray.js';
import { fitsDtype, isFloat, isDType, resultType, smallestSignedInt, DTYPES, type DType } from '../ndarray/dtype.js';
import { DTypeError, ValueError } from '../errors.js';
import { Variable } from '../graph/variable.js';
import { TensorType } from './type.js';
import { TensorConstant, TensorVariable } from './variable.js';

/** What tensor operations take as operands. */
export type TensorLike = TensorVariable | NDArray | number | boolean | bigint | ArrayBufferView | readonly TensorLike[];

/** The static shape of a constant: its actual shape (so length-1 axes broadcast). */
function constantType(data: NDArray): TensorType {
  return new TensorType(data.dtype, data.shape);
}

/**
 * A JS number counts as an integer literal when it is integral and inside
 * int64's range; larger integral doubles (1e40) are float literals, as the
 * Python float `1e40` is in Theano.
 */
const isIntLiteral = (v: number): boolean => Number.isInteger(v) && Math.abs(v) < 2 ** 63;

/** The dtype a plain JS value gets on its own: bool, the smallest int holding it, or floatX. */
function defaultLiteralDtype(data: NDArray): DType {
  if (data.dtype === 'bool') return 'bool';
  const values = Array.from(data.flatData());
  if (values.every(isIntLiteral)) {
    return values.length === 0 ? config.floatX : resultType(...values.map(smallestSignedInt));
  }
  return config.floatX;
}

/**
 * A constant variable holding `value` (Theano's `T.constant`). Without a
 * dtype: NDArrays and typed arrays keep theirs; JS integers get the smallest
 * signed int that holds them (int8 for 1), other numbers `config.floatX`.
 */
export function constant(value: TensorLike, name: string | null = null, dtype?: DType): TensorConstant {
  if (value instanceof Variable) throw new TypeError(`constant() takes a value, got the variable ${value}`);
  if (dtype !== undefined && !isDType(dtype)) throw new DTypeError(`unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(', ')}`);
  if (!isArrayLike(value)) throw new ValueError(`cannot make a constant of ${typeof value}`);
  let data = value instanceof NDArray || ArrayBuffer.isView(value) ? array(value) : array(value as never);
  if (dtype !== undefined) {
    data = data.dtype === dtype ? data : data.astype(dtype);
  } else if (!(value instanceof NDArray) && !ArrayBuffer.isView(value)) {
    const d = defaultLiteralDtype(data);
    if (d !== data.dtype) data = data.astype(d);
  }
  return new TensorConstant(constantType(data), data, name);
}

/** True for plain JS numbers, booleans and nested arrays of them: the weakly typed operands. */
function isWeakLiteral(value: unknown): boolean {
  return !(value instanceof Variable) && !(value instanceof NDArray) && !ArrayBuffer.isView(value) && isArrayLike(value);
}

/** The dtype a weak literal takes next to tensors of dtype `context`. */
function literalDtype(data: NDArray, context: DType): DType {
  if (data.dtype === 'bool') return 'bool'; // bool promotes to whatever it meets
  const values = Array.from(data.flatData());
  const allInt = values.every(isIntLiteral);
  if (isFloat(context)) {
    // Numbers finite in the tensor's float dtype live there; those that overflow it (float32 * 1e40) need float64.
    return values.every((v) => !Number.isFinite(v) || fitsFinite(v, context)) ? context : 'float64';
  }
  if (allInt) return values.length === 0 ? context : resultType(...values.map(smallestSignedInt));
  return config.floatX;
}

function fitsFinite(v: number, dtype: DType): boolean {
  return dtype === 'float64' || (Math.abs(v) <= 3.4028234663852886e38 && fitsDtype(Math.fround(v), dtype));
}

/**
 * Makes `value` a TensorVariable: variables pass through; NDArrays and typed
 * arrays become constants of their dtype; JS literals become constants of a
 * dtype chosen by the weak-typing rules next to tensors of dtype `context`
 * (or their own default without one).
 */
export function asTensorVariable(value: TensorLike | Variable, context?: DType, name: string | null = null): TensorVariable {
  if (value instanceof TensorVariable) return value;
  if (value instanceof Variable) throw new TypeError(`expected a tensor variable, got ${value} of type ${value.type}`);
  if (context !== undefined && isWeakLiteral(value)) {
    const data = array(value as never);
    return constant(data, name, literalDtype(data, context));
  }
  if (!isArrayLike(value)) {
    throw new ValueError(`expected a tensor variable, NDArray, number or array, got ${value === null ? 'null' : typeof value}`);
  }
  return constant(value, name);
}

/**
 * Converts the operands of one operation together: literals are typed
 * against the promoted dtype of the non-literal operands.
 */
export function asTensorVariables(values: readonly (TensorLike | Variable)[]): TensorVariable[] {
  const strong = values.filter((v) => !isWeakLiteral(v)).map((v) => asTensorVariable(v));
  const context = strong.length > 0 ? resultType(...strong.map((v) => v.dtype)) : undefined;
  return values.map((v) => asTensorVariable(v, context));
}
