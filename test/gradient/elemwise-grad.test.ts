/**
 * Gradients of every differentiable scalar op, checked by verifyGrad in
 * float64 (tight) and float32, on 0-d, vector and broadcast operands.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import type { TensorVariable } from '../../src/tensor/variable.js';

const T = th.tensor;
const { verifyGrad } = th.gradient;

type Unary = (x: TensorVariable) => TensorVariable;
type Binary = (x: TensorVariable, y: TensorVariable) => TensorVariable;

/** Points inside each function's domain, away from kinks. */
const UNARY: [string, Unary, number[]][] = [
  ['neg', T.neg, [-1.3, 0.2, 2.5]],
  ['abs', T.abs, [-1.3, 0.2, 2.5]],
  ['sqr', T.sqr, [-1.3, 0.2, 2.5]],
  ['reciprocal', T.reciprocal, [-1.3, 0.4, 2.5]],
  ['exp', T.exp, [-1.3, 0.2, 2.5]],
  ['exp2', T.exp2, [-1.3, 0.2, 2.5]],
  ['expm1', T.expm1, [-1.3, 1e-3, 2.5]],
  ['log', T.log, [0.3, 1.2, 4.5]],
  ['log2', T.log2, [0.3, 1.2, 4.5]],
  ['log10', T.log10, [0.3, 1.2, 4.5]],
  ['log1p', T.log1p, [-0.5, 1e-3, 4.5]],
  ['sqrt', T.sqrt, [0.3, 1.2, 4.5]],
  ['sin', T.sin, [-1.3, 0.2, 2.5]],
  ['cos', T.cos, [-1.3, 0.2, 2.5]],
  ['tan', T.tan, [-1.2, 0.2, 1.1]],
  ['arcsin', T.arcsin, [-0.7, 0.2, 0.6]],
  ['arccos', T.arccos, [-0.7, 0.2, 0.6]],
  ['arctan', T.arctan, [-1.3, 0.2, 2.5]],
  ['sinh', T.sinh, [-1.3, 0.2, 2.5]],
  ['cosh', T.cosh, [-1.3, 0.2, 2.5]],
  ['tanh', T.tanh, [-1.3, 0.2, 2.5]],
  ['sigmoid', T.sigmoid, [-3.3, 0.2, 2.5]],
  ['softplus', T.softplus, [-3.3, 0.2, 2.5]],
  ['erf', T.erf, [-1.3, 0.2, 2.5]],
  ['erfc', T.erfc, [-1.3, 0.2, 2.5]],
];

const BINARY: [string, Binary, number[], number[]][] = [
  ['add', (x, y) => T.add(x, y), [-1.3, 0.2, 2.5], [0.7, -2, 3]],
  ['sub', T.sub, [-1.3, 0.2, 2.5], [0.7, -2, 3]],
  ['mul', (x, y) => T.mul(x, y), [-1.3, 0.2, 2.5], [0.7, -2, 3]],
  ['trueDiv', T.trueDiv, [-1.3, 0.2, 2.5], [0.7, -2, 3]],
  ['pow', T.pow, [0.3, 1.2, 2.5], [0.7, -2, 3]],
  ['mod', T.mod, [1.3, 0.2, 5.5], [0.7, 2.1, 3]],
  ['maximum', T.maximum, [-1.3, 0.2, 2.5], [0.7, -2, 3]],
  ['minimum', T.minimum, [-1.3, 0.2, 2.5], [0.7, -2, 3]],
  ['arctan2', T.arctan2, [-1.3, 0.2, 2.5], [0.7, -2, 3]],
];

describe('gradients of elementwise ops (verifyGrad)', () => {
  for (const [name, fn, xs] of UNARY) {
    it(`${name}: float64 vector and 0-d`, () => {
      verifyGrad((x) => fn(x), [th.array(xs)]);
      verifyGrad((x) => fn(x), [th.array(xs[1]!)]);
    });
    it(`${name}: float32`, () => {
      verifyGrad((x) => fn(x), [th.array(xs, { dtype: 'float32' })]);
    });
  }
  for (const [name, fn, xs, ys] of BINARY) {
    it(`${name}: float64, same shapes and broadcast`, () => {
      verifyGrad(fn, [th.array(xs), th.array(ys)]);
      // A row against a column: both inputs broadcast, so their gradients are sums.
      verifyGrad(fn, [th.array([xs]), th.array(ys.map((v) => [v]))]);
      // A 0-d operand against a vector.
      verifyGrad(fn, [th.array(xs), th.array(ys[0]!)]);
    });
    it(`${name}: float32`, () => {
      verifyGrad(fn, [th.array(xs, { dtype: 'float32' }), th.array(ys, { dtype: 'float32' })]);
    });
  }
  it('clip: inside, below and above the bounds', () => {
    verifyGrad((x, lo, hi) => T.clip(x, lo, hi), [th.array([-2.5, 0.3, 2.5]), th.array(-1.0), th.array(1.0)]);
  });
  it('switch: the gradient goes to the branch taken', () => {
    verifyGrad((x, y) => T.switch(T.gt(x, 0), T.mul(x, 3), T.mul(y, y)), [th.array([-2.5, 0.3, 2.5]), th.array([1.5, -1, 2])]);
  });
  it('cast between floats passes the gradient through', () => {
    verifyGrad((x) => T.cast(T.mul(x, x), 'float32'), [th.array([-2.5, 0.3, 2.5])], { absTol: 1e-2, relTol: 1e-2 });
  });
});

describe('zero gradients and stability', () => {
  it('piecewise-constant functions have zero gradients', () => {
    const x = T.dvector('x');
    for (const f of [T.floor, T.ceil, T.round, T.trunc, T.sgn]) {
      const g = th.function([x], T.grad(f(x).sum(), x));
      expect(g([0.3, 1.7, -2.2]).toArray()).toEqual([0, 0, 0]);
    }
  });
  it('comparisons and switch conditions pass no gradient', () => {
    const x = T.dvector('x');
    const g = th.function([x], T.grad(T.switch(T.gt(x, 0), x, x.neg()).sum(), x));
    expect(g([-2, 3]).toArray()).toEqual([-1, 1]);
  });
  it('sigmoid, softplus, tanh gradients are finite at |x| = 1000', () => {
    const x = T.dvector('x');
    for (const f of [T.sigmoid, T.softplus, T.tanh]) {
      const g = th.function([x], T.grad(f(x).sum(), x));
      const out = g([-1000, 1000]).toArray() as number[];
      expect(out.every(Number.isFinite)).toBe(true);
    }
    const g = th.function([x], T.grad(T.softplus(x).sum(), x));
    expect(g([-1000, 0, 1000]).toArray()).toEqual([0, 0.5, 1]);
  });
  it('float32 inputs get float32 gradients, even through float64 constants', () => {
    const x = T.fvector('x');
    const g = T.grad(T.mul(x, T.constant(2.5, null, 'float64')).sum(), x);
    expect(g.dtype).toBe('float32');
    expect(th.function([x], g)([1, 2]).toArray()).toEqual([2.5, 2.5]);
  });
});
