/**
 * jacobian / hessian, the L- and R-operators (including the double-Lop
 * fallback for ops without `rOp`), the gradient modifiers, and verifyGrad
 * itself (that it catches wrong gradients and honours its options).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as th from '../../src/index.js';
import type { Variable } from '../../src/graph/variable.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import { expectAllClose } from '../helpers/allclose.js';

const T = th.tensor;
const G = th.gradient;
const { Apply, Op } = th.graph;
type Apply = th.graph.Apply;

const NO_OPT = new th.Mode({ optimizer: null });

function randomArray(shape: number[], seed: number, dtype: th.DType = 'float64', lo = -1, hi = 1): th.NDArray {
  const rng = G.seededRandom(seed);
  const out = th.zeros(shape, dtype);
  for (let k = 0; k < out.size; k++) out.data[k] = lo + (hi - lo) * rng();
  return out;
}

const flat = (a: th.NDArray): number[] => Array.from(a.flatData(), Number);
const dotFlat = (a: th.NDArray, b: th.NDArray): number => flat(a).reduce((s, v, k) => s + v * flat(b)[k]!, 0);

// ---- tiny test ops ----------------------------------------------------------

/** y = factor · x, computed in `perform`; its grad rule multiplies by `gradFactor` (wrong when they differ). No rOp. */
class ScaleOp extends Op {
  override readonly props = ['factor', 'gradFactor'];
  constructor(
    readonly factor: number,
    readonly gradFactor: number = factor,
  ) {
    super();
  }
  override makeNode(x: Variable): Apply {
    return new Apply(this, [x], [x.type]);
  }
  override perform(_node: Apply, [x]: readonly unknown[], outputs: th.graph.OutputCell[]): void {
    const out = (x as th.NDArray).copy();
    for (let k = 0; k < out.size; k++) out.data[k] = (out.data[k] as number) * this.factor;
    outputs[0]!.value = out;
  }
  override grad(_node: Apply, [gz]: readonly Variable[]): th.graph.InputGradient[] {
    return [T.mul(gz as TensorVariable, this.gradFactor)];
  }
}
const scale = (x: TensorVariable, factor: number, gradFactor = factor): TensorVariable => new ScaleOp(factor, gradFactor).apply1(x) as TensorVariable;

/** Two outputs, [2x, x²], with a grad rule and no rOp. */
class DoubleAndSquareOp extends Op {
  override makeNode(x: Variable): Apply {
    return new Apply(this, [x], [x.type, x.type]);
  }
  override perform(_node: Apply, [x]: readonly unknown[], outputs: th.graph.OutputCell[]): void {
    const a = (x as th.NDArray).copy();
    const b = (x as th.NDArray).copy();
    for (let k = 0; k < a.size; k++) {
      const v = a.data[k] as number;
      a.data[k] = 2 * v;
      b.data[k] = v * v;
    }
    outputs[0]!.value = a;
    outputs[1]!.value = b;
  }
  override grad(node: Apply, [g1, g2]: readonly Variable[]): th.graph.InputGradient[] {
    const x = node.inputs[0] as TensorVariable;
    return [T.add(T.mul(g1 as TensorVariable, 2), T.mul(T.mul(g2 as TensorVariable, x), 2))];
  }
}

/** The identity, with a grad rule that says the gradient is undefined. */
class NoGradOp extends Op {
  override makeNode(x: Variable): Apply {
    return new Apply(this, [x], [x.type]);
  }
  override perform(_node: Apply, [x]: readonly unknown[], outputs: th.graph.OutputCell[]): void {
    outputs[0]!.value = (x as th.NDArray).copy();
  }
  override grad(): th.graph.InputGradient[] {
    return [new G.NullGradient('NoGradOp is not differentiable')];
  }
}

/** The identity, with neither grad nor rOp. */
class OpaqueOp extends Op {
  override makeNode(x: Variable): Apply {
    return new Apply(this, [x], [x.type]);
  }
  override perform(_node: Apply, [x]: readonly unknown[], outputs: th.graph.OutputCell[]): void {
    outputs[0]!.value = (x as th.NDArray).copy();
  }
}

// ---- jacobian and hessian ---------------------------------------------------

describe('hessian', () => {
  it('of xᵀAx is A + Aᵀ, for a non-symmetric A', () => {
    const x = T.dvector('x');
    const A = T.dmatrix('A');
    const H = G.hessian(T.dot(x, T.dot(A, x)), x) as TensorVariable;
    expect(H.ndim).toBe(2);
    const f = th.function([x, A], H);
    const Av = randomArray([4, 4], 1);
    const out = f(randomArray([4], 2), Av);
    const expected = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => Av.get(i, j) + Av.get(j, i)));
    expectAllClose(out, expected, { rtol: 1e-12 });
    // The Hessian of a quadratic does not depend on x.
    expectAllClose(f([10, -3, 0, 2], Av), expected, { rtol: 1e-12 });
  });

  it('of xᵀAx is 2A for a symmetric A, also unoptimized', () => {
    const x = T.dvector('x');
    const A = T.dmatrix('A');
    const f = th.function([x, A], G.hessian(T.dot(x, T.dot(A, x)), x) as TensorVariable, { mode: NO_OPT });
    const S = [
      [2, 1, 0],
      [1, 3, -1],
      [0, -1, 4],
    ];
    expectAllClose(f([1, 2, 3], S), S.map((r) => r.map((v) => 2 * v)), { rtol: 1e-12 });
  });

  it('of a non-quadratic function: the diagonal matrix of second derivatives', () => {
    const x = T.dvector('x');
    const H = G.hessian(T.exp(x).sum(), x) as TensorVariable;
    const X = [0, 1, -0.5];
    expectAllClose(th.function([x], H)(X), X.map((v, i) => X.map((_, j) => (i === j ? Math.exp(v) : 0))), { rtol: 1e-12 });
  });

  it('given a list, returns a list (one Hessian per variable, no cross terms)', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const cost = T.add(T.mul(T.sqr(x).sum(), 3), T.mul(T.dot(y, y), T.dot(y, y)));
    const Hs = G.hessian(cost, [x, y]) as TensorVariable[];
    expect(Array.isArray(Hs)).toBe(true);
    expect(Hs).toHaveLength(2);
    const [hx, hy] = th.function([x, y], Hs)([1, 2], [1, 0]);
    expectAllClose(hx!, [
      [6, 0],
      [0, 6],
    ]);
    // (y·y)²: H = 4 (y·y) I + 8 y yᵀ at y = (1, 0).
    expectAllClose(hy!, [
      [12, 0],
      [0, 4],
    ]);
  });

  it('w.r.t. a matrix, or of a non-scalar cost, is a clear error', () => {
    const M = T.dmatrix('M');
    expect(() => G.hessian(T.sqr(M).sum(), M)).toThrow(th.ShapeError);
    expect(() => G.hessian(T.sqr(M).sum(), M)).toThrow(/2-d/);
    const x = T.dvector('x');
    expect(() => G.hessian(T.sqr(x), x)).toThrow(G.GradientError);
    expect(() => G.hessian(T.sqr(x), x)).toThrow(/scalar/);
  });
});

describe('jacobian', () => {
  it('of an elementwise map is diagonal, with the derivative on the diagonal', () => {
    const x = T.dvector('x');
    const J = G.jacobian(T.sin(x), x) as TensorVariable;
    const X = [0.3, -1.2, 2, 0];
    const out = th.function([x], J)(X);
    expect(out.shape).toEqual([4, 4]);
    expectAllClose(out, X.map((v, i) => X.map((_, j) => (i === j ? Math.cos(v) : 0))), { rtol: 1e-12 });
  });

  it('of a vector expression w.r.t. a matrix has shape (n, rows, cols)', () => {
    const x = T.dvector('x');
    const M = T.dmatrix('M');
    const J = G.jacobian(T.dot(M, x), M) as TensorVariable;
    expect(J.ndim).toBe(3);
    const X = [1, -2];
    const out = th.function([M, x], J)(randomArray([3, 2], 3), X);
    expect(out.shape).toEqual([3, 3, 2]);
    // ∂(Mx)_i / ∂M_rc = δ_ir x_c
    expectAllClose(out, [0, 1, 2].map((i) => [0, 1, 2].map((r) => X.map((xc) => (i === r ? xc : 0)))));
  });

  it('of M·x w.r.t. x is M', () => {
    const x = T.dvector('x');
    const M = T.dmatrix('M');
    const Mv = randomArray([3, 2], 4);
    expectAllClose(th.function([M, x], G.jacobian(T.dot(M, x), x) as TensorVariable)(Mv, [5, 6]), Mv, { rtol: 1e-12 });
  });

  it('of a scalar equals its gradient', () => {
    const x = T.dvector('x');
    const cost = T.mul(T.exp(x), x).sum();
    const J = G.jacobian(cost, x) as TensorVariable;
    expect(J.ndim).toBe(1);
    const X = [0.5, -1, 2];
    const [j, g] = th.function([x], [J, T.grad(cost, x)])(X);
    expectAllClose(j!, g!, { rtol: 1e-15 });
    expectAllClose(j!, X.map((v) => Math.exp(v) * (1 + v)), { rtol: 1e-12 });
  });

  it('given a list, returns a list', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const Js = G.jacobian(T.mul(x, y), [x, y]) as TensorVariable[];
    expect(Array.isArray(Js)).toBe(true);
    expect(Js).toHaveLength(2);
    const [jx, jy] = th.function([x, y], Js)([1, 2], [3, 4]);
    expectAllClose(jx!, [
      [3, 0],
      [0, 4],
    ]);
    expectAllClose(jy!, [
      [1, 0],
      [0, 2],
    ]);
    const single = G.jacobian(T.mul(x, y).sum(), [x]) as TensorVariable[];
    expect(Array.isArray(single)).toBe(true);
    expect(single).toHaveLength(1);
  });

  it('float32 expressions give float32 Jacobians', () => {
    const x = T.fvector('x');
    const J = G.jacobian(T.mul(x, x), x) as TensorVariable;
    expect(J.dtype).toBe('float32');
    const out = th.function([x], J)([1, 2]);
    expect(out.dtype).toBe('float32');
    expectAllClose(out, [
      [2, 0],
      [0, 4],
    ]);
  });

  it('of an expression using a shared variable', () => {
    const W = th.shared(th.array([
      [1, 2],
      [3, 4],
    ]), 'W');
    const x = T.dvector('x');
    const J = G.jacobian(T.tanh(T.dot(W, x)), x) as TensorVariable;
    const X = [0.1, -0.2];
    const out = th.function([x], J)(X);
    const z = [0.1 - 0.4, 0.3 - 0.8];
    expectAllClose(out, [0, 1].map((i) => [0, 1].map((j) => (1 - Math.tanh(z[i]!) ** 2) * W.getValue().get(i, j))), { rtol: 1e-12 });
  });

  it('of a matrix or an integer expression is an error', () => {
    const M = T.dmatrix('M');
    expect(() => G.jacobian(T.sqr(M), M)).toThrow(th.ShapeError);
    const i = T.ivector('i');
    expect(() => G.jacobian(T.mul(i, 2), i)).toThrow(G.GradientError);
  });

  it('of an expression that does not depend on wrt: an error, or zeros if ignored', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    expect(() => G.jacobian(T.exp(x), y)).toThrow(G.GradientError);
    const J = G.jacobian(T.exp(x), y, { disconnectedInputs: 'ignore' }) as TensorVariable;
    const out = th.function([x, y], J)([1, 2, 3], [4, 5]);
    expect(out.shape).toEqual([3, 2]);
    expect(flat(out)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

// ---- Lop and Rop ------------------------------------------------------------

/** Graphs f(x) to check Rop and Lop on, with a point x. */
const GRAPHS: [string, (x: TensorVariable) => TensorVariable, number[]][] = [
  ['elementwise (vector)', (x) => T.mul(T.exp(x), T.sin(x)), [3]],
  ['elementwise with broadcasting (matrix)', (x) => T.add(T.sqr(x), T.mul(x, th.array([1, 2, 3]))), [2, 3]],
  ['dot (matrix · constant matrix)', (x) => T.dot(x, T.constant(randomArray([3, 2], 5))), [2, 3]],
  ['dot (x · x)', (x) => T.dot(x, x), [3, 3]],
  ['dot (vector · vector → 0-d)', (x) => T.dot(x, T.exp(x)), [4]],
  ['dimshuffle (transpose)', (x) => T.mul(x.T, x.T), [2, 3]],
  ['dimshuffle (insert axis)', (x) => T.mul(x.dimshuffle(0, 'x'), T.constant(randomArray([1, 3], 6))), [4]],
  ['sum over an axis', (x) => T.sum(T.tanh(x), 1), [3, 2]],
  ['sum over all, keepdims', (x) => T.sum(T.sqr(x), null, { keepdims: true }), [2, 2]],
  ['mean over an axis', (x) => T.mean(T.exp(x), 0), [3, 2]],
  ['mean over all', (x) => T.mean(T.mul(x, x)), [5]],
  ['a composition', (x) => T.sum(T.tanh(T.dot(x, x.T)), 0), [2, 3]],
];

describe('Lop and Rop', () => {
  for (const [name, fn, shape] of GRAPHS) {
    it(`Lop(f, x, u)·v = u·Rop(f, x, v): ${name}`, () => {
      const x = new T.TensorType('float64', shape.map(() => null)).makeVariable('x');
      const f = fn(x);
      const u = f.type.makeVariable('u');
      const v = x.type.makeVariable('v');
      const L = G.Lop(f, x, u) as TensorVariable;
      const R = G.Rop(f, x, v) as TensorVariable;
      expect(L.ndim).toBe(x.ndim);
      expect(R.ndim).toBe(f.ndim);
      const X = randomArray(shape, 10);
      const V = randomArray(shape, 11);
      const fOut = th.function([x], f)(X);
      const U = randomArray(fOut.shape as number[], 12);
      for (const mode of [undefined, NO_OPT]) {
        // Linear graphs give products that do not use x.
        const [l, r] = th.function([x, u, v], [L, R], { mode, onUnusedInput: 'ignore' })(X, U, V);
        expect(l!.shape).toEqual(shape);
        expect(r!.shape).toEqual(fOut.shape);
        expectAllClose(dotFlat(l!, V), dotFlat(U, r!), { rtol: 1e-10 });
      }
    });
  }

  it('Rop agrees with jacobian · v on every vector-valued graph above', () => {
    let checked = 0;
    for (const [, fn, shape] of GRAPHS) {
      const x = new T.TensorType('float64', shape.map(() => null)).makeVariable('x');
      const f = fn(x);
      if (f.ndim !== 1) continue;
      const v = x.type.makeVariable('v');
      const X = randomArray(shape, 15);
      const V = randomArray(shape, 16);
      const [J, R] = th.function([x, v], [G.jacobian(f, x) as TensorVariable, G.Rop(f, x, v) as TensorVariable], { onUnusedInput: 'ignore' })(X, V);
      const n = R!.shape[0]!;
      expect(J!.shape).toEqual([n, ...shape]);
      const j = flat(J!);
      const vv = flat(V);
      const Jv = [...Array(n).keys()].map((i) => vv.reduce((s, vk, k) => s + j[i * vv.length + k]! * vk, 0));
      expectAllClose(R!, Jv, { rtol: 1e-10, atol: 1e-14 });
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it('Rop agrees with jacobian · v', () => {
    const x = T.dvector('x');
    const v = T.dvector('v');
    const A = T.constant(randomArray([3, 4], 13));
    const f = T.tanh(T.dot(A, T.mul(x, x)));
    const [J, R] = th.function([x, v], [G.jacobian(f, x) as TensorVariable, G.Rop(f, x, v) as TensorVariable])(randomArray([4], 14), [1, -2, 0.5, 3]);
    const Jv = [0, 1, 2].map((i) => [1, -2, 0.5, 3].reduce((s, vj, j) => s + J!.get(i, j) * vj, 0));
    expectAllClose(R!, Jv, { rtol: 1e-10 });
  });

  it('Rop w.r.t. several variables adds their effects; it answers in the form of f', () => {
    const A = T.dmatrix('A');
    const x = T.dvector('x');
    const dA = T.dmatrix('dA');
    const dx = T.dvector('dx');
    const f = T.dot(A, x);
    const R = G.Rop(f, [A, x], [dA, dx]);
    expect(Array.isArray(R)).toBe(false);
    const out = th.function([A, x, dA, dx], R as TensorVariable)(
      [
        [1, 2],
        [3, 4],
      ],
      [1, 1],
      [
        [1, 0],
        [0, 1],
      ],
      [1, 2],
    );
    expectAllClose(out, [6, 12]); // dA·x + A·dx
    const Rs = G.Rop([f, T.sum(f)], x, dx) as TensorVariable[];
    expect(Array.isArray(Rs)).toBe(true);
    expect(Rs).toHaveLength(2);
  });

  it('Lop of several expressions sums their products; one may depend on the other', () => {
    const x = T.dvector('x');
    const y = T.exp(x);
    const z = T.mul(y, 3); // depends on y
    const u1 = T.dvector('u1');
    const u2 = T.dvector('u2');
    const L = G.Lop([y, z], x, [u1, u2]) as TensorVariable;
    const X = [0, 1];
    expectAllClose(th.function([x, u1, u2], L)(X, [1, 2], [3, 4]), X.map((v, i) => Math.exp(v) * ([1, 2][i]! + 3 * [3, 4][i]!)), { rtol: 1e-12 });
    expect(() => G.Lop([y, z], x, [u1])).toThrow(G.GradientError);
  });

  it('Rop of a graph that does not depend on wrt is zero; mismatched points are errors', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const R = G.Rop(T.exp(x), y, T.dvector('v')) as TensorVariable;
    expect(flat(th.function([x], R)([1, 2]))).toEqual([0, 0]);
    expect(() => G.Rop(T.exp(x), [x, y], [T.dvector()])).toThrow(G.GradientError);
    expect(() => G.Rop(T.exp(x), x, T.dmatrix())).toThrow(th.ShapeError);
    expect(() => G.Lop(T.exp(x), x, T.dmatrix())).toThrow(th.ShapeError);
  });

  it('Rop through a cast to an integer is zero (the value only jumps)', () => {
    const x = T.dvector('x');
    const v = T.dvector('v');
    const f = T.add(T.cast(T.cast(x, 'int32'), 'float64'), T.mul(x, 2));
    expectAllClose(th.function([x, v], G.Rop(f, x, v) as TensorVariable, { onUnusedInput: 'ignore' })([1.5, 2.5], [1, -1]), [2, -2]);
  });
});

describe('Rop without an rOp: the double-Lop fallback', () => {
  it('a test op with only a grad rule (y = 3x) gets a correct Rop', () => {
    const x = T.dvector('x');
    const v = T.dvector('v');
    const y = scale(x, 3);
    expect(y.owner!.op.rOp).toBeUndefined();
    expectAllClose(th.function([x], y)([1, 2]), [3, 6]);
    const R = G.Rop(y, x, v) as TensorVariable;
    for (const mode of [undefined, NO_OPT]) {
      expectAllClose(th.function([x, v], R, { mode, onUnusedInput: 'ignore' })([1, 2], [1, -1]), [3, -3]);
    }
  });

  it('inside a larger graph, compiled with and without rewrites (no stray variables left)', () => {
    const x = T.dvector('x');
    const v = T.dvector('v');
    const f = T.exp(scale(T.sqr(x), 3)); // exp(3x²)
    const R = G.Rop(f, x, v) as TensorVariable;
    const X = [0.2, -0.5];
    const V = [1, 2];
    const expected = X.map((a, i) => Math.exp(3 * a * a) * 6 * a * V[i]!);
    expectAllClose(th.function([x, v], R)(X, V), expected, { rtol: 1e-12 });
    expectAllClose(th.function([x, v], R, { mode: NO_OPT })(X, V), expected, { rtol: 1e-12 });
  });

  it('an op with two outputs, each differentiated separately', () => {
    const x = T.dvector('x');
    const v = T.dvector('v');
    const node = new DoubleAndSquareOp().makeNode(x);
    const [a, b] = node.outputs as TensorVariable[];
    const Rs = G.Rop([a!, b!, T.add(a!, b!)], x, v) as TensorVariable[];
    const [ra, rb, rsum] = th.function([x, v], Rs, { onUnusedInput: 'ignore' })([1, 3], [2, 1]);
    expectAllClose(ra!, [4, 2]); // 2v
    expectAllClose(rb!, [4, 6]); // 2xv
    expectAllClose(rsum!, [8, 8]);
  });

  it('agrees with the Lop products on the test op', () => {
    const x = T.dmatrix('x');
    const u = T.dmatrix('u');
    const v = T.dmatrix('v');
    const f = T.tanh(scale(x, -2.5));
    const [l, r] = th.function([x, u, v], [G.Lop(f, x, u) as TensorVariable, G.Rop(f, x, v) as TensorVariable])(
      randomArray([2, 3], 20),
      randomArray([2, 3], 21),
      randomArray([2, 3], 22),
    );
    expectAllClose(dotFlat(l!, randomArray([2, 3], 22)), dotFlat(randomArray([2, 3], 21), r!), { rtol: 1e-10 });
  });

  it('an undefined gradient rule makes Rop an error, not a silent zero', () => {
    const x = T.dvector('x');
    const f = T.add(new NoGradOp().apply1(x) as TensorVariable, x);
    expect(() => G.Rop(f, x, T.dvector('v'))).toThrow(G.GradientError);
    expect(() => G.Rop(f, x, T.dvector('v'))).toThrow(/NoGradOp is not differentiable/);
  });

  it('an op with neither rOp nor grad is an error naming it', () => {
    const x = T.dvector('x');
    const f = new OpaqueOp().apply1(x) as TensorVariable;
    expect(() => G.Rop(f, x, T.dvector('v'))).toThrow(G.GradientError);
    expect(() => G.Rop(f, x, T.dvector('v'))).toThrow(/Opaque/);
  });
});

// ---- gradient modifiers -----------------------------------------------------

describe('gradient modifiers', () => {
  const X = [0.5, -2, 3];

  it('zeroGrad: the value is unchanged, the gradient through it is zero', () => {
    const x = T.dvector('x');
    const z = G.zeroGrad(x);
    const cost = T.add(T.sqr(z).sum(), x.sum()); // only the second term sends a gradient
    const [value, g] = th.function([x], [z, T.grad(cost, x)])(X);
    expectAllClose(value!, X);
    expectAllClose(g!, [1, 1, 1]);
    const only = th.function([x], T.grad(T.sqr(z).sum(), x))(X);
    expect(flat(only)).toEqual([0, 0, 0]);
    // The Rop of zeroGrad is zero too.
    const v = T.dvector('v');
    expect(flat(th.function([x, v], G.Rop(z, x, v) as TensorVariable, { onUnusedInput: 'ignore' })(X, [1, 1, 1]))).toEqual([0, 0, 0]);
  });

  it('considerConstant is zeroGrad under Theano\'s name', () => {
    const x = T.dvector('x');
    const c = G.considerConstant(x);
    expect(c.owner!.op).toBeInstanceOf(G.GradientModifier);
    expectAllClose(th.function([x], c)(X), X);
    expect(flat(th.function([x], T.grad(T.exp(c).sum(), x))(X))).toEqual([0, 0, 0]);
  });

  it('disconnectedGrad: the value is unchanged, the variable counts as disconnected', () => {
    const x = T.dvector('x');
    const d = G.disconnectedGrad(x);
    expectAllClose(th.function([x], d)(X), X);
    expect(() => T.grad(T.sqr(d).sum(), x)).toThrow(G.GradientError);
    expect(() => T.grad(T.sqr(d).sum(), x)).toThrow(/not part of the graph/);
    expect(flat(th.function([x], T.grad(T.sqr(d).sum(), x, { disconnectedInputs: 'ignore' }))(X))).toEqual([0, 0, 0]);
    // Another path still counts.
    expectAllClose(th.function([x], T.grad(T.add(T.sqr(d).sum(), T.mul(x, 2).sum()), x))(X), [2, 2, 2]);
  });

  it('gradClip: the gradient arriving at it is clipped elementwise', () => {
    const x = T.dvector('x');
    const c = G.gradClip(x, -1, 1.5);
    expectAllClose(th.function([x], c)(X), X);
    // d(c²)/dc = 2x = [1, -4, 6] → clipped to [1, -1, 1.5].
    expectAllClose(th.function([x], T.grad(T.sqr(c).sum(), x))(X), [1, -1, 1.5]);
    // Only what flows through the clip is clipped.
    expectAllClose(th.function([x], T.grad(T.add(T.sqr(c), T.mul(x, 10)).sum(), x))(X), [11, 9, 11.5]);
  });

  it('gradClip: bounds with low > high are refused; low = high is allowed', () => {
    const x = T.dvector('x');
    expect(() => G.gradClip(x, 2, 1)).toThrow(RangeError);
    expect(() => G.gradClip(x, 2, 1)).toThrow(/low \(2\).*high \(1\)/);
    expectAllClose(th.function([x], T.grad(T.sqr(G.gradClip(x, 0.25, 0.25)).sum(), x))(X), [0.25, 0.25, 0.25]);
  });

  it('gradScale: the gradient is multiplied, the value is not', () => {
    const x = T.dvector('x');
    const s = G.gradScale(x, -0.5);
    expectAllClose(th.function([x], s)(X), X);
    expectAllClose(th.function([x], T.grad(T.sqr(s).sum(), x))(X), X.map((v) => -v));
    // Scaling by 1 changes nothing; twice multiplies.
    expectAllClose(th.function([x], T.grad(T.sqr(G.gradScale(G.gradScale(x, 3), 2)).sum(), x))(X), X.map((v) => 12 * v));
  });

  it('modifiers print, take literals, and keep dtypes', () => {
    const x = T.fvector('x');
    expect(String(G.gradClip(x, -1, 1).owner!.op)).toMatch(/GradClip/);
    expect(String(G.gradScale(x, 2).owner!.op)).toMatch(/GradScale/);
    expect(String(G.zeroGrad(x).owner!.op)).toMatch(/ZeroGrad/);
    expect(String(G.disconnectedGrad(x).owner!.op)).toMatch(/DisconnectedGrad/);
    expect(G.gradScale(x, 2).dtype).toBe('float32');
    expect(T.grad(T.sqr(G.gradScale(x, 2)).sum(), x).dtype).toBe('float32');
    expect(G.zeroGrad(th.array([1, 2])).ndim).toBe(1);
  });
});

// ---- verifyGrad itself --------------------------------------------------------

describe('verifyGrad', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('passes for correct gradients, including a custom op', () => {
    G.verifyGrad((x) => scale(x, 3), [th.array([1, 2, 3])]);
    G.verifyGrad((x) => T.exp(scale(x, -0.5)), [randomArray([2, 2], 30)]);
    G.verifyGrad((x) => scale(x, 3), [randomArray([3], 31, 'float32')]);
  });

  it('throws a GradientCheckError for a gradient off by a factor, with the worst errors and where', () => {
    let error: unknown;
    try {
      G.verifyGrad((x) => scale(x, 3, 3.3), [th.array([[1, 2, 3], [4, 5, 6]])]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(G.GradientCheckError);
    expect(error).toBeInstanceOf(th.TheanoError);
    const message = (error as Error).message;
    expect(message).toMatch(/input 0/);
    expect(message).toMatch(/largest absolute error \d\.\d+e[-+]\d+ at \[\d, \d\]/);
    expect(message).toMatch(/largest relative error \d\.\d+e[-+]\d+ at \[\d, \d\]/);
    expect(message).toMatch(/symbolic .* numeric/);
    expect(message).toMatch(/tolerance/);
    // The relative error of a 10% excess is 0.3 / 6.3 everywhere.
    const rel = Number(/largest relative error (\S+)/.exec(message)![1]);
    expectAllClose(rel, 0.3 / 6.3, { rtol: 1e-4 });
  });

  it('names the right input when several are checked', () => {
    expect(() => G.verifyGrad((a, b) => T.add(T.exp(a), scale(b, 2, 2.5)), [th.array([0.1, 0.2]), th.array([1, 2])])).toThrow(/input 1/);
  });

  it('reports the index of the worst element', () => {
    // Only element 2 of a vector sees a wrong gradient: x + (scale(x) - 3x)·mask.
    const mask = T.constant(th.array([0, 0, 1, 0]));
    const wrong = (x: TensorVariable) => T.add(x, T.mul(T.sub(scale(x, 3, 4), T.mul(x, 3)), mask));
    expect(() => G.verifyGrad(wrong, [th.array([1, 2, 3, 4])])).toThrow(/absolute error \S+ at \[2\]/);
  });

  it('nTests: 0 checks nothing; more tests draw more random directions', () => {
    expect(() => G.verifyGrad((x) => scale(x, 3, 30), [th.array([1, 2])], { nTests: 0 })).not.toThrow();
    const calls = { n: 0 };
    const base = G.seededRandom(7);
    const rng = () => {
      calls.n++;
      return base();
    };
    G.verifyGrad((x) => T.exp(x), [th.array([1, 2, 3])], { nTests: 3, rng });
    expect(calls.n).toBe(9); // one number per output element per test
    calls.n = 0;
    G.verifyGrad((x) => T.exp(x).sum(), [th.array([1, 2, 3])], { nTests: 5, rng });
    expect(calls.n).toBe(5);
  });

  it('rng: the default is seeded (reproducible), a given one is used', () => {
    const rng = vi.fn(() => 0.25);
    G.verifyGrad((x) => T.sqr(x), [th.array([1, 2])], { rng });
    expect(rng).toHaveBeenCalled();
    const a = G.seededRandom();
    const b = G.seededRandom();
    expect([a(), a(), a()]).toEqual([b(), b(), b()]);
    expect(G.seededRandom(1)()).not.toBe(G.seededRandom(2)());
  });

  it('eps: a large step makes the finite differences of a cubic inaccurate', () => {
    const cubic = (x: TensorVariable) => T.pow(x, 3);
    expect(() => G.verifyGrad(cubic, [th.array([1, 2])])).not.toThrow();
    expect(() => G.verifyGrad(cubic, [th.array([1, 2])], { eps: 0.1 })).toThrow(G.GradientCheckError);
    // ... unless the tolerances allow for it.
    expect(() => G.verifyGrad(cubic, [th.array([1, 2])], { eps: 0.1, absTol: 0.02, relTol: 0.02 })).not.toThrow();
  });

  it('absTol and relTol: either one being met is enough', () => {
    const off = (x: TensorVariable) => scale(x, 3, 3.3); // absolute error 0.3·(direction), relative 0.048
    expect(() => G.verifyGrad(off, [th.array([1, 2])])).toThrow(G.GradientCheckError);
    expect(() => G.verifyGrad(off, [th.array([1, 2])], { relTol: 0.05 })).not.toThrow();
    expect(() => G.verifyGrad(off, [th.array([1, 2])], { absTol: 0.5 })).not.toThrow();
    expect(() => G.verifyGrad(off, [th.array([1, 2])], { relTol: 0.04, absTol: 0.1 })).toThrow(G.GradientCheckError);
  });

  it('float32 points get looser defaults, but still catch real errors', () => {
    expect(() => G.verifyGrad((x) => T.exp(x), [th.array([0.5, 1], { dtype: 'float32' })])).not.toThrow();
    expect(() => G.verifyGrad((x) => scale(x, 3, 3.3), [th.array([0.5, 1], { dtype: 'float32' })])).toThrow(G.GradientCheckError);
  });

  it('mode: the functions compared are compiled in the mode given', () => {
    expect(() => G.verifyGrad((x) => T.tanh(T.dot(x, x.T)).sum(), [randomArray([2, 3], 32)], { mode: NO_OPT })).not.toThrow();
    expect(() => G.verifyGrad((x) => T.exp(x), [th.array([1])], { mode: 'NO_SUCH_MODE' })).toThrow(th.CompileError);
  });

  it('refuses integer points and integer expressions', () => {
    expect(() => G.verifyGrad((x) => T.exp(x), [th.array([1, 2], { dtype: 'int32' })])).toThrow(G.GradientCheckError);
    expect(() => G.verifyGrad((x) => T.gt(x, 0), [th.array([1, 2])])).toThrow(G.GradientCheckError);
  });

  it('a NaN gradient is reported, not hidden behind a smaller error', () => {
    // sqrt'(0) = inf: symbolic inf·0 = NaN in the projection at element 0, numeric finite-ish.
    const f = (x: TensorVariable) => T.sqrt(x);
    let message = '';
    try {
      G.verifyGrad(f, [th.array([0, 1, 4])]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/largest absolute error (NaN|Infinity)/);
    expect(message).toMatch(/at \[0\]/);
  });
});
