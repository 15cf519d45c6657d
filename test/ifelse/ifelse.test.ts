/**
 * Lazy ifelse: only the branch taken runs (under both linkers), lists of
 * values, type errors, gradients into the taken branch, shapes.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { Apply } from '../../src/graph/apply.js';
import { Op, type OutputCell } from '../../src/graph/op.js';
import type { Variable } from '../../src/graph/variable.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import { IfElse } from '../../src/ifelse/ifelse.js';
import { shapeI } from '../../src/tensor/shape.js';
import { thrown } from '../helpers/assertions.js';

const T = th.tensor;
const MODES = {
  js: () => new th.Mode(),
  vm: () => new th.Mode({ linker: 'vm' }),
  'js unoptimized': () => new th.Mode({ optimizer: null }),
  'vm unoptimized': () => new th.Mode({ optimizer: null, linker: 'vm' }),
  debug: () => new th.Mode({ debug: true }),
};

/** Identity that counts its runs (and can be told to throw): proves which branch ran. */
class Counted extends Op {
  override readonly props = ['id'];
  runs = 0;
  constructor(readonly id: string, readonly fail = false) {
    super();
  }
  override makeNode(x: Variable): Apply<this> {
    return new Apply(this, [x], [x.type]);
  }
  override perform(_node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    this.runs++;
    if (this.fail) throw new Error(`branch ${this.id} must not run`);
    outputs[0]!.value = (inputs[0] as NDArray).copy();
  }
}

describe.each(Object.keys(MODES) as (keyof typeof MODES)[])('ifelse (%s)', (modeName) => {
  const mode = MODES[modeName];

  it('computes only the branch taken, including what feeds only that branch', () => {
    const [a, b] = T.dscalars('a', 'b');
    const x = T.dmatrix('x');
    const left = new Counted('left');
    const right = new Counted('right');
    const z = th.ifelse(T.lt(a, b), T.mean(left.apply1(x.mul(2)) as TensorVariable), T.mean(right.apply1(x.add(1)) as TensorVariable));
    const f = th.function([a, b, x], z, { mode: mode() });
    const ones = th.ones([4, 3]);
    // DebugMode runs each node three times (its executor and two reference runs); the others once.
    const per = modeName === 'debug' ? 3 : 1;
    expect(Number(f(1, 2, ones))).toBe(2);
    expect([left.runs, right.runs]).toEqual([per, 0]);
    expect(Number(f(3, 2, ones))).toBe(2);
    expect([left.runs, right.runs]).toEqual([per, per]);
    expect(Number(f(0, 2, ones))).toBe(2);
    expect([left.runs, right.runs]).toEqual([2 * per, per]);
  });

  it('an untaken branch that would throw is never run', () => {
    const c = T.bscalar('c');
    const x = T.dvector('x');
    const bad = new Counted('bad', true).apply1(x) as TensorVariable;
    const f = th.function([c, x], th.ifelse(c, x.mul(3), bad), { mode: mode() });
    expect(f(1, [1, 2]).toArray()).toEqual([3, 6]);
    expect(() => f(0, [1, 2])).toThrow(/branch bad must not run/);
  });

  it('guards several values with one condition, and mixes with outside values', () => {
    const c = T.iscalar('c');
    const [x, y] = T.dvectors('x', 'y');
    const [p, q] = th.ifelse(c, [x.add(y), x.mul(y)], [x.sub(y), T.exp(x)]);
    const f = th.function([c, x, y], [p!, q!, p!.add(q!)], { mode: mode() });
    const r1 = f(5, [1, 2], [3, 4]).map((r) => r.toArray());
    expect(r1).toEqual([[4, 6], [3, 8], [7, 14]]);
    const r0 = f(0, [1, 2], [3, 4]).map((r) => r.toArray());
    expect(r0).toEqual([[-2, -2], [Math.E, Math.exp(2)], [Math.E - 2, Math.exp(2) - 2]]);
  });

  it('returns fresh arrays: not the caller\'s, and not overwritten by the next call', () => {
    const c = T.iscalar('c');
    const x = T.dvector('x');
    const f = th.function([c, x], th.ifelse(c, x, x.mul(2)), { mode: mode() });
    const data = th.array([1, 2]);
    const r = f(1, data);
    expect(r.data).not.toBe(data.data);
    const r2 = f(0, data);
    const r3 = f(0, [5, 5]);
    expect(r.toArray()).toEqual([1, 2]);
    expect(r2.toArray()).toEqual([2, 4]);
    expect(r3.toArray()).toEqual([10, 10]);
  });

  it('takes a float condition as numpy\'s bool(): nonzero and NaN are true', () => {
    const c = T.dscalar('c');
    const f = th.function([c], th.ifelse(c, 1, 2), { mode: mode() });
    expect([0, -0, 0.5, -3, NaN].map((v) => Number(f(v)))).toEqual([2, 2, 1, 1, 1]);
  });

  it('updates shared variables in the branch taken', () => {
    const c = T.iscalar('c');
    const s = th.shared(th.array([1, 2]), 's');
    const f = th.function([c], s.sum(), { updates: [[s, th.ifelse(c, s.mul(10), s.sub(1))]], mode: mode() });
    expect(Number(f(1))).toBe(3);
    expect(s.getValue().toArray()).toEqual([10, 20]);
    expect(Number(f(0))).toBe(30);
    expect(s.getValue().toArray()).toEqual([9, 19]);
  });
});

describe('ifelse types', () => {
  it('needs a scalar condition', () => {
    const e = thrown(() => th.ifelse(T.dvector('v'), 1, 2));
    expect(e).toBeInstanceOf(th.ShapeError);
    expect(e.message).toMatch(/condition must be a scalar \(0-d\) tensor.*T\.switch/);
  });

  it('needs one dtype and rank on both sides, naming the value', () => {
    const c = T.iscalar('c');
    const e = thrown(() => th.ifelse(c, [T.dvector('a'), T.fvector('b')], [T.dvector('x'), T.dvector('y')]));
    expect(e).toBeInstanceOf(th.DTypeError);
    expect(e.message).toMatch(/value 1 is float32 in the then-branch but float64 in the else-branch/);
    const r = thrown(() => th.ifelse(c, T.dvector('a'), T.dmatrix('m')));
    expect(r).toBeInstanceOf(th.ShapeError);
    expect(r.message).toMatch(/value 0 is 1-d .* but 2-d/);
    expect(() => th.ifelse(c, [T.dvector('a')], [T.dvector('x'), T.dvector('y')])).toThrow(/has 1 values but the else-branch 2/);
    expect(() => th.ifelse(c, [T.dvector('a')], T.dvector('x'))).toThrow(/both branches as lists/);
  });

  it('a literal takes the other side\'s dtype; static lengths kept where both agree', () => {
    const c = T.iscalar('c');
    const f32 = T.fvector('f');
    expect(th.ifelse(c, T.fscalar('s'), 0).dtype).toBe('float32');
    expect(() => th.ifelse(c, f32, 0)).toThrow(/value 0 is 1-d .* but 0-d/);
    expect(th.ifelse(c, [1.5, 2], f32).dtype).toBe('float32');
    const a = T.tensor('float64', [3, null], 'a');
    const b = T.tensor('float64', [3, 4], 'b');
    expect(th.ifelse(c, a, b).type.shape).toEqual([3, null]);
  });

  it('infers the output shape by choosing between the branches\' shapes', () => {
    const c = T.iscalar('c');
    const [a, b] = T.dmatrices('a', 'b');
    const z = th.ifelse(c, a, b.T);
    const f = th.function([c, a, b], [shapeI(z, 0), shapeI(z, 1)]);
    // Computed from the branches' shapes by one IfElse of lengths: no branch value is needed at all.
    const ifelses = [...f.maker.fgraph.applyNodes].filter((n) => n.op instanceof IfElse);
    expect(ifelses.map((n) => n.outputs.length)).toEqual([2]);
    expect(ifelses[0]!.inputs.slice(1).every((i) => (i as TensorVariable).dtype === 'int64')).toBe(true);
    expect(f(1, th.zeros([2, 3]), th.zeros([4, 5])).map(Number)).toEqual([2, 3]);
    expect(f(0, th.zeros([2, 3]), th.zeros([4, 5])).map(Number)).toEqual([5, 4]);
  });
});

describe('ifelse gradients', () => {
  it('flow only into the branch taken', () => {
    const c = T.iscalar('c');
    const [x, y] = T.dvectors('x', 'y');
    const cost = T.sum(th.ifelse(c, x.mul(x), y.mul(3)));
    const [gx, gy] = T.grad(cost, [x, y]);
    const f = th.function([c, x, y], [gx!, gy!]);
    expect(f(1, [1, 2], [5, 5]).map((r) => r.toArray())).toEqual([[2, 4], [0, 0]]);
    expect(f(0, [1, 2], [5, 5]).map((r) => r.toArray())).toEqual([[0, 0], [3, 3]]);
  });

  it('verifyGrad agrees on both branches', () => {
    for (const c of [0, 1]) {
      th.gradient.verifyGrad((x: TensorVariable, y: TensorVariable) => th.ifelse(T.constant(c, null, 'int8'), T.tanh(x).mul(y), T.exp(y).sum().mul(x)), [th.array([0.3, -0.7]), th.array([1.2, 0.4])]);
    }
  });

  it('Rop through ifelse', () => {
    const c = T.iscalar('c');
    const x = T.dvector('x');
    const v = T.dvector('v');
    const y = th.ifelse(c, x.mul(x), x.mul(5));
    const jv = th.gradient.Rop(y, x, v) as TensorVariable;
    const f = th.function([c, x, v], jv);
    expect(f(1, [1, 2], [1, 1]).toArray()).toEqual([2, 4]);
    expect(f(0, [1, 2], [1, 1]).toArray()).toEqual([5, 5]);
  });

  it('is an op with equality by its arity, so merge can share equal nodes', () => {
    expect(new IfElse(2).equals(new IfElse(2))).toBe(true);
    expect(new IfElse(2).equals(new IfElse(3))).toBe(false);
  });
});

describe('ifelse rewrites', () => {
  const ifelseNodes = (f: { maker: { fgraph: { applyNodes: Set<Apply> } } }) => [...f.maker.fgraph.applyNodes].filter((n) => n.op instanceof IfElse);

  it('a constant condition picks its branch at compile time', () => {
    const x = T.dvector('x');
    const bad = new Counted('bad', true).apply1(x) as TensorVariable;
    for (const [c, expected] of [[1, [2, 4]], [0, [1, 2]], [NaN, [2, 4]], [-0, [1, 2]]] as const) {
      const f = th.function([x], th.ifelse(T.constant(c), x.mul(2), x), { onUnusedInput: 'ignore' });
      expect(ifelseNodes(f)).toHaveLength(0);
      expect(f([1, 2]).toArray()).toEqual(expected);
    }
    // The branch not taken is gone from the graph, so it cannot run even eagerly.
    const g = th.function([x], th.ifelse(T.constant(1, null, 'int8'), x.mul(2), bad));
    expect(g([1, 2]).toArray()).toEqual([2, 4]);
    expect(th.printing.debugprint(g)).not.toContain('Counted');
  });

  it('the same value on both sides needs no test', () => {
    const c = T.iscalar('c');
    const [x, y] = T.dvectors('x', 'y');
    const [p, q] = th.ifelse(c, [x.add(1), y], [x.add(1), x]);
    const f = th.function([c, x, y], [p!, q!]);
    const nodes = ifelseNodes(f);
    expect(nodes).toHaveLength(1);
    expect(f(0, [1], [5]).map((r) => r.toArray())).toEqual([[2], [1]]);
    expect(f(1, [1], [5]).map((r) => r.toArray())).toEqual([[2], [5]]);
  });

  it('fusion does not pull a branch\'s work into a kernel needed outside it', () => {
    const c = T.iscalar('c');
    const x = T.dvector('x');
    const e = T.exp(x);
    const z = th.ifelse(c, T.tanh(e).mul(2), e.add(1));
    const f = th.function([c, x], z);
    const multi = [...f.maker.fgraph.applyNodes].filter((n) => n.outputs.length > 1 && !(n.op instanceof IfElse));
    expect(multi).toHaveLength(0);
    expect(f(1, [0]).toArray()).toEqual([2 * Math.tanh(1)]);
    expect(f(0, [0]).toArray()).toEqual([2]);
  });

  it('DebugMode runs lazily too and agrees with the graph before rewriting', () => {
    const c = T.iscalar('c');
    const x = T.dvector('x');
    const bad = new Counted('bad', true).apply1(x.mul(3)) as TensorVariable;
    const f = th.function([c, x], th.ifelse(c, T.exp(x).sum(), bad.sum()), { mode: 'DebugMode' });
    expect(Number(f(1, [0, 0]))).toBe(2);
    expect(() => f(0, [0, 0])).toThrow(/branch bad must not run/);
  });
});
