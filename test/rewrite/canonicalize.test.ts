/**
 * Fill sinking and mul/div/neg normalisation (rewrite/fill.ts,
 * rewrite/mulDiv.ts): each rewrite fires (the graph, fusion left out, shows
 * it) and keeps values equal to the unoptimized graph.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { Elemwise } from '../../src/tensor/elemwise.js';
import { CAReduce } from '../../src/tensor/reduce.js';
import type { FunctionGraph } from '../../src/graph/fgraph.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import { expectAllClose } from '../helpers/allclose.js';

const T = th.tensor;
const noFusion = new th.Mode({ excluding: ['fusion'] });
const plain = new th.Mode({ optimizer: null });

/** Scalar op names of the Elemwise nodes, sorted. */
function ops(fg: FunctionGraph): string[] {
  return [...fg.applyNodes].flatMap((n) => (n.op instanceof Elemwise ? [n.op.scalarOp.name] : [])).sort();
}

/** Compiles `out` without fusion and unoptimized; checks values agree on `args`; returns the optimized graph's ops. */
function check(inputs: TensorVariable[], out: TensorVariable, args: unknown[], rtol = 1e-12): { ops: string[]; fg: FunctionGraph } {
  const f = th.function(inputs, out, { mode: noFusion });
  const g = th.function(inputs, out, { mode: plain });
  expectAllClose(f(...(args as never[])), g(...(args as never[])), { rtol });
  expect(f.maker.fgraph.outputs[0]!.type.equals(out.type)).toBe(true);
  return { ops: ops(f.maker.fgraph), fg: f.maker.fgraph };
}

const v3 = [1.5, -2, 0.25];
const w3 = [0.5, 4, -3];
const m23 = [
  [1, 2, 3],
  [4, 5, 6],
];

describe('fill sinking', () => {
  it('mul(fill(x, 1), y) → y when shapes match', () => {
    const [x, y] = [T.dvector('x'), T.dvector('y')];
    expect(check([x, y], T.mul(T.onesLike(x), y), [v3, w3]).ops).toEqual([]);
  });

  it('f(fill(x, c), d) → f(c, d), the fill kept once where the shape needs it', () => {
    const [x, y] = [T.dvector('x'), T.dvector('y')];
    expect(check([x, y], T.add(T.fill(x, 3), y), [v3, w3]).ops).toEqual(['add']);
    // d a scalar: the result is spread to x's shape by one fill.
    const s = T.dscalar('s');
    expect(check([x, s], T.exp(T.mul(T.fill(x, 2), s)), [v3, 0.5]).ops).toEqual(['exp', 'mul', 'second']);
  });

  it('fill(x, fill(y, c)) → fill(x, c); fill(a, b) → b when b has the shape', () => {
    const [x, y] = [T.dvector('x'), T.dvector('y')];
    expect(check([x, y], T.fill(x, T.fill(y, 2)), [v3, w3]).ops).toEqual(['second']);
    expect(check([x, y], T.fill(x, y), [v3, w3]).ops).toEqual([]);
  });

  it('sum(fill(x, c)) → c * size(x), over all axes and over some', () => {
    const [x, c] = [T.dmatrix('x'), T.dscalar('c')];
    const all = check([x, c], T.fill(x, c).sum(), [m23, 1.25]);
    expect([...all.fg.applyNodes].some((n) => n.op instanceof CAReduce)).toBe(false);
    expect(all.ops).not.toContain('second');
    // Over some axes, when the value already varies along the kept ones (a column summed along rows).
    const col = T.dcol('col');
    const some = check([x, col], T.sum(T.fill(x, T.mul(col, 2)), 1), [m23, [[1.25], [-3]]]);
    expect([...some.fg.applyNodes].some((n) => n.op instanceof CAReduce)).toBe(false);
  });

  it('a sum over a broadcast axis is a dimshuffle', () => {
    const s = T.dscalar('s');
    const r = check([s], T.sum(s.dimshuffle('x'), 0), [2.5]);
    expect(ops(r.fg)).toEqual([]);
    expect([...r.fg.applyNodes].some((n) => n.op instanceof CAReduce)).toBe(false);
  });

  it('the gradient of an L2 penalty loses its fills', () => {
    const w = T.dvector('w');
    const [g] = T.grad(T.mul(0.01, w.pow(2).sum()), [w]);
    const r = check([w], g!, [v3]);
    expect(r.ops).toEqual(['mul']);
  });
});

describe('mul/div/neg normalisation', () => {
  it('(x * 2) * 3 and 2 * (x * 3) → x * 6', () => {
    const x = T.dvector('x');
    for (const e of [T.mul(T.mul(x, 2), 3), T.mul(2, T.mul(x, 3))]) {
      const r = check([x], e, [v3]);
      expect(r.ops).toEqual(['mul']);
    }
  });

  it('neg(x) * neg(y) → x * y; x * neg(y) → neg(x * y)', () => {
    const [x, y] = [T.dvector('x'), T.dvector('y')];
    expect(check([x, y], T.mul(x.neg(), y.neg()), [v3, w3]).ops).toEqual(['mul']);
    const r = check([x, y], T.mul(x, y.neg()), [v3, w3]);
    expect(r.ops).toEqual(['mul', 'neg']);
    expect(r.fg.outputs[0]!.owner!.op).toMatchObject({ scalarOp: { name: 'neg' } });
    expect(check([x, y], T.trueDiv(x.neg(), y), [v3, w3]).fg.outputs[0]!.owner!.op).toMatchObject({ scalarOp: { name: 'neg' } });
  });

  it('-(a - b) → b - a; a - neg(b) → a + b; a + neg(b) → a - b', () => {
    const [a, b] = [T.dvector('a'), T.dvector('b')];
    expect(check([a, b], T.sub(a, b).neg(), [v3, w3]).ops).toEqual(['sub']);
    expect(check([a, b], T.sub(a, b.neg()), [v3, w3]).ops).toEqual(['add']);
    expect(check([a, b], T.add(a, b.neg()), [v3, w3]).ops).toEqual(['sub']);
  });

  it('x / c → x * (1/c) only for powers of two', () => {
    const x = T.dvector('x');
    expect(check([x], x.div(4), [v3]).ops).toEqual(['mul']);
    expect(check([x], x.div(0.5), [v3]).ops).toEqual(['mul']);
    expect(check([x], x.div(3), [v3]).ops).toEqual(['trueDiv']);
    const f = T.fvector('f');
    expect(check([f], f.div(8), [v3], 1e-6).ops).toEqual(['mul']);
  });

  it('(x * y) / y → x; (x / y) * y → x; x * (1 / x) → 1', () => {
    const [x, y] = [T.dvector('x'), T.dvector('y')];
    expect(check([x, y], T.trueDiv(T.mul(x, y), y), [v3, w3]).ops).toEqual([]);
    expect(check([x, y], T.mul(T.trueDiv(x, y), y), [v3, w3]).ops).toEqual([]);
    expect(check([x], T.mul(x, T.trueDiv(1, x)), [v3]).ops).toEqual(['second']);
    expect(check([x], T.mul(x, T.reciprocal(x)), [v3]).ops).toEqual(['second']);
  });

  it('integer chains are left alone', () => {
    const i = T.ivector('i');
    expect(check([i], T.mul(T.mul(i, 2), 3), [[1, 2, 3]]).ops).toEqual(['mul', 'mul']);
  });
});

describe('the logistic-regression training step', () => {
  const mine = [
    'fillSimplify', 'fillSink', 'sumOfFill', 'sumOverUnitAxes', 'mulFlatten', 'divNegNumerator', 'divNegDenominator', 'negSub',
    'subNeg', 'addNeg', 'divByPowerOfTwo', 'mulDivCancel', 'divMulCancel', 'mulReciprocalCancel',
    'sigmoidGradFromExpRatio', 'sigmoidGradFromExp', 'mulCancelDivision',
  ];

  function build(excluding: string[]) {
    const x = T.dmatrix('x');
    const y = T.dvector('y');
    const w = th.shared(th.array([0.1, -0.2, 0.3]), 'w');
    const b = th.shared(0, 'b');
    const p1 = T.trueDiv(1, T.add(1, T.exp(T.dot(x, w).neg().sub(b))));
    const xent = y.neg().mul(T.log(p1)).sub(T.sub(1, y).mul(T.log(T.sub(1, p1))));
    const cost = xent.mean().add(T.mul(0.01, w.pow(2).sum()));
    const [gw, gb] = T.grad(cost, [w, b]);
    const f = th.function([x, y], [p1.gt(0.5), xent, gw!, gb!], {
      updates: [
        [w, w.sub(gw!.mul(0.1))],
        [b, b.sub(gb!.mul(0.1))],
      ],
      mode: excluding.length === 0 ? undefined : new th.Mode({ excluding }),
    });
    return f;
  }

  it('has fewer nodes, no shape-only fills, and the same results', () => {
    const before = build(mine);
    const after = build([]);
    const beforeNoFuse = build([...mine, 'fusion']);
    const afterNoFuse = build(['fusion']);
    expect(after.maker.fgraph.applyNodes.size).toBeLessThan(before.maker.fgraph.applyNodes.size);
    expect(afterNoFuse.maker.fgraph.applyNodes.size).toBeLessThan(beforeNoFuse.maker.fgraph.applyNodes.size);
    expect(ops(afterNoFuse.maker.fgraph)).not.toContain('second');
    const X = [
      [0.5, -1, 2],
      [1, 0.25, -0.5],
      [-2, 1, 0],
      [0.1, 0.2, 0.3],
    ];
    const Y = [1, 0, 0, 1];
    for (let step = 0; step < 3; step++) {
      const a = after(X, Y);
      const bOut = before(X, Y);
      a.forEach((v, k) => expectAllClose(v, bOut[k]!, { rtol: 1e-10, atol: 1e-12 }));
    }
  });
});

describe('mergeReshapes', () => {
  it('a reshape of a reshape is one reshape; a reshape to the same static shape disappears', () => {
    const x = th.tensor.dmatrix('x');
    const r = x.reshape([-1]).reshape([3, 2]);
    const f = th.function([x], r);
    const reshapes = [...f.maker.fgraph.applyNodes].filter((n) => n.op instanceof th.tensor.Reshape);
    expect(reshapes).toHaveLength(1);
    expect(reshapes[0]!.inputs[0]!.name).toBe('x');
    expect(f([[1, 2, 3], [4, 5, 6]]).toArray()).toEqual([[1, 2], [3, 4], [5, 6]]);
    const y = th.tensor.tensor('float64', [2, 3], 'y');
    const g = th.function([y], y.reshape([2, 3]).mul(2));
    expect([...g.maker.fgraph.applyNodes].some((n) => n.op instanceof th.tensor.Reshape)).toBe(false);
  });
});
