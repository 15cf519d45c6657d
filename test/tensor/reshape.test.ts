/**
 * reshape, flatten, shapePadleft/right, specifyShape, addbroadcast and
 * unbroadcast: numpy's results (generated once by numpy, below), views and
 * copies, symbolic shapes, static and inferred shapes, gradients and errors,
 * under both linkers and DebugMode.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { addbroadcast, flatten, reshape, shapePadleft, shapePadright, specifyShape, unbroadcast, Reshape } from '../../src/tensor/reshape.js';
import { shape as shapeOf, shapeI } from '../../src/tensor/shape.js';
import { MODES, MODE_NAMES, input, runCase, type Build, type Case } from '../helpers/numpyCases.js';
import type { TensorVariable } from '../../src/tensor/variable.js';

const T = th.tensor;

/** numpy: x = arange(size).reshape(shape) (+100 per input; transposed when T), then the op. */
const CASES: Case[] = [
  {"op":"reshape","shapes":[[2,3,4]],"T":false,"args":[[4,-1]],"out":{"shape":[4,6],"data":[0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0,9.0,10.0,11.0,12.0,13.0,14.0,15.0,16.0,17.0,18.0,19.0,20.0,21.0,22.0,23.0]}},
  {"op":"reshape","shapes":[[6]],"T":false,"args":[[2,3]],"out":{"shape":[2,3],"data":[0.0,1.0,2.0,3.0,4.0,5.0]}},
  {"op":"reshape","shapes":[[2,3]],"T":false,"args":[[-1]],"out":{"shape":[6],"data":[0.0,1.0,2.0,3.0,4.0,5.0]}},
  {"op":"reshape","shapes":[[2,3,4]],"T":true,"args":[[4,3,2]],"out":{"shape":[4,3,2],"data":[0.0,12.0,4.0,16.0,8.0,20.0,1.0,13.0,5.0,17.0,9.0,21.0,2.0,14.0,6.0,18.0,10.0,22.0,3.0,15.0,7.0,19.0,11.0,23.0]}},
  {"op":"reshape","shapes":[[3,4]],"T":true,"args":[[2,-1,2]],"out":{"shape":[2,3,2],"data":[0.0,4.0,8.0,1.0,5.0,9.0,2.0,6.0,10.0,3.0,7.0,11.0]}},
  {"op":"reshape","shapes":[[]],"T":false,"args":[[1,1]],"out":{"shape":[1,1],"data":[0.0]}},
  {"op":"reshape","shapes":[[0,3]],"T":false,"args":[[3,0]],"out":{"shape":[3,0],"data":[]}},
  {"op":"reshape","shapes":[[1]],"T":false,"args":[[]],"out":{"shape":[],"data":[0.0]}},
  {"op":"reshape","shapes":[[2,3]],"T":false,"args":[[4,-1]],"out":{"error":"ValueError"}},
  {"op":"reshape","shapes":[[2,3]],"T":false,"args":[[7]],"out":{"error":"ValueError"}},
  {"op":"reshape","shapes":[[5,2]],"T":true,"args":[[-1]],"out":{"shape":[10],"data":[0.0,2.0,4.0,6.0,8.0,1.0,3.0,5.0,7.0,9.0]}},
  {"op":"flatten","shapes":[[2,3,4]],"T":false,"args":[1],"out":{"shape":[24],"data":[0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0,9.0,10.0,11.0,12.0,13.0,14.0,15.0,16.0,17.0,18.0,19.0,20.0,21.0,22.0,23.0]}},
  {"op":"flatten","shapes":[[2,3,4]],"T":true,"args":[2],"out":{"shape":[4,6],"data":[0.0,12.0,4.0,16.0,8.0,20.0,1.0,13.0,5.0,17.0,9.0,21.0,2.0,14.0,6.0,18.0,10.0,22.0,3.0,15.0,7.0,19.0,11.0,23.0]}},
  {"op":"flatten","shapes":[[2,3,4]],"T":false,"args":[3],"out":{"shape":[2,3,4],"data":[0.0,1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0,9.0,10.0,11.0,12.0,13.0,14.0,15.0,16.0,17.0,18.0,19.0,20.0,21.0,22.0,23.0]}},
  {"op":"flatten","shapes":[[5]],"T":false,"args":[1],"out":{"shape":[5],"data":[0.0,1.0,2.0,3.0,4.0]}},
  {"op":"flatten","shapes":[[2,3]],"T":true,"args":[2],"out":{"shape":[3,2],"data":[0.0,3.0,1.0,4.0,2.0,5.0]}},
  {"op":"flatten","shapes":[[]],"T":false,"args":[1],"out":{"shape":[1],"data":[0.0]}},
];

const BUILD: Record<string, Build> = {
  reshape: ([x], [shape]) => reshape(x!, shape),
  flatten: ([x], [ndim]) => flatten(x!, ndim),
};

describe.each(MODE_NAMES)('reshape and flatten (%s)', (mode) => {
  it(`give numpy's results for ${CASES.length} generated cases (and its errors)`, () => {
    for (const c of CASES) for (const s of [false, true]) runCase(c, BUILD[c.op]!, mode, s);
  });

  it('take symbolic shapes: integer scalars, -1 among them, and shape vectors', () => {
    const x = T.dmatrix('x');
    const [a, b] = T.lscalars('a', 'b');
    const y = T.dtensor3('y');
    const r1 = reshape(x, [a, b]);
    const r2 = reshape(x, [b, -1, 1]);
    const r3 = reshape(x, shapeOf(y));
    expect(r2.type.shape).toEqual([null, null, 1]);
    const f = th.function([x, a, b, y], [r1, r2, r3, shapeI(r1, 1), shapeI(r2, 1), shapeI(r3, 2)], { mode: MODES[mode]() });
    const v = input([2, 6], 0, false);
    const [o1, o2, o3, n1, n2, n3] = f(v, 3, 4, th.zeros([1, 4, 3], 'float64'));
    expect(o1!.shape).toEqual([3, 4]);
    expect(o2!.shape).toEqual([4, 3, 1]);
    expect(o3!.shape).toEqual([1, 4, 3]);
    expect(Array.from(o3!.flatData())).toEqual(Array.from(v.flatData()));
    expect([Number(n1), Number(n2), Number(n3)]).toEqual([4, 3, 3]);
    // A symbolic length that is -1 at run time.
    const [p, , , , m] = f(v, -1, 4, th.zeros([1, 4, 3], 'float64'));
    expect(p!.shape).toEqual([3, 4]);
    expect(Number(m)).toBe(3);
    expect(() => f(v, 5, 4, th.zeros([1, 4, 3], 'float64'))).toThrow(/cannot reshape an array of shape \(2, 6\) \(size 12\) into shape \(5, 4\)/);
  });

  it('keeps dtypes, and views of the input stay intact across calls', () => {
    for (const dtype of ['float32', 'int32', 'int64', 'bool', 'uint8'] as const) {
      const x = T.tensor(dtype, [null, null, null], 'x');
      const f = th.function([x], [reshape(x, [-1, 2]), flatten(x, 2), reshape(x.T, [-1])], { mode: MODES[mode]() });
      const v = input([2, 3, 2], 0, false, dtype);
      const [a, b, c] = f(v) as th.NDArray[];
      f(th.zeros([2, 3, 2], dtype));
      expect(a!.dtype).toBe(dtype);
      expect(a!.toArray()).toEqual(v.reshape([6, 2]).toArray());
      expect(b!.toArray()).toEqual(v.reshape([2, 6]).toArray());
      expect(c!.toArray()).toEqual(v.T.copy().reshape([12]).toArray());
    }
  });

  it('shapePadleft, shapePadright, specifyShape, addbroadcast and unbroadcast', () => {
    const x = T.dmatrix('x');
    const n = T.lscalar('n');
    const outs = [shapePadleft(x, 2), shapePadright(x), specifyShape(x, [1, n]), addbroadcast(x, 0), unbroadcast(addbroadcast(x, 0))];
    expect(outs.map((o) => o.type.shape)).toEqual([[1, 1, null, null], [null, null, 1], [1, null], [1, null], [null, null]]);
    const f = th.function([x, n], outs, { mode: MODES[mode]() });
    const v = input([1, 3], 0, false);
    for (const o of f(v, 3)) expect(Array.from(o.flatData())).toEqual([0, 1, 2]);
    expect(() => f(v, 4)).toThrow(/SpecifyShape.*expected shape \(1, 4\), got \(1, 3\): axis 1 has length 3, not 4/);
    const g = th.function([x], addbroadcast(x, 1), { mode: MODES[mode]() });
    expect(() => g(v)).toThrow(/expected shape \(\?, 1\), got \(1, 3\): axis 1 has length 3, not 1/);
  });
});

describe('reshape types, shapes, gradients and errors', () => {
  it('knows static shapes from constant lengths', () => {
    expect(reshape(T.tensor('float64', [2, 3, 4]), [4, -1]).type.shape).toEqual([4, 6]);
    expect(reshape(T.tensor('float64', [2, null]), [4, -1]).type.shape).toEqual([4, null]);
    expect(reshape(T.dmatrix(), [T.lscalar(), 3]).type.shape).toEqual([null, 3]);
    expect(reshape(T.dmatrix(), T.constant(th.array([2, 3], { dtype: 'int64' }))).type.shape).toEqual([2, 3]);
    expect(flatten(T.tensor('float64', [2, 3, 4]), 2).type.shape).toEqual([2, 12]);
    expect(specifyShape(T.dmatrix(), [null, 3]).type.shape).toEqual([null, 3]);
  });

  it('shape inference leaves no Reshape in the graph of a length', () => {
    const x = T.dtensor3('x');
    const r = reshape(x, [-1, 2]);
    const g = th.function([x], shapeI(r, 0));
    expect([...g.maker.fgraph.applyNodes].some((n) => n.op instanceof Reshape)).toBe(false);
    expect(Number(g(th.zeros([2, 3, 4], 'float64')))).toBe(12);
  });

  it('gradients pass through reshape, flatten, pads and specifyShape', () => {
    const pt = th.array([[0.5, -1, 2], [1.5, 0.25, -3]]);
    th.gradient.verifyGrad((x: TensorVariable) => reshape(x, [3, 2]).mul(th.array([[1, 2], [3, 4], [5, 6]])).sum(), [pt]);
    th.gradient.verifyGrad((x: TensorVariable) => reshape(x.T, [-1]).pow(2).sum(), [pt]);
    th.gradient.verifyGrad((x: TensorVariable) => flatten(x).mul(th.array([1, -2, 3, 4, 5, 6])).sum(), [pt]);
    th.gradient.verifyGrad((x: TensorVariable) => shapePadleft(shapePadright(x)).mul(x.sum()).sum(), [pt]);
    th.gradient.verifyGrad((x: TensorVariable) => specifyShape(x, [2, 3]).pow(3).sum(), [pt]);
    th.gradient.verifyGrad((x: TensorVariable) => unbroadcast(x, 0).mul(th.array([[1, 2, 3]])).pow(2).sum(), [th.array([[0.5, -1, 2]])]);
    th.gradient.verifyGrad((x: TensorVariable) => addbroadcast(x, 0).pow(2).sum(), [th.array([[0.5, -1, 2]])]);
  });

  it('is a view of contiguous input and a copy of strided input', () => {
    const x = T.dmatrix('x');
    const node = new Reshape(1).makeNode(x, T.constant(-1, null, 'int64'));
    const run = (v: th.NDArray) => {
      const cell = { value: undefined as unknown };
      node.op.perform(node, [v, th.array(-1, { dtype: 'int64' })], [cell]);
      return cell.value as th.NDArray;
    };
    const v = input([2, 3], 0, false);
    expect(run(v).data).toBe(v.data);
    const t = run(v.T);
    expect(t.data).not.toBe(v.data);
    expect(t.toArray()).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('the R-operator of a reshape is the reshaped direction', () => {
    const x = T.dmatrix('x');
    const v = T.dmatrix('v');
    const r = th.gradient.Rop(specifyShape(reshape(x, [-1, 2]), [3, 2]), x, v) as TensorVariable;
    const f = th.function([x, v], r, { onUnusedInput: 'ignore' });
    expect(f(th.zeros([2, 3], 'float64'), input([2, 3], 0, false)).toArray()).toEqual([[0, 1], [2, 3], [4, 5]]);
  });

  it('errors name the op, what was expected and what was given', () => {
    const x = T.tensor('float64', [2, 3], 'x');
    expect(() => reshape(x, [4, -1])).toThrow(/reshape: cannot reshape x of static shape \(2, 3\) \(size 6\) into shape \(4, -1\)/);
    expect(() => reshape(x, [-1, -1])).toThrow(/only one length can be -1/);
    expect(() => reshape(x, [1.5, 4])).toThrow(/reshape: length 0 must be a non-negative integer \(or -1\), got 1.5/);
    expect(() => reshape(x, [T.dscalar('f')])).toThrow(/reshape: length 0 must be an integer scalar/);
    expect(() => reshape(x, T.lvector('s'))).toThrow(/integer vector of known length/);
    expect(() => flatten(x, 3)).toThrow(/flatten: ndim must be an integer in \[1, 2\].*got 3/);
    expect(() => specifyShape(x, [3, 3])).toThrow(/does not fit the specified length 3 of axis 0/);
    expect(() => specifyShape(x, [3])).toThrow(/is 2-d .* but the shape given has 1 lengths/);
    expect(() => addbroadcast(x, 2)).toThrow(/addbroadcast: axis 2 is out of range for 2-d tensors/);
    expect(() => shapePadleft(x, -1)).toThrow(/non-negative integer/);
  });
});
