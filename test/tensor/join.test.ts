/**
 * concatenate / join, stack and split: numpy's results (generated once by
 * numpy, below), static and inferred shapes, gradients and errors, under
 * both linkers and DebugMode.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { concatenate, join, Join, split, stack } from '../../src/tensor/join.js';
import { shapeI } from '../../src/tensor/shape.js';
import { MODES, MODE_NAMES, input, runCase, type Build, type Case } from '../helpers/numpyCases.js';
import type { TensorVariable } from '../../src/tensor/variable.js';

const T = th.tensor;

/** numpy: x_k = arange(size).reshape(shape) + 100k, then the op. */
const CASES: Case[] = [
  {"op":"concatenate","shapes":[[2,3],[1,3]],"T":false,"args":[0],"out":{"shape":[3,3],"data":[0.0,1.0,2.0,3.0,4.0,5.0,100.0,101.0,102.0]}},
  {"op":"concatenate","shapes":[[2,3],[2,1],[2,2]],"T":false,"args":[1],"out":{"shape":[2,6],"data":[0.0,1.0,2.0,100.0,200.0,201.0,3.0,4.0,5.0,101.0,202.0,203.0]}},
  {"op":"concatenate","shapes":[[2,3],[2,3]],"T":false,"args":[-1],"out":{"shape":[2,6],"data":[0.0,1.0,2.0,100.0,101.0,102.0,3.0,4.0,5.0,103.0,104.0,105.0]}},
  {"op":"concatenate","shapes":[[3],[0],[2]],"T":false,"args":[0],"out":{"shape":[5],"data":[0.0,1.0,2.0,200.0,201.0]}},
  {"op":"concatenate","shapes":[[2,0,2],[2,3,2]],"T":false,"args":[1],"out":{"shape":[2,3,2],"data":[100.0,101.0,102.0,103.0,104.0,105.0,106.0,107.0,108.0,109.0,110.0,111.0]}},
  {"op":"stack","shapes":[[2,3],[2,3]],"T":false,"args":[0],"out":{"shape":[2,2,3],"data":[0.0,1.0,2.0,3.0,4.0,5.0,100.0,101.0,102.0,103.0,104.0,105.0]}},
  {"op":"stack","shapes":[[2,3],[2,3],[2,3]],"T":false,"args":[2],"out":{"shape":[2,3,3],"data":[0.0,100.0,200.0,1.0,101.0,201.0,2.0,102.0,202.0,3.0,103.0,203.0,4.0,104.0,204.0,5.0,105.0,205.0]}},
  {"op":"stack","shapes":[[4],[4]],"T":false,"args":[-1],"out":{"shape":[4,2],"data":[0.0,100.0,1.0,101.0,2.0,102.0,3.0,103.0]}},
  {"op":"stack","shapes":[[],[],[]],"T":false,"args":[0],"out":{"shape":[3],"data":[0.0,100.0,200.0]}},
  {"op":"stack","shapes":[[2,3],[2,3]],"T":false,"args":[1],"out":{"shape":[2,2,3],"data":[0.0,1.0,2.0,100.0,101.0,102.0,3.0,4.0,5.0,103.0,104.0,105.0]}},
  {"op":"split","shapes":[[5,2]],"T":false,"args":[[2,3],0],"out":[{"shape":[2,2],"data":[0.0,1.0,2.0,3.0]},{"shape":[3,2],"data":[4.0,5.0,6.0,7.0,8.0,9.0]}]},
  {"op":"split","shapes":[[2,6]],"T":false,"args":[[1,0,5],1],"out":[{"shape":[2,1],"data":[0.0,6.0]},{"shape":[2,0],"data":[]},{"shape":[2,5],"data":[1.0,2.0,3.0,4.0,5.0,7.0,8.0,9.0,10.0,11.0]}]},
  {"op":"split","shapes":[[3,4,2]],"T":false,"args":[[1,1],2],"out":[{"shape":[3,4,1],"data":[0.0,2.0,4.0,6.0,8.0,10.0,12.0,14.0,16.0,18.0,20.0,22.0]},{"shape":[3,4,1],"data":[1.0,3.0,5.0,7.0,9.0,11.0,13.0,15.0,17.0,19.0,21.0,23.0]}]},
  {"op":"split","shapes":[[4]],"T":false,"args":[[4],0],"out":[{"shape":[4],"data":[0.0,1.0,2.0,3.0]}]},
];

const BUILD: Record<string, Build> = {
  concatenate: (xs, [axis]) => concatenate(xs, axis),
  stack: (xs, [axis]) => stack(xs, axis),
  split: ([x], [sizes, axis]) => split(x!, sizes, axis),
};

describe.each(MODE_NAMES)('concatenate, stack and split (%s)', (mode) => {
  it(`give numpy's results for ${CASES.length} generated cases`, () => {
    for (const c of CASES) for (const s of [false, true]) runCase(c, BUILD[c.op]!, mode, s);
  });

  it('join takes the axis first (Theano), upcasts dtypes, and fresh outputs survive the next call', () => {
    const x = T.imatrix('x');
    const y = T.dmatrix('y');
    const b = T.tensor('bool', [null, null], 'b');
    const f = th.function([x, y, b], [join(1, x, y), concatenate([b, b], 0)], { mode: MODES[mode]() });
    const [j1, c1] = f(th.array([[1], [2]], { dtype: 'int32' }), th.array([[0.5], [1.5]]), th.array([[true, false]]));
    expect(j1!.dtype).toBe('float64');
    expect(c1!.dtype).toBe('bool');
    f(th.array([[7], [8]], { dtype: 'int32' }), th.array([[9], [9]]), th.array([[false, false]]));
    expect(j1!.toArray()).toEqual([[1, 0.5], [2, 1.5]]);
    expect(c1!.toArray()).toEqual([[true, false], [true, false]]);
  });

  it('split takes symbolic sizes and checks that they add up at run time', () => {
    const x = T.dmatrix('x');
    const n = T.lscalar('n');
    const [a, b] = split(x, [n, 2], 1);
    const f = th.function([x, n], [a!, b!, shapeI(a!, 1), shapeI(b!, 1)], { mode: MODES[mode]() });
    const [p, q, np, nq] = f(input([2, 5], 0, false), 3);
    expect(p!.toArray()).toEqual([[0, 1, 2], [5, 6, 7]]);
    expect(q!.toArray()).toEqual([[3, 4], [8, 9]]);
    expect([Number(np), Number(nq)]).toEqual([3, 2]);
    expect(() => f(input([2, 5], 0, false), 2)).toThrow(/SpecifyShape.*axis 1 has length 5, not 4/);
  });

  it('a length mismatch on another axis is a run-time error naming both shapes', () => {
    const x = T.dmatrix('x');
    const y = T.dmatrix('y');
    const g = th.function([x, y], join(0, x, y), { mode: MODES[mode]() });
    expect(() => g(th.zeros([2, 3], 'float64'), th.zeros([1, 2], 'float64'))).toThrow(/Join\{0\}: all axes but 0 must match: input 0 has shape \(2, 3\), input 1 has shape \(1, 2\)/);
  });
});

describe('join types, shapes, gradients and errors', () => {
  it('knows static shapes', () => {
    expect(join(0, T.tensor('float64', [2, null]), T.tensor('float64', [3, 4])).type.shape).toEqual([5, 4]);
    expect(join(1, T.tensor('float64', [2, null]), T.tensor('float64', [null, 4])).type.shape).toEqual([2, null]);
    expect(stack([T.dvector(), T.tensor('float64', [3])], 1).type.shape).toEqual([3, 2]);
    expect(split(T.tensor('float64', [5, 2]), [2, 3]).map((p) => p.type.shape)).toEqual([[2, 2], [3, 2]]);
  });

  it('shape inference leaves no Join in the graph of a length', () => {
    const [x, y] = [T.dmatrix('x'), T.dmatrix('y')];
    const g = th.function([x, y], shapeI(join(0, x, y), 0));
    expect([...g.maker.fgraph.applyNodes].some((n) => n.op instanceof Join)).toBe(false);
    expect(Number(g(th.zeros([2, 3], 'float64'), th.zeros([4, 3], 'float64')))).toBe(6);
  });

  it('gradients split back to the inputs', () => {
    const [p, q] = [th.array([[0.5, -1, 2], [1.5, 0.25, -3]]), th.array([[0.3, 0.7, -0.1]])];
    th.gradient.verifyGrad((x: TensorVariable, y: TensorVariable) => join(0, x, y.mul(2)).pow(2).mul(th.array([[1], [2], [3]])).sum(), [p, q]);
    th.gradient.verifyGrad((x: TensorVariable, y: TensorVariable) => concatenate([x.T, y.T, x.T], 1).pow(3).sum(), [p, q]);
    th.gradient.verifyGrad((x: TensorVariable) => stack([x, x.mul(x)], 2).pow(2).sum(), [p]);
    th.gradient.verifyGrad((x: TensorVariable) => {
      const [a, b] = split(x, [1, 2], 1);
      return a!.mul(b!.sum(1, { keepdims: true })).sum();
    }, [p]);
  });

  it('the R-operator of a join joins the directions (zeros for inputs that do not move)', () => {
    const [x, y] = [T.dvector('x'), T.dvector('y')];
    const v = T.dvector('v');
    const r = th.gradient.Rop(join(0, x, y), x, v) as TensorVariable;
    const f = th.function([x, y, v], r, { onUnusedInput: 'ignore' });
    expect(f([1, 2], [3], [5, 6]).toArray()).toEqual([5, 6, 0]);
  });

  it('errors name the op, what was expected and what was given', () => {
    const x = T.tensor('float64', [2, 3], 'x');
    expect(() => join(0, x, T.tensor('float64', [2, 4]))).toThrow(/Join\{.*\}: input 1 has static shape \(2, 4\), but an earlier input has length 3 on axis 1/);
    expect(() => join(0, x, T.dvector())).toThrow(/all inputs must have the same rank; input 0 is 2-d .* input 1 is 1-d/);
    expect(() => concatenate([x], 2)).toThrow(/concatenate: axis 2 is out of range for 2-d tensors/);
    expect(() => concatenate([])).toThrow(/concatenate needs at least one tensor/);
    expect(() => concatenate([T.dscalar()])).toThrow(/zero-dimensional/);
    expect(() => stack([x, T.dvector()])).toThrow(/stack: all tensors must have the same rank/);
    expect(() => split(x, [1, 1], 1)).toThrow(/split: the sizes \(1, 1\) add up to 2, but axis 1 of x has length 3/);
    expect(() => split(x, [-1, 3], 0)).toThrow(/split: size 0 must be a non-negative integer, got -1/);
  });
});
