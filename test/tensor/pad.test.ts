/** numpy's pad (constant, edge, reflect, symmetric) against numpy's values; gradients; errors. */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { pad, type PadMode } from '../../src/tensor/pad.js';
import type { TensorVariable } from '../../src/tensor/variable.js';

const T = th.tensor;
const NUMPY = {"constant": [[0.0, 0.0, 1.0, 2.0, 3.0, 0.0, 0.0, 0.0], [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 3.0, 4.0, 5.0, 0.0, 0.0]], [0.0, 0.0, 7.0, 0.0]], "edge": [[1.0, 1.0, 1.0, 2.0, 3.0, 3.0, 3.0, 3.0], [[0.0, 0.0, 0.0, 1.0, 2.0, 2.0, 2.0], [0.0, 0.0, 0.0, 1.0, 2.0, 2.0, 2.0], [3.0, 3.0, 3.0, 4.0, 5.0, 5.0, 5.0]], [7.0, 7.0, 7.0, 7.0]], "reflect": [[3.0, 2.0, 1.0, 2.0, 3.0, 2.0, 1.0, 2.0], [[5.0, 4.0, 3.0, 4.0, 5.0, 4.0, 3.0], [2.0, 1.0, 0.0, 1.0, 2.0, 1.0, 0.0], [5.0, 4.0, 3.0, 4.0, 5.0, 4.0, 3.0]], [7.0, 7.0, 7.0, 7.0]], "symmetric": [[2.0, 1.0, 1.0, 2.0, 3.0, 3.0, 2.0, 1.0], [[1.0, 0.0, 0.0, 1.0, 2.0, 2.0, 1.0], [1.0, 0.0, 0.0, 1.0, 2.0, 2.0, 1.0], [4.0, 3.0, 3.0, 4.0, 5.0, 5.0, 4.0]], [7.0, 7.0, 7.0, 7.0]], "cval": [-1.0, 1.0, 2.0, 3.0, -1.0]} as Record<string, unknown[]>;

describe.each(['constant', 'edge', 'reflect', 'symmetric'] as PadMode[])('pad %s', (mode) => {
  it('matches numpy on a vector, a matrix and a single entry', () => {
    const v = T.dvector('v');
    const m = T.dmatrix('m');
    const f = th.function([v, m], [pad(v, [2, 3], { mode }), pad(m, [[1, 0], [2, 2]], { mode })]);
    const [a, b] = f([1, 2, 3], [[0, 1, 2], [3, 4, 5]]);
    expect(a!.toArray()).toEqual(NUMPY[mode]![0]);
    expect(b!.toArray()).toEqual(NUMPY[mode]![1]);
    expect(th.function([v], pad(v, [2, 1], { mode }))([7]).toArray()).toEqual(NUMPY[mode]![2]);
  });

  it('has gradients (repeated entries accumulate)', () => {
    th.gradient.verifyGrad((x: TensorVariable) => pad(x, [[1, 2], [2, 1]], { mode }).pow(2).sum(), [th.array([[0.5, -1, 2], [0.3, 1.5, -0.7]])]);
  });
});

describe('pad options and errors', () => {
  it('takes a constant value and a single width for every side', () => {
    const v = T.dvector('v');
    expect(th.function([v], pad(v, 1, { constantValue: -1 }))([1, 2, 3]).toArray()).toEqual(NUMPY.cval);
  });
  it('names bad widths and modes', () => {
    const v = T.dvector('v');
    expect(() => pad(v, -1)).toThrow(/widths are non-negative integers, got -1/);
    expect(() => pad(T.dmatrix('m'), [[1, 1]] as never)).toThrow(/one \[before, after\] pair per axis \(2\), got 1/);
    expect(() => pad(v, 1, { mode: 'wrap' as PadMode })).toThrow(/mode must be 'constant', 'edge', 'reflect' or 'symmetric'/);
  });
});
