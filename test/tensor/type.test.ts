/**
 * TensorType: construction (static shapes, broadcastable patterns),
 * equality, isSuper, printing, makeVariable, and every rule of `filter`.
 */
import { describe, it, expect } from 'vitest';
import { TensorType } from '../../src/tensor/type.js';
import { TensorVariable } from '../../src/tensor/variable.js';
import { array, zeros } from '../../src/ndarray/create.js';
import { NDArray } from '../../src/ndarray/ndarray.js';
import { DTYPES, type DType } from '../../src/ndarray/dtype.js';
import { DTypeError, ShapeError, ValueError, TheanoError } from '../../src/errors.js';

const t = (dtype: DType, shape: (number | null | boolean)[]) => new TensorType(dtype, shape);

describe('TensorType construction', () => {
  it('takes a static shape', () => {
    const ty = t('float32', [1, null, 3]);
    expect(ty.dtype).toBe('float32');
    expect(ty.shape).toEqual([1, null, 3]);
    expect(ty.ndim).toBe(3);
    expect(ty.broadcastable).toEqual([true, false, false]);
  });

  it("takes Theano's broadcastable booleans (true = static length 1)", () => {
    const ty = t('float64', [true, false]);
    expect(ty.shape).toEqual([1, null]);
    expect(ty.broadcastable).toEqual([true, false]);
    expect(ty.equals(t('float64', [1, null]))).toBe(true);
  });

  it('a scalar type has rank 0', () => {
    const ty = t('int32', []);
    expect(ty.ndim).toBe(0);
    expect(ty.broadcastable).toEqual([]);
  });

  it('freezes its shape', () => {
    const shape: (number | null)[] = [2, null];
    const ty = t('float64', shape);
    shape[0] = 7;
    expect(ty.shape).toEqual([2, null]);
    expect(Object.isFrozen(ty.shape)).toBe(true);
  });

  it('refuses unknown dtypes and bad static lengths', () => {
    expect(() => t('float16' as DType, [])).toThrow(DTypeError);
    expect(() => t('float16' as DType, [])).toThrow(/unknown dtype "float16"/);
    expect(() => t('float64', [-1])).toThrow(ShapeError);
    expect(() => t('float64', [1.5])).toThrow(/non-negative integers or null, got 1.5/);
    expect(() => t('float64', [NaN])).toThrow(ShapeError);
  });

  it('accepts every dtype', () => {
    for (const d of DTYPES) expect(t(d, [null]).dtype).toBe(d);
  });

  it('clone changes the given fields only', () => {
    const ty = t('float64', [1, null]);
    expect(ty.clone({ dtype: 'int8' }).equals(t('int8', [1, null]))).toBe(true);
    expect(ty.clone({ shape: [null] }).equals(t('float64', [null]))).toBe(true);
    expect(ty.clone().equals(ty)).toBe(true);
  });
});

describe('TensorType equality and isSuper', () => {
  it('equals compares dtype and static shape exactly', () => {
    expect(t('float64', [null, 2]).equals(t('float64', [null, 2]))).toBe(true);
    expect(t('float64', [null, 2]).equals(t('float32', [null, 2]))).toBe(false);
    expect(t('float64', [null, 2]).equals(t('float64', [null, null]))).toBe(false);
    expect(t('float64', [null, 2]).equals(t('float64', [null, 2, null]))).toBe(false);
    expect(t('float64', [null]).equals(t('float64', [null, null]))).toBe(false);
    expect(t('float64', []).equals(t('float64', []))).toBe(true);
    expect(t('float64', [1]).equals(t('float64', [null]))).toBe(false);
  });

  it('isSuper: every value of the other type is a value of this one', () => {
    const any = t('float64', [null, null]);
    const row = t('float64', [1, null]);
    const fixed = t('float64', [1, 3]);
    expect(any.isSuper(row)).toBe(true);
    expect(any.isSuper(fixed)).toBe(true);
    expect(row.isSuper(fixed)).toBe(true);
    expect(row.isSuper(any)).toBe(false);
    expect(fixed.isSuper(row)).toBe(false);
    expect(any.isSuper(any)).toBe(true);
    expect(any.isSuper(t('float32', [null, null]))).toBe(false);
    expect(any.isSuper(t('float64', [null]))).toBe(false);
  });
});

describe('TensorType printing', () => {
  it('toString shows dtype and static shape', () => {
    expect(String(t('float32', [1, null]))).toBe('TensorType(float32, (1, ?))');
    expect(String(t('int64', [null]))).toBe('TensorType(int64, (?,))');
    expect(String(t('float64', []))).toBe('TensorType(float64, ())');
    expect(String(t('bool', [2, 3, null]))).toBe('TensorType(bool, (2, 3, ?))');
  });

  it('describe names the rank', () => {
    expect(t('float32', [null, null]).describe()).toBe('a float32 matrix');
    expect(t('float64', []).describe()).toBe('a float64 scalar');
    expect(t('int8', [null]).describe()).toBe('an int8 vector');
    expect(t('uint16', []).describe()).toBe('a uint16 scalar');
    expect(t('bool', []).describe()).toBe('a bool scalar');
    expect(t('float64', [1, null]).describe()).toBe('a float64 matrix of static shape (1, ?)');
    expect(t('float64', [null, null, null, null, null, null]).describe()).toBe('a float64 6-d tensor');
  });
});

describe('TensorType.makeVariable', () => {
  it('returns a named TensorVariable of this type', () => {
    const ty = t('float32', [1, null]);
    const v = ty.makeVariable('w');
    expect(v).toBeInstanceOf(TensorVariable);
    expect(v.type).toBe(ty);
    expect(v.name).toBe('w');
    expect(v.owner).toBeNull();
    expect(v.dtype).toBe('float32');
    expect(v.ndim).toBe(2);
    expect(v.broadcastable).toEqual([true, false]);
    expect(v.staticShape).toEqual([1, null]);
    expect(ty.makeVariable().name).toBeNull();
  });
});

describe('TensorType.isValidValue', () => {
  it('needs an NDArray of this dtype and a fitting shape', () => {
    const ty = t('float64', [1, null]);
    expect(ty.isValidValue(zeros([1, 4]))).toBe(true);
    expect(ty.isValidValue(zeros([2, 4]))).toBe(false);
    expect(ty.isValidValue(zeros([4]))).toBe(false);
    expect(ty.isValidValue(zeros([1, 4], 'float32'))).toBe(false);
    expect(ty.isValidValue([[1, 2]])).toBe(false);
  });
});

describe('TensorType.filter: NDArrays and typed arrays (strongly typed)', () => {
  it('returns an NDArray of its own dtype as it is', () => {
    const a = array([1, 2, 3]);
    expect(t('float64', [null]).filter(a)).toBe(a);
  });

  it('converts dtypes that cast safely (numpy safe casting)', () => {
    const cases: [DType, DType][] = [
      ['int8', 'int16'],
      ['int16', 'float32'],
      ['int32', 'float64'],
      ['int64', 'float64'],
      ['uint8', 'int16'],
      ['uint32', 'int64'],
      ['bool', 'int8'],
      ['bool', 'float32'],
      ['float32', 'float64'],
    ];
    for (const [from, to] of cases) {
      const out = t(to, [null]).filter(array([1, 0, 1], { dtype: from }));
      expect(out.dtype, `${from} → ${to}`).toBe(to);
      expect(out.toArray()).toEqual([1, 0, 1]);
    }
  });

  it('refuses unsafe casts with a DTypeError that says how to fix it', () => {
    const cases: [DType, DType][] = [
      ['float64', 'float32'],
      ['float32', 'int64'],
      ['int32', 'float32'],
      ['int64', 'int32'],
      ['int8', 'uint8'],
      ['uint64', 'int64'],
      ['int8', 'bool'],
    ];
    for (const [from, to] of cases) {
      const run = () => t(to, [null]).filter(array([1, 2], { dtype: from }));
      expect(run, `${from} → ${to}`).toThrow(DTypeError);
      expect(run).toThrow(new RegExp(`converting ${from} to ${to} may lose information`));
      expect(run).toThrow(/astype\(|allowInputDowncast/);
    }
  });

  it('allowDowncast converts anyway (numpy astype: truncation, rounding)', () => {
    const out = t('int32', [null]).filter(array([1.7, -2.7]), { allowDowncast: true });
    expect(out.dtype).toBe('int32');
    expect(out.toArray()).toEqual([1, -2]);
    const f = t('float32', [null]).filter(array([0.1]), { allowDowncast: true });
    expect(f.dtype).toBe('float32');
    expect(f.get(0)).toBe(Math.fround(0.1));
  });

  it('typed arrays keep their dtype: a Float64Array is not float32 data', () => {
    const ty = t('float32', [null]);
    expect(() => ty.filter(new Float64Array([1, 2]))).toThrow(DTypeError);
    const ok = ty.filter(new Float32Array([1, 2]));
    expect(ok.dtype).toBe('float32');
    expect(ok.toArray()).toEqual([1, 2]);
    const up = t('float64', [null]).filter(new Int32Array([3, 4]));
    expect(up.dtype).toBe('float64');
    expect(up.toArray()).toEqual([3, 4]);
    expect(() => t('int16', [null]).filter(new Int32Array([1]))).toThrow(DTypeError);
    expect(t('int16', [null]).filter(new Int32Array([1]), { allowDowncast: true }).dtype).toBe('int16');
    expect(t('int16', [null]).filter(new Uint8Array([200])).toArray()).toEqual([200]);
  });

  it('strict accepts only NDArrays of exactly this dtype', () => {
    const ty = t('float64', [null]);
    const a = array([1, 2]);
    expect(ty.filter(a, { strict: true })).toBe(a);
    expect(() => ty.filter(array([1, 2], { dtype: 'float32' }), { strict: true })).toThrow(DTypeError);
    expect(() => ty.filter(array([1, 2], { dtype: 'float32' }), { strict: true })).toThrow(/strict/);
    expect(() => ty.filter([1, 2], { strict: true })).toThrow(DTypeError);
    expect(() => ty.filter(new Float64Array([1, 2]), { strict: true })).toThrow(DTypeError);
    expect(() => ty.filter(array([1, 2], { dtype: 'int8' }), { strict: true, allowDowncast: true })).toThrow(DTypeError);
    // strict still checks the shape.
    expect(() => ty.filter(array([[1]]), { strict: true })).toThrow(ShapeError);
  });
});

describe('TensorType.filter: JS numbers and nested arrays (weakly typed)', () => {
  it('any number becomes a float of a float type', () => {
    const f32 = t('float32', [null]).filter([0.1, 2, 1e40]);
    expect(f32.dtype).toBe('float32');
    expect(f32.get(0)).toBe(Math.fround(0.1));
    expect(f32.get(2)).toBe(Infinity);
    const s = t('float64', []).filter(2.5);
    expect(s.dtype).toBe('float64');
    expect(s.shape).toEqual([]);
    expect(Number(s)).toBe(2.5);
    expect(t('float64', []).filter(NaN).item()).toBeNaN();
    // A lone number is a 0-d array of the type's dtype, rounded as the dtype stores it.
    expect(t('float32', []).filter(0.1).item()).toBe(Math.fround(0.1));
    expect(t('float32', []).filter(1e40).item()).toBe(Infinity);
    expect(Object.is(t('int64', []).filter(-0).item(), 0)).toBe(true);
    expect(() => t('float64', [null]).filter(2.5)).toThrow(ShapeError);
  });

  it('booleans and bigints are numbers too', () => {
    expect(t('float64', [null]).filter([true, false]).toArray()).toEqual([1, 0]);
    expect(t('int8', []).filter(true).item()).toBe(1);
    expect(t('int64', []).filter(5n).item()).toBe(5);
    expect(t('bool', [null]).filter([1, 0]).toArray()).toEqual([true, false]);
  });

  it('integer types take integers in range', () => {
    const out = t('int8', [null]).filter([-128, 0, 127]);
    expect(out.dtype).toBe('int8');
    expect(out.toArray()).toEqual([-128, 0, 127]);
    expect(t('uint8', [null, null]).filter([[0, 255]]).toArray()).toEqual([[0, 255]]);
    expect(t('int32', []).filter(-7).item()).toBe(-7);
  });

  it('refuses non-integers and out-of-range numbers for integer types, naming the value and range', () => {
    expect(() => t('int32', [null]).filter([1, 2.5])).toThrow(DTypeError);
    expect(() => t('int32', [null]).filter([1, 2.5])).toThrow(/expected int32 values \(integers in \[-2147483648, 2147483647\]\), got 2.5/);
    expect(() => t('int8', []).filter(128)).toThrow(/got 128/);
    expect(() => t('uint8', []).filter(-1)).toThrow(/integers in \[0, 255\]/);
    expect(() => t('uint16', []).filter(NaN)).toThrow(DTypeError);
    expect(() => t('int64', []).filter(Infinity)).toThrow(DTypeError);
    expect(() => t('bool', []).filter(2)).toThrow(DTypeError);
    expect(() => t('int8', []).filter(300)).toThrow(/allowInputDowncast/);
  });

  it('allowDowncast converts such numbers (truncation, wrap-around)', () => {
    expect(t('int32', [null]).filter([1.9, -1.9], { allowDowncast: true }).toArray()).toEqual([1, -1]);
    expect(t('int8', []).filter(300, { allowDowncast: true }).item()).toBe(44);
    expect(t('uint8', []).filter(-1, { allowDowncast: true }).item()).toBe(255);
  });
});

describe('TensorType.filter: shapes', () => {
  it('refuses a rank mismatch with a ShapeError naming both', () => {
    const ty = t('float64', [null, null]);
    expect(() => ty.filter([1, 2, 3])).toThrow(ShapeError);
    expect(() => ty.filter([1, 2, 3])).toThrow(/expected a float64 matrix \(2 dimensions\), got a 1-d float64 array of shape \(3,\)/);
    expect(() => ty.filter(5)).toThrow(/got a 0-d float64 array of shape \(\)/);
    expect(() => t('float64', []).filter([1])).toThrow(/expected a float64 scalar \(0 dimensions\)/);
  });

  it('refuses a length differing from a static one, explaining broadcastable axes', () => {
    const row = t('float64', [1, null]);
    expect(row.filter([[1, 2, 3]]).shape).toEqual([1, 3]);
    expect(() => row.filter([[1], [2]])).toThrow(ShapeError);
    expect(() => row.filter([[1], [2]])).toThrow(/dimension 0 must have length 1, got 2 \(dimension 0 is broadcastable, so its length must be 1\)/);
    const fixed = t('float64', [null, 3]);
    expect(() => fixed.filter([[1, 2]])).toThrow(/of static shape \(\?, 3\), got a 2-d float64 array of shape \(1, 2\): dimension 1 must have length 3, got 2$/);
    expect(() => fixed.filter(zeros([2, 4]))).toThrow(ShapeError);
  });

  it('checks shapes of converted NDArrays and typed arrays too', () => {
    expect(() => t('float64', [2]).filter(new Float64Array([1, 2, 3]))).toThrow(ShapeError);
    expect(() => t('float64', [null, null]).filter(array([1, 2], { dtype: 'int8' }))).toThrow(ShapeError);
    expect(t('float64', [0]).filter([]).shape).toEqual([0]);
  });
});

describe('TensorType.filter: other values', () => {
  it('refuses strings, null, objects and ragged arrays with ValueError', () => {
    const ty = t('float64', [null]);
    expect(() => ty.filter('1,2')).toThrow(ValueError);
    expect(() => ty.filter('1,2')).toThrow(/expected a float64 vector, got string "1,2"/);
    expect(() => ty.filter(null)).toThrow(/got null/);
    expect(() => ty.filter(undefined)).toThrow(ValueError);
    expect(() => ty.filter({ length: 2 })).toThrow(ValueError);
    expect(() => ty.filter([1, [2]])).toThrow(ValueError);
    expect(() => ty.filter(['a'])).toThrow(ValueError);
  });

  it('all its errors are TheanoErrors', () => {
    const ty = t('int8', [2]);
    for (const bad of [[1, 2, 3], [1.5, 2], 'x', array([1, 2]), [[1, 2]]]) {
      expect(() => ty.filter(bad)).toThrow(TheanoError);
    }
  });

  it('returns NDArrays with their own storage for converted values', () => {
    const src = array([1, 2], { dtype: 'int8' });
    const out = t('float64', [null]).filter(src);
    expect(out).toBeInstanceOf(NDArray);
    expect(out.data).not.toBe(src.data);
  });
});
