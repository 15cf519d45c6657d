/**
 * broadcastShapes (numpy's rules; expected shapes from np.broadcast_shapes)
 * and the elementwise loops mapInto / mapBroadcast over every kind of view.
 */
import { describe, it, expect } from 'vitest';
import { broadcastShapes, mapInto, mapBroadcast } from '../../src/ndarray/broadcast.js';
import { NDArray, shapeSize } from '../../src/ndarray/ndarray.js';
import { array, arange, zeros } from '../../src/ndarray/create.js';
import { dtypeInfo, storeConverter, type DType } from '../../src/ndarray/dtype.js';
import { ShapeError } from '../../src/errors.js';
import { throws } from '../helpers/assertions.js';

const seq = (shape: number[], dtype: DType = 'float64', from = 0): NDArray =>
  arange(from, from + shapeSize(shape)).astype(dtype).reshape(shape);

describe('broadcastShapes', () => {
  const cases: [number[][], number[]][] = [
    [[], []],
    [[[]], []],
    [[[], []], []],
    [[[3], []], [3]],
    [[[2, 3], [3]], [2, 3]],
    [[[2, 1], [1, 3]], [2, 3]],
    [[[4, 1, 3], [2, 1]], [4, 2, 3]],
    [[[1], [0]], [0]],
    [[[0], [1]], [0]],
    [[[2, 0], [1]], [2, 0]],
    [[[5, 1, 4], [1, 6, 1], [6, 4]], [5, 6, 4]],
    [[[1, 1], [1]], [1, 1]],
    [[[3], [3], [3]], [3]],
    [[[8, 1, 6, 1], [7, 1, 5]], [8, 7, 6, 5]],
    [[[0, 3], [0, 1]], [0, 3]],
    [[[1, 0], [5, 1]], [5, 0]],
  ];
  for (const [shapes, want] of cases) {
    it(`${JSON.stringify(shapes)} -> ${JSON.stringify(want)}`, () => {
      expect(broadcastShapes(...shapes)).toEqual(want);
    });
  }

  it('does not modify its arguments', () => {
    const a = [2, 1];
    const b = [3];
    broadcastShapes(a, b);
    expect(a).toEqual([2, 1]);
    expect(b).toEqual([3]);
  });

  it('rejects shapes that do not fit, naming all of them', () => {
    throws(() => broadcastShapes([3], [4]), ShapeError, 'shapes (3,), (4,) cannot be broadcast together');
    throws(() => broadcastShapes([2, 3], [3, 2]), ShapeError, 'shapes (2, 3), (3, 2) cannot be broadcast together');
    throws(() => broadcastShapes([0], [2]), ShapeError, 'shapes (0,), (2,)');
    throws(() => broadcastShapes([2, 1], [8, 4, 3]), ShapeError, 'shapes (2, 1), (8, 4, 3)');
    throws(() => broadcastShapes([1], [3], [4]), ShapeError, 'shapes (1,), (3,), (4,) cannot');
    throws(() => broadcastShapes([], [2], [3]), ShapeError, 'shapes (), (2,), (3,)');
  });
});

describe('mapInto', () => {
  it('one contiguous input', () => {
    const out = zeros([2, 3]);
    mapInto(out, [seq([2, 3])], (x) => x * x);
    expect(out.toArray()).toEqual([[0, 1, 4], [9, 16, 25]]);
  });

  it('two contiguous inputs, including in place', () => {
    const a = seq([4]);
    const b = seq([4], 'float64', 10);
    const out = zeros([4]);
    mapInto(out, [a, b], (x, y) => x + y);
    expect(out.toArray()).toEqual([10, 12, 14, 16]);
    mapInto(a, [a, b], (x, y) => y - x);
    expect(a.toArray()).toEqual([10, 10, 10, 10]);
  });

  it('three and more inputs', () => {
    const out = zeros([3]);
    mapInto(out, [seq([3]), seq([3], 'float64', 1), seq([3], 'float64', 2)], (x, y, z) => x * 100 + y * 10 + z);
    expect(out.toArray()).toEqual([12, 123, 234]);
    const out4 = zeros([2, 2]);
    const t = seq([2, 2]).transpose();
    mapInto(out4, [t, t, seq([2, 2]), array([1, 2]).broadcastTo([2, 2])], (a, b, c, d) => a + b + c + d);
    // 2*[[0,2],[1,3]] + [[0,1],[2,3]] + [[1,2],[1,2]]
    expect(out4.toArray()).toEqual([[1, 7], [5, 11]]);
  });

  it('no inputs: a constant fill', () => {
    const out = zeros([2, 2], 'int32');
    mapInto(out, [], () => 7);
    expect(out.toArray()).toEqual([[7, 7], [7, 7]]);
  });

  it('strided (transposed) inputs', () => {
    const t = seq([2, 3]).transpose(); // [[0,3],[1,4],[2,5]]
    const out = zeros([3, 2]);
    mapInto(out, [t], (x) => x + 0.5);
    expect(out.toArray()).toEqual([[0.5, 3.5], [1.5, 4.5], [2.5, 5.5]]);
    const out2 = zeros([3, 2]);
    mapInto(out2, [t, seq([3, 2])], (x, y) => 10 * x + y);
    expect(out2.toArray()).toEqual([[0, 31], [12, 43], [24, 55]]);
    const t3 = seq([2, 3, 4]).transpose([2, 0, 1]);
    const out3 = zeros([4, 2, 3]);
    mapInto(out3, [t3], (x) => x);
    expect(out3.toArray()).toEqual(t3.toArray());
    expect(out3.get(1, 1, 2)).toBe(21);
  });

  it('strided (transposed) output writes through the view', () => {
    const base = zeros([2, 3]);
    mapInto(base.transpose(), [seq([3, 2])], (x) => x);
    expect(base.toArray()).toEqual([[0, 2, 4], [1, 3, 5]]);
  });

  it('broadcast (stride-0) inputs', () => {
    const row = array([1, 2, 3]).broadcastTo([2, 3]);
    const col = array([[10], [20]]).broadcastTo([2, 3]);
    const out = zeros([2, 3]);
    mapInto(out, [row, col], (x, y) => x + y);
    expect(out.toArray()).toEqual([[11, 12, 13], [21, 22, 23]]);
    const s = array(5).broadcastTo([2, 2, 2]);
    const out3 = zeros([2, 2, 2]);
    mapInto(out3, [s, seq([2, 2, 2]), array([[1], [2]]).broadcastTo([2, 2, 2])], (a, b, c) => a * b + c);
    expect(out3.toArray()).toEqual([[[1, 6], [12, 17]], [[21, 26], [32, 37]]]);
  });

  it('views with offsets, for inputs and output', () => {
    const data = new Float64Array([100, 1, 2, 3, 4, 5, 6]);
    const a = new NDArray(data, 'float64', [2, 3], [3, 1], 1); // contiguous with offset
    const b = new NDArray(data, 'float64', [2, 3], [1, 2], 1); // strided with offset: [[1,3,5],[2,4,6]]
    const outData = new Float64Array(9).fill(-1);
    const out = new NDArray(outData, 'float64', [2, 3], [3, 1], 2);
    mapInto(out, [a], (x) => x * 2);
    expect(Array.from(outData)).toEqual([-1, -1, 2, 4, 6, 8, 10, 12, -1]);
    mapInto(out, [a, b], (x, y) => x * 10 + y);
    expect(out.toArray()).toEqual([[11, 23, 35], [42, 54, 66]]);
    const stridedOut = new NDArray(new Float64Array(13).fill(-1), 'float64', [2, 3], [1, 4], 1);
    mapInto(stridedOut, [a, b], (x, y) => x - y);
    expect(stridedOut.toArray()).toEqual([[0, -1, -2], [2, 1, 0]]);
    expect(Array.from(stridedOut.data)).toEqual([-1, 0, 2, -1, -1, -1, 1, -1, -1, -2, 0, -1, -1]);
  });

  it('0-d output', () => {
    const out = zeros([]);
    mapInto(out, [array(3), array(4)], (x, y) => x * y);
    expect(out.toArray()).toBe(12);
    const off = new NDArray(new Float64Array(3), 'float64', [], [], 2);
    mapInto(off, [new NDArray(new Float64Array([0, 9]), 'float64', [], [], 1)], (x) => -x);
    expect(Array.from(off.data)).toEqual([0, 0, -9]);
  });

  it('size-0 output never calls fn', () => {
    let calls = 0;
    const fn = (): number => {
      calls++;
      return 1;
    };
    mapInto(zeros([0]), [zeros([0])], fn);
    mapInto(zeros([2, 0]), [array([[1], [2]]).broadcastTo([2, 0]), zeros([2, 0])], fn);
    mapInto(zeros([0, 3]).transpose(), [zeros([3, 0])], fn);
    expect(calls).toBe(0);
  });

  describe('stores the result as the output dtype does', () => {
    const inputs = [0, 0.5, -0.5, 2.7, -2.7, 300, -1, NaN, Infinity, -Infinity];
    const expected: Record<DType, number[]> = {
      bool: [0, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      int8: [0, 0, 0, 2, -2, 44, -1, 0, 0, 0],
      int16: [0, 0, 0, 2, -2, 300, -1, 0, 0, 0],
      int32: [0, 0, 0, 2, -2, 300, -1, 0, 0, 0],
      int64: [0, 0, 0, 2, -2, 300, -1, 0, 0, 0],
      uint8: [0, 0, 0, 2, 254, 44, 255, 0, 0, 0],
      uint16: [0, 0, 0, 2, 65534, 300, 65535, 0, 0, 0],
      uint32: [0, 0, 0, 2, 4294967294, 300, 4294967295, 0, 0, 0],
      uint64: [0, 0, 0, 2, NaN, 300, NaN, 0, 0, 0], // negatives: see dtype.test.ts
      float32: [0, 0.5, -0.5, 2.700000047683716, -2.700000047683716, 300, -1, NaN, Infinity, -Infinity],
      float64: inputs,
    };
    for (const d of Object.keys(expected) as DType[]) {
      it(d, () => {
        const src = array(inputs);
        const check = (out: NDArray): void => {
          const got = Array.from(out.flatData());
          expected[d].forEach((w, i) => {
            if (!Number.isNaN(w) || d.startsWith('float')) expect(got[i], `${d}(${inputs[i]})`).toBe(w);
          });
          // No -0 in integer outputs.
          if (!d.startsWith('float')) for (const v of got) expect(Object.is(v, -0)).toBe(false);
        };
        // Flat path with one, two and three inputs.
        const o1 = zeros([10], d);
        mapInto(o1, [src], (x) => x);
        check(o1);
        const o2 = zeros([10], d);
        mapInto(o2, [src, zeros([10])], (x, y) => x + y);
        check(o2);
        const o3 = zeros([10], d);
        mapInto(o3, [src, zeros([10]), zeros([10])], (x, y, z) => x + y + z);
        check(o3);
        // Strided path (every other storage element).
        const strided = new NDArray(zeros([10, 2], d).data, d, [10], [2]);
        mapInto(strided, [src], (x) => x);
        check(strided.copy());
        const strided3 = new NDArray(zeros([10, 2], d).data, d, [10], [2], 1);
        mapInto(strided3, [src, zeros([10]), zeros([10])], (x, y, z) => x + y + z);
        check(strided3.copy());
      });
    }
  });

  it('bool inputs arrive as 0/1', () => {
    const out = zeros([3], 'int32');
    mapInto(out, [array([true, false, true])], (x) => x * 5);
    expect(out.toArray()).toEqual([5, 0, 5]);
  });

  it('rejects inputs whose shape is not the output shape', () => {
    throws(() => mapInto(zeros([2, 3]), [zeros([3])], (x) => x), ShapeError, 'mapInto: input 0 has shape (3,), the output (2, 3); broadcast it first');
    throws(() => mapInto(zeros([2, 3]), [zeros([2, 3]), zeros([3, 2])], (x) => x), ShapeError, 'input 1 has shape (3, 2)');
    throws(() => mapInto(zeros([6]), [zeros([2, 3])], (x) => x), ShapeError, 'input 0');
  });

  it('matches an index-by-index reference on random views (1-4 inputs, 0-4 dims)', () => {
    // A fixed-seed generator keeps the cases the same on every run.
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const randomView = (shape: number[], dtype: DType): NDArray => {
      // Start from a permuted, padded, offset layout of a larger buffer, then
      // maybe replace some axes by broadcast ones.
      const nd = shape.length;
      const perm = [...shape.keys()].sort(() => rand() - 0.5);
      const pad = pick([1, 1, 2]);
      const offset = pick([0, 0, 3]);
      const strides = new Array<number>(nd);
      let step = pad;
      for (let i = nd - 1; i >= 0; i--) {
        const ax = perm[i]!;
        strides[ax] = step;
        step *= Math.max(1, shape[ax]!);
      }
      const stretched = shape.map((d) => (d > 1 && rand() < 0.25 ? 1 : d));
      const len = offset + step + 1;
      const data = new (dtypeInfo(dtype).storage)(len);
      for (let i = 0; i < len; i++) data[i] = storeConverter(dtype)(Math.round((rand() - 0.5) * 40) / 4);
      const v = new NDArray(data, dtype, stretched, stretched.map((d, i) => (d === 1 && shape[i] !== 1 ? 0 : strides[i]!)), offset);
      return v.broadcastTo(shape);
    };
    const dtypes: DType[] = ['float64', 'float32', 'int32', 'int8', 'uint8', 'bool', 'int64'];
    let run = 0;
    let strided = 0;
    for (let c = 0; c < 400; c++) {
      const nd = Math.floor(rand() * 5);
      const shape = Array.from({ length: nd }, () => pick([1, 2, 3, 4, 0, 2, 3]));
      const k = 1 + Math.floor(rand() * 4);
      const inputs = Array.from({ length: k }, () => randomView(shape, pick(dtypes)));
      const outDtype = pick(dtypes);
      const out = randomView(shape, outDtype);
      if (out.strides.some((s, i) => s === 0 && shape[i]! > 1)) continue; // never write through a broadcast
      const sentinel = Array.from(out.data);
      const fn = (...xs: number[]): number => xs.reduce((acc, x, i) => acc + x * (i + 1.5), 0.25);
      // Reference, computed before the call (inputs may share nothing with out).
      const want: number[] = [];
      const touched = new Set<number>();
      const idx = new Array<number>(nd).fill(0);
      for (let n = 0; n < shapeSize(shape); n++) {
        want.push(storeConverter(outDtype)(fn(...inputs.map((a) => a.get(...idx)))));
        touched.add(out.indexOf(idx));
        for (let ax = nd - 1; ax >= 0; ax--) {
          if (++idx[ax]! < shape[ax]!) break;
          idx[ax] = 0;
        }
      }
      run++;
      if (!out.isContiguous() || inputs.some((a) => !a.isContiguous())) strided++;
      mapInto(out, inputs, fn);
      const got = Array.from(out.copy().data);
      expect(got, `case ${c}: shape ${JSON.stringify(shape)} out ${outDtype}`).toEqual(want);
      // Storage outside the view is untouched.
      sentinel.forEach((v, i) => {
        if (!touched.has(i)) expect(out.data[i], `case ${c}: storage ${i}`).toBe(v);
      });
    }
    expect(run).toBeGreaterThan(200);
    expect(strided).toBeGreaterThan(80);
  });
});

describe('mapBroadcast', () => {
  it('broadcasts inputs into a new array of the dtype', () => {
    const r = mapBroadcast('float64', [array([[1], [2]]), array([10, 20, 30])], (x, y) => x + y);
    expect(r.shape).toEqual([2, 3]);
    expect(r.isContiguous()).toBe(true);
    expect(r.toArray()).toEqual([[11, 21, 31], [12, 22, 32]]);
    const b = mapBroadcast('bool', [array([0, 1, 2]), array(1)], (x, y) => x - y);
    expect(b.dtype).toBe('bool');
    expect(b.toArray()).toEqual([true, false, true]);
    const i = mapBroadcast('int64', [array([1.5, -1.5])], (x) => x * 3);
    expect(i.toArray()).toEqual([4, -4]);
    const t = mapBroadcast('int8', [seq([2, 3]).transpose(), array([100])], (x, y) => x + y);
    expect(t.toArray()).toEqual([[100, 103], [101, 104], [102, 105]]);
    const three = mapBroadcast('float32', [array(2), array([1, 2]), array([[1], [2], [3]])], (a, b, c) => a * b + c);
    expect(three.dtype).toBe('float32');
    expect(three.toArray()).toEqual([[3, 5], [4, 6], [5, 7]]);
  });

  it('handles 0-d, size-0 and no inputs', () => {
    expect(mapBroadcast('float64', [array(2), array(3)], (x, y) => x ** y).toArray()).toBe(8);
    expect(mapBroadcast('float64', [zeros([0, 1]), zeros([3])], (x, y) => x + y).shape).toEqual([0, 3]);
    expect(mapBroadcast('int32', [], () => 4).toArray()).toBe(4);
  });

  it('does not modify its inputs', () => {
    const a = array([1, 2]);
    mapBroadcast('float64', [a, array([[1], [2]])], (x, y) => x * y);
    expect(a.shape).toEqual([2]);
    expect(a.toArray()).toEqual([1, 2]);
  });

  it('rejects shapes that do not broadcast', () => {
    throws(() => mapBroadcast('float64', [zeros([2]), zeros([3])], (x, y) => x + y), ShapeError, 'shapes (2,), (3,) cannot be broadcast together');
  });
});
