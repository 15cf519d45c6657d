/**
 * Graph walks: ancestors (post-order), graphInputs, toposort — on diamonds,
 * multi-output nodes, blockers, and chains deep enough to overflow any
 * recursive walk.
 */
import { describe, it, expect } from 'vitest';
import * as T from '../../src/tensor/index.js';
import { ancestors, graphInputs, toposort } from '../../src/graph/traversal.js';
import { Apply } from '../../src/graph/apply.js';
import type { Variable } from '../../src/graph/variable.js';
import { split, toy } from './toyOps.js';

/** Every node comes after the nodes computing its inputs (within `nodes`). */
function expectTopological(nodes: readonly Apply[]): void {
  const position = new Map(nodes.map((n, i) => [n, i]));
  expect(position.size).toBe(nodes.length); // no duplicates
  nodes.forEach((n, i) => {
    for (const input of n.inputs) {
      if (input.owner !== null && position.has(input.owner)) expect(position.get(input.owner)!).toBeLessThan(i);
    }
  });
}

/** Every variable comes after the inputs of its owner (within `vars`). */
function expectInputsFirst(vars: readonly Variable[]): void {
  const position = new Map(vars.map((v, i) => [v, i]));
  expect(position.size).toBe(vars.length);
  vars.forEach((v, i) => {
    if (v.owner === null) return;
    for (const input of v.owner.inputs) if (position.has(input)) expect(position.get(input)!).toBeLessThan(i);
  });
}

/** x → a = exp(x), b = log(x) → c = a + b → d = c * x (a diamond with a skip edge). */
function diamond() {
  const x = T.dvector('x');
  const a = T.exp(x);
  const b = T.log(x);
  const c = T.add(a, b);
  const d = T.mul(c, x);
  return { x, a, b, c, d };
}

/** A chain of `n` ToyOp nodes above a root. */
function chain(n: number): { root: Variable; top: Variable; nodes: Apply[] } {
  const root = T.dvector('root');
  let top: Variable = root;
  const nodes: Apply[] = [];
  for (let i = 0; i < n; i++) {
    const node = new Apply(toy, [top], [top.type]);
    nodes.push(node);
    top = node.outputs[0]!;
  }
  return { root, top, nodes };
}

describe('ancestors', () => {
  it('lists inputs before the variables computed from them, exactly once each', () => {
    const { x, a, b, c, d } = diamond();
    const order = ancestors([d]);
    expectInputsFirst(order);
    for (const v of [x, a, b, c, d]) expect(order.filter((u) => u === v)).toHaveLength(1);
    expect(order[order.length - 1]).toBe(d);
    expect(order[0]).toBe(x);
  });

  it('is deterministic: inputs are visited in order (depth-first post-order)', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const s = T.sub(x, y);
    expect(ancestors([s])).toEqual([x, y, s]);
    expect(ancestors([T.sub(y, x)]).slice(0, 2)).toEqual([y, x]);
    const order1 = ancestors([s]).map((v) => v.id);
    const order2 = ancestors([s]).map((v) => v.id);
    expect(order1).toEqual(order2);
  });

  it('includes constants and stops at blockers (keeping them)', () => {
    const { x, a, b, c, d } = diamond();
    const withBlock = ancestors([d], new Set([c]));
    expect(withBlock).toContain(c);
    expect(withBlock).not.toContain(a);
    expect(withBlock).not.toContain(b);
    expect(withBlock).toEqual([c, x, d]);
    const y = T.add(x, 3);
    const roots = ancestors([y]).filter((v) => v.owner === null);
    expect(roots.some((v) => v.isConstant())).toBe(true);
  });

  it('takes several outputs, sharing their common part', () => {
    const { x, a, b } = diamond();
    const order = ancestors([a, b]);
    expect(order).toEqual([x, a, b]);
  });
});

describe('graphInputs', () => {
  it('finds the roots (inputs and constants), in first-visit order', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const z = T.add(T.mul(y, x), x);
    const roots = graphInputs([z]);
    expect(roots.slice(0, 2)).toEqual([y, x]);
    expect(roots).toHaveLength(2);
    const k = T.add(z, T.constant(5));
    const roots2 = graphInputs([k]);
    expect(roots2).toHaveLength(3);
    expect(roots2.filter((v) => v.isConstant())).toHaveLength(1);
  });

  it('counts blockers as roots', () => {
    const { c, d, x } = diamond();
    expect(graphInputs([d], new Set([c]))).toEqual([c, x]);
  });
});

describe('toposort', () => {
  it('orders a diamond so every node follows the nodes it depends on', () => {
    const { x, a, b, c, d } = diamond();
    const nodes = toposort([x], [d]);
    expect(nodes).toHaveLength(4);
    expectTopological(nodes);
    expect(new Set(nodes)).toEqual(new Set([a.owner, b.owner, c.owner, d.owner]));
    expect(nodes[3]).toBe(d.owner);
  });

  it('lists a multi-output node once, before the users of any of its outputs', () => {
    const x = T.dvector('x');
    const node = split.makeNode(x);
    const [o0, o1] = node.outputs as [T.TensorVariable, T.TensorVariable];
    const u = T.exp(o1);
    const v = T.add(u, o0);
    const nodes = toposort([x], [v, o1]);
    expect(nodes.filter((n) => n === node)).toHaveLength(1);
    expectTopological(nodes);
    expect(nodes.indexOf(node)).toBeLessThan(nodes.indexOf(u.owner!));
    // Only the second output used: the node still comes first.
    const only = toposort([x], [T.exp(o1)]);
    expect(only[0]).toBe(node);
  });

  it('stops at the given inputs, even when they are computed variables', () => {
    const { a, b, c, d } = diamond();
    const nodes = toposort([c], [d]);
    expect(nodes).toEqual([d.owner]);
    const partial = toposort([a], [d]);
    expect(partial).not.toContain(a.owner);
    expect(partial).toContain(b.owner);
    expectTopological(partial);
  });

  it('respects dependencies on random DAGs', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let trial = 0; trial < 20; trial++) {
      const roots = [T.dvector('a'), T.dvector('b'), T.dvector('c')];
      const pool: T.TensorVariable[] = [...roots];
      for (let i = 0; i < 30; i++) {
        const p = pool[Math.floor(rand() * pool.length)]!;
        const q = pool[Math.floor(rand() * pool.length)]!;
        pool.push(rand() < 0.5 ? T.add(p, q) : T.exp(p));
      }
      const outs = [pool[pool.length - 1]!, pool[pool.length - 7]!];
      const nodes = toposort(roots, outs);
      expectTopological(nodes);
      // Every node computing the outputs is there.
      const needed = new Set(ancestors(outs).flatMap((v) => (v.owner ? [v.owner] : [])));
      expect(new Set(nodes)).toEqual(needed);
    }
  });
});

describe('deep graphs (iterative walks)', () => {
  const N = 20_000;
  const deep = chain(N);

  it('ancestors and graphInputs walk a 20,000-node chain', () => {
    const order = ancestors([deep.top]);
    expect(order).toHaveLength(N + 1);
    expect(order[0]).toBe(deep.root);
    expect(order[N]).toBe(deep.top);
    expect(graphInputs([deep.top])).toEqual([deep.root]);
  });

  it('toposort orders a 20,000-node chain', () => {
    const nodes = toposort([deep.root], [deep.top]);
    expect(nodes).toHaveLength(N);
    expect(nodes).toEqual(deep.nodes);
  });

  it('works on a deep chain of real tensor ops', () => {
    const x = T.dscalar('x');
    let y = x;
    for (let i = 0; i < N; i++) y = y.add(1);
    const nodes = toposort([x], [y]);
    expect(nodes).toHaveLength(N);
    expect(nodes[0]!.inputs[0]).toBe(x);
    expect(nodes[N - 1]).toBe(y.owner);
  });
});
