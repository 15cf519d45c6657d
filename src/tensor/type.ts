/**
 * TensorType: the type of symbolic arrays — a dtype and a static shape whose
 * entries are a known length or null. A dimension of static length 1 is
 * *broadcastable*: it stretches to match other operands.
 */
import { Type, type FilterOptions } from '../graph/type.js';
import { NDArray, shapeToString } from '../ndarray/ndarray.js';
import { array, isArrayLike } from '../ndarray/create.js';
import { canCastSafely, dtypeInfo, fitsDtype, isDType, isFloat, storeConverter, DTYPES, type DType } from '../ndarray/dtype.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { TensorVariable } from './variable.js';

/** Static shape entry: a known length, or null for "any length". */
export type StaticDim = number | null;

const RANK_NAMES = ['scalar', 'vector', 'matrix', 'tensor3', 'tensor4', 'tensor5'];

/** "a 2-d array of shape (3, 2)" */
function describeValue(a: NDArray): string {
  return `a ${a.ndim}-d ${a.dtype} array of shape ${shapeToString(a.shape)}`;
}

export class TensorType extends Type<NDArray> {
  readonly dtype: DType;
  readonly shape: readonly StaticDim[];

  /**
   * @param shape static shape (`[1, null]`), or Theano's broadcastable
   *   pattern (`[true, false]`: true means static length 1).
   */
  constructor(dtype: DType, shape: readonly (StaticDim | boolean)[]) {
    super();
    if (!isDType(dtype)) throw new DTypeError(`unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(', ')}`);
    this.dtype = dtype;
    this.shape = Object.freeze(
      shape.map((d) => {
        if (typeof d === 'boolean') return d ? 1 : null;
        if (d !== null && (!Number.isInteger(d) || d < 0)) throw new ShapeError(`static shape entries must be non-negative integers or null, got ${d}`);
        return d;
      }),
    );
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** One boolean per dimension: true where the static length is 1. */
  get broadcastable(): boolean[] {
    return this.shape.map((d) => d === 1);
  }

  /** This type with some fields changed. */
  clone({ dtype = this.dtype, shape = this.shape }: { dtype?: DType; shape?: readonly (StaticDim | boolean)[] } = {}): TensorType {
    return new TensorType(dtype, shape);
  }

  override makeVariable(name: string | null = null): TensorVariable {
    return new TensorVariable(this, null, 0, name);
  }

  override equals(other: unknown): boolean {
    return (
      other instanceof TensorType &&
      other.dtype === this.dtype &&
      other.shape.length === this.shape.length &&
      other.shape.every((d, i) => d === this.shape[i])
    );
  }

  /** True when every value of `other` is a value of this type (same dtype and rank, no stricter shape). */
  override isSuper(other: Type): boolean {
    return (
      other instanceof TensorType &&
      other.dtype === this.dtype &&
      other.ndim === this.ndim &&
      this.shape.every((d, i) => d === null || d === other.shape[i])
    );
  }

  override isValidValue(value: unknown): boolean {
    return value instanceof NDArray && value.dtype === this.dtype && this.shapeMismatch(value) === null;
  }

  /**
   * Turns `value` into an NDArray of this type.
   * - NDArrays and typed arrays are strongly typed: a dtype that does not
   *   cast safely into this one is refused unless `allowDowncast`.
   * - JS numbers, booleans and nested arrays are weakly typed: any number
   *   becomes a float of this type; into integer types, a number that is not
   *   an integer in range is refused unless `allowDowncast`.
   * - `strict` accepts only NDArrays already of this dtype.
   * Throws DTypeError, ShapeError or ValueError naming what was expected.
   */
  override filter(value: unknown, { strict = false, allowDowncast = false }: FilterOptions = {}): NDArray {
    let result: NDArray;
    if (value instanceof NDArray) {
      if (value.dtype !== this.dtype) {
        if (strict) throw new DTypeError(`expected a ${this.dtype} array (strict), got ${describeValue(value)}`);
        if (!allowDowncast && !canCastSafely(value.dtype, this.dtype)) {
          throw new DTypeError(
            `expected ${this.dtype}, got ${describeValue(value)}: converting ${value.dtype} to ${this.dtype} may lose information; ` +
              `convert it first (a.astype('${this.dtype}')) or pass allowInputDowncast: true`,
          );
        }
        value = value.astype(this.dtype);
      }
      result = value as NDArray;
    } else if (strict) {
      throw new DTypeError(`expected a ${this.dtype} NDArray (strict), got ${typeof value}`);
    } else if (ArrayBuffer.isView(value)) {
      result = this.filter(array(value as ArrayBufferView), { allowDowncast });
      return result;
    } else if (typeof value === 'number') {
      // The commonest scalar argument, straight into a 0-d array: what array(value).astype(dtype) gives.
      if (!allowDowncast) this.checkFits(value);
      result = NDArray.empty(this.dtype, []);
      result.data[0] = storeConverter(this.dtype)(value);
    } else if (isArrayLike(value)) {
      const raw = array(value);
      if (!allowDowncast) raw.forEachIndex((i) => this.checkFits(raw.data[i]!));
      result = raw.dtype === this.dtype ? raw : raw.astype(this.dtype);
    } else {
      throw new ValueError(`expected ${this.describe()}, got ${value === null ? 'null' : typeof value}${typeof value === 'string' ? ` ${JSON.stringify(value)}` : ''}`);
    }
    const mismatch = this.shapeMismatch(result);
    if (mismatch !== null) throw new ShapeError(mismatch);
    return result;
  }

  /** Refuses a weakly typed value (a JS number) that an integer dtype cannot hold exactly. */
  private checkFits(v: number): void {
    if (isFloat(this.dtype) || fitsDtype(v, this.dtype)) return;
    const info = dtypeInfo(this.dtype);
    throw new DTypeError(`expected ${this.dtype} values (integers in [${info.min}, ${info.max}]), got ${v}; round it yourself or pass allowInputDowncast: true`);
  }

  /** "a float32 matrix", "an int8 vector" */
  describe(): string {
    const rank = RANK_NAMES[this.ndim] ?? `${this.ndim}-d tensor`;
    return `${this.dtype.startsWith('int') ? 'an' : 'a'} ${this.dtype} ${rank}${this.shape.some((d) => d !== null) ? ` of static shape ${this.shapeString()}` : ''}`;
  }

  /** "(1, ?)" */
  shapeString(): string {
    const parts = this.shape.map((d) => (d === null ? '?' : String(d)));
    return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
  }

  override toString(): string {
    return `TensorType(${this.dtype}, ${this.shapeString()})`;
  }

  private shapeMismatch(a: NDArray): string | null {
    if (a.ndim !== this.ndim) return `expected ${this.describe()} (${this.ndim} dimensions), got ${describeValue(a)}`;
    for (let i = 0; i < this.ndim; i++) {
      const d = this.shape[i];
      if (d !== null && d !== a.shape[i]) {
        const why = d === 1 ? ` (dimension ${i} is broadcastable, so its length must be 1)` : '';
        return `expected ${this.describe()}, got ${describeValue(a)}: dimension ${i} must have length ${d}, got ${a.shape[i]}${why}`;
      }
    }
    return null;
  }
}
