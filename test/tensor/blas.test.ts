/**
 * The BLAS ops Gemm, Gemv and Ger: values against numpy (float32 and
 * float64), transposed and strided operands, β = 0 not reading NaN/Inf,
 * empty inner dimensions, static and run-time errors, shape inference,
 * gradients (verifyGrad) and R-operators.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { Gemm, Gemv, Ger, gemm, gemv, ger } from '../../src/tensor/blas.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import type { OutputCell } from '../../src/graph/op.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';
import type { DType } from '../../src/ndarray/dtype.js';
import { DTypeError, ShapeError } from '../../src/errors.js';
import { expectAllClose } from '../helpers/allclose.js';
import { thrown } from '../helpers/assertions.js';

const T = th.tensor;
const THIS_FILE = 'test/tensor/blas.test.ts';
const reference = new th.Mode({ optimizer: null });
const { verifyGrad, seededRandom } = th.gradient;

// Operands, and what numpy computes from them (np.float32 / np.float64 arrays,
// alpha = 0.5, beta = -1.5): alpha * (X @ Y) + beta * Z, alpha * (A @ xv) + beta * yv,
// GA + alpha * np.outer(gx, gy).
const X = [[1.5, -2.0, 0.25], [3.0, 0.5, -1.0]];
const Y = [[0.5, 1.0, -1.5, 2.0], [-0.25, 3.0, 1.0, 0.1], [2.0, -1.0, 0.3, 0.7]];
const Z = [[1.0, -2.0, 0.5, 4.0], [0.1, 0.2, -0.3, 1.7]];
const A = [[0.3, -1.2, 2.0, 0.5], [1.1, 0.0, -0.7, 2.2], [-1.0, 0.25, 0.4, -0.6]];
const XV = [0.5, -1.5, 2.0, 0.75];
const YV = [1.0, -0.2, 0.35];
const GA = [[1.0, -0.5], [0.25, 2.0], [-1.5, 0.3]];
const GX = [0.4, -1.1, 2.5];
const GY = [1.2, -0.7];
const ALPHA = 0.5;
const BETA = -1.5;

const NUMPY: Record<'float32' | 'float64', Record<'gemm' | 'gemmBeta0' | 'gemv' | 'gemvBeta0' | 'ger', number[] | number[][]>> = {
  float32: {
    gemm: [[-0.625, 0.625, -2.8375000953674316, -4.512499809265137], [-0.4625000059604645, 2.450000047683716, -1.7000000476837158, 0.125]],
    gemmBeta0: [[0.875, -2.375, -2.0875000953674316, 1.4874999523162842], [-0.3125, 2.75, -2.1500000953674316, 2.6750001907348633]],
    gemv: [1.6624999046325684, 0.7000000476837158, -0.7874999642372131],
    gemvBeta0: [3.1624999046325684, 0.40000006556510925, -0.26249998807907104],
    ger: [[1.2400000095367432, -0.6399999856948853], [-0.4100000262260437, 2.384999990463257], [0.0, -0.574999988079071]],
  },
  float64: {
    gemm: [[-0.625, 0.625, -2.8375, -4.5125], [-0.4625, 2.45, -1.7, 0.125]],
    gemmBeta0: [[0.875, -2.375, -2.0875, 1.4874999999999998], [-0.3125, 2.75, -2.15, 2.675]],
    gemv: [1.6625, 0.7000000000000002, -0.7874999999999999],
    gemvBeta0: [3.1625, 0.40000000000000013, -0.26249999999999996],
    ger: [[1.24, -0.64], [-0.41000000000000003, 2.385], [0.0, -0.575]],
  },
};

const DTYPES = ['float32', 'float64'] as const;
const tol = (dtype: DType) => ({ rtol: dtype === 'float32' ? 1e-6 : 1e-12, atol: dtype === 'float32' ? 1e-6 : 1e-12 });
const arr = (v: number[] | number[][] | number, dtype: DType) => th.array(v, { dtype });

/** Runs `node`'s perform directly on arrays (so strided views reach the kernel exactly as given). */
function perform(node: th.graph.Apply, inputs: NDArray[]): NDArray {
  const cells: OutputCell[] = [{ value: undefined }];
  node.op.perform(node, inputs, cells);
  return cells[0]!.value as NDArray;
}

describe.each(DTYPES)('Gemm (%s)', (dtype) => {
  const mat = (name: string) => T.matrix(name, dtype);
  const sc = (name: string) => T.scalar(name, dtype);

  it('alpha·X·Y + beta·Z equals numpy', () => {
    const [z, x, y, a, b] = [mat('z'), mat('x'), mat('y'), sc('a'), sc('b')];
    const out = gemm(z, a, x, y, b);
    expect(out.owner!.op).toBeInstanceOf(Gemm);
    expect(out.dtype).toBe(dtype);
    for (const mode of [reference, new th.Mode()]) {
      const r = th.function([z, a, x, y, b], out, { mode })(arr(Z, dtype), ALPHA, arr(X, dtype), arr(Y, dtype), BETA);
      expect(r.dtype).toBe(dtype);
      expectAllClose(r, NUMPY[dtype].gemm, tol(dtype));
    }
  });

  it('transposed (non-contiguous) operands, through the graph and directly', () => {
    const [zt, xt, yt, a, b] = [mat('zt'), mat('xt'), mat('yt'), sc('a'), sc('b')];
    const out = gemm(zt.T, a, xt.T, yt.T, b);
    const f = th.function([zt, a, xt, yt, b], out, { mode: reference });
    const Zt = arr(Z, dtype).T.copy();
    const Xt = arr(X, dtype).T.copy();
    const Yt = arr(Y, dtype).T.copy();
    expectAllClose(f(Zt, ALPHA, Xt, Yt, BETA), NUMPY[dtype].gemm, tol(dtype));
    // Straight into perform, with transposed views and a column slice-like offset view.
    const node = new Gemm().makeNode(mat('z'), sc('a'), mat('x'), mat('y'), sc('b'));
    expect(Xt.T.isContiguous()).toBe(false);
    const r = perform(node, [Zt.T, arr(ALPHA, dtype), Xt.T, Yt.T, arr(BETA, dtype)]);
    expectAllClose(r, NUMPY[dtype].gemm, tol(dtype));
    expect(r.isContiguous()).toBe(true);
  });

  it('beta = 0 does not read z: NaN and Inf in z do not propagate', () => {
    const [z, x, y, a] = [mat('z'), mat('x'), mat('y'), sc('a')];
    const f = th.function([z, a, x, y], gemm(z, a, x, y, 0));
    const poisoned = arr([[NaN, Infinity, -Infinity, NaN], [NaN, NaN, Infinity, 1]], dtype);
    expectAllClose(f(poisoned, ALPHA, arr(X, dtype), arr(Y, dtype)), NUMPY[dtype].gemmBeta0, tol(dtype));
    // A β that is 0 only at run time too.
    const b = sc('b');
    const g = th.function([z, a, x, y, b], gemm(z, a, x, y, b));
    expectAllClose(g(poisoned, ALPHA, arr(X, dtype), arr(Y, dtype), 0), NUMPY[dtype].gemmBeta0, tol(dtype));
  });

  it('an empty inner dimension gives beta·z; empty outer dimensions give empty results', () => {
    const [z, x, y] = [mat('z'), mat('x'), mat('y')];
    const f = th.function([z, x, y], gemm(z, 2, x, y, -1));
    expectAllClose(f(arr(Z, dtype), th.zeros([2, 0], dtype), th.zeros([0, 4], dtype)), Z.map((r) => r.map((v) => -v)), tol(dtype));
    expect(f(th.zeros([0, 4], dtype), th.zeros([0, 3], dtype), arr(Y, dtype)).shape).toEqual([0, 4]);
  });

  it('does not modify or alias its inputs (not in place)', () => {
    const [z, x, y] = [mat('z'), mat('x'), mat('y')];
    const out = gemm(z, 1, x, y, 1);
    expect(out.owner!.op.destroyMap).toEqual({});
    expect(out.owner!.op.viewMap).toEqual({});
    const Zv = arr(Z, dtype);
    const before = Zv.toArray();
    const r = th.function([z, x, y], out)(Zv, arr(X, dtype), arr(Y, dtype));
    expect(Zv.toArray()).toEqual(before);
    expect(r.data).not.toBe(Zv.data);
  });

  it('infers its output shape without running', () => {
    const [z, x, y] = [mat('z'), mat('x'), mat('y')];
    const g = gemm(z, 1, x, y, 1);
    const f = th.function([z, x, y], [T.shapeI(g, 0), T.shapeI(g, 1)], { onUnusedInput: 'ignore' });
    expect([...f.maker.fgraph.applyNodes].some((n) => n.op instanceof Gemm)).toBe(false);
    expect(f(arr(Z, dtype), arr(X, dtype), arr(Y, dtype)).map(Number)).toEqual([2, 4]);
  });
});

describe.each(DTYPES)('Gemv (%s)', (dtype) => {
  const sc = (name: string) => T.scalar(name, dtype);

  it('alpha·A·x + beta·y equals numpy', () => {
    const [y, a, m, x, b] = [T.vector('y', dtype), sc('a'), T.matrix('A', dtype), T.vector('x', dtype), sc('b')];
    const out = gemv(y, a, m, x, b);
    expect(out.owner!.op).toBeInstanceOf(Gemv);
    for (const mode of [reference, new th.Mode()]) {
      const r = th.function([y, a, m, x, b], out, { mode })(arr(YV, dtype), ALPHA, arr(A, dtype), arr(XV, dtype), BETA);
      expect(r.dtype).toBe(dtype);
      expectAllClose(r, NUMPY[dtype].gemv, tol(dtype));
    }
  });

  it('a transposed A (column-major walk) and strided vectors', () => {
    const [y, a, mt, x, b] = [T.vector('y', dtype), sc('a'), T.matrix('At', dtype), T.vector('x', dtype), sc('b')];
    const f = th.function([y, a, mt, x, b], gemv(y, a, mt.T, x, b), { mode: reference });
    const At = arr(A, dtype).T.copy();
    expectAllClose(f(arr(YV, dtype), ALPHA, At, arr(XV, dtype), BETA), NUMPY[dtype].gemv, tol(dtype));
    const node = new Gemv().makeNode(T.vector('y', dtype), sc('a'), T.matrix('A', dtype), T.vector('x', dtype), sc('b'));
    // x as every other element of a longer vector, y as a column of a matrix.
    const xLong = arr(XV.flatMap((v) => [v, 99]), dtype).reshape([4, 2]).dimshuffle([1, 0]);
    const yCol = arr(YV.map((v) => [v, -99]), dtype).dimshuffle([1, 0]);
    const xs = new th.NDArray(xLong.data, dtype, [4], [2], 0);
    const ys = new th.NDArray(yCol.data, dtype, [3], [2], 0);
    expectAllClose(perform(node, [ys, arr(ALPHA, dtype), At.T, xs, arr(BETA, dtype)]), NUMPY[dtype].gemv, tol(dtype));
    expectAllClose(perform(node, [ys, arr(ALPHA, dtype), arr(A, dtype), xs, arr(BETA, dtype)]), NUMPY[dtype].gemv, tol(dtype));
  });

  it('beta = 0 does not read y', () => {
    const [y, m, x] = [T.vector('y', dtype), T.matrix('A', dtype), T.vector('x', dtype)];
    const f = th.function([y, m, x], gemv(y, ALPHA, m, x, 0));
    expectAllClose(f(arr([NaN, Infinity, NaN], dtype), arr(A, dtype), arr(XV, dtype)), NUMPY[dtype].gemvBeta0, tol(dtype));
  });

  it('infers its output shape', () => {
    const [y, m, x] = [T.vector('y', dtype), T.matrix('A', dtype), T.vector('x', dtype)];
    const f = th.function([y, m, x], T.shapeI(gemv(y, 1, m, x, 1), 0), { onUnusedInput: 'ignore' });
    expect([...f.maker.fgraph.applyNodes].some((n) => n.op instanceof Gemv)).toBe(false);
    expect(Number(f(arr(YV, dtype), arr(A, dtype), arr(XV, dtype)))).toBe(3);
  });
});

describe.each(DTYPES)('Ger (%s)', (dtype) => {
  it('A + alpha·x·yᵀ equals numpy', () => {
    const [m, a, x, y] = [T.matrix('A', dtype), T.scalar('a', dtype), T.vector('x', dtype), T.vector('y', dtype)];
    const out = ger(m, a, x, y);
    expect(out.owner!.op).toBeInstanceOf(Ger);
    for (const mode of [reference, new th.Mode()]) {
      const r = th.function([m, a, x, y], out, { mode })(arr(GA, dtype), ALPHA, arr(GX, dtype), arr(GY, dtype));
      expect(r.dtype).toBe(dtype);
      expectAllClose(r, NUMPY[dtype].ger, tol(dtype));
    }
  });

  it('a transposed A', () => {
    const [mt, a, x, y] = [T.matrix('At', dtype), T.scalar('a', dtype), T.vector('x', dtype), T.vector('y', dtype)];
    const f = th.function([mt, a, x, y], ger(mt.T, a, x, y), { mode: reference });
    expectAllClose(f(arr(GA, dtype).T.copy(), ALPHA, arr(GX, dtype), arr(GY, dtype)), NUMPY[dtype].ger, tol(dtype));
  });

  it('infers its output shape', () => {
    const [m, x, y] = [T.matrix('A', dtype), T.vector('x', dtype), T.vector('y', dtype)];
    const g = ger(m, 2, x, y);
    const f = th.function([m, x, y], [T.shapeI(g, 0), T.shapeI(g, 1)], { onUnusedInput: 'ignore' });
    expect([...f.maker.fgraph.applyNodes].some((n) => n.op instanceof Ger)).toBe(false);
    expect(f(arr(GA, dtype), arr(GX, dtype), arr(GY, dtype)).map(Number)).toEqual([3, 2]);
  });
});

describe('type checks when the node is built', () => {
  const [z, x, y] = T.dmatrices('z', 'x', 'y');
  const s = T.dscalar('s');

  it('ranks: each operand named with what was given', () => {
    expect(() => gemm(T.dvector('v'), s, x, y, s)).toThrow(ShapeError);
    expect(() => gemm(T.dvector('v'), s, x, y, s)).toThrow(/Gemm\(z, alpha, x, y, beta\): z must be a matrix \(2-d\); got v .* 1-d/);
    expect(() => gemm(z, x, x, y, s)).toThrow(/alpha must be a scalar \(0-d\)/);
    expect(() => gemv(T.dvector('y'), s, x, x, s)).toThrow(/Gemv\(y, alpha, A, x, beta\): x must be a vector \(1-d\)/);
    expect(() => ger(x, s, T.dvector('u'), y)).toThrow(/Ger\(A, alpha, x, y\): y must be a vector/);
    expect(() => new Gemm().makeNode(z, s, x, y)).toThrow(/takes 5 inputs, got 4/);
    expect(() => new Ger().makeNode(new th.graph.Variable(z.type), s, T.dvector(), T.dvector())).toThrow(TypeError);
  });

  it('dtypes: float32/float64 only, all one dtype', () => {
    const iz = T.imatrix('iz');
    expect(() => gemm(iz, 1, T.imatrix(), T.imatrix(), 1)).toThrow(DTypeError);
    expect(() => gemm(iz, 1, T.imatrix(), T.imatrix(), 1)).toThrow(/z is int32 \(iz\); Gemm takes float32 or float64 operands only/);
    expect(() => gemm(T.fmatrix('fz'), s, x, y, s)).toThrow(/one dtype; got z float32, alpha float64, x float64, y float64, beta float64/);
    expect(() => gemv(T.fvector(), T.fscalar(), T.fmatrix(), T.dvector('dx'), T.fscalar())).toThrow(DTypeError);
    expect(() => ger(T.dmatrix(), T.fscalar('fa'), T.dvector(), T.dvector())).toThrow(/alpha float32/);
    // JS numbers take the operands' dtype.
    expect(gemm(T.fmatrix(), 0.1, T.fmatrix(), T.fmatrix(), 2).dtype).toBe('float32');
  });

  it('static shapes that cannot match', () => {
    const m23 = T.tensor('float64', [2, 3], 'm23');
    const m45 = T.tensor('float64', [4, 5], 'm45');
    expect(() => gemm(z, s, m23, m45, s)).toThrow(ShapeError);
    expect(() => gemm(z, s, m23, m45, s)).toThrow(/Gemm: the column count of x m23 \(2, 3\) is 3 but the row count of y m45 \(4, 5\) is 4/);
    expect(() => gemm(T.tensor('float64', [7, null]), s, m23, y, s)).toThrow(/row count of z .* is 7 but the row count of x m23 \(2, 3\) is 2/);
    expect(() => gemv(T.tensor('float64', [5]), s, m23, T.dvector(), s)).toThrow(/Gemv: the length of y/);
    expect(() => ger(m23, s, T.tensor('float64', [2]), T.tensor('float64', [4]))).toThrow(/Ger: the column count of A m23 \(2, 3\) is 3 but the length of y/);
    const known = gemm(z, s, m23, T.tensor('float64', [3, 6]), s);
    expect(known.type.shape).toEqual([2, 6]);
  });
});

describe('run-time shape errors name the op, the shapes and where the node was built', () => {
  it('Gemm: x and y not aligned; z of the wrong shape', () => {
    const [z, x, y] = T.dmatrices('z', 'x', 'y');
    const out = gemm(z, 1, x, y, 1); // the line the error must point at
    const f = th.function([z, x, y], out);
    const err = thrown(() => f(th.zeros([2, 4]), th.zeros([2, 3]), th.zeros([5, 4])));
    expect(err).toBeInstanceOf(ShapeError);
    expect(err.message).toContain('Gemm');
    expect(err.message).toContain('x (2, 3) and y (5, 4) are not aligned');
    expect(err.message).toContain(THIS_FILE);
    const err2 = thrown(() => f(th.zeros([3, 4]), th.zeros([2, 3]), th.zeros([3, 4])));
    expect(err2.message).toMatch(/Gemm: z has shape \(3, 4\) but x·y has shape \(2, 4\)/);
    expect(err2.message).toContain(THIS_FILE);
  });

  it('Gemv and Ger', () => {
    const [y, x] = T.dvectors('y', 'x');
    const m = T.dmatrix('A');
    const f = th.function([y, m, x], gemv(y, 1, m, x, 1));
    const e1 = thrown(() => f([1, 2], th.zeros([2, 3]), [1, 2]));
    expect(e1).toBeInstanceOf(ShapeError);
    expect(e1.message).toMatch(/Gemv: A \(2, 3\) and x \(2,\) are not aligned/);
    expect(e1.message).toContain(THIS_FILE);
    expect(() => f([1, 2, 3], th.zeros([2, 3]), [1, 2, 3])).toThrow(/Gemv: y has shape \(3,\) but A·x has shape \(2,\)/);
    const g = th.function([m, y, x], ger(m, 1, y, x));
    const e2 = thrown(() => g(th.zeros([2, 3]), [1, 2], [1, 2]));
    expect(e2.message).toMatch(/Ger: A has shape \(2, 3\) but x·yᵀ has shape \(2, 2\)/);
    expect(e2.message).toContain(THIS_FILE);
  });
});

/** Uniform numbers in [-1, 1) of the given shape, reproducibly. */
function randomArray(shape: number[], seed: number, dtype: DType = 'float64'): th.NDArray {
  const rng = seededRandom(seed);
  const out = th.zeros(shape, dtype);
  for (let k = 0; k < out.size; k++) out.data[k] = 2 * rng() - 1;
  return out;
}

describe('gradients (verifyGrad)', () => {
  it('Gemm with respect to z, alpha, x, y and beta', () => {
    verifyGrad((z, a, x, y, b) => gemm(z, a, x, y, b), [randomArray([2, 4], 1), th.array(0.7), randomArray([2, 3], 2), randomArray([3, 4], 3), th.array(-1.3)]);
    // Transposed operands, and a composition that uses the result twice.
    verifyGrad((z, x, y) => T.tanh(gemm(z, 0.5, x.T, y, 2)).mul(gemm(z, 1, x.T, y, 0)), [randomArray([3, 2], 4), randomArray([4, 3], 5), randomArray([4, 2], 6)]);
  });

  it('Gemm in float32', () => {
    verifyGrad((z, a, x, y, b) => gemm(z, a, x, y, b), [randomArray([2, 3], 7, 'float32'), th.array(0.7, { dtype: 'float32' }), randomArray([2, 2], 8, 'float32'), randomArray([2, 3], 9, 'float32'), th.array(1.5, { dtype: 'float32' })]);
  });

  it('Gemv with respect to y, alpha, A, x and beta', () => {
    verifyGrad((y, a, m, x, b) => gemv(y, a, m, x, b), [randomArray([3], 10), th.array(-0.4), randomArray([3, 4], 11), randomArray([4], 12), th.array(0.9)]);
    verifyGrad((y, m, x) => gemv(y, 2, m.T, x, 1), [randomArray([4], 13), randomArray([3, 4], 14), randomArray([3], 15)]);
  });

  it('Ger with respect to A, alpha, x and y', () => {
    verifyGrad((m, a, x, y) => ger(m, a, x, y), [randomArray([3, 2], 16), th.array(1.7), randomArray([3], 17), randomArray([2], 18)]);
    verifyGrad((m, x, y) => T.sqr(ger(m, -0.5, x, y)), [randomArray([2, 4], 19), randomArray([2], 20), randomArray([4], 21)]);
  });
});

describe('R-operators agree with those of the equivalent dot expressions', () => {
  const G = th.gradient;

  function compare(blas: TensorVariable, plain: TensorVariable, wrt: TensorVariable[], points: th.NDArray[], tangents: th.NDArray[]) {
    const vs = wrt.map((w) => w.type.makeVariable(`v_${w.name}`) as TensorVariable);
    const rb = G.Rop(blas, wrt, vs) as TensorVariable;
    const rp = G.Rop(plain, wrt, vs) as TensorVariable;
    const f = th.function([...wrt, ...vs], [rb, rp], { mode: reference, onUnusedInput: 'ignore' });
    const [a, b] = f(...points, ...tangents);
    expectAllClose(a!, b!, { rtol: 1e-12, atol: 1e-12 });
  }

  it('Gemm', () => {
    const [z, x, y] = T.dmatrices('z', 'x', 'y');
    const [a, b] = T.dscalars('a', 'b');
    const pts = [randomArray([2, 4], 30), th.array(0.3), randomArray([2, 3], 31), randomArray([3, 4], 32), th.array(-2)];
    const tans = [randomArray([2, 4], 33), th.array(1.1), randomArray([2, 3], 34), randomArray([3, 4], 35), th.array(0.4)];
    compare(gemm(z, a, x, y, b), T.add(T.mul(a, T.dot(x, y)), T.mul(b, z)), [z, a, x, y, b], pts, tans);
  });

  it('Gemv', () => {
    const [y, x] = T.dvectors('y', 'x');
    const m = T.dmatrix('A');
    const [a, b] = T.dscalars('a', 'b');
    const pts = [randomArray([3], 40), th.array(0.3), randomArray([3, 4], 41), randomArray([4], 42), th.array(-2)];
    const tans = [randomArray([3], 43), th.array(1.1), randomArray([3, 4], 44), randomArray([4], 45), th.array(0.4)];
    compare(gemv(y, a, m, x, b), T.add(T.mul(a, T.dot(m, x)), T.mul(b, y)), [y, a, m, x, b], pts, tans);
  });

  it('Ger', () => {
    const [x, y] = T.dvectors('x', 'y');
    const m = T.dmatrix('A');
    const a = T.dscalar('a');
    const pts = [randomArray([3, 2], 50), th.array(0.3), randomArray([3], 51), randomArray([2], 52)];
    const tans = [randomArray([3, 2], 53), th.array(1.1), randomArray([3], 54), randomArray([2], 55)];
    const outer = T.dot(x.dimshuffle(0, 'x'), y.dimshuffle('x', 0));
    compare(ger(m, a, x, y), T.add(m, T.mul(a, outer)), [m, a, x, y], pts, tans);
  });
});
