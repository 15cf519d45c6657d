/**
 * Reductions fused with the elementwise chain they reduce: `sum(exp(x) * w)`
 * becomes one FusedReduce node (no CAReduce, no temporary), whose results
 * equal the unfused graph's bit for bit — under the generated loops (the
 * default 'js' linker) and under the reference `perform` (the 'vm' linker) —
 * for every dtype, reduction op and choice of axes, on contiguous,
 * broadcast, strided and empty inputs.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as th from '../../src/index.js';
import { Elemwise } from '../../src/tensor/elemwise.js';
import { FusedElemwise, FusedReduce } from '../../src/tensor/fused.js';
import { CAReduce } from '../../src/tensor/reduce.js';
import type { CompiledFunction } from '../../src/compile/function.js';
import { NDArray } from '../../src/ndarray/ndarray.js';
import * as S from '../../src/scalar/ops.js';
import type { ScalarOp } from '../../src/scalar/scalarOp.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import { expectAllClose } from '../helpers/allclose.js';
import fc from 'fast-check';
import { data, expectSame } from '../helpers/assertions.js';

const T = th.tensor;

/** Every way the unfused graph is run: rewrites off (generated loops / reference VM), fusion off. */
const MODES = {
  noOptJs: new th.Mode({ optimizer: null }),
  noOptVm: new th.Mode({ optimizer: null, linker: 'vm' }),
  unfused: new th.Mode({ excluding: ['fusion'] }),
} as const;
/** The fused graph under the reference VM: FusedReduce.perform. */
const FUSED_VM = new th.Mode({ linker: 'vm' });

function opsOf(f: CompiledFunction<unknown>): string[] {
  return [...f.maker.fgraph.applyNodes]
    .map((n) => (n.op instanceof FusedReduce ? 'FusedReduce' : n.op instanceof FusedElemwise ? 'Fused' : n.op instanceof Elemwise ? 'Elemwise' : n.op.name))
    .sort();
}

/** Compiles `out` fused and in every reference mode; checks the structure and that all agree exactly. */
function checkFused(inputs: TensorVariable[], out: TensorVariable, args: readonly unknown[], expectNodes?: string[]): NDArray {
  const f = th.function(inputs, out);
  const ops = opsOf(f);
  expect(ops).toContain('FusedReduce');
  expect(ops).not.toContain('CAReduce');
  if (expectNodes) expect(ops).toEqual(expectNodes);
  const got = f(...args);
  for (const [name, mode] of Object.entries(MODES)) {
    const g = th.function(inputs, out, { mode });
    expect(opsOf(g), name).not.toContain('FusedReduce');
    expectSame(g(...args), got);
  }
  expectSame(th.function(inputs, out, { mode: FUSED_VM })(...args), got);
  // A second call reuses the output buffer and gives the same values.
  expectSame(f(...args), got);
  return got;
}

describe('reduction fusion: structure', () => {
  it('sum(exp(x) * w) becomes one FusedReduce node', () => {
    const [x, w] = T.dvectors('x', 'w');
    const f = th.function([x, w], T.sum(T.exp(x).mul(w)));
    expect(opsOf(f)).toEqual(['FusedReduce']);
    const node = [...f.maker.fgraph.applyNodes][0]!;
    expect(String(node.op)).toBe('FusedReduce{t2 = exp(i0); t3 = mul(t2, i1) → t3 → add over [0]}');
    expect(f([0, 1], [2, 3]).item()).toBe(2 + Math.E * 3);
  });

  it('a reduction of a single elementwise op fuses too (no temporary)', () => {
    const x = T.dmatrix('x');
    const f = th.function([x], T.sum(T.exp(x), 1));
    expect(opsOf(f)).toEqual(['FusedReduce']);
  });

  it('a plain reduction of an input stays a CAReduce', () => {
    const x = T.dmatrix('x');
    expect(opsOf(th.function([x], T.sum(x)))).toEqual(['CAReduce']);
  });

  it('does not fuse when the elementwise result is used elsewhere too', () => {
    const x = T.dvector('x');
    const e = T.exp(x).mul(2);
    const f = th.function([x], [T.sum(e), e]);
    const ops = opsOf(f);
    expect(ops).toContain('CAReduce');
    expect(ops).not.toContain('FusedReduce');
    const [s, v] = f([0, 1]);
    expect(s!.item()).toBe(2 + 2 * Math.E);
    expect(v!.toArray()).toEqual([2, 2 * Math.E]);
  });

  it('the elementwise result as a function output is not folded away', () => {
    const x = T.dvector('x');
    const e = T.exp(x);
    const f = th.function([x], [e, T.sum(e)]);
    expect(opsOf(f)).not.toContain('FusedReduce');
  });

  it('keepdims keeps its DimShuffle after the fused node; inferShape gives the output shape', () => {
    const x = T.dtensor3('x');
    const w = T.dtensor3('w');
    const out = T.sum(x.mul(w), [1], { keepdims: true });
    const f = th.function([x, w], out);
    expect(opsOf(f)).toEqual(['DimShuffle', 'FusedReduce']);
    const shapeF = th.function([x, w], T.shape(out), { onUnusedInput: 'ignore' });
    expect((shapeF(data('float64', [2, 3, 4], 1), data('float64', [2, 3, 4], 2)) as NDArray).toArray()).toEqual([2, 1, 4]);
  });

  it('FusedReduce.inferShape matches the run-time shape (broadcast inputs)', () => {
    const r = T.drow('r');
    const m = T.dmatrix('m');
    const f = th.function([r, m], T.sum(r.mul(m), 0));
    const node = [...f.maker.fgraph.applyNodes].find((n) => n.op instanceof FusedReduce)!;
    const op = node.op as FusedReduce;
    const shapes = op.inferShape(node, node.inputs.map((i) => [0, 1].map((ax) => T.shapeI(i as TensorVariable, ax))));
    expect(shapes).toHaveLength(1);
    expect(shapes[0]).toHaveLength(1);
    const g = th.function([r, m], shapes[0]![0]! as TensorVariable, { onUnusedInput: 'ignore' });
    expect(Number(g(data('float64', [1, 5], 1), data('float64', [3, 5], 2)))).toBe(5);
    expect(f(data('float64', [1, 5], 1), data('float64', [3, 5], 2)).shape).toEqual([5]);
  });

  it('equal fused reductions merge into one node', () => {
    const [x, w] = T.dvectors('x', 'w');
    const f = th.function([x, w], [T.sum(T.exp(x).mul(w)), T.sum(T.exp(x).mul(w)).mul(2)]);
    expect(opsOf(f).filter((o) => o === 'FusedReduce')).toHaveLength(1);
  });
});

/** The reductions CAReduce offers beyond sum, built directly (the tensor API has only sum and mean). */
function reduceWith(op: ScalarOp, x: TensorVariable, axes: readonly number[]): TensorVariable {
  return new CAReduce(op, axes).apply1(x) as TensorVariable;
}

const AXES: readonly { name: string; axes: number[] | null }[] = [
  { name: 'all axes', axes: null },
  { name: 'trailing axis', axes: [2] },
  { name: 'trailing axes', axes: [1, 2] },
  { name: 'leading axis', axes: [0] },
  { name: 'middle axis', axes: [1] },
  { name: 'outer axes', axes: [0, 2] },
];

describe('reduction fusion: exact values', () => {
  for (const dtype of ['float64', 'float32', 'int32'] as const) {
    for (const { name, axes } of AXES) {
      it(`sum of a chain, ${dtype}, ${name}`, () => {
        const x = T.tensor(dtype, [false, false, false], 'x');
        const w = T.tensor(dtype, [false, false, false], 'w');
        // int32: the product wraps around in int32 before the int64 sum, as in the unfused graph.
        const chain = dtype === 'int32' ? x.mul(w).add(x) : T.exp(T.tanh(x)).mul(w).sub(x);
        const out = T.sum(chain, axes);
        const got = checkFused([x, w], out, [data(dtype, [3, 4, 5], 1), data(dtype, [3, 4, 5], 2)], ['FusedReduce']);
        expect(got.dtype).toBe(dtype === 'int32' ? 'int64' : dtype);
      });

      it(`max, min and prod of a chain, ${dtype}, ${name}`, () => {
        const x = T.tensor(dtype, [false, false, false], 'x');
        const w = T.tensor(dtype, [false, false, false], 'w');
        const chain = dtype === 'int32' ? x.sub(w) : T.tanh(x).mul(w);
        const all = [0, 1, 2];
        for (const op of [S.maximum, S.minimum, S.mul]) {
          checkFused([x, w], reduceWith(op, chain, axes ?? all), [data(dtype, [3, 4, 5], 3), data(dtype, [3, 4, 5], 4)], ['FusedReduce']);
        }
      });
    }

    it(`keepdims, ${dtype}`, () => {
      const x = T.tensor(dtype, [false, false, false], 'x');
      const out = T.sum(x.mul(x), [0, 2], { keepdims: true });
      const got = checkFused([x], out, [data(dtype, [3, 4, 5], 5)], ['DimShuffle', 'FusedReduce']);
      expect(got.shape).toEqual([1, 4, 1]);
    });
  }

  it('and / or reductions of comparisons (bool) and of int32 bit patterns', () => {
    const x = T.imatrix('x');
    const w = T.imatrix('w');
    const args = [data('int32', [4, 6], 7), data('int32', [4, 6], 8)];
    for (const op of [S.and, S.or]) {
      for (const axes of [[0], [1], [0, 1]]) {
        const b = checkFused([x, w], reduceWith(op, T.gt(x, w), axes), args);
        expect(b.dtype).toBe('bool');
        const i = checkFused([x, w], reduceWith(op, T.xor(x, w), axes), args);
        expect(i.dtype).toBe('int32');
      }
    }
  });

  it('a sum with a narrower output dtype converts each element first (as CAReduce)', () => {
    const x = T.dvector('x');
    const out = T.sum(x.mul(3), null, { dtype: 'int32' });
    const got = checkFused([x], out, [[0.5, 0.5, 0.9, -0.4, 1e10]]);
    expect(got.dtype).toBe('int32');
  });

  it('float32 sums accumulate in doubles and round once, as CAReduce', () => {
    const x = T.fvector('x');
    const got = checkFused([x], T.sum(x.mul(x)), [data('float32', [1000], 9)]);
    expect(got.dtype).toBe('float32');
  });

  it('the mean of a cross-entropy is a fused reduction', () => {
    const p = T.dvector('p');
    const y = T.dvector('y');
    const xent = y.neg().mul(T.log(p)).sub(T.sub(1, y).mul(T.log(T.sub(1, p))));
    const args = [[0.1, 0.5, 0.9, 0.25, 0.75], [0, 1, 1, 0, 1]];
    const got = checkFused([p, y], xent.mean(), args);
    expectAllClose(got, -(Math.log(0.9) + Math.log(0.5) + Math.log(0.9) + Math.log(0.75) + Math.log(0.75)) / 5, { rtol: 1e-14 });
  });
});

describe('reduction fusion: layouts', () => {
  it('empty arrays: every axis choice gives the identity or an empty result', () => {
    const x = T.dmatrix('x');
    const w = T.dmatrix('w');
    for (const axes of [null, [0], [1]]) {
      for (const shape of [[0, 3], [3, 0], [0, 0]]) {
        checkFused([x, w], T.sum(x.mul(w).add(1), axes), [data('float64', shape, 1), data('float64', shape, 2)]);
        checkFused([x, w], reduceWith(S.maximum, x.mul(w), axes ?? [0, 1]), [data('float64', shape, 1), data('float64', shape, 2)]);
      }
    }
    const f = th.function([x, w], T.sum(x.mul(w), 0));
    expect(f(data('float64', [0, 3], 1), data('float64', [0, 3], 2)).toArray()).toEqual([0, 0, 0]);
  });

  it('broadcast inputs: a row, a column and a scalar against a matrix', () => {
    const r = T.drow('r');
    const c = T.dcol('c');
    const s = T.dscalar('s');
    const m = T.dmatrix('m');
    const chain = T.exp(r.add(c)).mul(m).sub(s);
    const args = [data('float64', [1, 7], 1), data('float64', [5, 1], 2), 0.375, data('float64', [5, 7], 3)];
    for (const axes of [null, [0], [1]]) checkFused([r, c, s, m], T.sum(chain, axes), args, ['DimShuffle', 'FusedReduce']);
  });

  it('non-contiguous inputs: transposed in the graph and strided views passed in', () => {
    const x = T.dmatrix('x');
    const w = T.dmatrix('w');
    const args = [data('float64', [6, 4], 1), data('float64', [4, 6], 2)];
    for (const axes of [null, [0], [1]]) checkFused([x, w], T.sum(x.T.mul(w).add(x.T), axes), args);
    // Views as arguments: a transpose and a reversed view with a negative stride.
    const base = data('float64', [8], 3);
    const reversed = new NDArray(base.data, 'float64', [8], [-1], 7);
    const v = T.dvector('v');
    const u = T.dvector('u');
    checkFused([v, u], T.sum(T.exp(v).mul(u)), [reversed, data('float64', [8], 4)], ['FusedReduce']);
    for (const axes of [null, [0], [1]]) {
      checkFused([x, w], T.sum(x.mul(w), axes), [data('float64', [4, 6], 5).transpose(), data('float64', [6, 4], 6)]);
    }
  });

  it('a shape mismatch inside a fused reduction names the shapes and the user line', () => {
    const [a, b] = T.dvectors('a', 'b');
    const f = th.function([a, b], T.sum(a.mul(b)));
    expect(opsOf(f)).toEqual(['FusedReduce']);
    for (const mode of [undefined, FUSED_VM]) {
      const g = mode ? th.function([a, b], T.sum(a.mul(b)), { mode }) : f;
      let message = '';
      try {
        g([1, 2], [1, 2, 3]);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain('(2,)');
      expect(message).toContain('(3,)');
      expect(message).toContain('reduceFusion.test.ts');
    }
  });
});

describe('reduction fusion: generated loops run', () => {
  afterEach(() => vi.restoreAllMocks());

  it('the js linker folds without calling the reference perform', () => {
    const spies = [vi.spyOn(FusedReduce.prototype, 'perform'), vi.spyOn(CAReduce.prototype, 'perform'), vi.spyOn(Elemwise.prototype, 'perform')];
    const m = T.dmatrix('m');
    const r = T.drow('r');
    const f = th.function([m, r], [T.sum(T.exp(m).mul(r), 0), T.sum(m.T, 1), T.sum(m)]);
    const [a, b, c] = f(data('float64', [5, 3], 1), data('float64', [1, 3], 2));
    for (const s of spies) expect(s).not.toHaveBeenCalled();
    const g = th.function([m, r], [T.sum(T.exp(m).mul(r), 0), T.sum(m.T, 1), T.sum(m)], { mode: MODES.noOptVm });
    const [a2, b2, c2] = g(data('float64', [5, 3], 1), data('float64', [1, 3], 2));
    expectSame(a!, a2!);
    expectSame(b!, b2!);
    expectSame(c!, c2!);
  });
});

describe('reduction fusion: logistic regression', () => {
  /** The model and cost of examples/logistic-regression.ts. */
  function model(x: TensorVariable, y: TensorVariable, w: TensorVariable, b: TensorVariable) {
    const p1 = T.trueDiv(1, T.add(1, T.exp(T.dot(x, w).neg().sub(b))));
    const xent = y.neg().mul(T.log(p1)).sub(T.sub(1, y).mul(T.log(T.sub(1, p1))));
    const cost = xent.mean().add(T.mul(0.01, w.pow(2).sum()));
    return { p1, xent, cost };
  }
  const N = 40;
  const feats = 7;
  const X = data('float32', [N, feats], 11);
  const Y = th.array(Array.from({ length: N }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0)), { dtype: 'float32' });
  const W0 = data('float64', [feats], 12);

  it('the cost fuses both of its reductions (the mean of the cross-entropy and the weight decay)', () => {
    const [x, y, w, b] = [T.matrix('x'), T.vector('y'), T.vector('w'), T.scalar('b')];
    const { cost } = model(x, y, w, b);
    const args = [X, Y, W0, 0.125];
    const f = th.function([x, y, w, b], cost);
    expect(opsOf(f).filter((o) => o === 'FusedReduce')).toHaveLength(2);
    expect(opsOf(f)).not.toContain('CAReduce');
    const got = f(...args);
    for (const mode of [new th.Mode({ excluding: ['fusion'] }), new th.Mode({ excluding: ['fusion'], linker: 'vm' }), FUSED_VM]) {
      expectSame(th.function([x, y, w, b], cost, { mode })(...args), got);
    }
    expectAllClose(got, th.function([x, y, w, b], cost, { mode: MODES.noOptVm })(...args), { rtol: 1e-12 });
  });

  it('the gradient graph gives the same values', () => {
    const [x, y, w, b] = [T.matrix('x'), T.vector('y'), T.vector('w'), T.scalar('b')];
    const { cost, xent } = model(x, y, w, b);
    const [gw, gb] = T.grad(cost, [w, b]);
    const inputs = [x, y, w, b];
    const outputs = [cost, gw!, gb!, xent];
    const args = [X, Y, W0, 0.125];
    const got = th.function(inputs, outputs)(...args) as NDArray[];
    // Fusion changes no value: the same rewrites without fusion, on either linker, give the same bits.
    for (const mode of [new th.Mode({ excluding: ['fusion'] }), new th.Mode({ excluding: ['fusion'], linker: 'vm' }), FUSED_VM]) {
      const want = th.function(inputs, outputs, { mode })(...args) as NDArray[];
      want.forEach((v, i) => expectSame(got[i]!, v));
    }
    // The graph as written (other rewrites regroup float math, so a tolerance).
    const plain = th.function(inputs, outputs, { mode: MODES.noOptVm })(...args) as NDArray[];
    plain.forEach((v, i) => expectAllClose(got[i]!, v, { rtol: 1e-12, atol: 1e-14 }));
  });

  it('training steps (shared parameters, updates) end with the same parameters', () => {
    const run = (mode?: InstanceType<typeof th.Mode>) => {
      const x = T.matrix('x');
      const y = T.vector('y');
      const w = th.shared(W0.copy(), 'w');
      const b = th.shared(0, 'b');
      const { cost, p1 } = model(x, y, w, b);
      const [gw, gb] = T.grad(cost, [w, b]);
      const train = th.function([x, y], [cost, p1.gt(0.5)], {
        updates: [
          [w, w.sub(gw!.mul(0.1))],
          [b, b.sub(gb!.mul(0.1))],
        ],
        ...(mode ? { mode } : {}),
      });
      const costs: number[] = [];
      for (let i = 0; i < 5; i++) costs.push(Number((train(X, Y) as NDArray[])[0]!));
      return { costs, w: w.getValue() as NDArray, b: b.getValue() as NDArray };
    };
    const fused = run();
    for (const mode of [new th.Mode({ excluding: ['fusion'] }), FUSED_VM]) {
      const other = run(mode);
      expect(other.costs).toEqual(fused.costs);
      expectSame(other.w, fused.w);
      expectSame(other.b, fused.b);
    }
    const plain = run(MODES.noOptVm);
    expectAllClose(fused.costs, plain.costs, { rtol: 1e-12 });
    expectAllClose(fused.w, plain.w, { rtol: 1e-12, atol: 1e-14 });
  });
});

describe('reduction fusion: random graphs', () => {
  type Node = { k: 'in'; i: number } | { k: 'un'; op: 'tanh' | 'neg' | 'abs'; a: Node } | { k: 'bin'; op: 'add' | 'sub' | 'mul' | 'maximum'; a: Node; b: Node };
  const nodeArb = fc.letrec<{ node: Node }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', maxDepth: 3 },
      fc.record({ k: fc.constant('in' as const), i: fc.nat(2) }),
      fc.record({ k: fc.constant('un' as const), op: fc.constantFrom('tanh' as const, 'neg' as const, 'abs' as const), a: tie('node') }),
      fc.record({ k: fc.constant('bin' as const), op: fc.constantFrom('add' as const, 'sub' as const, 'mul' as const, 'maximum' as const), a: tie('node'), b: tie('node') }),
    ),
  })).node;
  const rootArb = fc.record({ k: fc.constant('bin' as const), op: fc.constantFrom('add' as const, 'sub' as const, 'mul' as const, 'maximum' as const), a: nodeArb, b: nodeArb });
  const build = (n: Node, ins: readonly TensorVariable[]): TensorVariable => {
    switch (n.k) {
      case 'in':
        return ins[n.i % ins.length]!;
      case 'un':
        return { tanh: T.tanh, neg: T.neg, abs: T.abs }[n.op](build(n.a, ins));
      case 'bin':
        return { add: T.add, sub: T.sub, mul: T.mul, maximum: T.maximum }[n.op](build(n.a, ins), build(n.b, ins));
    }
  };
  const REDUCERS = { sum: S.add, prod: S.mul, max: S.maximum, min: S.minimum } as const;

  it('fused reductions equal the unfused graph exactly, on any layout', () => {
    const unfused = new th.Mode({ excluding: ['fusion'], linker: 'vm' });
    fc.assert(
      fc.property(
        fc.array(fc.record({ bc: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), transpose: fc.boolean() }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('float64' as const, 'float32' as const, 'int32' as const),
        rootArb,
        fc.constantFrom(...(Object.keys(REDUCERS) as (keyof typeof REDUCERS)[])),
        fc.subarray([0, 1, 2]),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 3, maxLength: 3 }),
        fc.integer(),
        (specs, dtype, expr, reducer, axes, keepdims, full, seed) => {
          const ins = specs.map((s, i) => T.tensor(dtype, s.bc, `in${i}`));
          const chain = build(expr, ins);
          const reduced = new CAReduce(REDUCERS[reducer], axes).apply1(chain) as TensorVariable;
          let k = 0;
          const out = keepdims ? T.dimshuffle(reduced, [0, 1, 2].map((ax) => (axes.includes(ax) ? ('x' as const) : k++))) : reduced;
          const args = specs.map((s, i) => {
            const shape = s.bc.map((b, ax) => (b ? 1 : full[ax]!));
            // A transposed argument: the data laid out in reverse axis order, viewed back (strides not row-major).
            return s.transpose ? data(dtype, [...shape].reverse(), seed + i).transpose() : data(dtype, shape, seed + i);
          });
          const opts = { onUnusedInput: 'ignore' as const };
          const f = th.function(ins, out, opts);
          if (!opsOf(f).includes('FusedReduce')) throw new Error(`not fused: ${opsOf(f).join(', ')}`);
          const got = f(...args);
          for (const mode of [unfused, FUSED_VM]) expectSame(th.function(ins, out, { ...opts, mode })(...args), got);
          expectSame(f(...args), got);
        },
      ),
      { numRuns: 150, seed: 20241128 },
    );
  }, 30_000);
});
