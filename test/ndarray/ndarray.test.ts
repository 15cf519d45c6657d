/**
 * The NDArray class: construction, views (reshape, transpose, dimshuffle,
 * broadcastTo), element access, copies and conversion to JS values.
 * Expected layouts follow numpy (strides here are in elements, not bytes).
 */
import { describe, it, expect } from 'vitest';
import { NDArray, contiguousStrides, shapeSize, shapeToString } from '../../src/ndarray/ndarray.js';
import { array, arange, zeros, full } from '../../src/ndarray/create.js';
import { dtypeInfo, type DType, type TypedArray } from '../../src/ndarray/dtype.js';
import { heapAllocator, setAllocator, allocate, type Allocator } from '../../src/ndarray/allocator.js';
import { ShapeError } from '../../src/errors.js';
import { throws } from '../helpers/assertions.js';

const ALL: DType[] = ['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'uint64', 'float32', 'float64'];

const flat = (a: NDArray): number[] => Array.from(a.flatData());

/** 0, 1, ..., n-1 as a float64 array of `shape`. */
const seq = (shape: number[], dtype: DType = 'float64'): NDArray => arange(shapeSize(shape)).astype(dtype).reshape(shape);

describe('helpers', () => {
  it('contiguousStrides', () => {
    expect(contiguousStrides([])).toEqual([]);
    expect(contiguousStrides([5])).toEqual([1]);
    expect(contiguousStrides([2, 3, 4])).toEqual([12, 4, 1]);
    expect(contiguousStrides([2, 0, 3])).toEqual([0, 3, 1]);
    expect(contiguousStrides([1, 1])).toEqual([1, 1]);
  });

  it('shapeSize and shapeToString', () => {
    expect(shapeSize([])).toBe(1);
    expect(shapeSize([2, 3, 4])).toBe(24);
    expect(shapeSize([2, 0])).toBe(0);
    expect(shapeToString([])).toBe('()');
    expect(shapeToString([3])).toBe('(3,)');
    expect(shapeToString([2, 3])).toBe('(2, 3)');
  });
});

describe('constructor', () => {
  it('accepts the storage of each dtype and defaults to contiguous strides', () => {
    for (const d of ALL) {
      const data = new (dtypeInfo(d).storage)(6);
      const a = new NDArray(data, d, [2, 3]);
      expect(a.data).toBe(data);
      expect(a.dtype).toBe(d);
      expect(a.shape).toEqual([2, 3]);
      expect(a.strides).toEqual([3, 1]);
      expect(a.offset).toBe(0);
      expect(a.ndim).toBe(2);
      expect(a.size).toBe(6);
    }
  });

  it('rejects storage of the wrong kind with a TypeError', () => {
    const wrong: [TypedArray, DType][] = [
      [new Int32Array(2), 'float32'],
      [new Float32Array(2), 'float64'],
      [new Float32Array(2), 'int64'],
      [new Int8Array(2), 'bool'],
      [new Uint8Array(2), 'int8'],
      [new Int32Array(2), 'uint32'],
      [new Float64Array(2), 'int32'],
      [new Uint8ClampedArray(2) as unknown as TypedArray, 'uint8'],
    ];
    for (const [data, d] of wrong) {
      throws(() => new NDArray(data, d, [2]), TypeError, `storage of a ${d} array must be a ${dtypeInfo(d).storage.name}, got ${data.constructor.name}`);
    }
    expect(() => new NDArray(new Float64Array(1), 'float16' as DType, [1])).toThrow(TypeError);
  });

  it('rejects invalid shapes', () => {
    throws(() => new NDArray(new Float64Array(4), 'float64', [-1]), ShapeError, 'invalid shape [-1]');
    throws(() => new NDArray(new Float64Array(4), 'float64', [2, 1.5]), ShapeError, 'non-negative integers');
    throws(() => new NDArray(new Float64Array(4), 'float64', [NaN]), ShapeError, 'invalid shape');
  });

  it('rejects strides that do not fit the shape, bad offsets and views reaching outside the storage', () => {
    const d = new Float64Array(6);
    throws(() => new NDArray(d, 'float64', [2, 3], [1]), ShapeError, 'strides [1] do not fit shape (2, 3)');
    throws(() => new NDArray(d, 'float64', [2], [0.5]), ShapeError, 'one integer stride per axis');
    throws(() => new NDArray(d, 'float64', [2], [1], -1), ShapeError, 'offset -1');
    throws(() => new NDArray(d, 'float64', [2], [1], 1.5), ShapeError, 'offset 1.5');
    throws(() => new NDArray(d, 'float64', [2, 4]), ShapeError, 'reaches storage indices 0..7, outside storage of 6 elements');
    throws(() => new NDArray(d, 'float64', [3], [2], 2), ShapeError, 'reaches storage indices 2..6');
    throws(() => new NDArray(d, 'float64', [3], [-2], 3), ShapeError, 'reaches storage indices -1..3');
    throws(() => new NDArray(d, 'float64', [], [], 6), ShapeError, 'outside storage');
    // Fitting views, including the last element, stride 0 and negative strides.
    expect(new NDArray(d, 'float64', [3], [2], 1).size).toBe(3);
    expect(new NDArray(d, 'float64', [], [], 5).size).toBe(1);
    expect(new NDArray(d, 'float64', [1000, 1000], [0, 0], 5).size).toBe(1e6);
    expect(new NDArray(d, 'float64', [3], [-2], 4).size).toBe(3);
    // Size-0 views read nothing, so their strides and offset are not bounded by the storage.
    expect(new NDArray(d, 'float64', [0, 100], [100, 1], 6).size).toBe(0);
    expect(new NDArray(new Float64Array(0), 'float64', [0]).size).toBe(0);
  });

  it('copies and freezes shape and strides', () => {
    const shape = [2, 3];
    const strides = [3, 1];
    const a = new NDArray(new Float64Array(6), 'float64', shape, strides);
    shape[0] = 7;
    strides[0] = 9;
    expect(a.shape).toEqual([2, 3]);
    expect(a.strides).toEqual([3, 1]);
    expect(Object.isFrozen(a.shape)).toBe(true);
    expect(Object.isFrozen(a.strides)).toBe(true);
  });

  it('0-d arrays', () => {
    const a = new NDArray(new Float64Array([4]), 'float64', []);
    expect(a.ndim).toBe(0);
    expect(a.size).toBe(1);
    expect(a.strides).toEqual([]);
    expect(a.isContiguous()).toBe(true);
    expect(a.get()).toBe(4);
  });
});

describe('NDArray.empty and the allocator', () => {
  it('NDArray.empty is zero-filled and contiguous', () => {
    for (const d of ALL) {
      const a = NDArray.empty(d, [2, 2]);
      expect(a.data).toBeInstanceOf(dtypeInfo(d).storage);
      expect(a.data.length).toBe(4);
      expect(flat(a)).toEqual([0, 0, 0, 0]);
      expect(a.isContiguous()).toBe(true);
    }
    throws(() => NDArray.empty('float64', [-1]), ShapeError, 'invalid shape');
  });

  it('setAllocator installs an allocator used by NDArray.empty and what builds on it', () => {
    const calls: [DType, number][] = [];
    const counting: Allocator = {
      allocate(dtype, size) {
        calls.push([dtype, size]);
        return heapAllocator.allocate(dtype, size);
      },
    };
    const previous = setAllocator(counting);
    try {
      expect(previous).toBe(heapAllocator);
      NDArray.empty('int16', [2, 3]);
      zeros([4], 'float32');
      array([1, 2]);
      const a = full([2, 2], 1);
      a.transpose().copy(); // copies allocate
      a.reshape([4]); // a view does not
      a.transpose().reshape([4]); // a non-contiguous reshape copies
      allocate('bool', 0);
      expect(calls).toEqual([
        ['int16', 6],
        ['float32', 4],
        ['float64', 2],
        ['float64', 4],
        ['float64', 4],
        ['float64', 4],
        ['bool', 0],
      ]);
    } finally {
      expect(setAllocator(previous)).toBe(counting);
    }
    NDArray.empty('float64', [3]);
    expect(calls.length).toBe(7); // restored
  });

  it('storage from an allocator is checked against the dtype', () => {
    const previous = setAllocator({ allocate: (_d, size) => new Float32Array(size) });
    try {
      expect(() => NDArray.empty('float64', [2])).toThrow(TypeError);
    } finally {
      setAllocator(previous);
    }
  });
});

describe('isContiguous', () => {
  const d = new Float64Array(24);
  const view = (shape: number[], strides: number[], offset = 0) => new NDArray(d, 'float64', shape, strides, offset);
  it('row-major layouts, with any offset', () => {
    expect(view([2, 3], [3, 1]).isContiguous()).toBe(true);
    expect(view([2, 3], [3, 1], 5).isContiguous()).toBe(true);
    expect(view([4], [1], 20).isContiguous()).toBe(true);
    expect(view([], []).isContiguous()).toBe(true);
  });
  it('length-1 axes may have any stride', () => {
    expect(view([1, 3], [99, 1]).isContiguous()).toBe(true);
    expect(view([3, 1], [1, 0]).isContiguous()).toBe(true);
    expect(view([2, 1, 3], [3, -7, 1]).isContiguous()).toBe(true);
    expect(view([1], [0]).isContiguous()).toBe(true);
  });
  it('size-0 arrays are contiguous whatever their strides', () => {
    expect(view([0, 3], [5, 2]).isContiguous()).toBe(true);
    expect(view([3, 0], [0, 0]).isContiguous()).toBe(true);
  });
  it('gaps, transposes and broadcasts are not', () => {
    expect(view([2, 3], [4, 1]).isContiguous()).toBe(false);
    expect(view([3], [2]).isContiguous()).toBe(false);
    expect(view([3, 2], [1, 3]).isContiguous()).toBe(false);
    expect(view([2, 3], [0, 1]).isContiguous()).toBe(false);
    expect(view([2, 3], [3, 0]).isContiguous()).toBe(false);
    expect(seq([2, 3]).transpose().isContiguous()).toBe(false);
    expect(seq([1, 3]).transpose().isContiguous()).toBe(true); // (3, 1) with strides (1, 3)
  });
});

describe('indexOf, get, set', () => {
  it('maps indices through strides and offset', () => {
    const a = new NDArray(new Float64Array(20), 'float64', [2, 3], [6, 2], 3);
    expect(a.indexOf([0, 0])).toBe(3);
    expect(a.indexOf([1, 2])).toBe(13);
    expect(a.indexOf([-1, -1])).toBe(13);
    expect(a.indexOf([-2, -3])).toBe(3);
    expect(a.indexOf([0, -2])).toBe(5);
    expect(new NDArray(new Float64Array(3), 'float64', []).indexOf([])).toBe(0);
  });

  it('get reads elements, negatives from the end; bools as 0/1', () => {
    const a = seq([2, 3]);
    expect(a.get(0, 0)).toBe(0);
    expect(a.get(1, 2)).toBe(5);
    expect(a.get(-1, 0)).toBe(3);
    expect(a.get(-2, -1)).toBe(2);
    expect(array([true, false]).get(0)).toBe(1);
    expect(array(7).get()).toBe(7);
    expect(a.transpose().get(2, 1)).toBe(5);
  });

  it('rejects out-of-range, fractional and NaN indices with RangeError', () => {
    const a = seq([2, 3]);
    throws(() => a.get(2, 0), RangeError, 'index 2 is out of bounds for axis 0 with size 2');
    throws(() => a.get(0, 3), RangeError, 'index 3 is out of bounds for axis 1 with size 3');
    throws(() => a.get(-3, 0), RangeError, 'index -3 is out of bounds for axis 0 with size 2');
    throws(() => a.get(0, -4), RangeError, 'index -4 is out of bounds for axis 1');
    throws(() => a.get(0.5, 0), RangeError, 'index 0.5');
    throws(() => a.get(NaN, 0), RangeError, 'index NaN');
    throws(() => zeros([0]).get(0), RangeError, 'size 0');
  });

  it('rejects the wrong number of indices with ShapeError', () => {
    const a = seq([2, 3]);
    throws(() => a.get(0), ShapeError, 'index [0] has 1 entries; this array has 2 dimensions');
    throws(() => a.get(0, 0, 0), ShapeError, 'has 3 entries');
    throws(() => array(1).get(0), ShapeError, 'this array has 0 dimensions');
    throws(() => a.set([1], 0), ShapeError, 'has 1 entries');
  });

  it('set writes through views and converts as the dtype stores', () => {
    const a = zeros([2, 3]);
    const t = a.transpose();
    t.set([2, 1], 7);
    expect(a.get(1, 2)).toBe(7);
    a.set([-1, -1], 8);
    expect(a.get(1, 2)).toBe(8);
    const cases: [DType, number | boolean, number][] = [
      ['int8', 200, -56],
      ['uint8', -1, 255],
      ['int32', 2.9, 2],
      ['int32', -2.9, -2],
      ['int32', NaN, 0],
      ['int64', Infinity, 0],
      ['int64', -2.5, -2],
      ['uint16', 65536.5, 0],
      ['bool', NaN, 1],
      ['bool', -0, 0],
      ['bool', 0.1, 1],
      ['float32', 0.1, 0.10000000149011612],
      ['float64', true, 1],
      ['int16', false, 0],
    ];
    for (const [d, v, want] of cases) {
      const x = zeros([1], d);
      x.set([0], v);
      expect(x.get(0), `${d} <- ${v}`).toBe(want);
    }
    throws(() => a.set([2, 0], 1), RangeError, 'out of bounds');
  });
});

describe('copy and astype', () => {
  it('copy gives fresh contiguous storage with the same values', () => {
    const a = seq([2, 3], 'int32');
    const c = a.copy();
    expect(c.data).not.toBe(a.data);
    expect(c.dtype).toBe('int32');
    expect(c.toArray()).toEqual(a.toArray());
    c.set([0, 0], 9);
    expect(a.get(0, 0)).toBe(0);
    const t = a.transpose().copy();
    expect(t.strides).toEqual([2, 1]);
    expect(flat(t)).toEqual([0, 3, 1, 4, 2, 5]);
    const off = new NDArray(new Float64Array([9, 9, 1, 2, 3]), 'float64', [3], [1], 2).copy();
    expect(off.offset).toBe(0);
    expect(Array.from(off.data)).toEqual([1, 2, 3]);
    expect(zeros([0, 3]).copy().shape).toEqual([0, 3]);
    expect(array(5).copy().toArray()).toBe(5);
  });

  it('copy reads any view: reversed, stepped, permuted, with axes of length 1 and runs that span axes', () => {
    const a = seq([4, 3, 5]);
    // Element (i, j, k) of a view at `offset` with `strides`, read one by one.
    const byIndex = (v: NDArray) => {
      const out: number[] = [];
      const walk = (ax: number, at: number) => {
        if (ax === v.ndim) out.push(v.data[at]!);
        else for (let i = 0; i < v.shape[ax]!; i++) walk(ax + 1, at + i * v.strides[ax]!);
      };
      walk(0, v.offset);
      return out;
    };
    const views = [
      new NDArray(a.data, 'float64', [4, 3, 5], [-15, 5, 1], 45), // first axis reversed: runs of 15
      new NDArray(a.data, 'float64', [4, 3, 5], [15, -5, -1], 14), // inner axes reversed
      new NDArray(a.data, 'float64', [2, 3, 5], [30, 5, 1], 0), // every other block
      new NDArray(a.data, 'float64', [4, 1, 5], [15, 99, 1], 5), // a length-1 axis with any stride
      new NDArray(a.data, 'float64', [1, 1, 1], [7, 7, 7], 8), // one element
      a.transpose([2, 0, 1]),
      new NDArray(a.data, 'float64', [4, 2], [15, 2], 1),
    ];
    // Transposes larger than one 32 × 32 tile, with ragged edges, under an outer axis, reversed.
    const big = seq([3, 70, 45]);
    views.push(big.transpose([0, 2, 1]), big.transpose([2, 1, 0]), new NDArray(big.data, 'float64', [3, 45, 70], [-3150, 1, 45], 2 * 3150));
    for (const v of views) expect(flat(v.copy())).toEqual(byIndex(v));
  });

  it('astype always copies, even to the same dtype', () => {
    const a = seq([3]);
    const b = a.astype('float64');
    expect(b.data).not.toBe(a.data);
    expect(b.toArray()).toEqual([0, 1, 2]);
  });

  it('astype converts like storing', () => {
    const a = array([-1.5, -0.5, 0, 0.5, 1.5, 255.9, 256, NaN, Infinity]);
    expect(a.astype('int8').toArray()).toEqual([-1, 0, 0, 0, 1, -1, 0, 0, 0]);
    expect(a.astype('uint8').toArray()).toEqual([255, 0, 0, 0, 1, 255, 0, 0, 0]);
    expect(a.astype('int64').toArray()).toEqual([-1, 0, 0, 0, 1, 255, 256, 0, 0]);
    expect(a.astype('bool').toArray()).toEqual([true, true, false, true, true, true, true, true, true]);
    expect(a.astype('float32').toArray()).toEqual([-1.5, -0.5, 0, 0.5, 1.5, 255.89999389648438, 256, NaN, Infinity]);
    expect(Object.is(a.astype('int32').get(1), 0)).toBe(true); // -0.5 -> +0
    expect(Object.is(a.astype('int64').get(1), 0)).toBe(true);
    expect(array([true, false]).astype('float32').toArray()).toEqual([1, 0]);
    expect(array([2 ** 40 + 1], { dtype: 'int64' }).astype('float32').toArray()).toEqual([2 ** 40]);
    expect(array([-1], { dtype: 'int8' }).astype('uint16').toArray()).toEqual([65535]);
    expect(array([70000], { dtype: 'int32' }).astype('int16').toArray()).toEqual([4464]);
  });

  it('astype reads non-contiguous views in row-major order', () => {
    const t = seq([2, 3]).transpose().astype('int16');
    expect(t.dtype).toBe('int16');
    expect(t.isContiguous()).toBe(true);
    expect(t.toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(array([1, 2]).broadcastTo([2, 2]).astype('uint8').toArray()).toEqual([[1, 2], [1, 2]]);
  });
});

describe('reshape', () => {
  it('of contiguous arrays is a view on the same data', () => {
    const a = seq([2, 3]);
    const r = a.reshape([3, 2]);
    expect(r.data).toBe(a.data);
    expect(r.shape).toEqual([3, 2]);
    expect(r.strides).toEqual([2, 1]);
    expect(r.toArray()).toEqual([[0, 1], [2, 3], [4, 5]]);
    r.set([0, 0], 42);
    expect(a.get(0, 0)).toBe(42);
    expect(a.reshape([6]).data).toBe(a.data);
    expect(a.reshape([1, 6, 1]).shape).toEqual([1, 6, 1]);
  });

  it('keeps the offset of a contiguous view', () => {
    const a = new NDArray(new Float64Array([9, 9, 0, 1, 2, 3]), 'float64', [4], [1], 2);
    const r = a.reshape([2, 2]);
    expect(r.data).toBe(a.data);
    expect(r.offset).toBe(2);
    expect(r.toArray()).toEqual([[0, 1], [2, 3]]);
  });

  it('of non-contiguous arrays copies, in row-major order', () => {
    const a = seq([2, 3]);
    const r = a.transpose().reshape([6]);
    expect(r.data).not.toBe(a.data);
    expect(r.toArray()).toEqual([0, 3, 1, 4, 2, 5]);
    const b = array([1, 2]).broadcastTo([3, 2]).reshape([2, 3]);
    expect(b.toArray()).toEqual([[1, 2, 1], [2, 1, 2]]);
  });

  it('infers one -1', () => {
    const a = seq([2, 6]);
    expect(a.reshape([-1]).shape).toEqual([12]);
    expect(a.reshape([3, -1]).shape).toEqual([3, 4]);
    expect(a.reshape([-1, 2, 3]).shape).toEqual([2, 2, 3]);
    expect(zeros([0, 3]).reshape([-1, 3]).shape).toEqual([0, 3]);
    expect(zeros([0]).reshape([-1]).shape).toEqual([0]);
    expect(array(5).reshape([-1]).shape).toEqual([1]);
    expect(array([5]).reshape([]).shape).toEqual([]);
  });

  it('rejects shapes of another size, several -1, and invalid entries', () => {
    const a = seq([2, 3]);
    throws(() => a.reshape([4]), ShapeError, 'cannot reshape array of size 6 into shape (4,)');
    throws(() => a.reshape([4, -1]), ShapeError, 'cannot reshape array of size 6 into shape (4, -1)');
    throws(() => a.reshape([-1, -1]), ShapeError, 'at most one -1');
    throws(() => a.reshape([-2, -3]), ShapeError, 'cannot reshape into shape [-2,-3]');
    throws(() => a.reshape([2.5, -1]), ShapeError, 'non-negative integers');
    throws(() => a.reshape([0, -1]), ShapeError, 'cannot reshape array of size 6 into shape (0, -1)');
    throws(() => zeros([0]).reshape([0, -1]), ShapeError, 'cannot reshape array of size 0');
    throws(() => a.reshape([]), ShapeError, 'into shape ()');
  });
});

describe('transpose', () => {
  it('reverses axes by default, as a view', () => {
    const a = seq([2, 3, 4]);
    const t = a.transpose();
    expect(t.data).toBe(a.data);
    expect(t.shape).toEqual([4, 3, 2]);
    expect(t.strides).toEqual([1, 4, 12]);
    expect(t.get(3, 2, 1)).toBe(a.get(1, 2, 3));
    expect(a.T.shape).toEqual([4, 3, 2]);
    expect(seq([2, 3]).T.toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(array(1).transpose().shape).toEqual([]);
    expect(seq([3]).transpose().toArray()).toEqual([0, 1, 2]);
  });

  it('takes custom axes, negatives counting from the end', () => {
    const a = seq([2, 3, 4]);
    const p = a.transpose([1, 0, 2]);
    expect(p.shape).toEqual([3, 2, 4]);
    expect(p.strides).toEqual([4, 12, 1]);
    expect(p.get(2, 1, 3)).toBe(a.get(1, 2, 3));
    expect(a.transpose([-1, 0, 1]).shape).toEqual([4, 2, 3]);
    expect(a.transpose([0, 1, 2]).strides).toEqual([12, 4, 1]);
    // numpy: np.arange(24).reshape(2,3,4).transpose(2,0,1)[1].ravel()
    expect(flat(a.transpose([2, 0, 1]).copy()).slice(6, 12)).toEqual([1, 5, 9, 13, 17, 21]);
    const off = new NDArray(new Float64Array([9, 0, 1, 2, 3]), 'float64', [2, 2], [2, 1], 1);
    expect(off.transpose().offset).toBe(1);
    expect(off.transpose().toArray()).toEqual([[0, 2], [1, 3]]);
  });

  it('rejects axes that are not a permutation', () => {
    const a = seq([2, 3]);
    throws(() => a.transpose([0]), ShapeError, 'axes [0] are not a permutation of the 2 axes');
    throws(() => a.transpose([0, 0]), ShapeError, 'not a permutation');
    throws(() => a.transpose([0, 2]), ShapeError, 'not a permutation');
    throws(() => a.transpose([1, 0, 2]), ShapeError, 'not a permutation');
    throws(() => a.transpose([0, 1.5]), ShapeError, 'not a permutation');
    throws(() => a.transpose([-1, 1]), ShapeError, 'not a permutation');
    throws(() => a.transpose([0, -3]), ShapeError, 'not a permutation');
  });
});

describe('dimshuffle', () => {
  it("inserts length-1 axes with 'x' (stride 0) and permutes", () => {
    const a = seq([2, 3]);
    const d = a.dimshuffle(['x', 1, 'x', 0]);
    expect(d.data).toBe(a.data);
    expect(d.shape).toEqual([1, 3, 1, 2]);
    expect(d.strides).toEqual([0, 1, 0, 3]);
    expect(d.get(0, 2, 0, 1)).toBe(5);
    expect(d.toArray()).toEqual([[[[0, 3]], [[1, 4]], [[2, 5]]]]);
    expect(array(7).dimshuffle(['x', 'x']).toArray()).toEqual([[7]]);
    expect(seq([3]).dimshuffle([0, 'x']).toArray()).toEqual([[0], [1], [2]]);
  });

  it('drops length-1 axes left out of the pattern', () => {
    const a = seq([1, 3, 1]);
    expect(a.dimshuffle([1]).shape).toEqual([3]);
    expect(a.dimshuffle([1]).toArray()).toEqual([0, 1, 2]);
    expect(a.dimshuffle(['x', 1, 0]).shape).toEqual([1, 3, 1]);
    expect(array([5]).dimshuffle([]).toArray()).toBe(5);
  });

  it('rejects dropping other axes, axes out of range and repeated axes', () => {
    const a = seq([2, 3]);
    throws(() => a.dimshuffle([1]), ShapeError, 'dimshuffle [1] drops axis 0 of length 2; only length-1 axes can be dropped');
    throws(() => a.dimshuffle(['x', 0]), ShapeError, 'drops axis 1 of length 3');
    throws(() => a.dimshuffle([0, 2]), ShapeError, 'dimshuffle [0,2]: 2 is not an axis of a 2-d array');
    throws(() => a.dimshuffle([-1, 0]), ShapeError, '-1 is not an axis');
    throws(() => a.dimshuffle([0, 1.5]), ShapeError, '1.5 is not an axis');
    throws(() => a.dimshuffle([0, 1, 1]), ShapeError, 'dimshuffle [0,1,1] repeats an axis');
    throws(() => seq([1, 2]).dimshuffle([1, 1]), ShapeError, 'repeats an axis');
  });
});

describe('broadcastTo', () => {
  it('makes stride-0 views over the same data', () => {
    const a = array([1, 2, 3]);
    const b = a.broadcastTo([2, 3]);
    expect(b.data).toBe(a.data);
    expect(b.shape).toEqual([2, 3]);
    expect(b.strides).toEqual([0, 1]);
    expect(b.toArray()).toEqual([[1, 2, 3], [1, 2, 3]]);
    const col = array([[1], [2]]).broadcastTo([2, 3]);
    expect(col.strides).toEqual([1, 0]);
    expect(col.toArray()).toEqual([[1, 1, 1], [2, 2, 2]]);
    const s = array(4).broadcastTo([2, 2]);
    expect(s.strides).toEqual([0, 0]);
    expect(s.toArray()).toEqual([[4, 4], [4, 4]]);
    expect(a.broadcastTo([3]).strides).toEqual([1]);
    expect(array([7]).broadcastTo([0]).shape).toEqual([0]);
    expect(seq([2, 3]).transpose().broadcastTo([2, 3, 2]).toArray()).toEqual([
      [[0, 3], [1, 4], [2, 5]],
      [[0, 3], [1, 4], [2, 5]],
    ]);
  });

  it('keeps the offset', () => {
    const v = new NDArray(new Float64Array([9, 1, 2]), 'float64', [2], [1], 1).broadcastTo([2, 2]);
    expect(v.offset).toBe(1);
    expect(v.toArray()).toEqual([[1, 2], [1, 2]]);
  });

  it('rejects shapes it cannot broadcast to', () => {
    throws(() => array([1, 2, 3]).broadcastTo([2, 2]), ShapeError, 'cannot broadcast shape (3,) to (2, 2)');
    throws(() => seq([2, 3]).broadcastTo([3]), ShapeError, 'cannot broadcast shape (2, 3) to (3,)');
    throws(() => zeros([0]).broadcastTo([1]), ShapeError, 'cannot broadcast shape (0,) to (1,)');
    throws(() => array([[1], [2]]).broadcastTo([3, 3]), ShapeError, 'cannot broadcast');
    throws(() => array([1]).broadcastTo([-1]), ShapeError, 'invalid shape');
  });
});

describe('flatData and forEachIndex', () => {
  it('flatData is a subarray view when contiguous, a copy otherwise', () => {
    const base = new Float64Array([9, 0, 1, 2, 3, 9]);
    const a = new NDArray(base, 'float64', [2, 2], [2, 1], 1);
    const f = a.flatData();
    expect(Array.from(f)).toEqual([0, 1, 2, 3]);
    expect(f.buffer).toBe(base.buffer);
    f[0] = 5;
    expect(a.get(0, 0)).toBe(5);
    const t = a.transpose().flatData();
    expect(Array.from(t)).toEqual([5, 2, 1, 3]);
    expect(t.buffer).not.toBe(base.buffer);
    expect(Array.from(array([1, 2]).broadcastTo([2, 2]).flatData())).toEqual([1, 2, 1, 2]);
    expect(zeros([0, 2]).flatData().length).toBe(0);
    expect(array(true).flatData()).toBeInstanceOf(Uint8Array);
  });

  it('forEachIndex visits row-major order on any view', () => {
    const visits = (a: NDArray): [number, number][] => {
      const out: [number, number][] = [];
      a.forEachIndex((i, k) => out.push([i, k]));
      return out;
    };
    expect(visits(seq([2, 2]))).toEqual([[0, 0], [1, 1], [2, 2], [3, 3]]);
    expect(visits(seq([2, 3]).transpose())).toEqual([[0, 0], [3, 1], [1, 2], [4, 3], [2, 4], [5, 5]]);
    expect(visits(array([1, 2]).broadcastTo([2, 2]))).toEqual([[0, 0], [1, 1], [0, 2], [1, 3]]);
    const v = new NDArray(new Float64Array(30), 'float64', [2, 2, 2], [12, 1, 5], 3);
    expect(visits(v).map(([i]) => i)).toEqual([3, 8, 4, 9, 15, 20, 16, 21]);
    const neg = new NDArray(new Float64Array(6), 'float64', [2, 3], [-3, -1], 5);
    expect(visits(neg).map(([i]) => i)).toEqual([5, 4, 3, 2, 1, 0]);
    expect(visits(zeros([0, 3]))).toEqual([]);
    expect(visits(new NDArray(new Float64Array(4), 'float64', [], [], 3))).toEqual([[3, 0]]);
    expect(visits(new NDArray(new Float64Array(4), 'float64', [3, 0], [1, 1]))).toEqual([]);
  });
});

describe('toArray and item', () => {
  it('toArray nests by shape; booleans for bool arrays; a value for 0-d', () => {
    expect(seq([2, 1, 2]).toArray()).toEqual([[[0, 1]], [[2, 3]]]);
    expect(array([[true, false]]).toArray()).toEqual([[true, false]]);
    expect(array(3.5).toArray()).toBe(3.5);
    expect(array(false).toArray()).toBe(false);
    expect(zeros([2, 0]).toArray()).toEqual([[], []]);
    expect(zeros([0, 2]).toArray()).toEqual([]);
    expect(seq([2, 3], 'uint8').transpose().toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
    for (const d of ALL) {
      const v = array([[1, 0]], { dtype: d }).toArray();
      expect(v).toEqual(d === 'bool' ? [[true, false]] : [[1, 0]]);
    }
  });

  it('item() needs size 1; bools come back as booleans', () => {
    expect(array(2.5).item()).toBe(2.5);
    expect(array([[7]], { dtype: 'int8' }).item()).toBe(7);
    expect(array([true]).item()).toBe(true);
    expect(array(false).item()).toBe(false);
    const off = new NDArray(new Float64Array([1, 2, 3]), 'float64', [1, 1], [5, 7], 2);
    expect(off.item()).toBe(3);
    throws(() => array([1, 2]).item(), ShapeError, 'item() needs an array of size 1, this one has shape (2,)');
    throws(() => zeros([0]).item(), ShapeError, 'shape (0,)');
  });

  it('item(...index) reads one element; one index into a non-1-d array is flat (numpy)', () => {
    const a = seq([2, 3]);
    expect(a.item(1, 2)).toBe(5);
    expect(a.item(-1, 0)).toBe(3);
    expect(a.item(4)).toBe(4);
    expect(a.item(-1)).toBe(5);
    expect(a.transpose().item(1)).toBe(3); // numpy: np.arange(6).reshape(2,3).T.item(1) == 3
    expect(a.transpose().item(4)).toBe(2);
    expect(seq([3]).item(-1)).toBe(2);
    expect(array(9).item(0)).toBe(9);
    expect(array([[true, false]]).item(1)).toBe(false);
    throws(() => a.item(6), RangeError, 'index 6 is out of bounds for size 6');
    throws(() => a.item(-7), RangeError, 'out of bounds');
    throws(() => a.item(1.5), RangeError, 'out of bounds');
    throws(() => a.item(2, 0), RangeError, 'index 2 is out of bounds for axis 0');
    throws(() => a.item(0, 0, 0), ShapeError, 'has 3 entries');
  });
});

describe('valueOf and Symbol.toPrimitive', () => {
  it('size-1 arrays act as numbers', () => {
    const a = array([[2.5]]);
    expect(Number(a)).toBe(2.5);
    expect(+a).toBe(2.5);
    expect((a as unknown as number) + 1).toBe(3.5);
    expect((a as unknown as number) * 2).toBe(5);
    expect((a as unknown as number) > 2).toBe(true);
    expect(a.valueOf()).toBe(2.5);
    expect(Number(array(true))).toBe(1);
    expect((array(3, { dtype: 'int32' }) as unknown as number) + 1).toBe(4);
    expect(Number(new NDArray(new Float64Array([0, 0, 8]), 'float64', [1], [1], 2))).toBe(8);
    expect(Math.max(array(4) as unknown as number, 3)).toBe(4);
  });

  it("a bigger array in a string context gives its string ('default' hint too)", () => {
    const a = array([1, 2]);
    expect(a[Symbol.toPrimitive]('default')).toBe(a.toString());
    expect(a[Symbol.toPrimitive]('string')).toBe(a.toString());
    expect(() => (a as unknown as string) + '').not.toThrow();
    expect((a as unknown as string) + '').toBe(a.toString());
    expect(`${a}`).toBe(a.toString());
    expect(String(a)).toBe(a.toString());
    // A size-1 array in a 'default' context is a number.
    expect((array([5]) as unknown as string) + '').toBe('5');
  });

  it('Number() of a bigger (or empty) array throws ShapeError', () => {
    throws(() => Number(array([1, 2])), ShapeError, 'only size-1 arrays convert to a number; this one has shape (2,)');
    throws(() => +zeros([0]), ShapeError, 'shape (0,)');
    throws(() => array([1, 2]).valueOf(), ShapeError, 'only size-1');
    throws(() => (array([1, 2]) as unknown as number) * 2, ShapeError, 'only size-1');
    throws(() => (array([1, 2]) as unknown as number) < 3, ShapeError, 'only size-1');
  });
});
