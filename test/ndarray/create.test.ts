/**
 * array(), zeros, ones, full, empty, arange. Expected numbers were computed
 * with numpy 2.4 (np.arange, astype) or, for conversions numpy leaves
 * undefined (NaN/Inf and out-of-range floats into integers), by the documented
 * rule: truncate toward zero, wrap modulo 2^bits, NaN/±Inf -> 0.
 */
import { describe, it, expect } from 'vitest';
import { array, zeros, ones, full, empty, arange, isArrayLike, type ArrayLike } from '../../src/ndarray/create.js';
import { NDArray } from '../../src/ndarray/ndarray.js';
import { dtypeInfo, type DType } from '../../src/ndarray/dtype.js';
import { DTypeError, ShapeError, ValueError } from '../../src/errors.js';
import { throws } from '../helpers/assertions.js';

const ALL: DType[] = ['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float32', 'float64'];

/** Elements in row-major order as plain numbers. */
const flat = (a: NDArray): number[] => Array.from(a.flatData());

describe('array() from scalars', () => {
  it('numbers become 0-d float64', () => {
    const a = array(2.5);
    expect(a.dtype).toBe('float64');
    expect(a.shape).toEqual([]);
    expect(a.strides).toEqual([]);
    expect(a.size).toBe(1);
    expect(a.data).toBeInstanceOf(Float64Array);
    expect(a.toArray()).toBe(2.5);
    expect(array(3).dtype).toBe('float64'); // a JS number does not say it is an int
  });

  it('booleans become bool', () => {
    const t = array(true);
    expect(t.dtype).toBe('bool');
    expect(t.data).toBeInstanceOf(Uint8Array);
    expect(t.toArray()).toBe(true);
    expect(array(false).toArray()).toBe(false);
  });

  it('bigints become int64, exact up to 2^53 (and for powers of two beyond)', () => {
    const a = array(-(2n ** 53n));
    expect(a.dtype).toBe('int64');
    expect(a.item()).toBe(-(2 ** 53));
    expect(array(2n ** 60n).item()).toBe(2 ** 60);
    expect(array([1n, -2n, 3n]).toArray()).toEqual([1, -2, 3]);
  });

  it('scalars with a dtype convert', () => {
    expect(array(3.9, { dtype: 'int32' }).toArray()).toBe(3);
    expect(array(-3.9, { dtype: 'int8' }).toArray()).toBe(-3);
    expect(array(5n, { dtype: 'float32' }).toArray()).toBe(5);
    expect(array(true, { dtype: 'float64' }).toArray()).toBe(1);
    expect(array(0.5, { dtype: 'bool' }).toArray()).toBe(true);
    expect(array(NaN, { dtype: 'bool' }).toArray()).toBe(true);
    expect(array(-0, { dtype: 'bool' }).toArray()).toBe(false);
  });
});

describe('array() from nested arrays', () => {
  it('infers shape from nesting, row-major data', () => {
    const a = array([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(a.shape).toEqual([2, 3]);
    expect(a.strides).toEqual([3, 1]);
    expect(a.dtype).toBe('float64');
    expect(flat(a)).toEqual([1, 2, 3, 4, 5, 6]);
    const b = array([[[1], [2]], [[3], [4]], [[5], [6]]]);
    expect(b.shape).toEqual([3, 2, 1]);
    expect(b.toArray()).toEqual([[[1], [2]], [[3], [4]], [[5], [6]]]);
  });

  it('empty lists give size-0 float64 arrays', () => {
    expect(array([]).shape).toEqual([0]);
    expect(array([]).dtype).toBe('float64');
    expect(array([[], []]).shape).toEqual([2, 0]);
    expect(array([[]]).toArray()).toEqual([[]]);
  });

  it('leaf kinds combine: bool < int64 (bigint) < float64 (number)', () => {
    expect(array([true, false]).dtype).toBe('bool');
    expect(array([true, false]).toArray()).toEqual([true, false]);
    expect(array([true, 2]).dtype).toBe('float64');
    expect(array([2, true]).dtype).toBe('float64');
    expect(array([true, 2]).toArray()).toEqual([1, 2]);
    expect(array([true, 1n]).dtype).toBe('int64');
    expect(array([1n, true]).dtype).toBe('int64');
    expect(array([1n, 1.5]).dtype).toBe('float64');
    expect(array([1.5, 1n]).dtype).toBe('float64');
    expect(array([[true], [3n]]).toArray()).toEqual([[1], [3]]);
  });

  describe('with a dtype, stores as that dtype converts', () => {
    const input = [0, -0, 1.7, -1.7, 300, -300, 70000, 3000000000, 0.1, NaN, Infinity, -Infinity];
    const expected: Record<Exclude<DType, 'uint64'>, (number | boolean)[]> = {
      bool: [false, false, true, true, true, true, true, true, true, true, true, true],
      int8: [0, 0, 1, -1, 44, -44, 112, 0, 0, 0, 0, 0],
      int16: [0, 0, 1, -1, 300, -300, 4464, 24064, 0, 0, 0, 0],
      int32: [0, 0, 1, -1, 300, -300, 70000, -1294967296, 0, 0, 0, 0],
      int64: [0, 0, 1, -1, 300, -300, 70000, 3000000000, 0, 0, 0, 0],
      uint8: [0, 0, 1, 255, 44, 212, 112, 0, 0, 0, 0, 0],
      uint16: [0, 0, 1, 65535, 300, 65236, 4464, 24064, 0, 0, 0, 0],
      uint32: [0, 0, 1, 4294967295, 300, 4294966996, 70000, 3000000000, 0, 0, 0, 0],
      float32: [0, -0, 1.7000000476837158, -1.7000000476837158, 300, -300, 70000, 3000000000, 0.10000000149011612, NaN, Infinity, -Infinity],
      float64: [0, -0, 1.7, -1.7, 300, -300, 70000, 3000000000, 0.1, NaN, Infinity, -Infinity],
    };
    for (const [d, want] of Object.entries(expected) as [DType, (number | boolean)[]][]) {
      it(d, () => {
        const a = array(input, { dtype: d });
        expect(a.dtype).toBe(d);
        expect(a.data).toBeInstanceOf(dtypeInfo(d).storage);
        expect(a.shape).toEqual([12]);
        const got = a.toArray() as (number | boolean)[];
        // toEqual treats -0 and 0 alike; check each with Object.is.
        got.forEach((v, i) => expect(Object.is(v, want[i]), `${d}(${input[i]}) = ${v}, expected ${want[i]}`).toBe(true));
      });
    }
    it('uint64 (non-negative inputs)', () => {
      const a = array([0, -0, 1.7, 2 ** 32 + 0.5, 2 ** 53, NaN, Infinity], { dtype: 'uint64' });
      expect(a.data).toBeInstanceOf(Float64Array);
      const got = a.toArray() as number[];
      [0, 0, 1, 2 ** 32, 2 ** 53, 0, 0].forEach((w, i) => expect(Object.is(got[i], w)).toBe(true));
    });
    it('booleans and bigints convert too', () => {
      expect(array([true, false, true], { dtype: 'int8' }).toArray()).toEqual([1, 0, 1]);
      expect(array([255n, 256n, -1n], { dtype: 'uint8' }).toArray()).toEqual([255, 0, 255]);
      expect(array([2n ** 31n], { dtype: 'int32' }).toArray()).toEqual([-(2 ** 31)]);
      expect(array([0n, 5n], { dtype: 'bool' }).toArray()).toEqual([false, true]);
    });
  });

  it('copies: later edits of the source do not show', () => {
    const src = [1, 2, 3];
    const a = array(src);
    src[0] = 99;
    expect(a.toArray()).toEqual([1, 2, 3]);
  });
});

describe('array() rejects ragged and non-numeric input with the position', () => {
  const cases: [string, unknown, RegExp][] = [
    ['shorter row', [[1, 2], [3]], /ragged.*\[1\] has 1 entries where its siblings have 2/],
    ['longer row', [[1, 2], [3, 4, 5]], /ragged.*\[1\] has 3 entries where its siblings have 2/],
    ['scalar among rows', [[1, 2], 3], /ragged.*\[1\] has no entries where its siblings have 2/],
    ['row among scalars', [1, [2, 3]], /ragged.*element at \[1\] is an array/],
    ['deep', [[[1], [2]], [[3], [4, 5]]], /ragged.*\[1, 1\] has 2 entries where its siblings have 1/],
    ['empty then full', [[], [1]], /ragged.*\[1\] has 1 entries where its siblings have 0/],
    ['typed row too long', [new Float64Array(2), new Float64Array(3)], /ragged.*\[1\] has 3 entries/],
    ['string', [1, 'a'], /non-numeric value "a" at \[1\]/],
    ['numeric string', [[1, 2], [3, '4']], /non-numeric value "4" at \[1, 1\]/],
    ['null', [[1, null]], /non-numeric value null at \[0, 1\]/],
    ['undefined', [1, undefined, 3], /non-numeric value undefined at \[1\]/],
    // eslint-disable-next-line no-sparse-arrays
    ['hole', [1, , 3], /non-numeric value undefined at \[1\]/],
    ['object', [{}], /non-numeric value of type Object at \[0\]/],
    ['date', [[new Date(0)]], /non-numeric value of type Date at \[0, 0\]/],
    ['null-prototype object', [Object.create(null)], /non-numeric value of type object at \[0\]/],
    ['function', [() => 1], /non-numeric value function .* at \[0\]/],
    ['symbol', [Symbol('s')], /non-numeric value symbol Symbol\(s\) at \[0\]/],
    ['top-level string', 'abc', /non-numeric value "abc" at \[\]/],
    ['top-level null', null, /non-numeric value null at \[\]/],
    ['DataView', [new DataView(new ArrayBuffer(8))], /non-numeric value of type DataView at \[0\]/],
    ['array-like object', [{ length: 1, 0: 1 }], /non-numeric value of type Object at \[0\]/],
  ];
  for (const [name, value, message] of cases) {
    it(name, () => throws(() => array(value as ArrayLike), ValueError, message));
  }
});

describe('array() from typed arrays', () => {
  const kinds: [ArrayBufferView, DType][] = [
    [new Float64Array([1.5, -2]), 'float64'],
    [new Float32Array([1.5, -2]), 'float32'],
    [new Int32Array([7, -2]), 'int32'],
    [new Int16Array([7, -2]), 'int16'],
    [new Int8Array([7, -2]), 'int8'],
    [new Uint32Array([7, 4294967295]), 'uint32'],
    [new Uint16Array([7, 65535]), 'uint16'],
    [new Uint8Array([7, 255]), 'uint8'],
    [new Uint8ClampedArray([7, 255]), 'uint8'],
    [new BigInt64Array([7n, -2n]), 'int64'],
    [new BigUint64Array([7n, 2n ** 53n]), 'uint64'],
  ];
  for (const [ta, d] of kinds) {
    it(`${ta.constructor.name} -> ${d}, copied`, () => {
      const a = array(ta);
      expect(a.dtype).toBe(d);
      expect(a.shape).toEqual([2]);
      expect(a.data).toBeInstanceOf(dtypeInfo(d).storage);
      expect(a.data).not.toBe(ta);
      const src = Array.from(ta as unknown as Iterable<number | bigint>, Number);
      expect(flat(a)).toEqual(src);
      const writable = ta as unknown as (number | bigint)[];
      writable[0] = typeof writable[0] === 'bigint' ? 0n : 0;
      expect(flat(a)[0]).toBe(src[0]);
    });
  }

  it('a dtype option converts', () => {
    const a = array(new Float64Array([1.9, -1.9, 300]), { dtype: 'uint8' });
    expect(a.dtype).toBe('uint8');
    expect(a.toArray()).toEqual([1, 255, 44]);
    expect(array(new Int32Array([0, 2]), { dtype: 'bool' }).toArray()).toEqual([false, true]);
  });

  it('a subarray view copies only its own elements', () => {
    const base = new Int16Array([1, 2, 3, 4, 5]);
    const a = array(base.subarray(1, 4));
    expect(a.dtype).toBe('int16');
    expect(a.toArray()).toEqual([2, 3, 4]);
  });

  it('typed arrays nested in lists stack and keep their dtype', () => {
    const a = array([new Int32Array([1, 2]), new Int32Array([3, 4])]);
    expect(a.dtype).toBe('int32');
    expect(a.shape).toEqual([2, 2]);
    expect(a.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(array([new Float32Array([1]), new Int8Array([2])]).dtype).toBe('float32');
    expect(array([new Int32Array([1]), [2]]).dtype).toBe('float64'); // JS numbers are float64
    expect(array([new Int8Array([1]), [true]]).dtype).toBe('int8');
    expect(array([new Int32Array(0)]).shape).toEqual([1, 0]);
    expect(array([new Int32Array(0)]).dtype).toBe('int32');
  });
});

describe('array() from NDArrays', () => {
  it('copies, keeping the dtype', () => {
    const a = array([1, 2, 3], { dtype: 'int16' });
    const b = array(a);
    expect(b.dtype).toBe('int16');
    expect(b.data).not.toBe(a.data);
    a.set([0], 9);
    expect(b.toArray()).toEqual([1, 2, 3]);
  });

  it('copies non-contiguous views into contiguous row-major storage', () => {
    const a = array([[1, 2, 3], [4, 5, 6]]).transpose();
    const b = array(a);
    expect(b.isContiguous()).toBe(true);
    expect(b.strides).toEqual([2, 1]);
    expect(flat(b)).toEqual([1, 4, 2, 5, 3, 6]);
    const c = array(array([1, 2]).broadcastTo([2, 2]));
    expect(flat(c)).toEqual([1, 2, 1, 2]);
  });

  it('converts with a dtype', () => {
    const a = array([1.5, -1.5, 0]);
    expect(array(a, { dtype: 'int32' }).toArray()).toEqual([1, -1, 0]);
    expect(array(a, { dtype: 'bool' }).toArray()).toEqual([true, true, false]);
  });

  it('NDArrays nested in lists stack and keep their dtype', () => {
    const r = array([1, 2], { dtype: 'int32' });
    const s = array([3, 4], { dtype: 'int32' });
    const m = array([r, s]);
    expect(m.dtype).toBe('int32');
    expect(m.shape).toEqual([2, 2]);
    expect(m.toArray()).toEqual([[1, 2], [3, 4]]);
    // Non-contiguous ones are read in row-major order.
    const t = array([[1, 2], [3, 4]], { dtype: 'int8' }).transpose();
    expect(array([t, t]).toArray()).toEqual([[[1, 3], [2, 4]], [[1, 3], [2, 4]]]);
    // Mixed with plain lists and 0-d arrays.
    expect(array([r, [5, 6]]).toArray()).toEqual([[1, 2], [5, 6]]);
    expect(array([r, [5, 6]]).dtype).toBe('float64');
    expect(array([array(1), 2, array(true)]).toArray()).toEqual([1, 2, 1]);
    expect(array([array(true), array(false)]).dtype).toBe('bool');
    expect(array([r, array([1, 2], { dtype: 'uint8' })]).dtype).toBe('int32');
    expect(array([r, s], { dtype: 'float32' }).dtype).toBe('float32');
  });

  it('NDArrays nested in lists must match their siblings', () => {
    throws(() => array([array([1, 2]), array([1, 2, 3])]), ValueError, /ragged.*\[1\] is an array of shape \(3,\) where its siblings have shape \(2,\)/);
    throws(() => array([[1, 2], array([[1, 2]])]), ValueError, /ragged.*\[1\] is an array of shape \(1, 2\)/);
    throws(() => array([array([1, 2]), 3]), ValueError, /ragged.*\[1\] has no entries/);
  });
});

describe('array() shape option', () => {
  it('reshapes the data', () => {
    const a = array([1, 2, 3, 4, 5, 6], { shape: [2, 3] });
    expect(a.shape).toEqual([2, 3]);
    expect(a.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(array([[1, 2], [3, 4]], { shape: [4] }).toArray()).toEqual([1, 2, 3, 4]);
    expect(array(7, { shape: [1, 1] }).toArray()).toEqual([[7]]);
    expect(array([7], { shape: [] }).toArray()).toBe(7);
    expect(array(new Int8Array(6), { shape: [3, 2] }).shape).toEqual([3, 2]);
  });

  it('infers one -1 entry', () => {
    expect(array([1, 2, 3, 4, 5, 6], { shape: [-1, 2] }).shape).toEqual([3, 2]);
    expect(array([1, 2, 3, 4, 5, 6], { shape: [3, -1] }).shape).toEqual([3, 2]);
    expect(array([1, 2, 3, 4], { shape: [-1] }).shape).toEqual([4]);
    expect(array([], { shape: [-1, 3] }).shape).toEqual([0, 3]);
  });

  it('combines with dtype', () => {
    const a = array([1.5, 2.5, 3.5, 4.5], { dtype: 'int32', shape: [2, 2] });
    expect(a.dtype).toBe('int32');
    expect(a.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it('rejects shapes that do not hold the data', () => {
    throws(() => array([1, 2, 3], { shape: [2, 2] }), ShapeError, 'data has 3 elements; shape (2, 2) needs 4');
    throws(() => array([1, 2, 3], { shape: [2] }), ShapeError, 'shape (2,) needs 2');
    throws(() => array([1, 2, 3], { shape: [-1, 2] }), ShapeError, 'cannot reshape array of size 3 into shape (-1, 2)');
    throws(() => array([1, 2, 3, 4], { shape: [-1, -1] }), ShapeError, 'at most one -1');
    throws(() => array([1, 2], { shape: [-2, -1] }), ShapeError, 'cannot reshape');
  });
});

describe('array() dtype option', () => {
  it('rejects unknown dtypes with DTypeError', () => {
    throws(() => array([1], { dtype: 'float' as DType }), DTypeError, 'unknown dtype "float"; expected one of bool, int8');
    throws(() => array(array([1]), { dtype: 'complex64' as DType }), DTypeError, 'unknown dtype "complex64"');
  });

  it('every dtype gets its storage', () => {
    for (const d of ALL) {
      const a = array([[1, 0], [0, 1]], { dtype: d });
      expect(a.dtype).toBe(d);
      expect(a.data).toBeInstanceOf(dtypeInfo(d).storage);
      expect(a.toArray()).toEqual(d === 'bool' ? [[true, false], [false, true]] : [[1, 0], [0, 1]]);
    }
  });
});

describe('isArrayLike', () => {
  it('accepts what array() takes', () => {
    for (const v of [1, true, 1n, [], [[1]], new Float32Array(1), array(1)]) expect(isArrayLike(v)).toBe(true);
    for (const v of ['1', null, undefined, {}, new DataView(new ArrayBuffer(1)), () => 1]) expect(isArrayLike(v)).toBe(false);
  });
});

describe('zeros, ones, full, empty', () => {
  it('zeros: float64 by default, shape from a number or an array', () => {
    const a = zeros(3);
    expect(a.dtype).toBe('float64');
    expect(a.shape).toEqual([3]);
    expect(flat(a)).toEqual([0, 0, 0]);
    expect(zeros([2, 3]).shape).toEqual([2, 3]);
    expect(zeros([]).shape).toEqual([]);
    expect(zeros([]).toArray()).toBe(0);
    expect(zeros([0, 4]).size).toBe(0);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
  });

  it('every dtype', () => {
    for (const d of ALL) {
      const z = zeros([2, 2], d);
      expect(z.dtype).toBe(d);
      expect(z.data).toBeInstanceOf(dtypeInfo(d).storage);
      expect(z.toArray()).toEqual(d === 'bool' ? [[false, false], [false, false]] : [[0, 0], [0, 0]]);
      const o = ones([3], d);
      expect(o.dtype).toBe(d);
      expect(o.toArray()).toEqual(d === 'bool' ? [true, true, true] : [1, 1, 1]);
      const e = empty([2], d);
      expect(e.dtype).toBe(d);
      expect(e.shape).toEqual([2]);
    }
    expect(ones(2).dtype).toBe('float64');
    expect(empty(2).dtype).toBe('float64');
  });

  it('full: dtype from the value, conversion on store', () => {
    expect(full([2], 2.5).dtype).toBe('float64');
    expect(full([2], 2.5).toArray()).toEqual([2.5, 2.5]);
    expect(full([2], true).dtype).toBe('bool');
    expect(full([2], true).toArray()).toEqual([true, true]);
    expect(full(2, false, 'int32').toArray()).toEqual([0, 0]);
    expect(full(2, 3.7, 'int8').toArray()).toEqual([3, 3]);
    expect(full(2, -3.7, 'uint8').toArray()).toEqual([253, 253]);
    expect(full(2, 300, 'uint8').toArray()).toEqual([44, 44]);
    expect(full(2, NaN, 'int32').toArray()).toEqual([0, 0]);
    expect(full(2, Infinity, 'int64').toArray()).toEqual([0, 0]);
    expect(full(2, NaN, 'bool').toArray()).toEqual([true, true]);
    expect(full(2, 0.1, 'float32').toArray()).toEqual([0.10000000149011612, 0.10000000149011612]);
    expect(full([2, 2], 7).toArray()).toEqual([[7, 7], [7, 7]]);
    expect(full([], 7).toArray()).toBe(7);
    expect(full([0], 7).toArray()).toEqual([]);
  });

  it('reject invalid shapes and dtypes', () => {
    for (const f of [zeros, ones, empty] as ((s: number | number[], d?: DType) => NDArray)[]) {
      throws(() => f(-1), ShapeError, 'invalid shape [-1]');
      throws(() => f([2, 1.5]), ShapeError, 'invalid shape [2,1.5]');
      throws(() => f([NaN]), ShapeError, 'invalid shape');
      throws(() => f([2], 'int' as DType), DTypeError, 'unknown dtype "int"');
    }
    throws(() => full([2], 1, 'half' as DType), DTypeError, 'unknown dtype "half"');
    throws(() => full([-2], 1), ShapeError, 'invalid shape');
  });

  it('return fresh storage each call', () => {
    const a = zeros(2);
    const b = zeros(2);
    expect(a.data).not.toBe(b.data);
    a.set([0], 1);
    expect(flat(b)).toEqual([0, 0]);
  });
});

describe('arange', () => {
  // [args, dtype option, expected dtype, values] — all from numpy 2.4's np.arange.
  const cases: [number[], DType | undefined, DType, (number | boolean)[]][] = [
    [[5], undefined, 'int64', [0, 1, 2, 3, 4]],
    [[0], undefined, 'int64', []],
    [[-3], undefined, 'int64', []],
    [[1, 7], undefined, 'int64', [1, 2, 3, 4, 5, 6]],
    [[7, 1], undefined, 'int64', []],
    [[7, 1, -1], undefined, 'int64', [7, 6, 5, 4, 3, 2]],
    [[10, 0, -3], undefined, 'int64', [10, 7, 4, 1]],
    [[0, 10, 3], undefined, 'int64', [0, 3, 6, 9]],
    [[-5, 5, 4], undefined, 'int64', [-5, -1, 3]],
    [[2.5], undefined, 'float64', [0, 1, 2]],
    [[0, 1, 0.25], undefined, 'float64', [0, 0.25, 0.5, 0.75]],
    [[0, 1, 0.1], undefined, 'float64', [0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8, 0.9]],
    [[1, 2, 0.1], undefined, 'float64', [1, 1.1, 1.2000000000000002, 1.3000000000000003, 1.4000000000000004, 1.5000000000000004, 1.6000000000000005, 1.7000000000000006, 1.8000000000000007, 1.9000000000000008]],
    [[1, 1.3, 0.1], undefined, 'float64', [1, 1.1, 1.2000000000000002, 1.3000000000000003]],
    [[-1, 1, 0.1], undefined, 'float64', [-1, -0.9, -0.8, -0.7000000000000001, -0.6000000000000001, -0.5000000000000001, -0.40000000000000013, -0.30000000000000016, -0.20000000000000018, -0.1000000000000002, -2.220446049250313e-16, 0.09999999999999964, 0.19999999999999973, 0.2999999999999998, 0.3999999999999997, 0.49999999999999956, 0.5999999999999996, 0.6999999999999997, 0.7999999999999996, 0.8999999999999995]],
    [[10, 0, -0.3], undefined, 'float64', [10, 9.7, 9.399999999999999, 9.099999999999998, 8.799999999999997, 8.499999999999996, 8.199999999999996, 7.899999999999995, 7.599999999999994, 7.299999999999994, 6.999999999999993, 6.699999999999992, 6.3999999999999915, 6.099999999999991, 5.79999999999999, 5.499999999999989, 5.199999999999989, 4.899999999999988, 4.599999999999987, 4.2999999999999865, 3.999999999999986, 3.699999999999985, 3.3999999999999844, 3.0999999999999837, 2.799999999999983, 2.4999999999999822, 2.1999999999999815, 1.8999999999999808, 1.59999999999998, 1.2999999999999794, 0.9999999999999787, 0.699999999999978, 0.39999999999997726, 0.09999999999997655]],
    [[3, -2, -0.7], undefined, 'float64', [3, 2.3, 1.5999999999999996, 0.8999999999999995, 0.1999999999999993, -0.5000000000000009, -1.200000000000001, -1.9000000000000012]],
    [[0.5, 0.5], undefined, 'float64', []],
    [[0, 1, 2], undefined, 'int64', [0]],
    [[0, -1, 0.5], undefined, 'float64', []],
    [[0, 5, 1.5], 'int64', 'int64', [0, 1, 2, 3]],
    [[0.5, 5, 1.5], 'int64', 'int64', [0, 2, 4]],
    [[-3, 3, 1.5], 'int32', 'int32', [-3, -1, 1, 3]],
    [[100, 140, 7], 'int8', 'int8', [100, 107, 114, 121, -128, -121]],
    [[250, 262, 3], 'uint8', 'uint8', [250, 253, 0, 3]],
    [[10, 0, -3], 'uint8', 'uint8', [10, 7, 4, 1]],
    [[1, 2, 0.1], 'float32', 'float32', [1, 1.100000023841858, 1.2000000476837158, 1.3000000715255737, 1.4000000953674316, 1.5000001192092896, 1.6000001430511475, 1.7000001668930054, 1.8000001907348633, 1.9000002145767212]],
    [[0.1, 3.3, 0.7], 'float32', 'float32', [0.10000000149011612, 0.800000011920929, 1.5, 2.1999998092651367, 2.8999998569488525]],
    [[5], 'float32', 'float32', [0, 1, 2, 3, 4]],
    [[0, 2], 'bool', 'bool', [false, true]],
    [[1, 3], 'bool', 'bool', [true, true]],
    [[0, 1], 'bool', 'bool', [false]],
    [[3], 'uint16', 'uint16', [0, 1, 2]],
    [[-2, 2], 'float64', 'float64', [-2, -1, 0, 1]],
  ];
  for (const [args, dtype, wantDtype, want] of cases) {
    it(`arange(${args.join(', ')}${dtype ? `, dtype=${dtype}` : ''}) as numpy`, () => {
      const a = arange(args[0]!, args[1], args[2], dtype);
      expect(a.dtype).toBe(wantDtype);
      expect(a.shape).toEqual([want.length]);
      expect(a.toArray()).toEqual(want);
    });
  }

  it('length is ceil((stop - start) / step), never negative', () => {
    expect(arange(0, 10, 3).size).toBe(4);
    expect(arange(0, 9, 3).size).toBe(3);
    expect(arange(0, 1, 0.3).size).toBe(4);
    expect(arange(5, 0, -2).size).toBe(3);
    expect(arange(0, 5, -1).size).toBe(0);
    expect(arange(5, 0, 1).size).toBe(0);
    expect(arange(0.1, 0.2, 1).size).toBe(1);
    expect(arange(-2.5, 2.5, 0.5).size).toBe(10);
  });

  it('rejects a zero, NaN or infinite step and non-finite bounds', () => {
    throws(() => arange(0, 5, 0), ValueError, 'arange step must be a finite non-zero number, got 0');
    throws(() => arange(0, 5, -0), ValueError, 'non-zero');
    throws(() => arange(0, 5, NaN), ValueError, 'got NaN');
    throws(() => arange(0, 5, Infinity), ValueError, 'got Infinity');
    throws(() => arange(0, Infinity), ValueError, 'arange bounds must be finite, got 0 and Infinity');
    throws(() => arange(NaN), ValueError, 'bounds must be finite');
  });

  it('rejects unknown dtypes and bool ranges longer than 2 (as numpy)', () => {
    throws(() => arange(3, undefined, 1, 'int' as DType), DTypeError, 'unknown dtype "int"');
    throws(() => arange(0, 3, 1, 'bool'), DTypeError, 'at most 2 elements');
  });
});
