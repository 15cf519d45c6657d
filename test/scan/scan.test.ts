/**
 * scan: the seed's polynomial, recurrences with one and several taps,
 * sequences with taps and backwards, early stopping, shared variables used
 * and updated in the body, nested loops, the map/reduce/fold shorthands,
 * gradients (verifyGrad) and the errors — under both linkers.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';
import { expectAllClose } from '../helpers/allclose.js';
import { thrown } from '../helpers/assertions.js';

const T = th.tensor;
const MODES = {
  js: () => new th.Mode(),
  vm: () => new th.Mode({ linker: 'vm' }),
  'vm unoptimized': () => new th.Mode({ linker: 'vm', optimizer: null }),
  debug: () => new th.Mode({ debug: true }),
};

const one = (r: TensorVariable | TensorVariable[]) => r as TensorVariable;
const list = (r: TensorVariable | TensorVariable[]) => r as TensorVariable[];

describe.each(Object.keys(MODES) as (keyof typeof MODES)[])('scan (%s)', (modeName) => {
  const mode = MODES[modeName];

  it('evaluates the seed polynomial: terms [2, 30, 400, 6000, 50000], sum 56432', () => {
    const coefs = T.ivector('coefs');
    const powers = T.ivector('powers');
    const x = T.iscalar('x');
    const [result] = th.scan({ fn: (c, p, xv) => c.mul(xv.pow(p)), sequences: [coefs, powers], outputsInfo: null, nonSequences: x });
    const f = th.function([coefs, powers, x], [one(result), one(result).sum()], { allowInputDowncast: true, mode: mode() });
    const [terms, total] = f([2, 3, 4, 6, 5], [0, 1, 2, 3, 4], 10);
    expect(terms!.toArray()).toEqual([2, 30, 400, 6000, 50000]);
    expect(Number(total)).toBe(56432);
  });

  it('feeds an output back (tap -1): cumulative sums equal a running total', () => {
    const xs = T.dvector('xs');
    const [sums] = th.scan({ fn: (x, acc) => acc.add(x), sequences: xs, outputsInfo: T.constant(0, null, 'float64') });
    const f = th.function([xs], one(sums), { mode: mode() });
    expect(f([1, 2, 3, 4.5]).toArray()).toEqual([1, 3, 6, 10.5]);
    expect(f([]).toArray()).toEqual([]);
  });

  it('feeds back two earlier steps (taps [-2, -1]): Fibonacci', () => {
    const n = T.lscalar('n');
    const init = T.lvector('init');
    const [fib] = th.scan({ fn: (a, b) => a.add(b), outputsInfo: { initial: init, taps: [-2, -1] }, nSteps: n });
    const f = th.function([n, init], one(fib), { mode: mode() });
    expect(f(8, [0, 1]).toArray()).toEqual([1, 2, 3, 5, 8, 13, 21, 34]);
    expect(f(0, [0, 1]).toArray()).toEqual([]);
  });

  it('reads sequence taps [-1, 0, 1] and walks backwards', () => {
    const xs = T.dvector('xs');
    const [d] = th.scan({ fn: (prev, cur, next) => prev.add(cur.mul(10)).add(next.mul(100)), sequences: { input: xs, taps: [-1, 0, 1] } });
    const [r] = th.scan({ fn: (prev, cur, next) => prev.add(cur.mul(10)).add(next.mul(100)), sequences: { input: xs, taps: [-1, 0, 1] }, goBackwards: true });
    const f = th.function([xs], [one(d), one(r)], { mode: mode() });
    const [fw, bw] = f([1, 2, 3, 4]);
    expect(fw!.toArray()).toEqual([1 + 20 + 300, 2 + 30 + 400]);
    // Backwards the sequence reads [4, 3, 2, 1]: steps at 3 and 2.
    expect(bw!.toArray()).toEqual([4 + 30 + 200, 3 + 20 + 100]);
  });

  it('cuts sequences to the shortest, and checks an explicit nSteps', () => {
    const [a, b] = T.dvectors('a', 'b');
    const [s] = th.scan({ fn: (x, y) => x.mul(y), sequences: [a, b] });
    const f = th.function([a, b], one(s), { mode: mode() });
    expect(f([1, 2, 3], [4, 5]).toArray()).toEqual([4, 10]);
    const n = T.lscalar('n');
    const [t] = th.scan({ fn: (x) => x.add(1), sequences: a, nSteps: n });
    const g = th.function([a, n], one(t), { mode: mode() });
    expect(g([1, 2, 3], 2).toArray()).toEqual([2, 3]);
    expect(() => g([1, 2, 3], 5)).toThrow(/sequence 0 has 3 entries, but 5 steps/);
  });

  it('stops with until (do-while): a power iteration', () => {
    const A = T.dmatrix('A');
    const v0 = T.dvector('v0');
    const [vs] = th.scan({
      fn: (v, a) => {
        const w = T.dot(a, v);
        const next = w.div(T.sqrt(w.mul(w).sum()));
        return [next, th.until(T.lt(T.abs(next.sub(v)).sum(), 1e-12))];
      },
      outputsInfo: v0,
      nonSequences: A,
      nSteps: 500,
    });
    const f = th.function([A, v0], [one(vs).at(-1), T.shape(one(vs))], { mode: mode() });
    const [v, shape] = f([[2, 1], [1, 3]], [1, 0]);
    // The dominant eigenvector of [[2,1],[1,3]]: eigenvalue (5+√5)/2.
    const lambda = (5 + Math.sqrt(5)) / 2;
    const e = [1, lambda - 2];
    const norm = Math.hypot(e[0]!, e[1]!);
    expectAllClose(v!, [e[0]! / norm, e[1]! / norm], { rtol: 1e-8, atol: 1e-8 });
    expect(Number((shape as NDArray).data[0])).toBeLessThan(500);
  });

  it('uses shared variables without listing them, and applies the updates fn returns', () => {
    const w = th.shared(th.array([1, 2]), 'w');
    const counter = th.shared(0, 'counter', { dtype: 'int64' });
    const xs = T.dmatrix('xs');
    const [ys, updates] = th.scan({ fn: (x) => ({ outputs: T.dot(x, w), updates: [[counter, counter.add(1)]] }), sequences: xs });
    expect([...updates.keys()]).toEqual([counter]);
    const f = th.function([xs], one(ys), { updates, mode: mode() });
    expect(f([[1, 1], [2, 0], [0, 3]]).toArray()).toEqual([3, 2, 6]);
    expect(Number(counter.getValue())).toBe(3);
    w.setValue(th.array([0, 1]));
    expect(f([[1, 1]]).toArray()).toEqual([1]);
    expect(Number(counter.getValue())).toBe(4);
  });

  it('runs nested scans', () => {
    const m = T.dmatrix('m');
    // Row sums by an inner scan, then a running total of them by the outer one.
    const [totals] = th.scan({
      fn: (rowv, acc) => {
        const [partial] = th.scan({ fn: (x, a) => a.add(x), sequences: rowv, outputsInfo: T.constant(0, null, 'float64') });
        return acc.add(one(partial).at(-1));
      },
      sequences: m,
      outputsInfo: T.constant(0, null, 'float64'),
    });
    const f = th.function([m], one(totals), { mode: mode() });
    expect(f([[1, 2], [3, 4], [5, 6]]).toArray()).toEqual([3, 10, 21]);
  });

  it('has map, reduce, foldl and foldr', () => {
    const xs = T.dvector('xs');
    const [doubled] = th.map((x) => x.mul(2), xs);
    const [total] = th.reduce((x, acc) => acc.add(x), xs, T.constant(0, null, 'float64'));
    const [left] = th.foldl((x, acc) => acc.mul(10).add(x), xs, T.constant(0, null, 'float64'));
    const [right] = th.foldr((x, acc) => acc.mul(10).add(x), xs, T.constant(0, null, 'float64'));
    const f = th.function([xs], [one(doubled), one(total), one(left), one(right)], { mode: mode() });
    const [d, t, l, r] = f([1, 2, 3]);
    expect(d!.toArray()).toEqual([2, 4, 6]);
    expect(Number(t)).toBe(6);
    expect(Number(l)).toBe(123);
    expect(Number(r)).toBe(321);
  });

  it('returns several outputs, recurrent and per-step, in fn\'s order', () => {
    const xs = T.dvector('xs');
    const [outs] = th.scan({ fn: (x, acc) => [x.mul(x), acc.add(x)], sequences: xs, outputsInfo: [null, T.constant(0, null, 'float64')] });
    const f = th.function([xs], list(outs), { mode: mode() });
    const [sq, run] = f([1, 2, 3]);
    expect(sq!.toArray()).toEqual([1, 4, 9]);
    expect(run!.toArray()).toEqual([1, 3, 6]);
  });
});

describe('scan gradients', () => {
  it('through an RNN (tanh recurrence) match finite differences', () => {
    const rnn = (xs: TensorVariable, W: TensorVariable, U: TensorVariable, h0: TensorVariable) => {
      const [hs] = th.scan({ fn: (x, h, w, u) => T.tanh(T.dot(h, w).add(T.dot(x, u))), sequences: xs, outputsInfo: h0, nonSequences: [W, U] });
      return one(hs).sum();
    };
    const rand = th.gradient.seededRandom(7);
    const arr = (shape: number[]) => th.array(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rand() - 0.5)).reshape(shape);
    th.gradient.verifyGrad(rnn, [arr([4, 2, 3]), arr([5, 5]), arr([3, 5]), arr([2, 5])]);
  });

  it('through two taps, sequence taps, backwards loops and shared weights', () => {
    const w = th.shared(th.array([0.7, -0.4]), 'w');
    th.gradient.verifyGrad(
      (xs: TensorVariable, init: TensorVariable) => {
        const [ys] = th.scan({
          fn: (xm1, x0, a, b) => T.tanh(a.mul(w.at(0)).add(b.mul(w.at(1))).add(xm1.mul(x0))),
          sequences: { input: xs, taps: [-1, 0] },
          outputsInfo: { initial: init, taps: [-2, -1] },
        });
        const [back] = th.scan({ fn: (y, acc) => acc.mul(0.5).add(T.sin(y)), sequences: one(ys), outputsInfo: T.constant(0, null, 'float64'), goBackwards: true });
        return one(ys).sum().add(one(back).at(-1));
      },
      [th.array([0.1, -0.3, 0.5, 0.2, -0.6]), th.array([0.3, -0.2])],
    );
  });

  it('through nested scans', () => {
    th.gradient.verifyGrad(
      (m: TensorVariable, v: TensorVariable) => {
        const [outs] = th.scan({
          fn: (rowv, acc) => {
            const [inner] = th.scan({ fn: (x, a) => T.tanh(a.add(x.mul(v.sum()))), sequences: rowv, outputsInfo: T.constant(0, null, 'float64') });
            return acc.mul(one(inner).at(-1)).add(1);
          },
          sequences: m,
          outputsInfo: T.constant(1, null, 'float64'),
        });
        return one(outs).sum();
      },
      [th.array([[0.2, -0.4], [0.5, 0.1], [-0.3, 0.6]]), th.array([0.8, -0.1])],
    );
  });

  it('truncateGradient keeps only the last steps', () => {
    const xs = T.dvector('xs');
    const a = T.dscalar('a');
    const [ys] = th.scan({ fn: (x, y) => y.mul(a).add(x), sequences: xs, outputsInfo: T.constant(0, null, 'float64'), truncateGradient: 2 });
    const gx = T.grad(one(ys).at(-1), xs);
    const f = th.function([xs, a], gx);
    // y_T = Σ a^(T-1-t) x_t; truncated to the last 2 steps.
    expect(f([1, 1, 1, 1], 3).toArray()).toEqual([0, 0, 3, 1]);
    const full = th.scan({ fn: (x, y) => y.mul(a).add(x), sequences: xs, outputsInfo: T.constant(0, null, 'float64') })[0];
    const g = th.function([xs, a], T.grad(one(full).at(-1), xs));
    expect(g([1, 1, 1, 1], 3).toArray()).toEqual([27, 9, 3, 1]);
  });

  it('an RNN trained on a toy sequence task: the loss falls', () => {
    const rand = th.gradient.seededRandom(11);
    const init = (r: number, c: number) => th.array(Array.from({ length: r * c }, () => (rand() - 0.5) * 0.5)).reshape([r, c]);
    const W = th.shared(init(4, 4), 'W');
    const U = th.shared(init(1, 4), 'U');
    const V = th.shared(init(4, 1), 'V');
    const xs = T.dtensor3('xs'); // (steps, batch, 1)
    const target = T.dmatrix('target'); // (batch, 1): the sum of the sequence
    const [hs] = th.scan({ fn: (x, h) => T.tanh(T.dot(h, W).add(T.dot(x, U))), sequences: xs, outputsInfo: T.constant(th.zeros([3, 4])) });
    const pred = T.dot(one(hs).at(-1), V);
    const loss = pred.sub(target).pow(2).mean();
    const grads = T.grad(loss, [W, U, V]);
    const train = th.function([xs, target], loss, { updates: [W, U, V].map((p, k) => [p, p.sub(grads[k]!.mul(0.3))] as const) });
    const seq = th.array([[[0.1], [0.2], [-0.1]], [[0.3], [-0.2], [0.1]], [[0.2], [0.1], [0.3]]]);
    const sums = th.array([[0.6], [0.1], [0.3]]);
    const first = Number(train(seq, sums));
    let last = first;
    for (let i = 0; i < 60; i++) last = Number(train(seq, sums));
    expect(last).toBeLessThan(first / 4);
  });
});

describe('scan errors', () => {
  it('names the output whose dtype differs from its initial value', () => {
    const xs = T.fvector('xs');
    const e = thrown(() => th.scan({ fn: (x, acc) => acc.add(x).astype('float64'), sequences: xs, outputsInfo: T.constant(0, null, 'float32') }));
    expect(e).toBeInstanceOf(th.DTypeError);
    expect(e.message).toMatch(/output 0 of fn has dtype float64, but its initial value in outputsInfo\[0\] is float32/);
  });

  it('rejects wrong taps, a missing nSteps and mismatched output counts', () => {
    const xs = T.dvector('xs');
    expect(() => th.scan({ fn: (a) => a, outputsInfo: { initial: xs, taps: [1] }, nSteps: 3 })).toThrow(/tap 1; an output can only read earlier steps/);
    expect(() => th.scan({ fn: (a) => a, sequences: { input: xs, taps: [0, 0] } })).toThrow(/repeats a tap/);
    expect(() => th.scan({ fn: () => T.constant(1), outputsInfo: null })).toThrow(/without sequences the number of steps is unknown; give nSteps/);
    expect(() => th.scan({ fn: (x) => [x, x], sequences: xs, outputsInfo: [null] })).toThrow(/returned 2 outputs but outputsInfo describes 1/);
  });

  it('strict mode names the outside variable fn used', () => {
    const xs = T.dvector('xs');
    const scale = T.dscalar('scale');
    const e = thrown(() => th.scan({ fn: (x) => x.mul(scale), sequences: xs, strict: true }));
    expect(e.message).toMatch(/\(strict\): fn uses 'scale', which is not among its arguments; pass it in nonSequences/);
    const [ok] = th.scan({ fn: (x, s) => x.mul(s), sequences: xs, nonSequences: scale, strict: true });
    expect(th.function([xs, scale], one(ok))([1, 2], 3).toArray()).toEqual([3, 6]);
  });

  it('a step whose recurrent output changes shape is a run-time error naming the step', () => {
    const v = T.dvector('v');
    const [ys] = th.scan({ fn: (y) => y.at('1:'), outputsInfo: v, nSteps: 2, name: 'shrinking' });
    const f = th.function([v], one(ys));
    const e = thrown(() => f([1, 2, 3]));
    expect(e).toBeInstanceOf(th.ShapeError);
    expect(e.message).toMatch(/Scan\{shrinking\}: step 0: recurrent output 0 has shape \(2,\), but its initial value has shape \(3,\)/);
  });
});

describe('scan options', () => {
  it('profile: the body\'s profile counts one run per step; allowGc gives the same results', () => {
    const xs = T.dvector('xs');
    const [ys] = th.scan({ fn: (x, acc) => acc.add(T.exp(x)), sequences: xs, outputsInfo: T.constant(0, null, 'float64'), profile: true, allowGc: true, name: 'profiled' });
    const f = th.function([xs], one(ys));
    expect(f([0, 0, 0]).toArray()).toEqual([1, 2, 3]);
    expect(f([0, 0]).toArray()).toEqual([1, 2]);
    const p = th.scanProfile(one(ys))!;
    expect(p).toBeInstanceOf(th.ProfileStats);
    const calls = p.opTable().map((r) => r.calls);
    expect(Math.max(...calls)).toBe(5);
  });

  it('Rop through scan (from its gradient)', () => {
    const xs = T.dvector('xs');
    const v = T.dvector('v');
    const a = T.dscalar('a');
    const [ys] = th.scan({ fn: (x, y) => y.mul(a).add(x.mul(x)), sequences: xs, outputsInfo: T.constant(0, null, 'float64') });
    const jv = th.gradient.Rop(one(ys), xs, v) as TensorVariable;
    const f = th.function([xs, v, a], jv);
    // y_t = a y_{t-1} + x_t²: dy_t = a dy_{t-1} + 2 x_t v_t.
    expect(f([1, 2, 3], [1, 1, 1], 2).toArray()).toEqual([2, 8, 22]);
  });
});

describe('scan rewrites', () => {
  const scansOf = (f: { maker: { fgraph: { applyNodes: Set<import('../../src/graph/apply.js').Apply> } } }) =>
    [...f.maker.fgraph.applyNodes].filter((n) => n.op instanceof th.Scan).map((n) => n.op as th.Scan);

  it('computes loop-invariant work once, outside the body', () => {
    const xs = T.dmatrix('xs');
    const W = T.dmatrix('W');
    const [hs] = th.scan({ fn: (x, h, w) => T.tanh(T.dot(h, w.T.mul(2)).add(x)), sequences: xs, outputsInfo: T.constant(th.zeros([2])), nonSequences: W });
    const f = th.function([xs, W], one(hs));
    const [scanOp] = scansOf(f);
    const nTaps = 2;
    const nonSeqInputs = new Set(scanOp!.inner.inputs.slice(nTaps));
    // No node of the body reads only non-sequences and constants any more.
    for (const n of scanOp!.inner.applyNodes) expect(n.inputs.every((i) => nonSeqInputs.has(i) || i.isConstant())).toBe(false);
    const g = th.function([xs, W], one(hs), { mode: new th.Mode({ excluding: ['scan'] }) });
    const args = [[[0.1, 0.2], [0.3, -0.4], [0.5, 0.6]], [[0.5, -1], [0.25, 2]]];
    expectAllClose(f(...args), g(...args).toArray(), { rtol: 1e-14, atol: 1e-14 });
  });

  it('keeps only the last values of an output read at its end', () => {
    const xs = T.dvector('xs');
    const [total] = th.reduce((x, acc) => acc.add(x), xs, T.constant(0, null, 'float64'));
    const n = T.lscalar('n');
    const [fib] = th.scan({ fn: (a, b) => a.add(b), outputsInfo: { initial: T.constant(th.array([0, 1])), taps: [-2, -1] }, nSteps: n });
    const f = th.function([xs, n], [one(total), one(fib).at(-2)]);
    expect(scansOf(f).map((op) => op.spec.keepTrace)).toEqual([[false], [false]]);
    const [t, fb] = f([1, 2, 3.5], 30);
    expect(Number(t)).toBe(6.5);
    expect(Number(fb)).toBe(832040);
    // A gradient's accumulators are read at their end too: the backward loop keeps no trace.
    const a = T.dscalar('a');
    const [ys] = th.scan({ fn: (x, y) => T.tanh(y.mul(a).add(x)), sequences: xs, outputsInfo: T.constant(0, null, 'float64') });
    const g = th.function([xs, a], T.grad(one(ys).sum(), a));
    const backward = scansOf(g).find((op) => op.spec.name?.endsWith('_grad'))!;
    expect(backward.spec.keepTrace.every((k) => !k)).toBe(true);
    const h = th.function([xs, a], T.grad(one(ys).sum(), a), { mode: new th.Mode({ excluding: ['scan'] }) });
    expect(Number(g([0.5, -1, 2], 0.7))).toBeCloseTo(Number(h([0.5, -1, 2], 0.7)), 14);
  });
});

describe('scan with other control flow and modes', () => {
  it('compiles the body with the scan\'s own mode when it names one', () => {
    const xs = T.dvector('xs');
    const body = (x: TensorVariable, acc: TensorVariable) => acc.add(T.exp(x).mul(2).add(1));
    const opts = { sequences: xs, outputsInfo: T.constant(0, null, 'float64'), profile: true };
    const [fused] = th.scan({ ...opts, fn: body });
    const [plain] = th.scan({ ...opts, fn: body, mode: new th.Mode({ optimizer: null, linker: 'vm' }) });
    const f = th.function([xs], [one(fused), one(plain)]);
    const [a, b] = f([0, 1]);
    expect(a!.toArray()).toEqual(b!.toArray());
    const ops = (v: TensorVariable) => th.scanProfile(v)!.opTable().map((r) => r.op).join(' ');
    expect(ops(one(fused))).toContain('FusedElemwise');
    expect(ops(one(plain))).not.toContain('FusedElemwise');
    expect(ops(one(plain))).toContain('Elemwise{exp}');
  });

  it('runs ifelse lazily inside a body, and a scan inside an ifelse branch', () => {
    const xs = T.dvector('xs');
    const [ys] = th.scan({ fn: (x, acc) => th.ifelse(T.gt(x, 0), acc.add(x), acc.sub(1)), sequences: xs, outputsInfo: T.constant(0, null, 'float64') });
    const c = T.iscalar('c');
    const [cum] = th.scan({ fn: (x, acc) => acc.add(x), sequences: xs, outputsInfo: T.constant(0, null, 'float64') });
    const z = th.ifelse(c, one(cum), xs);
    const f = th.function([xs, c], [one(ys), z]);
    const [y, z1] = f([1, -5, 2], 1);
    expect(y!.toArray()).toEqual([1, 0, 2]);
    expect(z1!.toArray()).toEqual([1, -4, -2]);
    expect(f([1, -5, 2], 0)[1]!.toArray()).toEqual([1, -5, 2]);
  });
});

describe('scan with random streams', () => {
  it('a draw inside the body advances at every step and across calls (default updates collected)', () => {
    const rs = th.randomStreams(5);
    const [draws, updates] = th.scan({ fn: () => rs.uniform({ size: [2] }), nSteps: 3 });
    expect(updates.size).toBe(1);
    const f = th.function([], one(draws), { updates });
    const a = f().toArray() as number[][];
    const b = f().toArray() as number[][];
    expect(new Set(a.map((r) => r.join())).size).toBe(3);
    expect(a.map((r) => r.join())).not.toContain(b[0]!.join());
  });
});
