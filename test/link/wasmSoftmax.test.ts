/**
 * Softmax, LogSoftmax and the softmax gradient on the WASM executor: rows
 * of every length a vector loop can leave a tail in, rows holding NaN,
 * ±Infinity and logits of ±1000, arrays on the JS heap (staged) and in the
 * shared memory, one thread or two — against the reference VM (the vector
 * exp and log are a few ulp from Math.exp and Math.log, and sums fold lane
 * by lane, so results agree to rounding, not bit for bit). Other axes and
 * non-contiguous inputs are copied with the axis last, computed, and copied back.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import { wasmAddress } from '../../src/wasm/arrays.js';
import { threadsReady, waitForPickups } from '../../src/wasm/threads.js';
import { wasmSoftmaxRuns } from '../../src/link/wasm/softmax.js';
import { expectSame, xorshift32 } from '../helpers/assertions.js';
import { expectAllClose } from '../helpers/allclose.js';

const T = th.tensor;
const WASM = new th.Mode({ linker: 'wasm' });
const REFERENCE = new th.Mode({ linker: 'vm' });
const FLOATS = ['float64', 'float32'] as const;
type Float = (typeof FLOATS)[number];
/** Probabilities and log-probabilities agree to a few ulp; gradients (differences of row sums of g up to ~100) to a few ulp of those. */
const TOL = { float64: [1e-13, 1e-12], float32: [2e-6, 1e-4] };

/** Logits in [-8, 8], with row 1 holding NaN, row 2 +Infinity, row 3 all -Infinity and row 4 ±1000. */
function logits(dtype: Float, rows: number, cols: number, seed: number): NDArray {
  const next = xorshift32(seed);
  const flat = Array.from({ length: rows * cols }, () => (next() - 0.5) * 16);
  if (rows > 1) flat[cols + Math.floor(cols / 2)] = NaN;
  if (rows > 2) flat[2 * cols] = Infinity;
  if (rows > 3) flat.fill(-Infinity, 3 * cols, 4 * cols);
  if (rows > 4) for (let j = 0; j < cols; j++) flat[4 * cols + j] = j % 2 === 0 ? 1000 : -1000;
  return th.array(flat, { dtype }).reshape([rows, cols]);
}

/** softmax, logSoftmax and both gradients (SoftmaxGrad and log-softmax's), under WASM and the reference VM. */
function compare(dtype: Float, x: NDArray, g: NDArray, threads = 2): NDArray[] {
  const [xv, gv] = [T.matrix('x', dtype), T.matrix('g', dtype)];
  const sm = T.nnet.softmax(xv);
  const ls = T.nnet.logSoftmax(xv);
  const outs = [sm, ls, T.grad(T.sum(sm.mul(gv)), xv), T.grad(T.sum(ls.mul(gv)), xv)];
  th.config.threads = threads;
  const got = th.function([xv, gv], outs, { mode: WASM })(x, g) as NDArray[];
  th.config.threads = 2;
  const want = th.function([xv, gv], outs, { mode: REFERENCE })(x, g) as NDArray[];
  want.forEach((w, i) => {
    const tol = TOL[dtype][i < 2 ? 0 : 1]!;
    expectAllClose(got[i]!, w, { rtol: tol, atol: tol });
  });
  return got;
}

describe('softmax family on the WASM executor', () => {
  for (const dtype of FLOATS) {
    for (const cols of [1, 2, 3, 5, 10, 17, 1027]) {
      it(`rows of ${cols} (${dtype}), special values included`, () => {
        const rows = Math.max(6, Math.ceil(1200 / cols));
        const before = wasmSoftmaxRuns();
        const [sm] = compare(dtype, logits(dtype, rows, cols, cols), logits(dtype, rows, cols, cols + 100));
        // Softmax, LogSoftmax and SoftmaxGrad all ran in WASM.
        expect(wasmSoftmaxRuns() - before).toBeGreaterThanOrEqual(3);
        // Rows sum to 1 where finite; the NaN and +Infinity rows are NaN as in numpy.
        const y = sm!.toArray() as number[][];
        expect(y[0]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        if (cols > 1) expect(Number.isNaN(y[1]![0]!)).toBe(true);
        // Logits of ±1000: the +1000 ones share the mass, nothing overflows.
        expect(y[4]![0]).toBeCloseTo(1 / Math.ceil(cols / 2), 5);
      });
    }

    it(`arrays on the JS heap are staged, results as in the shared memory (${dtype})`, () => {
      const x = logits(dtype, 12, 50, 7); // 600 elements: below WASM_MIN_BYTES as float32, worth WASM for its exp
      const g = logits(dtype, 12, 50, 8);
      if (dtype === 'float32') expect(wasmAddress(x.data)).toBe(-1);
      const before = wasmSoftmaxRuns();
      compare(dtype, x, g);
      expect(wasmSoftmaxRuns()).toBeGreaterThan(before);
    });

    it(`one thread or two give the same bits (${dtype})`, async () => {
      await threadsReady();
      const x = logits(dtype, 700, 300, 9);
      const g = logits(dtype, 700, 300, 10);
      const one = compare(dtype, x, g, 1);
      waitForPickups(true);
      try {
        const two = compare(dtype, x, g, 2);
        two.forEach((r, i) => expectSame(r, one[i]!));
      } finally {
        waitForPickups(false);
      }
    });

    it(`other axes and transposed, reversed or stepped inputs run in WASM with the axis moved last (${dtype})`, () => {
      const [x, g] = [T.matrix('x', dtype), T.matrix('g', dtype)];
      const t3 = T.tensor3('t3', dtype);
      const data = logits(dtype, 40, 30, 11);
      const grad = logits(dtype, 40, 30, 12);
      const cube = th.array(Array.from({ length: 6 * 70 * 9 }, (_, i) => 4 * Math.sin(i * 0.37)), { dtype }).reshape([6, 70, 9]);
      const sm0 = T.nnet.softmax(x, 0);
      const cases: [TensorVariable[], TensorVariable, NDArray[]][] = [
        [[x], sm0, [data]],
        [[x], T.nnet.logSoftmax(x.T), [data]],
        [[x], T.nnet.softmax(x.at('::-1', '::2')), [data]],
        [[x, g], T.grad(T.sum(sm0.mul(g)), x) as TensorVariable, [data, grad]],
        [[t3], T.nnet.softmax(t3, 1), [cube]],
        [[t3], T.nnet.logSoftmax(t3, 0), [cube]],
      ];
      for (const [ins, out, args] of cases) {
        const before = wasmSoftmaxRuns();
        const got = th.function(ins, out, { mode: WASM })(...args) as NDArray;
        expect(wasmSoftmaxRuns()).toBeGreaterThan(before);
        const want = th.function(ins, out, { mode: REFERENCE })(...args) as NDArray;
        expect(got.shape).toEqual(want.shape);
        expectAllClose(got, want, { rtol: TOL[dtype][1]!, atol: TOL[dtype][1]! });
      }
    });
  }

  it('a 3-d input softmaxes its last axis row by row', () => {
    const x = T.tensor3('x');
    const data = th.array(Array.from({ length: 2 * 3 * 400 }, (_, i) => Math.sin(i)), { dtype: 'float64' }).reshape([2, 3, 400]);
    const got = th.function([x], T.nnet.softmax(x), { mode: WASM })(data);
    expectAllClose(got, th.function([x], T.nnet.softmax(x), { mode: REFERENCE })(data), { rtol: 1e-13, atol: 1e-15 });
  });
});
