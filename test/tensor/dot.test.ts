/**
 * Dot: vector·vector, matrix·vector, vector·matrix, matrix·matrix against
 * numpy, dtypes, strided operands, static and run-time shape errors, NaN.
 */
import { describe, it, expect } from 'vitest';
import * as th from '../../src/index.js';
import * as T from '../../src/tensor/index.js';
import { Dot, dot } from '../../src/tensor/dot.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import { array, arange, zeros } from '../../src/ndarray/create.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';
import type { DType } from '../../src/ndarray/dtype.js';
import { ShapeError } from '../../src/errors.js';
import { expectAllClose } from '../helpers/allclose.js';

const A = [
  [1.5, -2, 3],
  [0.25, 4, -1],
];
const B = [
  [2, 0.5],
  [-1, 3],
  [4, -2],
];
const v3 = [0.5, -1, 2];
const v2 = [3, -0.5];

const THIS_FILE = 'test/tensor/dot.test.ts';

describe('dot values (numpy)', () => {
  it('vector · vector is a 0-d scalar', () => {
    const a = T.dvector('a');
    const b = T.dvector('b');
    const d = a.dot(b);
    expect(d.ndim).toBe(0);
    const out = th.function([a, b], d)(v3, v3);
    expect(out.shape).toEqual([]);
    expectAllClose(out, 5.25);
  });

  it('matrix · vector and vector · matrix', () => {
    const m = T.dmatrix('m');
    const v = T.dvector('v');
    expect(m.dot(v).ndim).toBe(1);
    expectAllClose(th.function([m, v], m.dot(v))(A, v3), [8.75, -5.875]);
    expectAllClose(th.function([m, v], v.dot(m))(A, v2), [4.375, -8.0, 9.5]);
  });

  it('matrix · matrix', () => {
    const a = T.dmatrix('a');
    const b = T.dmatrix('b');
    expectAllClose(th.function([a, b], T.dot(a, b))(A, B), [
      [17.0, -11.25],
      [-7.5, 14.125],
    ]);
  });

  it('a larger product agrees with a plain triple loop', () => {
    const a = T.dmatrix('a');
    const b = T.dmatrix('b');
    const X = arange(35, undefined, 1, 'float64').reshape([5, 7]);
    const Y = arange(28, undefined, 1, 'float64').reshape([7, 4]);
    const want: number[][] = [];
    for (let i = 0; i < 5; i++) {
      want.push([]);
      for (let j = 0; j < 4; j++) {
        let s = 0;
        for (let p = 0; p < 7; p++) s += X.get(i, p) * Y.get(p, j);
        want[i]!.push(s);
      }
    }
    expectAllClose(th.function([a, b], a.dot(b))(X, Y), want);
  });

  it('empty inner dimension gives zeros, empty outer gives empty', () => {
    const a = T.dmatrix('a');
    const b = T.dmatrix('b');
    const f = th.function([a, b], a.dot(b));
    expectAllClose(f(zeros([2, 0]), zeros([0, 3])), zeros([2, 3]));
    expect(f(zeros([0, 4]), zeros([4, 3])).shape).toEqual([0, 3]);
  });
});

describe('dot dtypes', () => {
  it('int products stay int (numpy values)', () => {
    const a = T.imatrix('a');
    const b = T.imatrix('b');
    const d = a.dot(b);
    expect(d.dtype).toBe('int32');
    const out = th.function([a, b], d)(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [
        [7, 8],
        [9, 10],
        [11, 12],
      ],
    );
    expect(out.dtype).toBe('int32');
    expect(out.toArray()).toEqual([
      [58, 64],
      [139, 154],
    ]);
  });

  it('narrow ints wrap as numpy (int8 @ int8)', () => {
    const a = T.bmatrix('a');
    const b = T.bmatrix('b');
    const out = th.function([a, b], a.dot(b))([[100, 100]], [[2], [1]]);
    expect(out.dtype).toBe('int8');
    expect(out.toArray()).toEqual([[44]]);
  });

  it('mixed dtypes promote as numpy', () => {
    const cases: [DType, DType, DType][] = [
      ['int32', 'float32', 'float64'],
      ['int8', 'float32', 'float32'],
      ['float32', 'float64', 'float64'],
      ['float32', 'float32', 'float32'],
      ['int8', 'int32', 'int32'],
      ['uint8', 'int8', 'int16'],
      ['bool', 'float32', 'float32'],
    ];
    for (const [x, y, want] of cases) {
      expect(T.dot(T.matrix('a', x), T.matrix('b', y)).dtype, `${x}·${y}`).toBe(want);
    }
    const a = T.imatrix('a');
    const b = T.fmatrix('b');
    const out = th.function([a, b], a.dot(b))(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      array(B, { dtype: 'float32' }),
    );
    expect(out.dtype).toBe('float64');
    expectAllClose(out, [
      [12.0, 0.5],
      [27.0, 5.0],
    ]);
  });

  it('float32 products are float32', () => {
    const a = T.fmatrix('a');
    const b = T.fmatrix('b');
    const out = th.function([a, b], a.dot(b))(array(A, { dtype: 'float32' }), array(B, { dtype: 'float32' }));
    expect(out.dtype).toBe('float32');
    expectAllClose(
      out,
      [
        [17.0, -11.25],
        [-7.5, 14.125],
      ],
      { rtol: 1e-6 },
    );
  });
});

describe('dot static shapes', () => {
  it('output static shape joins the outer dimensions', () => {
    const a = T.tensor('float64', [2, 3]);
    const b = T.tensor('float64', [3, null]);
    expect(a.dot(b).staticShape).toEqual([2, null]);
    expect(T.tensor('float64', [1, null]).dot(T.dcol()).staticShape).toEqual([1, 1]);
    expect(T.dvector().dot(T.tensor('float64', [null, 4])).staticShape).toEqual([4]);
  });

  it('refuses a known inner-dimension mismatch when the graph is built', () => {
    const a = T.tensor('float64', [2, 3], 'a');
    const b = T.tensor('float64', [4, 5], 'b');
    expect(() => a.dot(b)).toThrow(ShapeError);
    expect(() => a.dot(b)).toThrow(/dot: inner dimensions of a \(2, 3\) and b \(4, 5\) differ \(3 vs 4\)/);
    expect(() => T.tensor('float64', [3]).dot(T.tensor('float64', [2]))).toThrow(ShapeError);
  });

  it('the Dot op takes ranks 1 and 2; T.dot sends others to tensordot (numpy rules, tested in products.test.ts)', () => {
    const s = T.dscalar('s');
    const t3 = T.dtensor3('t3');
    const m = T.dmatrix('m');
    expect(() => new Dot().makeNode(s, m)).toThrow(/s is 0-d/);
    expect(() => new Dot().makeNode(m, t3)).toThrow(/t3 is 3-d/);
    expect(s.dot(m).type.shape).toEqual([null, null]);
    expect(m.dot(t3).ndim).toBe(3);
    expect(() => new Dot().makeNode(new th.graph.Variable(m.type), m)).toThrow(TypeError);
  });
});

describe('dot run-time errors', () => {
  it('names the op, both shapes and where the node was built', () => {
    const a = T.dmatrix('a');
    const b = T.dmatrix('b');
    const d = a.dot(b); // the line the error must point at
    const f = th.function([a, b], d);
    let err: unknown;
    try {
      f(zeros([2, 3]), zeros([4, 5]));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ShapeError);
    const msg = (err as Error).message;
    expect(msg).toContain('Dot');
    expect(msg).toContain('(2, 3)');
    expect(msg).toContain('(4, 5)');
    expect(msg).toMatch(/3 \(axis 1\) != 4 \(axis 0\)/);
    expect(msg).toContain(THIS_FILE);
  });

  it('vector operands too', () => {
    const v = T.dvector('v');
    const m = T.dmatrix('m');
    expect(() => th.function([v, m], v.dot(m))([1, 2], zeros([3, 2]))).toThrow(/\(2,\) and \(3, 2\)/);
    expect(() => th.function([v], v.dot(v))([1, 2])).not.toThrow();
  });
});

describe('dot on strided operands', () => {
  it('transposed (non-contiguous) inputs, as values and through graph transposes (numpy values)', () => {
    const a = T.dmatrix('a');
    const b = T.dmatrix('b');
    const tt = [
      [2.3125, -2.0, 4.25],
      [-2.0, 20.0, -10.0],
      [4.25, -10.0, 10.0],
    ];
    expectAllClose(th.function([a, b], a.T.dot(b))(A, A), tt);
    const At = array(A).T;
    expect(At.isContiguous()).toBe(false);
    expectAllClose(th.function([a, b], a.dot(b))(At, array(A)), tt);
    // B.T @ A.T
    expectAllClose(th.function([a, b], b.T.dot(a.T))(A, B), [
      [17.0, -7.5],
      [-11.25, 14.125],
    ]);
  });

  it('a strided vector (column of a transposed matrix via perform)', () => {
    const m = T.dmatrix('m');
    const v = T.dvector('v');
    const d = dot(m, v);
    const node = d.owner!;
    const col = array([
      [1, 9],
      [2, 9],
      [3, 9],
    ])
      .T.dimshuffle([0, 1]); // (2, 3), strides (1, 2)
    const firstRow = array([
      [0.5, 7],
      [-1, 7],
      [2, 7],
    ]).T;
    const vec = new th.NDArray(firstRow.data, 'float64', [3], [2], 0);
    const cells = [{ value: undefined as unknown }];
    node.op.perform(node, [col, vec], cells);
    // [[1,2,3],[9,9,9]] @ [0.5,-1,2]
    expectAllClose(cells[0]!.value as NDArray, [4.5, 13.5]);
  });
});

describe('dot NaN and infinities', () => {
  it('propagates NaN even when multiplied by zero (0 * NaN is NaN)', () => {
    const a = T.dmatrix('a');
    const b = T.dmatrix('b');
    const out = th.function([a, b], a.dot(b))(
      [
        [0, 1],
        [1, 1],
      ],
      [
        [NaN, 1],
        [2, 3],
      ],
    );
    const vals = out.toArray() as number[][];
    expect(vals[0]![0]).toBeNaN();
    expect(vals[1]![0]).toBeNaN();
    expect(vals[0]![1]).toBe(3);
    expect(vals[1]![1]).toBe(4);
    const v = T.dvector('v');
    expect(Number(th.function([v], v.dot(v.mul(0)))([Infinity, 1]))).toBeNaN();
  });
});

describe('dot op', () => {
  it('all Dot ops are equal; inferShape matches compiled shapes', () => {
    expect(new Dot().equals(new Dot())).toBe(true);
    const cases: [TensorVariable, TensorVariable, number[], number[]][] = [
      [T.dmatrix('a'), T.dmatrix('b'), [3, 4], [4, 2]],
      [T.dmatrix('a'), T.dvector('b'), [5, 2], [2]],
      [T.dvector('a'), T.dmatrix('b'), [3], [3, 6]],
      [T.dvector('a'), T.dvector('b'), [4], [4]],
    ];
    for (const [a, b, sa, sb] of cases) {
      const d = a.dot(b);
      const inferred = d.owner!.op.inferShape!(d.owner!, [T.symbolicShape(a), T.symbolicShape(b)])[0]!;
      const ins = [a, b];
      const vals = [zeros(sa), zeros(sb)];
      const got = inferred.length === 0 ? [] : th.function(ins, inferred as TensorVariable[], { onUnusedInput: 'ignore' })(...vals).map(Number);
      const actual = th.function(ins, d)(...vals).shape;
      expect(got).toEqual(actual);
    }
  });
});
