/**
 * Shared variables (Theano's `shared`): symbolic tensors that also hold a
 * value, kept between calls and readable/writable from JS. Any function
 * using one reads its current value as an implicit input, and `updates`
 * (or its `defaultUpdate`) give it a new value after a call.
 */
import { NDArray } from '../ndarray/ndarray.js';
import type { ArrayLike } from '../ndarray/create.js';
import { array } from '../ndarray/create.js';
import type { DType } from '../ndarray/dtype.js';
import { TensorType } from '../tensor/type.js';
import { TensorVariable } from '../tensor/variable.js';

export interface SharedOptions {
  /** Keep the given array as the storage instead of copying it (the caller must not mutate it after). */
  borrow?: boolean;
  /** `setValue` accepts only arrays of exactly this variable's dtype. */
  strict?: boolean;
  /** `setValue` may convert values to this dtype even when that loses precision. */
  allowDowncast?: boolean;
  /** Which axes are broadcastable (static length 1); by default none are, as in Theano. */
  broadcastable?: readonly boolean[];
  /** Store the value as this dtype (JS numbers are doubles, so `shared(0)` is float64 unless this says int64). */
  dtype?: DType;
}

export interface BorrowOption {
  /** Return / keep the internal array itself rather than a copy. */
  borrow?: boolean;
}

export class SharedVariable extends TensorVariable {
  readonly strict: boolean;
  readonly allowDowncast: boolean;
  /**
   * What a function using this variable sets it to after each call when
   * the function's `updates` do not mention it (e.g. a random generator's
   * next state). Skipped by functions compiled with `noDefaultUpdates`.
   */
  defaultUpdate: TensorVariable | null = null;
  /** The current value; functions read and replace it here. */
  readonly container: { value: NDArray };
  /**
   * Storage the caller holds too (handed out or taken in with borrow): a
   * function that updates this variable in place runs on a copy instead.
   */
  lentStorage: object | null = null;
  /**
   * Storage a function committed as this variable's value (an update's
   * result, owned by this variable alone): the next update may free it.
   */
  committedStorage: object | null = null;

  constructor(type: TensorType, value: NDArray, name: string | null, { strict = false, allowDowncast = false } = {}) {
    super(type, null, 0, name);
    this.strict = strict;
    this.allowDowncast = allowDowncast;
    this.container = { value: type.filter(value, { strict: true }) };
  }

  /** The current value: a copy, or the internal array itself with `{borrow: true}`. */
  getValue({ borrow = false }: BorrowOption = {}): NDArray {
    if (borrow) this.lentStorage = this.container.value.data;
    return borrow ? this.container.value : this.container.value.copy();
  }

  /**
   * Replaces the value. It must fit the variable's type (dtype rules as for
   * function inputs, same rank, length 1 on broadcastable axes). Copied
   * unless `{borrow: true}`.
   */
  setValue(value: ArrayLike, { borrow = false }: BorrowOption = {}): void {
    let filtered: NDArray;
    try {
      filtered = this.type.filter(value, { strict: this.strict, allowDowncast: this.allowDowncast });
    } catch (e) {
      if (e instanceof Error) e.message = `setValue of shared variable ${this}: ${e.message}`;
      throw e;
    }
    this.container.value = !borrow && filtered === value ? filtered.copy() : filtered;
    if (filtered === value) this.lentStorage = this.container.value.data;
  }

  override toString(): string {
    return this.name ?? `<SharedVariable ${this.type}>`;
  }
}

/**
 * Makes a shared variable holding `value` (Theano's `theano.shared`). The
 * value is copied unless `{borrow: true}`. Its type has the value's dtype and
 * rank, with no broadcastable axes unless `broadcastable` says so.
 */
export function shared(value: ArrayLike, name: string | null = null, options: SharedOptions = {}): SharedVariable {
  const borrowed = value instanceof NDArray && options.borrow && (options.dtype === undefined || options.dtype === value.dtype);
  const data = borrowed ? (value as NDArray) : array(value, options.dtype === undefined ? {} : { dtype: options.dtype });
  const broadcastable = options.broadcastable ?? data.shape.map(() => false);
  if (broadcastable.length !== data.ndim) {
    throw new TypeError(`shared ${name ?? ''}: broadcastable has ${broadcastable.length} entries for a ${data.ndim}-d value`);
  }
  const type = new TensorType(data.dtype, broadcastable);
  const variable = new SharedVariable(type, data, name, options);
  if (borrowed && variable.container.value === data) variable.lentStorage = data.data;
  return variable;
}
