/**
 * The seed document's examples (SPEC.md §1, §2, §3, §5, §6, §7; gradients live with
 * the gradient tests), with the exact values and dtypes the seed prints.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';

const T = th.tensor;

describe('§1 symbolic variables', () => {
  it('has the seven kinds with name and dtype', () => {
    const kinds: [string, (name?: string | null, dtype?: th.DType) => th.tensor.TensorVariable, boolean[]][] = [
      ['scalar', T.scalar, []],
      ['vector', T.vector, [false]],
      ['row', T.row, [true, false]],
      ['col', T.col, [false, true]],
      ['matrix', T.matrix, [false, false]],
      ['tensor3', T.tensor3, [false, false, false]],
      ['tensor4', T.tensor4, [false, false, false, false]],
    ];
    for (const [kind, make, bc] of kinds) {
      const v = make(kind, 'float32');
      expect(v.name).toBe(kind);
      expect(v.dtype).toBe('float32');
      expect(v.ndim).toBe(bc.length);
      expect(v.broadcastable).toEqual(bc);
      expect(make().dtype).toBe(th.config.floatX);
    }
  });

  it('has the dtype-prefixed and plural forms of the examples', () => {
    expect(T.fscalar().dtype).toBe('float32');
    expect(T.dmatrix().dtype).toBe('float64');
    expect(T.dmatrix().ndim).toBe(2);
    expect(T.iscalar().dtype).toBe('int32');
    expect(T.ivector().dtype).toBe('int32');
    expect(T.ivector().ndim).toBe(1);
    const [a, b] = T.scalars('a', 'b');
    expect([a.name, b.name]).toEqual(['a', 'b']);
    expect(a.dtype).toBe(th.config.floatX);
    const [x, y] = T.fscalars('x', 'y');
    expect([x.name, y.name, x.dtype, y.dtype, x.ndim]).toEqual(['x', 'y', 'float32', 'float32', 0]);
    const [mx, my] = T.matrices('x', 'y');
    expect([mx.name, my.name, mx.ndim, my.ndim]).toEqual(['x', 'y', 2, 2]);
  });

  it('makes custom types of more than 4 dimensions from a broadcastable pattern', () => {
    const t = new T.TensorType('float64', [true, false, false, true, false]);
    const v = t.makeVariable('x5');
    expect(v.ndim).toBe(5);
    expect(v.broadcastable).toEqual([true, false, false, true, false]);
    expect(v.name).toBe('x5');
    expect(v.type.equals(new T.TensorType('float64', [1, null, null, 1, null]))).toBe(true);
    const f = th.function([v], v.mul(2));
    const out = f(th.ones([1, 2, 3, 1, 2]));
    expect(out.shape).toEqual([1, 2, 3, 1, 2]);
    expect(out.dtype).toBe('float64');
    expect(Array.from(out.flatData())).toEqual(new Array(12).fill(2));
  });

  it('broadcasts a row over a matrix: [[1,2]] + arange(1,7).reshape(3,2)', () => {
    const r = T.row();
    const m = T.matrix();
    expect(r.broadcastable).toEqual([true, false]);
    expect(m.broadcastable).toEqual([false, false]);
    const f = th.function([r, m], [r.add(m)]);
    const R = th.arange(1, 3).reshape([1, 2]);
    const M = th.arange(1, 7).reshape([3, 2]);
    const out = f(R, M);
    expect(Array.isArray(out)).toBe(true);
    expect(out).toHaveLength(1);
    expect(out[0]!.dtype).toBe('float64');
    expect(out[0]!.shape).toEqual([3, 2]);
    expect(out[0]!.toArray()).toEqual([
      [2, 4],
      [4, 6],
      [6, 8],
    ]);
    expect(out[0]!.repr()).toBe('array([[2., 4.],\n       [4., 6.],\n       [6., 8.]])');
    // The same with plain nested arrays.
    expect(f([[1, 2]], [[1, 2], [3, 4], [5, 6]])[0]!.toArray()).toEqual([
      [2, 4],
      [4, 6],
      [6, 8],
    ]);
  });

  it('turns values into shared variables of the value’s type', () => {
    const data = th.array([[1, 2], [3, 4]], { dtype: 'float32' });
    const s = th.shared(data, 'data');
    expect(s).toBeInstanceOf(th.SharedVariable);
    expect(s).toBeInstanceOf(T.TensorVariable);
    expect(s.name).toBe('data');
    expect(s.dtype).toBe('float32');
    expect(s.ndim).toBe(2);
    expect(s.broadcastable).toEqual([false, false]);
    expect(s.type.equals(new T.TensorType('float32', [false, false]))).toBe(true);
    expect(s.owner).toBeNull();
    expect(s.getValue().toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
    // The value was copied: changing the source does not change the variable.
    data.set([0, 0], 99);
    expect(s.getValue().get(0, 0)).toBe(1);
    expect(th.shared(1).type.equals(new T.TensorType('float64', []))).toBe(true);
    expect(th.shared([1, 2, 3], null, { dtype: 'int32' }).type.equals(new T.TensorType('int32', [false]))).toBe(true);
  });
});

describe('§2 the graph', () => {
  it('builds Variable, Apply and Op nodes for x + y', () => {
    const x = T.dmatrix('x');
    const y = T.dmatrix('y');
    const z = x.add(y);
    expect(x.owner).toBeNull();
    expect(y.owner).toBeNull();
    const node = z.owner!;
    expect(node).toBeInstanceOf(th.graph.Apply);
    expect(node.op).toBeInstanceOf(th.graph.Op);
    expect(node.op).toBeInstanceOf(T.Elemwise);
    expect(String(node.op)).toBe('Elemwise{add}');
    expect(node.inputs).toEqual([x, y]);
    expect(node.inputs[0]).toBe(x);
    expect(node.inputs[1]).toBe(y);
    expect(node.outputs).toHaveLength(1);
    expect(node.outputs[0]).toBe(z);
    expect(z.index).toBe(0);
    expect(z).toBeInstanceOf(th.graph.Variable);
    expect(z.type).toBeInstanceOf(th.graph.Type);
    expect(z.type.equals(new T.TensorType('float64', [false, false]))).toBe(true);
    expect(x.type.equals(z.type)).toBe(true);
    expect(z.dtype).toBe('float64');
  });
});

describe('§3 functions', () => {
  it('computes w*x + b of float32 scalars: f(2.0, 3.0, 0.5) = 6.5', () => {
    const x = T.scalar('input', 'float32');
    const w = T.scalar('weight', 'float32');
    const b = T.scalar('bias', 'float32');
    const z = w.mul(x).add(b);
    expect(z.dtype).toBe('float32');
    const f = th.function([w, x, b], z);
    const out = f(2.0, 3.0, 0.5);
    expect(out).toBeInstanceOf(th.NDArray);
    expect(out.dtype).toBe('float32');
    expect(out.shape).toEqual([]);
    expect(Number(out)).toBe(6.5);
    expect(out.item()).toBe(6.5);
    expect(out.repr()).toBe('array(6.5, dtype=float32)');
  });

  it('returns several float32 0-d outputs: f(2, 3) = [5.0, 6.0]', () => {
    const [x, y] = T.fscalars('x', 'y');
    const f = th.function([x, y], [x.add(y), x.mul(y)]);
    const out = f(2, 3);
    expect(Array.isArray(out)).toBe(true);
    expect(out).toHaveLength(2);
    for (const o of out) {
      expect(o).toBeInstanceOf(th.NDArray);
      expect(o.dtype).toBe('float32');
      expect(o.shape).toEqual([]);
    }
    expect(out.map(Number)).toEqual([5, 6]);
    expect(`[${out.map((o) => o.repr()).join(', ')}]`).toBe('[array(5.0, dtype=float32), array(6.0, dtype=float32)]');
    // util.inspect (console.log) prints the same list, with node's spacing inside the brackets.
    expect(inspect(out)).toBe('[ array(5.0, dtype=float32), array(6.0, dtype=float32) ]');
    expect(String(out[0])).toBe('5.0');
    expect(String(out)).toBe('5.0,6.0');
  });

  it('takes every parameter of Theano’s function()', () => {
    const x = T.dscalar('x');
    const s = th.shared(0, 's');
    const u = T.dscalar('u');
    const f = th.function([x], x.add(u), {
      mode: new th.Mode({ linker: 'vm', optimizer: 'fast_run' }),
      updates: [[s, s.add(1)]],
      givens: [[u, s]],
      noDefaultUpdates: true,
      acceptInplace: false,
      name: 'everything',
      rebuildStrict: true,
      allowInputDowncast: false,
      profile: false,
      onUnusedInput: 'raise',
    });
    expect(Number(f(2))).toBe(2);
    expect(Number(f(2))).toBe(3);
    expect(Number(s.getValue())).toBe(2);
    expect(f.functionName).toBe('everything');
  });

  it('feeds a minibatch slice of a shared dataset through givens', () => {
    const data = th.shared(th.arange(6).reshape([3, 2]).astype('float64'), 'data');
    const batch = T.dmatrix('batch');
    const f = th.function([], batch.sum(), { givens: [[batch, data.mul(10)]] });
    expect(Number(f())).toBe(150);
  });
});

describe('§5 updates of shared variables', () => {
  it('w = shared(1); f(3) returns the old value 1, then w is 4 (float64 in theano-ts)', () => {
    const w = th.shared(1);
    expect(w.dtype).toBe('float64');
    const x = T.iscalar('x');
    const f = th.function([x], w, { updates: [[w, w.add(x)]] });
    const out = f(3);
    expect(out.dtype).toBe('float64');
    expect(Number(out)).toBe(1);
    expect(w.getValue().dtype).toBe('float64');
    expect(Number(w.getValue())).toBe(4);
    expect(Number(f(3))).toBe(4);
    expect(Number(w.getValue())).toBe(7);
  });

  it('w = shared(1, {dtype: int64}) gives int64 results exactly as Theano', () => {
    const w = th.shared(1, 'w', { dtype: 'int64' });
    expect(w.dtype).toBe('int64');
    const x = T.iscalar('x');
    expect(w.add(x).dtype).toBe('int64');
    const f = th.function([x], w, { updates: [[w, w.add(x)]] });
    const out = f(3);
    expect(out.dtype).toBe('int64');
    expect(out.repr()).toBe('array(1)');
    expect(Number(out)).toBe(1);
    const now = w.getValue();
    expect(now.dtype).toBe('int64');
    expect(now.repr()).toBe('array(4)');
    expect(Number(now)).toBe(4);
  });

  it('the accumulator: 0 before, 1 after acc(1)', () => {
    const state = th.shared(0, 'state', { dtype: 'int64' });
    const inc = T.iscalar('inc');
    const acc = th.function([inc], state, { updates: [[state, state.add(inc)]] });
    expect(Number(state.getValue())).toBe(0);
    expect(Number(acc(1))).toBe(0);
    expect(Number(state.getValue())).toBe(1);
    expect(Number(acc(300))).toBe(1);
    expect(Number(state.getValue())).toBe(301);
    state.setValue(-1);
    expect(Number(state.getValue())).toBe(-1);
    expect(Number(acc(3))).toBe(-1);
    expect(state.getValue().repr()).toBe('array(2)');
    // Tuple form of the update pairs, as in the seed.
    const acc2 = th.function([inc], state, { updates: [[state, state.add(inc)] as const] });
    acc2(10);
    expect(Number(state.getValue())).toBe(12);
  });

  it('getValue and setValue copy unless borrowed', () => {
    const s = th.shared([1, 2, 3], 's', { dtype: 'float32' });
    const v = s.getValue();
    v.set([0], 100);
    expect(s.getValue().toArray()).toEqual([1, 2, 3]);
    const src = th.array([4, 5, 6], { dtype: 'float32' });
    s.setValue(src);
    src.set([0], 100);
    expect(s.getValue().toArray()).toEqual([4, 5, 6]);
    s.setValue([7, 8, 9]);
    expect(s.getValue().toArray()).toEqual([7, 8, 9]);
    expect(s.getValue().dtype).toBe('float32');
    const inner = s.getValue({ borrow: true });
    expect(s.getValue({ borrow: true })).toBe(inner);
  });

  it('one shared variable is used by many functions', () => {
    const state = th.shared(0, 'state', { dtype: 'int64' });
    const inc = T.iscalar('inc');
    const acc = th.function([inc], state, { updates: [[state, state.add(inc)]] });
    const dec = th.function([inc], state, { updates: [[state, state.sub(inc)]] });
    const read = th.function([], state.mul(2));
    acc(5);
    expect(Number(state.getValue())).toBe(5);
    expect(Number(read())).toBe(10);
    expect(Number(dec(2))).toBe(5);
    expect(Number(state.getValue())).toBe(3);
    state.setValue(100);
    expect(Number(read())).toBe(200);
    expect(Number(acc(1))).toBe(100);
    expect(Number(dec(1))).toBe(101);
    expect(Number(state.getValue())).toBe(100);
  });
});

describe('§6 conditionals', () => {
  it('switch computes both means; ifelse (vm linker) only the one taken', () => {
    const [a, b] = T.scalars('a', 'b');
    const [x, y] = T.matrices('x', 'y');
    const mode = new th.Mode({ linker: 'vm' });
    const fSwitch = th.function([a, b, x, y], T.switch(T.lt(a, b), T.mean(x), T.mean(y)), { mode, profile: true });
    const fLazy = th.function([a, b, x, y], th.ifelse(T.lt(a, b), T.mean(x), T.mean(y)), { mode, profile: true });
    const big1 = th.ones([1000, 100]);
    const big2 = th.full([1000, 100], 2);
    for (let i = 0; i < 10; i++) {
      expect(Number(fSwitch(1, 2, big1, big2))).toBe(1);
      expect(Number(fLazy(1, 2, big1, big2))).toBe(1);
    }
    expect(Number(fLazy(2, 1, big1, big2))).toBe(2);
    // Reductions of the 1000x100 matrices: two per call with switch, one with ifelse.
    const reductions = (f: typeof fSwitch) => f.profile!.opTable().filter((r) => /Reduce/.test(r.op)).reduce((n, r) => n + r.calls, 0);
    expect(reductions(fSwitch)).toBe(20);
    expect(reductions(fLazy)).toBe(11);
  });
});

describe('§7 scan', () => {
  it('the polynomial: terms [2, 30, 400, 6000, 50000], sum 56432', () => {
    const coefficients = T.ivector('coefficients');
    const powers = T.ivector('powers');
    const x = T.iscalar('x');
    const [result] = th.scan({ fn: (c, p, xv) => c.mul(xv.pow(p)), sequences: [coefficients, powers], outputsInfo: null, nonSequences: x });
    const terms = result as th.tensor.TensorVariable;
    const f = th.function([coefficients, powers, x], [terms, terms.sum()], { allowInputDowncast: true });
    const [t, total] = f([2, 3, 4, 6, 5], [0, 1, 2, 3, 4], 10);
    expect(t!.toArray()).toEqual([2, 30, 400, 6000, 50000]);
    expect(Number(total)).toBe(56432);
  });
});
