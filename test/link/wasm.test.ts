/**
 * The WASM executor's elementwise kernels: every op it renders, on data full
 * of special values (±0, ±Infinity, NaN, subnormals, huge values), in every
 * layout it takes (contiguous, rows with a broadcast row or column, single
 * values, strided inputs gathered), on one thread and several, with inputs
 * in the shared memory or on the JS heap — each equal bit for bit to the
 * reference VM. Layouts it does not take fall back to the JS executor, still
 * exact.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { NDArray } from '../../src/ndarray/ndarray.js';
import { heapAllocator, setAllocator } from '../../src/ndarray/allocator.js';
import { wasmAllocator, wasmAddress } from '../../src/wasm/arrays.js';
import { threadsReady, waitForPickups, workerTaskCount } from '../../src/wasm/threads.js';
import { wasmKernelRuns } from '../../src/link/wasm/linker.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import { expectSame, xorshift32 } from '../helpers/assertions.js';
import { expectAllClose } from '../helpers/allclose.js';

const T = th.tensor;
const WASM = new th.Mode({ linker: 'wasm' });
const REFERENCE = new th.Mode({ linker: 'vm' });
const FLOATS = ['float64', 'float32'] as const;
type Float = (typeof FLOATS)[number];

const SPECIAL = [0, -0, Infinity, -Infinity, NaN, 5e-324, -5e-324, 1e-310, 1e-45, 1.5, -1.5, 2.5, -2.5, 0.5, -0.5, 1e300, -1e300, 3.4e38, 1, -1];

/** Deterministic values: about one in four special, the rest spread over several magnitudes. */
function values(dtype: Float, shape: readonly number[], seed: number): NDArray {
  const size = shape.reduce((p, d) => p * d, 1);
  const next = xorshift32(seed);
  const flat = Array.from({ length: size }, () => {
    const u = next();
    if (u < 0.25) return SPECIAL[Math.floor(next() * SPECIAL.length)]!;
    return (next() - 0.5) * 10 ** Math.floor(next() * 8 - 3);
  });
  return th.array(flat, { dtype }).reshape(shape);
}

/** Runs `out` under the WASM linker and the reference VM; they must agree exactly, and WASM must have run. */
function check(inputs: TensorVariable[], out: TensorVariable | TensorVariable[], args: readonly NDArray[], expectWasm = true): void {
  const before = wasmKernelRuns();
  const got = th.function(inputs, out, { mode: WASM })(...args);
  if (expectWasm) expect(wasmKernelRuns()).toBeGreaterThan(before);
  const want = th.function(inputs, out, { mode: REFERENCE })(...args);
  const list = (r: NDArray | NDArray[]) => (Array.isArray(r) ? r : [r]);
  list(want).forEach((w, i) => expectSame(list(got)[i]!, w));
}

const UNARY = ['neg', 'abs', 'sqrt', 'floor', 'ceil', 'trunc', 'round', 'sqr', 'reciprocal', 'sgn'] as const;
const BINARY = ['add', 'sub', 'mul', 'trueDiv', 'maximum', 'minimum'] as const;

afterEach(() => {
  th.config.threads = 2;
});

describe('WASM elementwise kernels', () => {
  for (const dtype of FLOATS) {
    const n = 3001; // not a multiple of any vector width: the tail runs too
    for (const name of UNARY) {
      it(`${name} (${dtype})`, () => {
        const x = T.vector('x', dtype);
        check([x], (T as unknown as Record<string, (v: TensorVariable) => TensorVariable>)[name]!(x), [values(dtype, [n], 1)]);
      });
    }
    for (const name of BINARY) {
      it(`${name} (${dtype})`, () => {
        const [x, y] = [T.vector('x', dtype), T.vector('y', dtype)];
        check([x, y], (T as unknown as Record<string, (a: TensorVariable, b: TensorVariable) => TensorVariable>)[name]!(x, y), [values(dtype, [n], 2), values(dtype, [n], 3)]);
      });
    }
    it(`clip and switch (${dtype})`, () => {
      const [x, lo, hi] = [T.vector('x', dtype), T.vector('lo', dtype), T.vector('hi', dtype)];
      check([x, lo, hi], [T.clip(x, lo, hi), T.switch(x, lo, hi)], [values(dtype, [n], 4), values(dtype, [n], 5), values(dtype, [n], 6)]);
    });

    it(`predicates and logic inside a kernel: switch on a comparison, bools read as 0/1 (${dtype})`, () => {
      const [x, y] = [T.vector('x', dtype), T.vector('y', dtype)];
      const args = [values(dtype, [n], 22), values(dtype, [n], 23)];
      const inside = T.and(T.gt(x, y), T.invert(T.isnan(y)));
      check([x, y], [T.switch(T.gt(x, 0), y, x.mul(0.5)), T.switch(T.or(T.isinf(x), T.eq(x, y)), x, y)], args);
      check([x, y], [T.switch(T.xor(inside, T.le(x, 1)), x, y), T.cast(T.ge(x, y), dtype).mul(y), x.add(T.cast(T.neq(x, y), dtype))], args);
      check([x, y], T.switch(T.lt(x, y), x, y).mul(T.cast(T.lt(x, y), dtype)), args);
    });

    it(`a fused chain with several outputs (${dtype})`, () => {
      const [a, b, c] = [T.vector('a', dtype), T.vector('b', dtype), T.vector('c', dtype)];
      const t = a.mul(b).add(c);
      check([a, b, c], [T.reciprocal(t.neg().add(1)), t, T.sqrt(T.abs(t)).mul(a)], [values(dtype, [n], 7), values(dtype, [n], 8), values(dtype, [n], 9)]);
    });

    it(`matrix with a broadcast row, a broadcast column and a single value (${dtype})`, () => {
      const m = T.matrix('m', dtype);
      const r = T.row('r', dtype);
      const col = T.col('col', dtype);
      const s = T.scalar('s', dtype);
      check([m, r, col, s], m.mul(r).add(col).sub(s), [values(dtype, [67, 45], 10), values(dtype, [1, 45], 11), values(dtype, [67, 1], 12), values(dtype, [], 13)]);
    });

    it(`3-d and 4-d layouts: a per-channel bias on NCHW images, broadcasts on several axes (${dtype})`, () => {
      const x = T.tensor4('x', dtype);
      const bias = T.tensor(dtype, [true, false, true, true], 'bias');
      const t3 = T.tensor3('t3', dtype);
      const mid = T.tensor(dtype, [false, true, false], 'mid');
      check([x, bias], T.maximum(x.add(bias), 0), [values(dtype, [5, 7, 9, 11], 24), values(dtype, [1, 7, 1, 1], 25)]);
      check([t3, mid], t3.mul(mid).sub(t3), [values(dtype, [13, 17, 19], 26), values(dtype, [13, 1, 19], 27)]);
      // a column of a 3-d tensor and a row of it, against the full tensor: three outer levels
      const a = T.tensor(dtype, [false, false, false, false], 'a');
      const b = T.tensor(dtype, [false, true, false, true], 'b');
      check([a, b], a.div(b.add(2)), [values(dtype, [3, 4, 5, 60], 28), values(dtype, [3, 1, 5, 1], 29)]);
    });

    it(`strided operands are gathered: transposed, reversed, every third, permuted axes (${dtype})`, () => {
      const [m, k] = [T.matrix('m', dtype), T.matrix('k', dtype)];
      check([m, k], m.T.add(k), [values(dtype, [50, 60], 14), values(dtype, [60, 50], 15)]);
      check([m, k], T.sqrt(T.abs(m.T)).mul(k.T).sub(m.T), [values(dtype, [61, 53], 16), values(dtype, [61, 53], 17)]);
      const v = T.vector('v', dtype);
      check([v], v.at('::-1').mul(v), [values(dtype, [2001], 18)]);
      check([v], T.sqrt(T.abs(v.at('1::3'))).add(1), [values(dtype, [9001], 19)]);
      const t = T.tensor4('t', dtype);
      const row = T.row('row', dtype);
      // NCHW viewed as NHWC, against a contiguous NHWC tensor and a broadcast row
      check([t, row], t.dimshuffle(0, 2, 3, 1).mul(2).add(row), [values(dtype, [3, 5, 7, 11], 20), values(dtype, [1, 5], 22)]);
    });

    it(`split over threads gives the same bits as one thread (${dtype})`, async () => {
      await threadsReady();
      const [x, y] = [T.matrix('x', dtype), T.row('y', dtype)];
      const f = th.function([x, y], x.mul(y).add(x).div(y.add(3)), { mode: WASM });
      for (const shape of [[1, 700_003], [1031, 557]]) {
        const args = [values(dtype, shape, 16), values(dtype, [1, shape[1]!], 17)];
        th.config.threads = 1;
        const one = f(...args);
        th.config.threads = 2;
        const tasks = workerTaskCount();
        waitForPickups(true);
        let two: NDArray;
        try {
          two = f(...args);
        } finally {
          waitForPickups(false);
        }
        expect(workerTaskCount()).toBeGreaterThan(tasks);
        expectSame(two, one);
        expectSame(one, th.function([x, y], x.mul(y).add(x).div(y.add(3)), { mode: REFERENCE })(...args));
      }
    });

    it(`inputs and outputs on the JS heap are staged through the shared memory (${dtype})`, () => {
      const previous = setAllocator(heapAllocator);
      try {
        const [x, y] = [T.vector('x', dtype), T.vector('y', dtype)];
        const args = [values(dtype, [n], 18), values(dtype, [n], 19)];
        expect(wasmAddress(args[0]!.data)).toBe(-1);
        check([x, y], x.mul(y).sub(x), args);
      } finally {
        setAllocator(previous);
      }
    });

    it(`integer, bool and other-width float inputs cast to ${dtype} are converted as they load, in every layout`, () => {
      const ints = ['bool', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32'] as const;
      for (const it of ints) {
        const { min, max } = { bool: { min: 0, max: 1 }, int8: { min: -128, max: 127 }, uint8: { min: 0, max: 255 }, int16: { min: -32768, max: 32767 }, uint16: { min: 0, max: 65535 }, int32: { min: -(2 ** 31), max: 2 ** 31 - 1 }, uint32: { min: 0, max: 2 ** 32 - 1 } }[it];
        const next = xorshift32(ints.indexOf(it) + 40);
        const pick = (k: number) => (k % 7 === 0 ? min : k % 7 === 1 ? max : k % 7 === 2 ? 0 : Math.floor(min + next() * (max - min + 1)));
        const ivals = (shape: number[]) => th.array(Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, k) => pick(k)), { dtype: it }).reshape(shape);
        const [iv, fv] = [T.vector('i', it), T.vector('f', dtype)];
        // contiguous with a tail; 2003 one-byte elements live on the JS heap and are staged
        check([iv, fv], T.cast(iv, dtype).mul(fv).add(T.cast(iv, dtype)), [ivals([2003]), values(dtype, [2003], 30)]);
        check([iv], T.cast(iv, dtype).div(255), [ivals([6007])]);
        // a broadcast integer row, and a transposed integer matrix (gathered)
        const [im, fm, ir] = [T.matrix('im', it), T.matrix('fm', dtype), T.row('ir', it)];
        check([fm, ir], fm.sub(T.cast(ir, dtype)), [values(dtype, [41, 67], 31), ivals([1, 67])]);
        check([im, fm], T.cast(im.T, dtype).mul(fm), [ivals([67, 41]), values(dtype, [41, 67], 32)]);
      }
      // The other float width: a float32 input in float64 arithmetic (promoted), a float64 one cast to float32
      // (rounded, overflowing to ±Infinity, underflowing to subnormals and zero).
      const other = dtype === 'float64' ? 'float32' : 'float64';
      const [ov, dv] = [T.vector('o', other), T.vector('d', dtype)];
      const otherValues = values(other, [3001], 33);
      if (dtype === 'float64') check([ov, dv], ov.mul(dv).add(ov), [otherValues, values(dtype, [3001], 34)]);
      else check([ov, dv], T.cast(ov, dtype).mul(dv), [otherValues, values(dtype, [3001], 34)]);
      const om = T.matrix('om', other);
      check([om], T.cast(om.T, dtype).add(1), [values(other, [37, 53], 35)]);
      // An integer input used as an integer (here added to first) stays with the JS executor, still exact.
      const iv = T.vector('i', 'int32');
      check([iv], T.cast(iv.add(1), dtype).mul(2), [th.array(Array.from({ length: 3000 }, (_, k) => k - 1500), { dtype: 'int32' })], false);
    });

    it(`an in-place shared-variable update (${dtype})`, () => {
      const w = th.shared(values(dtype, [5000], 20), 'w');
      const g = T.vector('g', dtype);
      const step = th.function([g], [], { updates: [[w, w.sub(g.mul(0.5))]], mode: WASM });
      const gv = values(dtype, [5000], 21);
      const want = th.function([g], w.sub(g.mul(0.5)), { mode: REFERENCE })(gv);
      step(gv);
      expectSame(w.getValue(), want);
    });
  }

  describe('reductions', () => {
    /** Runs `out` under WASM and the reference; sums may differ in the last bits (lanes fold in another order). */
    function checkClose(inputs: TensorVariable[], outs: TensorVariable[], args: readonly NDArray[], rtol: number): void {
      const before = wasmKernelRuns();
      const got = th.function(inputs, outs, { mode: WASM })(...args) as NDArray[];
      expect(wasmKernelRuns()).toBeGreaterThan(before);
      const want = th.function(inputs, outs, { mode: REFERENCE })(...args) as NDArray[];
      want.forEach((w, i) => {
        expect(got[i]!.shape).toEqual(w.shape);
        expect(got[i]!.dtype).toBe(w.dtype);
        expectAllClose(got[i]!, w, { rtol, atol: rtol });
      });
    }
    const smooth = (dtype: Float, shape: number[], seed: number) =>
      th.array(Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => Math.sin(i * 0.37 + seed) * 2), { dtype }).reshape(shape);

    for (const dtype of FLOATS) {
      const rtol = dtype === 'float64' ? 1e-12 : 1e-5;
      it(`sum, prod, max, min and mean over every axis choice of a matrix (${dtype})`, () => {
        const m = T.matrix('m', dtype);
        const outs = [m.sum(), m.sum(0), m.sum(1), m.max(0), m.min(1), m.mean(), T.prod(m.mul(0.01).add(1), 1), m.max()];
        checkClose([m], outs, [smooth(dtype, [123, 45], 1)], rtol);
      });

      it(`fused elementwise chains folded as they are computed, with broadcast rows (${dtype})`, () => {
        const [m, r] = [T.matrix('m', dtype), T.row('r', dtype)];
        const outs = [m.mul(r).add(1).sum(1), T.sqr(m.sub(r)).sum(0), T.abs(m).mul(r).sum(), T.maximum(m, r).max(1)];
        checkClose([m, r], outs, [smooth(dtype, [77, 61], 2), smooth(dtype, [1, 61], 3)], rtol);
      });

      it(`3-d inputs collapse to rows; a middle axis alone falls back to JS (${dtype})`, () => {
        const t = T.tensor3('t', dtype);
        checkClose([t], [t.sum([1, 2]), t.sum([0, 1]), t.sum()], [smooth(dtype, [9, 11, 13], 4)], rtol);
        const want = th.function([t], t.sum(1), { mode: REFERENCE })(smooth(dtype, [9, 11, 13], 4));
        expectAllClose(th.function([t], t.sum(1), { mode: WASM })(smooth(dtype, [9, 11, 13], 4)), want, { rtol });
      });

      it(`strided and converted inputs: transposed, reversed, uint8 and bool cast to ${dtype}, the other float width`, () => {
        const [m, v] = [T.matrix('m', dtype), T.vector('v', dtype)];
        checkClose([m], [m.T.sum(1), m.T.sum(0), T.sqr(m.T).sum(), m.T.max(1)], [smooth(dtype, [57, 83], 5)], rtol);
        checkClose([v], [v.at('::-1').mul(v).sum(), v.at('1::3').max()], [smooth(dtype, [5003], 6)], rtol);
        const pixels = T.matrix('pixels', 'uint8');
        const mask = T.vector('mask', 'bool');
        const img = th.array(Array.from({ length: 61 * 97 }, (_, i) => (i * 37) % 256), { dtype: 'uint8' }).reshape([61, 97]);
        const flags = th.array(Array.from({ length: 7001 }, (_, i) => (i % 3 === 0 ? 1 : 0)), { dtype: 'bool' });
        checkClose([pixels], [T.cast(pixels, dtype).div(255).mean(0), T.cast(pixels, dtype).sum(1)], [img], rtol);
        checkClose([mask, v], [T.cast(mask, dtype).mul(v).sum()], [flags, smooth(dtype, [7001], 7)], rtol);
        if (dtype === 'float64') {
          const w = T.vector('w', 'float32');
          checkClose([w, v], [w.mul(v).sum()], [smooth('float32', [4001], 8), smooth(dtype, [4001], 9)], rtol);
        }
      });

      it(`split over threads by rows or by columns, with the same bits as one thread (${dtype})`, async () => {
        await threadsReady();
        const m = T.matrix('m', dtype);
        const outs = [m.sum(1), T.exp(m.mul(0.1)).sum(0), m.T.max(1), m.mul(m).sum(0)];
        const args = [smooth(dtype, [613, 1031], 10)];
        th.config.threads = 1;
        const one = th.function([m], outs, { mode: WASM })(...args) as NDArray[];
        th.config.threads = 2;
        const tasks = workerTaskCount();
        waitForPickups(true);
        let two: NDArray[];
        try {
          two = th.function([m], outs, { mode: WASM })(...args) as NDArray[];
        } finally {
          waitForPickups(false);
        }
        expect(workerTaskCount() - tasks).toBeGreaterThanOrEqual(outs.length);
        two.forEach((r, i) => expectSame(r, one[i]!));
        checkClose([m], outs, args, rtol);
      });

      it(`reductions to one value fold fixed chunks over threads, with the same bits as one thread (${dtype})`, async () => {
        await threadsReady();
        const [x, s] = [T.vector('x', dtype), T.scalar('s', dtype)];
        const outs = [x.sum(), T.exp(x.mul(s)).sum(), x.at('::-1').mul(x).sum(), x.max(), x.min(), T.sqr(x.at('::3')).sum(), x.mul(0.001).add(1).prod()];
        for (const n of [2 ** 15 * 24, 2 ** 15 * 24 + 777, 2 ** 15 + 1]) {
          const args = [smooth(dtype, [n], 11), th.array(0.5, { dtype })];
          th.config.threads = 1;
          const one = th.function([x, s], outs, { mode: WASM })(...args) as NDArray[];
          th.config.threads = 2;
          const tasks = workerTaskCount();
          waitForPickups(true);
          let two: NDArray[];
          try {
            two = th.function([x, s], outs, { mode: WASM })(...args) as NDArray[];
          } finally {
            waitForPickups(false);
          }
          if (n > 2 ** 20) expect(workerTaskCount() - tasks).toBeGreaterThanOrEqual(3);
          two.forEach((r, i) => expectSame(r, one[i]!));
          checkClose([x, s], outs, args, rtol);
        }
        // A NaN in the last, short chunk still reaches the result.
        const v = smooth(dtype, [2 ** 15 * 3 + 5], 12);
        v.data[v.size - 2] = NaN;
        const got = th.function([x], [x.sum(), x.max(), x.min()], { mode: WASM })(v) as NDArray[];
        got.forEach((r) => expect(Number.isNaN(Number(r))).toBe(true));
      });

      it(`NaN and infinities reach max, min and sum as in the reference (${dtype})`, () => {
        const x = T.vector('x', dtype);
        const outs = [x.max(), x.min(), x.sum(), T.switch(T.isnan(x), 0, x).max()];
        const v = values(dtype, [5001], 30);
        const got = th.function([x], outs, { mode: WASM })(v) as NDArray[];
        const want = th.function([x], outs, { mode: REFERENCE })(v) as NDArray[];
        want.forEach((w, i) => expect(got[i]!.toArray()).toEqual(w.toArray()));
      });
    }

    it('float32 sums accumulate in doubles, as the JS executor does', () => {
      const x = T.vector('x', 'float32');
      const n = 1 << 20;
      const v = th.array(Array.from({ length: n }, () => 0.1), { dtype: 'float32' });
      const got = Number(th.function([x], x.sum(), { mode: WASM })(v));
      expect(Math.abs(got - n * Math.fround(0.1)) / (n * 0.1)).toBeLessThan(1e-7);
    });
  });

  it('large arrays live in the shared memory, small ones on the JS heap', () => {
    const big = wasmAllocator.allocate('float64', 10_000);
    const small = wasmAllocator.allocate('float64', 10);
    expect(wasmAddress(big)).toBeGreaterThan(0);
    expect(wasmAddress(small)).toBe(-1);
    expect(Array.from(big.subarray(0, 4))).toEqual([0, 0, 0, 0]);
  });
});
