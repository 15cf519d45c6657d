/**
 * TensorVariable methods: each builds the right node, takes variables, JS
 * numbers and nested arrays as operands, and computes numpy's values when
 * compiled. Expected values come from numpy (see the comments).
 */
import { describe, it, expect } from 'vitest';
import * as th from '../../src/index.js';
import * as T from '../../src/tensor/index.js';
import { TensorVariable, TensorConstant } from '../../src/tensor/variable.js';
import { Elemwise } from '../../src/tensor/elemwise.js';
import { DimShuffle } from '../../src/tensor/dimshuffle.js';
import { CAReduce } from '../../src/tensor/reduce.js';
import { Dot } from '../../src/tensor/dot.js';
import { NDArray } from '../../src/ndarray/ndarray.js';
import { array } from '../../src/ndarray/create.js';
import { DTypeError } from '../../src/errors.js';
import { expectAllClose } from '../helpers/allclose.js';

// numpy inputs: X, Y float64; P positive; IX, IY int32.
const X = [
  [1.5, -2, 3],
  [0.25, 4, -1],
];
const Y = [
  [2, 0.5, -1],
  [3, -2, 8],
];
const P = [
  [1.5, 2, 3],
  [0.25, 4, 1],
];
const IX = [
  [7, -7, 3],
  [-3, 10, 0],
];
const IY = [
  [2, 3, -2],
  [5, -4, 1],
];

/** Compiles `out` from `inputs` and calls it. */
const run = (inputs: TensorVariable[], out: TensorVariable, ...values: unknown[]): NDArray =>
  th.function(inputs, out, { onUnusedInput: 'ignore' })(...values);

const opName = (v: TensorVariable): string => String(v.owner!.op);

describe('TensorVariable properties', () => {
  it('exposes dtype, ndim, broadcastable and staticShape of its type', () => {
    const x = T.tensor('float32', [1, null, 4], 'x');
    expect(x.dtype).toBe('float32');
    expect(x.ndim).toBe(3);
    expect(x.broadcastable).toEqual([true, false, false]);
    expect(x.staticShape).toEqual([1, null, 4]);
    expect(x.type.shape).toBe(x.staticShape);
  });
});

describe('arithmetic methods with variables (numpy values)', () => {
  const x = T.dmatrix('x');
  const y = T.dmatrix('y');

  it('add sub mul div pow neg', () => {
    expectAllClose(run([x, y], x.add(y), X, Y), [
      [3.5, -1.5, 2.0],
      [3.25, 2.0, 7.0],
    ]);
    expectAllClose(run([x, y], x.sub(y), X, Y), [
      [-0.5, -2.5, 4.0],
      [-2.75, 6.0, -9.0],
    ]);
    expectAllClose(run([x, y], x.mul(y), X, Y), [
      [3.0, -1.0, -3.0],
      [0.75, -8.0, -8.0],
    ]);
    expectAllClose(run([x, y], x.div(y), X, Y), [
      [0.75, -4.0, -3.0],
      [0.08333333333333333, -2.0, -0.125],
    ]);
    expectAllClose(run([x, y], x.pow(y), P, Y), [
      [2.25, 1.4142135623730951, 0.3333333333333333],
      [0.015625, 0.0625, 1.0],
    ]);
    expectAllClose(run([x], x.neg(), X), [
      [-1.5, 2.0, -3.0],
      [-0.25, -4.0, 1.0],
    ]);
  });

  it('abs exp log sqrt clip', () => {
    expectAllClose(run([x], x.abs(), X), [
      [1.5, 2.0, 3.0],
      [0.25, 4.0, 1.0],
    ]);
    expectAllClose(run([x], x.exp(), X), [
      [4.4816890703380645, 0.1353352832366127, 20.085536923187668],
      [1.2840254166877414, 54.598150033144236, 0.36787944117144233],
    ]);
    expectAllClose(run([x], x.log(), P), [
      [0.4054651081081644, 0.6931471805599453, 1.0986122886681098],
      [-1.3862943611198906, 1.3862943611198906, 0.0],
    ]);
    expectAllClose(run([x], x.sqrt(), P), [
      [1.224744871391589, 1.4142135623730951, 1.7320508075688772],
      [0.5, 2.0, 1.0],
    ]);
    expectAllClose(run([x], x.clip(-1, 2), X), [
      [1.5, -1.0, 2.0],
      [0.25, 2.0, -1.0],
    ]);
    const lo = T.dscalar('lo');
    const hi = T.dscalar('hi');
    expectAllClose(run([x, lo, hi], x.clip(lo, hi), X, -1, 2), [
      [1.5, -1.0, 2.0],
      [0.25, 2.0, -1.0],
    ]);
  });

  it('intDiv and mod floor toward -inf, with the divisor sign (Python // and %)', () => {
    const ix = T.imatrix('ix');
    const iy = T.imatrix('iy');
    const q = ix.intDiv(iy);
    const m = ix.mod(iy);
    expect(q.dtype).toBe('int32');
    expect(m.dtype).toBe('int32');
    expect(run([ix, iy], q, IX, IY).toArray()).toEqual([
      [3, -3, -2],
      [-1, -3, 0],
    ]);
    expect(run([ix, iy], m, IX, IY).toArray()).toEqual([
      [1, 2, -1],
      [2, -2, 0],
    ]);
    // floats: np.floor_divide / np.mod
    expectAllClose(run([x, y], x.intDiv(y), X, Y), [
      [0.0, -4.0, -3.0],
      [0.0, -2.0, -1.0],
    ]);
    expectAllClose(run([x, y], x.mod(y), X, Y), [
      [1.5, 0.0, 0.0],
      [0.25, 0.0, 7.0],
    ]);
  });

  it('dot, sum, mean, T, dimshuffle, astype', () => {
    expectAllClose(run([x, y], x.dot(y.T), X, Y), [
      [-1.0, 32.5],
      [3.5, -15.25],
    ]);
    expectAllClose(run([x], x.sum(), X), 5.75);
    expectAllClose(run([x], x.sum(0), X), [1.75, 2.0, 2.0]);
    expectAllClose(run([x], x.mean(), X), 0.9583333333333334);
    expectAllClose(run([x], x.mean(1), X), [0.8333333333333334, 1.0833333333333333]);
    expectAllClose(run([x], x.T, X), [
      [1.5, 0.25],
      [-2.0, 4.0],
      [3.0, -1.0],
    ]);
    expectAllClose(run([x], x.transpose([1, 0]), X), [
      [1.5, 0.25],
      [-2.0, 4.0],
      [3.0, -1.0],
    ]);
    const d = x.dimshuffle('x', 1, 0);
    expect(d.staticShape).toEqual([1, null, null]);
    expect(run([x], d, X).shape).toEqual([1, 3, 2]);
    expect(x.dimshuffle(['x', 0, 1]).staticShape).toEqual([1, null, null]);
    const c = x.astype('int32');
    expect(c.dtype).toBe('int32');
    expect(run([x], c, X).toArray()).toEqual([
      [1, -2, 3],
      [0, 4, -1],
    ]);
    expect(x.astype('float64')).toBe(x);
    expect(() => x.astype('float16' as never)).toThrow(DTypeError);
  });

  it('the methods build the expected ops', () => {
    expect(opName(x.add(y))).toBe('Elemwise{add}');
    expect(opName(x.div(y))).toBe('Elemwise{trueDiv}');
    expect(opName(x.intDiv(y))).toBe('Elemwise{intDiv}');
    expect(x.T.owner!.op).toBeInstanceOf(DimShuffle);
    expect(x.sum().owner!.op).toBeInstanceOf(CAReduce);
    expect(x.dot(y.T).owner!.op).toBeInstanceOf(Dot);
    expect(x.exp().owner!.op).toBeInstanceOf(Elemwise);
    expect(x.add(y).owner!.inputs).toEqual([x, y]);
  });
});

describe('comparisons give bool tensors', () => {
  const x = T.dmatrix('x');
  const y = T.dmatrix('y');
  it('lt gt le ge eq neq (numpy values)', () => {
    const cases: [TensorVariable, boolean[][]][] = [
      [
        x.lt(y),
        [
          [true, true, false],
          [true, false, true],
        ],
      ],
      [
        x.gt(y),
        [
          [false, false, true],
          [false, true, false],
        ],
      ],
      [
        x.le(1.5),
        [
          [true, true, false],
          [true, false, true],
        ],
      ],
      [
        x.ge(y),
        [
          [false, false, true],
          [false, true, false],
        ],
      ],
      [
        x.eq(1.5),
        [
          [true, false, false],
          [false, false, false],
        ],
      ],
      [
        x.neq(1.5),
        [
          [false, true, true],
          [true, true, true],
        ],
      ],
    ];
    for (const [expr, want] of cases) {
      expect(expr.dtype).toBe('bool');
      const out = run([x, y], expr, X, Y);
      expect(out.dtype).toBe('bool');
      expect(out.toArray()).toEqual(want);
    }
  });
});

describe('logical and bitwise methods', () => {
  it('and or xor invert on ints are bitwise (numpy values)', () => {
    const ix = T.imatrix('ix');
    const iy = T.imatrix('iy');
    expect(run([ix, iy], ix.and(iy), IX, IY).toArray()).toEqual([
      [2, 1, 2],
      [5, 8, 0],
    ]);
    expect(run([ix, iy], ix.or(iy), IX, IY).toArray()).toEqual([
      [7, -5, -1],
      [-3, -2, 1],
    ]);
    expect(run([ix, iy], ix.xor(iy), IX, IY).toArray()).toEqual([
      [5, -6, -3],
      [-8, -10, 1],
    ]);
    expect(run([ix], ix.invert(), IX).toArray()).toEqual([
      [-8, 6, -4],
      [2, -11, -1],
    ]);
    expect(ix.and(iy).dtype).toBe('int32');
  });

  it('and or xor invert on bools are logical', () => {
    const a = T.vector('a', 'bool');
    const b = T.vector('b', 'bool');
    const A = [true, true, false, false];
    const B = [true, false, true, false];
    expect(run([a, b], a.and(b), A, B).toArray()).toEqual([true, false, false, false]);
    expect(run([a, b], a.or(b), A, B).toArray()).toEqual([true, true, true, false]);
    expect(run([a, b], a.xor(b), A, B).toArray()).toEqual([false, true, true, false]);
    expect(run([a], a.invert(), A).toArray()).toEqual([false, false, true, true]);
    expect(a.and(b).dtype).toBe('bool');
    // comparisons combine
    const x = T.dvector('x');
    const inRange = x.gt(0).and(x.lt(2));
    expect(run([x], inRange, [-1, 0.5, 1.5, 3]).toArray()).toEqual([false, true, true, false]);
  });

  it('refuse float operands', () => {
    const x = T.dvector('x');
    expect(() => x.and(x)).toThrow(DTypeError);
    expect(() => x.invert()).toThrow(DTypeError);
  });
});

describe('operands: JS numbers and nested arrays', () => {
  const x = T.dmatrix('x');

  it('take JS numbers (numpy values)', () => {
    expectAllClose(run([x], x.sub(1), X), [
      [0.5, -3.0, 2.0],
      [-0.75, 3.0, -2.0],
    ]);
    expectAllClose(run([x], x.div(4), X), [
      [0.375, -0.5, 0.75],
      [0.0625, 1.0, -0.25],
    ]);
    expectAllClose(run([x], x.pow(2), P), [
      [2.25, 4.0, 9.0],
      [0.0625, 16.0, 1.0],
    ]);
    expectAllClose(run([x], x.mul(0), X), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('take nested arrays of the full shape, or broadcastable ones', () => {
    expectAllClose(
      run(
        [x],
        x.add([
          [1, 2, 3],
          [4, 5, 6],
        ]),
        X,
      ),
      [
        [2.5, 0.0, 6.0],
        [4.25, 9.0, 5.0],
      ],
    );
    const r = x.mul([1, 2, 3]);
    expect(r.staticShape).toEqual([null, 3]);
    expectAllClose(run([x], r, X), [
      [1.5, -4.0, 9.0],
      [0.25, 8.0, -3.0],
    ]);
    const d = x.dot([[1], [1], [1]]);
    expect(d.staticShape).toEqual([null, 1]);
    expectAllClose(run([x], d, X), [[2.5], [3.25]]);
  });

  it('literals are weakly typed: they take the tensor dtype', () => {
    const f = T.fmatrix('f');
    expect(f.mul(0.1).dtype).toBe('float32');
    expect(f.add([1.5, 2]).dtype).toBe('float32');
    const i = T.imatrix('i');
    expect(i.add(1).dtype).toBe('int32');
    expect(i.mul(0.5).dtype).toBe('float64');
    expect(i.div(2).dtype).toBe('float64');
    const b = T.bvector('b');
    expect(b.add(1).dtype).toBe('int8');
    expect(b.add(300).dtype).toBe('int16');
    expect(b.lt(1000).dtype).toBe('bool');
    // The literal becomes a constant input of the node.
    const node = f.mul(0.1).owner!;
    const k = node.inputs[1]!;
    const root = k.owner === null ? k : k.owner.inputs[0]!;
    expect(root).toBeInstanceOf(TensorConstant);
    expect((root as TensorConstant).dtype).toBe('float32');
  });

  it('values of float32 results stay float32', () => {
    const f = T.fvector('f');
    const out = run([f], f.mul(0.1).add(1), [1, 2]);
    expect(out.dtype).toBe('float32');
    expectAllClose(out, [1.1, 1.2], { rtol: 1e-6 });
  });

  it('NDArrays are strongly typed operands', () => {
    const f = T.fvector('f');
    const e = f.add(array([1, 2]));
    expect(e.dtype).toBe('float64');
    expectAllClose(run([f], e, [1, 1]), [2, 3]);
  });

  it('refuse values that are not numbers', () => {
    expect(() => x.add('1' as never)).toThrow();
    expect(() => x.add([1, [2]] as never)).toThrow();
  });

  it('chains read like numpy: (x * 2 + 1).sum(1)', () => {
    expectAllClose(run([x], x.mul(2).add(1).sum(1), X), [8, 9.5]);
  });
});
