/**
 * Products on the WASM kernels through the ops: Dot, Gemm and Gemv agree
 * bit for bit (one product routine), results do not depend on the thread
 * count, operands in the shared memory, on the JS heap, transposed or
 * reversed all give the plain loop's values, and integer products still
 * run the exact JS loops.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { NDArray } from '../../src/ndarray/ndarray.js';
import { heapAllocator, setAllocator } from '../../src/ndarray/allocator.js';
import { wasmAddress } from '../../src/wasm/arrays.js';
import { threadsReady, waitForPickups, workerTaskCount } from '../../src/wasm/threads.js';
import { gemm, gemv } from '../../src/tensor/blas.js';
import { expectAllClose } from '../helpers/allclose.js';
import { expectSame } from '../helpers/assertions.js';

const T = th.tensor;

function matrix(dtype: 'float32' | 'float64', rows: number, cols: number, seed: number): NDArray {
  return th.array(Array.from({ length: rows * cols }, (_, i) => Math.sin(i * 0.7 + seed) * (1 + (i % 5))), { dtype, shape: [rows, cols] });
}

/** The product by a plain loop in doubles. */
function reference(a: NDArray, b: NDArray): number[][] {
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1]!;
  const out: number[][] = [];
  for (let i = 0; i < m; i++) {
    const row: number[] = [];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += Number(a.get(i, p)) * Number(b.get(p, j));
      row.push(s);
    }
    out.push(row);
  }
  return out;
}

afterEach(() => {
  th.config.threads = 2;
});

describe('products on the WASM kernels', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    const rtol = dtype === 'float64' ? 1e-12 : 2e-5;

    it(`dot of every operand layout matches a plain loop (${dtype})`, () => {
      const [x, y] = [T.matrix('x', dtype), T.matrix('y', dtype)];
      const f = th.function([x, y], T.dot(x, y));
      const a = matrix(dtype, 37, 53, 1);
      const b = matrix(dtype, 53, 29, 2);
      const want = reference(a, b);
      expectAllClose(f(a, b), want, { rtol, atol: rtol });
      expectAllClose(f(a.T.copy().T, b.T.copy().T), want, { rtol, atol: rtol });
      // reversed views (negative strides) are copied first
      const flip = th.function([x, y], T.dot(x.at('::-1'), y));
      expectAllClose(flip(a, b), [...want].reverse(), { rtol, atol: rtol });
    });

    it(`operands on the JS heap give the same bits as in the shared memory (${dtype})`, () => {
      const [x, y] = [T.matrix('x', dtype), T.matrix('y', dtype)];
      const f = th.function([x, y], T.dot(x, y));
      const a = matrix(dtype, 40, 70, 3);
      const b = matrix(dtype, 70, 30, 4);
      expect(wasmAddress(a.data)).toBeGreaterThan(0);
      const inMemory = f(a, b);
      const previous = setAllocator(heapAllocator);
      try {
        const ah = a.copy();
        const bh = b.copy();
        expect(wasmAddress(ah.data)).toBe(-1);
        expectSame(f(ah, bh), inMemory);
      } finally {
        setAllocator(previous);
      }
    });

    it(`the thread count does not change a bit of the result (${dtype})`, async () => {
      await threadsReady();
      const [x, y, v] = [T.matrix('x', dtype), T.matrix('y', dtype), T.vector('v', dtype)];
      // (the matrix-vector product tile(y.T)·v has 14147·300 multiply-adds: split over threads by rows)
      // (and x·y[:, :10], 67·300·10 multiply-adds over too few columns to split: split by rows)
      const f = th.function([x, y, v], [T.dot(x, y), T.dot(x, v), T.dot(v, y), T.dot(T.tile(y.T, [47, 1]), v), T.dot(x, y.at(':', ':10'))]);
      const a = matrix(dtype, 67, 300, 5);
      const b = matrix(dtype, 300, 301, 6);
      const vec = th.array(Array.from({ length: 300 }, (_, i) => Math.cos(i)), { dtype });
      th.config.threads = 1;
      const one = f(a, b, vec) as NDArray[];
      th.config.threads = 2;
      const tasks = workerTaskCount();
      waitForPickups(true);
      let two: NDArray[];
      try {
        two = f(a, b, vec) as NDArray[];
      } finally {
        waitForPickups(false);
      }
      expect(workerTaskCount() - tasks).toBeGreaterThanOrEqual(2);
      one.forEach((r, i) => expectSame(two[i]!, r));
      expectAllClose(one[0]!, reference(a, b), { rtol, atol: rtol * 10 });
    });

    it(`Gemm and Gemv equal the dot-plus-add they replace, bit for bit (${dtype})`, () => {
      const [z, x, y] = [T.matrix('z', dtype), T.matrix('x', dtype), T.matrix('y', dtype)];
      const [w, u] = [T.vector('w', dtype), T.vector('u', dtype)];
      const noBlas = new th.Mode({ excluding: ['specialize'] });
      const exprs = [T.dot(x, y).mul(0.5).add(z), T.dot(x, w).add(u.mul(2))];
      const args = [matrix(dtype, 45, 30, 7), matrix(dtype, 45, 60, 8), matrix(dtype, 60, 30, 9), th.array(Array.from({ length: 60 }, (_, i) => i / 7), { dtype }), th.array(Array.from({ length: 45 }, (_, i) => i / 3), { dtype })];
      const withBlas = th.function([z, x, y, w, u], exprs)(...args) as NDArray[];
      const without = th.function([z, x, y, w, u], exprs, { mode: noBlas })(...args) as NDArray[];
      withBlas.forEach((r, i) => expectSame(r, without[i]!));
      // and the BLAS ops themselves, built directly
      const direct = th.function([z, x, y, w, u], [gemm(z, 0.5, x, y, 1), gemv(u, 1, x, w, 2)], { mode: new th.Mode({ optimizer: null }) })(...args) as NDArray[];
      expectSame(direct[0]!, withBlas[0]!);
      expectAllClose(direct[1]!, withBlas[1]!, { rtol });
    });
  }

  it('integer products stay exact (JS loops)', () => {
    const [x, y] = [T.matrix('x', 'int32'), T.matrix('y', 'int32')];
    const a = th.array(Array.from({ length: 40 * 50 }, (_, i) => (i % 7) - 3), { dtype: 'int32', shape: [40, 50] });
    const b = th.array(Array.from({ length: 50 * 60 }, (_, i) => (i % 11) - 5), { dtype: 'int32', shape: [50, 60] });
    expect(th.function([x, y], T.dot(x, y))(a, b).toArray()).toEqual(reference(a, b));
  });
});
