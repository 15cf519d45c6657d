/**
 * Convolution and pooling (src/tensor/nnet/conv): values against numpy loops
 * (generated once by conv-numpy.py into conv-numpy.json; conv2d there is
 * cross-checked with scipy), in the default and the VM modes; gradients and
 * the gradient ops' own gradients by verifyGrad; inferShape against computed
 * shapes; static shapes; float32; DebugMode; errors.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as th from '../../../../src/index.js';
import { conv2d, Conv2dGradInputs, Conv2dGradWeights, MaxPool2dGradGrad, pool2d, Pool2dGrad, type Conv2dOptions, type Pool2dOptions } from '../../../../src/tensor/nnet/conv/index.js';
import { shapeI } from '../../../../src/tensor/shape.js';
import type { TensorVariable } from '../../../../src/tensor/variable.js';
import type { NDArray } from '../../../../src/ndarray/ndarray.js';
import { expectAllClose } from '../../../helpers/allclose.js';

const T = th.tensor;
const { verifyGrad } = th.gradient;

type Nested = number | Nested[];
interface ConvCase {
  name: string;
  x: Nested;
  w: Nested;
  options: Conv2dOptions;
  y: Nested;
}
interface PoolCase {
  x: Nested;
  options: Pool2dOptions;
  y: Nested;
}
const REF = JSON.parse(readFileSync(new URL('./conv-numpy.json', import.meta.url), 'utf8')) as { conv: ConvCase[]; pool: PoolCase[] };

const shapeOf = (a: Nested): number[] => (Array.isArray(a) ? [a.length, ...shapeOf(a[0]!)] : []);
const sym = (rank: number, name: string) => T.tensor('float64', Array(rank).fill(null), name);
const tol = { rtol: 1e-10, atol: 1e-10 };
const opClasses = (f: { maker: { fgraph: { applyNodes: Iterable<{ op: object }> } } }) => [...f.maker.fgraph.applyNodes].map((n) => n.op.constructor.name);

describe.each([
  ['default', undefined],
  ['vm', () => new th.Mode({ linker: 'vm' })],
] as const)('conv2d and pool2d values (%s mode)', (_label, mode) => {
  const compile = (inputs: TensorVariable[], outputs: TensorVariable | TensorVariable[]) => th.function(inputs, outputs as never, mode ? { mode: mode() } : {});

  it.each(REF.conv.map((c) => [c.name, c] as const))('conv2d: %s', (_name, c) => {
    const [x, w] = [sym(4, 'x'), sym(4, 'w')];
    const f = compile([x, w], conv2d(x, w, c.options));
    expectAllClose(f(c.x, c.w) as NDArray, c.y as never, tol);
  });

  it.each(REF.pool.map((c, i) => [i, JSON.stringify(c.options), c] as const))('pool2d #%i %s', (_i, _o, c) => {
    const x = sym(shapeOf(c.x).length, 'x');
    const f = compile([x], pool2d(x, c.options));
    expectAllClose(f(c.x) as NDArray, c.y as never, tol);
  });

  it('max pooling sends a tied window\'s gradient to its first maximum', () => {
    const x = sym(4, 'x');
    const g = th.gradient.grad(pool2d(x, { ws: [2, 2] }).sum(), x) as TensorVariable;
    const f = compile([x], g);
    expectAllClose(f([[[[1, 1, 0], [1, 1, 0]]]]) as NDArray, [[[[1, 0, 0], [0, 0, 0]]]], tol);
    expectAllClose(f([[[[0, 2, 5], [2, 1, 5]]]]) as NDArray, [[[[0, 1, 0], [0, 0, 0]]]], tol);
  });

  it('max pooling: NaN wins its window (and takes the gradient); partial windows at the border; overlapping windows add up', () => {
    const x = sym(4, 'x');
    const nan = [[[[1, NaN, 3], [4, 5, 6]]]];
    expect((compile([x], pool2d(x, { ws: [2, 2], ignoreBorder: false }))(nan) as NDArray).toArray()).toEqual([[[[NaN, 6]]]]);
    const gNan = compile([x], th.gradient.grad(pool2d(x, { ws: [2, 2], ignoreBorder: false }).sum(), x) as TensorVariable);
    expect((gNan(nan) as NDArray).toArray()).toEqual([[[[0, 1, 0], [0, 0, 1]]]]);
    // stride 1 with 2×2 windows: the centre maximum of a 3×3 image wins all four windows
    const gOverlap = compile([x], th.gradient.grad(pool2d(x, { ws: [2, 2], stride: [1, 1] }).sum(), x) as TensorVariable);
    expect((gOverlap([[[[0, 0, 0], [0, 9, 0], [0, 0, 0]]]]) as NDArray).toArray()).toEqual([[[[0, 0, 0], [0, 4, 0], [0, 0, 0]]]]);
  });
});

describe('conv2d and pool2d: float32 and DebugMode', () => {
  it('float32 stays float32, close to the float64 reference', () => {
    const c = REF.conv.find((k) => k.name.startsWith('groups 2, pad'))!;
    const [x, w] = [T.ftensor4('x'), T.ftensor4('w')];
    const y = conv2d(x, w, c.options);
    expect(y.dtype).toBe('float32');
    const out = th.function([x, w], y)(th.array(c.x as never).astype('float32'), th.array(c.w as never).astype('float32')) as NDArray;
    expect(out.dtype).toBe('float32');
    expectAllClose(out, c.y as never, { rtol: 1e-4, atol: 1e-4 });
    const [gx, gw] = th.gradient.grad(pool2d(y, { ws: [2, 2], ignoreBorder: false }).sum(), [x, w]) as TensorVariable[];
    expect([gx!.dtype, gw!.dtype]).toEqual(['float32', 'float32']);
  });

  it('DebugMode finds every op consistent (values, shapes, buffers), gradients included', () => {
    const c = REF.conv.find((k) => k.name.startsWith('groups 2, pad'))!;
    const [x, w] = [sym(4, 'x'), sym(4, 'w')];
    const y = conv2d(x, w, c.options);
    const cost = pool2d(y, { ws: [2, 2], ignoreBorder: false }).pow(2).sum().add(pool2d(y, { ws: [3, 2], pad: [1, 1], mode: 'average_exc_pad' }).sum());
    const [gx, gw] = th.gradient.grad(cost, [x, w]) as TensorVariable[];
    const hw = th.gradient.grad(gx!.pow(2).sum(), w) as TensorVariable;
    const f = th.function([x, w], [y, gx!, gw!, hw], { mode: 'DebugMode' });
    const [out] = f(c.x, c.w) as NDArray[];
    expectAllClose(out!, c.y as never, tol);
  });
});

describe('conv2d and pool2d: static shapes and inferShape', () => {
  it('static output shapes follow the static input shapes', () => {
    for (const c of REF.conv) {
      const x = T.tensor('float64', shapeOf(c.x), 'x');
      const w = T.tensor('float64', shapeOf(c.w), 'w');
      expect(conv2d(x, w, c.options).type.shape, c.name).toEqual(shapeOf(c.y));
    }
    for (const c of REF.pool) expect(pool2d(T.tensor('float64', shapeOf(c.x), 'x'), c.options).type.shape).toEqual(shapeOf(c.y));
    expect(conv2d(T.tensor('float64', [null, 3, null, 7]), T.tensor('float64', [4, 3, 3, null])).type.shape).toEqual([null, 4, null, null]);
  });

  it('inferShape matches computed shapes without running the ops', () => {
    for (const c of REF.conv) {
      const [x, w] = [sym(4, 'x'), sym(4, 'w')];
      const y = conv2d(x, w, c.options);
      const f = th.function([x, w], [0, 1, 2, 3].map((k) => shapeI(y, k)));
      expect((f(c.x, c.w) as NDArray[]).map(Number), c.name).toEqual(shapeOf(c.y));
      expect(opClasses(f)).not.toContain('Conv2d');
      // The gradients' shapes: those of the input and the filters.
      const [gx, gw] = th.gradient.grad(y.sum(), [x, w]) as TensorVariable[];
      const g = th.function([x, w], [...[0, 1, 2, 3].map((k) => shapeI(gx!, k)), ...[0, 1, 2, 3].map((k) => shapeI(gw!, k))]);
      expect((g(c.x, c.w) as NDArray[]).map(Number), c.name).toEqual([...shapeOf(c.x), ...shapeOf(c.w)]);
      expect(opClasses(g).filter((n) => n.startsWith('Conv2d'))).toEqual([]);
    }
    for (const c of REF.pool) {
      const x = sym(shapeOf(c.x).length, 'x');
      const y = pool2d(x, c.options);
      const f = th.function([x], shapeOf(c.y).map((_, k) => shapeI(y, k)));
      expect((f(c.x) as NDArray[]).map(Number), JSON.stringify(c.options)).toEqual(shapeOf(c.y));
      expect(opClasses(f)).not.toContain('Pool2d');
    }
  });
});

describe('conv2d and pool2d: gradients', () => {
  const rng = th.gradient.seededRandom(11);
  const rand = (...shape: number[]) => th.array(Array.from({ length: shape.reduce((p, q) => p * q, 1) }, () => rng() * 2 - 1) as never).reshape(shape);
  const convOptions: Conv2dOptions[] = [
    {},
    { borderMode: 'full' },
    { borderMode: 'half', subsample: [2, 1] },
    { borderMode: [1, 2], subsample: [2, 2], filterDilation: [1, 2], filterFlip: false },
    { numGroups: 2, borderMode: 1, filterDilation: [2, 1] },
  ];

  it.each(convOptions.map((o) => [JSON.stringify(o), o] as const))('conv2d with respect to input and filters: %s', (_s, o) => {
    const X = rand(2, 4, 5, 6);
    const W = rand(4, (o.numGroups ?? 1) === 2 ? 2 : 4, 3, 2);
    verifyGrad((x, w) => conv2d(x, w, o), [X, W]);
  });

  it.each(convOptions.map((o) => [JSON.stringify(o), o] as const))('the gradient ops\' own gradients: %s', (_s, o) => {
    const X = rand(2, 4, 5, 6);
    const Wt = rand(4, (o.numGroups ?? 1) === 2 ? 2 : 4, 3, 2);
    // The output gradient's shape: that of conv2d's output.
    const shape = conv2d(T.tensor('float64', X.shape), T.tensor('float64', Wt.shape), o).type.shape as number[];
    const GZ = rand(...shape);
    const x = T.tensor('float64', X.shape);
    const w = T.tensor('float64', Wt.shape);
    const [, gw] = th.gradient.grad(conv2d(x, w, o).sum(), [x, w]) as TensorVariable[];
    const [gx] = th.gradient.grad(conv2d(x, w, o).sum(), [x]) as TensorVariable[];
    const gradInputs = gx!.owner!.op.constructor === Conv2dGradInputs ? (gx!.owner!.op as Conv2dGradInputs) : null;
    const gradWeights = gw!.owner!.op.constructor === Conv2dGradWeights ? (gw!.owner!.op as Conv2dGradWeights) : null;
    expect(gradInputs).not.toBeNull();
    expect(gradWeights).not.toBeNull();
    const c = (v: number) => T.constant(v, null, 'int64');
    verifyGrad((wv, g) => gradInputs!.apply1(wv, g, c(5), c(6)) as TensorVariable, [Wt, GZ]);
    verifyGrad((xv, g) => gradWeights!.apply1(xv, g, c(3), c(2)) as TensorVariable, [X, GZ]);
    // Second derivatives through the public API.
    verifyGrad((xv, wv) => (th.gradient.grad(conv2d(xv, wv, o).pow(2).sum(), wv) as TensorVariable), [X, Wt]);
  });

  const poolOptions: Pool2dOptions[] = [
    { ws: [2, 2] },
    { ws: [2, 3], ignoreBorder: false },
    { ws: [3, 2], stride: [1, 2], ignoreBorder: false },
    { ws: [3, 3], stride: [2, 2], pad: [1, 2] },
  ];
  const modes = ['max', 'sum', 'average_inc_pad', 'average_exc_pad'] as const;
  const cases = poolOptions.flatMap((o) => modes.map((mode) => ({ ...o, mode })));

  it.each(cases.map((o) => [JSON.stringify(o), o] as const))('pool2d: %s', (_s, o) => {
    const X = rand(2, 2, 5, 7);
    verifyGrad((x) => pool2d(x, o), [X]);
    // The gradient op's own gradient (and, for max, that of the gather it makes).
    const x = T.tensor('float64', X.shape);
    const g = th.gradient.grad(pool2d(x, o).sum(), x) as TensorVariable;
    const op = g.owner!.op as Pool2dGrad;
    expect(op).toBeInstanceOf(Pool2dGrad);
    const GZ = rand(...(pool2d(x, o).type.shape as number[]));
    verifyGrad((gz) => op.apply1(T.constant(X), gz) as TensorVariable, [GZ]);
    if (o.mode === 'max') verifyGrad((gx) => new MaxPool2dGradGrad(op.ws, op.ignoreBorder, op.stride, op.pad, op.mode).apply1(T.constant(X), gx) as TensorVariable, [rand(...X.shape)]);
    // Second derivatives through the public API.
    verifyGrad((xv) => th.gradient.grad(pool2d(xv, o).pow(2).sum(), xv) as TensorVariable, [X]);
  });
});

describe('conv2d and pool2d: errors', () => {
  const t = (shape: (number | null)[]) => T.tensor('float64', shape);

  it('channel mismatches name both shapes', () => {
    expect(() => conv2d(t([2, 3, 5, 5]), t([4, 2, 3, 3]))).toThrow(/input has 3 channels but the filters expect 2; input \(2, 3, 5, 5\), filters \(4, 2, 3, 3\)/);
    expect(() => conv2d(t([2, 4, 5, 5]), t([4, 3, 3, 3]), { numGroups: 2 })).toThrow(/expect 3 per group × 2 groups/);
    expect(() => conv2d(t([2, 4, 5, 5]), t([3, 2, 3, 3]), { numGroups: 2 })).toThrow(/3 filters do not split into 2 groups/);
    const [x, w] = [T.dtensor4('x'), T.dtensor4('w')];
    const f = th.function([x, w], conv2d(x, w));
    expect(() => f(th.zeros([1, 3, 4, 4]), th.zeros([2, 2, 3, 3]))).toThrow(/input has 3 channels but the filters expect 2; input \(1, 3, 4, 4\), filters \(2, 2, 3, 3\)/);
    expect(() => f(th.zeros([1, 1, 2, 2]), th.zeros([1, 1, 3, 3]))).toThrow(/kernel 3×3 exceeds the padded input 2×2/);
  });

  it('the gradient ops check their sizes and the output gradient\'s shape', () => {
    const x = T.dtensor4('x');
    const w = T.dtensor4('w');
    const [gx, gw] = th.gradient.grad(conv2d(x, w, { subsample: [2, 2] }).sum(), [x, w]) as TensorVariable[];
    const gi = gx!.owner!.op as Conv2dGradInputs;
    const gwo = gw!.owner!.op as Conv2dGradWeights;
    const gz = T.dtensor4('gz');
    expect(() => gi.apply1(w, gz, T.constant(2.5), T.constant(3, null, 'int64'))).toThrow(/the input height must be an int64 scalar/);
    expect(() => gwo.apply1(x, gz, T.constant(3, null, 'int64'), T.dvector('v'))).toThrow(/the kernel columns must be an int64 scalar/);
    const f = th.function([w, gz], gi.apply1(w, gz, T.constant(7, null, 'int64'), T.constant(7, null, 'int64')) as TensorVariable);
    expect(() => f(th.zeros([2, 1, 3, 3]), th.zeros([1, 2, 2, 2]))).toThrow(/output gradient is \(1, 2, 2, 2\), but filters \(2, 1, 3, 3\) on a 7×7 input give \(1, 2, 3, 3\)/);
  });

  it('kernels larger than the input, ranks and dtypes', () => {
    expect(() => conv2d(t([1, 1, 2, 5]), t([1, 1, 3, 3]))).toThrow(/rows of the \(dilated\) kernel \(3\) exceed the padded input \(2\)/);
    expect(() => conv2d(t([1, 1, 5, 5]), t([1, 1, 3, 3]), { filterDilation: [3, 1] })).toThrow(/kernel \(7\)/);
    expect(() => conv2d(T.dmatrix('m'), t([1, 1, 3, 3]))).toThrow(/input must be a 4-d tensor/);
    expect(() => conv2d(T.ltensor4('i'), t([1, 1, 3, 3]))).toThrow(/input must be a float tensor/);
  });

  it('bad options', () => {
    const [x, w] = [t([1, 1, 5, 5]), t([1, 1, 3, 3])];
    expect(() => conv2d(x, w, { borderMode: 'same' as never })).toThrow(/borderMode must be 'valid', 'full', 'half'/);
    expect(() => conv2d(x, w, { borderMode: -1 })).toThrow(/borderMode must be two integers >= 0/);
    expect(() => conv2d(x, w, { subsample: [0, 1] })).toThrow(/subsample must be two integers >= 1/);
    expect(() => conv2d(x, w, { filterDilation: [1] as never })).toThrow(/filterDilation must be two integers/);
    expect(() => conv2d(x, w, { numGroups: 0 })).toThrow(/numGroups must be a positive integer/);
    expect(() => conv2d(x, w, { filterFlip: 'yes' as never })).toThrow(/filterFlip must be true or false/);
    expect(() => pool2d(x, {} as never)).toThrow(/window size ws is required/);
    expect(() => pool2d(x, { ws: [2, 0] })).toThrow(/ws must be two integers >= 1/);
    expect(() => pool2d(x, { ws: [2, 2], mode: 'mean' as never })).toThrow(/mode must be one of max, sum, average_inc_pad, average_exc_pad/);
    expect(() => pool2d(x, { ws: [2, 2], pad: [1, 1], ignoreBorder: false })).toThrow(/padding works only with ignoreBorder true/);
    expect(() => pool2d(x, { ws: [2, 2], pad: [2, 0] })).toThrow(/padding \[2, 0\] must be smaller than the window \[2, 2\]/);
    expect(() => pool2d(T.dvector('v'), { ws: [2, 2] })).toThrow(/at least 2 dimensions/);
  });
});
