/**
 * The whole run rendered as one generated function (link/js/schedule.ts):
 * same results, buffers and errors as VM.run's loop, and source made only
 * of generated identifiers and numbers.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { FunctionGraph } from '../../src/graph/fgraph.js';
import { VM } from '../../src/link/vm.js';
import { jsLinker } from '../../src/link/js/linker.js';
import { renderSchedule } from '../../src/link/js/schedule.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';
import type { TensorVariable } from '../../src/tensor/variable.js';

const T = th.tensor;

/** A graph with constants, a shared intermediate, two outputs and an output that is an input. */
function sampleGraph(names: [string, string]): FunctionGraph {
  const x = T.dvector(names[0]);
  const y = T.dvector(names[1]);
  const e = T.exp(x.mul(2)).add(T.constant(th.array([1, 2])));
  return new FunctionGraph([x, y], [e.mul(y), T.sum(e), x]);
}

describe('rendered schedule', () => {
  it('computes what the loop computes, call after call', () => {
    const fg = sampleGraph(['x', 'y']);
    const loop = new VM(fg);
    const rendered = jsLinker(fg);
    for (const [xs, ys] of [[[0, 1], [2, 3]], [[-1, 0.5], [1, 1]]] as const) {
      const args = [th.array([...xs]), th.array([...ys])];
      const a = loop.run(args) as NDArray[];
      const b = rendered.run(args) as NDArray[];
      expect(b.map((r) => r.toArray())).toEqual(a.map((r) => r.toArray()));
      expect(b[2]).toBe(args[0]); // an input returned as an output is the value itself
    }
  });

  it('keeps buffers between calls like the loop, and releases what escaped', () => {
    const fg = sampleGraph(['x', 'y']);
    const vm = jsLinker(fg);
    const args = [th.array([0, 1]), th.array([2, 3])];
    const [r1] = vm.run(args) as NDArray[];
    expect(vm.keptBuffers().has(r1!.data)).toBe(true);
    vm.release([r1]);
    const [r2] = vm.run(args) as NDArray[];
    expect(r2).not.toBe(r1);
    expect(r2!.toArray()).toEqual(r1!.toArray());
  });

  it('is made of generated identifiers and numbers only, whatever the variables are called', () => {
    const evil = '"); globalThis.pwned = 1; ("';
    const fg = sampleGraph([evil, '*/ throw 1; /*']);
    const source = renderSchedule(new VM(fg)).toString();
    expect(source).not.toContain('pwned');
    expect(source).not.toContain('throw 1');
    // Only the fixed vocabulary of the renderer: keywords, s/t/c/a + number, plan, inputs, step...
    const words = new Set(source.match(/[A-Za-z_$][\w$]*/g));
    for (const w of words) expect(w).toMatch(/^(?:[stca]\d+|function|run|inputs|beforeTail|let|const|step|try|catch|e|throw|plan|failure|checkStep|return|if|undefined|value)$/);
    const [x, y] = fg.inputs as [TensorVariable, TensorVariable];
    const f = th.function([x, y], [x.mul(y)]);
    expect(f([0, 1], [1, 1])).toHaveLength(1);
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });

  it('profiles still time every node (the loop runs them)', () => {
    const x = T.dvector('x');
    const f = th.function([x], T.exp(x).add(x.mul(3).sum()), { profile: true });
    f([1, 2]);
    expect(f.profile!.summary()).toContain('Elemwise');
  });
});
