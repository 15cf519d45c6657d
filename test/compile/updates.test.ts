/**
 * Updates of shared variables: values from before the call, compile-time
 * checks, atomicity when a call throws, default updates.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';

const T = th.tensor;

const values = (...vars: th.SharedVariable[]) => vars.map((v) => v.getValue().toArray());

describe('update semantics', () => {
  it('computes every update from the values before the call: swap in one call', () => {
    const a = th.shared([1, 2], 'a');
    const b = th.shared([3, 4], 'b');
    const swap = th.function([], [], { updates: [[a, b], [b, a]] });
    swap();
    expect(values(a, b)).toEqual([[3, 4], [1, 2]]);
    swap();
    expect(values(a, b)).toEqual([[1, 2], [3, 4]]);
    // After the swap the two variables do not share storage.
    expect(a.getValue({ borrow: true }).data).not.toBe(b.getValue({ borrow: true }).data);
  });

  it('outputs see the old values, updates depending on each other see old values too', () => {
    const a = th.shared(1, 'a', { dtype: 'int64' });
    const b = th.shared(10, 'b', { dtype: 'int64' });
    const f = th.function([], [a, b], { updates: [[a, a.add(b)], [b, a.mul(b)]] });
    expect(f().map(Number)).toEqual([1, 10]);
    expect(values(a, b)).toEqual([11, 10]);
    expect(f().map(Number)).toEqual([11, 10]);
    expect(values(a, b)).toEqual([21, 110]);
  });

  it('applies updates in place of the old value without touching arrays handed out before', () => {
    const s = th.shared([1, 2], 's');
    const before = s.getValue();
    const borrowed = s.getValue({ borrow: true });
    const f = th.function([], [], { updates: [[s, s.mul(10)]] });
    f();
    expect(before.toArray()).toEqual([1, 2]);
    expect(borrowed.toArray()).toEqual([1, 2]);
    expect(s.getValue().toArray()).toEqual([10, 20]);
  });

  it('several functions share one shared variable', () => {
    const s = th.shared(0, 's', { dtype: 'int32' });
    const i = T.iscalar('i');
    const inc = th.function([i], [], { updates: [[s, s.add(i)]] });
    const dbl = th.function([], s, { updates: [[s, s.mul(2)]] });
    const read = th.function([], s.add(0));
    inc(3);
    expect(Number(dbl())).toBe(3);
    inc(1);
    expect(Number(read())).toBe(7);
    expect(s.getValue().dtype).toBe('int32');
    s.setValue(100);
    expect(Number(dbl())).toBe(100);
    expect(Number(read())).toBe(200);
  });

  it('takes updates as a Map', () => {
    const a = th.shared(1.0, 'a');
    const b = th.shared(2.0, 'b');
    const f = th.function([], [], { updates: new Map<th.SharedVariable, th.tensor.TensorVariable>([[a, a.add(b)], [b, b.mul(3)]]) });
    f();
    expect(values(a, b)).toEqual([3, 6]);
    expect(f.maker.updated).toEqual([a, b]);
  });

  it('takes constant values and JS literals as update expressions', () => {
    const s = th.shared([1, 2], 's', { dtype: 'float32' });
    const reset = th.function([], [], { updates: [[s, [0, 0]]] });
    reset();
    expect(s.getValue().toArray()).toEqual([0, 0]);
    expect(s.getValue().dtype).toBe('float32');
    const t = th.shared(5, 't', { dtype: 'int64' });
    th.function([], [], { updates: [[t, 0]] })();
    expect(Number(t.getValue())).toBe(0);
    expect(t.getValue().dtype).toBe('int64');
  });

  it('two updates computing the same expression give two independent values', () => {
    const u = th.shared(0.0, 'u');
    const v = th.shared(0.0, 'v');
    const f = th.function([], [], { updates: [[u, u.add(1)], [v, u.add(1)]] });
    f();
    expect(values(u, v)).toEqual([1, 1]);
    expect(u.getValue({ borrow: true }).data).not.toBe(v.getValue({ borrow: true }).data);
  });

  it('an update equal to an input does not keep the caller’s array', () => {
    const s = th.shared([0, 0], 's');
    const x = T.dvector('x');
    const f = th.function([x], [], { updates: [[s, x]] });
    const arr = th.array([1, 2]);
    f(arr);
    arr.set([0], 100);
    expect(s.getValue().toArray()).toEqual([1, 2]);
  });

  it('the updated value is kept across calls (buffers of intermediates are not shared with it)', () => {
    const s = th.shared([1, 1], 's');
    const f = th.function([], s.sum(), { updates: [[s, s.mul(2).add(1)]] });
    const seen: number[][] = [];
    for (let k = 0; k < 4; k++) {
      f();
      seen.push(s.getValue().toArray() as number[]);
    }
    expect(seen).toEqual([[3, 3], [7, 7], [15, 15], [31, 31]]);
  });
});

describe('update errors at compile time', () => {
  it('a dtype mismatch is a CompileError naming the variable and suggesting astype', () => {
    const s = th.shared(th.array([1, 2], { dtype: 'float32' }), 'weights');
    const x = T.dvector('x');
    const compile = () => th.function([x], [], { updates: [[s, s.add(x)]], name: 'train' });
    expect(compile).toThrow(th.CompileError);
    expect(compile).toThrow(/train: .*'weights'.*float32.*float64.*astype\('float32'\)/);
    // The fix the message suggests works.
    const f = th.function([x], [], { updates: [[s, s.add(x).astype('float32')]] });
    f([1, 1]);
    expect(s.getValue().toArray()).toEqual([2, 3]);
    expect(s.getValue().dtype).toBe('float32');
  });

  it('an int64 shared variable refuses a float update', () => {
    const s = th.shared(0, 'count', { dtype: 'int64' });
    expect(() => th.function([], [], { updates: [[s, s.add(0.5)]] })).toThrow(/'count'.*int64.*astype\('int64'\)/);
  });

  it('an ndim mismatch is a CompileError', () => {
    const s = th.shared([1, 2], 'v');
    expect(() => th.function([], [], { updates: [[s, s.sum()]] })).toThrow(th.CompileError);
    expect(() => th.function([], [], { updates: [[s, s.sum()]] })).toThrow(/'v'.*0-d.*must be 1-d/);
    expect(() => th.function([], [], { updates: [[s, s.dimshuffle('x', 0)]] })).toThrow(/2-d.*must be 1-d/);
  });

  it('a static shape mismatch on a broadcastable axis is a CompileError', () => {
    const s = th.shared([[1, 2]], 'r', { broadcastable: [true, false] });
    expect(s.broadcastable).toEqual([true, false]);
    const c = T.constant(th.array([[1, 2], [3, 4]]));
    expect(() => th.function([], [], { updates: [[s, c]] })).toThrow(th.CompileError);
    expect(() => th.function([], [], { updates: [[s, c]] })).toThrow(/'r'.*axis 0 must have length 1/);
  });

  it('two updates of one variable are an error', () => {
    const s = th.shared(1.0, 's');
    expect(() => th.function([], [], { updates: [[s, s.add(1)], [s, s.add(2)]] })).toThrow(th.CompileError);
    expect(() => th.function([], [], { updates: [[s, s.add(1)], [s, s.add(2)]] })).toThrow(/'s' has two updates/);
  });

  it('an update target that is not shared is an error', () => {
    const x = T.dscalar('x');
    const compile = () => th.function([x], [], { updates: [[x as unknown as th.SharedVariable, x.add(1)]] });
    expect(compile).toThrow(th.CompileError);
    expect(compile).toThrow(/updates must target shared variables; 'x' is not one/);
    const c = T.constant(1.0);
    expect(() => th.function([], [], { updates: [[c as unknown as th.SharedVariable, c]] })).toThrow(th.CompileError);
  });

  it('a malformed pair or value is a CompileError', () => {
    const s = th.shared(1.0, 's');
    expect(() => th.function([], [], { updates: [[s] as never] })).toThrow(th.CompileError);
    expect(() => th.function([], [], { updates: [[s, 'one' as never]] })).toThrow(th.CompileError);
    expect(() => th.function([], [], { updates: [[s, 'one' as never]] })).toThrow(/update of 's'/);
    const t = th.shared(0, 't', { dtype: 'int64' });
    expect(() => th.function([], [], { updates: [[t, 0.5]] })).toThrow(th.CompileError);
    expect(() => th.function([], [], { updates: [[t, 0.5]] })).toThrow(/update of 't'.*int64/);
    expect(() => th.function([], [], { updates: [[t, [1, 2]]] })).toThrow(th.CompileError);
  });
});

describe('atomicity: a call that throws changes no shared variable', () => {
  it('a shape mismatch inside an op', () => {
    const a = th.shared([1, 2], 'a');
    const b = th.shared([10, 20], 'b');
    const x = T.dvector('x');
    // a's update is computed before the failing node in any order: it must not be committed.
    const f = th.function([x], a.sum(), { updates: [[a, a.add(1)], [b, b.add(x)]] });
    expect(() => f([1, 2, 3])).toThrow(th.ShapeError);
    expect(values(a, b)).toEqual([[1, 2], [10, 20]]);
    f([1, 1]);
    expect(values(a, b)).toEqual([[2, 3], [11, 21]]);
  });

  it('a failing output after the updates were computed', () => {
    const a = th.shared([1, 2], 'a');
    const x = T.dvector('x');
    const y = T.dvector('y');
    const f = th.function([x, y], x.add(y), { updates: [[a, a.mul(2)]] });
    expect(() => f([1], [1, 2])).toThrow(th.ShapeError);
    expect(a.getValue().toArray()).toEqual([1, 2]);
  });

  it('an update whose value has a wrong run-time shape for a broadcastable shared variable', () => {
    const r = th.shared([[1, 2]], 'r', { broadcastable: [true, false] });
    const other = th.shared(5.0, 'other');
    const m = T.dmatrix('m');
    const f = th.function([m], r.sum(), { updates: [[other, other.add(1)], [r, r.add(m)]], name: 'step' });
    expect(() => f([[1, 1], [2, 2]])).toThrow(th.ShapeError);
    expect(() => f([[1, 1], [2, 2]])).toThrow(/step: the update of shared variable 'r'.*\(2, 2\).*broadcastable/);
    expect(r.getValue().toArray()).toEqual([[1, 2]]);
    expect(Number(other.getValue())).toBe(5);
    // A value of the right shape is fine.
    expect(Number(f([[1, 1]]))).toBe(3);
    expect(r.getValue().toArray()).toEqual([[2, 3]]);
    expect(Number(other.getValue())).toBe(6);
  });

  it('a bad argument', () => {
    const a = th.shared(1.0, 'a');
    const x = T.dscalar('x');
    const f = th.function([x], [], { updates: [[a, a.add(x)]] });
    expect(() => f('two')).toThrow(th.ValueError);
    expect(() => f()).toThrow(th.InputError);
    expect(Number(a.getValue())).toBe(1);
  });

  it('later calls still work and reuse nothing of the failed one', () => {
    const a = th.shared([1, 2], 'a');
    const x = T.dvector('x');
    const f = th.function([x], a.mul(x), { updates: [[a, a.add(x)]] });
    expect(f([1, 1]).toArray()).toEqual([1, 2]);
    expect(() => f([1, 1, 1])).toThrow(th.ShapeError);
    expect(f([2, 2]).toArray()).toEqual([4, 6]);
    expect(a.getValue().toArray()).toEqual([4, 5]);
  });
});

describe('default updates', () => {
  it('applies a shared variable’s defaultUpdate in every function that uses it', () => {
    const counter = th.shared(0, 'counter', { dtype: 'int64' });
    counter.defaultUpdate = counter.add(1);
    const x = T.dscalar('x');
    const f = th.function([x], x.add(counter));
    expect(Number(f(10))).toBe(10);
    expect(Number(f(10))).toBe(11);
    expect(Number(counter.getValue())).toBe(2);
    expect(f.maker.updated).toEqual([counter]);
    // A function that does not use it does not update it.
    const g = th.function([x], x.mul(2));
    g(1);
    expect(Number(counter.getValue())).toBe(2);
    expect(g.maker.updated).toEqual([]);
  });

  it('an explicit update overrides the default one', () => {
    const s = th.shared(0, 's', { dtype: 'int64' });
    s.defaultUpdate = s.add(1);
    const f = th.function([], s, { updates: [[s, s.add(100)]] });
    f();
    expect(Number(s.getValue())).toBe(100);
  });

  it('is skipped with noDefaultUpdates: true', () => {
    const s = th.shared(0, 's', { dtype: 'int64' });
    s.defaultUpdate = s.add(1);
    const f = th.function([], s.mul(1), { noDefaultUpdates: true });
    f();
    f();
    expect(Number(s.getValue())).toBe(0);
    expect(f.maker.updated).toEqual([]);
  });

  it('is skipped for the variables listed in noDefaultUpdates', () => {
    const a = th.shared(0, 'a', { dtype: 'int64' });
    const b = th.shared(0, 'b', { dtype: 'int64' });
    a.defaultUpdate = a.add(1);
    b.defaultUpdate = b.add(10);
    const f = th.function([], a.add(b), { noDefaultUpdates: [a] });
    f();
    expect([Number(a.getValue()), Number(b.getValue())]).toEqual([0, 10]);
    const g = th.function([], a.add(b), { noDefaultUpdates: false });
    g();
    expect([Number(a.getValue()), Number(b.getValue())]).toEqual([1, 20]);
  });

  it('follows default updates that use other shared variables with default updates', () => {
    const step = th.shared(1, 'step', { dtype: 'int64' });
    const pos = th.shared(0, 'pos', { dtype: 'int64' });
    step.defaultUpdate = step.mul(2);
    pos.defaultUpdate = pos.add(step);
    const f = th.function([], pos.add(0));
    f();
    f();
    // pos: 0 → 1 → 3; step: 1 → 2 → 4.
    expect([Number(pos.getValue()), Number(step.getValue())]).toEqual([3, 4]);
  });

  it('a default update of the wrong dtype is a CompileError', () => {
    const s = th.shared(0, 's', { dtype: 'int32' });
    s.defaultUpdate = s.add(0.5);
    expect(() => th.function([], s.add(0))).toThrow(th.CompileError);
    expect(() => th.function([], s.add(0))).toThrow(/'s'.*astype\('int32'\)/);
  });

  it('is not applied when givens replace the variable (the function never reads it)', () => {
    const r = th.shared(0.0, 'r');
    r.defaultUpdate = r.add(1);
    const q = T.dscalar('q');
    const f = th.function([q], r.mul(2), { givens: [[r, q]] });
    expect(Number(f(3))).toBe(6);
    expect(Number(r.getValue())).toBe(0);
    expect(f.maker.updated).toEqual([]);
  });
});
