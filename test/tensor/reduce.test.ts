/**
 * Reductions (CAReduce, sum, mean): axes as numpy takes them, keepdims,
 * dtype rules and option, strided and empty inputs, errors, and inferShape
 * checked against compiled shapes. Expected values come from numpy with
 * A = (np.arange(24) * 0.37 - 3).reshape(2, 3, 4).
 */
import { describe, it, expect } from 'vitest';
import * as th from '../../src/index.js';
import * as T from '../../src/tensor/index.js';
import * as S from '../../src/scalar/ops.js';
import { CAReduce, normalizeAxes } from '../../src/tensor/reduce.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import { array, zeros } from '../../src/ndarray/create.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';
import type { DType } from '../../src/ndarray/dtype.js';
import { DTypeError, ShapeError } from '../../src/errors.js';
import { expectAllClose } from '../helpers/allclose.js';

const A = array(
  Array.from({ length: 24 }, (_, i) => i * 0.37 - 3),
  { shape: [2, 3, 4] },
);
const x = T.dtensor3('x');
const run = (out: TensorVariable, value: unknown = A, input: TensorVariable = x): NDArray => th.function([input], out)(value);

/** Runs a CAReduce node directly. */
function perform(op: CAReduce, input: NDArray, type?: TensorVariable): NDArray {
  const v = type ?? T.tensor(input.dtype, input.shape.map(() => null));
  const node = op.makeNode(v);
  const cells = node.outputs.map(() => ({ value: undefined as unknown }));
  node.op.perform(node, [input], cells);
  return cells[0]!.value as NDArray;
}

describe('sum over axes (numpy values)', () => {
  it('all axes by default (null and undefined too)', () => {
    expectAllClose(run(x.sum()), 30.119999999999997, { rtol: 1e-12 });
    expectAllClose(run(T.sum(x, null)), 30.119999999999997, { rtol: 1e-12 });
    expect(x.sum().ndim).toBe(0);
  });

  it('one axis', () => {
    expectAllClose(
      run(x.sum(0)),
      [
        [-1.5600000000000005, -0.8200000000000003, -0.08000000000000007, 0.6599999999999997],
        [1.4, 2.14, 2.88, 3.62],
        [4.36, 5.1, 5.840000000000001, 6.58],
      ],
      { rtol: 1e-12, atol: 1e-15 },
    );
    expectAllClose(
      run(x.sum(1)),
      [
        [-4.56, -3.4499999999999997, -2.34, -1.23],
        [8.76, 9.87, 10.98, 12.09],
      ],
      { rtol: 1e-12 },
    );
    expectAllClose(
      run(x.sum(2)),
      [
        [-9.78, -3.8600000000000003, 2.0600000000000005],
        [7.979999999999999, 13.900000000000002, 19.82],
      ],
      { rtol: 1e-12 },
    );
  });

  it('lists of axes, negative axes, any order', () => {
    const a02 = [-1.8000000000000007, 10.040000000000003, 21.880000000000003];
    expectAllClose(run(x.sum([0, 2])), a02, { rtol: 1e-12 });
    expectAllClose(run(x.sum([2, 0])), a02, { rtol: 1e-12 });
    expectAllClose(run(x.sum([-1, -3])), a02, { rtol: 1e-12 });
    expectAllClose(
      run(x.sum(-1)),
      [
        [-9.78, -3.8600000000000003, 2.0600000000000005],
        [7.979999999999999, 13.900000000000002, 19.82],
      ],
      { rtol: 1e-12 },
    );
    expectAllClose(run(x.sum([1, 2])), [-11.579999999999998, 41.699999999999996], { rtol: 1e-12 });
    expectAllClose(run(x.sum([0, 1, 2])), 30.119999999999997, { rtol: 1e-12 });
    expect(x.sum([2, 0]).owner!.op.equals(x.sum([0, 2]).owner!.op)).toBe(true);
  });

  it('an empty axis list reduces nothing', () => {
    const s = x.sum([]);
    expect(s.staticShape).toEqual([null, null, null]);
    expectAllClose(run(s), A);
  });

  it('keepdims keeps reduced axes as broadcastable length-1 axes', () => {
    const k = x.sum([0, 2], { keepdims: true });
    expect(k.broadcastable).toEqual([true, false, true]);
    expect(k.staticShape).toEqual([1, null, 1]);
    expectAllClose(run(k), [[[-1.8000000000000007], [10.040000000000003], [21.880000000000003]]], { rtol: 1e-12 });
    const all = x.sum(null, { keepdims: true });
    expect(all.staticShape).toEqual([1, 1, 1]);
    expect(run(all).shape).toEqual([1, 1, 1]);
    // keepdims results broadcast against the input, as numpy's do.
    const centered = x.sub(x.mean(1, { keepdims: true }));
    expect(centered.staticShape).toEqual([null, null, null]);
    const c = run(centered);
    expectAllClose(run(centered.sum(1)), zeros([2, 4]), { atol: 1e-12 });
    expect(c.shape).toEqual([2, 3, 4]);
  });

  it('keeps static lengths of the remaining axes', () => {
    const t = T.tensor('float64', [2, null, 4]);
    expect(t.sum(1).staticShape).toEqual([2, 4]);
    expect(t.sum(0).staticShape).toEqual([null, 4]);
    expect(t.sum([0, 1], { keepdims: true }).staticShape).toEqual([1, 1, 4]);
  });
});

describe('mean (numpy values)', () => {
  it('over all, one and several axes, with keepdims', () => {
    expectAllClose(run(x.mean()), 1.255, { rtol: 1e-12 });
    expectAllClose(
      run(x.mean(1)),
      [
        [-1.5199999999999998, -1.15, -0.7799999999999999, -0.41],
        [2.92, 3.2899999999999996, 3.66, 4.03],
      ],
      { rtol: 1e-12 },
    );
    expectAllClose(run(x.mean([0, 2])), [-0.2250000000000001, 1.2550000000000003, 2.7350000000000003], { rtol: 1e-12 });
    expectAllClose(run(x.mean(-3)), run(x.mean(0)));
    const k = x.mean(1, { keepdims: true });
    expect(k.staticShape).toEqual([null, 1, null]);
    expectAllClose(
      run(k),
      [[[-1.5199999999999998, -1.15, -0.7799999999999999, -0.41]], [[2.92, 3.2899999999999996, 3.66, 4.03]]],
      { rtol: 1e-12 },
    );
  });

  it('uses static lengths as constants and run-time lengths otherwise', () => {
    const t = T.tensor('float64', [2, null], 't');
    const f = th.function([t], t.mean());
    expectAllClose(f([[1, 2, 3], [4, 5, 6]]), 3.5);
    expectAllClose(f([[1], [2]]), 1.5);
  });
});

describe('dtypes', () => {
  const cases: [DType, DType, DType][] = [
    // input, sum, mean
    ['bool', 'int64', 'float64'],
    ['int8', 'int64', 'float64'],
    ['int16', 'int64', 'float64'],
    ['int32', 'int64', 'float64'],
    ['int64', 'int64', 'float64'],
    ['uint8', 'uint64', 'float64'],
    ['uint16', 'uint64', 'float64'],
    ['uint32', 'uint64', 'float64'],
    ['float32', 'float32', 'float32'],
    ['float64', 'float64', 'float64'],
  ];

  it('sum accumulates ints in 64 bits, mean of discrete inputs is float64, floats keep their dtype', () => {
    for (const [input, sumDt, meanDt] of cases) {
      const v = T.matrix('v', input);
      expect(v.sum().dtype, input).toBe(sumDt);
      expect(v.sum(0).dtype, input).toBe(sumDt);
      expect(v.mean().dtype, input).toBe(meanDt);
      expect(v.mean(1, { keepdims: true }).dtype, input).toBe(meanDt);
    }
  });

  it('compiled values have those dtypes (numpy values)', () => {
    const u = T.vector('u', 'uint8');
    const s = run(u.sum(), [200, 100, 255], u);
    expect(s.dtype).toBe('uint64');
    expect(Number(s)).toBe(555);
    const b = T.vector('b', 'bool');
    const bs = run(b.sum(), [true, false, true], b);
    expect(bs.dtype).toBe('int64');
    expect(Number(bs)).toBe(2);
    const i = T.imatrix('i');
    const im = run(i.mean(), [[1, 2], [3, 5]], i);
    expect(im.dtype).toBe('float64');
    expect(Number(im)).toBe(2.75);
    expect(run(i.mean(0), [[1, 2], [3, 5]], i).toArray()).toEqual([2, 3.5]);
    const big = T.lvector('big');
    const bs64 = run(big.sum(), [2 ** 52, 2 ** 51, 3], big);
    expect(bs64.dtype).toBe('int64');
    expect(Number(bs64)).toBe(6755399441055747); // exact below 2^53
  });

  it('float32 stays float32 (numpy values)', () => {
    const f = T.ftensor3('f');
    const A32 = A.astype('float32');
    const s = run(f.sum(), A32, f);
    expect(s.dtype).toBe('float32');
    expectAllClose(s, 30.1200008392334, { rtol: 1e-6 });
    const m = run(f.mean(1), A32, f);
    expect(m.dtype).toBe('float32');
    expectAllClose(
      m,
      [
        [-1.5199999809265137, -1.1500000953674316, -0.7799999713897705, -0.4099999666213989],
        [2.9200000762939453, 3.2899999618530273, 3.6599998474121094, 4.03000020980835],
      ],
      { rtol: 1e-6 },
    );
  });

  it('the dtype option sets the output dtype (wrapping as numpy for narrow ints)', () => {
    expect(x.sum(0, { dtype: 'float32' }).dtype).toBe('float32');
    const s32 = run(x.sum(null, { dtype: 'float32' }));
    expect(s32.dtype).toBe('float32');
    expectAllClose(s32, 30.12, { rtol: 1e-6 });
    const b = T.bvector('b');
    const w = run(b.sum(null, { dtype: 'int8' }), [100, 100, 27], b);
    expect(w.dtype).toBe('int8');
    expect(Number(w)).toBe(-29); // np.array([100,100,27], np.int8).sum(dtype=np.int8)
    // Each element converts to the output dtype before summing, as numpy:
    // np.sum([0.5, 0.5, 1.7, -0.9], dtype=np.int32) == 1; np.sum([1, -1], dtype=bool) == True
    const v = T.dvector('v');
    const trunc = run(v.sum(null, { dtype: 'int32' }), [0.5, 0.5, 1.7, -0.9], v);
    expect(trunc.dtype).toBe('int32');
    expect(Number(trunc)).toBe(1);
    expect(run(v.sum(null, { dtype: 'bool' }), [1, -1], v).item()).toBe(true);
    const mm = T.dmatrix('mm');
    expect(run(mm.sum(0, { dtype: 'int64' }), [[0.6, 1.5], [2.5, -1.5]], mm).toArray()).toEqual([2, 0]);
    const i = T.ivector('i');
    expect(i.mean(null, { dtype: 'float32' }).dtype).toBe('float32');
    expectAllClose(run(i.mean(null, { dtype: 'float32' }), [1, 2], i), 1.5);
    expect(() => x.sum(0, { dtype: 'float16' as DType })).toThrow(DTypeError);
    expect(() => x.mean(0, { dtype: 'nope' as DType })).toThrow(/mean: unknown dtype "nope"/);
  });
});

describe('non-contiguous and broadcast inputs', () => {
  it('sums a transposed view (numpy values)', () => {
    const t = A.transpose([2, 0, 1]); // (4, 2, 3), strided
    expect(t.isContiguous()).toBe(false);
    expectAllClose(
      run(x.sum(0), t),
      [
        [-9.78, -3.8600000000000003, 2.0600000000000005],
        [7.979999999999999, 13.900000000000002, 19.82],
      ],
      { rtol: 1e-12 },
    );
    expectAllClose(
      run(x.sum(2), t),
      [
        [-4.56, 8.76],
        [-3.4499999999999997, 9.87],
        [-2.34, 10.98],
        [-1.23, 12.09],
      ],
      { rtol: 1e-12 },
    );
    expectAllClose(run(x.mean([1, 2]), t), [0.7000000000000001, 1.07, 1.4400000000000002, 1.8099999999999998], { rtol: 1e-12 });
    // Trailing axes of a strided input (not the contiguous fast path).
    expectAllClose(run(x.sum([1, 2]), t), [4.2, 6.42, 8.64, 10.86], { rtol: 1e-12 });
  });

  it('sums through a compiled transpose and a view with an offset', () => {
    const m = T.dmatrix('m');
    const M = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    expectAllClose(th.function([m], m.T.sum(1))(M), [5, 7, 9]);
    expectAllClose(th.function([m], m.T.sum(0))(M), [6, 15]);
    const base = array([9, 9, 1, 2, 3, 4, 5, 6]);
    const { NDArray } = th;
    const view = new NDArray(base.data, 'float64', [2, 3], [3, 1], 2);
    expectAllClose(th.function([m], m.sum(1))(view), [6, 15]);
    expectAllClose(th.function([m], m.sum(0))(view), [5, 7, 9]);
  });

  it('sums a broadcast (stride 0) input', () => {
    const row = array([[1, 2, 3]]).broadcastTo([4, 3]);
    const op = new CAReduce(S.add, [0]);
    expectAllClose(perform(op, row), [4, 8, 12]);
    expectAllClose(perform(new CAReduce(S.add, [1]), row), [6, 6, 6, 6]);
  });
});

describe('empty inputs (as numpy)', () => {
  const m = T.dmatrix('m');
  it('sum of nothing is 0', () => {
    expectAllClose(th.function([m], m.sum())(zeros([0, 3])), 0);
    expectAllClose(th.function([m], m.sum(0))(zeros([0, 3])), [0, 0, 0]);
    expectAllClose(th.function([m], m.sum(1))(zeros([3, 0])), [0, 0, 0]);
    expect(th.function([m], m.sum(1))(zeros([0, 3])).shape).toEqual([0]);
    const i = T.imatrix('i');
    expect(Number(th.function([i], i.sum())(zeros([0, 2], 'int32')))).toBe(0);
  });

  it('mean of nothing is NaN', () => {
    expect(Number(th.function([m], m.mean())(zeros([0, 3])))).toBeNaN();
    const m0 = th.function([m], m.mean(0))(zeros([0, 3]));
    expect(m0.shape).toEqual([3]);
    for (const v of m0.toArray() as number[]) expect(v).toBeNaN();
  });
});

describe('axis errors', () => {
  it('refuses out-of-range, repeated and non-integer axes, naming the function', () => {
    expect(() => x.sum(3)).toThrow(ShapeError);
    expect(() => x.sum(3)).toThrow(/sum: axis 3 is out of range for a 3-d input \(valid: -3 to 2\)/);
    expect(() => x.sum(-4)).toThrow(/axis -4 is out of range/);
    expect(() => x.mean([0, 5])).toThrow(/mean: axis 5/);
    expect(() => x.sum([0, -3])).toThrow(/repeats an axis/);
    expect(() => x.sum([1, 1])).toThrow(ShapeError);
    expect(() => x.sum(0.5)).toThrow(ShapeError);
    expect(() => T.dscalar().sum(0)).toThrow(/out of range for a 0-d input/);
  });

  it('CAReduce itself checks its axes and its scalar op', () => {
    expect(() => new CAReduce(S.add, [2]).makeNode(T.dmatrix('m'))).toThrow(/axis 2 is out of range for the 2-d input m/);
    expect(() => new CAReduce(S.sub, [0])).toThrow(/associative binary op/);
    expect(() => new CAReduce(S.exp, [0])).toThrow(TypeError);
  });

  it('normalizeAxes sorts and resolves negatives', () => {
    expect(normalizeAxes(undefined, 3, 'f')).toEqual([0, 1, 2]);
    expect(normalizeAxes(-1, 3, 'f')).toEqual([2]);
    expect(normalizeAxes([2, -3], 3, 'f')).toEqual([0, 2]);
  });
});

describe('CAReduce with other scalar ops', () => {
  it('products wrap as numpy in the output dtype (np.prod(..., dtype=int32))', () => {
    const a = array([3 ** 19, 3 ** 19, 3 ** 19], { dtype: 'int32' });
    const out = perform(new CAReduce(S.mul, [0], 'int32'), a);
    expect(out.dtype).toBe('int32');
    expect(Number(out)).toBe(886634019);
  });

  it('bitwise and over int64 keeps all 64 bits (np.bitwise_and.reduce)', () => {
    const a = array([2 ** 40 + 1, 2 ** 40 + 3], { dtype: 'int64' });
    const out = perform(new CAReduce(S.and, [0]), a);
    expect(out.dtype).toBe('int64');
    expect(Number(out)).toBe(1099511627777);
  });

  it('maximum and minimum fold from their identities', () => {
    const a = array([
      [1, 5, -2],
      [7, -1, 0],
    ]);
    expect(perform(new CAReduce(S.maximum, [1]), a).toArray()).toEqual([5, 7]);
    expect(perform(new CAReduce(S.minimum, [0]), a).toArray()).toEqual([1, -1, -2]);
    expect(perform(new CAReduce(S.maximum, [0]), zeros([0, 2])).toArray()).toEqual([-Infinity, -Infinity]);
  });

  it('reuses its output buffer when the shape allows, and reallocates otherwise', () => {
    const op = new CAReduce(S.add, [1]);
    const node = op.makeNode(T.dmatrix());
    const cells = [{ value: undefined as unknown }];
    node.op.perform(node, [array([[1, 2], [3, 4]])], cells);
    const first = cells[0]!.value as NDArray;
    expect(first.toArray()).toEqual([3, 7]);
    node.op.perform(node, [array([[5, 5], [1, 1]])], cells);
    expect(cells[0]!.value).toBe(first);
    expect(first.toArray()).toEqual([10, 2]);
    node.op.perform(node, [array([[1], [2], [3]])], cells);
    expect(cells[0]!.value).not.toBe(first);
    expect((cells[0]!.value as NDArray).toArray()).toEqual([1, 2, 3]);
  });
});

describe('inferShape agrees with compiled shapes', () => {
  const shapeOf = (v: TensorVariable, input: TensorVariable, value: NDArray): number[] => {
    const node = v.owner!;
    const inferred = node.op.inferShape!(node, [T.symbolicShape(input)])[0]!;
    const f = th.function([input], inferred as TensorVariable[], { onUnusedInput: 'ignore' });
    return f(value).map(Number);
  };

  it('for CAReduce over various axes', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const t = T.dtensor3('t');
    for (let trial = 0; trial < 8; trial++) {
      const shape = [1 + Math.floor(rand() * 4), Math.floor(rand() * 4), 1 + Math.floor(rand() * 4)];
      const value = zeros(shape).astype('float64');
      for (const axes of [[0], [1], [2], [0, 2], [0, 1, 2], []] as number[][]) {
        const s = t.sum(axes);
        const actual = th.function([t], s)(value).shape;
        expect(shapeOf(s, t, value), `${shape} ${axes}`).toEqual(actual);
      }
    }
  });
});
