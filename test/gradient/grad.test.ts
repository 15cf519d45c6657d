/**
 * `grad` (SPEC §4): the seed's sigmoid example, the form of the answer,
 * gradients w.r.t. shared and intermediate variables, second order, every
 * option of `GradOptions`, the errors, discrete inputs and broadcasting.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as th from '../../src/index.js';
import * as scalar from '../../src/scalar/ops.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import { expectAllClose } from '../helpers/allclose.js';

const T = th.tensor;
const G = th.gradient;

const NO_OPT = new th.Mode({ optimizer: null });

/** Uniform numbers in [lo, hi), reproducibly. */
function randomArray(shape: number[], seed: number, lo = -1, hi = 1): th.NDArray {
  const rng = G.seededRandom(seed);
  const out = th.zeros(shape);
  for (let k = 0; k < out.size; k++) out.data[k] = lo + (hi - lo) * rng();
  return out;
}

const values = (a: th.NDArray): number[] => Array.from(a.flatData(), Number);

describe('the seed example: the derivative of the logistic function', () => {
  it('f(3) of grad(1 / (1 + exp(-x)), x) is 0.045176658779382706 in float32', () => {
    const x = T.fscalar('x');
    const y = T.trueDiv(1, T.add(1, T.exp(x.neg())));
    const gy = T.grad(y, x);
    expect(gy).toBeInstanceOf(T.TensorVariable);
    expect(gy.dtype).toBe('float32');
    expect(gy.ndim).toBe(0);
    const f = th.function([x], gy);
    const out = f(3);
    expect(out.dtype).toBe('float32');
    expect(out.shape).toEqual([]);
    // float32 precision: within a couple of ulps (2^-23 relative) of the exact value.
    expectAllClose(out, 0.045176658779382706, { rtol: 3e-7 });
    // And it is the derivative everywhere, not just at 3: s(x)(1 - s(x)).
    for (const v of [-4, -0.5, 0, 1.25, 6]) {
      const s = 1 / (1 + Math.exp(-v));
      expectAllClose(f(v), s * (1 - s), { rtol: 1e-6, atol: 1e-9 });
    }
  });

  it('the same graph runs unoptimized (optimizer: null) with the same value, and prints', () => {
    const x = T.fscalar('x');
    const gy = T.grad(T.trueDiv(1, T.add(1, T.exp(x.neg()))), x);
    const f = th.function([x], gy, { mode: NO_OPT });
    expect(f.maker.mode.optimizer).toBeNull();
    expectAllClose(f(3), 0.045176658779382706, { rtol: 3e-7 });
    expect(typeof String(gy)).toBe('string');
    expect(String(gy).length).toBeGreaterThan(0);
    expect(String(gy.owner!.op)).toMatch(/Elemwise/);
  });
});

describe('the form of the answer', () => {
  it('one wrt gives one variable, a list gives a list in the same order', () => {
    const [a, b] = T.scalars('a', 'b');
    const cost = T.add(T.mul(a, 2), T.mul(b, 5));
    const one = T.grad(cost, a);
    expect(Array.isArray(one)).toBe(false);
    expect(one).toBeInstanceOf(T.TensorVariable);
    const both = T.grad(cost, [b, a]);
    expect(Array.isArray(both)).toBe(true);
    expect(both).toHaveLength(2);
    const f = th.function([a, b], both, { onUnusedInput: 'ignore' }); // constant gradients
    const [gb, ga] = f(1, 1);
    expect(Number(gb)).toBe(5);
    expect(Number(ga)).toBe(2);
    const single = T.grad(cost, [a]);
    expect(Array.isArray(single)).toBe(true);
    expect(single).toHaveLength(1);
  });

  it('th.grad, T.grad and th.gradient.grad are the same function', () => {
    expect(th.grad).toBe(G.grad);
    expect(T.grad).toBe(G.grad);
  });

  it('gradients have the type of their variable', () => {
    const x = T.fmatrix('x');
    const w = T.dvector('w');
    const cost = T.dot(T.cast(x, 'float64'), w).sum();
    const [gx, gw] = T.grad(cost, [x, w]);
    expect(gx!.dtype).toBe('float32');
    expect(gx!.ndim).toBe(2);
    expect(gw!.dtype).toBe('float64');
    expect(gw!.ndim).toBe(1);
  });
});

describe('what can be differentiated with respect to', () => {
  it('shared variables: the logistic-regression parameters', () => {
    const w = th.shared(th.array([0.5, -1, 2]), 'w');
    const b = th.shared(0.25, 'b');
    const x = T.dmatrix('x');
    const y = T.dvector('y');
    const z = T.add(T.dot(x, w), b);
    const cost = T.sqr(T.sub(z, y)).sum();
    const [gw, gb] = T.grad(cost, [w, b]);
    const f = th.function([x, y], [gw!, gb!]);
    const X = [
      [1, 2, 3],
      [0, -1, 1],
    ];
    const Y = [1, 0];
    const [vw, vb] = f(X, Y);
    // d/dw sum((Xw + b - y)^2) = 2 Xᵀ r, d/db = 2 sum(r).
    const r = X.map((row, i) => row[0]! * 0.5 - row[1]! + row[2]! * 2 + 0.25 - Y[i]!);
    expectAllClose(vw!, [0, 1, 2].map((j) => 2 * (X[0]![j]! * r[0]! + X[1]![j]! * r[1]!)), { rtol: 1e-12 });
    expectAllClose(vb!, 2 * (r[0]! + r[1]!), { rtol: 1e-12 });
    // The gradient follows the shared value.
    w.setValue([0, 0, 0]);
    b.setValue(0);
    const [vw2] = f(X, Y);
    expectAllClose(vw2!, [0, 1, 2].map((j) => 2 * (X[0]![j]! * -Y[0]! + X[1]![j]! * -Y[1]!)), { rtol: 1e-12 });
  });

  it('intermediate variables, alone or together with the inputs they come from', () => {
    const x = T.dvector('x');
    const h = T.mul(x, 2);
    const cost = T.sqr(h).sum();
    const gh = T.grad(cost, h);
    const [gx, gh2] = T.grad(cost, [x, h]);
    const f = th.function([x], [gh, gx!, gh2!]);
    const [vh, vx, vh2] = f([1, -2, 0.5]);
    expectAllClose(vh!, [4, -8, 2]); // 2h
    expectAllClose(vx!, [8, -16, 4]); // 8x
    expectAllClose(vh2!, [4, -8, 2]);
  });

  it('an intermediate variable used twice collects both contributions', () => {
    const x = T.dscalar('x');
    const h = T.exp(x);
    const cost = T.add(T.mul(h, h), T.sin(h));
    const f = th.function([x], T.grad(cost, h));
    const e = Math.exp(0.3);
    expectAllClose(f(0.3), 2 * e + Math.cos(e), { rtol: 1e-12 });
  });

  it('the cost itself: d cost / d cost = 1', () => {
    const x = T.dscalar('x');
    const c = T.mul(x, x);
    expect(Number(th.function([x], T.grad(c, c), { onUnusedInput: 'ignore' })(5))).toBe(1);
  });
});

describe('second-order gradients', () => {
  it('grad of grad of a scalar function matches the analytic second derivative', () => {
    const x = T.dscalar('x');
    const y = T.mul(T.pow(x, 3), T.sin(x)); // x³ sin x
    const g1 = T.grad(y, x);
    const g2 = T.grad(g1, x);
    const f = th.function([x], [g1, g2]);
    for (const v of [-1.2, 0.4, 2]) {
      const [d1, d2] = f(v);
      expectAllClose(d1!, 3 * v * v * Math.sin(v) + v ** 3 * Math.cos(v), { rtol: 1e-12 });
      expectAllClose(d2!, 6 * v * Math.sin(v) + 6 * v * v * Math.cos(v) - v ** 3 * Math.sin(v), { rtol: 1e-12 });
    }
  });

  it('the gradient graph itself passes verifyGrad (second derivatives checked numerically)', () => {
    G.verifyGrad((x) => T.grad(T.mul(T.exp(x), T.sin(x)).sum(), x), [th.array([-0.7, 0.3, 1.1])]);
    G.verifyGrad((x, w) => T.grad(T.tanh(T.dot(x, w)).sum(), w), [randomArray([3, 2], 11), randomArray([2], 12)]);
  });

  it('third order works too', () => {
    const x = T.dscalar('x');
    const g3 = T.grad(T.grad(T.grad(T.pow(x, 4), x), x), x);
    expectAllClose(th.function([x], g3)(1.5), 24 * 1.5, { rtol: 1e-12 });
  });
});

describe('options: considerConstant', () => {
  const build = () => {
    const x = T.dvector('x');
    const h = T.mul(x, x);
    const cost = T.mul(h, x).sum(); // x³ as h·x
    return { x, h, cost };
  };

  it('stops the gradient at the listed variables', () => {
    const { x, h, cost } = build();
    const full = th.function([x], T.grad(cost, x));
    const held = th.function([x], T.grad(cost, x, { considerConstant: [h] }));
    expectAllClose(full([1, 2, -3]), [3, 12, 27]); // 3x²
    expectAllClose(held([1, 2, -3]), [1, 4, 9]); // h
  });

  it('a variable that reaches the cost only through constants is disconnected', () => {
    const { x, h } = build();
    expect(() => T.grad(T.exp(h).sum(), x, { considerConstant: [h] })).toThrow(G.GradientError);
  });

  it('the considerConstant op does the same inside the graph, and keeps the value', () => {
    const x = T.dvector('x');
    const h = G.considerConstant(T.mul(x, x));
    const cost = T.mul(h, x).sum();
    const f = th.function([x], [cost, T.grad(cost, x)]);
    const [c, g] = f([1, 2, -3]);
    expectAllClose(c!, 1 + 8 - 27);
    expectAllClose(g!, [1, 4, 9]);
  });

  it('a wrt variable listed as constant still gets the gradient the cost sends it', () => {
    const { x, cost } = build();
    expectAllClose(th.function([x], T.grad(cost, x, { considerConstant: [x] }))([2]), [12]);
  });
});

describe('options: disconnected inputs', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("'raise' (the default) throws a GradientError naming the variable", () => {
    const x = T.dvector('x');
    const z = T.dmatrix('unusedZ');
    expect(() => T.grad(x.sum(), z)).toThrow(G.GradientError);
    expect(() => T.grad(x.sum(), [x, z])).toThrow(/unusedZ/);
    expect(() => T.grad(x.sum(), z, { disconnectedInputs: 'raise' })).toThrow(/wrt\[0\] 'unusedZ'/);
  });

  it("'warn' warns once, naming the variable, and returns zeros of its shape", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const x = T.dvector('x');
    const z = T.dmatrix('zz');
    const [gx, gz] = T.grad(x.sum(), [x, z], { disconnectedInputs: 'warn' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/'zz'/);
    const f = th.function([x, z], [gx!, gz!]);
    const [vx, vz] = f([1, 2], [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expectAllClose(vx!, [1, 1]);
    expect(vz!.shape).toEqual([2, 3]);
    expect(vz!.dtype).toBe('float64');
    expect(values(vz!)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("'ignore' is silent", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const x = T.dvector('x');
    const z = T.fvector('z');
    const gz = T.grad(x.sum(), z, { disconnectedInputs: 'ignore' });
    expect(warn).not.toHaveBeenCalled();
    expect(gz.dtype).toBe('float32');
    const out = th.function([z], gz)([1, 2, 3]);
    expect(out.dtype).toBe('float32');
    expect(values(out)).toEqual([0, 0, 0]);
  });

  it("returnDisconnected: 'zero' (default), 'null', 'disconnected'", () => {
    const x = T.dvector('x');
    const z = T.dvector('z');
    const cost = x.sum();
    const zero = T.grad(cost, z, { disconnectedInputs: 'ignore', returnDisconnected: 'zero' });
    expect(zero).toBeInstanceOf(T.TensorVariable);
    expect(values(th.function([z], zero)([4, 5]))).toEqual([0, 0]);
    expect(T.grad(cost, z, { disconnectedInputs: 'ignore', returnDisconnected: 'null' })).toBeNull();
    const marker = T.grad(cost, [x, z], { disconnectedInputs: 'ignore', returnDisconnected: 'disconnected' });
    expect(marker[0]).toBeInstanceOf(T.TensorVariable);
    expect(marker[1]).toBe(G.disconnected);
  });

  it('returnDisconnected does not override the raise policy', () => {
    const x = T.dvector('x');
    const z = T.dvector('z');
    expect(() => T.grad(x.sum(), z, { returnDisconnected: 'null' })).toThrow(G.GradientError);
  });

  it('a gradient modifier that disconnects makes the variable disconnected', () => {
    const x = T.dvector('x');
    const cost = T.sqr(G.disconnectedGrad(x)).sum();
    expect(() => T.grad(cost, x)).toThrow(/'x'/);
    expect(T.grad(cost, x, { disconnectedInputs: 'ignore', returnDisconnected: 'null' })).toBeNull();
  });

  it('a shape is not connected to the values it measures', () => {
    const x = T.dvector('x');
    const n = T.cast(T.shapeI(x, 0), 'float64');
    expect(() => T.grad(n, x)).toThrow(G.GradientError);
    // But x used both for its shape and its values gets only the value part.
    const f = th.function([x], T.grad(T.mul(x.sum(), n), x));
    expectAllClose(f([1, 2, 3]), [3, 3, 3]);
  });
});

describe('options: knownGrads', () => {
  it('without a cost: the gradient of an output is given (a Lop by hand)', () => {
    const x = T.dvector('x');
    const u = T.dvector('u');
    const y = T.mul(T.exp(x), 3);
    const gx = T.grad(null, x, { knownGrads: [[y, u]] });
    const f = th.function([x, u], gx);
    const X = [0, 1, -1];
    const U = [1, 2, 0.5];
    expectAllClose(f(X, U), X.map((v, i) => 3 * Math.exp(v) * U[i]!), { rtol: 1e-12 });
    // A Map works as well as pairs, and a literal gradient is accepted.
    const g2 = T.grad(null, x, { knownGrads: new Map([[y, th.array([1, 1, 1])]]) });
    expectAllClose(th.function([x], g2)(X), X.map((v) => 3 * Math.exp(v)), { rtol: 1e-12 });
  });

  it('seeding an intermediate variable: the known gradient flows on to the inputs', () => {
    const x = T.dmatrix('x');
    const w = T.dvector('w');
    const h = T.dot(x, w); // the intermediate
    const gh = T.dvector('gh');
    const [gx, gw] = T.grad(null, [x, w], { knownGrads: [[h, gh]] });
    const f = th.function([x, w, gh], [gx!, gw!]);
    const [vx, vw] = f(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [0.5, -1],
      [1, 0, 2],
    );
    expectAllClose(vx!, [
      [0.5, -1],
      [0, 0],
      [1, -2],
    ]); // outer(gh, w)
    expectAllClose(vw!, [11, 14]); // xᵀ gh
  });

  it('with a cost: the known gradient is added to what the cost sends', () => {
    const x = T.dvector('x');
    const h = T.exp(x);
    const cost = h.sum();
    const u = T.dvector('u');
    const f = th.function([x, u], T.grad(cost, x, { knownGrads: [[h, u]] }));
    const X = [0, 0.5];
    const U = [2, -1];
    expectAllClose(f(X, U), X.map((v, i) => (1 + U[i]!) * Math.exp(v)), { rtol: 1e-12 });
  });

  it('the known gradient of a wrt variable is returned as is', () => {
    const x = T.dvector('x');
    const u = T.dvector('u');
    const g = T.grad(null, x, { knownGrads: [[x, u]] });
    expectAllClose(th.function([u], g)([3, 4]), [3, 4]);
  });

  it('a known gradient of the wrong rank, and no cost nor seed, are errors', () => {
    const x = T.dvector('x');
    const y = T.exp(x);
    expect(() => T.grad(null, x, { knownGrads: [[y, T.dmatrix()]] })).toThrow(th.ShapeError);
    expect(() => T.grad(null, x)).toThrow(G.GradientError);
    expect(() => T.grad(null, x, { knownGrads: [] })).toThrow(/cost|knownGrads/);
  });
});

describe('options: nullGradients (undefined gradients)', () => {
  /** A max-reduction: a CAReduce without a gradient rule. */
  const maxOver0 = (m: TensorVariable): TensorVariable => new T.CAReduce(scalar.maximum, [0]).apply1(m) as TensorVariable;

  it("'raise' (default): a GradientError naming the op and where its node was built", () => {
    const m = T.dmatrix('m');
    const cost = maxOver0(m).sum();
    let error: unknown;
    try {
      T.grad(cost, m);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(G.GradientError);
    const message = (error as Error).message;
    expect(message).toMatch(/'m'/);
    expect(message).toMatch(/CAReduce\{maximum/);
    expect(message).toMatch(/grad\.test\.ts/); // the node was built in this file
    expect(() => T.grad(cost, m, { nullGradients: 'raise' })).toThrow(G.GradientError);
  });

  it("'return' gives null for that variable, and real gradients for the others", () => {
    const m = T.dmatrix('m');
    const w = T.dvector('w');
    const cost = T.add(maxOver0(m).sum(), T.sqr(w).sum());
    expect(T.grad(cost, m, { nullGradients: 'return' })).toBeNull();
    const [gm, gw] = T.grad(cost, [m, w], { nullGradients: 'return' });
    expect(gm).toBeNull();
    expectAllClose(th.function([w], gw!)([1, -2]), [2, -4]);
  });

  it('an undefined gradient wins over defined ones on other paths', () => {
    const m = T.dmatrix('m');
    const cost = T.add(maxOver0(m).sum(), m.sum());
    expect(() => T.grad(cost, m)).toThrow(/CAReduce\{maximum/);
  });

  it('gradients flow through the jacobian loop (a scan): d/dx Σ J(x³) = 6x on the diagonal', () => {
    const x = T.dvector('x');
    const J = G.jacobian(x.pow(3), x) as TensorVariable;
    const g = T.grad(J.sum(), x);
    expect(th.function([x], g)([1, -2, 0.5]).toArray()).toEqual([6, -12, 3]);
  });

  it('an undefined gradient does not matter for variables that do not need it', () => {
    const m = T.dmatrix('m');
    const w = T.dvector('w');
    const cost = T.add(maxOver0(m).sum(), T.sqr(w).sum());
    expectAllClose(th.function([w], T.grad(cost, w))([3]), [6]);
  });
});

describe('errors about the cost', () => {
  it('a non-scalar cost is refused, with a hint to reduce it', () => {
    const x = T.dvector('x');
    expect(() => T.grad(T.exp(x), x)).toThrow(G.GradientError);
    expect(() => T.grad(T.exp(x), x)).toThrow(/scalar/);
    expect(() => T.grad(T.dmatrix('m'), x)).toThrow(/sum|mean/);
  });

  it('an integer or bool cost is a DTypeError', () => {
    const i = T.ivector('i');
    expect(() => T.grad(i.sum(), i)).toThrow(th.DTypeError);
    const x = T.dscalar('x');
    expect(() => T.grad(T.gt(x, 0), x)).toThrow(th.DTypeError);
  });

  it('a wrt that is not a tensor variable is refused', () => {
    const x = T.dscalar('x');
    expect(() => T.grad(x, [x, 3 as unknown as TensorVariable])).toThrow(G.GradientError);
  });
});

describe('discrete inputs', () => {
  it('integer inputs get float (floatX) zeros of their shape', () => {
    const i = T.ivector('i');
    const x = T.dvector('x');
    const cost = T.mul(T.cast(i, 'float64'), x).sum();
    const [gi, gx] = T.grad(cost, [i, x]);
    expect(gi!.dtype).toBe(th.config.floatX);
    expect(gi!.ndim).toBe(1);
    const [vi, vx] = th.function([i, x], [gi!, gx!])([1, 2, 3], [0.5, 1, 2]);
    expect(vi!.shape).toEqual([3]);
    expect(vi!.dtype).toBe(th.config.floatX);
    expect(values(vi!)).toEqual([0, 0, 0]);
    expectAllClose(vx!, [1, 2, 3]);
  });

  it('float32 floatX gives float32 zeros', () => {
    const saved = th.config.floatX;
    th.config.floatX = 'float32';
    try {
      const i = T.imatrix('i');
      const g = T.grad(T.cast(i, 'float32').sum(), i);
      expect(g.dtype).toBe('float32');
      const out = th.function([i], g)([
        [1, 2],
        [3, 4],
        [5, 6],
      ]);
      expect(out.shape).toEqual([3, 2]);
      expect(out.dtype).toBe('float32');
    } finally {
      th.config.floatX = saved;
    }
  });

  it('bool inputs get zeros too', () => {
    const b = T.tensor('bool', [null, null], 'b');
    const g = T.grad(T.cast(b, 'float64').sum(), b);
    expect(g.dtype).toBe(th.config.floatX);
    const out = th.function([b], g)([[true, false, true]]);
    expect(out.shape).toEqual([1, 3]);
    expect(values(out)).toEqual([0, 0, 0]);
  });

  it('an integer input reached through integer arithmetic is still connected (zeros, no error)', () => {
    const i = T.ivector('i');
    const g = T.grad(T.cast(T.mul(i, 2), 'float64').sum(), i);
    const out = th.function([i], g)([1, 2]);
    expect(out.dtype).toBe(th.config.floatX);
    expect(values(out)).toEqual([0, 0]);
  });

  it('a float reaching the cost only through a comparison or an int cast has a zero gradient', () => {
    const x = T.dvector('x');
    for (const through of [(v: TensorVariable) => T.gt(v, 0), (v: TensorVariable) => T.cast(v, 'int32')]) {
      const g = T.grad(T.cast(through(x), 'float64').sum(), x);
      expect(g.dtype).toBe('float64');
      expect(values(th.function([x], g)([-1.5, 2.5]))).toEqual([0, 0]);
    }
  });
});

describe('broadcasting', () => {
  it('a row input gets a row gradient: the column sums', () => {
    const r = T.row('r');
    const m = T.matrix('m');
    const cost = T.mul(T.add(r, m), m).sum(); // d/dr = column sums of m
    const g = T.grad(cost, r);
    expect(g.broadcastable).toEqual([true, false]);
    const M = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    const out = th.function([r, m], g)([[1, 2]], M);
    expect(out.shape).toEqual([1, 2]);
    expectAllClose(out, [[9, 12]]);
  });

  it('a column input gets a column gradient: the row sums', () => {
    const c = T.col('c');
    const m = T.matrix('m');
    const g = T.grad(T.mul(c, m).sum(), c);
    expect(g.broadcastable).toEqual([false, true]);
    expectAllClose(th.function([c, m], g)([[1], [1]], [
      [1, 2, 3],
      [4, 5, 6],
    ]), [[6], [15]]);
  });

  it('a vector broadcast over matrix rows and a 0-d value over everything', () => {
    const v = T.dvector('v');
    const s = T.dscalar('s');
    const m = T.dmatrix('m');
    const cost = T.mul(T.add(T.add(m, v), s), m).sum();
    const [gv, gs] = T.grad(cost, [v, s]);
    expect(gv!.broadcastable).toEqual([false]);
    expect(gs!.ndim).toBe(0);
    const [vv, vs] = th.function([v, s, m], [gv!, gs!])([1, 1], 2, [
      [1, 2],
      [3, 4],
    ]);
    expectAllClose(vv!, [4, 6]);
    expectAllClose(vs!, 10);
  });

  it('a row bias in a dense layer: the gradient is the column sum of the upstream gradient', () => {
    const x = T.dmatrix('x');
    const W = T.dmatrix('W');
    const b = T.row('b', 'float64');
    const cost = T.sqr(T.add(T.dot(x, W), b)).sum();
    const gb = T.grad(cost, b);
    expect(gb.broadcastable).toEqual([true, false]);
    G.verifyGrad((xx, ww, bb) => T.sqr(T.add(T.dot(xx, ww), bb)).sum(), [randomArray([4, 3], 1), randomArray([3, 2], 2), randomArray([1, 2], 3)]);
  });
});

describe('gradient graphs are ordinary graphs', () => {
  it('they compile with and without rewrites to the same values', () => {
    const x = T.dmatrix('x');
    const w = T.dvector('w');
    const cost = T.mean(T.tanh(T.dot(x, w)));
    const gs = T.grad(cost, [x, w]);
    const X = randomArray([3, 4], 5);
    const W = randomArray([4], 6);
    const fast = th.function([x, w], gs)(X, W);
    const plain = th.function([x, w], gs, { mode: NO_OPT })(X, W);
    expectAllClose(plain[0]!, fast[0]!, { rtol: 1e-12 });
    expectAllClose(plain[1]!, fast[1]!, { rtol: 1e-12 });
    expect(String(gs[0])).not.toBe('');
  });

  it('building a gradient leaves the forward graph unchanged', () => {
    const x = T.dvector('x');
    const y = T.exp(x).sum();
    const before = th.graph.toposort([], [y]).length;
    T.grad(y, x);
    expect(th.graph.toposort([], [y]).length).toBe(before);
  });
});
