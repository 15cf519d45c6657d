/**
 * BLAS specialisation: dot plus a scaled add becomes Gemm, Gemv or Ger; the
 * rewritten function gives the values of the unoptimized one (exactly, for
 * single scale factors), the rewrites stay away from what they cannot
 * express (integers, mixed dtypes, broadcasting, shared products), and the
 * seed's logistic regression trains identically with them.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { Gemm, Gemv, Ger } from '../../src/tensor/blas.js';
import { Elemwise } from '../../src/tensor/elemwise.js';
import type { CompiledFunction } from '../../src/compile/function.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import type { DType } from '../../src/ndarray/dtype.js';
import { expectAllClose } from '../helpers/allclose.js';

const T = th.tensor;
const { seededRandom } = th.gradient;
const unfused = new th.Mode({ excluding: ['fusion'] });
const reference = new th.Mode({ optimizer: null });

/** The ops of a compiled graph: Elemwise{op} for elementwise nodes, the op's name otherwise; sorted. */
function opsOf(f: CompiledFunction<unknown>): string[] {
  return [...f.maker.fgraph.applyNodes].map((n) => (n.op instanceof Elemwise ? `Elemwise{${n.op.scalarOp.name}}` : n.op.name)).sort();
}

/** The BLAS nodes of a compiled graph. */
function blasNodes(f: CompiledFunction<unknown>) {
  return [...f.maker.fgraph.applyNodes].filter((n) => n.op instanceof Gemm || n.op instanceof Gemv || n.op instanceof Ger);
}

/** Uniform numbers in [-1, 1) of the given shape, reproducibly. */
function randomArray(shape: number[], seed: number, dtype: DType = 'float64'): th.NDArray {
  const rng = seededRandom(seed);
  const out = th.zeros(shape, dtype);
  for (let k = 0; k < out.size; k++) out.data[k] = 2 * rng() - 1;
  return out;
}

/** Compiles `out` unfused and unoptimized, checks the values agree (exactly unless a tolerance is given); returns the unfused function. */
function checkSame(inputs: TensorVariable[], out: TensorVariable, args: unknown[], tol?: { rtol: number; atol: number }) {
  const opts = { onUnusedInput: 'ignore' } as const;
  const fast = th.function(inputs, out, { mode: unfused, ...opts });
  const plain = th.function(inputs, out, { mode: reference, ...opts });
  const fused = th.function(inputs, out, opts);
  const want = plain(...args);
  for (const f of [fast, fused]) {
    const got = f(...args);
    expect(got.dtype).toBe(want.dtype);
    expectAllClose(got, want, tol ?? { rtol: 0, atol: 0 });
  }
  expect(blasNodes(fused).length).toBe(blasNodes(fast).length);
  return fast;
}

describe.each(['float32', 'float64'] as const)('Gemm from dot (%s)', (dtype) => {
  const [X, Y, Z] = [T.matrix('X', dtype), T.matrix('Y', dtype), T.matrix('Z', dtype)];
  const Xt = T.matrix('Xt', dtype);
  const [a, b] = [T.scalar('a', dtype), T.scalar('b', dtype)];
  const args = [randomArray([3, 4], 1, dtype), randomArray([4, 5], 2, dtype), randomArray([3, 5], 3, dtype), 0.37, -1.25];

  it.each<[string, () => TensorVariable]>([
    ['dot(X, Y) + Z', () => T.add(T.dot(X, Y), Z)],
    ['Z + dot(X, Y)', () => T.add(Z, T.dot(X, Y))],
    ['Z - a·dot(X, Y)', () => T.sub(Z, T.mul(a, T.dot(X, Y)))],
    ['b·Z + a·dot(X, Y)', () => T.add(T.mul(b, Z), T.mul(a, T.dot(X, Y)))],
    ['dot(X, Y)·a - Z·b', () => T.sub(T.mul(T.dot(X, Y), a), T.mul(Z, b))],
    ['-dot(X, Y) + Z', () => T.add(T.dot(X, Y).neg(), Z)],
    ['Z - dot(X, Y)', () => T.sub(Z, T.dot(X, Y))],
    ['0.5·dot(X, Y) + Z (a constant factor)', () => T.add(T.mul(0.5, T.dot(X, Y)), Z)],
    ['Z·2 - dot(X, Y)·0.25', () => T.sub(Z.mul(2), T.dot(X, Y).mul(0.25))],
    ['dot(Xtᵀ, Y) + Z (a transposed operand)', () => T.add(T.dot(Xt.T, Y), Z)],
  ])('%s → one Gemm, same values', (_name, build) => {
    const f = checkSame([X, Y, Z, a, b, Xt], build(), [...args, randomArray([4, 3], 4, dtype)]);
    expect(opsOf(f).filter((o) => o === 'Gemm')).toHaveLength(1);
    expect(opsOf(f)).not.toContain('Dot');
    // alpha and beta are 0-d inputs of the Gemm.
    const node = blasNodes(f)[0]!;
    expect((node.inputs[1] as TensorVariable).ndim).toBe(0);
    expect((node.inputs[4] as TensorVariable).ndim).toBe(0);
  });

  it('several scale factors multiply into alpha (values to rounding)', () => {
    const c = T.scalar('c', dtype);
    const out = T.add(T.mul(a, T.mul(T.dot(X, Y), c)).neg(), T.mul(b, Z));
    const f = checkSame([X, Y, Z, a, b, c], out, [...args, 1.75], { rtol: dtype === 'float32' ? 1e-5 : 1e-13, atol: 1e-6 });
    expect(opsOf(f)).toContain('Gemm');
    expect(opsOf(f)).not.toContain('Dot');
  });

  it('a factor with broadcastable axes (a 1×1 matrix) becomes a 0-d alpha', () => {
    const s = T.tensor(dtype, [1, 1], 's');
    const out = T.add(Z, T.mul(s, T.dot(X, Y)));
    const f = checkSame([X, Y, Z, s], out, [args[0], args[1], args[2], th.array([[0.625]], { dtype })]);
    const node = blasNodes(f)[0]!;
    expect(node.op).toBeInstanceOf(Gemm);
    expect((node.inputs[1] as TensorVariable).ndim).toBe(0);
  });

  it('keeps static shapes: the output type is the replaced one', () => {
    const Xs = T.tensor(dtype, [3, null], 'Xs');
    const Zs = T.tensor(dtype, [null, 5], 'Zs');
    const out = T.add(T.dot(Xs, Y), Zs);
    const f = checkSame([Xs, Y, Zs], out, [args[0], args[1], args[2]]);
    expect(opsOf(f)).toEqual(['Gemm']);
    expect((f.maker.fgraph.outputs[0] as TensorVariable).type.shape).toEqual([3, 5]);
  });
});

describe.each(['float32', 'float64'] as const)('Gemv from dot (%s)', (dtype) => {
  const A = T.matrix('A', dtype);
  const [x, y] = [T.vector('x', dtype), T.vector('y', dtype)];
  const [a, b] = [T.scalar('a', dtype), T.scalar('b', dtype)];
  const args = [randomArray([3, 4], 11, dtype), randomArray([4], 12, dtype), randomArray([3], 13, dtype), 0.37, -1.25];

  it.each<[string, () => TensorVariable]>([
    ['dot(A, x) + y', () => T.add(T.dot(A, x), y)],
    ['y - a·dot(A, x)', () => T.sub(y, T.mul(a, T.dot(A, x)))],
    ['b·y + a·dot(A, x)', () => T.add(T.mul(b, y), T.mul(a, T.dot(A, x)))],
    ['0.1·y - dot(A, x)', () => T.sub(T.mul(0.1, y), T.dot(A, x))],
  ])('%s → one Gemv, same values', (_name, build) => {
    const f = checkSame([A, x, y, a, b], build(), args);
    expect(opsOf(f).filter((o) => o === 'Gemv')).toHaveLength(1);
    expect(opsOf(f)).not.toContain('Dot');
  });

  it('vector·matrix: dot(y, A)·a + x → Gemv with Aᵀ', () => {
    const out = T.add(T.mul(T.dot(y, A), a), x);
    const f = checkSame([A, x, y, a], out, [args[0], args[1], args[2], args[3]]);
    expect(opsOf(f)).toEqual(['DimShuffle', 'Gemv']);
  });
});

describe.each(['float32', 'float64'] as const)('Ger from an outer product (%s)', (dtype) => {
  const A = T.matrix('A', dtype);
  const [x, y] = [T.vector('x', dtype), T.vector('y', dtype)];
  const a = T.scalar('a', dtype);
  const outer = T.dot(x.dimshuffle(0, 'x'), y.dimshuffle('x', 0));
  const args = [randomArray([3, 4], 21, dtype), randomArray([3], 22, dtype), randomArray([4], 23, dtype), -0.8];

  it.each<[string, () => TensorVariable]>([
    ['A + a·outer(x, y)', () => T.add(A, T.mul(a, outer))],
    ['a·outer(x, y) + A', () => T.add(T.mul(outer, a), A)],
    ['A - outer(x, y)', () => T.sub(A, outer)],
    ['A + 0.01·outer(x, y)', () => T.add(A, T.mul(0.01, outer))],
  ])('%s → one Ger, same values', (_name, build) => {
    const f = checkSame([A, x, y, a], build(), args);
    expect(opsOf(f)).toEqual(['Ger']);
    // The vectors themselves, not the column and row.
    const node = blasNodes(f)[0]!;
    expect(node.inputs[2]).toBe(f.maker.fgraph.inputs[1]);
    expect(node.inputs[3]).toBe(f.maker.fgraph.inputs[2]);
  });

  it('a scaled A (b·A + outer) is a Gemm with k = 1 instead', () => {
    const b = T.scalar('b', dtype);
    const f = checkSame([A, x, y, b], T.add(T.mul(b, A), outer), [args[0], args[1], args[2], 1.5]);
    expect(opsOf(f).filter((o) => o === 'Gemm')).toHaveLength(1);
  });
});

describe('when the rewrites stay away', () => {
  it('integer products', () => {
    const [X, Y, Z] = T.imatrices('X', 'Y', 'Z');
    const f = th.function([X, Y, Z], T.add(T.dot(X, Y), Z), { mode: unfused });
    expect(opsOf(f)).toEqual(['Dot', 'Elemwise{add}']);
  });

  it('mixed dtypes (float32 product, float64 addend)', () => {
    const [X, Y] = T.fmatrices('X', 'Y');
    const Z = T.dmatrix('Z');
    const out = T.add(T.dot(X, Y), Z);
    const f = checkSame([X, Y, Z], out, [randomArray([2, 3], 1, 'float32'), randomArray([3, 2], 2, 'float32'), randomArray([2, 2], 3)]);
    expect(blasNodes(f)).toHaveLength(0);
  });

  it('a broadcast addend (a bias row): BLAS ops do not broadcast', () => {
    const [X, W] = T.dmatrices('X', 'W');
    const bias = T.dvector('bias');
    const out = T.add(T.dot(X, W), bias.dimshuffle('x', 0));
    const f = checkSame([X, W, bias], out, [randomArray([2, 3], 1), randomArray([3, 4], 2), randomArray([4], 3)]);
    expect(blasNodes(f)).toHaveLength(0);
    const v = T.dvector('v');
    const g = checkSame([X, v], T.add(T.dot(X, v), 1.5), [randomArray([2, 3], 4), randomArray([3], 5)]);
    expect(blasNodes(g)).toHaveLength(0);
  });

  it('a product used elsewhere too (it would be computed twice)', () => {
    const [X, Y, Z] = T.dmatrices('X', 'Y', 'Z');
    const d = T.dot(X, Y);
    const f = th.function([X, Y, Z], [T.add(d, Z), T.exp(d)], { mode: unfused });
    expect(blasNodes(f)).toHaveLength(0);
    const g = th.function([X, Y, Z], [T.add(d.mul(2), Z), d], { mode: unfused });
    expect(blasNodes(g)).toHaveLength(0);
  });

  it('a non-scalar factor, and a vector·vector product', () => {
    const [X, Y, Z, W] = T.dmatrices('X', 'Y', 'Z', 'W');
    const f = th.function([X, Y, Z, W], T.add(T.mul(W, T.dot(X, Y)), Z), { mode: unfused });
    expect(blasNodes(f)).toHaveLength(0);
    const [u, v] = T.dvectors('u', 'v');
    const s = T.dscalar('s');
    const g = th.function([u, v, s], T.add(T.dot(u, v), s), { mode: unfused });
    expect(blasNodes(g)).toHaveLength(0);
  });

  it("excluding 'blas' or a rewrite by name turns them off; fast_compile leaves them out", () => {
    const [X, Y, Z] = T.dmatrices('X', 'Y', 'Z');
    const out = T.add(T.dot(X, Y), Z);
    for (const mode of [new th.Mode({ excluding: ['fusion', 'blas'] }), new th.Mode({ excluding: ['fusion', 'gemmFromDot'] }), new th.Mode({ optimizer: 'fast_compile' })]) {
      expect(opsOf(th.function([X, Y, Z], out, { mode }))).toEqual(['Dot', 'Elemwise{add}']);
    }
    const m = T.dmatrix('m');
    const [x, y] = T.dvectors('x', 'y');
    const outer = T.dot(x.dimshuffle(0, 'x'), y.dimshuffle('x', 0));
    expect(blasNodes(th.function([m, x, y], T.add(m, outer), { mode: new th.Mode({ excluding: ['gerFromOuter'] }) }))).toHaveLength(0);
    expect(blasNodes(th.function([m, x, y], T.add(T.dot(m, x), y), { mode: new th.Mode({ excluding: ['gemvFromDot'] }) }))).toHaveLength(0);
  });
});

describe('a scale factor of another dtype is cast when that is safe', () => {
  it('int8 constant · float32 product', () => {
    const [X, Y, Z] = T.fmatrices('X', 'Y', 'Z');
    const out = T.sub(Z, T.mul(T.constant(3, null, 'int8'), T.dot(X, Y)));
    expect(out.dtype).toBe('float32');
    const f = checkSame([X, Y, Z], out, [randomArray([2, 3], 1, 'float32'), randomArray([3, 2], 2, 'float32'), randomArray([2, 2], 3, 'float32')]);
    expect(opsOf(f)).toEqual(['Gemm']);
  });

  it('float32 scalar variable · float64 product', () => {
    const [X, Y, Z] = T.dmatrices('X', 'Y', 'Z');
    const a = T.fscalar('a');
    const out = T.add(Z, T.mul(a, T.dot(X, Y)));
    const f = checkSame([X, Y, Z, a], out, [randomArray([2, 3], 1), randomArray([3, 2], 2), randomArray([2, 2], 3), 0.3]);
    expect(opsOf(f).filter((o) => o === 'Gemm')).toHaveLength(1);
  });
});

describe("the seed's logistic regression (examples/logistic-regression.ts)", () => {
  /** The example's model and training function, compiled in `mode`; its data, generated as the example does. */
  function setUp(mode?: th.Mode) {
    const rng = seededRandom(1234);
    const randn = (): number => {
      const u = 1 - rng();
      const v = rng();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    };
    const N = 10;
    const feats = 3;
    const D: [th.NDArray, th.NDArray] = [
      th.array(Array.from({ length: N }, () => Array.from({ length: feats }, randn)), { dtype: 'float32' }),
      th.array(Array.from({ length: N }, () => (rng() < 0.5 ? 0 : 1)), { dtype: 'float32' }),
    ];
    const x = T.matrix('x');
    const y = T.vector('y');
    const w = th.shared(th.array(Array.from({ length: feats }, randn)), 'w');
    const b = th.shared(0, 'b');
    const p1 = T.trueDiv(1, T.add(1, T.exp(T.dot(x, w).neg().sub(b))));
    const xent = y.neg().mul(T.log(p1)).sub(T.sub(1, y).mul(T.log(T.sub(1, p1))));
    const cost = xent.mean().add(T.mul(0.01, w.pow(2).sum()));
    const [gw, gb] = T.grad(cost, [w, b]);
    const prediction = p1.gt(0.5);
    const train = th.function([x, y], [prediction, xent], {
      updates: [
        [w, w.sub(gw!.mul(0.1))],
        [b, b.sub(gb!.mul(0.1))],
      ],
      name: 'train',
      ...(mode ? { mode } : {}),
    });
    return { D, w, b, train };
  }

  it('its training step uses Gemv in the default mode and trains exactly as without it', () => {
    const fast = setUp();
    const noBlas = setUp(new th.Mode({ excluding: ['blas'] }));
    const plain = setUp(reference);
    expect(blasNodes(fast.train).map((n) => n.op.name)).toEqual(['Gemv']);
    expect(blasNodes(noBlas.train)).toHaveLength(0);
    expect(blasNodes(plain.train)).toHaveLength(0);
    const meanXent: number[] = [];
    for (let step = 0; step < 1000; step++) {
      const [p, e] = fast.train(...fast.D);
      const [q, g] = noBlas.train(...noBlas.D);
      const [r, h] = plain.train(...plain.D);
      if (step % 97 === 0 || step === 999) {
        // Bit for bit the same as the default mode without the BLAS rewrites…
        expect(p!.toArray()).toEqual(q!.toArray());
        expectAllClose(e!, g!, { rtol: 0, atol: 0 });
        // …and the same as the unoptimized graph up to the rounding of the stabilised expressions.
        expect(p!.toArray()).toEqual(r!.toArray());
        expectAllClose(e!, h!, { rtol: 1e-12, atol: 1e-14 });
        meanXent.push(Array.from(e!.flatData(), Number).reduce((s, v) => s + v, 0) / e!.size);
      }
    }
    expectAllClose(fast.w.getValue(), noBlas.w.getValue(), { rtol: 0, atol: 0 });
    expectAllClose(fast.b.getValue(), noBlas.b.getValue(), { rtol: 0, atol: 0 });
    expectAllClose(fast.w.getValue(), plain.w.getValue(), { rtol: 1e-10 });
    expectAllClose(fast.b.getValue(), plain.b.getValue(), { rtol: 1e-10 });
    // And it learnt.
    expect(meanXent[meanXent.length - 1]!).toBeLessThan(meanXent[0]! / 2);
  });
});
