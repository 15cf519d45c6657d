/**
 * The reference VM: buffer reuse between calls (never for values that left
 * the function), error wrapping, node timing.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { Apply } from '../../src/graph/apply.js';
import { FunctionGraph } from '../../src/graph/fgraph.js';
import { Op, type OutputCell } from '../../src/graph/op.js';
import type { Variable } from '../../src/graph/variable.js';
import { VM, storageOf } from '../../src/link/vm.js';
import { NDArray } from '../../src/ndarray/ndarray.js';
import { reuseOrAllocate } from '../../src/tensor/runtime.js';
import { TensorType } from '../../src/tensor/type.js';
import type { TensorVariable } from '../../src/tensor/variable.js';

const T = th.tensor;

/** The reference VM, and the code-generating linker (which must keep the VM's guarantees). */
const LINKERS = ['vm', 'js'] as const;

/** x * 2 into a reused buffer; records what it found in its cell and what it wrote. */
class Probe extends Op {
  override readonly props = ['id'];
  readonly found: unknown[] = [];
  readonly wrote: NDArray[] = [];

  constructor(readonly id: number) {
    super();
  }

  override makeNode(x: Variable): Apply<this> {
    return new Apply(this, [x], [x.type]);
  }

  override perform(_node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const x = inputs[0] as NDArray;
    this.found.push(outputs[0]!.value);
    const out = reuseOrAllocate(outputs[0]!, x.dtype, x.shape);
    const src = x.flatData();
    for (let i = 0; i < out.size; i++) out.data[i] = src[i]! * 2;
    outputs[0]!.value = out;
    this.wrote.push(out);
  }
}

let probeIds = 0;
const probe = (x: TensorVariable): { op: Probe; out: TensorVariable } => {
  const op = new Probe(++probeIds);
  return { op, out: op.apply1(x) as TensorVariable };
};

/** An op whose perform fails with a plain Error (a bug in the op, not a user mistake). */
class Broken extends Op {
  override makeNode(x: Variable): Apply<this> {
    return new Apply(this, [x], [x.type]);
  }

  override perform(): void {
    throw new RangeError('index 7 out of range');
  }
}

/** An op whose perform fails with a theano-ts error, which must pass through as it is. */
class Picky extends Op {
  override makeNode(x: Variable): Apply<this> {
    return new Apply(this, [x], [x.type]);
  }

  override perform(): void {
    throw new th.ValueError('picky: does not like this value');
  }
}

describe.each(LINKERS)('buffer reuse (%s linker)', (linker) => {
  // In-place work would hand an intermediate's buffer to its consumer; these tests watch plain reuse.
  const mode = new th.Mode({ linker, excluding: ['inplace'] });
  it('hands an intermediate node its previous buffer on the next call with equal shapes', () => {
    const x = T.dvector('x');
    const { op, out: mid } = probe(x);
    const f = th.function([x], mid.add(1), { mode });
    expect(f([1, 2]).toArray()).toEqual([3, 5]);
    expect(op.found[0]).toBeUndefined();
    expect(f([3, 4]).toArray()).toEqual([7, 9]);
    expect(op.found[1]).toBe(op.wrote[0]);
    expect(op.wrote[1]).toBe(op.wrote[0]);
    expect(f([5, 6]).toArray()).toEqual([11, 13]);
    expect(op.wrote[2]).toBe(op.wrote[0]);
  });

  it('allocates a new buffer when the shape changes', () => {
    const x = T.dvector('x');
    const { op, out: mid } = probe(x);
    const f = th.function([x], mid.add(1), { mode });
    f([1, 2]);
    expect(f([1, 2, 3]).toArray()).toEqual([3, 5, 7]);
    expect(op.wrote[1]).not.toBe(op.wrote[0]);
    expect(op.wrote[1]!.shape).toEqual([3]);
  });

  it('reuses buffers of real intermediate ops (Elemwise, reductions, dot)', () => {
    const x = T.dmatrix('x');
    const { op, out } = probe(T.dot(x, x).exp().sum(0).add(x.sum()));
    const f = th.function([x], out.sum(), { mode });
    const a = Number(f([[0, 0], [0, 0]]));
    expect(a).toBe(2 * 2 * 2);
    const b = Number(f([[0, 0], [0, 0]]));
    expect(b).toBe(a);
    expect(op.found[1]).toBe(op.wrote[0]);
  });

  it('never reuses a buffer that escaped as an output', () => {
    const x = T.dvector('x');
    const { op, out } = probe(x);
    const f = th.function([x], out, { mode });
    const first = f([1, 2]);
    const second = f([3, 4]);
    expect(op.found[1]).toBeUndefined();
    expect(second).not.toBe(first);
    expect(first.toArray()).toEqual([2, 4]);
    expect(second.toArray()).toEqual([6, 8]);
  });

  it('never reuses a buffer that escaped as a view of an output', () => {
    const x = T.dmatrix('x');
    const { op, out } = probe(x);
    const f = th.function([x], out.T, { mode });
    const first = f([[1, 2]]);
    f([[3, 4]]);
    expect(op.found[1]).toBeUndefined();
    expect(first.toArray()).toEqual([[2], [4]]);
  });

  it('never reuses a buffer that became a shared variable’s value', () => {
    const s = th.shared([1, 2], 's');
    const { op, out } = probe(s);
    const f = th.function([], [], { updates: [[s, out]], mode });
    f();
    const afterFirst = s.getValue({ borrow: true });
    expect(afterFirst.toArray()).toEqual([2, 4]);
    f();
    expect(op.found[1]).toBeUndefined();
    expect(afterFirst.toArray()).toEqual([2, 4]);
    expect(s.getValue().toArray()).toEqual([4, 8]);
  });

  it('reuses a borrowed output’s buffer, unless it comes back as an input', () => {
    const x = T.dvector('x');
    const { op, out } = probe(x);
    const f = th.function([x], new th.Out(out.add(out.sum()), { borrow: true }), { mode });
    const a = f([1, 2]);
    expect(a.toArray()).toEqual([8, 10]);
    expect(f([1, 2])).toBe(a);
    expect(op.found[1]).toBe(op.wrote[0]);
    // a is the add node's buffer: feeding it back must not let that node write over its input.
    expect(f(a).toArray()).toEqual([16 + 36, 20 + 36]);
  });

  it('a borrowed output stored in a shared variable with borrow is read, not overwritten, by the next call', () => {
    const s = th.shared([[1, 2], [3, 4]], 's');
    const f = th.function([], new th.Out(T.dot(s, s), { borrow: true }), { mode });
    const o = f();
    expect(o.toArray()).toEqual([[7, 10], [15, 22]]);
    s.setValue(o, { borrow: true });
    expect(f().toArray()).toEqual([[199, 290], [435, 634]]);
  });
});

describe('the VM on its own', () => {
  const dvec = new TensorType('float64', [null]);

  it('runs nodes in dependency order, with constants, and keeps buffers until released', () => {
    const x = dvec.makeVariable('x') as TensorVariable;
    const p1 = probe(x);
    const p2 = probe(p1.out.add(T.constant(th.array([1, 1]))));
    const fg = new FunctionGraph([x], [p2.out]);
    const vm = new VM(fg);
    const [r1] = vm.run([th.array([1, 2])]) as NDArray[];
    expect(r1!.toArray()).toEqual([6, 10]);
    const kept = vm.keptBuffers();
    expect(kept.has(r1!.data)).toBe(true);
    // Without release the output buffer is reused: the VM leaves that decision to its caller.
    const [r2] = vm.run([th.array([0, 0])]) as NDArray[];
    expect(r2).toBe(r1);
    expect(r1!.toArray()).toEqual([2, 2]);
    vm.release([r2]);
    expect(vm.keptBuffers().has(r2!.data)).toBe(false);
    const [r3] = vm.run([th.array([1, 1])]) as NDArray[];
    expect(r3).not.toBe(r2);
    expect(r2!.toArray()).toEqual([2, 2]);
  });

  it('release ignores values that are not arrays', () => {
    const x = dvec.makeVariable('x') as TensorVariable;
    const vm = new VM(new FunctionGraph([x], [probe(x).out]));
    vm.run([th.array([1])]);
    expect(() => vm.release([undefined, 3, null])).not.toThrow();
    expect(vm.keptBuffers().size).toBe(1);
    expect(storageOf(3)).toBeNull();
    const a = th.array([1, 2, 3]);
    expect(storageOf(a.reshape([3, 1]))).toBe(a.data);
  });

  it('records the time of each node when given a timer', () => {
    const x = dvec.makeVariable('x') as TensorVariable;
    const y = x.exp().add(x);
    const fg = new FunctionGraph([x], [y]);
    const seen: string[] = [];
    const vm = new VM(fg, { profile: { recordNode: (node, seconds) => (seen.push(String(node.op)), expect(seconds).toBeGreaterThanOrEqual(0)) } });
    vm.run([th.array([0])]);
    vm.run([th.array([0])]);
    expect(seen).toEqual(['Elemwise{exp}', 'Elemwise{add}', 'Elemwise{exp}', 'Elemwise{add}']);
  });
});

describe.each(LINKERS)('errors inside perform (%s linker)', (linker) => {
  const mode = new th.Mode({ linker });
  it('wraps a non-theano failure in a TheanoError naming the node and where it was built', () => {
    const x = T.dvector('x');
    const broken = new Broken().apply1(x.add(1)) as TensorVariable;
    const f = th.function([x], broken.mul(2), { name: 'usesBroken', mode });
    let error: unknown;
    try {
      f([1, 2]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(th.TheanoError);
    const e = error as Error;
    expect(e.message).toMatch(/^usesBroken: Broken failed: index 7 out of range/);
    expect(e.message).toContain('node built at');
    expect(e.message).toContain('vm.test.ts');
    expect(e.message).not.toContain('at at ');
    expect(e.cause).toBeInstanceOf(RangeError);
  });

  it('wraps non-Error throws too', () => {
    class ThrowsString extends Broken {
      override perform(): void {
        throw 'plain string'; // eslint-disable-line no-throw-literal
      }
    }
    const x = T.dvector('x');
    const f = th.function([x], new ThrowsString().apply1(x) as TensorVariable, { mode });
    expect(() => f([1])).toThrow(th.TheanoError);
    expect(() => f([1])).toThrow(/ThrowsString failed: plain string/);
  });

  it('lets theano-ts errors through with their class', () => {
    const x = T.dvector('x');
    const fg = new FunctionGraph([x], [new Picky().apply1(x)]);
    const vm = new VM(fg);
    expect(() => vm.run([th.array([1])])).toThrow(th.ValueError);
    expect(() => vm.run([th.array([1])])).toThrow(/^picky: does not like this value$/);
    const f = th.function([x], new Picky().apply1(x) as TensorVariable, { name: 'p', mode });
    expect(() => f([1])).toThrow(th.ValueError);
    expect(() => f([1])).toThrow(/^p: picky: does not like this value$/);
  });

  it('a failed run leaves the VM usable', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const f = th.function([x, y], x.add(y).mul(2), { mode });
    expect(f([1], [2]).toArray()).toEqual([6]);
    expect(() => f([1, 2], [1, 2, 3])).toThrow(th.ShapeError);
    expect(f([1], [1]).toArray()).toEqual([4]);
  });
});
