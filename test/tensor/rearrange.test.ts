/**
 * squeeze, expandDims, swapaxes, flip, repeat, tile and roll: numpy's results
 * (generated once by numpy, below), static and inferred shapes, gradients
 * and errors, under both linkers and DebugMode.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { expandDims, flip, repeat, Repeat, roll, squeeze, swapaxes, tile } from '../../src/tensor/rearrange.js';
import { shapeI } from '../../src/tensor/shape.js';
import { MODES, MODE_NAMES, input, runCase, type Build, type Case } from '../helpers/numpyCases.js';
import type { TensorVariable } from '../../src/tensor/variable.js';

const T = th.tensor;

/** numpy: x = arange(size).reshape(shape), then the op (null: no axis given). */
const CASES: Case[] = [
  {"op":"squeeze","shapes":[[1,3,1]],"T":false,"args":[null],"out":{"shape":[3],"data":[0.0,1.0,2.0]}},
  {"op":"squeeze","shapes":[[1,3,1]],"T":false,"args":[0],"out":{"shape":[3,1],"data":[0.0,1.0,2.0]}},
  {"op":"squeeze","shapes":[[1,3,1]],"T":false,"args":[[0,2]],"out":{"shape":[3],"data":[0.0,1.0,2.0]}},
  {"op":"squeeze","shapes":[[2,1]],"T":false,"args":[-1],"out":{"shape":[2],"data":[0.0,1.0]}},
  {"op":"squeeze","shapes":[[1]],"T":false,"args":[null],"out":{"shape":[],"data":[0.0]}},
  {"op":"expandDims","shapes":[[2,3]],"T":false,"args":[0],"out":{"shape":[1,2,3],"data":[0.0,1.0,2.0,3.0,4.0,5.0]}},
  {"op":"expandDims","shapes":[[2,3]],"T":false,"args":[2],"out":{"shape":[2,3,1],"data":[0.0,1.0,2.0,3.0,4.0,5.0]}},
  {"op":"expandDims","shapes":[[2,3]],"T":false,"args":[-1],"out":{"shape":[2,3,1],"data":[0.0,1.0,2.0,3.0,4.0,5.0]}},
  {"op":"expandDims","shapes":[[2,3]],"T":false,"args":[[0,3]],"out":{"shape":[1,2,3,1],"data":[0.0,1.0,2.0,3.0,4.0,5.0]}},
  {"op":"expandDims","shapes":[[]],"T":false,"args":[0],"out":{"shape":[1],"data":[0.0]}},
  {"op":"expandDims","shapes":[[4]],"T":false,"args":[[-1,0]],"out":{"shape":[1,4,1],"data":[0.0,1.0,2.0,3.0]}},
  {"op":"swapaxes","shapes":[[2,3]],"T":false,"args":[0,1],"out":{"shape":[3,2],"data":[0.0,3.0,1.0,4.0,2.0,5.0]}},
  {"op":"swapaxes","shapes":[[2,3,4]],"T":false,"args":[0,2],"out":{"shape":[4,3,2],"data":[0.0,12.0,4.0,16.0,8.0,20.0,1.0,13.0,5.0,17.0,9.0,21.0,2.0,14.0,6.0,18.0,10.0,22.0,3.0,15.0,7.0,19.0,11.0,23.0]}},
  {"op":"swapaxes","shapes":[[2,3,4]],"T":false,"args":[-1,1],"out":{"shape":[2,4,3],"data":[0.0,4.0,8.0,1.0,5.0,9.0,2.0,6.0,10.0,3.0,7.0,11.0,12.0,16.0,20.0,13.0,17.0,21.0,14.0,18.0,22.0,15.0,19.0,23.0]}},
  {"op":"swapaxes","shapes":[[3]],"T":false,"args":[0,0],"out":{"shape":[3],"data":[0.0,1.0,2.0]}},
  {"op":"flip","shapes":[[5]],"T":false,"args":[null],"out":{"shape":[5],"data":[4.0,3.0,2.0,1.0,0.0]}},
  {"op":"flip","shapes":[[2,3]],"T":false,"args":[0],"out":{"shape":[2,3],"data":[3.0,4.0,5.0,0.0,1.0,2.0]}},
  {"op":"flip","shapes":[[2,3]],"T":false,"args":[1],"out":{"shape":[2,3],"data":[2.0,1.0,0.0,5.0,4.0,3.0]}},
  {"op":"flip","shapes":[[2,3,2]],"T":false,"args":[null],"out":{"shape":[2,3,2],"data":[11.0,10.0,9.0,8.0,7.0,6.0,5.0,4.0,3.0,2.0,1.0,0.0]}},
  {"op":"flip","shapes":[[2,3,2]],"T":false,"args":[[0,2]],"out":{"shape":[2,3,2],"data":[7.0,6.0,9.0,8.0,11.0,10.0,1.0,0.0,3.0,2.0,5.0,4.0]}},
  {"op":"flip","shapes":[[2,3]],"T":false,"args":[-1],"out":{"shape":[2,3],"data":[2.0,1.0,0.0,5.0,4.0,3.0]}},
  {"op":"repeat","shapes":[[3]],"T":false,"args":[2,null],"out":{"shape":[6],"data":[0.0,0.0,1.0,1.0,2.0,2.0]}},
  {"op":"repeat","shapes":[[2,3]],"T":false,"args":[2,null],"out":{"shape":[12],"data":[0.0,0.0,1.0,1.0,2.0,2.0,3.0,3.0,4.0,4.0,5.0,5.0]}},
  {"op":"repeat","shapes":[[2,3]],"T":false,"args":[3,0],"out":{"shape":[6,3],"data":[0.0,1.0,2.0,0.0,1.0,2.0,0.0,1.0,2.0,3.0,4.0,5.0,3.0,4.0,5.0,3.0,4.0,5.0]}},
  {"op":"repeat","shapes":[[2,3]],"T":false,"args":[2,1],"out":{"shape":[2,6],"data":[0.0,0.0,1.0,1.0,2.0,2.0,3.0,3.0,4.0,4.0,5.0,5.0]}},
  {"op":"repeat","shapes":[[2,3]],"T":false,"args":[[1,0,2],1],"out":{"shape":[2,3],"data":[0.0,2.0,2.0,3.0,5.0,5.0]}},
  {"op":"repeat","shapes":[[2,3]],"T":false,"args":[[3,1],0],"out":{"shape":[4,3],"data":[0.0,1.0,2.0,0.0,1.0,2.0,0.0,1.0,2.0,3.0,4.0,5.0]}},
  {"op":"repeat","shapes":[[2,3]],"T":false,"args":[[2],1],"out":{"shape":[2,6],"data":[0.0,0.0,1.0,1.0,2.0,2.0,3.0,3.0,4.0,4.0,5.0,5.0]}},
  {"op":"repeat","shapes":[[2,3]],"T":false,"args":[0,0],"out":{"shape":[0,3],"data":[]}},
  {"op":"repeat","shapes":[[2,2,2]],"T":false,"args":[[0,1],-1],"out":{"shape":[2,2,1],"data":[1.0,3.0,5.0,7.0]}},
  {"op":"repeat","shapes":[[]],"T":false,"args":[3,null],"out":{"shape":[3],"data":[0.0,0.0,0.0]}},
  {"op":"tile","shapes":[[3]],"T":false,"args":[2],"out":{"shape":[6],"data":[0.0,1.0,2.0,0.0,1.0,2.0]}},
  {"op":"tile","shapes":[[3]],"T":false,"args":[[2,2]],"out":{"shape":[2,6],"data":[0.0,1.0,2.0,0.0,1.0,2.0,0.0,1.0,2.0,0.0,1.0,2.0]}},
  {"op":"tile","shapes":[[2,3]],"T":false,"args":[[2,1]],"out":{"shape":[4,3],"data":[0.0,1.0,2.0,3.0,4.0,5.0,0.0,1.0,2.0,3.0,4.0,5.0]}},
  {"op":"tile","shapes":[[2,3]],"T":false,"args":[[1,2]],"out":{"shape":[2,6],"data":[0.0,1.0,2.0,0.0,1.0,2.0,3.0,4.0,5.0,3.0,4.0,5.0]}},
  {"op":"tile","shapes":[[2,3]],"T":false,"args":[[2,1,2]],"out":{"shape":[2,2,6],"data":[0.0,1.0,2.0,0.0,1.0,2.0,3.0,4.0,5.0,3.0,4.0,5.0,0.0,1.0,2.0,0.0,1.0,2.0,3.0,4.0,5.0,3.0,4.0,5.0]}},
  {"op":"tile","shapes":[[2,3,2]],"T":false,"args":[[2]],"out":{"shape":[2,3,4],"data":[0.0,1.0,0.0,1.0,2.0,3.0,2.0,3.0,4.0,5.0,4.0,5.0,6.0,7.0,6.0,7.0,8.0,9.0,8.0,9.0,10.0,11.0,10.0,11.0]}},
  {"op":"tile","shapes":[[]],"T":false,"args":[[2,3]],"out":{"shape":[2,3],"data":[0.0,0.0,0.0,0.0,0.0,0.0]}},
  {"op":"tile","shapes":[[2,3]],"T":false,"args":[[0,2]],"out":{"shape":[0,6],"data":[]}},
  {"op":"roll","shapes":[[5]],"T":false,"args":[2,null],"out":{"shape":[5],"data":[3.0,4.0,0.0,1.0,2.0]}},
  {"op":"roll","shapes":[[5]],"T":false,"args":[-1,0],"out":{"shape":[5],"data":[1.0,2.0,3.0,4.0,0.0]}},
  {"op":"roll","shapes":[[5]],"T":false,"args":[7,0],"out":{"shape":[5],"data":[3.0,4.0,0.0,1.0,2.0]}},
  {"op":"roll","shapes":[[2,3]],"T":false,"args":[1,null],"out":{"shape":[2,3],"data":[5.0,0.0,1.0,2.0,3.0,4.0]}},
  {"op":"roll","shapes":[[2,3]],"T":false,"args":[1,1],"out":{"shape":[2,3],"data":[2.0,0.0,1.0,5.0,3.0,4.0]}},
  {"op":"roll","shapes":[[2,3]],"T":false,"args":[-4,0],"out":{"shape":[2,3],"data":[0.0,1.0,2.0,3.0,4.0,5.0]}},
  {"op":"roll","shapes":[[2,3]],"T":false,"args":[3,1],"out":{"shape":[2,3],"data":[0.0,1.0,2.0,3.0,4.0,5.0]}},
  {"op":"roll","shapes":[[3,2,2]],"T":false,"args":[1,-1],"out":{"shape":[3,2,2],"data":[1.0,0.0,3.0,2.0,5.0,4.0,7.0,6.0,9.0,8.0,11.0,10.0]}},
  {"op":"roll","shapes":[[0]],"T":false,"args":[3,0],"out":{"shape":[0],"data":[]}},
];

const orUndefined = <V,>(v: V | null): V | undefined => (v === null ? undefined : v);
const BUILD: Record<string, Build> = {
  squeeze: ([x], [axis]) => squeeze(x!, orUndefined(axis)),
  expandDims: ([x], [axis]) => expandDims(x!, axis),
  swapaxes: ([x], [a, b]) => swapaxes(x!, a, b),
  flip: ([x], [axis]) => flip(x!, orUndefined(axis)),
  repeat: ([x], [repeats, axis]) => repeat(x!, repeats, orUndefined(axis)),
  tile: ([x], [reps]) => tile(x!, reps),
  roll: ([x], [shift, axis]) => roll(x!, shift, orUndefined(axis)),
};
/** squeeze without an axis drops static lengths of 1 only: numpy's result needs static inputs. */
const needsStatic = (c: Case) => c.op === 'squeeze' && c.args[0] === null;

describe.each(MODE_NAMES)('squeeze, expandDims, swapaxes, flip, repeat, tile, roll (%s)', (mode) => {
  it(`give numpy's results for ${CASES.length} generated cases`, () => {
    for (const c of CASES) for (const s of [false, true]) if (s || !needsStatic(c)) runCase(c, BUILD[c.op]!, mode, s);
  });

  it('take symbolic counts and shifts', () => {
    const x = T.dmatrix('x');
    const [n, s] = T.lscalars('n', 's');
    const reps = T.lvector('reps');
    const outs = [repeat(x, n, 1), repeat(x, reps, 0), tile(x, [n, 1]), roll(x, s, 1), roll(x, s)];
    const f = th.function([x, n, s, reps], [...outs, ...outs.map((o) => shapeI(o, 0)), ...outs.map((o) => shapeI(o, 1))], { mode: MODES[mode]() });
    const v = input([2, 3], 0, false);
    const r = f(v, 2, -4, th.array([0, 3], { dtype: 'int64' }));
    expect(r[0]!.toArray()).toEqual([[0, 0, 1, 1, 2, 2], [3, 3, 4, 4, 5, 5]]);
    expect(r[1]!.toArray()).toEqual([[3, 4, 5], [3, 4, 5], [3, 4, 5]]);
    expect(r[2]!.toArray()).toEqual([[0, 1, 2], [3, 4, 5], [0, 1, 2], [3, 4, 5]]);
    expect(r[3]!.toArray()).toEqual([[1, 2, 0], [4, 5, 3]]); // np.roll(x, -4, 1)
    expect(r[4]!.toArray()).toEqual([[4, 5, 0], [1, 2, 3]]); // np.roll(x, -4)
    outs.forEach((_, i) => expect([Number(r[5 + i]), Number(r[10 + i])]).toEqual(r[i]!.shape));
    expect(() => f(v, 2, 0, th.array([1, 2, 3], { dtype: 'int64' }))).toThrow(/Repeat\{0\}: repeats has 3 counts, but axis 0 of the array \(shape \(2, 3\)\) has length 2/);
    expect(() => f(v, 2, 0, th.array([1, -2], { dtype: 'int64' }))).toThrow(/repeats must be non-negative/);
  });

  it('keep dtypes, and views survive the next call', () => {
    for (const dtype of ['float32', 'int32', 'int64', 'bool', 'uint8'] as const) {
      const x = T.tensor(dtype, [null, null], 'x');
      const f = th.function([x], [flip(x), swapaxes(x, 0, 1), repeat(x, [1, 2], 0), tile(x, 2), roll(x, 1, 0), expandDims(x, 1)], { mode: MODES[mode]() });
      const v = input([2, 3], 0, false, dtype);
      const first = f(v) as th.NDArray[];
      const copies = first.map((a) => a.toArray());
      f(th.zeros([2, 3], dtype));
      first.forEach((a, i) => {
        expect(a.dtype).toBe(dtype);
        expect(a.toArray()).toEqual(copies[i]);
      });
      expect(first[0]!.toArray()).toEqual((v.toArray() as unknown[][]).map((r) => [...r].reverse()).reverse());
    }
  });

  it('squeeze checks at run time that an axis of unknown length has length 1', () => {
    const x = T.dmatrix('x');
    const f = th.function([x], squeeze(x, 0), { mode: MODES[mode]() });
    expect(f(input([1, 3], 0, false)).toArray()).toEqual([0, 1, 2]);
    expect(() => f(input([2, 3], 0, false))).toThrow(/axis 0 has length 2, not 1/);
  });
});

describe('rearranging: types, shapes, gradients and errors', () => {
  it('knows static shapes', () => {
    const x = T.tensor('float64', [2, null, 1], 'x');
    expect(squeeze(x).type.shape).toEqual([2, null]);
    expect(expandDims(x, [0, -1]).type.shape).toEqual([1, 2, null, 1, 1]);
    expect(swapaxes(x, 0, -1).type.shape).toEqual([1, null, 2]);
    expect(flip(x, 0).type.shape).toEqual([2, null, 1]);
    expect(repeat(x, 3, 0).type.shape).toEqual([6, null, 1]);
    expect(repeat(x, [1, 4], 0).type.shape).toEqual([5, null, 1]);
    expect(tile(x, [2, 1, 3]).type.shape).toEqual([4, null, 3]);
    expect(roll(x, 1, 0).type.shape).toEqual([2, null, 1]);
  });

  it('shape inference leaves no Repeat in the graph of a length', () => {
    const x = T.dmatrix('x');
    const reps = T.lvector('reps');
    const g = th.function([x, reps], shapeI(repeat(x, reps, 1), 1));
    expect([...g.maker.fgraph.applyNodes].some((n) => n.op instanceof Repeat)).toBe(false);
    expect(Number(g(th.zeros([2, 3], 'float64'), th.array([1, 0, 4], { dtype: 'int64' })))).toBe(5);
  });

  it('gradients', () => {
    const p = th.array([[0.5, -1, 2], [1.5, 0.25, -3]]);
    const w = (shape: number[]) => th.array(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (i % 5) - 1.5)).reshape(shape);
    th.gradient.verifyGrad((x: TensorVariable) => squeeze(expandDims(x, [0, 2]), 0).mul(w([2, 1, 3])).sum(), [p]);
    th.gradient.verifyGrad((x: TensorVariable) => swapaxes(x, 0, 1).mul(w([3, 2])).sum(), [p]);
    th.gradient.verifyGrad((x: TensorVariable) => flip(x, 1).mul(w([2, 3])).sum(), [p]);
    th.gradient.verifyGrad((x: TensorVariable) => repeat(x, 2, 1).pow(2).mul(w([2, 6])).sum(), [p]);
    th.gradient.verifyGrad((x: TensorVariable) => repeat(x, [2, 0, 3], 1).pow(2).mul(w([2, 5])).sum(), [p]);
    th.gradient.verifyGrad((x: TensorVariable) => repeat(x, 2).pow(2).mul(w([12])).sum(), [p]);
    th.gradient.verifyGrad((x: TensorVariable) => tile(x, [2, 1, 2]).pow(2).mul(w([2, 2, 6])).sum(), [p]);
    th.gradient.verifyGrad((x: TensorVariable) => roll(x, 2, 1).mul(w([2, 3])).sum(), [p]);
    th.gradient.verifyGrad((x: TensorVariable) => roll(x, -1).mul(w([2, 3])).sum(), [p]);
  });

  it('the gradient of a gradient through repeat (RepeatSum differentiates back to Repeat)', () => {
    const x = T.dvector('x');
        const g = T.grad(repeat(x, [1, 2], 0).pow(3).sum(), x);
    const h = T.grad(g.sum(), x);
    const f = th.function([x], [g, h]);
    const [gv, hv] = f([2, 3]);
    expect(gv!.toArray()).toEqual([12, 54]); // 3x² times the count
    expect(hv!.toArray()).toEqual([12, 36]); // 6x times the count
  });

  it('the R-operator of repeat repeats the direction', () => {
    const x = T.dvector('x');
    const v = T.dvector('v');
    const r = th.gradient.Rop(repeat(x, [2, 1], 0), x, v) as TensorVariable;
    expect(th.function([x, v], r, { onUnusedInput: 'ignore' })([1, 2], [5, 6]).toArray()).toEqual([5, 5, 6]);
  });

  it('errors name the function, what was expected and what was given', () => {
    const x = T.tensor('float64', [2, null], 'x');
    expect(() => squeeze(x, 0)).toThrow(/squeeze: axis 0 of x has length 2 .*only axes of length 1 can be squeezed out/);
    expect(() => squeeze(x, 2)).toThrow(/squeeze: axis 2 is out of range for 2-d tensors/);
    expect(() => expandDims(x, [0, 0])).toThrow(/expandDims: repeated axis in \[0,0\]/);
    expect(() => swapaxes(x, 0, 5)).toThrow(/swapaxes: axis 5 is out of range/);
    expect(() => flip(x, -3)).toThrow(/flip: axis -3 is out of range/);
    expect(() => repeat(x, [1, 2, 3], 0)).toThrow(/Repeat\{0\}: 3 repeat counts for axis 0 of x, which has length 2/);
    expect(() => repeat(x, -1, 0)).toThrow(/repeat: repeats must be non-negative/);
    expect(() => repeat(x, T.dvector('r'), 0)).toThrow(/repeat: repeats must be an integer or a 1-d integer array/);
    expect(() => tile(x, [1.5])).toThrow(/tile: reps 0 must be a non-negative integer, got 1.5/);
    expect(() => roll(x, 0.5, 0)).toThrow(/roll: shift must be an integer, got 0.5/);
  });
});
