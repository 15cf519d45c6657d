/**
 * In-place elementwise work: which nodes may overwrite an input, and that
 * doing so never changes a result, a caller's array or a shared value.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as th from '../../src/index.js';
import type { Apply } from '../../src/graph/apply.js';
import type { CompiledFunction } from '../../src/compile/function.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';
import type { TensorVariable } from '../../src/tensor/variable.js';

const T = th.tensor;
const unfused = new th.Mode({ excluding: ['fusion'] });
const noInplace = new th.Mode({ excluding: ['inplace'] });

const destroyers = (f: CompiledFunction<unknown>): Apply[] =>
  [...f.maker.fgraph.applyNodes].filter((n) => Object.keys(n.op.destroyMap).length > 0);

describe('which nodes work in place', () => {
  it('an elementwise op overwrites an intermediate only it reads', () => {
    const x = T.dvector('x');
    const f = th.function([x], T.exp(x).add(1), { mode: unfused });
    const d = destroyers(f);
    expect(d).toHaveLength(1);
    expect(String(d[0]!.op)).toBe('Elemwise{add,inplace0}');
    expect(f([0, 1]).toArray()).toEqual([2, Math.E + 1]);
  });

  it('never overwrites a function input, a constant or a shared variable', () => {
    const x = T.dvector('x');
    const s = th.shared(th.array([1, 2]), 's');
    const f = th.function([x], [x.add(1), s.mul(2), T.constant(th.array([1, 2])).sub(x)], { mode: unfused });
    expect(destroyers(f)).toHaveLength(0);
  });

  it('never overwrites a value read twice, read elsewhere, or returned', () => {
    const x = T.dvector('x');
    const e = T.exp(x);
    expect(destroyers(th.function([x], T.arctan2(e, e), { mode: unfused }))).toHaveLength(0);
    expect(destroyers(th.function([x], [e.add(1), e.mul(3)], { mode: unfused }))).toHaveLength(0);
    expect(destroyers(th.function([x], [e, e.add(1)], { mode: unfused }))).toHaveLength(0);
  });

  it('never overwrites a view (a transposed value shares its buffer)', () => {
    const m = T.dmatrix('m');
    const f = th.function([m], T.exp(m).T.add(1), { mode: unfused });
    expect(destroyers(f).filter((n) => n.inputs.some((i) => i.owner?.op.name === 'DimShuffle'))).toHaveLength(0);
    expect(f([[0, 1]]).toArray()).toEqual([[2], [Math.E + 1]]);
  });

  it('fused kernels work in place too', () => {
    const x = T.dmatrix('x');
    const w = T.dmatrix('w');
    const f = th.function([x, w], T.tanh(T.dot(x, w)).mul(2).add(1));
    const d = destroyers(f);
    expect(d).toHaveLength(1);
    expect(String(d[0]!.op)).toContain('inplace0');
    const g = th.function([x, w], T.tanh(T.dot(x, w)).mul(2).add(1), { mode: noInplace });
    const args = [[[1, 2], [3, 4]], [[0.1, -0.2], [0.3, 0.05]]];
    expect(f(...args).toArray()).toEqual(g(...args).toArray());
  });

  it("runs after the final merge: two merged values never get two overwriting readers (the logistic-regression gradient)", () => {
    const [x, y, w, b] = [T.matrix('x'), T.vector('y'), T.vector('w'), T.scalar('b')];
    const p1 = T.trueDiv(1, T.add(1, T.exp(T.dot(x, w).neg().sub(b))));
    const xent = y.neg().mul(T.log(p1)).sub(T.sub(1, y).mul(T.log(T.sub(1, p1))));
    const cost = xent.mean().add(T.mul(0.01, w.pow(2).sum()));
    const [gw, gb] = T.grad(cost, [w, b]);
    const X = Array.from({ length: 40 }, (_, i) => Array.from({ length: 7 }, (_, j) => Math.sin(i * 7 + j) * 1.5));
    const Y = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const W = [0.3, -0.2, 0.1, 0.5, -0.4, 0.2, 0.05];
    const outs = [cost, gw!, gb!, xent];
    const want = th.function([x, y, w, b], outs, { mode: unfused.withExcluding('inplace') })(X, Y, W, 0.125) as NDArray[];
    for (const mode of [unfused, new th.Mode(), new th.Mode({ linker: 'vm' })]) {
      const f = th.function([x, y, w, b], outs, { mode });
      const got = f(X, Y, W, 0.125) as NDArray[];
      // Each buffer is overwritten by at most one node.
      const destroyed = destroyers(f).map((n) => n.inputs[n.op.destroyMap[0]![0]!]!);
      expect(new Set(destroyed).size).toBe(destroyed.length);
      got.forEach((v, i) => expect(Array.from(v.data)).toEqual(Array.from(want[i]!.data)));
    }
  });
});

describe('in-place results', () => {
  it('equal the graph without in-place work, and leave the caller arrays alone (random graphs)', () => {
    const unary = [T.exp, T.tanh, T.neg, T.abs, T.sigmoid] as const;
    const binary = [T.add, T.sub, T.mul, T.maximum] as const;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(8), fc.nat(8), fc.nat(4)), { minLength: 1, maxLength: 8 }),
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 6, maxLength: 6 }),
        (steps, values) => {
          const a = T.dmatrix('a');
          const b = T.drow('b');
          const pool: TensorVariable[] = [a, b];
          for (const [i, j, k] of steps) {
            const u = pool[i % pool.length]!;
            const v = pool[j % pool.length]!;
            pool.push(k < 2 ? unary[(i + j) % unary.length]!(u) : binary[k % binary.length]!(u, v));
          }
          const out = pool[pool.length - 1]!;
          const A = th.array(values, { shape: [2, 3] });
          const B = th.array(values.slice(0, 3), { shape: [1, 3] });
          const before = [Array.from(A.data), Array.from(B.data)];
          for (const mode of [unfused, new th.Mode()]) {
            const got = th.function([a, b], out, { mode, onUnusedInput: 'ignore' })(A, B);
            const want = th.function([a, b], out, { mode: mode.withExcluding('inplace'), onUnusedInput: 'ignore' })(A, B);
            expect(Array.from(got.data)).toEqual(Array.from(want.data));
          }
          expect([Array.from(A.data), Array.from(B.data)]).toEqual(before);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('DebugMode accepts in-place nodes (their destroyed inputs are declared)', () => {
    const x = T.dvector('x');
    const w = T.dvector('w');
    const y = T.exp(x.mul(w)).add(1).mul(T.tanh(w.sub(x)));
    const f = th.function([x, w], y, { mode: new th.Mode({ debug: true, excluding: ['fusion'] }) });
    expect(destroyers(f).length).toBeGreaterThan(0);
    const g = th.function([x, w], y, { mode: noInplace });
    expect(f([1, 2], [0.5, -1]).toArray()).toEqual(g([1, 2], [0.5, -1]).toArray());
  });

  it('repeated calls stay right while buffers are handed out and reused', () => {
    const x = T.dvector('x');
    const f = th.function([x], [T.exp(x).add(1), T.exp(x).mul(3).sum()], { mode: unfused });
    const first = f([0, 1]);
    const second = f([1, 2]);
    expect(first[0]!.toArray()).toEqual([2, Math.E + 1]);
    expect(second[0]!.toArray()).toEqual([Math.E + 1, Math.exp(2) + 1]);
  });
});

describe('in-place updates of shared variables and mutable inputs', () => {
  const logreg = (mode: th.Mode) => {
    const x = T.matrix('x');
    const y = T.vector('y');
    const w = th.shared(th.array([0.3, -0.2, 0.1]), 'w');
    const b = th.shared(0, 'b');
    const p1 = T.trueDiv(1, T.add(1, T.exp(T.dot(x, w).neg().sub(b))));
    const xent = y.neg().mul(T.log(p1)).sub(T.sub(1, y).mul(T.log(T.sub(1, p1))));
    const cost = xent.mean().add(T.mul(0.01, w.pow(2).sum()));
    const [gw, gb] = T.grad(cost, [w, b]);
    const train = th.function([x, y], [p1.gt(0.5), xent], { updates: [[w, w.sub(gw!.mul(0.1))], [b, b.sub(gb!.mul(0.1))]], mode });
    return { train, w, b };
  };
  const X = th.array(Array.from({ length: 10 }, (_, i) => Array.from({ length: 3 }, (_, j) => Math.sin(i * 3 + j))), { dtype: 'float32' });
  const Y = th.array(Array.from({ length: 10 }, (_, i) => i % 2), { dtype: 'float32' });

  it('the logistic-regression step updates w in place, with the results of the graph without in-place work', () => {
    for (const mode of [new th.Mode(), new th.Mode({ linker: 'vm' }), unfused]) {
      const a = logreg(mode);
      const ref = logreg(mode.withExcluding('inplace'));
      const d = destroyers(a.train).map((n) => n.inputs[n.op.destroyMap[0]![0]!]);
      expect(d).toContain(a.w);
      expect(destroyers(ref.train)).toHaveLength(0);
      const storage = a.w.getValue({ borrow: true }).data;
      for (let i = 0; i < 5; i++) {
        const got = a.train(X, Y) as NDArray[];
        const want = ref.train(X, Y) as NDArray[];
        got.forEach((v, k) => expect(Array.from(v.data)).toEqual(Array.from(want[k]!.data)));
        expect(Array.from(a.w.getValue().data)).toEqual(Array.from(ref.w.getValue().data));
        expect(Number(a.b.getValue())).toBe(Number(ref.b.getValue()));
      }
      // The borrowed storage was updated on a copy once; from then on w keeps one buffer.
      expect(a.w.container.value.data).not.toBe(storage);
      const kept = a.w.container.value.data;
      a.train(X, Y);
      ref.train(X, Y);
      expect(a.w.container.value.data).toBe(kept);
      expect(Array.from(a.w.getValue().data)).toEqual(Array.from(ref.w.getValue().data));
      expect(X.toArray()).toEqual(th.array(Array.from({ length: 10 }, (_, i) => Array.from({ length: 3 }, (_, j) => Math.sin(i * 3 + j))), { dtype: 'float32' }).toArray());
    }
  });

  it('a large shared vector update reuses its own storage', () => {
    const w = th.shared(th.array(new Float64Array(1000).fill(1)), 'w');
    const g = T.dvector('g');
    const f = th.function([g], [], { updates: [[w, w.sub(g.mul(0.1))]] });
    f(new Float64Array(1000).fill(2));
    const storage = w.container.value.data;
    f(new Float64Array(1000).fill(2));
    expect(w.container.value.data).toBe(storage);
    expect(w.getValue().data[0]).toBeCloseTo(0.6);
  });

  it('never overwrites a non-mutable input, a constant, or a shared variable outside its update', () => {
    const x = T.dvector('x');
    const s = th.shared(th.array([1, 2]), 's');
    const t = th.shared(th.array([3, 4]), 't');
    const f = th.function([x], [x.add(1), s.mul(2)], { updates: [[t, s.add(t)]] });
    const d = destroyers(f).map((n) => n.inputs[n.op.destroyMap[0]![0]!]);
    expect(d).not.toContain(x);
    expect(d).not.toContain(s);
    const X = th.array([5, 6]);
    f(X);
    expect(X.toArray()).toEqual([5, 6]);
    expect(s.getValue().toArray()).toEqual([1, 2]);
    expect(t.getValue().toArray()).toEqual([4, 6]);
    // s is returned (s.mul(2) reads it) and its update is not s's: never in place; returning s itself refuses too.
    const g = th.function([], [s], { updates: [[s, s.mul(3)]] });
    expect(destroyers(g)).toHaveLength(0);
    expect(g()[0]!.toArray()).toEqual([1, 2]);
  });

  it('overwrites a mutable input only when asked', () => {
    const x = T.dvector('x');
    const f = th.function([new th.In(x, { mutable: true })], T.exp(x).add(1), { mode: unfused });
    expect(destroyers(f).some((n) => n.inputs.includes(x))).toBe(true);
    const X = th.array([0, 1]);
    expect(f(X).toArray()).toEqual([2, Math.E + 1]);
    const g = th.function([x], T.exp(x).add(1), { mode: unfused });
    expect(destroyers(g).some((n) => n.inputs.includes(x))).toBe(false);
  });

  it('a call that throws leaves shared values unchanged (also in DebugMode)', () => {
    for (const mode of [new th.Mode(), new th.Mode({ linker: 'vm' }), new th.Mode({ debug: true })]) {
      const s = th.shared(th.array([1, 2]), 's');
      const x = T.dvector('x');
      const y = T.dvector('y');
      const f = th.function([x, y], x.add(y), { updates: [[s, s.mul(2).add(1)]], mode });
      expect(destroyers(f).some((n) => n.inputs.includes(s))).toBe(true);
      expect(() => f([1], [1, 2])).toThrow();
      expect(s.getValue().toArray()).toEqual([1, 2]);
      const g = th.function([x], [], { updates: [[s, s.add(x)]], mode });
      expect(() => g([1, 2, 3])).toThrow();
      expect(s.getValue().toArray()).toEqual([1, 2]);
      g([1, 1]);
      expect(s.getValue().toArray()).toEqual([2, 3]);
    }
  });

  it('DebugMode passes on in-place shared updates', () => {
    const a = logreg(new th.Mode({ debug: true }));
    const ref = logreg(noInplace);
    for (let i = 0; i < 3; i++) {
      a.train(X, Y);
      ref.train(X, Y);
    }
    expect(Array.from(a.w.getValue().data)).toEqual(Array.from(ref.w.getValue().data));
  });
});

describe('in-place shared updates on random graphs', () => {
  it('give the values of the unrewritten graph, call after call, and leave caller arrays alone', () => {
    const unary = [T.exp, T.tanh, T.neg, T.sigmoid] as const;
    const binary = [T.add, T.sub, T.mul, T.maximum] as const;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(9), fc.nat(9), fc.nat(4)), { minLength: 1, maxLength: 7 }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 6, maxLength: 6 }),
        fc.nat(3),
        (steps, values, variant) => {
          const run = (mode: th.Mode) => {
            const s = th.shared(th.array(values, { shape: [2, 3] }), 's');
            const t = th.shared(th.array(values.slice(0, 3), { shape: [3] }), 't');
            const a = T.dmatrix('a');
            const pool: TensorVariable[] = [a, s, t, s.T.T, s.mul(0.5)];
            for (const [i, j, k] of steps) {
              const u = pool[i % pool.length]!;
              const v = pool[j % pool.length]!;
              pool.push(k < 2 ? unary[(i + j) % unary.length]!(u) : binary[k % binary.length]!(u, v));
            }
            const last = pool[pool.length - 1]!;
            const outs = variant === 0 ? [last] : variant === 1 ? [last, s.sum()] : [];
            const updates: [th.SharedVariable, TensorVariable][] = [[s, s.add(last.mul(0.25)).add(a.mul(0.0))], [t, t.mul(0.5).add(s.sum(0))]];
            const f = th.function([new th.In(a, { mutable: variant === 3 })], outs, { mode, updates, onUnusedInput: 'ignore' });
            const A = th.array(values.map((x) => x * 2), { shape: [2, 3] });
            const results: number[][] = [];
            for (let call = 0; call < 3; call++) {
              const argument = variant === 3 ? A.copy() : A;
              const got = f(argument) as NDArray[];
              results.push(...got.map((g) => Array.from(g.data)), Array.from(s.getValue().data), Array.from(t.getValue().data));
            }
            expect(Array.from(A.data)).toEqual(values.map((x) => x * 2));
            return results;
          };
          const want = run(new th.Mode({ optimizer: null }));
          for (const mode of [new th.Mode(), new th.Mode({ linker: 'vm' }), unfused]) {
            const got = run(mode);
            got.forEach((r, i) => r.forEach((x, k) => expect(x).toBeCloseTo(want[i]![k]!, 12)));
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('borrowed storage', () => {
  it('an array shared with borrow, or handed out with borrow, is never overwritten by an update', () => {
    const A = th.array([1, 2]);
    const s = th.shared(A, 's', { borrow: true });
    const f = th.function([], [], { updates: [[s, s.mul(10)]] });
    f();
    expect(A.toArray()).toEqual([1, 2]);
    const lent = s.getValue({ borrow: true });
    f();
    expect(lent.toArray()).toEqual([10, 20]);
    expect(s.getValue().toArray()).toEqual([100, 200]);
  });

  it('the acceptInplace check still applies to the graph as given, not to in-place nodes the optimizer adds', () => {
    const s = th.shared(th.array([1, 2]), 's');
    expect(() => th.function([], [], { updates: [[s, s.add(1)]] })).not.toThrow();
  });
});

describe('readers of an overwritten value', () => {
  it('an update reading a view of its own shared variable (S + S.T) is not done in place', () => {
    const s = th.shared(th.array([[1, 2], [3, 4]]), 's');
    for (const mode of [new th.Mode(), new th.Mode({ linker: 'vm' }), unfused]) {
      s.setValue(th.array([[1, 2], [3, 4]]));
      const f = th.function([], [], { updates: [[s, s.add(s.T)]], mode });
      expect(destroyers(f).some((n) => n.inputs.includes(s))).toBe(false);
      f();
      expect(s.getValue().toArray()).toEqual([[2, 5], [5, 8]]);
    }
  });

  it('an update runs after every other reader of the old value, views included', () => {
    const s = th.shared(th.array([[1, 2], [3, 4]]), 's');
    const f = th.function([], [s.T.mul(2), T.exp(s).sum()], { updates: [[s, s.add(1)]] });
    expect(destroyers(f).some((n) => n.inputs.includes(s))).toBe(true);
    const [a, b] = f() as NDArray[];
    expect(a!.toArray()).toEqual([[2, 6], [4, 8]]);
    expect(Number(b)).toBeCloseTo(Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(4), 10);
    expect(s.getValue().toArray()).toEqual([[2, 3], [4, 5]]);
  });

  it('a mutable input read elsewhere is overwritten last, and one passed twice runs on a copy', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const f = th.function([new th.In(x, { mutable: true }), y], [x.sum().mul(y), x.add(1)]);
    expect(destroyers(f).some((n) => n.inputs.includes(x))).toBe(true);
    const X = th.array([1, 2]);
    const [a, b] = f(X, [1, 1]) as NDArray[];
    expect(a!.toArray()).toEqual([3, 3]);
    expect(b!.toArray()).toEqual([2, 3]);
    const Z = th.array([1, 2]);
    const [c, d] = f(Z, Z) as NDArray[];
    expect(c!.toArray()).toEqual([3, 6]);
    expect(d!.toArray()).toEqual([2, 3]);
    expect(Z.toArray()).toEqual([1, 2]);
  });
});

describe('in-place IncSubtensor', () => {
  it('a gradient of indexing writes into its zeros instead of copying them', () => {
    const x = th.tensor.dmatrix('x');
    const g = th.tensor.grad(x.at(1, '::2').sum(), x);
    const f = th.function([x], g);
    const inc = [...f.maker.fgraph.applyNodes].find((n) => n.op instanceof th.tensor.IncSubtensor)!;
    expect((inc.op as th.tensor.IncSubtensor).inplace).toBe(true);
    expect(f([[1, 2, 3], [4, 5, 6]]).toArray()).toEqual([[0, 0, 0], [1, 0, 1]]);
    expect(f([[1, 2, 3], [4, 5, 6]]).toArray()).toEqual([[0, 0, 0], [1, 0, 1]]);
  });

  it('a gradient of index arrays (an embedding lookup) scatters into its zeros in place, repeated rows summed', () => {
    const W = th.tensor.dmatrix('W');
    const idx = th.tensor.lvector('idx');
    const g = th.tensor.grad(W.at(idx).mul(W.at(idx)).sum(), W);
    const f = th.function([W, idx], g, { mode: new th.Mode({ debug: true }) });
    const inc = [...f.maker.fgraph.applyNodes].find((n) => n.op instanceof th.tensor.AdvancedIncSubtensor)!;
    expect((inc.op as th.tensor.AdvancedIncSubtensor).inplace).toBe(true);
    const w = [[1, 2], [3, 4], [5, 6]];
    const want = [[0, 0], [12, 16], [10, 12]]; // row 1 picked twice: 2·2·w[1]; row 2 once: 2·w[2]
    expect(f(w, [1, 2, 1]).toArray()).toEqual(want);
    expect(f(w, [1, 2, 1]).toArray()).toEqual(want);
    // An input is never the buffer written: x itself stays as given.
    const x = th.tensor.dvector('x');
    const h = th.function([x, idx], th.tensor.incSubtensor(x.at(idx), 1));
    const data = th.array([1, 2, 3]);
    expect(h(data, [0, 0, 2]).toArray()).toEqual([3, 2, 4]);
    expect(data.toArray()).toEqual([1, 2, 3]);
  });

  it('never overwrites an input, a value read elsewhere, or a view', () => {
    const x = th.tensor.dvector('x');
    const f = th.function([x], th.tensor.setSubtensor(x.at(0), 5));
    const data = th.array([1, 2]);
    expect(f(data).toArray()).toEqual([5, 2]);
    expect(data.toArray()).toEqual([1, 2]);
    const y = x.mul(2);
    const g = th.function([x], [th.tensor.setSubtensor(y.at(0), 5), y], { mode: new th.Mode({ debug: true }) });
    expect(g([1, 2]).map((r) => r.toArray())).toEqual([[5, 4], [2, 4]]);
    const h = th.function([x], th.tensor.setSubtensor(x.mul(2).at('::-1').at(0), 7), { mode: new th.Mode({ debug: true }) });
    expect(h([1, 2]).toArray()).toEqual([7, 2]);
  });
});

describe('BLAS ops in place', () => {
  const mat = (rows: number, cols: number, seed: number) => th.array(Array.from({ length: rows * cols }, (_, i) => Math.sin(i + seed)), { shape: [rows, cols] });

  it('a weight update W ← W - lr·Xᵀ·G runs as Gemm{inplace} over the shared storage, with the values of the plain graph', () => {
    const W = th.shared(mat(30, 20, 1), 'W');
    const [x, g] = [T.dmatrix('x'), T.dmatrix('g')];
    const update = W.sub(T.dot(x.T, g).mul(0.1));
    const step = th.function([x, g], [], { updates: [[W, update]] });
    expect(destroyers(step).map((n) => String(n.op))).toEqual(['Gemm{inplace}']);
    const [xv, gv] = [mat(16, 30, 2), mat(16, 20, 3)];
    const want = th.function([x, g], update, { mode: noInplace })(xv, gv);
    const storage = W.container.value.data;
    step(xv, gv);
    expect(W.container.value.data).toBe(storage);
    expect(W.getValue().toArray()).toEqual(want.toArray());
  });

  it('a call that fails on shapes leaves the shared matrix untouched', () => {
    const W = th.shared(mat(30, 20, 4), 'W');
    const [x, g] = [T.dmatrix('x'), T.dmatrix('g')];
    const step = th.function([x, g], [], { updates: [[W, W.sub(T.dot(x.T, g).mul(0.1))]] });
    const before = W.getValue().toArray();
    expect(() => step(mat(16, 30, 5), mat(15, 20, 6))).toThrow(/not aligned/);
    expect(W.getValue().toArray()).toEqual(before);
  });

  it('Gemv and Ger write over a shared vector and matrix', () => {
    const b = th.shared(th.array(Array.from({ length: 30 }, (_, i) => i)), 'b');
    const W = th.shared(mat(30, 20, 7), 'W');
    const [a, v, u] = [T.dmatrix('a'), T.dvector('v'), T.dvector('u')];
    const updates: [typeof b, TensorVariable][] = [[b, b.add(T.dot(a, v).mul(0.5))], [W, W.add(T.dot(u.dimshuffle(0, 'x'), v.dimshuffle('x', 0)).mul(2))]];
    const step = th.function([a, v, u], [], { updates });
    expect(destroyers(step).map((n) => String(n.op)).sort()).toEqual(['Gemv{inplace}', 'Ger{inplace}']);
    const args = [mat(30, 20, 8), th.array(Array.from({ length: 20 }, (_, i) => i / 10)), th.array(Array.from({ length: 30 }, (_, i) => 1 - i / 10))];
    const want = th.function([a, v, u], updates.map(([, e]) => e), { mode: noInplace })(...args) as NDArray[];
    step(...args);
    expect(b.getValue().toArray()).toEqual(want[0]!.toArray());
    expect(W.getValue().toArray()).toEqual(want[1]!.toArray());
  });
});
