/**
 * Gradients of the structural ops (DimShuffle, sum/mean reductions, dot),
 * of compositions of them (a small tanh network), of 0-d inputs, and of the
 * seed's logistic-regression cost — checked with verifyGrad, against hand
 * derivations, and by training (SPEC §4, §5).
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import { expectAllClose } from '../helpers/allclose.js';

const T = th.tensor;
const { verifyGrad, seededRandom } = th.gradient;

/** Uniform numbers in [lo, hi) of the given shape and dtype, reproducibly. */
function randomArray(shape: number[], seed: number, dtype: th.DType = 'float64', lo = -1, hi = 1): th.NDArray {
  const rng = seededRandom(seed);
  const out = th.zeros(shape, dtype);
  for (let k = 0; k < out.size; k++) out.data[k] = lo + (hi - lo) * rng();
  return out;
}

/** Standard normal numbers (Box–Muller), reproducibly. */
function randn(shape: number[], seed: number): th.NDArray {
  const rng = seededRandom(seed);
  const out = th.zeros(shape);
  for (let k = 0; k < out.size; k++) {
    const u = 1 - rng();
    const v = rng();
    out.data[k] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return out;
}

describe('DimShuffle', () => {
  it('transposes: matrix .T, tensor3 permutations', () => {
    verifyGrad((x) => x.T, [randomArray([2, 3], 1)]);
    verifyGrad((x) => T.transpose(x, [1, 2, 0]), [randomArray([2, 3, 4], 2)]);
    verifyGrad((x) => T.transpose(x, [2, 0, 1]), [randomArray([2, 3, 4], 3)]);
    // Through a product, so the transposed gradient must line up with the other operand.
    verifyGrad((x, y) => T.mul(x.T, y), [randomArray([2, 3], 4), randomArray([3, 2], 5)]);
  });

  it("inserts broadcastable axes ('x'), which then broadcast", () => {
    verifyGrad((v) => v.dimshuffle('x', 0), [randomArray([3], 6)]);
    verifyGrad((v) => v.dimshuffle(0, 'x'), [randomArray([3], 7)]);
    verifyGrad((m) => m.dimshuffle(1, 'x', 0), [randomArray([2, 3], 8)]);
    // A vector made a column and broadcast against a matrix: its gradient sums over the broadcast axis.
    verifyGrad((v, m) => T.mul(v.dimshuffle(0, 'x'), m), [randomArray([3], 9), randomArray([3, 4], 10)]);
    verifyGrad((v, m) => T.mul(v.dimshuffle('x', 0), m), [randomArray([4], 11), randomArray([3, 4], 12)]);
  });

  it('drops broadcastable axes', () => {
    // Points with length-1 axes become broadcastable inputs in verifyGrad.
    verifyGrad((r) => r.dimshuffle(1), [randomArray([1, 4], 13)]);
    verifyGrad((c) => c.dimshuffle(0), [randomArray([4, 1], 14)]);
    verifyGrad((t) => t.dimshuffle(2, 0), [randomArray([3, 1, 2], 15)]);
    verifyGrad((r, m) => T.mul(r.dimshuffle(1), m), [randomArray([1, 3], 16), randomArray([2, 3], 17)]);
  });

  it('gradient of a dropped-axis shuffle keeps the input type', () => {
    const r = T.row('r', 'float64');
    const g = T.grad(T.sqr(r.dimshuffle(1)).sum(), r);
    expect(g.broadcastable).toEqual([true, false]);
    expectAllClose(th.function([r], g)([[1, -2, 3]]), [[2, -4, 6]]);
  });

  it('0-d inputs made into matrices and back', () => {
    verifyGrad((s) => s.dimshuffle('x', 'x'), [th.array(1.7)]);
    verifyGrad((s, m) => T.mul(s.dimshuffle('x', 'x'), m), [th.array(-0.4), randomArray([2, 3], 18)]);
    verifyGrad((m) => m.dimshuffle([]), [th.array([[2.5]])]);
  });
});

describe('sum and mean', () => {
  const axisForms: [string, number | number[] | null | undefined][] = [
    ['all (undefined)', undefined],
    ['all (null)', null],
    ['0', 0],
    ['1', 1],
    ['2', 2],
    ['-1', -1],
    ['-3', -3],
    ['[0, 2]', [0, 2]],
    ['[2, 0] unsorted', [2, 0]],
    ['[-1, 1]', [-1, 1]],
    ['[0, 1, 2]', [0, 1, 2]],
    ['[] (nothing)', []],
  ];
  const point = randomArray([2, 3, 4], 20);

  for (const [name, axis] of axisForms) {
    for (const keepdims of [false, true]) {
      it(`sum and mean over ${name}${keepdims ? ', keepdims' : ''}`, () => {
        verifyGrad((x) => T.sum(x, axis, { keepdims }), [point]);
        verifyGrad((x) => T.mean(x, axis, { keepdims }), [point]);
      });
    }
  }

  it('on vectors, matrices, and 0-d inputs; methods and functions agree', () => {
    verifyGrad((v) => v.sum(), [randomArray([5], 21)]);
    verifyGrad((v) => v.mean(), [randomArray([5], 22)]);
    verifyGrad((m) => m.sum(0), [randomArray([3, 2], 23)]);
    verifyGrad((m) => m.mean(-1, { keepdims: true }), [randomArray([3, 2], 24)]);
    verifyGrad((s) => s.sum(), [th.array(0.3)]);
    verifyGrad((s) => s.mean(), [th.array(0.3)]);
  });

  it('keepdims: the result broadcasts back against its input (x - mean(x))', () => {
    verifyGrad((x) => T.sqr(T.sub(x, T.mean(x, 1, { keepdims: true }))), [randomArray([3, 4], 25)]);
    verifyGrad((x) => T.trueDiv(x, T.sum(T.exp(x), 0, { keepdims: true })), [randomArray([3, 4], 26)]);
  });

  it('over broadcastable axes', () => {
    verifyGrad((r) => r.sum(0), [randomArray([1, 4], 27)]);
    verifyGrad((r) => r.mean([0, 1]), [randomArray([1, 4], 28)]);
  });

  it('exact values: d mean / dx = 1 / count, d sum / dx = 1', () => {
    const x = T.dmatrix('x');
    const f = th.function([x], [T.grad(x.mean(), x), T.grad(x.sum(1).mean(), x), T.grad(x.mean(0).sum(), x)]);
    const [g1, g2, g3] = f([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectAllClose(g1!, [
      [1 / 6, 1 / 6, 1 / 6],
      [1 / 6, 1 / 6, 1 / 6],
    ]);
    expectAllClose(g2!, [
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
    ]);
    expectAllClose(g3!, [
      [0.5, 0.5, 0.5],
      [0.5, 0.5, 0.5],
    ]);
  });

  it('float32 and a float64 accumulation dtype keep the input dtype in the gradient', () => {
    verifyGrad((x) => T.sum(x, 1), [randomArray([3, 4], 29, 'float32')]);
    verifyGrad((x) => T.mean(x, 0), [randomArray([3, 4], 30, 'float32')]);
    const x = T.fmatrix('x');
    const g = T.grad(T.sum(x, null, { dtype: 'float64' }), x);
    expect(g.dtype).toBe('float32');
    expect(th.function([x], g)([[1, 2]]).dtype).toBe('float32');
  });
});

describe('dot', () => {
  const cases: [string, number[], number[]][] = [
    ['vector · vector', [4], [4]],
    ['matrix · vector', [3, 4], [4]],
    ['vector · matrix', [4], [4, 2]],
    ['matrix · matrix', [3, 4], [4, 2]],
  ];
  for (const [name, sa, sb] of cases) {
    it(`${name}, float64`, () => {
      verifyGrad((a, b) => T.dot(a, b), [randomArray(sa, 31), randomArray(sb, 32)]);
    });
    it(`${name}, float32`, () => {
      verifyGrad((a, b) => T.dot(a, b), [randomArray(sa, 33, 'float32'), randomArray(sb, 34, 'float32')]);
    });
  }

  it('exact gradients of the matrix product: g·Bᵀ and Aᵀ·g', () => {
    const a = T.dmatrix('a');
    const b = T.dmatrix('b');
    const [ga, gb] = T.grad(T.dot(a, b).sum(), [a, b]);
    const [va, vb] = th.function([a, b], [ga!, gb!])(
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6, 7],
        [8, 9, 10],
      ],
    );
    expectAllClose(va!, [
      [18, 27],
      [18, 27],
    ]);
    expectAllClose(vb!, [
      [4, 4, 4],
      [6, 6, 6],
    ]);
  });

  it('a row or column operand (broadcastable axes) and the method form', () => {
    verifyGrad((r, m) => r.dot(m), [randomArray([1, 3], 35), randomArray([3, 2], 36)]);
    verifyGrad((m, c) => m.dot(c), [randomArray([2, 3], 37), randomArray([3, 1], 38)]);
    verifyGrad((a, b) => T.dot(a, b).dot(a.T), [randomArray([2, 3], 39), randomArray([3, 3], 40)]);
  });

  it('mixed float32 · float64 gives each operand a gradient of its own dtype', () => {
    const a = T.fmatrix('a');
    const v = T.dvector('v');
    const [ga, gv] = T.grad(T.dot(a, v).sum(), [a, v]);
    expect(ga!.dtype).toBe('float32');
    expect(gv!.dtype).toBe('float64');
    verifyGrad((x, y) => T.dot(x, y), [randomArray([2, 3], 41, 'float32'), randomArray([3], 42)]);
  });
});

describe('compositions', () => {
  /** sum(tanh(x·W1 + b1)·W2): two layers, the hidden bias broadcast over the rows. */
  const net = (x: TensorVariable, W1: TensorVariable, b1: TensorVariable, W2: TensorVariable): TensorVariable =>
    T.dot(T.tanh(T.add(T.dot(x, W1), b1)), W2).sum();

  it('a 2-layer tanh network with a row bias', () => {
    verifyGrad(net, [randomArray([5, 3], 50), randomArray([3, 4], 51), randomArray([1, 4], 52), randomArray([4, 2], 53)]);
  });

  it('a 2-layer tanh network with a vector bias and a vector output layer', () => {
    verifyGrad(net, [randomArray([5, 3], 54), randomArray([3, 4], 55), randomArray([4], 56), randomArray([4], 57)]);
  });

  it('the same network in float32', () => {
    verifyGrad(net, [
      randomArray([4, 3], 58, 'float32'),
      randomArray([3, 4], 59, 'float32'),
      randomArray([4], 60, 'float32'),
      randomArray([4], 61, 'float32'),
    ]);
  });

  it('the network gradient agrees with a hand-written backward pass', () => {
    const x = T.dmatrix('x');
    const W1 = T.dmatrix('W1');
    const b1 = T.dvector('b1');
    const W2 = T.dvector('W2');
    const gs = T.grad(net(x, W1, b1, W2), [W1, b1, W2]);
    const X = randomArray([3, 2], 62);
    const w1 = randomArray([2, 2], 63);
    const bb = randomArray([2], 64);
    const w2 = randomArray([2], 65);
    const [gW1, gb1, gW2] = th.function([x, W1, b1, W2], gs)(X, w1, bb, w2);
    // Forward and backward by hand.
    const h = [0, 1, 2].map((i) => [0, 1].map((j) => Math.tanh(X.get(i, 0) * w1.get(0, j) + X.get(i, 1) * w1.get(1, j) + bb.get(j))));
    const dz = h.map((row) => row.map((hv, j) => w2.get(j) * (1 - hv * hv)));
    expectAllClose(gW2!, [0, 1].map((j) => h.reduce((s, row) => s + row[j]!, 0)), { rtol: 1e-12 });
    expectAllClose(gb1!, [0, 1].map((j) => dz.reduce((s, row) => s + row[j]!, 0)), { rtol: 1e-12 });
    expectAllClose(
      gW1!,
      [0, 1].map((k) => [0, 1].map((j) => dz.reduce((s, row, i) => s + X.get(i, k) * row[j]!, 0))),
      { rtol: 1e-12 },
    );
  });

  it('mixed elementwise, reductions and shuffles', () => {
    verifyGrad((x, y) => T.mean(T.mul(T.exp(T.sum(x, 1)), y)), [randomArray([3, 2], 66), randomArray([3], 67)]);
    verifyGrad((x) => T.sum(T.dot(x, x.T), 0), [randomArray([3, 2], 68)]);
    verifyGrad((x, y) => T.sqr(T.sub(T.dot(x, y), T.mean(y))).mean(), [randomArray([2, 3], 69), randomArray([3, 2], 70)]);
  });

  it('0-d inputs throughout', () => {
    verifyGrad((a, b) => T.mul(T.exp(a), T.sin(b)), [th.array(0.4), th.array(-1.1)]);
    verifyGrad((a, v) => T.dot(T.mul(v, a), v), [th.array(0.4), randomArray([3], 71)]);
    verifyGrad((a) => T.sum(T.mul(a, a), null, { keepdims: true }), [th.array(2.0)]);
    verifyGrad((a) => T.mean(T.tanh(a)), [th.array(0.25, { dtype: 'float32' })]);
  });
});

describe("the seed's logistic regression", () => {
  const N = 10;
  const FEATS = 3;

  /** The seed's cost: cross-entropy of the logistic model plus 0.01·|w|². */
  function model(x: TensorVariable, y: TensorVariable, w: TensorVariable, b: TensorVariable) {
    const p1 = T.trueDiv(1, T.add(1, T.exp(T.sub(T.dot(x, w).neg(), b))));
    const xent = T.sub(T.mul(y.neg(), T.log(p1)), T.mul(T.sub(1, y), T.log(T.sub(1, p1))));
    const cost = T.add(xent.mean(), T.mul(0.01, T.pow(w, 2).sum()));
    const prediction = T.gt(p1, 0.5);
    return { p1, xent, cost, prediction };
  }

  const X = randn([N, FEATS], 100);
  const labelRng = seededRandom(101);
  const Y = th.array(Array.from({ length: N }, () => (labelRng() < 0.5 ? 0 : 1)));

  it('its gradient passes verifyGrad w.r.t. w and b', () => {
    const x = T.constant(X);
    const y = T.constant(Y);
    verifyGrad((w, b) => model(x, y, w, b).cost, [randn([FEATS], 102), th.array(0.3)]);
    // And w.r.t. the data too, for good measure.
    verifyGrad((xx, w) => model(xx, y, w, T.constant(0.1)).cost, [X, randn([FEATS], 103)]);
  });

  it('its gradient is Xᵀ(p - y)/N + 0.02 w and mean(p - y)', () => {
    const x = T.dmatrix('x');
    const y = T.dvector('y');
    const w = T.dvector('w');
    const b = T.dscalar('b');
    const { cost } = model(x, y, w, b);
    const W = randn([FEATS], 104);
    const [gw, gb] = th.function([x, y, w, b], T.grad(cost, [w, b]))(X, Y, W, 0.2);
    const p = [...Array(N).keys()].map((i) => 1 / (1 + Math.exp(-([0, 1, 2].reduce((s, j) => s + X.get(i, j) * W.get(j), 0) + 0.2))));
    const r = p.map((pi, i) => pi - Y.get(i));
    expectAllClose(gw!, [0, 1, 2].map((j) => r.reduce((s, ri, i) => s + X.get(i, j) * ri, 0) / N + 0.02 * W.get(j)), { rtol: 1e-10 });
    expectAllClose(gb!, r.reduce((s, ri) => s + ri, 0) / N, { rtol: 1e-10 });
  });

  it('1000 training steps with updates: the cost falls and stays finite', () => {
    const x = T.dmatrix('x');
    const y = T.dvector('y');
    const w = th.shared(randn([FEATS], 105), 'w');
    const b = th.shared(0, 'b');
    const { xent, cost, prediction } = model(x, y, w, b);
    const [gw, gb] = T.grad(cost, [w, b]);
    const train = th.function([x, y], [prediction, xent], {
      updates: [
        [w, T.sub(w, T.mul(0.1, gw!))],
        [b, T.sub(b, T.mul(0.1, gb!))],
      ],
    });
    const predict = th.function([x], prediction);
    const costOf = th.function([x, y], cost);

    const errors = (pred: th.NDArray) => [...Array(N).keys()].filter((i) => Number(pred.get(i)) !== Y.get(i)).length;
    const initialCost = Number(costOf(X, Y));
    const initialErrors = errors(predict(X));
    expect(Number.isFinite(initialCost)).toBe(true);

    const trace: number[] = [];
    for (let step = 0; step < 1000; step++) {
      const [pred, xe] = train(X, Y);
      expect(pred!.dtype).toBe('bool');
      if (step % 100 === 99) {
        const xeValues = Array.from(xe!.flatData(), Number);
        expect(xeValues.every(Number.isFinite)).toBe(true);
        trace.push(Number(costOf(X, Y)));
      }
    }
    const finalCost = Number(costOf(X, Y));
    expect(Number.isFinite(finalCost)).toBe(true);
    expect(Array.from(w.getValue().flatData()).every(Number.isFinite)).toBe(true);
    expect(finalCost).toBeLessThan(initialCost);
    // Gradient descent with a small step on a convex cost: it never goes up.
    for (let k = 1; k < trace.length; k++) expect(trace[k]!).toBeLessThanOrEqual(trace[k - 1]! + 1e-12);
    expect(errors(predict(X))).toBeLessThanOrEqual(initialErrors);
    // Near a minimum: the gradient is small.
    const gNorm = th.function([x, y], T.sqr(gw!).sum())(X, Y);
    expect(Number(gNorm)).toBeLessThan(1e-2);
  });
});
