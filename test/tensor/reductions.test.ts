/**
 * Reductions beyond sum/mean (prod, max, min, argmax, argmin, all, any, var,
 * std, logsumexp) and the running cumsum/cumprod: values, dtypes and shapes
 * against numpy (generated into reductions-numpy.json; its generator is
 * stored in the file), keepdims, negative axes, empty inputs, NaN and ties,
 * gradients by verifyGrad, inferShape against compiled shapes, and errors.
 */
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import * as th from '../../src/index.js';
import * as T from '../../src/tensor/index.js';
import * as S from '../../src/scalar/ops.js';
import { CAReduce, MaxMin } from '../../src/tensor/reduce.js';
import { ArgReduce, all, any, argmax, argmin, logsumexp, max, min, prod, std, var_, variance, type Axis } from '../../src/tensor/reductions.js';
import { CumOp, cumprod, cumsum } from '../../src/tensor/cumulative.js';
import { shapeI } from '../../src/tensor/shape.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import { array, zeros } from '../../src/ndarray/create.js';
import type { NDArray, NestedArray } from '../../src/ndarray/ndarray.js';
import type { DType } from '../../src/ndarray/dtype.js';
import { ShapeError } from '../../src/errors.js';
import { expectAllClose } from '../helpers/allclose.js';

interface NumpyCase {
  input: string;
  op: string;
  axis: number | number[] | null;
  keepdims: boolean;
  dtype: DType;
  shape: number[];
  value: NestedArray;
}
const NUMPY = JSON.parse(readFileSync(new URL('./reductions-numpy.json', import.meta.url), 'utf8')) as {
  inputs: Record<string, { dtype: DType; value: NestedArray }>;
  cases: NumpyCase[];
};

const MODES = { default: () => undefined, vm: () => new th.Mode({ linker: 'vm' }) };
const compile = (inputs: TensorVariable[], outputs: TensorVariable | TensorVariable[], mode: th.Mode | undefined) =>
  th.function(inputs, outputs as TensorVariable[], mode === undefined ? {} : { mode });

/** The expression of a JSON case. */
function build(c: NumpyCase, x: TensorVariable): TensorVariable {
  const kd = { keepdims: c.keepdims };
  const ax = c.axis as Axis;
  switch (c.op) {
    case 'prod':
      return prod(x, ax, kd);
    case 'max':
      return max(x, ax, kd);
    case 'min':
      return min(x, ax, kd);
    case 'argmax':
      return argmax(x, ax, kd);
    case 'argmin':
      return argmin(x, ax, kd);
    case 'all':
      return all(x, ax, kd);
    case 'any':
      return any(x, ax, kd);
    case 'var':
      return var_(x, ax, kd);
    case 'var_ddof1':
      return variance(x, ax, { ...kd, ddof: 1 });
    case 'std':
      return std(x, ax, kd);
    case 'logsumexp':
      return logsumexp(x, ax, kd);
    case 'cumsum':
      return cumsum(x, c.axis as number | null);
    case 'cumprod':
      return cumprod(x, c.axis as number | null);
    default:
      throw new Error(`unknown op ${c.op}`);
  }
}

describe('values, dtypes and shapes against numpy (ranks 1-3, every axis form, keepdims)', () => {
  for (const [modeName, mode] of Object.entries(MODES)) {
    for (const [name, input] of Object.entries(NUMPY.inputs)) {
      const cases = NUMPY.cases.filter((c) => c.input === name);
      it(`${name} (${input.dtype}), ${cases.length} cases, ${modeName} mode`, () => {
        const value = array(input.value, { dtype: input.dtype });
        const x = T.tensor(input.dtype, value.shape.map(() => null), name);
        const outs = cases.map((c) => build(c, x));
        const results = compile([x], outs, mode())(value) as NDArray[];
        cases.forEach((c, k) => {
          const what = `${c.op}(${name}, axis=${JSON.stringify(c.axis)}, keepdims=${c.keepdims})`;
          expect(outs[k]!.dtype, what).toBe(c.dtype);
          expect(results[k]!.dtype, what).toBe(c.dtype);
          expect(results[k]!.shape, what).toEqual(c.shape);
          const tol = input.dtype === 'float32' ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-12, atol: 1e-13 };
          expectAllClose(results[k]!, c.value, tol);
        });
      });
    }
  }
});

describe('keepdims and static shapes', () => {
  it('reduced axes stay as broadcastable length-1 axes', () => {
    const t = T.tensor('float64', [2, null, 4], 't');
    for (const f of [prod, max, min, argmax, argmin, all, any, var_, std, logsumexp] as ((x: TensorVariable, a: Axis, o: { keepdims: boolean }) => TensorVariable)[]) {
      expect(f(t, 1, { keepdims: true }).staticShape).toEqual([2, 1, 4]);
      expect(f(t, 1, { keepdims: true }).broadcastable).toEqual([false, true, false]);
      expect(f(t, -1, { keepdims: false }).staticShape).toEqual([2, null]);
      expect(f(t, null, { keepdims: true }).staticShape).toEqual([1, 1, 1]);
    }
    expect(cumsum(t, 1).staticShape).toEqual([2, null, 4]);
    expect(cumsum(t).staticShape).toEqual([null]);
  });

  it('a keepdims result broadcasts against its input', () => {
    const m = T.dmatrix('m');
    const f = th.function([m], m.sub(max(m, 1, { keepdims: true })));
    expectAllClose(f([[1, 5], [7, 2]]), [[-4, 0], [0, -5]]);
  });
});

describe('dtypes (numpy rules)', () => {
  const rules: [DType, Record<string, DType>][] = [
    ['bool', { prod: 'int64', max: 'bool', argmax: 'int64', all: 'bool', var: 'float64', std: 'float64', logsumexp: 'float64', cumsum: 'int64', cumprod: 'int64' }],
    ['int8', { prod: 'int64', max: 'int8', argmax: 'int64', all: 'bool', var: 'float64', std: 'float64', logsumexp: 'float64', cumsum: 'int64', cumprod: 'int64' }],
    ['int32', { prod: 'int64', max: 'int32', argmax: 'int64', all: 'bool', var: 'float64', std: 'float64', logsumexp: 'float64', cumsum: 'int64', cumprod: 'int64' }],
    ['uint8', { prod: 'uint64', max: 'uint8', argmax: 'int64', all: 'bool', var: 'float64', std: 'float64', logsumexp: 'float64', cumsum: 'uint64', cumprod: 'uint64' }],
    ['float32', { prod: 'float32', max: 'float32', argmax: 'int64', all: 'bool', var: 'float32', std: 'float32', logsumexp: 'float32', cumsum: 'float32', cumprod: 'float32' }],
    ['float64', { prod: 'float64', max: 'float64', argmax: 'int64', all: 'bool', var: 'float64', std: 'float64', logsumexp: 'float64', cumsum: 'float64', cumprod: 'float64' }],
  ];
  it('follow numpy for each input dtype', () => {
    for (const [dtype, expected] of rules) {
      const v = T.matrix('v', dtype);
      const got: Record<string, DType> = {
        prod: prod(v).dtype,
        max: max(v, 0).dtype,
        argmax: argmax(v).dtype,
        all: all(v, 1).dtype,
        var: var_(v).dtype,
        std: std(v, 0).dtype,
        logsumexp: logsumexp(v).dtype,
        cumsum: cumsum(v, 0).dtype,
        cumprod: cumprod(v).dtype,
      };
      expect(got, dtype).toEqual(expected);
      expect(min(v).dtype).toBe(expected.max);
      expect(argmin(v, 1).dtype).toBe('int64');
      expect(any(v).dtype).toBe('bool');
    }
  });

  it('prod takes a dtype option, and int32 products are exact in int64 (np.prod)', () => {
    const i = T.ivector('i');
    const f = th.function([i], [prod(i), prod(i, null, { dtype: 'int32' })]);
    const [wide, narrow] = f(array([3 ** 19, 3, 3], { dtype: 'int32' }));
    expect(wide!.dtype).toBe('int64');
    expect(Number(wide)).toBe(3 ** 21);
    expect(narrow!.dtype).toBe('int32');
    expect(Number(narrow)).toBe(1870418611); // np.prod(np.array([3**19,3,3], np.int32), dtype=np.int32)
  });
});

describe('empty inputs (as numpy)', () => {
  const m = T.dmatrix('m');
  for (const [modeName, mode] of Object.entries(MODES)) {
    it(`identities where numpy has them (${modeName} mode)`, () => {
      const f = compile([m], [prod(m), prod(m, 0), all(m), any(m), all(m, 0), any(m, 0), logsumexp(m), cumsum(m), cumprod(m, 0)], mode());
      const [p, p0, a, y, a0, y0, l, cs, cp] = f(zeros([0, 3])) as NDArray[];
      expect(Number(p)).toBe(1);
      expect(p0!.toArray()).toEqual([1, 1, 1]);
      expect(a!.item()).toBe(true);
      expect(y!.item()).toBe(false);
      expect(a0!.toArray()).toEqual([true, true, true]);
      expect(y0!.toArray()).toEqual([false, false, false]);
      expect(Number(l)).toBe(-Infinity); // scipy.special.logsumexp of nothing
      expect(cs!.shape).toEqual([0]);
      expect(cp!.shape).toEqual([0, 3]);
    });

    it(`max, min, argmax and argmin of an empty axis are errors naming the op (${modeName} mode)`, () => {
      for (const [f, name] of [
        [max, 'Max'],
        [min, 'Min'],
        [argmax, 'Argmax'],
        [argmin, 'Argmin'],
      ] as const) {
        const run = compile([m], f(m, 0), mode());
        expect(() => run(zeros([0, 3])), name).toThrow(ShapeError);
        expect(() => run(zeros([0, 3])), name).toThrow(new RegExp(`${name}\\{axes=\\[0\\]\\}: (arg)?m(ax|in) of an empty axis \\(axis 0 of an input of shape \\(0, 3\\)\\)`));
        // Reducing a non-empty axis of an empty array is fine (np.zeros((3, 0)).max(axis=0)).
        expect((run(zeros([3, 0])) as unknown as NDArray).shape).toEqual([0]);
        expect(() => compile([m], f(m), mode())(zeros([2, 0]))).toThrow(/empty axis \(axis 1/);
      }
    });
  }
});

describe('NaN and ties (as numpy)', () => {
  const v = T.dvector('v');
  it('max and min propagate NaN; argmax and argmin point at the first NaN', () => {
    const f = th.function([v], [max(v), min(v), argmax(v), argmin(v)]);
    const [mx, mn, amx, amn] = f([1, NaN, 3, NaN]);
    expect(Number(mx)).toBeNaN();
    expect(Number(mn)).toBeNaN();
    expect(Number(amx)).toBe(1);
    expect(Number(amn)).toBe(1);
  });

  it('logsumexp of infinities follows scipy (no NaN from inf - inf)', () => {
    const f = th.function([v], logsumexp(v));
    expect(Number(f([-Infinity, -Infinity]))).toBe(-Infinity);
    expect(Number(f([Infinity, 1]))).toBe(Infinity);
    expectAllClose(f([-Infinity, 0, Math.log(3)]), Math.log(4), { rtol: 1e-14 });
  });

  it('ties take the first position', () => {
    const m = T.imatrix('m');
    const f = th.function([m], [argmax(m, 1), argmin(m, 0), argmax(m)]);
    const [a1, a0, flat] = f(array([[3, 1, 3], [2, 2, 1]], { dtype: 'int32' }));
    expect(a1!.toArray()).toEqual([0, 0]);
    expect(a0!.toArray()).toEqual([1, 0, 1]);
    expect(Number(flat)).toBe(0);
  });

  it('argmax over several axes counts in their row-major flattening', () => {
    const t = T.dtensor3('t');
    const value = array(Array.from({ length: 24 }, (_, i) => Math.sin(i * 1.7)), { shape: [2, 3, 4] });
    // np.sin(np.arange(24)*1.7).reshape(2,3,4).transpose(1,0,2).reshape(3,8).argmax(1)
    expect(th.function([t], argmax(t, [0, 2]))(value).toArray()).toEqual([4, 4, 7]);
  });
});

describe('gradients (verifyGrad)', () => {
  const M = [
    [0.5, -1.5, 2.0],
    [1.25, 0.75, -0.4],
  ];
  it('prod without zeros, over each axis form', () => {
    for (const axis of [null, 0, 1, -1, [0, 1]] as Axis[]) {
      th.gradient.verifyGrad((x) => prod(x, axis), [M]);
      th.gradient.verifyGrad((x) => prod(x, axis, { keepdims: true }), [M]);
    }
    th.gradient.verifyGrad((x) => prod(x, [0, 2]), [array(Array.from({ length: 24 }, (_, i) => 0.8 + 0.02 * i), { shape: [2, 3, 4] })]);
  });

  it('prod with one zero and with several zeros in a group', () => {
    const Z = [
      [0, 2, 3],
      [0, 0, 1.5],
      [0.5, -2, 1],
    ];
    for (const axis of [null, 0, 1] as Axis[]) th.gradient.verifyGrad((x) => prod(x, axis), [Z]);
    // Exact values: one zero gets the product of the others, the rest get 0; two zeros give all zeros.
    const x = T.dmatrix('x');
    const g = th.function([x], th.grad(prod(x, 1).sum(), x));
    expectAllClose(g(Z), [
      [6, 0, 0],
      [0, 0, 0],
      [-2, 0.5, -1],
    ]);
    th.gradient.verifyGrad((x) => prod(x, 0), [Z], { mode: new th.Mode({ linker: 'vm' }) });
  });

  it('max and min: gradient to the maximum; ties all get it (as Theano)', () => {
    th.gradient.verifyGrad((x) => max(x, 1), [M]);
    th.gradient.verifyGrad((x) => min(x, 0), [M]);
    th.gradient.verifyGrad((x) => max(x, null, { keepdims: true }), [M]);
    const x = T.dmatrix('x');
    const g = th.function([x], [th.grad(max(x, 1).sum(), x), th.grad(min(x).mul(3), x)]);
    const [gmax, gmin] = g([
      [1, 3, 3],
      [2, 2, 2],
    ]);
    expectAllClose(gmax!, [
      [0, 1, 1],
      [1, 1, 1],
    ]);
    expectAllClose(gmin!, [
      [3, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('var and std (with ddof), over each axis form', () => {
    for (const axis of [null, 0, 1, -1] as Axis[]) {
      th.gradient.verifyGrad((x) => var_(x, axis), [M]);
      th.gradient.verifyGrad((x) => std(x, axis, { ddof: 1 }), [M]);
    }
    th.gradient.verifyGrad((x) => var_(x, 0, { keepdims: true, ddof: 1 }), [M]);
  });

  it('logsumexp: verifyGrad, and the gradient is softmax', () => {
    for (const axis of [null, 0, 1] as Axis[]) th.gradient.verifyGrad((x) => logsumexp(x, axis), [M]);
    const x = T.dmatrix('x');
    const big = [
      [1000, 1001, 999],
      [-5, 3, 3],
    ];
    const [value, g] = th.function([x], [logsumexp(x, 1), th.grad(logsumexp(x, 1).sum(), x)])(big) as NDArray[];
    // scipy.special.logsumexp(big, axis=1) and scipy.special.softmax(big, axis=1)
    expectAllClose(value!, [1001.4076059644444, 3.6933148978085724], { rtol: 1e-12 });
    expectAllClose(
      g!,
      [
        [0.24472847105479764, 0.6652409557748218, 0.09003057317038046],
        [0.0001677031848757029, 0.49991614840756216, 0.49991614840756216],
      ],
      { rtol: 1e-10 },
    );
  });

  it('cumsum and cumprod (non-zero inputs), along each axis and flattened', () => {
    for (const axis of [null, 0, 1, -1]) {
      th.gradient.verifyGrad((x) => cumsum(x, axis), [M]);
      th.gradient.verifyGrad((x) => cumprod(x, axis), [M]);
    }
    th.gradient.verifyGrad((x) => cumsum(x, 1), [array(Array.from({ length: 24 }, (_, i) => Math.cos(i)), { shape: [2, 3, 4] })]);
    const x = T.dvector('x');
    // Reversed cumsum of the reversed gradient: d sum(w * cumsum(x)) / dx = [w0+w1+w2, w1+w2, w2].
    const w = th.array([1, 10, 100]);
    expectAllClose(th.function([x], th.grad(cumsum(x).mul(w).sum(), x))([1, 2, 3]), [111, 110, 100]);
  });

  it('argmax, argmin, all and any pass no gradient (zero)', () => {
    const x = T.dmatrix('x');
    const cost = T.add(max(x), T.cast(argmax(x), 'float64'), T.cast(argmin(x, 0), 'float64').sum(), T.cast(all(x.gt(0)), 'float64'), T.cast(any(x, 1), 'float64').sum());
    expectAllClose(th.function([x], th.grad(cost, x))(M), [
      [0, 0, 1],
      [0, 0, 0],
    ]);
    const node = argmax(x, 1).owner!;
    const [term] = node.op.grad!(node, [T.dvector()]);
    expectAllClose(th.function([x], term as TensorVariable)(M), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('R-operators of prod, max and cumsum agree with finite differences', () => {
    const x = T.dmatrix('x');
    const v = T.dmatrix('v');
    const X = [
      [0.5, -1.5, 2],
      [1.25, 0, -0.4],
    ];
    const V = [
      [0.3, 0.1, -0.2],
      [0.7, -0.5, 0.4],
    ];
    for (const f of [(t: TensorVariable) => prod(t, 1), (t: TensorVariable) => max(t, 0), (t: TensorVariable) => cumsum(t, 1)]) {
      const r = th.function([x, v], th.gradient.Rop(f(x), x, v) as TensorVariable, { onUnusedInput: 'ignore' })(X, V);
      const at = th.function([x], f(x));
      const eps = 1e-6;
      const shift = (s: number) => at(th.array(X.map((row, i) => row.map((a, j) => a + s * V[i]![j]!))));
      const fd = Array.from((shift(eps) as NDArray).flatData());
      const bd = Array.from((shift(-eps) as NDArray).flatData());
      expectAllClose(Array.from(r.flatData()), fd.map((a, i) => (a - bd[i]!) / (2 * eps)), { rtol: 1e-6, atol: 1e-8 });
    }
  });
});

describe('inferShape agrees with compiled shapes', () => {
  const reducers: [string, (x: TensorVariable, axis: Axis, keepdims: boolean) => TensorVariable][] = [
    ['prod', (x, a, k) => prod(x, a, { keepdims: k })],
    ['max', (x, a, k) => max(x, a, { keepdims: k })],
    ['argmin', (x, a, k) => argmin(x, a, { keepdims: k })],
    ['any', (x, a, k) => any(x, a, { keepdims: k })],
    ['std', (x, a, k) => std(x, a, { keepdims: k })],
    ['logsumexp', (x, a, k) => logsumexp(x, a, { keepdims: k })],
    ['cumsum', (x, a) => cumsum(x, a as number | null)],
    ['cumprod', (x, a) => cumprod(x, a as number | null)],
  ];
  it('for every reduction over various axes and shapes (shapeI compiled with th.function)', () => {
    let seed = 11;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const t = T.dtensor3('t');
    for (let trial = 0; trial < 4; trial++) {
      const shape = [1 + Math.floor(rand() * 4), 1 + Math.floor(rand() * 3), 1 + Math.floor(rand() * 4)];
      const value = array(Array.from({ length: shape[0]! * shape[1]! * shape[2]! }, () => rand() + 0.5), { shape });
      for (const [name, f] of reducers) {
        const axesList: Axis[] = name.startsWith('cum') ? [null, 0, 1, -1] : [null, 0, 2, -2, [0, 2]];
        for (const axis of axesList) {
          for (const keepdims of [false, true]) {
            const r = f(t, axis, keepdims);
            const lengths = Array.from({ length: r.ndim }, (_, k) => shapeI(r, k));
            const [actual, ...ns] = th.function([t], [r, ...lengths])(value) as NDArray[];
            expect(ns.map(Number), `${name} ${JSON.stringify(axis)} ${keepdims} ${shape}`).toEqual(actual!.shape);
            // The op's own rule, applied to the symbolic input shape.
            const node = (r.owner!.op instanceof T.DimShuffle ? (r.owner!.inputs[0] as TensorVariable) : r).owner!;
            if (node.op instanceof CAReduce || node.op instanceof ArgReduce || node.op instanceof CumOp) {
              const inferred = node.op.inferShape!(node, [T.symbolicShape(node.inputs[0] as TensorVariable)])[0]!;
              const g = th.function([t], inferred as TensorVariable[], { onUnusedInput: 'ignore' });
              const nodeValue = th.function([t], node.outputs[0] as TensorVariable)(value);
              expect((g(value) as NDArray[]).map(Number)).toEqual(nodeValue.shape);
            }
          }
        }
      }
    }
  });
});

describe('errors', () => {
  const x = T.dtensor3('x');
  it('a bad axis names the function, the value and the rank', () => {
    const fns: [string, (a: Axis) => unknown][] = [
      ['prod', (a) => prod(x, a)],
      ['max', (a) => max(x, a)],
      ['min', (a) => min(x, a)],
      ['argmax', (a) => argmax(x, a)],
      ['argmin', (a) => argmin(x, a)],
      ['all', (a) => all(x, a)],
      ['any', (a) => any(x, a)],
      ['var', (a) => var_(x, a)],
      ['std', (a) => std(x, a)],
      ['logsumexp', (a) => logsumexp(x, a)],
      ['cumsum', (a) => cumsum(x, a as number)],
      ['cumprod', (a) => cumprod(x, a as number)],
    ];
    for (const [name, f] of fns) {
      expect(() => f(3), name).toThrow(ShapeError);
      expect(() => f(3), name).toThrow(new RegExp(`^${name}: axis 3 is out of range for a 3-d input \\(valid: -3 to 2\\)`));
      expect(() => f(-4), name).toThrow(/axis -4 is out of range for a 3-d input/);
      expect(() => f(1.5), name).toThrow(ShapeError);
    }
    expect(() => max(x, [0, -3])).toThrow(/max: axis \[0,-3\] repeats an axis/);
    expect(() => cumsum(x, [0, 1] as unknown as number)).toThrow(/cumsum: axis must be an integer or null/);
    expect(() => argmax(T.dscalar(), 0)).toThrow(/argmax: axis 0 is out of range for a 0-d input/);
  });

  it('ops check their own axes and options', () => {
    const m = T.dmatrix('m');
    expect(() => new MaxMin('max', [2]).makeNode(m)).toThrow(/axis 2 is out of range for the 2-d input m/);
    expect(() => new ArgReduce('min', [5]).makeNode(m)).toThrow(/Argmin\{axes=\[5\]\}: axis 5 is out of range/);
    expect(() => new CumOp(2, 'add').makeNode(m)).toThrow(/Cumsum\{axis=2\}: axis 2 is out of range for the 2-d input m/);
    expect(() => var_(m, 0, { ddof: NaN })).toThrow(/var: ddof must be a finite number/);
    expect(() => prod(m, 0, { dtype: 'nope' as DType })).toThrow(/prod: unknown dtype "nope"/);
    expect(() => all(T.dvector(), 0).owner!.op).not.toThrow();
  });

  it('a plain CAReduce of maximum keeps its identity and has no gradient rule', () => {
    const m = T.dmatrix('m');
    const raw = new CAReduce(S.maximum, [0]).apply1(m) as TensorVariable;
    expect(th.function([m], raw)(zeros([0, 2])).toArray()).toEqual([-Infinity, -Infinity]);
    expect(() => th.grad(raw.sum(), m)).toThrow(/CAReduce\{maximum/);
  });
});

describe('reduction methods and fusion', () => {
  it('TensorVariable methods: x.max(1), x.argmax(), x.var(...), x.cumsum()', () => {
    const x = th.tensor.dmatrix('x');
    const f = th.function([x], [x.max(1), x.argmax(), x.prod(0), x.var(null, { ddof: 1 }), x.cumsum(1), x.any(), x.all(1)]);
    const [mx, am, pr, v, cs, an, al] = f([[1, 5], [3, 2]]);
    expect(mx!.toArray()).toEqual([5, 3]);
    expect(Number(am)).toBe(1);
    expect(pr!.toArray()).toEqual([3, 10]);
    expect(Number(v)).toBeCloseTo(2.9166666666666665, 14);
    expect(cs!.toArray()).toEqual([[1, 6], [3, 5]]);
    expect(an!.toArray()).toBe(true);
    expect(al!.toArray()).toEqual([true, true]);
  });

  it('the max of an elementwise result of an empty axis is still an error (not fused into a fold)', () => {
    const m = th.tensor.dmatrix('m');
    const f = th.function([m], th.tensor.max(m.mul(2), 0));
    expect(() => f(th.zeros([0, 3]))).toThrow(/max of an empty axis/);
  });
});
