/**
 * cloneGraph: copying the nodes between roots and outputs, with optional
 * replacements; strict (type-preserving) and non-strict (rebuilding) modes.
 */
import { describe, it, expect } from 'vitest';
import * as T from '../../src/tensor/index.js';
import { cloneGraph, CloneTypeError } from '../../src/graph/clone.js';
import { ancestors } from '../../src/graph/traversal.js';
import type { Variable } from '../../src/graph/variable.js';
import type { Apply } from '../../src/graph/apply.js';
import * as th from '../../src/index.js';
import { expectAllClose } from '../helpers/allclose.js';

const nodesOf = (outs: readonly Variable[]): Apply[] => [...new Set(ancestors(outs).flatMap((v) => (v.owner ? [v.owner] : [])))];

describe('cloneGraph', () => {
  it('copies every node, keeps roots (inputs and constants) and the structure', () => {
    const x = T.dvector('x');
    const k = T.constant(2.5, 'k');
    const y = T.exp(x).mul(k).add(x);
    y.name = 'y';
    const { outputs, memo } = cloneGraph([y]);
    const [y2] = outputs;
    expect(y2).not.toBe(y);
    expect(y2!.name).toBe('y');
    expect(y2!.type.equals(y.type)).toBe(true);
    const before = nodesOf([y]);
    const after = nodesOf([y2!]);
    expect(after).toHaveLength(before.length);
    for (const n of after) expect(before).not.toContain(n);
    // Same ops, same shape of graph.
    expect(after.map((n) => n.op.key()).sort()).toEqual(before.map((n) => n.op.key()).sort());
    // Roots kept as they are.
    expect(memo.get(x)).toBe(x);
    expect(memo.get(k)).toBe(k);
    const roots = ancestors([y2!]).filter((v) => v.owner === null);
    expect(roots).toContain(x);
    expect(roots).toContain(k);
    // Every variable of the old graph maps to its copy.
    for (const v of ancestors([y])) {
      const c = memo.get(v)!;
      expect(c).toBeDefined();
      if (v.owner !== null) {
        expect(c.owner).not.toBe(v.owner);
        expect(c.owner!.op).toBe(v.owner.op);
        expect(c.index).toBe(v.index);
      }
    }
    // The original graph is untouched.
    expect(nodesOf([y])).toEqual(before);
  });

  it('copies a multi-output node once', () => {
    const x = T.dvector('x');
    const a = T.exp(x);
    const b = T.add(a, 1);
    const c = T.mul(a, 2);
    const { outputs } = cloneGraph([b, c]);
    expect(outputs[0]!.owner!.inputs[0]).toBe(outputs[1]!.owner!.inputs[0]);
    expect(outputs[0]!.owner!.inputs[0]).not.toBe(a);
  });

  it('computes the same values as the original', () => {
    const x = T.dvector('x');
    const y = T.exp(x).sum().mul(x);
    const [y2] = cloneGraph([y]).outputs as T.TensorVariable[];
    const f = th.function([x], y);
    const g = th.function([x], y2!);
    expectAllClose(g([1, 2]), f([1, 2]));
  });

  it('replaces roots with variables of the same type', () => {
    const x = T.dvector('x');
    const z = T.dvector('z');
    const y = T.exp(x).add(x);
    const { outputs } = cloneGraph([y], { replace: new Map([[x, z]]) });
    const roots = ancestors(outputs).filter((v) => v.owner === null && !v.isConstant());
    expect(roots).toEqual([z]);
    const f = th.function([z], outputs[0] as T.TensorVariable);
    expectAllClose(f([0, 1]), [1, Math.E + 1]);
    // The user's graph still reads x.
    expect(y.owner!.inputs[1]).toBe(x);
  });

  it('replaces an intermediate variable: the graph above it is neither walked nor copied', () => {
    const x = T.dvector('x');
    const w = T.dvector('w');
    const a = T.exp(x);
    const y = T.add(a, 1);
    const { outputs, memo } = cloneGraph([y], { replace: new Map<Variable, Variable>([[a, w]]) });
    expect(outputs[0]!.owner!.inputs[0]).toBe(w);
    expect(memo.has(x)).toBe(false);
    expect(ancestors(outputs)).not.toContain(x);
  });

  it('replaces an output itself', () => {
    const x = T.dvector('x');
    const z = T.dvector('z');
    const y = T.exp(x);
    const { outputs } = cloneGraph([y, x], { replace: new Map<Variable, Variable>([[y, z]]) });
    expect(outputs[0]).toBe(z);
    expect(outputs[1]).toBe(x);
  });

  it('strict mode refuses a replacement of another type with CloneTypeError', () => {
    const x = T.dvector('x');
    const f32 = T.fvector('f');
    const y = T.exp(x).add(1);
    const run = () => cloneGraph([y], { replace: new Map<Variable, Variable>([[x, f32]]) });
    expect(run).toThrow(CloneTypeError);
    expect(run).toThrow(TypeError);
    expect(run).toThrow(/float64.*float32|TensorType\(float64, \(\?,\)\) to TensorType\(float32, \(\?,\)\)/);
    expect(run).toThrow(/rebuildStrict/);
    try {
      run();
    } catch (e) {
      expect((e as Error).name).toBe('CloneTypeError');
    }
    // Static shape differences count as type changes too.
    const r = T.drow('r');
    const m = T.dmatrix('m');
    expect(() => cloneGraph([T.exp(m)], { replace: new Map<Variable, Variable>([[m, r]]) })).toThrow(CloneTypeError);
  });

  it('non-strict mode rebuilds nodes with makeNode, so output types follow the new inputs', () => {
    const x = T.dvector('x');
    const f32 = T.fvector('f');
    // (no literals: a literal was typed float64 when the graph was built, and stays so)
    const y = T.exp(x).mul(x).sum();
    expect(y.dtype).toBe('float64');
    const { outputs } = cloneGraph([y], { replace: new Map<Variable, Variable>([[x, f32]]), strict: false });
    const y2 = outputs[0] as T.TensorVariable;
    expect(y2.dtype).toBe('float32');
    expect(y.dtype).toBe('float64');
    const g = th.function([f32], y2);
    const out = g([1, 2]);
    expect(out.dtype).toBe('float32');
    expectAllClose(out, Math.E + 2 * Math.exp(2), { rtol: 1e-6 });
  });

  it('non-strict mode propagates static shapes (matrix → row)', () => {
    const m = T.dmatrix('m');
    const r = T.drow('r');
    const y = T.exp(m).add(1);
    const { outputs } = cloneGraph([y], { replace: new Map<Variable, Variable>([[m, r]]), strict: false });
    expect((outputs[0] as T.TensorVariable).staticShape).toEqual([1, null]);
    expect(y.staticShape).toEqual([null, null]);
  });

  it('non-strict mode still refuses replacements the op cannot take', () => {
    const x = T.dvector('x');
    const m = T.dmatrix('m');
    const y = T.dot(x, x);
    const t3 = T.dtensor3('t');
    expect(() => cloneGraph([y], { replace: new Map<Variable, Variable>([[x, t3]]), strict: false })).toThrow(/dot/);
    expect(() => cloneGraph([T.sum(m, 1)], { replace: new Map<Variable, Variable>([[m, x]]), strict: false })).toThrow(/axis 1/);
  });

  it('copies a 20,000-node chain without overflowing the stack', () => {
    const x = T.dscalar('x');
    let y = x;
    for (let i = 0; i < 20_000; i++) y = T.neg(y);
    const { outputs } = cloneGraph([y]);
    // (plain comparisons: vitest's matchers would walk the 20,000-deep objects recursively)
    expect(outputs[0] === y).toBe(false);
    expect(nodesOf(outputs).length).toBe(20_000);
  });
});
