/**
 * Linear algebra (src/tensor/linalg): values against numpy (generated once
 * by linalg-numpy.py into linalg-numpy.json; eigenvectors and singular
 * vectors put in this library's sign convention there), reconstructions,
 * singular and non-positive-definite errors, gradients by verifyGrad and
 * inferShape against computed shapes, in the default and the VM modes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as th from '../../../src/index.js';
import { cholesky, det, eigh, LinAlgError, matrixInverse, norm, pinv, qr, slogdet, solve, svd, trace } from '../../../src/tensor/linalg/index.js';
import { jacobiEigh } from '../../../src/tensor/linalg/eigh.js';
import { jacobiSVD } from '../../../src/tensor/linalg/svd.js';
import { shapeI } from '../../../src/tensor/shape.js';
import type { TensorVariable } from '../../../src/tensor/variable.js';
import type { NestedArray } from '../../../src/ndarray/ndarray.js';
import { expectAllClose } from '../../helpers/allclose.js';

const T = th.tensor;
const { verifyGrad } = th.gradient;

type M = number[][];
interface Case {
  inv?: M;
  det?: number;
  slogdet?: [number, number];
  solvev?: number[];
  solvem?: M;
  trace?: number;
  chol?: M;
  eigh?: [number[], M];
  qr: [M, M];
  svd: [M, number[], M];
  pinv: M;
  norm: Record<'fro' | 'nuc' | '1' | 'inf' | '2', number>;
  normAxis: [number[], number[], number[]];
}
const NUMPY = JSON.parse(readFileSync(new URL('./linalg-numpy.json', import.meta.url), 'utf8')) as Record<string, Case> & {
  mats: Record<string, M>;
  vec: Record<'2' | '1' | 'inf' | '3', number>;
};
const MATS = NUMPY.mats;
const SQUARE = ['a1', 'n3', 'n4', 's3', 's4'];
const SPD = ['a1', 's3', 's4'];
const ALL = Object.keys(MATS);

const MODES = { default: () => new th.Mode(), vm: () => new th.Mode({ linker: 'vm' }) };
type Dt = 'float32' | 'float64';
const TOL: Record<Dt, { rtol: number; atol: number }> = { float64: { rtol: 1e-9, atol: 1e-11 }, float32: { rtol: 1e-4, atol: 1e-5 } };

describe.each(Object.keys(MODES) as (keyof typeof MODES)[])('linalg values (%s mode)', (modeName) => {
  const fn = (inputs: TensorVariable[], outputs: TensorVariable | TensorVariable[]) => th.function(inputs, outputs, { mode: MODES[modeName](), onUnusedInput: 'ignore' });
  const run1 = (build: (x: TensorVariable) => TensorVariable | TensorVariable[], a: NestedArray, dtype: Dt) => {
    const x = T.matrix('x', dtype);
    const outs = build(x);
    const f = fn([x], outs);
    return f(th.array(a, { dtype })) as th.NDArray | th.NDArray[];
  };
  const close = (got: th.NDArray | number, want: NestedArray, dtype: Dt) => expectAllClose(got as th.NDArray, want, TOL[dtype]);

  describe.each(['float64', 'float32'] as Dt[])('%s', (dtype) => {
    it.each(SQUARE)('inverse, det, slogdet, solve, trace of %s', (name) => {
      const a = MATS[name]!;
      const c = NUMPY[name]!;
      const inv = run1(matrixInverse, a, dtype) as th.NDArray;
      expect(inv.dtype).toBe(dtype);
      close(inv, c.inv!, dtype);
      close(run1(det, a, dtype) as th.NDArray, c.det!, dtype);
      const [sign, logabs] = run1((x) => slogdet(x), a, dtype) as th.NDArray[];
      close(sign!, c.slogdet![0], dtype);
      close(logabs!, c.slogdet![1], dtype);
      close(run1(trace, a, dtype) as th.NDArray, c.trace!, dtype);
      const n = a.length;
      const [x, bv, bm] = [T.matrix('a', dtype), T.vector('b', dtype), T.matrix('B', dtype)];
      const f = fn([x, bv, bm], [solve(x, bv), solve(x, bm)]);
      const bmv = Array.from({ length: n }, (_, i) => [2 * i - 1, 2 * i]);
      const [xv, xm] = f(th.array(a, { dtype }), th.arange(1, n + 1, 1, dtype), th.array(bmv, { dtype })) as th.NDArray[];
      close(xv!, c.solvev!, dtype);
      close(xm!, c.solvem!, dtype);
    });

    it.each(SPD)('cholesky and eigh of %s', (name) => {
      const a = MATS[name]!;
      const c = NUMPY[name]!;
      const l = run1(cholesky, a, dtype) as th.NDArray;
      close(l, c.chol!, dtype);
      const [w, v] = run1((x) => eigh(x), a, dtype) as th.NDArray[];
      close(w!, c.eigh![0], dtype);
      close(v!, c.eigh![1], dtype);
      // a v = v diag(w)
      const x = T.matrix('x', dtype);
      const [ww, vv] = eigh(x);
      const resid = fn([x], th.tensor.sub(T.dot(x, vv), th.tensor.mul(vv, ww.dimshuffle('x', 0))))(th.array(a, { dtype })) as th.NDArray;
      close(resid, th.zeros(resid.shape).toArray(), dtype);
    });

    it.each(ALL)('qr, svd and pinv of %s reconstruct and match numpy', (name) => {
      const a = MATS[name]!;
      const c = NUMPY[name]!;
      const [q, r] = run1((x) => qr(x), a, dtype) as th.NDArray[];
      close(q!, c.qr[0], dtype);
      close(r!, c.qr[1], dtype);
      const [u, s, vt] = run1((x) => svd(x), a, dtype) as th.NDArray[];
      close(u!, c.svd[0], dtype);
      close(s!, c.svd[1], dtype);
      close(vt!, c.svd[2], dtype);
      close(run1(pinv, a, dtype) as th.NDArray, c.pinv, dtype);
      const x = T.matrix('x', dtype);
      const [qq, rr] = qr(x);
      const [uu, ss, vvt] = svd(x);
      const [qrA, svdA] = fn([x], [T.dot(qq, rr), T.dot(th.tensor.mul(uu, ss.dimshuffle('x', 0)), vvt)])(th.array(a, { dtype })) as th.NDArray[];
      close(qrA!, a, dtype);
      close(svdA!, a, dtype);
    });

    it.each(ALL)('norms of %s', (name) => {
      const a = MATS[name]!;
      const c = NUMPY[name]!;
      for (const ord of ['fro', 'nuc', 1, Infinity, 2] as const) {
        close(run1((x) => norm(x, ord), a, dtype) as th.NDArray, c.norm[ord === Infinity ? 'inf' : (String(ord) as 'fro')], dtype);
      }
      close(run1((x) => norm(x), a, dtype) as th.NDArray, c.norm.fro, dtype);
      close(run1((x) => norm(x, 2, { axis: 0 }), a, dtype) as th.NDArray, c.normAxis[0], dtype);
      close(run1((x) => norm(x, 1, { axis: 1 }), a, dtype) as th.NDArray, c.normAxis[1], dtype);
      close(run1((x) => norm(x, Infinity, { axis: 0 }), a, dtype) as th.NDArray, c.normAxis[2], dtype);
    });
  });

  it('vector norms', () => {
    const v = T.dvector('v');
    const f = fn([v], [norm(v), norm(v, 1), norm(v, Infinity), norm(v, 3)]);
    const got = f([3, -4, 1, 0.5]) as th.NDArray[];
    ['2', '1', 'inf', '3'].forEach((k, i) => expectAllClose(got[i]!, NUMPY.vec[k as '2'], { rtol: 1e-12 }));
  });

  it('integer inputs compute in float64', () => {
    const x = T.lmatrix('x');
    const f = fn([x], [matrixInverse(x), det(x)]);
    const [inv, d] = f([[2, 1], [1, 1]]) as th.NDArray[];
    expect(inv!.dtype).toBe('float64');
    expectAllClose(inv!, [[1, -1], [-1, 2]], { rtol: 1e-12 });
    expectAllClose(d!, 1, { rtol: 1e-12 });
  });

  it('singular matrices: inverse and solve throw, det is 0, slogdet is (0, -inf)', () => {
    const x = T.dmatrix('x');
    const sing = [[1, 2], [2, 4]];
    expect(() => fn([x], matrixInverse(x))(sing)).toThrow(LinAlgError);
    expect(() => fn([x], matrixInverse(x))(sing)).toThrow(/MatrixInverse: matrix is singular/);
    expect(() => fn([x], solve(x, [1, 2]))(sing)).toThrow(/Solve: matrix is singular/);
    expectAllClose(fn([x], det(x))(sing) as th.NDArray, 0);
    const [s, l] = fn([x], slogdet(x))(sing) as th.NDArray[];
    expect(s!.toArray()).toBe(0);
    expect(l!.toArray()).toBe(-Infinity);
    expect(() => fn([x], cholesky(x))([[1, 2], [2, 1]])).toThrow(/Cholesky: matrix is not positive definite/);
    expect(() => fn([x], cholesky(x))([[0, 0], [0, 0]])).toThrow(LinAlgError);
    // Rank-deficient svd still gives orthonormal factors that reconstruct.
    const [u, ss, vt] = svd(x);
    const [uu, sv, vv, back] = fn([x], [u, ss, vt, T.dot(th.tensor.mul(u, ss.dimshuffle('x', 0)), vt)])([[1, 2], [2, 4], [3, 6]]) as th.NDArray[];
    expectAllClose(sv!, [Math.sqrt(70), 0], { atol: 1e-12 });
    expectAllClose(back!, [[1, 2], [2, 4], [3, 6]], { atol: 1e-12 });
    expectAllClose(fn([x], T.dot(x.T, x))(uu!) as th.NDArray, [[1, 0], [0, 1]], { atol: 1e-12 });
    expectAllClose(fn([x], T.dot(x, x.T))(vv!) as th.NDArray, [[1, 0], [0, 1]], { atol: 1e-12 });
    expectAllClose(fn([x], pinv(x))([[1, 2], [2, 4], [3, 6]]) as th.NDArray, [[1 / 70, 2 / 70, 3 / 70], [2 / 70, 4 / 70, 6 / 70]], { rtol: 1e-10 });
  });

  it('non-finite input: eigh and svd stop with an error instead of hanging', () => {
    const x = T.dmatrix('x');
    expect(() => fn([x], eigh(x)[0])([[NaN, 1], [1, 2]])).toThrow(/Eigh: matrix holds inf or NaN/);
    expect(() => fn([x], svd(x)[1])([[Infinity, 1], [1, 2]])).toThrow(/SVD: matrix holds inf or NaN/);
    expect(() => fn([x], pinv(x))([[NaN, 1]])).toThrow(LinAlgError);
  });

  it('shape errors at run time name the op and the shapes', () => {
    const x = T.dmatrix('x');
    expect(() => fn([x], matrixInverse(x))([[1, 2, 3], [4, 5, 6]])).toThrow(/MatrixInverse: needs a square matrix, got shape \(2, 3\)/);
    expect(() => fn([x], det(x))([[1, 2, 3]])).toThrow(/Det: needs a square matrix/);
    expect(() => fn([x], solve(x, T.dvector('b')))).toThrow();
    const b = T.dvector('b');
    expect(() => fn([x, b], solve(x, b))([[1, 0], [0, 1]], [1, 2, 3])).toThrow(/Solve: a of shape \(2, 2\) and b of shape \(3,\) do not fit/);
  });

  it('inferShape agrees with computed shapes', () => {
    const x = T.dmatrix('x');
    const b = T.dmatrix('b');
    const [w, v] = eigh(x);
    const [q, r] = qr(x);
    const [u, s, vt] = svd(x);
    const outs = { inv: matrixInverse(x), chol: cholesky(x), solve: solve(x, b), w, v };
    const square = th.array(MATS.s4!);
    const rhs = th.ones([4, 3]);
    for (const [k, o] of Object.entries(outs)) {
      const f = fn([x, b], [o, ...Array.from({ length: o.ndim }, (_, i) => shapeI(o, i))]);
      const [val, ...dims] = f(square, rhs) as th.NDArray[];
      expect(dims.map((d) => Number(d.toArray())), k).toEqual([...val!.shape]);
    }
    for (const a of [MATS.t43!, MATS.w34!]) {
      for (const o of [q, r, u, s, vt, pinv(x)]) {
        const f = fn([x], [o, ...Array.from({ length: o.ndim }, (_, i) => shapeI(o, i))]);
        const [val, ...dims] = f(th.array(a)) as th.NDArray[];
        expect(dims.map((d) => Number(d.toArray()))).toEqual([...val!.shape]);
      }
    }
    for (const o of [det(x), slogdet(x)[1], trace(x)]) expect(o.ndim).toBe(0);
  });
});

describe('linalg build-time checks', () => {
  it('rank and square-ness from static shapes', () => {
    expect(() => matrixInverse(T.dvector('v'))).toThrow(/matrixInverse needs a 2-d matrix/);
    const wide = T.tensor('float64', [2, 3], 'w');
    expect(() => matrixInverse(wide)).toThrow(/matrixInverse needs a square matrix, got w of static shape \(2, 3\)/);
    expect(() => det(wide)).toThrow(/det needs a square matrix/);
    expect(() => cholesky(wide)).toThrow(/cholesky needs a square matrix/);
    expect(() => eigh(wide)).toThrow(/eigh needs a square matrix/);
    expect(() => solve(T.tensor('float64', [3, 3]), T.tensor('float64', [2]))).toThrow(/solve: .* do not fit \(3 vs 2 rows\)/);
    expect(() => norm(T.dtensor3('t'))).toThrow(/norm takes a vector or a matrix/);
    expect(() => norm(T.dvector('v'), 'fro')).toThrow(/vector norms take/);
    const [q, r] = qr(T.tensor('float64', [5, 3]));
    expect([q.type.shape, r.type.shape]).toEqual([[5, 3], [3, 3]]);
    const [u, s, vt] = svd(T.tensor('float64', [2, 4]));
    expect([u.type.shape, s.type.shape, vt.type.shape]).toEqual([[2, 2], [2], [2, 4]]);
    expect(pinv(T.tensor('float64', [2, 4])).type.shape).toEqual([4, 2]);
  });
});

describe('linalg gradients (verifyGrad)', () => {
  const n4 = th.array(MATS.n4!);
  const s3 = th.array(MATS.s3!);
  const s4 = th.array(MATS.s4!);
  const t43 = th.array(MATS.t43!);
  const w34 = th.array(MATS.w34!);
  const modes = [undefined, new th.Mode({ linker: 'vm' })];

  it.each([0, 1])('inverse, det, slogdet, solve, trace (mode %i)', (m) => {
    const mode = modes[m];
    verifyGrad((x) => matrixInverse(x), [n4], { mode });
    verifyGrad((x) => det(x), [n4], { mode });
    verifyGrad((x) => slogdet(x)[1], [n4], { mode });
    verifyGrad((x) => det(x), [th.array([[2.5]])], { mode });
    verifyGrad((a, b) => solve(a, b), [n4, th.array([1, -2, 0.5, 3])], { mode });
    verifyGrad((a, b) => solve(a, b), [n4, th.array([[1, 0], [-2, 1], [0.5, 2], [3, -1]])], { mode });
    verifyGrad((x) => trace(x), [n4], { mode });
  });

  it('float32 gradients', () => {
    const s32 = th.array(MATS.s3!, { dtype: 'float32' });
    verifyGrad((x) => det(x), [s32]);
    verifyGrad((x) => matrixInverse(x), [s32]);
    verifyGrad((a, b) => solve(a, b), [s32, th.array([1, 2, 3], { dtype: 'float32' })]);
    verifyGrad((x) => cholesky(x), [s32]);
    verifyGrad((x) => eigh(x)[0], [s32]);
    verifyGrad((x) => svd(x)[1], [th.array(MATS.t43!, { dtype: 'float32' })]);
    verifyGrad((x) => qr(x)[1], [th.array(MATS.t43!, { dtype: 'float32' })]);
  });

  it.each([0, 1])('cholesky, eigh (values and vectors) (mode %i)', (m) => {
    const mode = modes[m];
    verifyGrad((x) => cholesky(x), [s4], { mode });
    verifyGrad((x) => cholesky(x), [s3], { mode });
    verifyGrad((x) => eigh(x)[0], [s4], { mode });
    verifyGrad((x) => eigh(x)[1], [s4], { mode });
    verifyGrad((x) => { const [w, v] = eigh(x); return th.tensor.add(th.tensor.sum(w), th.tensor.sum(v)); }, [s3], { mode });
  });

  it.each([0, 1])('qr, svd, pinv (mode %i)', (m) => {
    const mode = modes[m];
    verifyGrad((x) => qr(x)[0], [t43], { mode });
    verifyGrad((x) => qr(x)[1], [t43], { mode });
    verifyGrad((x) => qr(x)[1], [n4], { mode });
    for (const a of [t43, w34, n4]) {
      verifyGrad((x) => svd(x)[1], [a], { mode });
      verifyGrad((x) => svd(x)[0], [a], { mode });
      verifyGrad((x) => svd(x)[2], [a], { mode });
      verifyGrad((x) => pinv(x), [a], { mode });
    }
  });

  it('norms', () => {
    // n4's largest absolute row sums tie (rows 1 and 3): its ∞-norm is not differentiable there.
    for (const ord of ['fro', 'nuc', 1, 2] as const) verifyGrad((x) => norm(x, ord), [n4]);
    for (const ord of ['fro', 'nuc', 1, Infinity, 2] as const) verifyGrad((x) => norm(x, ord), [t43]);
    verifyGrad((x) => norm(x, 2, { axis: 1 }), [t43]);
    verifyGrad((x) => norm(x, Infinity, { axis: 0 }), [t43]);
    verifyGrad((v) => norm(v), [th.array([3, -4, 1, 0.5])]);
    verifyGrad((v) => norm(v, 3), [th.array([3, -4, 1, 0.5])]);
    verifyGrad((v) => norm(v, Infinity), [th.array([3, -4, 1, 0.5])]);
  });

  it('value-only gradients of eigh and svd stay finite at repeated or zero values', () => {
    const x = T.dmatrix('x');
    const gs = th.function([x], th.gradient.grad(th.tensor.sum(svd(x)[1]), x))([[1, 2], [2, 4], [3, 6]]) as th.NDArray;
    expect([...gs.flatData()].every(Number.isFinite)).toBe(true);
    // d sum(eigenvalues) = d trace: the identity's lower triangle (the op reads only that).
    const gw = th.function([x], th.gradient.grad(th.tensor.sum(eigh(x)[0]), x))([[1, 0], [0, 1]]) as th.NDArray;
    expectAllClose(gw, [[1, 0], [0, 1]], { atol: 1e-12 });
  });

  it('wide qr has no gradient rule: a NullGradient, not a wrong one', () => {
    const x = T.tensor('float64', [3, 4], 'x');
    expect(() => th.gradient.grad(th.tensor.sum(qr(x)[1]), x)).toThrow(/qr: the gradient of a wide matrix/);
  });
});

describe('linalg kernels on larger random matrices', () => {
  const rng = th.gradient.seededRandom(7);
  const random = (m: number, n: number): number[][] => Array.from({ length: m }, () => Array.from({ length: n }, () => rng() * 2 - 1));
  const x = T.dmatrix('x');
  const eyeOf = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const tol = { atol: 1e-10 };

  it('inverse, solve and det of a 9×9', () => {
    const a = random(9, 9);
    const [inv, prod, d, sl] = th.function([x], [matrixInverse(x), T.dot(x, matrixInverse(x)), det(x), slogdet(x)[1]])(a) as th.NDArray[];
    expectAllClose(prod!, eyeOf(9), tol);
    expectAllClose(th.function([x], T.dot(x, solve(x, x.T)))(a) as th.NDArray, th.array(a).T.toArray(), tol);
    expect(inv!.shape).toEqual([9, 9]);
    expectAllClose(Math.log(Math.abs(Number(d!.toArray()))), Number(sl!.toArray()), { rtol: 1e-10 });
  });

  it('cholesky and eigh of an 8×8 SPD matrix; eigh of the identity', () => {
    const b = th.array(random(8, 8));
    const spd = th.function([x], th.tensor.add(T.dot(x, x.T), T.eye(8)))(b) as th.NDArray;
    const l = cholesky(x);
    expectAllClose(th.function([x], T.dot(l, l.T))(spd) as th.NDArray, spd, tol);
    const [w, v] = eigh(x);
    const [ww, resid, orth] = th.function([x], [w, th.tensor.sub(T.dot(x, v), th.tensor.mul(v, w.dimshuffle('x', 0))), T.dot(v.T, v)])(spd) as th.NDArray[];
    expectAllClose(resid!, th.zeros([8, 8]), tol);
    expectAllClose(orth!, eyeOf(8), tol);
    const wv = [...ww!.flatData()];
    expect(wv).toEqual([...wv].sort((p, q) => p - q));
    const [wi, vi] = th.function([x], eigh(x))(eyeOf(3)) as th.NDArray[];
    expectAllClose(wi!, [1, 1, 1]);
    expectAllClose(vi!, eyeOf(3));
  });

  it.each([
    [10, 6],
    [6, 10],
    [7, 7],
  ])('qr and svd of a %i×%i', (m, n) => {
    const a = random(m, n);
    const k = Math.min(m, n);
    const [q, r] = qr(x);
    const [u, s, vt] = svd(x);
    const f = th.function([x], [T.dot(q, r), T.dot(q.T, q), T.dot(th.tensor.mul(u, s.dimshuffle('x', 0)), vt), T.dot(u.T, u), T.dot(vt, vt.T), r, s]);
    const [qrA, qtq, usv, utu, vvt, rr, ss] = f(a) as th.NDArray[];
    expectAllClose(qrA!, a, tol);
    expectAllClose(qtq!, eyeOf(k), tol);
    expectAllClose(usv!, a, tol);
    expectAllClose(utu!, eyeOf(k), tol);
    expectAllClose(vvt!, eyeOf(k), tol);
    // r upper triangular, s descending and non-negative.
    for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) expect(rr!.get(i, j)).toBe(0);
    const sv = [...ss!.flatData()];
    expect(sv).toEqual([...sv].sort((p, q) => q - p));
    expect(sv.every((v) => v >= 0)).toBe(true);
    // pinv: A P A = A and P A P = P.
    const p = pinv(x);
    const [apa, pap, pp] = th.function([x], [T.dot(T.dot(x, p), x), T.dot(T.dot(p, x), p), p])(a) as th.NDArray[];
    expectAllClose(apa!, a, tol);
    expectAllClose(pap!, pp!, tol);
  });

  it('iterative kernels stop at their sweep cap (null, reported as LinAlgError by the ops)', () => {
    const a = Float64Array.from(random(6, 6).flat());
    const sym = Float64Array.from(a);
    expect(jacobiEigh(Float64Array.from(sym), 6, 1)).toBeNull();
    expect(jacobiEigh(Float64Array.from(sym), 6)).not.toBeNull();
    expect(jacobiSVD(Float64Array.from(a), 6, 6, 1)).toBeNull();
    expect(jacobiSVD(Float64Array.from(a), 6, 6)).not.toBeNull();
  });
});
