/**
 * Products moved out of scan loops (rewrite/scanPushOut.ts): each case
 * checks that the rewrite fired (or, where it must not, that it did not)
 * and that results match the same function compiled without it.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import type { Apply } from '../../src/graph/apply.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';
import { expectAllClose } from '../helpers/allclose.js';

const T = th.tensor;
const PUSH_OUT = ['scanPushOutSeqDots', 'scanPushOutAccumulatedDots', 'scanForwardSequences'];
const without = () => new th.Mode({ excluding: PUSH_OUT });

type Compiled = { maker: { fgraph: { applyNodes: Set<Apply> } } };
const scansOf = (f: Compiled) => [...f.maker.fgraph.applyNodes].filter((n) => n.op instanceof th.Scan).map((n) => n.op as th.Scan);
/** Products in the bodies of f's loops (Dot, or the Gemm/Gemv/Ger they became). */
const innerProducts = (f: Compiled) => scansOf(f).flatMap((op) => [...op.inner.applyNodes].filter((n) => /^(Dot|Gemm|Gemv|Ger)/.test(String(n.op))));
const one = (r: TensorVariable | TensorVariable[]) => r as TensorVariable;

/** Deterministic values in [-1, 1). */
function values(shape: number[], seed: number, dtype: 'float64' | 'float32' = 'float64'): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float64Array(n);
  let s = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return th.array(out, { shape, dtype });
}

/** f with the rewrites and without them give the same results. */
function expectSameAsWithout(inputs: TensorVariable[], outputs: TensorVariable[], args: NDArray[], tol = 1e-12): Compiled {
  const f = th.function(inputs, outputs);
  const g = th.function(inputs, outputs, { mode: without() });
  const got = f(...args) as NDArray[];
  const want = g(...args) as NDArray[];
  want.forEach((w, k) => expectAllClose(got[k]!, w.toArray(), { rtol: tol, atol: tol }));
  return f as unknown as Compiled;
}

describe('scanPushOutSeqDots', () => {
  it('computes dot(x[t], U) for every step as one product before the loop (an RNN\'s input projection)', () => {
    const xs = T.tensor3('xs');
    const W = T.dmatrix('W');
    const U = T.dmatrix('U');
    const [hs] = th.scan({ fn: (x, h, w, u) => T.tanh(T.dot(h, w).add(T.dot(x, u))), sequences: xs, outputsInfo: T.constant(th.zeros([3, 4])), nonSequences: [W, U] });
    const f = expectSameAsWithout([xs, W, U], [one(hs)], [values([6, 3, 5], 1), values([4, 4], 2), values([5, 4], 3)]);
    // Only the recurrent product h·W is left in the body.
    expect(innerProducts(f)).toHaveLength(1);
    expect(scansOf(f)[0]!.spec.seqTaps).toHaveLength(2);
  });

  it('handles vector entries, the invariant on either side, transposes and elementwise work on the entries', () => {
    const xs = T.dmatrix('xs');
    const ms = T.tensor3('ms');
    const U = T.dmatrix('U');
    const c = T.dvector('c');
    const [ys] = th.scan({
      fn: (x, m, y, u, cv) =>
        y.add(T.dot(x, u)).add(T.dot(u, T.exp(x).mul(2).add(cv))).add(T.dot(m.T, x)).add(T.dot(u, m).sum(1)),
      sequences: [xs, ms],
      outputsInfo: T.constant(th.zeros([4])),
      nonSequences: [U, c],
    });
    const f = expectSameAsWithout([xs, ms, U, c], [one(ys)], [values([5, 4], 4), values([5, 4, 4], 5), values([4, 4], 6), values([4], 7)]);
    // dot(m.T, x) multiplies two sequence entries: it stays; the other three move out.
    expect(innerProducts(f)).toHaveLength(1);
  });

  it('reads the entries the taps read, and only the steps the loop runs', () => {
    const xs = T.dmatrix('xs');
    const U = T.dmatrix('U');
    const V = T.dmatrix('V');
    const n = T.lscalar('n');
    const [ys] = th.scan({
      fn: (xPrev, xNext, u, v) => T.dot(xPrev, u).sub(T.dot(xNext, v)),
      sequences: { input: xs, taps: [-1, 2] },
      nonSequences: [U, V],
      nSteps: n,
    });
    const f = th.function([xs, U, V, n], one(ys));
    const g = th.function([xs, U, V, n], one(ys), { mode: without() });
    expect(innerProducts(f as unknown as Compiled)).toHaveLength(0);
    const args = [values([9, 3], 8), values([3, 2], 9), values([3, 2], 10)] as const;
    for (const steps of [1, 4, 6]) expectAllClose(f(...args, steps), (g(...args, steps) as NDArray).toArray(), { rtol: 1e-12, atol: 1e-12 });
    expect((f(...args, 0) as NDArray).shape).toEqual((g(...args, 0) as NDArray).shape);
    // Too short a sequence is still reported as the loop reports it.
    expect(() => f(...args, 7)).toThrow(/sequence 0 has 9 entries, but 7 steps with taps \[-1, 2\] need 10/);
  });

  it('leaves loops running backwards and loops stopped by until as they are', () => {
    const xs = T.dmatrix('xs');
    const U = T.dmatrix('U');
    const [back] = th.scan({ fn: (x, y, u) => y.add(T.dot(x, u)), sequences: xs, outputsInfo: T.constant(th.zeros([2])), nonSequences: U, goBackwards: true });
    const [stopped] = th.scan({ fn: (x, y, u) => { const z = y.add(T.dot(x, u)); return [z, th.until(z.sum().gt(1))]; }, sequences: xs, outputsInfo: T.constant(th.zeros([2])), nonSequences: U });
    const f = expectSameAsWithout([xs, U], [one(back), one(stopped)], [values([5, 3], 11), values([3, 2], 12)]);
    expect(innerProducts(f)).toHaveLength(2);
  });
});

describe('scanForwardSequences', () => {
  it('a map of a product by an invariant becomes one product, with no loop left', () => {
    const xs = T.dmatrix('xs');
    const U = T.dmatrix('U');
    const [ys] = th.map((x, u) => T.dot(x, u), xs, U);
    const f = expectSameAsWithout([xs, U], [one(ys)], [values([5, 3], 30), values([3, 4], 31)]);
    expect(scansOf(f)).toHaveLength(0);
  });

  it('returns the entries the taps read, checked to cover every step', () => {
    const xs = T.dvector('xs');
    const n = T.lscalar('n');
    const [pair] = th.scan({ fn: (a, b) => [a, b], sequences: { input: xs, taps: [-1, 2] }, nSteps: n });
    const f = th.function([xs, n], pair as TensorVariable[]);
    expect(scansOf(f as unknown as Compiled)).toHaveLength(0);
    const [p, q] = f([0, 1, 2, 3, 4, 5, 6], 4) as NDArray[];
    expect(p!.toArray()).toEqual([0, 1, 2, 3]);
    expect(q!.toArray()).toEqual([3, 4, 5, 6]);
    // 5 steps need 8 entries: an error, as the loop would have raised, not a shorter result.
    expect(() => f([0, 1, 2, 3, 4, 5, 6], 5)).toThrow(/expected shape \(5,\), got \(4,\)/);
  });

  it('keeps the loop for what it still computes', () => {
    const xs = T.dvector('xs');
    const [both] = th.scan({ fn: (x, acc) => [x, acc.add(x)], sequences: xs, outputsInfo: [null, T.constant(0, null, 'float64')] });
    const f = expectSameAsWithout([xs], both as TensorVariable[], [values([6], 32)]);
    expect(scansOf(f)).toHaveLength(1);
    expect(scansOf(f)[0]!.spec.nPerStep).toBe(0);
  });
});

describe('scanPushOutAccumulatedDots', () => {
  const rnn = (dtype: 'float64' | 'float32') => {
    const xs = T.tensor3('xs', dtype);
    const W = T.matrix('W', dtype);
    const U = T.matrix('U', dtype);
    const h0 = T.matrix('h0', dtype);
    const [hs] = th.scan({ fn: (x, h, w, u) => T.tanh(T.dot(h, w).add(T.dot(x, u))), sequences: xs, outputsInfo: h0, nonSequences: [W, U] });
    const loss = one(hs).at(-1).sum().add(T.sqr(one(hs)).sum().mul(0.1));
    return { inputs: [xs, W, U, h0], outputs: [loss, ...(T.grad(loss, [W, U, h0]) as TensorVariable[])] };
  };

  it.each(['float64', 'float32'] as const)('sums an RNN\'s weight gradients over the steps in one product each (%s)', (dtype) => {
    const { inputs, outputs } = rnn(dtype);
    const args = [values([7, 3, 5], 13, dtype), values([4, 4], 14, dtype), values([5, 4], 15, dtype), values([3, 4], 16, dtype)];
    const f = expectSameAsWithout(inputs, outputs, args, dtype === 'float64' ? 1e-12 : 2e-5);
    const backward = scansOf(f).find((op) => op.spec.name?.endsWith('_grad'))!;
    // The backward loop keeps only the carry of h; it multiplies by W once per step.
    expect(backward.spec.outputTaps).toHaveLength(1);
    expect(innerProducts(f)).toHaveLength(2);
  });

  it('agrees with the reference VM on the unoptimized graph, for no steps and for one', () => {
    const { inputs, outputs } = rnn('float64');
    const f = th.function(inputs, outputs);
    const ref = th.function(inputs, outputs, { mode: new th.Mode({ linker: 'vm', optimizer: null }) });
    for (const steps of [1, 3]) {
      const args = [values([steps, 2, 3], 17), values([2, 2], 18), values([3, 2], 19), values([2, 2], 20)];
      const want = ref(...args) as NDArray[];
      (f(...args) as NDArray[]).forEach((got, k) => expectAllClose(got, want[k]!.toArray(), { rtol: 1e-12, atol: 1e-12 }));
    }
  });

  it('a fold of products: Σ x[t]ᵀ·y[t] with no steps is the initial value', () => {
    const xs = T.tensor3('xs');
    const ys = T.tensor3('ys');
    const acc0 = T.dmatrix('acc0');
    const [total] = th.reduce((x, y, acc) => acc.add(T.dot(x.T, y)), [xs, ys], acc0);
    const f = expectSameAsWithout([xs, ys, acc0], [one(total)], [values([6, 3, 2], 21), values([6, 3, 4], 22), values([2, 4], 23)]);
    expect(scansOf(f)[0]?.spec.outputTaps ?? []).toHaveLength(0);
    const [empty] = (f as unknown as (...a: unknown[]) => NDArray[])(th.zeros([0, 3, 2]), th.zeros([0, 3, 4]), values([2, 4], 24));
    expect(empty!.toArray()).toEqual(values([2, 4], 24).toArray());
  });

  it('leaves an accumulator alone when its whole trace is read', () => {
    const xs = T.tensor3('xs');
    const [trace] = th.scan({ fn: (x, acc) => acc.add(T.dot(x.T, x)), sequences: xs, outputsInfo: T.constant(th.zeros([2, 2])) });
    const f = expectSameAsWithout([xs], [one(trace)], [values([4, 3, 2], 25)]);
    expect(innerProducts(f)).toHaveLength(1);
  });

  it('a loop remade by the rewrites still reports its body\'s profile', () => {
    const xs = T.tensor3('xs');
    const U = T.dmatrix('U');
    const [hs] = th.scan({ fn: (x, h, u) => T.tanh(h.add(T.dot(x, u))), sequences: xs, outputsInfo: T.constant(th.zeros([3, 2])), nonSequences: U, profile: true });
    const f = th.function([xs, U], one(hs));
    f(values([4, 3, 2], 26), values([2, 2], 27));
    expect(innerProducts(f as unknown as Compiled)).toHaveLength(0);
    expect(th.scanProfile(one(hs))).not.toBeNull();
  });
});

describe('Reshape of a non-contiguous array', () => {
  it('copies into its own buffer, never into an input or a result handed out earlier', () => {
    const x = T.dmatrix('x');
    const f = th.function([x], T.reshape(x.T, [-1]).mul(1));
    const g = th.function([x], T.reshape(x.T, [-1]));
    const a = values([3, 4], 28);
    const b = values([3, 4], 29);
    const fa = f(a) as NDArray;
    const ga = g(a) as NDArray;
    const first = [(fa as NDArray).toArray(), ga.toArray()];
    f(b);
    g(b);
    expect(fa.toArray()).toEqual(first[0]);
    expect(ga.toArray()).toEqual(first[1]);
    expect(ga.toArray()).toEqual(a.transpose().copy().reshape([-1]).toArray());
    expect((g(b) as NDArray).toArray()).toEqual(b.transpose().copy().reshape([-1]).toArray());
    expect(a.toArray()).toEqual(values([3, 4], 28).toArray());
  });
});
