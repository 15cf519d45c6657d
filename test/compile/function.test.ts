/**
 * th.function: what calls return, In/Out, keyword calls, aliasing of the
 * returned arrays, the merge rewrite, profiles and modes.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';

const T = th.tensor;

const nodeNames = (f: th.CompiledFunction<unknown>): string[] => [...f.maker.fgraph.applyNodes].map((n) => String(n.op)).sort();
const countOp = (f: th.CompiledFunction<unknown>, name: string): number => nodeNames(f).filter((n) => n === name).length;
/** Only the merge passes (other rewrites would make node-level checks depend on their details). */
const mergeOnly = new th.Mode({ optimizer: null, including: ['merge'] });
/** The graph exactly as written. */
const asWritten = new th.Mode({ optimizer: null });

describe('results', () => {
  it('returns one NDArray for a single output, a list for a list', () => {
    const x = T.dvector('x');
    const one = th.function([x], x.mul(2));
    const out = one([1, 2]);
    expect(out).toBeInstanceOf(th.NDArray);
    expect(out.toArray()).toEqual([2, 4]);

    const listOfOne = th.function([x], [x.mul(2)]);
    const l1 = listOfOne([1, 2]);
    expect(Array.isArray(l1)).toBe(true);
    expect(l1).toHaveLength(1);
    expect(l1[0]!.toArray()).toEqual([2, 4]);

    const two = th.function([x], [x.mul(2), x.sum()]);
    const l2 = two([1, 2]);
    expect(l2).toHaveLength(2);
    expect(l2[0]!.toArray()).toEqual([2, 4]);
    expect(Number(l2[1])).toBe(3);
  });

  it('returns an empty list for no outputs, and still applies updates', () => {
    const s = th.shared(0, 's', { dtype: 'int64' });
    const f = th.function([], [], { updates: [[s, s.add(2)]] });
    expect(f()).toEqual([]);
    expect(f()).toEqual([]);
    expect(Number(s.getValue())).toBe(4);
    const g = th.function([], null, { updates: [[s, s.sub(1)]] });
    expect(g()).toEqual([]);
    expect(Number(s.getValue())).toBe(3);
  });

  it('accepts a constant expression as output', () => {
    const f = th.function([], T.constant(3).add(T.constant(4)));
    expect(Number(f())).toBe(7);
  });

  it('th.compile is th.function', () => {
    expect(th.compile).toBe(th.function);
    const x = T.dscalar('x');
    expect(Number(th.compile([x], x.add(1))(1))).toBe(2);
  });

  it('exposes maker, functionName and name', () => {
    const x = T.dscalar('x');
    const f = th.function([x], x.add(1), { name: 'plusOne' });
    expect(f.functionName).toBe('plusOne');
    expect(f.name).toBe('plusOne');
    expect(f.maker.inputs.map((i) => i.variable)).toEqual([x]);
    expect(f.maker.outputs).toHaveLength(1);
    expect(f.maker.mode).toBeInstanceOf(th.Mode);
    expect(f.maker.fgraph.inputs).toEqual([x]);
    expect(f.profile).toBeNull();
    const g = th.function([x], x);
    expect(g.functionName).toMatch(/^function#\d+$/);
  });
});

describe('In: defaults, names, keyword calls', () => {
  const x = T.dscalar('x');
  const y = T.dscalar('y');
  const z = T.dscalar('z');

  it('uses defaults for arguments not given', () => {
    const f = th.function([x, new th.In(y, { value: 10 })], x.sub(y));
    expect(Number(f(1))).toBe(-9);
    expect(Number(f(1, 2))).toBe(-1);
    expect(f.maker.inputs[1]!.hasDefault).toBe(true);
  });

  it('calls by keyword: f({x: 1, y: 2}), and mixed f(1, {y: 2})', () => {
    const f = th.function([x, y], x.sub(y));
    expect(Number(f({ x: 1, y: 2 }))).toBe(-1);
    expect(Number(f({ y: 1, x: 2 }))).toBe(1);
    expect(Number(f(1, { y: 2 }))).toBe(-1);
    expect(Number(f(5, 2))).toBe(3);
  });

  it('renames inputs with In(x, {name}) and combines names with defaults', () => {
    const f = th.function([new th.In(x, { name: 'first' }), new th.In(y, { name: 'second', value: 100 }), z], x.sub(y).add(z));
    expect(Number(f({ first: 1, z: 1 }))).toBe(-98);
    expect(Number(f({ first: 1, second: 2, z: 1 }))).toBe(0);
    expect(Number(f(1, { z: 0 }))).toBe(-99);
    expect(Number(f(1, 2, 3))).toBe(2);
    // The variable's own name is replaced, not added.
    expect(() => f({ x: 1, z: 1 })).toThrow(th.InputError);
    expect(() => f({ x: 1, z: 1 })).toThrow(/unknown named argument 'x'.*'first', 'second', 'z'/);
  });

  it('refuses one input given by position and by name', () => {
    const f = th.function([x, y], x.sub(y));
    expect(() => f(1, { x: 2, y: 3 })).toThrow(th.InputError);
    expect(() => f(1, { x: 2, y: 3 })).toThrow(/two values for input 0 \('x'\)/);
  });

  it('In and Out work with or without new, as the README writes them', () => {
    const a = th.In(x, { value: 3 });
    expect(a).toBeInstanceOf(th.In);
    expect(th.Out(x)).toBeInstanceOf(th.Out);
    const f = th.function([a], th.Out(x.mul(2)));
    expect(Number(f())).toBe(6);
  });

  it('a default value that does not fit the input is a CompileError', () => {
    const i = T.ivector('i');
    expect(() => th.function([th.In(i, { value: [0.5] })], i)).toThrow(th.CompileError);
    expect(() => th.function([th.In(i, { value: [0.5] })], i)).toThrow(/default value of input 0 \('i'\) does not fit/);
    expect(() => th.function([th.In(i, { value: [[1]] })], i)).toThrow(th.CompileError);
    expect(Number(th.function([th.In(i, { value: [0.5] })], i, { allowInputDowncast: true })())).toBe(0);
  });

  it('a default value is not changed by the call', () => {
    const v = T.dvector('v');
    const dflt = th.array([1, 2, 3]);
    const f = th.function([th.In(v, { value: dflt })], v.mul(2));
    const out = f();
    expect(out.toArray()).toEqual([2, 4, 6]);
    out.set([0], 100);
    expect(dflt.toArray()).toEqual([1, 2, 3]);
    expect(f().toArray()).toEqual([2, 4, 6]);
  });
});

describe('Out borrow and fresh arrays', () => {
  it('a borrowed output is the function’s buffer, overwritten by the next call', () => {
    const x = T.dvector('x');
    const f = th.function([x], new th.Out(x.mul(2), { borrow: true }));
    const a = f([1, 2]);
    expect(a.toArray()).toEqual([2, 4]);
    const b = f([5, 6]);
    expect(b).toBe(a);
    expect(a.toArray()).toEqual([10, 12]);
  });

  it('default outputs are fresh: mutating one never affects later calls', () => {
    const x = T.dvector('x');
    const f = th.function([x], x.mul(2));
    const a = f([1, 2]);
    const b = f([1, 2]);
    expect(b).not.toBe(a);
    expect(b.data).not.toBe(a.data);
    a.set([0], 100);
    expect(b.toArray()).toEqual([2, 4]);
    expect(f([1, 2]).toArray()).toEqual([2, 4]);
    const c = f([3, 4]);
    expect(a.toArray()).toEqual([100, 4]);
    expect(b.toArray()).toEqual([2, 4]);
    expect(c.toArray()).toEqual([6, 8]);
  });

  it('fresh outputs of a multi-step graph stay fresh (intermediates are reused, outputs never)', () => {
    const x = T.dmatrix('x');
    const y = x.mul(2).add(1).exp();
    const f = th.function([x], [y, y.sum()]);
    const first = f([[0, 0]]);
    const second = f([[1, 1]]);
    expect(first[0]!.toArray()).toEqual([[Math.E, Math.E]]);
    expect(second[0]!.toArray()).toEqual([[Math.exp(3), Math.exp(3)]]);
    expect(Number(first[1])).toBe(2 * Math.E);
  });

  it('the identity function returns a copy, not the caller’s array', () => {
    const x = T.dvector('x');
    const f = th.function([x], x);
    const arr = th.array([1, 2, 3]);
    const out = f(arr);
    expect(out).not.toBe(arr);
    expect(out.data).not.toBe(arr.data);
    out.set([0], 100);
    expect(arr.toArray()).toEqual([1, 2, 3]);
    arr.set([1], 200);
    expect(out.toArray()).toEqual([100, 2, 3]);
    // A view of the input (transpose) is a copy as well.
    const m = T.dmatrix('m');
    const g = th.function([m], m.T);
    const marr = th.array([[1, 2], [3, 4]]);
    const t = g(marr);
    expect(t.toArray()).toEqual([[1, 3], [2, 4]]);
    t.set([0, 1], 100);
    expect(marr.toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it('one variable listed twice gives two independent arrays', () => {
    const x = T.dvector('x');
    const y = x.add(1);
    const f = th.function([x], [y, y]);
    const [a, b] = f([1, 2]);
    expect(a!.data).not.toBe(b!.data);
    a!.set([0], 100);
    expect(b!.toArray()).toEqual([2, 3]);
    // Also when merge makes two equal expressions one variable.
    const g = th.function([x], [x.add(1), x.add(1)]);
    const [c, d] = g([1, 2]);
    expect(c!.data).not.toBe(d!.data);
    // And the identity listed twice.
    const h = th.function([x], [x, x]);
    const arr = th.array([1, 2]);
    const [p, q] = h(arr);
    expect(p!.data).not.toBe(q!.data);
    expect(p!.data).not.toBe(arr.data);
  });

  it('a fresh output never shares the buffer of a borrowed output', () => {
    const x = T.dvector('x');
    const y = x.add(1);
    const f = th.function([x], [new th.Out(y, { borrow: true }), y]);
    const [borrowed, fresh] = f([1, 2]);
    expect(fresh!.data).not.toBe(borrowed!.data);
    f([10, 20]);
    expect(fresh!.toArray()).toEqual([2, 3]);
  });

  it('outputs aliasing shared storage are copies', () => {
    const s = th.shared([1, 2, 3], 's');
    const f = th.function([], s);
    const out = f();
    expect(out.data).not.toBe(s.getValue({ borrow: true }).data);
    out.set([0], 100);
    expect(s.getValue().toArray()).toEqual([1, 2, 3]);
    expect(f().toArray()).toEqual([1, 2, 3]);
    // With an update: the returned old value is independent of the new one.
    const g = th.function([], [s, s.T], { updates: [[s, s.mul(2)]] });
    const [old, oldT] = g();
    expect(old!.toArray()).toEqual([1, 2, 3]);
    expect(oldT!.toArray()).toEqual([1, 2, 3]);
    expect(s.getValue().toArray()).toEqual([2, 4, 6]);
    old!.set([1], -1);
    expect(s.getValue().toArray()).toEqual([2, 4, 6]);
  });

  it('an output equal to an update value is not the shared variable’s storage', () => {
    const s = th.shared([1, 2], 's');
    const next = s.add(1);
    const f = th.function([], next, { updates: [[s, next]] });
    const out = f();
    expect(out.toArray()).toEqual([2, 3]);
    expect(out.data).not.toBe(s.getValue({ borrow: true }).data);
    out.set([0], 100);
    expect(s.getValue().toArray()).toEqual([2, 3]);
  });

  it('constant outputs are copies of the constant', () => {
    const c = T.constant(th.array([1, 2, 3]));
    const f = th.function([], c);
    const out = f();
    out.set([0], 100);
    expect(f().toArray()).toEqual([1, 2, 3]);
  });

  it('a borrowed output passed back as the next input gives the right result', () => {
    const m = T.dmatrix('m');
    const f = th.function([m], new th.Out(T.dot(m, m), { borrow: true }));
    const o1 = f([[1, 2], [3, 4]]);
    expect(o1.toArray()).toEqual([[7, 10], [15, 22]]);
    const o2 = f(o1);
    expect(o2.toArray()).toEqual([[199, 290], [435, 634]]);
    // The same with an elementwise chain that reads its input twice.
    const v = T.dvector('v');
    const g = th.function([v], new th.Out(v.mul(v).add(v.sum()), { borrow: true }));
    const a = g([1, 2]);
    expect(a.toArray()).toEqual([4, 7]);
    expect(g(a).toArray()).toEqual([16 + 11, 49 + 11]);
  });

  it('a borrowed input may be returned as it is', () => {
    const x = T.dvector('x');
    const f = th.function([new th.In(x, { borrow: true })], x);
    const arr = th.array([1, 2]);
    expect(f(arr).toArray()).toEqual([1, 2]);
  });
});

describe('merge rewrite and modes', () => {
  it('computes duplicate subexpressions once', () => {
    const x = T.dvector('x');
    const y = x.exp().add(x.exp());
    const f = th.function([x], y);
    const raw = th.function([x], y, { mode: asWritten });
    expect(f.maker.fgraph.applyNodes.size).toBeLessThan(raw.maker.fgraph.applyNodes.size);
    expect(f([0, 1]).toArray()).toEqual([2, 2 * Math.E]);
    // Merge alone (no other rewrite) makes both operands of the add one variable.
    const m = th.function([x], y, { mode: mergeOnly });
    expect(nodeNames(m)).toEqual(['Elemwise{add}', 'Elemwise{exp}']);
    const add = [...m.maker.fgraph.applyNodes].find((n) => String(n.op) === 'Elemwise{add}')!;
    expect(add.inputs[0]).toBe(add.inputs[1]);
    // The user's graph is untouched.
    expect(y.owner!.inputs[0]).not.toBe(y.owner!.inputs[1]);
  });

  it('merges equal constants and nodes over them', () => {
    const x = T.dvector('x');
    const f = th.function([x], [x.add(2).mul(x.add(2)), x.mul(3)], { mode: mergeOnly });
    const adds = [...f.maker.fgraph.applyNodes].filter((n) => String(n.op) === 'Elemwise{add}');
    expect(adds).toHaveLength(1);
    const [a, b] = f([1, 2]);
    expect(a!.toArray()).toEqual([9, 16]);
    expect(b!.toArray()).toEqual([3, 6]);
  });

  it('merges across outputs and updates', () => {
    const s = th.shared(1.0, 's');
    const x = T.dscalar('x');
    const f = th.function([x], s.mul(x), { updates: [[s, s.mul(x)]], mode: mergeOnly });
    expect(countOp(f, 'Elemwise{mul}')).toBe(1);
    expect(f.maker.fgraph.outputs[0]).toBe(f.maker.fgraph.outputs[1]);
    expect(Number(f(3))).toBe(3);
    expect(Number(s.getValue())).toBe(3);
  });

  it('optimizer null keeps duplicates and gives the same values', () => {
    const x = T.dvector('x');
    const y = x.exp().add(x.exp());
    const f = th.function([x], y, { mode: new th.Mode({ optimizer: null }) });
    expect(nodeNames(f)).toEqual(['Elemwise{add}', 'Elemwise{exp}', 'Elemwise{exp}']);
    expect(f([0, 1]).toArray()).toEqual([2, 2 * Math.E]);
    expect(new th.Mode({ optimizer: 'None' }).optimizer).toBeNull();
  });

  it('accepts FAST_RUN and FAST_COMPILE', () => {
    const x = T.dvector('x');
    const y = x.exp().add(x.exp());
    const fr = th.function([x], y, { mode: 'FAST_RUN' });
    const fc = th.function([x], y, { mode: 'FAST_COMPILE' });
    expect(fr.maker.mode.optimizer).toBe('fast_run');
    expect(fc.maker.mode.optimizer).toBe('fast_compile');
    expect(fr([1]).toArray()).toEqual(fc([1]).toArray());
    const raw = th.function([x], y, { mode: asWritten }).maker.fgraph.applyNodes.size;
    expect(fr.maker.fgraph.applyNodes.size).toBeLessThan(raw);
    expect(fc.maker.fgraph.applyNodes.size).toBeLessThan(raw);
    expect(th.function([x], y).maker.mode.optimizer).toBe('fast_run');
  });

  it('refuses unknown linkers, optimizers and mode names with a CompileError', () => {
    expect(() => new th.Mode({ linker: 'c' as never })).toThrow(th.CompileError);
    expect(() => new th.Mode({ linker: 'c' as never })).toThrow(/unknown linker "c".*'vm'/);
    expect(() => new th.Mode({ optimizer: 'o3' as never })).toThrow(th.CompileError);
    expect(() => new th.Mode({ optimizer: 'o3' as never })).toThrow(/unknown optimizer "o3"/);
    const x = T.dscalar('x');
    expect(() => th.function([x], x, { mode: 'DEBUG_MODE' })).toThrow(th.CompileError);
    expect(() => th.function([x], x, { mode: 'DEBUG_MODE' })).toThrow(/unknown mode "DEBUG_MODE".*FAST_RUN/);
    expect(String(new th.Mode({ linker: 'vm' }))).toBe('Mode(linker=vm, optimizer=fast_run)');
    expect(String(new th.Mode({ linker: 'vm', optimizer: null }))).toBe('Mode(linker=vm, optimizer=null)');
  });
});

describe('profile', () => {
  it('summary names ops and counts calls', () => {
    const x = T.dvector('x');
    const f = th.function([x], x.exp().add(x.exp()).sum(), { profile: true, name: 'prof', mode: mergeOnly });
    expect(f.profile).toBeInstanceOf(th.ProfileStats);
    f([1, 2]);
    f([1, 2]);
    f([3, 4]);
    const p = f.profile!;
    expect(p.calls).toBe(3);
    expect(p.compileSeconds).toBeGreaterThan(0);
    const ops = p.opTable();
    expect(ops.map((r) => r.op).sort()).toEqual(['CAReduce{add, axes=[0]}', 'Elemwise{add}', 'Elemwise{exp}']);
    for (const r of ops) expect(r.calls).toBe(3);
    expect(ops.reduce((s, r) => s + r.share, 0)).toBeCloseTo(1, 6);
    const summary = p.summary();
    expect(summary).toContain('Function profile: prof');
    expect(summary).toContain('calls: 3');
    expect(summary).toContain('Elemwise{exp}');
    expect(summary).toContain('Elemwise{add}');
    expect(summary).toMatch(/\s3\s+Elemwise\{exp\}/);
    expect(String(p)).toContain('Function profile: prof');
    expect(p.nodeTable().map((r) => r.node)).toContain('Elemwise{exp}(x)');
  });

  it('adds to a given ProfileStats and is off by default', () => {
    const stats = new th.ProfileStats('shared stats');
    const x = T.dscalar('x');
    const f = th.function([x], x.add(1), { profile: stats, mode: asWritten });
    const g = th.function([x], x.mul(2), { profile: stats, mode: asWritten });
    f(1);
    g(1);
    g(1);
    expect(f.profile).toBe(stats);
    expect(stats.calls).toBe(3);
    const rows = Object.fromEntries(stats.opTable().map((r) => [r.op, r.calls]));
    expect(rows).toEqual({ 'Elemwise{add}': 1, 'Elemwise{mul}': 2 });
    expect(th.function([x], x).profile).toBeNull();
  });

  it('a failing call does not count as a call', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const f = th.function([x, y], x.add(y), { profile: true });
    f([1], [2]);
    expect(() => f([1, 2], [1, 2, 3])).toThrow(th.ShapeError);
    expect(f.profile!.calls).toBe(1);
  });
});
