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
