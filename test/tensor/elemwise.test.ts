/**
 * Elemwise: building nodes (static-shape broadcasting, rank padding with
 * DimShuffle, arity/type/dtype errors) and the reference `perform`
 * (broadcasting, strided inputs, run-time shape errors that point at the
 * node, output buffer reuse).
 */
import { describe, it, expect } from 'vitest';
import * as T from '../../src/tensor/index.js';
import * as S from '../../src/scalar/ops.js';
import { Elemwise, elemwiseOf } from '../../src/tensor/elemwise.js';
import { DimShuffle } from '../../src/tensor/dimshuffle.js';
import { TensorType } from '../../src/tensor/type.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import type { Apply } from '../../src/graph/apply.js';
import type { Variable } from '../../src/graph/variable.js';
import { array, arange } from '../../src/ndarray/create.js';
import { NDArray } from '../../src/ndarray/ndarray.js';
import { DTypeError, ShapeError } from '../../src/errors.js';
import { expectAllClose } from '../helpers/allclose.js';
import { thrown } from '../helpers/assertions.js';

/** The Elemwise node that produced `v`. */
const nodeOf = (v: TensorVariable): Apply => {
  expect(v.owner).not.toBeNull();
  expect(v.owner!.op).toBeInstanceOf(Elemwise);
  return v.owner!;
};

/**
 * The values of `node`'s inputs as a VM would hand them over: graph inputs
 * from `given`, padded inputs through their DimShuffle's own perform.
 */
function inputValues(node: Apply, given: Map<Variable, NDArray>): NDArray[] {
  const valueOf = (v: Variable): NDArray => {
    const known = given.get(v);
    if (known !== undefined) return known;
    const owner = v.owner;
    if (owner === null || !(owner.op instanceof DimShuffle)) throw new Error(`no value for ${v}`);
    const cells = [{ value: undefined as unknown }];
    owner.op.perform(owner, owner.inputs.map(valueOf), cells);
    return cells[0]!.value as NDArray;
  };
  return node.inputs.map(valueOf);
}

/** Runs the Elemwise node of `out` on values for its graph inputs (in a fresh output cell unless one is given). */
function perform(out: TensorVariable, given: [Variable, NDArray][], cells: { value: unknown }[] = [{ value: undefined }]): NDArray {
  const node = nodeOf(out);
  node.op.perform(node, inputValues(node, new Map(given)), cells);
  return cells[0]!.value as NDArray;
}

describe('Elemwise.makeNode', () => {
  it('one Elemwise per scalar op, named after it', () => {
    expect(elemwiseOf(S.add)).toBe(elemwiseOf(S.add));
    expect(elemwiseOf(S.add).name).toBe('Elemwise{add}');
    expect(String(elemwiseOf(S.trueDiv))).toBe('Elemwise{trueDiv}');
    expect(elemwiseOf(S.add).equals(new Elemwise(S.add))).toBe(true);
    expect(elemwiseOf(S.add).equals(elemwiseOf(S.mul))).toBe(false);
  });

  it('broadcasts static shapes: 1 stretches, null stays unknown, known lengths win', () => {
    const cases: [(number | null)[], (number | null)[], (number | null)[]][] = [
      [[1, null], [null, null], [null, null]], // row + matrix
      [[null, 1], [1, null], [null, null]], // col + row
      [[2, 1], [1, 3], [2, 3]],
      [[1, 1], [1, 1], [1, 1]],
      [[null], [5], [5]],
      [[1], [null], [null]],
      [[1], [7], [7]],
      [[4, null], [null, 6], [4, 6]],
      [[0], [1], [0]],
    ];
    for (const [a, b, want] of cases) {
      const out = T.add(T.tensor('float64', a, 'a'), T.tensor('float64', b, 'b'));
      expect(out.type.shape, `${JSON.stringify(a)} + ${JSON.stringify(b)}`).toEqual(want);
    }
    expect(T.add(T.row('r'), T.matrix('m')).broadcastable).toEqual([false, false]);
    expect(T.add(T.row('r'), T.row('s')).broadcastable).toEqual([true, false]);
  });

  it('refuses static shapes that cannot broadcast, naming the op and the shapes', () => {
    const e = thrown(() => T.mul(T.tensor('float32', [2, 3], 'a'), T.tensor('float32', [4, 3], 'b')));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toContain('mul');
    expect(e.message).toContain('(2, 3)');
    expect(e.message).toContain('(4, 3)');
    expect(e.message).toContain('axis 0');
  });

  it('pads lower-rank inputs on the left with broadcastable axes (a DimShuffle)', () => {
    const s = T.scalar('s');
    const t3 = T.tensor3('t');
    const node = nodeOf(T.add(s, t3));
    expect(node.outputs[0]!.type).toEqual(new TensorType('float64', [null, null, null]));
    const padded = node.inputs[0]!;
    expect((padded.type as TensorType).shape).toEqual([1, 1, 1]);
    expect(padded.owner!.op).toBeInstanceOf(DimShuffle);
    expect((padded.owner!.op as DimShuffle).pattern).toEqual(['x', 'x', 'x']);
    expect(padded.owner!.inputs[0]).toBe(s);
    expect(node.inputs[1]).toBe(t3);

    const v = T.tensor('float64', [3], 'v');
    const m = T.matrix('m');
    const n2 = nodeOf(T.mul(m, v));
    expect((n2.inputs[1]!.type as TensorType).shape).toEqual([1, 3]);
    expect((n2.inputs[1]!.owner!.op as DimShuffle).pattern).toEqual(['x', 0]);
    expect(n2.outputs[0]!.type.equals(new TensorType('float64', [null, 3]))).toBe(true);
  });

  it('checks the number of inputs', () => {
    const x = T.vector('x');
    const e = thrown(() => elemwiseOf(S.add).makeNode(x));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toContain('add takes 2 inputs, got 1');
    expect(() => elemwiseOf(S.exp).makeNode(x, x)).toThrow(/exp takes 1 input, got 2/);
    expect(() => elemwiseOf(S.clip).makeNode(x, x)).toThrow(/clip takes 3 inputs, got 2/);
  });

  it('checks that inputs are tensor variables', () => {
    const notTensor = { type: 'nope' } as unknown as Variable;
    const e = thrown(() => elemwiseOf(S.add).makeNode(T.vector('x'), notTensor));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message).toContain('input 1 of add must be a tensor variable');
  });

  it('DTypeError messages name the op and the input dtypes', () => {
    const b = T.tensor('bool', [null], 'b');
    const e1 = thrown(() => T.sub(b, b));
    expect(e1).toBeInstanceOf(DTypeError);
    expect(e1.message).toContain('sub(bool, bool)');
    expect(e1.message).toContain('xor');
    const e2 = thrown(() => T.neg(b));
    expect(e2).toBeInstanceOf(DTypeError);
    expect(e2.message).toContain('neg(bool)');
    const e3 = thrown(() => T.and(T.vector('f'), T.ivector('i')));
    expect(e3).toBeInstanceOf(DTypeError);
    expect(e3.message).toMatch(/^and\(float64, int32\)/);
  });

  it('output dtype comes from the scalar op', () => {
    expect(T.add(T.bvector('a'), T.fvector('b')).dtype).toBe('float32');
    expect(T.lt(T.dvector('a'), T.dvector('b')).dtype).toBe('bool');
    expect(T.switch(T.bvector('c'), T.ivector('a'), T.wvector('b')).dtype).toBe('int32');
  });
});

describe('Elemwise.perform', () => {
  it('row + matrix', () => {
    const r = T.row('r');
    const m = T.matrix('m');
    const out = perform(T.add(r, m), [
      [r, array([[10, 20, 30]])],
      [m, array([[1, 2, 3], [4, 5, 6]])],
    ]);
    expect(out.shape).toEqual([2, 3]);
    expect(out.dtype).toBe('float64');
    expectAllClose(out, [[11, 22, 33], [14, 25, 36]]);
  });

  it('col + row gives the outer sum', () => {
    const c = T.col('c');
    const r = T.row('r');
    const out = perform(T.add(c, r), [
      [c, array([[1], [2], [3]])],
      [r, array([[10, 20, 30, 40]])],
    ]);
    expect(out.shape).toEqual([3, 4]);
    expectAllClose(out, [
      [11, 21, 31, 41],
      [12, 22, 32, 42],
      [13, 23, 33, 43],
    ]);
  });

  it('0-d + tensor3 (through the padding DimShuffle)', () => {
    const s = T.scalar('s', 'int32');
    const t = T.tensor3('t', 'int32');
    const out = perform(T.mul(s, t), [
      [s, array(3, { dtype: 'int32' })],
      [t, arange(24, undefined, 1, 'int32').reshape([2, 3, 4])],
    ]);
    expect(out.shape).toEqual([2, 3, 4]);
    expect(out.dtype).toBe('int32');
    expect(out.toArray()).toEqual(arange(0, 72, 3).reshape([2, 3, 4]).toArray());
  });

  it('vector padded against a matrix broadcasts along rows', () => {
    const v = T.vector('v');
    const m = T.matrix('m');
    const out = perform(T.sub(m, v), [
      [v, array([1, 2, 3])],
      [m, array([[1, 1, 1], [5, 5, 5]])],
    ]);
    expectAllClose(out, [[0, -1, -2], [4, 3, 2]]);
  });

  it('non-contiguous inputs: transposed views, strided views with an offset', () => {
    const a = T.matrix('a');
    const b = T.matrix('b');
    const base = array([[1, 2, 3], [4, 5, 6]]);
    const at = base.transpose(); // (3, 2), strides (1, 3)
    expect(at.isContiguous()).toBe(false);
    const bv = array([[10, 20], [30, 40], [50, 60]]);
    expectAllClose(perform(T.add(a, b), [[a, at], [b, bv]]), [[11, 24], [32, 45], [53, 66]]);
    // Both transposed.
    expectAllClose(perform(T.mul(a, b), [[a, at], [b, at]]), [[1, 16], [4, 25], [9, 36]]);
    // Every other element of a buffer, starting at index 1: [[1, 3], [5, 7]].
    const strided = new NDArray(new Float64Array([0, 1, 2, 3, 4, 5, 6, 7]), 'float64', [2, 2], [4, 2], 1);
    expectAllClose(perform(T.add(a, b), [[a, strided], [b, array([[0, 0], [0, 100]])]]), [[1, 3], [5, 107]]);
  });

  it('a transposed input broadcast against a row', () => {
    const m = T.matrix('m');
    const r = T.row('r');
    const out = perform(T.trueDiv(m, r), [
      [m, array([[2, 4], [6, 8], [10, 12]]).transpose()],
      [r, array([[1, 2, 4]])],
    ]);
    expectAllClose(out, [[2, 3, 2.5], [4, 4, 3]]);
  });

  it('writes the output dtype with its store conversion (float32 result rounded, bool 0/1)', () => {
    const a = T.fvector('a');
    const out = perform(T.add(a, a), [[a, array([0.1, 1e38 * 3], { dtype: 'float32' })]]);
    expect(out.dtype).toBe('float32');
    expect(Array.from(out.data)).toEqual([Math.fround(0.2), Infinity]);
    const x = T.vector('x');
    const y = T.vector('y');
    const lt = perform(T.lt(x, y), [[x, array([1, -1, 0])], [y, array([2, -2, 0])]]);
    expect(lt.dtype).toBe('bool');
    expect(Array.from(lt.data)).toEqual([1, 0, 0]);
  });

  it('empty arrays give empty results', () => {
    const a = T.matrix('a');
    const r = T.row('r');
    const out = perform(T.add(a, r), [
      [a, NDArray.empty('float64', [0, 3])],
      [r, array([[1, 2, 3]])],
    ]);
    expect(out.shape).toEqual([0, 3]);
  });

  it('a run-time shape mismatch throws a ShapeError naming the op, both shapes and where the node was built', () => {
    const a = T.matrix('a');
    const b = T.matrix('b');
    const sum = T.add(a, b);
    const e = thrown(() => perform(sum, [[a, array([[1, 2, 3], [4, 5, 6]])], [b, NDArray.empty('float64', [2, 4])]]));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toContain('Elemwise{add}');
    expect(e.message).toContain('(2, 3)');
    expect(e.message).toContain('(2, 4)');
    expect(e.message).toContain('axis 1');
    expect(e.message).toContain('node built at');
    expect(e.message).toContain('elemwise.test.ts'); // the user frame that built the node
  });

  it('a length-1 axis that is not broadcastable in the graph does not stretch (PyTensor rule) and the error says why', () => {
    const a = T.matrix('a'); // static shape (?, ?): nothing broadcasts
    const b = T.matrix('b');
    const e = thrown(() => perform(T.mul(a, b), [[a, array([[1, 2, 3]])], [b, NDArray.empty('float64', [4, 3])]]));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toContain('(1, 3)');
    expect(e.message).toContain('(4, 3)');
    expect(e.message).toContain('not broadcastable');
    expect(e.message).toMatch(/T\.row|broadcastable/);
    expect(e.message).toContain("Input 0's axis 0 has length 1");
    // The same values work once the graph says the axis broadcasts.
    const r = T.row('r');
    expect(perform(T.mul(r, b), [[r, array([[1, 2, 3]])], [b, NDArray.empty('float64', [4, 3])]]).shape).toEqual([4, 3]);
  });

  it('the length-1 input may come second', () => {
    const a = T.vector('a');
    const b = T.vector('b');
    const e = thrown(() => perform(T.add(a, b), [[a, array([1, 2, 3])], [b, array([1])]]));
    expect(e).toBeInstanceOf(ShapeError);
    expect(e.message).toContain("Input 1's axis 0 has length 1");
  });

  it('reuses the output buffer when shape and dtype match, allocates a new one otherwise', () => {
    const a = T.matrix('a');
    const b = T.matrix('b');
    const out = T.add(a, b);
    const cells: { value: unknown }[] = [{ value: undefined }];
    const first = perform(out, [[a, array([[1, 2], [3, 4]])], [b, array([[10, 20], [30, 40]])]], cells);
    expectAllClose(first, [[11, 22], [33, 44]]);

    const second = perform(out, [[a, array([[0, 0], [0, 1]])], [b, array([[1, 1], [1, 1]])]], cells);
    expect(second).toBe(first); // same NDArray, overwritten
    expectAllClose(second, [[1, 1], [1, 2]]);

    const third = perform(out, [[a, array([[1, 2, 3]])], [b, array([[1, 1, 1]])]], cells);
    expect(third).not.toBe(first); // new shape, new buffer
    expect(third.shape).toEqual([1, 3]);
    expectAllClose(third, [[2, 3, 4]]);
    expectAllClose(first, [[1, 1], [1, 2]]); // the old buffer is untouched

    // A left-over value of another dtype, or a non-contiguous view, is not reused.
    const stale = NDArray.empty('float32', [1, 3]);
    cells[0]!.value = stale;
    const fourth = perform(out, [[a, array([[1, 2, 3]])], [b, array([[1, 1, 1]])]], cells);
    expect(fourth).not.toBe(stale);
    expect(fourth.dtype).toBe('float64');
    expectAllClose(fourth, [[2, 3, 4]]);

    const transposed = NDArray.empty('float64', [3, 3]).transpose();
    expect(transposed.isContiguous()).toBe(false);
    cells[0]!.value = transposed;
    const nine = array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    const fifth = perform(out, [[a, nine], [b, NDArray.empty('float64', [3, 3])]], cells);
    expect(fifth).not.toBe(transposed);
    expect(fifth.isContiguous()).toBe(true);
    expectAllClose(fifth, nine);
  });
});
