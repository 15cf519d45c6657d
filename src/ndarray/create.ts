/**
 * Making arrays from JS values: `array`, `zeros`, `ones`, `full`, `arange`, `empty`.
 *
 * Default dtypes, since a JS number does not say whether it is an int:
 * numbers become float64 (a JS number is a double), booleans bool, bigints
 * int64; typed arrays keep their own dtype; NDArrays keep theirs.
 */
import { NDArray, shapeSize, shapeToString } from './ndarray.js';
import { dtypeOfTypedArray, isDType, resultType, storeConverter, DTYPES, type DType } from './dtype.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';

/** Something with a length and numbered entries (JS arrays, typed arrays). */
type Indexable = { readonly length: number; readonly [i: number]: unknown };

/** Anything `array()` accepts. */
export type ArrayLike = NDArray | number | boolean | bigint | ArrayBufferView | readonly ArrayLike[];

export interface ArrayOptions {
  /** Element type; defaults from the data (see the file header). */
  dtype?: DType;
  /** Reshape the data to this shape (one entry may be -1). */
  shape?: readonly number[];
}

function checkDtype(dtype: unknown): asserts dtype is DType {
  if (!isDType(dtype)) throw new DTypeError(`unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(', ')}`);
}

const isList = (v: unknown): v is Indexable => Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));

type LeafKind = 'number' | 'boolean' | 'bigint';

/**
 * Shape of nested JS arrays, rejecting ragged nesting and non-numeric leaves,
 * with what decides the default dtype: the kinds of the plain JS leaves and
 * the dtypes of typed arrays and NDArrays found inside (which keep theirs).
 */
function inspectNested(value: unknown): { shape: number[]; kind: LeafKind | 'empty'; dtypes: Set<DType> } {
  const shape: number[] = [];
  let probe: unknown = value;
  for (;;) {
    if (probe instanceof NDArray) {
      shape.push(...probe.shape);
      break;
    }
    if (!isList(probe)) break;
    const n = probe.length;
    shape.push(n);
    if (n === 0) break;
    probe = probe[0];
  }
  let kind: LeafKind | 'empty' = 'empty';
  const dtypes = new Set<DType>();
  const at = (path: number[]): string => `[${path.join(', ')}]`;
  const visit = (v: unknown, depth: number, path: number[]): void => {
    if (v instanceof NDArray) {
      const want = shape.slice(depth);
      if (v.ndim !== want.length || v.shape.some((d, i) => d !== want[i])) {
        throw new ValueError(`ragged nested array: element at ${at(path)} is an array of shape ${shapeToString(v.shape)} where its siblings have shape ${shapeToString(want)}`);
      }
      dtypes.add(v.dtype);
      return;
    }
    if (depth === shape.length) {
      const t = typeof v;
      if (isList(v)) {
        throw new ValueError(`ragged nested array: element at ${at(path)} is an array, expected a ${kind === 'empty' ? 'number' : kind} (shape so far ${shapeToString(shape)})`);
      }
      if (t !== 'number' && t !== 'boolean' && t !== 'bigint') {
        throw new ValueError(`non-numeric value ${describe(v)} at ${at(path)}; arrays hold numbers, booleans or bigints`);
      }
      if (kind === 'empty' || (kind === 'boolean' && t !== 'boolean')) kind = t as LeafKind;
      else if (kind === 'bigint' && t === 'number') kind = 'number';
      return;
    }
    const len = isList(v) ? v.length : -1;
    if (len !== shape[depth]) {
      throw new ValueError(
        `ragged nested array: element at ${at(path)} has ${len < 0 ? 'no' : len} entries where its siblings have ${shape[depth]} (shape so far ${shapeToString(shape.slice(0, depth + 1))})`,
      );
    }
    const typed = ArrayBuffer.isView(v) ? dtypeOfTypedArray(v) : null;
    if (typed !== null && depth === shape.length - 1) {
      // A typed array of leaves: its entries are numbers (or bigints) by construction.
      dtypes.add(typed);
      return;
    }
    for (let i = 0; i < len; i++) visit((v as Indexable)[i], depth + 1, [...path, i]);
  };
  visit(value, 0, []);
  return { shape, kind, dtypes };
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return `of type ${v.constructor?.name ?? 'object'}`;
  return `${typeof v} ${String(v)}`;
}

function fillFlat(value: unknown, out: NDArray): void {
  const dst = out.data;
  const convert = storeConverter(out.dtype);
  let k = 0;
  const walk = (v: unknown): void => {
    if (v instanceof NDArray) {
      const src = v.data;
      v.forEachIndex((i) => {
        dst[k++] = convert(src[i]!);
      });
    } else if (isList(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i]);
    } else {
      dst[k++] = convert(Number(v));
    }
  };
  walk(value);
}

/**
 * Makes an NDArray from a number, boolean, bigint, nested JS arrays, a typed
 * array or another NDArray (numpy's `np.array`; always copies). Typed arrays
 * and NDArrays nested in JS arrays are stacked, and their dtypes take part in
 * the default dtype (numpy's promotion with the dtype of the plain leaves).
 */
export function array(value: ArrayLike, options: ArrayOptions = {}): NDArray {
  if (options.dtype !== undefined) checkDtype(options.dtype);
  let result: NDArray;
  if (value instanceof NDArray) {
    result = value.astype(options.dtype ?? value.dtype);
  } else {
    const { shape, kind, dtypes } = inspectNested(value);
    if (kind !== 'empty') dtypes.add(kind === 'boolean' ? 'bool' : kind === 'bigint' ? 'int64' : 'float64');
    const dtype: DType = options.dtype ?? (dtypes.size > 0 ? resultType(...dtypes) : 'float64');
    result = NDArray.empty(dtype, shape);
    fillFlat(value, result);
  }
  if (options.shape !== undefined) {
    const target = options.shape;
    if (!target.includes(-1) && shapeSize(target) !== result.size) {
      throw new ShapeError(`data has ${result.size} elements; shape ${shapeToString(target)} needs ${shapeSize(target)}`);
    }
    result = result.reshape(target);
  }
  return result;
}

function asShape(shape: number | readonly number[]): number[] {
  return typeof shape === 'number' ? [shape] : [...shape];
}

/** A new array of `shape` filled with zeros (numpy's `zeros`; float64 by default). */
export function zeros(shape: number | readonly number[], dtype: DType = 'float64'): NDArray {
  checkDtype(dtype);
  return NDArray.empty(dtype, asShape(shape));
}

/** A new array of `shape` whose contents are unspecified (here: zeros). */
export const empty = zeros;

/** A new array of `shape` filled with `value` (numpy's `full`; dtype from the value by default). */
export function full(shape: number | readonly number[], value: number | boolean, dtype?: DType): NDArray {
  const d = dtype ?? (typeof value === 'boolean' ? 'bool' : 'float64');
  checkDtype(d);
  const out = NDArray.empty(d, asShape(shape));
  out.data.fill(storeConverter(d)(Number(value)));
  return out;
}

/** A new array of `shape` filled with ones (numpy's `ones`; float64 by default). */
export function ones(shape: number | readonly number[], dtype: DType = 'float64'): NDArray {
  return full(shape, 1, dtype);
}

/**
 * Evenly spaced values in [start, stop) (numpy's `arange`): `arange(5)`,
 * `arange(1, 7)`, `arange(0, 1, 0.25)`. As numpy, the dtype is int64 when
 * every bound is an integer, float64 otherwise. The length is numpy's
 * ceil((stop - start) / step); a bool arange has at most 2 elements.
 */
export function arange(start: number, stop?: number, step = 1, dtype?: DType): NDArray {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0 || !Number.isFinite(step)) throw new ValueError(`arange step must be a finite non-zero number, got ${step}`);
  if (!Number.isFinite(start) || !Number.isFinite(stop)) throw new ValueError(`arange bounds must be finite, got ${start} and ${stop}`);
  const d = dtype ?? ([start, stop, step].every(Number.isInteger) ? 'int64' : 'float64');
  checkDtype(d);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  if (d === 'bool' && n > 2) throw new DTypeError(`arange of dtype bool can have at most 2 elements (as numpy); this one would have ${n}`);
  const out = NDArray.empty(d, [n]);
  const data = out.data;
  const convert = storeConverter(d);
  // numpy's fill: the first two values are stored, then element i is
  // first + i * (second - first) in the dtype's own arithmetic. With a float
  // step that differs from start + i * step in the last bits (numpy prints
  // arange(-1, 1, 0.1)[10] as -2.22e-16, not 0), and integer dtypes step by
  // the truncated difference (arange(0, 5, 1.5, 'int64') is [0, 1, 2, 3]).
  if (n > 0) data[0] = convert(start);
  if (n > 1) data[1] = convert(start + step);
  if (n > 2) {
    const first = data[0]!;
    const delta = data[1]! - first;
    if (d === 'float32') {
      const df = Math.fround(delta);
      for (let i = 2; i < n; i++) data[i] = first + Math.fround(Math.fround(i) * df); // the store rounds the sum to float32
    } else {
      for (let i = 2; i < n; i++) data[i] = convert(first + i * delta);
    }
  }
  return out;
}

/** True for the values `array()` can take as data. */
export function isArrayLike(value: unknown): value is ArrayLike {
  const t = typeof value;
  return (
    t === 'number' ||
    t === 'boolean' ||
    t === 'bigint' ||
    value instanceof NDArray ||
    Array.isArray(value) ||
    (ArrayBuffer.isView(value) && !(value instanceof DataView))
  );
}
