/**
 * Shape ops (Shape, ShapeI, shapeI, symbolicShape) and the inferShape rules
 * of Elemwise, DimShuffle, CAReduce and Dot: each inferred symbolic shape is
 * compiled and compared with the shape of the actual output on random inputs.
 */
import { describe, it, expect } from 'vitest';
import * as th from '../../src/index.js';
import * as T from '../../src/tensor/index.js';
import { Shape, ShapeI, shape, shapeI, symbolicShape } from '../../src/tensor/shape.js';
import { TensorConstant, type TensorVariable } from '../../src/tensor/variable.js';
import { toposort } from '../../src/graph/traversal.js';
import type { Variable } from '../../src/graph/variable.js';
import { array, zeros } from '../../src/ndarray/create.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';
import { ShapeError } from '../../src/errors.js';

/** A deterministic generator (Park–Miller). */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

function randomArray(shape: number[], rand: () => number): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  return array(
    Array.from({ length: n }, () => rand() * 2 - 1),
    { shape },
  );
}

/**
 * The symbolic shape of `out` built only from inferShape rules, starting
 * from the symbolic shapes of `inputs` (as a shape feature would).
 */
function inferredShape(out: TensorVariable, inputs: readonly TensorVariable[]): Variable[] {
  const shapes = new Map<Variable, Variable[]>();
  for (const i of inputs) shapes.set(i, symbolicShape(i));
  for (const node of toposort(inputs, [out])) {
    const ins = node.inputs.map((v) => {
      if (!shapes.has(v)) {
        expect(v.isConstant(), `${v} has no shape`).toBe(true);
        shapes.set(v, symbolicShape(v as TensorVariable));
      }
      return shapes.get(v)!;
    });
    expect(node.op.inferShape, `${node.op} has an inferShape rule`).toBeDefined();
    const outs = node.op.inferShape!(node, ins);
    expect(outs).toHaveLength(node.outputs.length);
    node.outputs.forEach((o, k) => {
      expect(outs[k], String(node.op)).toHaveLength((o.type as T.TensorType).ndim);
      shapes.set(o, outs[k]!);
    });
  }
  return shapes.get(out)!;
}

/** Compiles the inferred shape and the output, runs both, and compares. */
function checkInferred(out: TensorVariable, inputs: TensorVariable[], values: NDArray[]): number[] {
  const dims = inferredShape(out, inputs) as TensorVariable[];
  for (const d of dims) {
    expect(d.dtype).toBe('int64');
    expect(d.ndim).toBe(0);
  }
  const actual = th.function(inputs, out, { onUnusedInput: 'ignore' })(...values).shape;
  const got = dims.length === 0 ? [] : th.function(inputs, dims, { onUnusedInput: 'ignore' })(...values).map(Number);
  expect(got, `${out}`).toEqual(actual);
  return got;
}

describe('Shape', () => {
  it('x.shape is an int64 vector of static length ndim', () => {
    const x = T.dtensor3('x');
    const s = shape(x);
    expect(s.owner!.op).toBeInstanceOf(Shape);
    expect(s.dtype).toBe('int64');
    expect(s.staticShape).toEqual([3]);
    const out = th.function([x], s)(zeros([2, 0, 5]));
    expect(out.dtype).toBe('int64');
    expect(out.toArray()).toEqual([2, 0, 5]);
    expect(th.function([x], shape(x.sum(1)))(zeros([2, 3, 5])).toArray()).toEqual([2, 5]);
  });

  it('of a scalar is an empty vector', () => {
    const s = T.dscalar('s');
    expect(th.function([s], shape(s))(3).toArray()).toEqual([]);
  });

  it('its inferShape is the constant ndim', () => {
    const x = T.dmatrix('x');
    const s = shape(x);
    const [[n]] = s.owner!.op.inferShape!(s.owner!, [symbolicShape(x)]);
    expect(n).toBeInstanceOf(TensorConstant);
    expect(Number((n as TensorConstant).data)).toBe(2);
    expect((n as TensorConstant).dtype).toBe('int64');
  });

  it('refuses non-tensors', () => {
    expect(() => new Shape().makeNode(new th.graph.Variable(T.dvector().type))).toThrow(TypeError);
  });
});

describe('ShapeI and shapeI', () => {
  it('shapeI of an unknown length is a ShapeI node computing it', () => {
    const x = T.dmatrix('x');
    const n = shapeI(x, 1);
    expect(n.owner!.op).toBeInstanceOf(ShapeI);
    expect((n.owner!.op as ShapeI).i).toBe(1);
    expect(n.dtype).toBe('int64');
    expect(n.ndim).toBe(0);
    const out = th.function([x], n)(zeros([2, 7]));
    expect(out.dtype).toBe('int64');
    expect(Number(out)).toBe(7);
  });

  it('negative axes count from the end', () => {
    const x = T.dtensor3('x');
    const n = shapeI(x, -1);
    expect((n.owner!.op as ShapeI).i).toBe(2);
    expect(Number(th.function([x], n)(zeros([2, 3, 4])))).toBe(4);
  });

  it('shapeI of a static length is an int64 constant', () => {
    const x = T.tensor('float64', [3, null, 1], 'x');
    for (const [axis, want] of [
      [0, 3],
      [2, 1],
      [-1, 1],
    ] as const) {
      const c = shapeI(x, axis);
      expect(c).toBeInstanceOf(TensorConstant);
      expect(c.owner).toBeNull();
      expect(c.dtype).toBe('int64');
      expect(Number((c as TensorConstant).data)).toBe(want);
    }
    expect(shapeI(x, 1)).not.toBeInstanceOf(TensorConstant);
  });

  it('ShapeI ops are shared per axis and equal by axis', () => {
    const x = T.dmatrix('x');
    const y = T.dmatrix('y');
    expect(shapeI(x, 0).owner!.op).toBe(shapeI(y, 0).owner!.op);
    expect(new ShapeI(0).equals(new ShapeI(0))).toBe(true);
    expect(new ShapeI(0).equals(new ShapeI(1))).toBe(false);
  });

  it('refuses axes out of range', () => {
    const x = T.dmatrix('x');
    expect(() => shapeI(x, 2)).toThrow(ShapeError);
    expect(() => shapeI(x, 2)).toThrow(/Shape_i\{2\}: x has only 2 axes/);
    expect(() => shapeI(x, -3)).toThrow(ShapeError);
    expect(() => new ShapeI(0).makeNode(T.dscalar('s'))).toThrow(ShapeError);
  });

  it('inferShape of ShapeI is the empty (scalar) shape', () => {
    const x = T.dmatrix('x');
    const n = shapeI(x, 0);
    expect(n.owner!.op.inferShape!(n.owner!, [symbolicShape(x)])).toEqual([[]]);
  });

  it('symbolicShape mixes constants and ShapeI nodes', () => {
    const x = T.tensor('float64', [2, null], 'x');
    const [a, b] = symbolicShape(x) as TensorVariable[];
    expect(a).toBeInstanceOf(TensorConstant);
    expect(b!.owner!.op).toBeInstanceOf(ShapeI);
    expect(symbolicShape(T.dscalar())).toEqual([]);
  });

  it('size expressions compute with shapes (the count a mean divides by)', () => {
    const x = T.dmatrix('x');
    const size = T.mul(shapeI(x, 0), shapeI(x, 1));
    expect(size.dtype).toBe('int64');
    expect(Number(th.function([x], size)(zeros([3, 5])))).toBe(15);
  });
});

describe('inferShape agrees with compiled shapes on random inputs', () => {
  const rand = rng(2024);
  const dim = () => 1 + Math.floor(rand() * 4);

  it('Elemwise: same shapes, broadcasting rows/cols/scalars, rank padding, static lengths', () => {
    for (let trial = 0; trial < 6; trial++) {
      const [m, n] = [dim(), dim()];
      const x = T.dmatrix('x');
      const y = T.dmatrix('y');
      const r = T.drow('r');
      const c = T.dcol('c');
      const v = T.dvector('v');
      const s = T.dscalar('s');
      const X = randomArray([m, n], rand);
      const Y = randomArray([m, n], rand);
      const R = randomArray([1, n], rand);
      const C = randomArray([m, 1], rand);
      const V = randomArray([n], rand);
      const S = randomArray([], rand);
      checkInferred(x.add(y), [x, y], [X, Y]);
      checkInferred(x.mul(r), [x, r], [X, R]);
      checkInferred(r.mul(x), [r, x], [R, X]);
      checkInferred(c.add(r), [c, r], [C, R]);
      checkInferred(x.sub(v), [x, v], [X, V]);
      checkInferred(s.mul(x).exp(), [s, x], [S, X]);
      checkInferred(T.clip(x, c, r), [x, c, r], [X, C, R]);
      checkInferred(x.lt(0.5), [x], [X]);
      checkInferred(r.add(1), [r], [R]);
      checkInferred(s.add(s), [s], [S]);
      const fixed = T.tensor('float64', [m, null], 'fixed');
      checkInferred(fixed.add(x), [fixed, x], [X, Y]);
    }
  });

  it('DimShuffle: permutations, inserted and dropped axes', () => {
    for (let trial = 0; trial < 6; trial++) {
      const [a, b, c] = [dim(), dim(), dim()];
      const t = T.dtensor3('t');
      const T3 = randomArray([a, b, c], rand);
      checkInferred(t.dimshuffle(2, 0, 1), [t], [T3]);
      checkInferred(t.dimshuffle('x', 1, 'x', 0, 2), [t], [T3]);
      checkInferred(t.T, [t], [T3]);
      checkInferred(t.transpose([0, 2, 1]), [t], [T3]);
      const r = T.drow('r');
      checkInferred(r.dimshuffle(1, 'x'), [r], [randomArray([1, b], rand)]);
      const s = T.dscalar('s');
      checkInferred(s.dimshuffle('x', 'x'), [s], [randomArray([], rand)]);
    }
  });

  it('CAReduce, sum and mean over axes, with keepdims', () => {
    for (let trial = 0; trial < 6; trial++) {
      const shape3 = [dim(), Math.floor(rand() * 4), dim()]; // the middle axis may be empty
      const t = T.dtensor3('t');
      const T3 = randomArray(shape3, rand);
      for (const axes of [null, 0, 1, 2, -1, [0, 2], [1, 2], []] as (number | number[] | null)[]) {
        checkInferred(t.sum(axes), [t], [T3]);
        checkInferred(t.sum(axes, { keepdims: true }), [t], [T3]);
        checkInferred(t.mean(axes, { keepdims: true }), [t], [T3]);
      }
      checkInferred(t.mean(1).add(t.sum(1)), [t], [T3]);
    }
  });

  it('Dot: all four rank combinations', () => {
    for (let trial = 0; trial < 6; trial++) {
      const [m, k, n] = [dim(), dim(), dim()];
      const a = T.dmatrix('a');
      const b = T.dmatrix('b');
      const u = T.dvector('u');
      const w = T.dvector('w');
      const Am = randomArray([m, k], rand);
      const Bm = randomArray([k, n], rand);
      const Uk = randomArray([k], rand);
      const Wm = randomArray([m], rand);
      expect(checkInferred(a.dot(b), [a, b], [Am, Bm])).toEqual([m, n]);
      expect(checkInferred(a.dot(u), [a, u], [Am, Uk])).toEqual([m]);
      expect(checkInferred(w.dot(a), [w, a], [Wm, Am])).toEqual([k]);
      expect(checkInferred(u.dot(u), [u], [Uk])).toEqual([]);
    }
  });

  it('composite graphs (a small layer: sum((x·w + b)**2, axis=1))', () => {
    for (let trial = 0; trial < 4; trial++) {
      const [m, k, n] = [dim(), dim(), dim()];
      const x = T.dmatrix('x');
      const w = T.dmatrix('w');
      const b = T.dvector('b');
      const y = x.dot(w).add(b).pow(2).sum(1, { keepdims: true }).T;
      checkInferred(y, [x, w, b], [randomArray([m, k], rand), randomArray([k, n], rand), randomArray([n], rand)]);
    }
  });
});

describe('x.shape', () => {
  it('is the symbolic int64 shape vector, indexable like Theano\'s x.shape[0]', () => {
    const x = th.tensor.dmatrix('x');
    expect(x.shape.dtype).toBe('int64');
    expect(x.shape.type.shape).toEqual([2]);
    const f = th.function([x], [x.shape, x.shape.at(-1), th.tensor.zeros(x.shape)]);
    const [s, last, z] = f(th.zeros([2, 3]));
    expect(s!.toArray()).toEqual([2, 3]);
    expect(Number(last)).toBe(3);
    expect(z!.shape).toEqual([2, 3]);
  });
});
