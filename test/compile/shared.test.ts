/**
 * Shared variables on their own: types from values and options, getValue /
 * setValue copies and checks, borrow.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';

const T = th.tensor;

describe('th.shared', () => {
  it('takes its type from the value: dtype and rank, no broadcastable axes', () => {
    expect(String(th.shared(1).type)).toBe('TensorType(float64, ())');
    expect(String(th.shared([true, false]).type)).toBe('TensorType(bool, (?,))');
    expect(String(th.shared(new Int16Array([1, 2])).type)).toBe('TensorType(int16, (?,))');
    expect(String(th.shared(th.array([[1]], { dtype: 'float32' })).type)).toBe('TensorType(float32, (?, ?))');
    expect(th.shared([[1, 2]]).broadcastable).toEqual([false, false]);
  });

  it('takes dtype and broadcastable options', () => {
    const s = th.shared([[1, 2]], 'r', { dtype: 'float32', broadcastable: [true, false] });
    expect(s.dtype).toBe('float32');
    expect(s.broadcastable).toEqual([true, false]);
    expect(s.getValue().dtype).toBe('float32');
    expect(() => th.shared([[1, 2], [3, 4]], 'r', { broadcastable: [true, false] })).toThrow(th.ShapeError);
    expect(() => th.shared([[1, 2]], 'r', { broadcastable: [true] })).toThrow(/broadcastable has 1 entries for a 2-d value/);
  });

  it('a broadcastable shared variable broadcasts in expressions', () => {
    const r = th.shared([[1, 2]], 'r', { broadcastable: [true, false] });
    const m = T.dmatrix('m');
    const f = th.function([m], m.add(r));
    expect(f([[0, 0], [10, 10]]).toArray()).toEqual([[1, 2], [11, 12]]);
  });

  it('copies the value unless borrow is given', () => {
    const a = th.array([1, 2]);
    const copied = th.shared(a, 'c');
    a.set([0], 100);
    expect(copied.getValue().toArray()).toEqual([1, 2]);
    const b = th.array([1, 2]);
    const borrowed = th.shared(b, 'b', { borrow: true });
    expect(borrowed.getValue({ borrow: true })).toBe(b);
  });

  it('names: given, or a description of the type', () => {
    expect(String(th.shared(1, 'w'))).toBe('w');
    expect(th.shared(1, 'w').name).toBe('w');
    expect(String(th.shared(1))).toBe('<SharedVariable TensorType(float64, ())>');
  });
});

describe('setValue', () => {
  it('converts JS values to the variable’s dtype', () => {
    const s = th.shared([1, 2], 's', { dtype: 'float32' });
    s.setValue([0.1, 0.2]);
    expect(s.getValue().dtype).toBe('float32');
    expect(s.getValue().toArray()).toEqual([Math.fround(0.1), Math.fround(0.2)]);
    const i = th.shared(0, 'i', { dtype: 'int32' });
    i.setValue(7);
    expect(Number(i.getValue())).toBe(7);
    expect(() => i.setValue(7.5)).toThrow(th.DTypeError);
  });

  it('refuses a value of another rank, a bad broadcastable length, or a non-numeric value', () => {
    const s = th.shared([1, 2], 's');
    expect(() => s.setValue([[1]])).toThrow(th.ShapeError);
    expect(() => s.setValue([[1]])).toThrow(/setValue of shared variable s: expected a float64 vector/);
    expect(() => s.setValue('x' as never)).toThrow(th.ValueError);
    const r = th.shared([[1, 2]], 'r', { broadcastable: [true, false] });
    expect(() => r.setValue([[1, 2], [3, 4]])).toThrow(/dimension 0 is broadcastable/);
    r.setValue([[5, 6, 7]]);
    expect(r.getValue().toArray()).toEqual([[5, 6, 7]]);
    // A refused value leaves the old one.
    expect(s.getValue().toArray()).toEqual([1, 2]);
  });

  it('refuses a lossy dtype conversion unless allowDowncast', () => {
    const s = th.shared([1, 2], 's', { dtype: 'float32' });
    expect(() => s.setValue(th.array([1.1, 2]))).toThrow(th.DTypeError);
    const d = th.shared([1, 2], 'd', { dtype: 'float32', allowDowncast: true });
    d.setValue(th.array([1.1, 2]));
    expect(d.getValue().toArray()).toEqual([Math.fround(1.1), 2]);
    expect(d.getValue().dtype).toBe('float32');
    // Safe conversions are fine without it.
    const w = th.shared([1, 2], 'w');
    w.setValue(th.array([1, 2], { dtype: 'int16' }));
    expect(w.getValue().dtype).toBe('float64');
  });

  it('strict accepts only arrays of exactly its dtype', () => {
    const s = th.shared([1, 2], 's', { strict: true });
    expect(() => s.setValue([3, 4])).toThrow(th.DTypeError);
    expect(() => s.setValue(th.array([3, 4], { dtype: 'float32' }))).toThrow(th.DTypeError);
    s.setValue(th.array([3, 4]));
    expect(s.getValue().toArray()).toEqual([3, 4]);
  });

  it('copies unless borrow, and functions see the new value', () => {
    const s = th.shared([1, 2], 's');
    const f = th.function([], s.mul(2));
    const a = th.array([5, 6]);
    s.setValue(a);
    a.set([0], 100);
    expect(f().toArray()).toEqual([10, 12]);
    s.setValue(a, { borrow: true });
    expect(s.getValue({ borrow: true })).toBe(a);
    expect(f().toArray()).toEqual([200, 12]);
  });
});
