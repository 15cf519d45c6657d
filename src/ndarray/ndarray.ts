/**
 * NDArray: an n-dimensional view (shape, strides, offset) over a typed array.
 * Views — transpose, dimshuffle, broadcasting, reshape of contiguous data —
 * share storage; everything else copies into fresh storage from the allocator.
 */
import { allocate } from './allocator.js';
import { dtypeInfo, storeConverter, type DType, type TypedArray } from './dtype.js';
import { formatArray } from './format.js';
import { ShapeError } from '../errors.js';

/** Nested JS arrays as `toArray()` returns them. */
export type NestedArray = number | boolean | NestedArray[];

/** Row-major (C-order) strides, in elements, for `shape`. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = step;
    step *= shape[i]!;
  }
  return strides;
}

/** Whether two shapes have the same lengths. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

export function shapeToString(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

function checkShape(shape: readonly number[]): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ShapeError(`invalid shape ${JSON.stringify(shape)}: dimensions must be non-negative integers`);
  }
}

/**
 * A view must name one integer stride per axis and a non-negative integer
 * offset, and every element it can reach must lie inside its storage;
 * otherwise reads would silently return `undefined`.
 */
function checkView(length: number, shape: readonly number[], strides: readonly number[], offset: number): void {
  if (strides.length !== shape.length || !strides.every(Number.isInteger)) {
    throw new ShapeError(`strides ${JSON.stringify(strides)} do not fit shape ${shapeToString(shape)}: one integer stride per axis is needed`);
  }
  if (!Number.isInteger(offset) || offset < 0) throw new ShapeError(`offset ${offset} must be a non-negative integer`);
  if (shapeSize(shape) === 0) return;
  let lo = offset;
  let hi = offset;
  for (let i = 0; i < shape.length; i++) {
    const span = (shape[i]! - 1) * strides[i]!;
    if (span < 0) lo += span;
    else hi += span;
  }
  if (lo < 0 || hi >= length) {
    throw new ShapeError(
      `a view of shape ${shapeToString(shape)}, strides ${JSON.stringify(strides)} and offset ${offset} reaches storage indices ${lo}..${hi}, outside storage of ${length} elements`,
    );
  }
}

let trustedView = false;
/** Where a subarray handed out keeps the array whose storage it shares (see flatData). */
const STORAGE_OWNER = Symbol('storage owner');
const NO_AXES: readonly number[] = Object.freeze([]);

/**
 * A view without the constructor's checks and copies, for views computed
 * from a valid array (an index into it, its axes permuted or dropped):
 * `shape` and `strides` become the view's own (frozen), so they must be new
 * arrays or frozen ones. Views are made on every step of a loop; checking
 * them cost more than the step's small kernels.
 */
export function viewOf(data: TypedArray, dtype: DType, shape: number[], strides: number[], offset: number): NDArray {
  trustedView = true;
  return new NDArray(data, dtype, shape, strides, offset);
}

export class NDArray {
  readonly data: TypedArray;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Steps between neighbours along each axis, in elements (0 along broadcast axes). */
  readonly strides: readonly number[];
  /** Index in `data` of the first element. */
  readonly offset: number;

  constructor(data: TypedArray, dtype: DType, shape: readonly number[], strides?: readonly number[], offset = 0) {
    let steps: number[];
    if (trustedView) {
      // viewOf: a view derived from a valid array, with arrays made for it alone.
      trustedView = false;
      steps = strides as number[];
    } else {
      checkShape(shape);
      if (!(data instanceof dtypeInfo(dtype).storage)) {
        throw new TypeError(`storage of a ${dtype} array must be a ${dtypeInfo(dtype).storage.name}, got ${data.constructor.name}`);
      }
      steps = strides ? [...strides] : contiguousStrides(shape);
      checkView(data.length, shape, steps, offset);
      shape = [...shape];
    }
    this.data = data;
    this.dtype = dtype;
    // 0-d arrays (scalars: losses, counters, learning rates) share one frozen empty shape and strides.
    this.shape = shape.length === 0 ? NO_AXES : Object.freeze(shape);
    this.strides = shape.length === 0 ? NO_AXES : Object.freeze(steps);
    this.offset = offset;
  }

  /** A fresh zero-filled, contiguous array. */
  static empty(dtype: DType, shape: readonly number[]): NDArray {
    return NDArray.allocated(dtype, shape, true);
  }

  /**
   * A fresh contiguous array whose contents are arbitrary (zero, or what
   * freed memory held): for an output its kernel writes in full, which then
   * skips filling memory it is about to overwrite.
   */
  static uninitialized(dtype: DType, shape: readonly number[]): NDArray {
    return NDArray.allocated(dtype, shape, false);
  }

  private static allocated(dtype: DType, shape: readonly number[], zeroed: boolean): NDArray {
    checkShape(shape);
    const size = shapeSize(shape);
    const data = allocate(dtype, size, zeroed);
    // An allocator's storage is checked as the constructor would; the layout is known valid.
    if (!(data instanceof dtypeInfo(dtype).storage) || data.length < size) {
      throw new TypeError(`storage of ${size} ${dtype} elements must be a ${dtypeInfo(dtype).storage.name} of that length, the allocator gave a ${data.constructor.name} of ${data.length}`);
    }
    return viewOf(data, dtype, [...shape], contiguousStrides(shape), 0);
  }

  get ndim(): number {
    return this.shape.length;
  }

  get size(): number {
    return shapeSize(this.shape);
  }

  /** Transpose (reversed axes), as numpy's `.T`. */
  get T(): NDArray {
    return this.transpose();
  }

  /** True when elements are laid out row-major with no gaps (offset may be non-zero). */
  isContiguous(): boolean {
    let step = 1;
    for (let i = this.ndim - 1; i >= 0; i--) {
      const d = this.shape[i]!;
      if (d !== 1 && this.strides[i] !== step) return this.size === 0;
      step *= d;
    }
    return true;
  }

  /** Storage index of the element at `index` (one integer per axis, negatives count from the end). */
  indexOf(index: readonly number[]): number {
    if (index.length !== this.ndim) {
      throw new ShapeError(`index ${JSON.stringify(index)} has ${index.length} entries; this array has ${this.ndim} dimensions`);
    }
    let at = this.offset;
    for (let i = 0; i < index.length; i++) {
      const d = this.shape[i]!;
      let k = index[i]!;
      if (k < 0) k += d;
      if (!Number.isInteger(k) || k < 0 || k >= d) {
        throw new RangeError(`index ${index[i]} is out of bounds for axis ${i} with size ${d}`);
      }
      at += k * this.strides[i]!;
    }
    return at;
  }

  /** The element at `index` as a number (bools as 0/1). */
  get(...index: number[]): number {
    return this.data[this.indexOf(index)]!;
  }

  /** Writes one element, converting `value` as the dtype stores it. */
  set(index: readonly number[], value: number | boolean): void {
    this.data[this.indexOf(index)] = storeConverter(this.dtype)(Number(value));
  }

  /** Calls `visit(storageIndex, k)` for every element in row-major order, k counting from 0. */
  forEachIndex(visit: (storageIndex: number, k: number) => void): void {
    const n = this.size;
    if (n === 0) return;
    const nd = this.ndim;
    if (this.isContiguous()) {
      for (let k = 0; k < n; k++) visit(this.offset + k, k);
      return;
    }
    const counter = new Array<number>(nd).fill(0);
    let at = this.offset;
    for (let k = 0; k < n; k++) {
      visit(at, k);
      for (let ax = nd - 1; ax >= 0; ax--) {
        if (++counter[ax]! < this.shape[ax]!) {
          at += this.strides[ax]!;
          break;
        }
        counter[ax] = 0;
        at -= this.strides[ax]! * (this.shape[ax]! - 1);
      }
    }
  }

  /** The elements in row-major order as a contiguous typed array (a subarray view when already contiguous). */
  flatData(): TypedArray {
    if (!this.isContiguous()) return this.copy().data;
    if (this.offset === 0 && this.size === this.data.length) return this.data;
    const view = this.data.subarray(this.offset, this.offset + this.size);
    // The view is a new object on the same memory: it holds `data`, whose lifetime decides when an
    // allocator may take the storage back (the WebAssembly memory's blocks are freed with their array).
    Object.defineProperty(view, STORAGE_OWNER, { value: this.data });
    return view as TypedArray;
  }

  /** A contiguous copy with its own storage. */
  copy(): NDArray {
    const out = NDArray.empty(this.dtype, this.shape);
    this.copyTo(out.data);
    return out;
  }

  /** Writes the elements in row-major order into `dst` (from index 0). */
  copyTo(dst: TypedArray): void {
    const n = this.size;
    if (n === 0) return;
    const src = this.data;
    if (this.isContiguous()) {
      dst.set(src.subarray(this.offset, this.offset + n) as never);
      return;
    }
    // Trailing axes whose elements follow each other in storage form one run: copied run by run.
    const shape = this.shape.filter((d) => d !== 1);
    const strides = this.strides.filter((_, ax) => this.shape[ax] !== 1);
    let nd = shape.length;
    while (nd > 1 && strides[nd - 2] === shape[nd - 1]! * strides[nd - 1]!) {
      shape[nd - 2]! *= shape[nd - 1]!;
      strides[nd - 2] = strides[nd - 1]!;
      nd--;
    }
    if (nd === 0) {
      dst[0] = src[this.offset]!;
      return;
    }
    const len = shape[nd - 1]!;
    const step = strides[nd - 1]!;
    const counter = new Array<number>(nd).fill(0);
    let at = this.offset;
    for (let k = 0; k < n; k += len) {
      if (step === 1) dst.set(src.subarray(at, at + len) as never, k);
      else for (let i = 0, p = at; i < len; i++, p += step) dst[k + i] = src[p]!;
      for (let ax = nd - 2; ax >= 0; ax--) {
        if (++counter[ax]! < shape[ax]!) {
          at += strides[ax]!;
          break;
        }
        counter[ax] = 0;
        at -= strides[ax]! * (shape[ax]! - 1);
      }
    }
  }

  /** A copy converted to `dtype` (numpy's `astype`; always copies). */
  astype(dtype: DType): NDArray {
    if (dtype === this.dtype) return this.copy();
    const out = NDArray.empty(dtype, this.shape);
    const dst = out.data;
    const src = this.data;
    const convert = storeConverter(dtype);
    this.forEachIndex((i, k) => {
      dst[k] = convert(src[i]!);
    });
    return out;
  }

  /** Same data, new shape; a view when contiguous. One entry may be -1 (inferred). */
  reshape(shape: readonly number[]): NDArray {
    const target = [...shape];
    if (target.some((d) => d !== -1 && (!Number.isInteger(d) || d < 0)) || target.filter((d) => d === -1).length > 1) {
      throw new ShapeError(`cannot reshape into shape ${JSON.stringify(shape)}: dimensions must be non-negative integers, with at most one -1`);
    }
    const unknown = target.indexOf(-1);
    if (unknown !== -1) {
      const rest = shapeSize(target.filter((_, i) => i !== unknown));
      if (rest === 0 || this.size % rest !== 0) {
        throw new ShapeError(`cannot reshape array of size ${this.size} into shape ${shapeToString(shape)}`);
      }
      target[unknown] = this.size / rest;
    }
    checkShape(target);
    if (shapeSize(target) !== this.size) {
      throw new ShapeError(`cannot reshape array of size ${this.size} into shape ${shapeToString(shape)}`);
    }
    const base = this.isContiguous() ? this : this.copy();
    return viewOf(base.data, base.dtype, target, contiguousStrides(target), base.offset);
  }

  /** Permutes axes (reverses them when `axes` is omitted); a view. */
  transpose(axes?: readonly number[]): NDArray {
    const perm = axes ? axes.map((a) => (a < 0 ? a + this.ndim : a)) : [...this.shape.keys()].reverse();
    const sorted = [...perm].sort((a, b) => a - b);
    if (perm.length !== this.ndim || sorted.some((a, i) => a !== i)) {
      throw new ShapeError(`axes ${JSON.stringify(axes)} are not a permutation of the ${this.ndim} axes`);
    }
    return viewOf(this.data, this.dtype, perm.map((a) => this.shape[a]!), perm.map((a) => this.strides[a]!), this.offset);
  }

  /**
   * Theano's dimshuffle as a view: `pattern` lists input axes in their new
   * order, 'x' inserting a length-1 axis; axes left out must have length 1.
   */
  dimshuffle(pattern: readonly (number | 'x')[]): NDArray {
    const used = new Uint8Array(this.ndim);
    const shape: number[] = [];
    const strides: number[] = [];
    for (const p of pattern) {
      if (p === 'x') {
        shape.push(1);
        strides.push(0);
        continue;
      }
      if (!Number.isInteger(p) || p < 0 || p >= this.ndim) {
        throw new ShapeError(`dimshuffle ${JSON.stringify(pattern)}: ${p} is not an axis of a ${this.ndim}-d array`);
      }
      if (used[p] === 1) throw new ShapeError(`dimshuffle ${JSON.stringify(pattern)} repeats an axis`);
      used[p] = 1;
      shape.push(this.shape[p]!);
      strides.push(this.strides[p]!);
    }
    for (let ax = 0; ax < this.ndim; ax++) {
      if (used[ax] === 0 && this.shape[ax] !== 1) {
        throw new ShapeError(`dimshuffle ${JSON.stringify(pattern)} drops axis ${ax} of length ${this.shape[ax]}; only length-1 axes can be dropped`);
      }
    }
    return viewOf(this.data, this.dtype, shape, strides, this.offset);
  }

  /** A read-only-by-convention view repeating data along broadcast axes (stride 0), numpy's `broadcast_to`. */
  broadcastTo(shape: readonly number[]): NDArray {
    const lead = shape.length - this.ndim;
    if (lead < 0) throw new ShapeError(`cannot broadcast shape ${shapeToString(this.shape)} to ${shapeToString(shape)}`);
    const strides = shape.map((d, i) => {
      if (i < lead) return 0;
      const own = this.shape[i - lead]!;
      if (own === d) return this.strides[i - lead]!;
      if (own === 1) return 0;
      throw new ShapeError(`cannot broadcast shape ${shapeToString(this.shape)} to ${shapeToString(shape)}`);
    });
    return new NDArray(this.data, this.dtype, shape, strides, this.offset);
  }

  /** Nested JS arrays (booleans for bool arrays); a plain value for a 0-d array. */
  toArray(): NestedArray {
    const flat = this.flatData();
    const asValue = this.dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
    let k = 0;
    const build = (axis: number): NestedArray => {
      if (axis === this.ndim) return asValue(flat[k++]!);
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[axis]!; i++) out.push(build(axis + 1));
      return out;
    };
    return build(0);
  }

  /**
   * numpy's `item`: the single element of a size-1 array; with one index per
   * axis, that element; with a single index into an array that is not 1-d,
   * the element at that flat (row-major) position.
   */
  item(...index: number[]): number | boolean {
    let v: number;
    if (index.length === 0) {
      if (this.size !== 1) throw new ShapeError(`item() needs an array of size 1, this one has shape ${shapeToString(this.shape)}`);
      v = this.data[this.offset]!;
    } else if (index.length === 1 && this.ndim !== 1) {
      const n = this.size;
      let k = index[0]!;
      if (k < 0) k += n;
      if (!Number.isInteger(k) || k < 0 || k >= n) throw new RangeError(`index ${index[0]} is out of bounds for size ${n}`);
      let at = this.offset;
      for (let ax = this.ndim - 1; ax >= 0; ax--) {
        const d = this.shape[ax]!;
        at += (k % d) * this.strides[ax]!;
        k = Math.floor(k / d);
      }
      v = this.data[at]!;
    } else {
      v = this.get(...index);
    }
    return this.dtype === 'bool' ? v !== 0 : v;
  }

  /**
   * Lets a size-1 array act as a number (`Number(out)`, `out + 1`, `out > 0.5`);
   * string contexts get `toString()` for arrays of any size.
   */
  [Symbol.toPrimitive](hint: 'number' | 'string' | 'default'): number | string {
    if (hint === 'string' || (hint === 'default' && this.size !== 1)) return this.toString();
    return this.valueOf();
  }

  /** The value of a size-1 array as a number (bools as 0/1). */
  valueOf(): number {
    if (this.size !== 1) {
      throw new ShapeError(`only size-1 arrays convert to a number; this one has shape ${shapeToString(this.shape)}`);
    }
    return this.data[this.offset]!;
  }

  /** numpy's `str()`: `[[1. 2.]\n [3. 4.]]`, or the bare value for 0-d arrays. */
  toString(): string {
    return formatArray(this, 'str');
  }

  /** numpy's `repr()`: `array([[1., 2.], [3., 4.]], dtype=float32)`. */
  repr(): string {
    return formatArray(this, 'repr');
  }

  /** `console.log(a)` shows the repr, as the Python prompt does. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.repr();
  }
}
