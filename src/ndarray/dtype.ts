/**
 * Data types: names, storage, value ranges, casting and promotion.
 *
 * Storage: each dtype is held in the typed array of its width, except the
 * 64-bit integers. `int64` and `uint64` live in a `Float64Array` holding
 * integral values: they are exact for |x| <= 2^53 (every shape, index and
 * count a program can reach) and lose low bits beyond that, where numpy would
 * wrap. This keeps int64 arithmetic as fast as float arithmetic and lets every
 * kernel work on plain JS numbers; `BigInt64Array` would make every integer
 * kernel an order of magnitude slower.
 */

export type DType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'float32'
  | 'float64';

export type TypedArray =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint16Array
  | Uint32Array
  | Float32Array
  | Float64Array;

export type TypedArrayConstructor = {
  new (length: number): TypedArray;
  new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray;
  readonly BYTES_PER_ELEMENT: number;
};

/** 'b' bool, 'i' signed integer, 'u' unsigned integer, 'f' float (numpy's kind letters). */
export type DTypeKind = 'b' | 'i' | 'u' | 'f';

export interface DTypeInfo {
  readonly name: DType;
  readonly kind: DTypeKind;
  /** Width in bits of the logical type (not of its storage). */
  readonly bits: number;
  readonly storage: TypedArrayConstructor;
  readonly min: number;
  readonly max: number;
}

const info = (
  name: DType,
  kind: DTypeKind,
  bits: number,
  storage: TypedArrayConstructor,
  min: number,
  max: number,
): DTypeInfo => ({ name, kind, bits, storage, min, max });

const TABLE: Record<DType, DTypeInfo> = {
  bool: info('bool', 'b', 8, Uint8Array, 0, 1),
  int8: info('int8', 'i', 8, Int8Array, -128, 127),
  int16: info('int16', 'i', 16, Int16Array, -32768, 32767),
  int32: info('int32', 'i', 32, Int32Array, -2147483648, 2147483647),
  int64: info('int64', 'i', 64, Float64Array, -(2 ** 63), 2 ** 63 - 1),
  uint8: info('uint8', 'u', 8, Uint8Array, 0, 255),
  uint16: info('uint16', 'u', 16, Uint16Array, 0, 65535),
  uint32: info('uint32', 'u', 32, Uint32Array, 0, 4294967295),
  uint64: info('uint64', 'u', 64, Float64Array, 0, 2 ** 64 - 1),
  float32: info('float32', 'f', 32, Float32Array, -3.4028234663852886e38, 3.4028234663852886e38),
  float64: info('float64', 'f', 64, Float64Array, -Number.MAX_VALUE, Number.MAX_VALUE),
};

/** Every dtype, in numpy's order of kinds then widths. */
export const DTYPES: readonly DType[] = Object.keys(TABLE) as DType[];

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(TABLE, value);
}

export function dtypeInfo(dtype: DType): DTypeInfo {
  const found = TABLE[dtype];
  if (found === undefined) throw new TypeError(`unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(', ')}`);
  return found;
}

export const isFloat = (d: DType): boolean => TABLE[d].kind === 'f';
export const isBool = (d: DType): boolean => d === 'bool';
/** Signed or unsigned integer (not bool). */
export const isInteger = (d: DType): boolean => TABLE[d].kind === 'i' || TABLE[d].kind === 'u';
/** bool or any integer: the dtypes with no fractional values. */
export const isDiscrete = (d: DType): boolean => TABLE[d].kind !== 'f';
export const isUnsigned = (d: DType): boolean => TABLE[d].kind === 'u';

/** The dtype a typed array carries when given as data. */
export function dtypeOfTypedArray(a: ArrayBufferView): DType | null {
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint32Array) return 'uint32';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return 'uint8';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof BigUint64Array) return 'uint64';
  return null;
}

/**
 * A function that turns any JS number into the value stored for `dtype`,
 * with numpy's conversions: truncation toward zero for integers, wrap-around
 * for the narrow ones (done by the typed array itself), `x != 0` for bool.
 * NaN and ±Infinity become 0 in integer dtypes (numpy leaves them undefined).
 */
export function storeConverter(dtype: DType): (x: number) => number {
  let convert = converters.get(dtype);
  if (convert === undefined) converters.set(dtype, (convert = makeStoreConverter(dtype)));
  return convert;
}

/** One converter per dtype, made on first use (callers ask for one on every call of a kernel or argument). */
const converters = new Map<DType, (x: number) => number>();

function makeStoreConverter(dtype: DType): (x: number) => number {
  switch (dtype) {
    case 'bool':
      return (x) => (x !== 0 ? 1 : 0); // NaN !== 0: true, as numpy
    case 'int64':
    case 'uint64':
      return (x) => (Number.isFinite(x) ? Math.trunc(x) : 0) + 0; // + 0 turns -0 into 0
    case 'float32':
      return Math.fround;
    case 'float64':
      return (x) => x;
    default:
      // Narrow integer typed arrays convert with ToInt32-style wrap on store;
      // apply it here too so the value handed back equals what is stored.
      return wrapInteger(dtype);
  }
}

function wrapInteger(dtype: DType): (x: number) => number {
  const scratch = new TABLE[dtype].storage(1);
  return (x) => {
    scratch[0] = x;
    return scratch[0];
  };
}

/** True when every value of `from` is exactly representable in `to` (numpy's 'safe' casting). */
export function canCastSafely(from: DType, to: DType): boolean {
  if (from === to) return true;
  const a = TABLE[from];
  const b = TABLE[to];
  if (a.kind === 'b') return true;
  if (b.kind === 'b') return false;
  if (b.kind === 'f') {
    if (a.kind === 'f') return b.bits >= a.bits;
    // numpy counts every integer as safe in float64, and 8/16-bit ones in float32.
    return b.bits === 64 || a.bits <= 16;
  }
  if (a.kind === 'f') return false;
  if (a.kind === b.kind) return b.bits >= a.bits;
  if (a.kind === 'u' && b.kind === 'i') return b.bits > a.bits;
  return false; // signed into unsigned
}

const SIGNED_BY_BITS: Record<number, DType> = { 8: 'int8', 16: 'int16', 32: 'int32', 64: 'int64' };
const UNSIGNED_BY_BITS: Record<number, DType> = { 8: 'uint8', 16: 'uint16', 32: 'uint32', 64: 'uint64' };

/**
 * numpy's `promote_types`: the smallest dtype both `a` and `b` cast to safely.
 * Mixed signed/unsigned 64-bit integers go to float64, as in numpy.
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const x = TABLE[a];
  const y = TABLE[b];
  if (x.kind === 'b') return b;
  if (y.kind === 'b') return a;
  if (x.kind === 'f' || y.kind === 'f') {
    if (x.kind === 'f' && y.kind === 'f') return x.bits >= y.bits ? a : b;
    const [f, i] = x.kind === 'f' ? [x, y] : [y, x];
    // An integer needs float64 once it has more than 16 bits (float32's mantissa holds 24 bits).
    return f.bits === 64 || i.bits <= 16 ? f.name : 'float64';
  }
  if (x.kind === y.kind) return x.bits >= y.bits ? a : b;
  const [u, s] = x.kind === 'u' ? [x, y] : [y, x];
  if (s.bits > u.bits) return s.name;
  if (u.bits === 64) return 'float64';
  return SIGNED_BY_BITS[u.bits * 2]!;
}

/** `promoteTypes` over any number of dtypes. */
export function resultType(...dtypes: DType[]): DType {
  if (dtypes.length === 0) throw new TypeError('resultType needs at least one dtype');
  return dtypes.reduce(promoteTypes);
}

/** The float dtype math functions of a value of `dtype` produce (Theano's `upgrade_to_float`). */
export function upgradeToFloat(dtype: DType): DType {
  const x = TABLE[dtype];
  if (x.kind === 'f') return dtype;
  return x.bits <= 16 ? 'float32' : 'float64';
}

/** The smallest signed integer dtype holding integer `value`. */
export function smallestSignedInt(value: number): DType {
  for (const bits of [8, 16, 32]) {
    const d = SIGNED_BY_BITS[bits]!;
    if (value >= TABLE[d].min && value <= TABLE[d].max) return d;
  }
  return 'int64';
}

/** The dtype that accumulates a sum of `dtype` values (numpy/Theano: ints to 64 bits). */
export function sumDtype(dtype: DType): DType {
  const x = TABLE[dtype];
  if (x.kind === 'b' || x.kind === 'i') return 'int64';
  if (x.kind === 'u') return UNSIGNED_BY_BITS[64]!;
  return dtype;
}

/** The dtype of a mean: float64 for discrete inputs, the input's own float dtype otherwise. */
export function meanDtype(dtype: DType): DType {
  return isFloat(dtype) ? dtype : 'float64';
}

/** True when `value` is representable in `dtype` without change (range, integrality, float32 rounding). */
export function fitsDtype(value: number, dtype: DType): boolean {
  const x = TABLE[dtype];
  if (Number.isNaN(value)) return x.kind === 'f';
  if (x.kind === 'f') {
    if (!Number.isFinite(value)) return true;
    return x.bits === 64 || Math.fround(value) === value;
  }
  if (x.kind === 'b') return value === 0 || value === 1;
  return Number.isInteger(value) && value >= x.min && value <= x.max;
}
