/**
 * Elementwise fusion: chains become one FusedElemwise node whose results
 * equal the unfused graph's exactly (including float32 rounding and integer
 * wrap-around of intermediates).
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { Elemwise } from '../../src/tensor/elemwise.js';
import { FusedElemwise } from '../../src/tensor/fused.js';
import type { CompiledFunction } from '../../src/compile/function.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import * as S from '../../src/scalar/ops.js';

const T = th.tensor;
const unfused = new th.Mode({ excluding: ['fusion'] });

function opsOf(f: CompiledFunction<unknown>): string[] {
  return [...f.maker.fgraph.applyNodes].map((n) => (n.op instanceof FusedElemwise ? 'Fused' : n.op instanceof Elemwise ? 'Elemwise' : n.op.name)).sort();
}

describe('elementwise fusion', () => {
  it('fuses the B1 expression 1/(1+exp(-(a*b+c))) into one kernel', () => {
    const [a, b, c] = T.dvectors('a', 'b', 'c');
    const out = T.trueDiv(1, T.add(1, T.exp(a.mul(b).add(c).neg())));
    const f = th.function([a, b, c], out);
    expect(opsOf(f)).toEqual(['Fused']);
    const g = th.function([a, b, c], out, { mode: unfused });
    const args = [[0.5, -2, 3], [1.5, 0.25, -1], [0.1, 0.2, -0.3]];
    expect(f(...args).toArray()).toEqual(g(...args).toArray());
  });

  it('keeps float32 rounding of every intermediate, as the separate ops do', () => {
    const [a, b, c] = T.fvectors('a', 'b', 'c');
    const out = T.tanh(a.mul(b).add(c)).mul(a).sub(T.sqrt(T.abs(b)));
    const f = th.function([a, b, c], out);
    const g = th.function([a, b, c], out, { mode: unfused });
    expect(opsOf(f)).toEqual(['Fused']);
    const args = [[0.1, 0.7, 3.3, -1e-3], [1 / 3, 2 / 3, -5.1, 7.25], [0.2, 1e-7, 3, 4.5]];
    const [x, y] = [f(...args), g(...args)];
    expect(x.dtype).toBe('float32');
    expect(Array.from(x.data)).toEqual(Array.from(y.data));
  });

  it('keeps integer wrap-around of intermediates', () => {
    const [a, b] = T.ivectors('a', 'b');
    const out = a.mul(b).add(a).mul(3);
    const f = th.function([a, b], out);
    const g = th.function([a, b], out, { mode: unfused });
    const args = [[2 ** 30, -7, 123456], [5, 2 ** 29, 98765]];
    expect(f(...args).toArray()).toEqual(g(...args).toArray());
  });

  it('fuses across broadcasting: a row, a column and a scalar into one kernel', () => {
    const r = T.drow('r');
    const c = T.dcol('c');
    const s = T.dscalar('s');
    const out = T.exp(r.add(c)).mul(s).sub(r);
    const f = th.function([r, c, s], out);
    expect(opsOf(f).filter((o) => o === 'Fused')).toHaveLength(1);
    const g = th.function([r, c, s], out, { mode: unfused });
    const args: [number[][], number[][], number] = [[[1, 2, 3]], [[0.5], [-1]], 2];
    expect(f(...args).toArray()).toEqual(g(...args).toArray());
    expect(f(...args).shape).toEqual([2, 3]);
  });

  it('an intermediate read outside the chain becomes a second output of the kernel', () => {
    const x = T.dvector('x');
    const e = T.exp(x);
    const f = th.function([x], [e.add(1), e.mul(2)]);
    // One chain takes exp in and stores it as a second output; the other reads that stored value.
    const fused = [...f.maker.fgraph.applyNodes].filter((n) => n.op instanceof FusedElemwise);
    expect(fused).toHaveLength(1);
    expect(fused[0]!.outputs).toHaveLength(2);
    expect(opsOf(f)).toEqual(['Elemwise', 'Fused']);
    const [a, b] = f([0, 1]);
    expect(a!.toArray()).toEqual([2, Math.E + 1]);
    expect(b!.toArray()).toEqual([2, 2 * Math.E]);
  });

  it('an intermediate that is also a result of the function is stored by the same loop', () => {
    const [x, y] = T.fvectors('x', 'y');
    const h = T.tanh(x.mul(y));
    const out = h.mul(h).add(x);
    const f = th.function([x, y], [h, out]);
    expect(opsOf(f)).toEqual(['Fused']);
    const g = th.function([x, y], [h, out], { mode: unfused });
    const args = [[0.1, -2, 3.5], [1 / 3, 0.7, -0.2]];
    const [r, s] = [f(...args), g(...args)];
    expect(r.map((a) => Array.from(a.data))).toEqual(s.map((a) => Array.from(a.data)));
    expect(r[0]!.dtype).toBe('float32');
  });

  it('does not fuse an intermediate whose outside reader feeds the chain again (no cycle)', () => {
    const x = T.dvector('x');
    const z = T.exp(x);
    const out = z.mul(T.sum(z)).add(z);
    for (const mode of [new th.Mode(), new th.Mode({ linker: 'vm' }), new th.Mode({ debug: true })]) {
      const f = th.function([x], out, { mode });
      f.maker.fgraph.checkIntegrity();
      const s = Math.exp(0) + Math.exp(1);
      expect(f([0, 1]).toArray()).toEqual([1 * s + 1, Math.E * s + Math.E]);
    }
  });

  it('a two-output kernel can overwrite an intermediate it reads, in both linkers and DebugMode', () => {
    const [a, b] = T.dmatrices('a', 'b');
    const u = T.dot(a, b); // a fresh intermediate nothing else reads once fused
    const e = T.exp(u);
    const outs = [e, e.mul(2).add(u)];
    const args = [[[1, 0], [0, 2]], [[0.5, -1], [0.25, 0]]];
    const expected = th.function([a, b], outs, { mode: unfused })(...args).map((r) => r.toArray());
    for (const mode of [new th.Mode(), new th.Mode({ linker: 'vm' }), new th.Mode({ debug: true })]) {
      const f = th.function([a, b], outs, { mode });
      const fused = [...f.maker.fgraph.applyNodes].filter((n) => n.op instanceof FusedElemwise);
      expect(fused).toHaveLength(1);
      expect(fused[0]!.outputs).toHaveLength(2);
      expect((fused[0]!.op as FusedElemwise).inplace).not.toBeNull();
      for (let call = 0; call < 2; call++) expect(f(...args).map((r) => r.toArray())).toEqual(expected);
    }
  });

  it('does not fuse a smaller-pattern producer into a bigger loop (no repeated work)', () => {
    const v = T.dvector('v');
    const m = T.dmatrix('m');
    const f = th.function([v, m], T.exp(v).add(m));
    const fused = [...f.maker.fgraph.applyNodes].filter((n) => n.op instanceof FusedElemwise);
    expect(fused).toHaveLength(0);
    expect(f([0], [[1], [2]]).toArray()).toEqual([[2], [3]]);
  });

  it('a shape mismatch inside a fused kernel still names the shapes and the user line', () => {
    const [a, b] = T.dvectors('a', 'b');
    const f = th.function([a, b], T.exp(a.add(b)).mul(2));
    let message = '';
    try {
      f([1, 2], [1, 2, 3]);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('(2,)');
    expect(message).toContain('(3,)');
    expect(message).toContain('fusion.test.ts');
  });

  it('gradient graphs fuse and give the unfused values', () => {
    const x = T.dvector('x');
    const w = T.dvector('w');
    const cost = T.sum(T.softplus(x.mul(w)).add(T.sqr(w)));
    const gw = T.grad(cost, w);
    const f = th.function([x, w], gw);
    const g = th.function([x, w], gw, { mode: unfused });
    const args = [[0.5, -1, 2], [0.25, 0.5, -1]];
    expect((f(...args) as NDArray).toArray()).toEqual((g(...args) as NDArray).toArray());
  });

  it('a FusedElemwise already in the graph is inlined into a larger kernel (single output)', () => {
    const [x, w] = T.dvectors('x', 'w');
    const kernel = {
      inputDtypes: ['float64', 'float64'] as const,
      steps: [
        { op: S.exp, args: [0], argDtypes: ['float64'] as const, dtype: 'float64' as const },
        { op: S.mul, args: [2, 1], argDtypes: ['float64', 'float64'] as const, dtype: 'float64' as const },
      ],
      outputs: [3],
      outputDtypes: ['float64'] as const,
    };
    const pre = new FusedElemwise(kernel).apply1(x, w) as TensorVariable;
    const outs = [T.sqrt(T.abs(pre)).add(x), T.sum(pre.sub(1))];
    for (const out of outs) {
      const f = th.function([x, w], out);
      expect(f.maker.fgraph.applyNodes.size).toBe(1);
      const g = th.function([x, w], out, { mode: new th.Mode({ optimizer: null, linker: 'vm' }) });
      const args = [[0.5, -1, 2], [0.25, 0.5, -1]];
      expect(f(...args).toArray()).toEqual(g(...args).toArray());
    }
  });
});
