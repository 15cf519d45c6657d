/**
 * The rewrite phases: each rewrite fires on its pattern, keeps results
 * unchanged (optimized vs optimizer: null), and modes select rewrites by tag.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { Elemwise } from '../../src/tensor/elemwise.js';
import { FusedElemwise } from '../../src/tensor/fused.js';
import { DimShuffle } from '../../src/tensor/dimshuffle.js';
import { ShapeI } from '../../src/tensor/shape.js';
import type { FunctionGraph } from '../../src/graph/fgraph.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import { rewriteDB, RewriteTypeError, nodeRewriter, equilibrium } from '../../src/rewrite/index.js';
import { FunctionGraph as FG } from '../../src/graph/fgraph.js';
import { expectAllClose } from '../helpers/allclose.js';

const T = th.tensor;

/** The scalar op names computed by a compiled graph (Elemwise nodes and the steps of fused kernels), sorted. */
function elemwiseNames(fg: FunctionGraph): string[] {
  return [...fg.applyNodes]
    .flatMap((n) => {
      if (n.op instanceof Elemwise) return [n.op.scalarOp.name];
      if (n.op instanceof FusedElemwise) return n.op.kernel.steps.map((s) => s.op.name);
      return [];
    })
    .sort();
}

function both(inputs: TensorVariable[], output: TensorVariable) {
  return {
    fast: th.function(inputs, output),
    plain: th.function(inputs, output, { mode: new th.Mode({ optimizer: null }) }),
  };
}

describe('canonicalize', () => {
  it.each([
    ['x * 1', (x: TensorVariable) => x.mul(1)],
    ['1 * x', (x: TensorVariable) => T.mul(1, x)],
    ['x + 0', (x: TensorVariable) => x.add(0)],
    ['x - 0', (x: TensorVariable) => x.sub(0)],
    ['x / 1', (x: TensorVariable) => x.div(1)],
    ['--x', (x: TensorVariable) => x.neg().neg()],
  ])('%s becomes x', (_name, build) => {
    const x = T.dvector('x');
    const { fast, plain } = both([x], build(x));
    expect(elemwiseNames(fast.maker.fgraph)).toEqual([]);
    expect(fast([1, -2.5]).toArray()).toEqual(plain([1, -2.5]).toArray());
  });

  it('0 - x becomes -x; x * -1 becomes -x', () => {
    const x = T.dvector('x');
    expect(elemwiseNames(th.function([x], T.sub(0, x)).maker.fgraph)).toEqual(['neg']);
    expect(elemwiseNames(th.function([x], x.mul(-1)).maker.fgraph)).toEqual(['neg']);
  });

  it('x - x and x / x become constants shaped like x', () => {
    const x = T.dmatrix('x');
    const f = th.function([x], [x.sub(x), x.div(x)]);
    const [a, b] = f([[1, 2, 3]]);
    expect(a!.toArray()).toEqual([[0, 0, 0]]);
    expect(b!.toArray()).toEqual([[1, 1, 1]]);
    expect(elemwiseNames(f.maker.fgraph)).not.toContain('sub');
    expect(elemwiseNames(f.maker.fgraph)).not.toContain('trueDiv');
  });

  it('keeps the dtype: an int8 tensor times a float 1 still gives its float result', () => {
    const x = T.bvector('x');
    const y = x.mul(T.constant(1, null, 'float32'));
    const f = th.function([x], y);
    expect(f([1, 2]).dtype).toBe('float32');
    expect(f([1, 2]).toArray()).toEqual([1, 2]);
  });

  it('keeps the shape: x + zeros of a larger shape is not replaced by x', () => {
    const x = T.dvector('x');
    const y = x.add(th.zeros([2, 3]));
    const f = th.function([x], y);
    expect(f([1, 2, 3]).shape).toEqual([2, 3]);
  });

  it('merges nested dimshuffles and drops identity ones', () => {
    const x = T.dmatrix('x');
    const f = th.function([x], x.T.T.add(1));
    expect([...f.maker.fgraph.applyNodes].some((n) => n.op instanceof DimShuffle)).toBe(false);
    const g = th.function([x], x.dimshuffle(1, 'x', 0).dimshuffle(2, 0, 1));
    const shuffles = [...g.maker.fgraph.applyNodes].filter((n) => n.op instanceof DimShuffle);
    expect(shuffles).toHaveLength(1);
    expect(g([[1, 2, 3]]).shape).toEqual([1, 3, 1]);
    expect(g([[1, 2, 3]]).toArray()).toEqual([[[1], [2], [3]]]);
  });

  it('folds constants', () => {
    const x = T.dvector('x');
    const f = th.function([x], x.add(T.mul(T.constant(2), T.constant(3))));
    expect(elemwiseNames(f.maker.fgraph)).toEqual(['add']);
    expect(f([1]).toArray()).toEqual([7]);
  });

  it('computes lengths from shape rules instead of running the op', () => {
    const x = T.dmatrix('x');
    const w = T.dmatrix('w');
    const f = th.function([x, w], T.shapeI(T.dot(x, w), 1));
    const ops = [...f.maker.fgraph.applyNodes].map((n) => n.op);
    expect(ops.some((op) => op.name === 'Dot')).toBe(false);
    expect(ops.filter((op) => op instanceof ShapeI)).toHaveLength(1);
    expect(Number(f(th.zeros([2, 3]), th.zeros([3, 5])))).toBe(5);
  });
});

describe('stabilize', () => {
  it('1 / (1 + exp(-x)) becomes sigmoid; log of it becomes -softplus(-x), finite at -1000', () => {
    const x = T.dvector('x');
    const p = T.trueDiv(1, T.add(1, T.exp(x.neg())));
    const { fast, plain } = both([x], T.log(p));
    expect(elemwiseNames(fast.maker.fgraph)).toContain('softplus');
    expect(elemwiseNames(fast.maker.fgraph)).not.toContain('exp');
    expect(fast([-1000, 0, 1000]).toArray()).toEqual([-1000, -Math.LN2, -0]);
    expect(plain([-1000]).toArray()).toEqual([-Infinity]);
    expectAllClose(fast([-3, 0.5, 4]), plain([-3, 0.5, 4]), { rtol: 1e-12 });
  });

  it('log(1 - sigmoid(x)) is finite at 1000', () => {
    const x = T.dvector('x');
    const { fast, plain } = both([x], T.log(T.sub(1, T.sigmoid(x))));
    expect(fast([1000]).toArray()).toEqual([-1000]);
    expect(plain([1000]).toArray()).toEqual([-Infinity]);
  });

  it('log(1 + x) becomes log1p and exp(x) - 1 becomes expm1, keeping tiny values', () => {
    const x = T.dvector('x');
    const f = th.function([x], [T.log(T.add(1, x)), T.sub(T.exp(x), 1)]);
    expect(elemwiseNames(f.maker.fgraph)).toEqual(['expm1', 'log1p']);
    const [a, b] = f([1e-20]);
    expect(a!.toArray()).toEqual([1e-20]);
    expect(b!.toArray()).toEqual([1e-20]);
  });

  it('log(1 + exp(x)) becomes softplus, finite at 1000', () => {
    const x = T.dvector('x');
    const f = th.function([x], T.log(T.add(1, T.exp(x))));
    expect(f([1000, 0]).toArray()).toEqual([1000, Math.LN2]);
  });

  it("the seed's logistic-regression cost is finite at |x·w| = 1000 once rewritten", () => {
    const x = T.matrix('x');
    const y = T.vector('y');
    const w = th.shared(th.array([1, 1, 1]), 'w');
    const b = th.shared(0, 'b');
    const p1 = T.trueDiv(1, T.add(1, T.exp(T.dot(x, w).neg().sub(b))));
    const xent = y.neg().mul(T.log(p1)).sub(T.sub(1, y).mul(T.log(T.sub(1, p1))));
    const cost = xent.mean().add(T.mul(0.01, w.pow(2).sum()));
    const data: [number[][], number[]] = [[[1000, 0, 0], [-1000, 0, 0]], [0, 1]];
    const naive = th.function([x, y], cost, { mode: new th.Mode({ optimizer: null }) });
    const stable = th.function([x, y], cost);
    expect(Number(naive(...data))).toBe(Infinity);
    expect(Number(stable(...data))).toBeCloseTo(1000.03, 10);
  });
});

describe('specialize', () => {
  it('x ** 2 → sqr, x ** 0.5 → sqrt, x ** -1 → reciprocal, x * x → sqr', () => {
    const x = T.dvector('x');
    const f = th.function([x], [x.pow(2), x.pow(0.5), x.pow(-1), x.mul(x), x.pow(1)]);
    expect(elemwiseNames(f.maker.fgraph)).toEqual(['reciprocal', 'sqr', 'sqrt']);
    const out = f([4]).map((a) => a.toArray());
    expect(out).toEqual([[16], [2], [0.25], [16], [4]]);
  });
});

describe('modes and the database', () => {
  it('excluding a tag or a rewrite by name turns it off; including adds it', () => {
    const x = T.dvector('x');
    const y = T.log(T.add(1, x));
    expect(elemwiseNames(th.function([x], y, { mode: new th.Mode({ excluding: ['stabilize'] }) }).maker.fgraph)).toEqual(['add', 'log']);
    expect(elemwiseNames(th.function([x], y, { mode: new th.Mode({ excluding: ['log1pFromLog'] }) }).maker.fgraph)).toEqual(['add', 'log']);
    expect(elemwiseNames(th.function([x], y, { mode: new th.Mode({ optimizer: 'fast_compile' }) }).maker.fgraph)).toEqual(['add', 'log']);
    const m = new th.Mode({ optimizer: 'fast_compile' }).withIncluding('stable');
    expect(elemwiseNames(th.function([x], y, { mode: m }).maker.fgraph)).toEqual(['log1p']);
  });

  it('an unknown rewrite name is a clear error', () => {
    const x = T.dvector('x');
    expect(() => th.function([x], x, { mode: new th.Mode({ excluding: ['noSuchRewrite'] }) })).toThrow(/noSuchRewrite/);
  });

  it('reports what each phase changed', () => {
    const x = T.dvector('x');
    const f = th.function([x], T.log(T.add(1, x.mul(1))));
    const byPhase: Record<string, number> = {};
    for (const r of f.maker.rewrites) byPhase[r.phase] = (byPhase[r.phase] ?? 0) + r.changes;
    expect(byPhase.canonicalize).toBeGreaterThan(0);
    expect(byPhase.stabilize).toBeGreaterThan(0);
  });

  it('a rewrite that changes a type is reported as a bug in that rewrite', () => {
    const x = T.dvector('x');
    const y = T.exp(x);
    const fg = new FG([x], [y]);
    const bad = nodeRewriter('badRewrite', (node) => (node.op instanceof Elemwise ? [T.fvector('f')] : null));
    expect(() => equilibrium('test', [bad]).apply(fg)).toThrow(RewriteTypeError);
    expect(() => equilibrium('test', [bad]).apply(fg)).toThrow(/badRewrite/);
  });

  it('the database knows every default rewrite by name', () => {
    expect(rewriteDB.names()).toEqual(expect.arrayContaining(['merge', 'mulByOne', 'constantFolding', 'logSigmoid', 'powTwoToSqr']));
  });
});
