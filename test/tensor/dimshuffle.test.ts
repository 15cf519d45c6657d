/**
 * DimShuffle and transpose: static types, patterns with 'x', dropping
 * broadcastable axes, errors for bad patterns, view semantics of perform,
 * inferShape, and compiled values.
 */
import { describe, it, expect } from 'vitest';
import * as th from '../../src/index.js';
import * as T from '../../src/tensor/index.js';
import { DimShuffle, dimshuffle, transpose } from '../../src/tensor/dimshuffle.js';
import { TensorVariable } from '../../src/tensor/variable.js';
import { array, arange } from '../../src/ndarray/create.js';
import { NDArray } from '../../src/ndarray/ndarray.js';
import type { Apply } from '../../src/graph/apply.js';
import { ShapeError } from '../../src/errors.js';
import { expectAllClose } from '../helpers/allclose.js';

/** Runs the node of `v` directly on input values. */
function perform(v: TensorVariable, ...inputs: NDArray[]): NDArray {
  const node: Apply = v.owner!;
  const cells = node.outputs.map(() => ({ value: undefined as unknown }));
  node.op.perform(node, inputs, cells);
  return cells[0]!.value as NDArray;
}

const A234 = arange(24, undefined, 1, 'float64').reshape([2, 3, 4]);

describe('DimShuffle: static types', () => {
  it('reorders axes and keeps dtype', () => {
    const x = T.tensor('float32', [2, null, 4], 'x');
    const y = x.dimshuffle(2, 0, 1);
    expect(y.owner!.op).toBeInstanceOf(DimShuffle);
    expect(y.dtype).toBe('float32');
    expect(y.staticShape).toEqual([4, 2, null]);
  });

  it("'x' inserts broadcastable axes anywhere", () => {
    const v = T.dvector('v');
    expect(v.dimshuffle('x', 0).staticShape).toEqual([1, null]);
    expect(v.dimshuffle(0, 'x').staticShape).toEqual([null, 1]);
    expect(v.dimshuffle('x', 0, 'x').broadcastable).toEqual([true, false, true]);
    const s = T.dscalar('s');
    expect(s.dimshuffle('x', 'x').staticShape).toEqual([1, 1]);
    expect(T.dmatrix('m').dimshuffle(1, 'x', 0).staticShape).toEqual([null, 1, null]);
  });

  it('drops broadcastable axes', () => {
    const r = T.drow('r');
    expect(r.dimshuffle(1).staticShape).toEqual([null]);
    const c = T.dcol('c');
    expect(c.dimshuffle(0).staticShape).toEqual([null]);
    const t = T.tensor('float64', [1, 1], 't');
    expect(t.dimshuffle().staticShape).toEqual([]);
    expect(T.tensor('float64', [3, 1, null]).dimshuffle(2, 'x', 0).staticShape).toEqual([null, 1, 3]);
  });

  it('refuses to drop an axis that is not broadcastable, naming it', () => {
    const m = T.dmatrix('m');
    expect(() => m.dimshuffle(0)).toThrow(ShapeError);
    expect(() => m.dimshuffle(0)).toThrow(/drops axis 1 of m \(static shape \(\?, \?\)\); only broadcastable axes can be dropped/);
    const t = T.tensor('float64', [2, 1]);
    expect(() => t.dimshuffle(1)).toThrow(/drops axis 0/);
  });

  it('refuses bad patterns: out-of-range, negative, repeated, non-integer axes, wrong rank', () => {
    const m = T.dmatrix('m');
    expect(() => m.dimshuffle(0, 2)).toThrow(ShapeError);
    expect(() => m.dimshuffle(0, 2)).toThrow(/2 is not an axis of a 2-d input/);
    expect(() => m.dimshuffle(-1, 0)).toThrow(/-1 is not an axis/);
    expect(() => m.dimshuffle(0, 0)).toThrow(/repeats an axis/);
    expect(() => m.dimshuffle(0.5 as never, 1)).toThrow(ShapeError);
    expect(() => m.dimshuffle('y' as never, 0, 1)).toThrow(ShapeError);
    expect(() => new DimShuffle(2, [1, 0]).makeNode(T.dvector('v'))).toThrow(/expects a 2-d input, got 1-d v/);
    expect(() => new DimShuffle(1, [0]).makeNode(new th.graph.Variable(T.dvector().type))).toThrow(TypeError);
  });

  it('the identity pattern returns the variable itself', () => {
    const m = T.dmatrix('m');
    expect(m.dimshuffle(0, 1)).toBe(m);
    expect(dimshuffle(m, [0, 1])).toBe(m);
  });

  it('toString shows the pattern', () => {
    expect(String(T.dmatrix().dimshuffle(1, 'x', 0).owner!.op)).toBe('DimShuffle{1,x,0}');
  });
});

describe('DimShuffle.perform', () => {
  it('returns a view sharing the input storage (numpy transpose/expand_dims values)', () => {
    const x = T.dtensor3('x');
    const y = x.dimshuffle(2, 'x', 0, 1);
    const out = perform(y, A234);
    expect(out.shape).toEqual([4, 1, 2, 3]);
    expect(out.data).toBe(A234.data);
    // np.arange(24).reshape(2,3,4).transpose(2,0,1)[:, None]
    expect(out.get(1, 0, 1, 2)).toBe(A234.get(1, 2, 1));
    expect(out.get(3, 0, 0, 1)).toBe(7);
    expect(out.toArray()).toEqual([
      [[[0, 4, 8], [12, 16, 20]]],
      [[[1, 5, 9], [13, 17, 21]]],
      [[[2, 6, 10], [14, 18, 22]]],
      [[[3, 7, 11], [15, 19, 23]]],
    ]);
  });

  it('declares itself a view of its input', () => {
    const op = T.dmatrix().T.owner!.op;
    expect(op.viewMap).toEqual({ 0: [0] });
    expect(op.destroyMap).toEqual({});
  });

  it('drops length-1 axes at run time', () => {
    const r = T.drow('r');
    const out = perform(r.dimshuffle(1), array([[1, 2, 3]]));
    expect(out.shape).toEqual([3]);
    expect(out.toArray()).toEqual([1, 2, 3]);
  });

  it('works on non-contiguous inputs (a transposed view)', () => {
    const m = T.dmatrix('m');
    const base = arange(6, undefined, 1, 'float64').reshape([2, 3]);
    const view = base.T; // (3, 2), non-contiguous
    const out = perform(m.dimshuffle('x', 1, 0), view);
    expect(out.shape).toEqual([1, 2, 3]);
    expect(out.toArray()).toEqual([
      [
        [0, 1, 2],
        [3, 4, 5],
      ],
    ]);
    expect(out.data).toBe(base.data);
  });

  it('compiled: values match numpy, and the output does not alias the caller data', () => {
    const x = T.dtensor3('x');
    const f = th.function([x], x.dimshuffle(1, 'x', 2, 0));
    const out = f(A234);
    expect(out.shape).toEqual([3, 1, 4, 2]);
    // np.arange(24).reshape(2,3,4).transpose(1,2,0)[:, None]
    expect(out.get(2, 0, 3, 1)).toBe(23);
    expect(out.get(1, 0, 0, 1)).toBe(16);
    expect(out.data).not.toBe(A234.data);
  });
});

describe('DimShuffle.inferShape', () => {
  it('gives input lengths in pattern order and 1 for x', () => {
    const r = T.tensor('float64', [null, 1, null]);
    const z = r.dimshuffle(2, 'x', 0);
    const shapes = T.symbolicShape(r);
    const inferred = z.owner!.op.inferShape!(z.owner!, [shapes])[0]!;
    expect(inferred).toHaveLength(3);
    expect(inferred[0]).toBe(shapes[2]);
    expect(inferred[2]).toBe(shapes[0]);
    const f = th.function([r], inferred as TensorVariable[], { onUnusedInput: 'ignore' });
    const value = [[[1, 2, 3, 4, 5]], [[6, 7, 8, 9, 10]]];
    expect(f(value).map(Number)).toEqual([5, 1, 2]);
    expect(th.function([r], z)(value).shape).toEqual([5, 1, 2]);
  });
});

describe('transpose', () => {
  it('reverses axes by default (x.T)', () => {
    const x = T.tensor('float64', [2, null, 4]);
    expect(x.T.staticShape).toEqual([4, null, 2]);
    expect(transpose(x).staticShape).toEqual([4, null, 2]);
    expect((x.T.owner!.op as DimShuffle).pattern).toEqual([2, 1, 0]);
    const f = th.function([x], x.T);
    const out = f(A234);
    expect(out.shape).toEqual([4, 3, 2]);
    expect(out.get(3, 2, 1)).toBe(23);
    expect(out.get(1, 2, 0)).toBe(9);
  });

  it('takes custom axes, negative ones counting from the end', () => {
    const x = T.dtensor3('x');
    const a = x.transpose([1, 0, 2]);
    const b = x.transpose([-2, -3, -1]);
    expect((a.owner!.op as DimShuffle).pattern).toEqual([1, 0, 2]);
    expect(a.owner!.op.equals(b.owner!.op)).toBe(true);
    const out = th.function([x], b)(A234);
    expect(out.shape).toEqual([3, 2, 4]);
    // np.arange(24).reshape(2,3,4).transpose(1,0,2)[2,1] = [20..23]
    expect(out.toArray()).toEqual([
      [
        [0, 1, 2, 3],
        [12, 13, 14, 15],
      ],
      [
        [4, 5, 6, 7],
        [16, 17, 18, 19],
      ],
      [
        [8, 9, 10, 11],
        [20, 21, 22, 23],
      ],
    ]);
  });

  it('of vectors and scalars is the identity', () => {
    const v = T.dvector('v');
    expect(v.T).toBe(v);
    const s = T.dscalar('s');
    expect(s.T).toBe(s);
  });

  it('refuses axes that are not a permutation', () => {
    const x = T.dtensor3('x');
    expect(() => x.transpose([0, 1])).toThrow(ShapeError);
    expect(() => x.transpose([0, 1])).toThrow(/not a permutation of the 3 axes of x/);
    expect(() => x.transpose([0, 0, 1])).toThrow(ShapeError);
    expect(() => x.transpose([0, 1, 3])).toThrow(ShapeError);
    expect(() => x.transpose([0, 1, -4])).toThrow(ShapeError);
    expect(() => x.transpose([0, 1, 2, 3])).toThrow(ShapeError);
    expect(() => x.transpose([0, 1, 1.5])).toThrow(ShapeError);
  });

  it('keeps broadcastable axes in their new place', () => {
    const r = T.drow('r');
    expect(r.T.staticShape).toEqual([null, 1]);
    expect(r.T.type.equals(T.dcol().type)).toBe(true);
  });

  it('transposing twice gives back the values', () => {
    const m = T.dmatrix('m');
    const M = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    expectAllClose(th.function([m], m.T.T)(M), M);
  });
});
