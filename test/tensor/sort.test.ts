/** sort and argsort along an axis, as numpy's stable sort (NaN last); sort's gradient. */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { argsort, sort } from '../../src/tensor/sort.js';
import { shapeI } from '../../src/tensor/shape.js';
import type { TensorVariable } from '../../src/tensor/variable.js';

const T = th.tensor;

describe.each(['js', 'vm'] as const)('sort (%s)', (linker) => {
  const mode = () => new th.Mode({ linker });
  it('sorts each lane, ties in order, NaN last (numpy values)', () => {
    const x = T.dmatrix('x');
    const f = th.function([x], [sort(x), argsort(x), sort(x, 0), argsort(x.T, -1)], { mode: mode() });
    const data = [[3, 1, NaN, 1], [-2, 5, 0, -2]];
    const [s, a, s0, aT] = f(data);
    // numpy: np.sort(x, -1), np.argsort(x, kind='stable'), np.sort(x, 0), np.argsort(x.T, kind='stable')
    expect(s!.toArray()).toEqual([[1, 1, 3, NaN], [-2, -2, 0, 5]]);
    expect(a!.toArray()).toEqual([[1, 3, 0, 2], [0, 3, 2, 1]]);
    expect(s0!.toArray()).toEqual([[-2, 1, 0, -2], [3, 5, NaN, 1]]);
    expect(aT!.toArray()).toEqual([[1, 0], [0, 1], [1, 0], [1, 0]]);
    expect(a!.dtype).toBe('int64');
  });
});

describe('sort gradients and shapes', () => {
  it('the gradient goes back to where each sorted value came from', () => {
    th.gradient.verifyGrad((x: TensorVariable) => sort(x).mul(th.array([[1, 2, 3], [4, 5, 6]])).sum(), [th.array([[0.3, -1, 2], [5, 0.1, -0.4]])]);
  });
  it('infers shapes and rejects bad axes', () => {
    const x = T.dtensor3('x');
    const f = th.function([x], shapeI(argsort(x, 1), 2));
    expect(Number(f(th.zeros([2, 3, 4])))).toBe(4);
    expect(() => sort(x, 3)).toThrow(/axis 3 is out of range for a 3-d value/);
  });
});
