/** nonzero / where(cond): numpy's indices of nonzero entries, their lengths, and where(c, a, b). */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { nonzero, where } from '../../src/tensor/nonzero.js';
import { shapeI } from '../../src/tensor/shape.js';

const T = th.tensor;

describe.each(['js', 'vm'] as const)('nonzero (%s)', (linker) => {
  const mode = () => new th.Mode({ linker });

  it('gives one index vector per axis, in row-major order, as numpy', () => {
    const x = T.dmatrix('x');
    const f = th.function([x], nonzero(x), { mode: mode() });
    // numpy: np.nonzero([[0, 3, 0], [NaN, 0, -1]]) -> ([0, 1, 1], [1, 0, 2])
    const [r, c] = f([[0, 3, 0], [NaN, 0, -1]]);
    expect(r!.toArray()).toEqual([0, 1, 1]);
    expect(c!.toArray()).toEqual([1, 0, 2]);
    expect(r!.dtype).toBe('int64');
    const [e] = th.function([x], [nonzero(x)[0]!], { mode: mode() })(th.zeros([2, 2]));
    expect(e!.toArray()).toEqual([]);
  });

  it('works on strided views and bools; where(c) is nonzero, where(c, a, b) a choice', () => {
    const b = T.tensor('bool', [null, null], 'b');
    const f = th.function([b], where(b.T), { mode: mode() });
    const [r, c] = f([[true, false], [true, true]]);
    expect(r!.toArray()).toEqual([0, 0, 1]);
    expect(c!.toArray()).toEqual([0, 1, 1]);
    const v = T.dvector('v');
    expect(th.function([v], where(T.gt(v, 0), v, 0), { mode: mode() })([-1, 2]).toArray()).toEqual([0, 2]);
  });
});

describe('nonzero shapes and errors', () => {
  it('infers the count without computing the indices', () => {
    const v = T.ivector('v');
    const f = th.function([v], shapeI(nonzero(v)[0]!, 0));
    expect(Number(f([0, 4, 0, 5, 6]))).toBe(3);
    expect([...f.maker.fgraph.applyNodes].some((n) => n.op.constructor.name === 'Nonzero')).toBe(false);
  });

  it('rejects 0-d values and two-argument where', () => {
    expect(() => nonzero(T.dscalar('s'))).toThrow(/nonzero of a 0-d value is not defined/);
    expect(() => (where as (...a: unknown[]) => unknown)(T.dvector('v'), 1)).toThrow(/one argument .* or three/);
  });
});
