/**
 * Generated loops of the JS linker for operands that are not contiguous
 * with the output's shape: inputs broadcast along some axes (`row + matrix`,
 * `col * row`), strided views (`x.T + y`, slices, reversed views) and single
 * values against higher-rank tensors. They run generated code — never the
 * op's `perform` — and equal the reference VM bit for bit.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as th from '../../src/index.js';
import { Elemwise } from '../../src/tensor/elemwise.js';
import { FusedElemwise } from '../../src/tensor/fused.js';
import { NDArray } from '../../src/ndarray/ndarray.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import { collapseLayout, renderReduceLoop, renderStridedKernel } from '../../src/link/js/renderStrided.js';
import { kernelOfNode, reduceKernelOfNode } from '../../src/link/js/linker.js';
import { data, expectSame } from '../helpers/assertions.js';

const T = th.tensor;
const REFERENCE = new th.Mode({ linker: 'vm' });
const REFERENCE_UNOPTIMIZED = new th.Mode({ linker: 'vm', optimizer: null });
const NO_OPT = new th.Mode({ optimizer: null });

/**
 * Compiles `out` (default js linker, optimized and not) and checks it runs
 * without any elementwise `perform` and equals the reference VM exactly.
 */
function checkGenerated(inputs: TensorVariable[], out: TensorVariable, args: readonly unknown[]): NDArray {
  const spies = [vi.spyOn(Elemwise.prototype, 'perform'), vi.spyOn(FusedElemwise.prototype, 'perform')];
  const results = [th.function(inputs, out), th.function(inputs, out, { mode: NO_OPT })].map((f) => [f(...args), f(...args)] as const);
  for (const s of spies) expect(s).not.toHaveBeenCalled();
  vi.restoreAllMocks();
  const want = th.function(inputs, out, { mode: REFERENCE })(...args);
  const wantPlain = th.function(inputs, out, { mode: REFERENCE_UNOPTIMIZED })(...args);
  for (const [first, second] of results) {
    expectSame(first, want);
    expectSame(second, want);
  }
  expectSame(wantPlain, want);
  return results[0]![0];
}

describe('strided and broadcast elementwise loops', () => {
  afterEach(() => vi.restoreAllMocks());

  for (const dtype of ['float64', 'float32', 'int32'] as const) {
    it(`row + matrix (${dtype})`, () => {
      const r = T.tensor(dtype, [true, false], 'r');
      const m = T.tensor(dtype, [false, false], 'm');
      const out = checkGenerated([r, m], r.add(m), [data(dtype, [1, 5], 1), data(dtype, [4, 5], 2)]);
      expect(out.shape).toEqual([4, 5]);
    });

    it(`col * row (${dtype})`, () => {
      const c = T.tensor(dtype, [false, true], 'c');
      const r = T.tensor(dtype, [true, false], 'r');
      const out = checkGenerated([c, r], c.mul(r), [data(dtype, [3, 1], 3), data(dtype, [1, 6], 4)]);
      expect(out.shape).toEqual([3, 6]);
    });

    it(`x.T + y (${dtype})`, () => {
      const x = T.tensor(dtype, [false, false], 'x');
      const y = T.tensor(dtype, [false, false], 'y');
      const out = checkGenerated([x, y], x.T.add(y), [data(dtype, [5, 3], 5), data(dtype, [3, 5], 6)]);
      expect(out.shape).toEqual([3, 5]);
    });

    it(`0-d + tensor3 (${dtype}), and a 0-d against a broadcast tensor3`, () => {
      const s = T.tensor(dtype, [], 's');
      const t = T.tensor(dtype, [false, false, false], 't');
      checkGenerated([s, t], s.add(t), [data(dtype, [], 7), data(dtype, [2, 3, 4], 8)]);
      const u = T.tensor(dtype, [false, true, false], 'u');
      checkGenerated([s, t, u], s.mul(t).sub(u), [data(dtype, [], 7), data(dtype, [2, 3, 4], 8), data(dtype, [2, 1, 4], 9)]);
    });
  }

  it('fused chains over broadcast operands: exp(r + c) * s - r', () => {
    const r = T.drow('r');
    const c = T.dcol('c');
    const s = T.dscalar('s');
    checkGenerated([r, c, s], T.exp(r.add(c)).mul(s).sub(r), [data('float64', [1, 7], 1), data('float64', [4, 1], 2), 0.75]);
  });

  it('float32 rounding and int32 wrap-around of intermediates hold in the strided loop', () => {
    const [a, b] = [T.fmatrix('a'), T.frow('b')];
    checkGenerated([a, b], T.tanh(a.mul(b).add(a.T.T)).mul(a).sub(T.sqrt(T.abs(b))), [data('float32', [4, 6], 1), data('float32', [1, 6], 2)]);
    const [x, y] = [T.imatrix('x'), T.irow('y')];
    checkGenerated([x, y], x.mul(y).add(x).mul(3), [data('int32', [4, 6], 3), data('int32', [1, 6], 4)]);
  });

  it('strided views passed as arguments: transposes, reversed and sliced views', () => {
    const x = T.dmatrix('x');
    const y = T.dmatrix('y');
    checkGenerated([x, y], T.exp(x).add(y), [data('float64', [5, 4], 1).transpose(), data('float64', [4, 5], 2)]);
    const base = data('float64', [12], 3);
    const reversed = new NDArray(base.data, 'float64', [12], [-1], 11);
    const everyOther = new NDArray(base.data, 'float64', [6], [2], 1);
    const v = T.dvector('v');
    const u = T.dvector('u');
    checkGenerated([v, u], v.mul(u).add(1), [reversed, data('float64', [12], 4)]);
    checkGenerated([v, u], v.mul(u).add(1), [everyOther, data('float64', [6], 5)]);
  });

  it('outputs with several broadcast patterns in one function', () => {
    const t = T.dtensor3('t');
    const m = T.dmatrix('m');
    const r = T.drow('r');
    const f = th.function([t, m, r], [t.add(m), m.mul(r).add(m.T.T), t.mul(r)]);
    const g = th.function([t, m, r], [t.add(m), m.mul(r).add(m.T.T), t.mul(r)], { mode: REFERENCE });
    const args = [data('float64', [2, 3, 4], 1), data('float64', [3, 4], 2), data('float64', [1, 4], 3)];
    (f(...args) as NDArray[]).forEach((o, i) => expectSame(o, (g(...args) as NDArray[])[i]!));
  });
});

describe('loop layouts and caching', () => {
  it('collapseLayout drops length-1 axes and merges axes every operand walks as one', () => {
    // A contiguous tensor3 and a scalar-like broadcast: one long axis.
    expect(collapseLayout([2, 3, 4], [[12, 4, 1]])).toEqual({ shape: [24], strides: [[1]] });
    // Row against a matrix: the row's 0 stride keeps the two axes apart.
    expect(collapseLayout([4, 5], [[5, 1], [0, 1]])).toEqual({ shape: [4, 5], strides: [[5, 1], [0, 1]] });
    // Length-1 axes vanish; everything of length 1 leaves one axis of length 1.
    expect(collapseLayout([1, 3, 1], [[3, 1, 1]])).toEqual({ shape: [3], strides: [[1]] });
    expect(collapseLayout([1, 1], [[1, 1]])).toEqual({ shape: [1], strides: [[0]] });
    // Reduction positions: reduced axes (0) merge with each other, not with kept ones.
    expect(collapseLayout([2, 3, 4], [[0, 0, 1], [12, 4, 1]])).toEqual({ shape: [6, 4], strides: [[0, 1], [4, 1]] });
    // A transpose stays two axes.
    expect(collapseLayout([3, 5], [[1, 3]])).toEqual({ shape: [3, 5], strides: [[1, 3]] });
  });

  it('loops are cached by kernel, rank and which inputs are read once', () => {
    const m = T.dmatrix('m');
    const r = T.drow('r');
    const f = th.function([m, r], m.add(r));
    const node = [...f.maker.fgraph.applyNodes].find((n) => n.op instanceof Elemwise)!;
    const kernel = kernelOfNode(node)!;
    expect(renderStridedKernel(kernel, 2, [false, false])).toBe(renderStridedKernel(kernel, 2, [false, false]));
    expect(renderStridedKernel(kernel, 2, [false, false])).not.toBe(renderStridedKernel(kernel, 3, [false, false]));
    expect(renderStridedKernel(kernel, 2, [false, false])).not.toBe(renderStridedKernel(kernel, 2, [false, true]));
    const s = th.function([m], T.sum(m, 0));
    const reduce = reduceKernelOfNode([...s.maker.fgraph.applyNodes][0]!)!;
    expect(renderReduceLoop(reduce, 2, [false], false)).toBe(renderReduceLoop(reduce, 2, [false], false));
    expect(renderReduceLoop(reduce, 2, [false], true)).not.toBe(renderReduceLoop(reduce, 2, [false], false));
  });

  it('the generated source holds no user strings (input names never reach it)', () => {
    const evil = T.dmatrix('"); throw new Error("pwned"); ("');
    const r = T.drow('r');
    const f = th.function([evil, r], T.exp(evil).add(r).sum(1));
    expect(f(data('float64', [3, 4], 1), data('float64', [1, 4], 2)).shape).toEqual([3]);
  });
});
