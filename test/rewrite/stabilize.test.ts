/**
 * Stable sigmoid gradients: T.grad of costs written with 1 / (1 + exp(-z))
 * builds exp(u) / sqr(1 + exp(u)) and divisions by the probabilities; the
 * stabilize rewrites turn them into sigmoids and cancel the divisions, so
 * gradients are finite at |z| = 1000 and equal the analytic ones.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { Elemwise } from '../../src/tensor/elemwise.js';
import type { FunctionGraph } from '../../src/graph/fgraph.js';
import { expectAllClose } from '../helpers/allclose.js';

const T = th.tensor;
const noFusion = new th.Mode({ excluding: ['fusion'] });
const plain = new th.Mode({ optimizer: null });

const stableSigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

function scalarOps(fg: FunctionGraph): string[] {
  return [...fg.applyNodes].flatMap((n) => (n.op instanceof Elemwise ? [n.op.scalarOp.name] : []));
}

const zs = [-1000, -30, -1.5, 0, 0.25, 2, 30, 1000];

describe('stable gradients of 1 / (1 + exp(-z))', () => {
  it('d/dz log(1 / (1 + exp(-z))) = sigmoid(-z), finite at |z| = 1000', () => {
    const z = T.dvector('z');
    const p = T.trueDiv(1, T.add(1, T.exp(z.neg())));
    const [gz] = T.grad(T.log(p).sum(), [z]);
    const f = th.function([z], gz!, { mode: noFusion });
    expect(scalarOps(f.maker.fgraph)).not.toContain('exp');
    expectAllClose(f(zs), zs.map((v) => stableSigmoid(-v)), { rtol: 1e-12, atol: 1e-300 });
    // Where the plain graph is finite, the two agree.
    const g = th.function([z], gz!, { mode: plain });
    const mid = [-1.5, 0, 0.25, 2];
    expectAllClose(f(mid), g(mid), { rtol: 1e-12 });
  });

  it('d/dz log(1 - 1 / (1 + exp(-z))) = -sigmoid(z), finite at |z| = 1000', () => {
    const z = T.dvector('z');
    const p = T.trueDiv(1, T.add(1, T.exp(z.neg())));
    const [gz] = T.grad(T.log(T.sub(1, p)).sum(), [z]);
    const f = th.function([z], gz!, { mode: noFusion });
    expectAllClose(f(zs), zs.map((v) => -stableSigmoid(v)), { rtol: 1e-12, atol: 1e-300 });
    const g = th.function([z], gz!, { mode: plain });
    expectAllClose(f([-1.5, 0, 2]), g([-1.5, 0, 2]), { rtol: 1e-12 });
  });

  it('exp(u) / sqr(1 + exp(u)) becomes sigmoid(u) * sigmoid(-u)', () => {
    const u = T.dvector('u');
    const e = T.trueDiv(T.exp(u), T.sqr(T.add(1, T.exp(u))));
    const f = th.function([u], e, { mode: noFusion });
    expect(scalarOps(f.maker.fgraph)).not.toContain('exp');
    expect(scalarOps(f.maker.fgraph)).toContain('sigmoid');
    expectAllClose(f(zs), zs.map((v) => stableSigmoid(v) * stableSigmoid(-v)), { rtol: 1e-12, atol: 1e-300 });
  });

  it('(a / s + b) * s cancels the division', () => {
    const [a, b, s] = [T.dvector('a'), T.dvector('b'), T.dvector('s')];
    const e = T.mul(T.add(T.trueDiv(a, s), b), s);
    const f = th.function([a, b, s], e, { mode: noFusion });
    expect(scalarOps(f.maker.fgraph)).not.toContain('trueDiv');
    const g = th.function([a, b, s], e, { mode: plain });
    const args = [[1, -2, 3], [0.5, 4, -1], [2, -0.25, 8]];
    expectAllClose(f(...args), g(...args), { rtol: 1e-12 });
  });

  it('the logistic-regression cost and gradients are finite and analytic at |x·w| = 1000', () => {
    const x = T.dmatrix('x');
    const y = T.dvector('y');
    const wv = [2, -1, 0.5];
    const w = th.shared(th.array(wv), 'w');
    const b = th.shared(0, 'b');
    const p1 = T.trueDiv(1, T.add(1, T.exp(T.dot(x, w).neg().sub(b))));
    const xent = y.neg().mul(T.log(p1)).sub(T.sub(1, y).mul(T.log(T.sub(1, p1))));
    const cost = xent.mean().add(T.mul(0.01, w.pow(2).sum()));
    const [gw, gb] = T.grad(cost, [w, b]);
    // Rows with x·w = 1000, -1000 (each with both labels) and two ordinary ones.
    const X = [
      [500, 0, 0],
      [500, 0, 0],
      [0, 1000, 0],
      [0, 1000, 0],
      [0.3, -0.2, 0.1],
      [-0.5, 0.4, 1.5],
    ];
    const Y = [1, 0, 1, 0, 1, 0];
    for (const mode of [undefined, noFusion]) {
      const f = th.function([x, y], [cost, gw!, gb!], { mode });
      const [c, dw, db] = f(X, Y);
      const N = X.length;
      const z = X.map((row) => row.reduce((s, v, k) => s + v * wv[k]!, 0));
      const p = z.map(stableSigmoid);
      const cExpected = z.reduce((s, zi, i) => s + Y[i]! * softplus(-zi) + (1 - Y[i]!) * softplus(zi), 0) / N + 0.01 * wv.reduce((s, v) => s + v * v, 0);
      const gwExpected = wv.map((wk, k) => X.reduce((s, row, i) => s + row[k]! * (p[i]! - Y[i]!), 0) / N + 0.02 * wk);
      const gbExpected = p.reduce((s, pi, i) => s + pi - Y[i]!, 0) / N;
      for (const v of [c!, dw!, db!]) expect((v.toArray() as number[] | number).toString()).not.toMatch(/NaN|Infinity/);
      expectAllClose(c!, cExpected, { rtol: 1e-9 });
      expectAllClose(dw!, gwExpected, { rtol: 1e-9, atol: 1e-9 });
      expectAllClose(db!, gbExpected, { rtol: 1e-9, atol: 1e-9 });
    }
  });
});
