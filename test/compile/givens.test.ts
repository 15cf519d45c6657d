/**
 * givens: substituting variables of the graph before compiling.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';

const T = th.tensor;

describe('givens', () => {
  it('replaces a variable by another expression', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const z = x.mul(2);
    const f = th.function([y], z, { givens: [[x, y.add(1)]] });
    expect(f([1, 2]).toArray()).toEqual([4, 6]);
    // The user's graph is unchanged: z still depends on x.
    expect(z.owner!.inputs[0]).toBe(x);
    expect(th.function([x], z)([1, 2]).toArray()).toEqual([2, 4]);
  });

  it('replaces an intermediate variable', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const z = x.mul(2);
    const f = th.function([y], z.add(1), { givens: [[z, y]] });
    expect(f([1, 2]).toArray()).toEqual([2, 3]);
  });

  it('replaces a variable by a shared variable (a minibatch of a dataset)', () => {
    const data = th.shared(th.array([[1, 2], [3, 4], [5, 6]]), 'data');
    const x = T.dmatrix('x');
    const f = th.function([], x.sum(1), { givens: [[x, data]] });
    expect(f().toArray()).toEqual([3, 7, 11]);
    expect(f.maker.sharedInputs).toEqual([data]);
    data.setValue([[10, 10]]);
    expect(f().toArray()).toEqual([20]);
  });

  it('replaces a shared variable by an input, to feed its value', () => {
    const w = th.shared([1, 2], 'w');
    const v = T.dvector('v');
    const f = th.function([v], w.mul(2), { givens: [[w, v]] });
    expect(f([5, 6]).toArray()).toEqual([10, 12]);
    expect(f.maker.sharedInputs).toEqual([]);
  });

  it('replaces a variable by a constant value, which takes the variable’s type', () => {
    const x = T.fvector('x');
    const y = T.fvector('y');
    const f = th.function([y], x.add(y), { givens: [[x, [1, 2]]] });
    const out = f([10, 20]);
    expect(out.toArray()).toEqual([11, 22]);
    expect(out.dtype).toBe('float32');
    const g = th.function([y], x.add(y), { givens: new Map([[x, th.array([1, 1], { dtype: 'float32' })]]) });
    expect(g([1, 2]).toArray()).toEqual([2, 3]);
  });

  it('refuses a constant value that does not fit the variable’s type', () => {
    const x = T.dvector('x');
    expect(() => th.function([], x.mul(2), { givens: [[x, [[1], [2]]]] })).toThrow(th.CompileError);
    expect(() => th.function([], x.mul(2), { givens: [[x, [[1], [2]]]] })).toThrow(/givens: the value given for 'x' does not fit/);
    const i = T.ivector('i');
    expect(() => th.function([], i.mul(2), { givens: [[i, [0.5]]] })).toThrow(th.CompileError);
  });

  it('replacing a function input is an error', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    expect(() => th.function([x], x.mul(2), { givens: [[x, y]] })).toThrow(th.CompileError);
    expect(() => th.function([x], x.mul(2), { givens: [[x, y]] })).toThrow(/givens replaces 'x', which is an input of the function/);
  });

  it('replacing one variable twice, or a non-variable, is an error', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    expect(() => th.function([y], x.mul(2), { givens: [[x, y], [x, y]] })).toThrow(/givens replaces 'x' twice/);
    expect(() => th.function([y], x.mul(2), { givens: [[1 as never, y]] })).toThrow(th.CompileError);
    expect(() => th.function([y], x.mul(2), { givens: [[x, 'y' as never]] })).toThrow(th.CompileError);
  });

  it('a replacement of another type is a CompileError naming both types', () => {
    const x = T.fvector('x');
    const d = T.dvector('d');
    const compile = () => th.function([d], x.mul(2), { givens: [[x, d]] });
    expect(compile).toThrow(th.CompileError);
    expect(compile).toThrow(/'x' of type TensorType\(float32, \(\?,\)\).*TensorType\(float64, \(\?,\)\).*rebuildStrict: false/);
    // A different rank, or a different broadcastable pattern, as well.
    const m = T.dmatrix('m');
    expect(() => th.function([m], T.dvector('v').mul(2), { givens: [[T.dvector('v'), m]] })).toThrow(th.CompileError);
    const r = T.drow('r');
    const mm = T.dmatrix('mm');
    expect(() => th.function([mm], r.add(1), { givens: [[r, mm]] })).toThrow(th.CompileError);
  });

  it('rebuildStrict: false rebuilds the graph for the new type', () => {
    const x = T.fvector('x');
    const d = T.dvector('d');
    const z = x.mul(2).add(x);
    expect(z.dtype).toBe('float32');
    const f = th.function([d], z, { givens: [[x, d]], rebuildStrict: false });
    const out = f([1, 0.1]);
    expect(out.dtype).toBe('float64');
    expect(out.toArray()).toEqual([3, 0.1 * 2 + 0.1]);
    // float32 would have rounded 0.1.
    expect(out.get(1)).not.toBe(Math.fround(Math.fround(0.1) * 2 + Math.fround(0.1)));
  });

  it('rebuildStrict: false still fails when the op refuses the new type', () => {
    const x = T.dvector('x');
    const w = T.dvector('w');
    const m = T.dmatrix('m');
    // dot(vector, vector) rebuilt as dot(matrix, vector): accepted, output rank changes.
    const f = th.function([m, w], T.dot(x, w), { givens: [[x, m]], rebuildStrict: false });
    expect(f([[1, 2], [3, 4]], [1, 1]).toArray()).toEqual([3, 7]);
    // A bool replacement for sub, which refuses two bools.
    const a = T.dvector('a');
    const b = T.bvector('b').astype('bool');
    const c = T.tensor('bool', [false], 'c');
    expect(() => th.function([c], a.sub(b), { givens: [[a, c]], rebuildStrict: false })).toThrow(th.DTypeError);
  });

  it('applies inside update expressions', () => {
    const s = th.shared(0.0, 's');
    const step = T.dscalar('step');
    const lr = T.dscalar('lr');
    const f = th.function([step], s, { updates: [[s, s.add(step.mul(lr))]], givens: [[lr, T.constant(0.5, null, 'float64')]] });
    expect(Number(f(4))).toBe(0);
    expect(Number(s.getValue())).toBe(2);
    // A givens value replacing a variable used only by an update.
    const g = th.function([], [], { updates: [[s, s.add(lr)]], givens: [[lr, 10]] });
    g();
    expect(Number(s.getValue())).toBe(12);
  });

  it('an update whose type changes under a non-strict rebuild is a CompileError at compile time', () => {
    const s = th.shared(th.array([1, 2], { dtype: 'float32' }), 's');
    const v = T.fvector('v');
    const d = T.dvector('d');
    const compile = () => th.function([d], [], { updates: [[s, s.add(v)]], givens: [[v, d]], rebuildStrict: false });
    expect(compile).toThrow(th.CompileError);
    expect(compile).toThrow(/'s'.*float64.*astype\('float32'\)/);
  });

  it('a replacement that needs a variable not given is a MissingInputError naming the output', () => {
    const x = T.dvector('x');
    const m = T.dmatrix('m');
    const compile = () => th.function([], x.mul(2), { givens: [[x, m]], rebuildStrict: false });
    expect(compile).toThrow(th.MissingInputError);
    expect(compile).toThrow(/output 0 depends on 'm'/);
  });

  it('replacement values can use shared variables with default updates', () => {
    const counter = th.shared(0, 'counter', { dtype: 'int64' });
    counter.defaultUpdate = counter.add(1);
    const x = T.lscalar('x');
    const f = th.function([], x.mul(10), { givens: [[x, counter]] });
    expect(Number(f())).toBe(0);
    expect(Number(f())).toBe(10);
    expect(Number(counter.getValue())).toBe(2);
  });
});
