/**
 * The WASM linker: the JS linker's schedule, with elementwise nodes,
 * reductions and the softmax family over large arrays run by WebAssembly
 * SIMD functions (renderKernel.ts, renderReduce.ts, softmax.ts) on the
 * arrays where they lie in the shared memory (any input strides for
 * elementwise kernels), split over threads when big enough; expensive kernels over
 * small arrays run there too, their operands staged. Everything else — cheap
 * work on small arrays (below WASM_MIN_BYTES, which live on the JS heap),
 * layouts the renderers do not cover, kernels with dtypes or ops they have
 * no vector form for — runs the JS linker's generated loops, so every graph
 * runs. Matrix products reach the WASM GEMM through the ops themselves.
 */
import type { Apply } from '../../graph/apply.js';
import type { FunctionGraph } from '../../graph/fgraph.js';
import type { LinkContext, OutputCell } from '../../graph/op.js';
import type { NDArray } from '../../ndarray/ndarray.js';
import { shapeSize } from '../../ndarray/ndarray.js';
import { elemwiseOutputShape } from '../../tensor/elemwise.js';
import { outputBuffer, reuseOrAllocate } from '../../tensor/runtime.js';
import { VM, type NodeTimer, type Thunk } from '../vm.js';
import { canGenerateCode } from '../js/renderKernel.js';
import { renderSchedule } from '../js/schedule.js';
import { collapseLayout, type LoopLayout } from '../js/renderStrided.js';
import { elementwiseThunk, inputStrides, kernelOfNode, reduceKernelOfNode, reduceThunk, reductionTarget } from '../js/linker.js';
import { wasmAddress, withScratch } from '../../wasm/arrays.js';
import { PARALLEL_MIN_WORK, worthWasm } from './dispatch.js';
import { wasmSoftmaxThunk } from './softmax.js';
import { reducedValueDtype, type ElementwiseKernel } from '../../kernel/ir.js';
import { dtypeInfo, storeConverter } from '../../ndarray/dtype.js';
import { FusedReduce } from '../../tensor/fused.js';
import { renderWasmReduce } from './renderReduce.js';
import { opCost } from './vectorOps.js';
import { runParallel, threadCount } from '../../wasm/threads.js';
import { renderWasmKernel, type WasmKernel } from './renderKernel.js';
import { Staging } from './staging.js';

let kernelRuns = 0;

/** How many elementwise nodes have run as WASM kernels in this process (for tests and profiles). */
export function wasmKernelRuns(): number {
  return kernelRuns;
}

/** Elements per partial of a reduction to one value (see the reduce thunk): long enough to keep a kernel call's overhead small. */
const REDUCE_CHUNK = 2 ** 15;

/** The most axes a layout may keep after collapsing for the WASM kernels (three outer loop levels around rows). */
const MAX_RANK = 4;

/** The kernel's cost per element. */
function kernelCost(kernel: ElementwiseKernel): number {
  let cost = 1;
  for (const s of kernel.steps) cost += opCost(s.op.name);
  return cost;
}

const NONE: readonly boolean[] = [];

/**
 * A thunk's own table of rendered kernels, keyed by small integers (no
 * string building per call): `variant` is the loop levels of an
 * elementwise kernel, or whether a reduction folds its inner axis.
 */
class KernelTable {
  private readonly kernels = new Map<number, WasmKernel>();
  constructor(private readonly render: (rowBroadcast: readonly boolean[], variant: number, strided: readonly boolean[]) => WasmKernel) {}

  get(rowBroadcast: readonly boolean[], variant: number, strided: readonly boolean[] = NONE): WasmKernel {
    let key = variant;
    for (let i = 0; i < rowBroadcast.length; i++) key = key * 3 + (rowBroadcast[i] ? 1 : strided[i] ? 2 : 0);
    const small = rowBroadcast.length <= 30; // keys stay exact integers
    let k = small ? this.kernels.get(key) : undefined;
    if (k === undefined) {
      k = this.render(rowBroadcast, variant, strided);
      if (small) this.kernels.set(key, k);
    }
    return k;
  }
}

function wasmElementwiseThunk(node: Apply): Thunk | null {
  const kernel = kernelOfNode(node);
  if (kernel === null) return null;
  const js = elementwiseThunk(node)!;
  if (renderWasmKernel(kernel, kernel.inputDtypes.map(() => false)) === null) return js;
  const nOut = kernel.outputDtypes.length;
  const nIn = kernel.inputDtypes.length;
  const staging = new Staging();
  const table = new KernelTable((rowBroadcast, levels, strided) => renderWasmKernel(kernel, rowBroadcast, levels, strided)!);
  const cost = kernelCost(kernel);
  const itemBytes = kernel.outputDtypes[0] === 'float64' ? 8 : 4;
  // Bytes per element of each operand (outputs, then inputs: integer inputs are read converted).
  const operandBytes = [...kernel.outputDtypes, ...kernel.inputDtypes].map((d) => dtypeInfo(d).storage.BYTES_PER_ELEMENT);
  const scalar: boolean[] = new Array(nIn).fill(false);
  const args: number[] = [];
  return (inputs, cells: OutputCell[]) => {
    const arrays = inputs as readonly NDArray[];
    const shape = elemwiseOutputShape(node, arrays);
    const n = shapeSize(shape);
    if (!worthWasm(n, itemBytes, cost)) return js(inputs, cells);
    const outs: NDArray[] = [];
    for (let o = 0; o < nOut; o++) {
      outs.push(o === 0 ? outputBuffer(node.op, cells[0]!, kernel.outputDtypes[0]!, shape, arrays) : reuseOrAllocate(cells[o]!, kernel.outputDtypes[o]!, shape));
    }
    // The common case first: every array contiguous over the whole shape, or a single value — one flat row.
    let flat = true;
    for (let i = 0; i < nIn && flat; i++) {
      const a = arrays[i]!;
      scalar[i] = a.size === 1;
      flat = scalar[i]! || (a.size === n && a.isContiguous());
    }
    let wasm: WasmKernel;
    let outer = 1;
    let cols = n;
    args.length = 0;
    if (flat) {
      wasm = table.get(scalar, 1);
      for (let k = 0; k < nOut + nIn; k++) args.push(staging.address(k < nOut ? outs[k]! : arrays[k - nOut]!, k < nOut, k));
      for (let k = 0; k < nOut + nIn; k++) args.push(0);
    } else {
      const strides = [...outs.map((o) => o.strides as number[]), ...arrays.map((a) => (a.size === 1 ? shape.map(() => 0) : inputStrides(a, shape)))];
      const layout = collapseLayout(shape, strides);
      const rank = layout.shape.length;
      // Rows of contiguous outputs under at most three outer levels, inputs read along them with any stride
      // (row-constant, contiguous or gathered); anything else is the JS executor's.
      if (rank > MAX_RANK || layout.strides.some((st, k) => k < nOut && st[rank - 1] !== 1)) {
        for (let o = 0; o < nOut; o++) cells[o]!.value = outs[o];
        return js(inputs, cells);
      }
      const levels = Math.max(1, rank - 1);
      const inner = arrays.map((_, i) => layout.strides[nOut + i]![rank - 1]!);
      wasm = table.get(
        inner.map((st) => st === 0),
        levels,
        inner.map((st) => st !== 0 && st !== 1),
      );
      cols = layout.shape[rank - 1]!;
      outer = rank > 1 ? layout.shape[0]! : 1;
      for (let k = 0; k < nOut + nIn; k++) args.push(staging.address(k < nOut ? outs[k]! : arrays[k - nOut]!, k < nOut, k));
      for (let l = 0; l < levels; l++) for (let k = 0; k < nOut + nIn; k++) args.push(rank > 1 ? layout.strides[k]![l]! * operandBytes[k]! : 0);
      for (let l = 1; l < levels; l++) args.push(layout.shape[l]!);
      inner.forEach((st, i) => {
        if (st !== 0 && st !== 1) args.push(st * operandBytes[nOut + i]!);
      });
    }
    const threads = n * cost >= PARALLEL_MIN_WORK ? threadCount() : 1;
    try {
      if (threads === 1) {
        args.push(0, outer, 0, cols);
        wasm.module.exports[wasm.name]!(...args);
      } else runParallel(wasm.module, wasm.name, splitWork(args, outer, cols, threads, wasm.lanes));
    } finally {
      staging.finish();
    }
    kernelRuns++;
    for (let o = 0; o < nOut; o++) cells[o]!.value = outs[o];
  };
}

function wasmReduceThunk(node: Apply): Thunk | null {
  const kernel = reduceKernelOfNode(node);
  if (kernel === null) return null;
  const js = reduceThunk(node)!;
  const noBroadcast = kernel.inputDtypes.map(() => false);
  if (renderWasmReduce(kernel, noBroadcast, true) === null) return js;
  const { axes, dtype } = kernel.reduce!;
  const identity = kernel.reduce!.op.identity!;
  const convert = storeConverter(dtype);
  const cost = kernelCost(kernel);
  const itemBytes = reducedValueDtype(kernel) === 'float64' ? 8 : 4;
  const inputBytes = kernel.inputDtypes.map((d) => dtypeInfo(d).storage.BYTES_PER_ELEMENT);
  const op = node.op;
  const staging = new Staging();
  const table = new KernelTable((rowBroadcast, innerReduced, strided) => renderWasmReduce(kernel, rowBroadcast, innerReduced === 1, strided)!);
  return (inputs, cells: OutputCell[]) => {
    const arrays = inputs as readonly NDArray[];
    const shape = op instanceof FusedReduce ? op.elementShape(node, arrays) : arrays[0]!.shape;
    const n = shapeSize(shape);
    if (n === 0 || !worthWasm(n, itemBytes, cost)) return js(inputs, cells);
    const { outShape, outStrides } = reductionTarget(shape, axes);
    let layout = collapseLayout(shape, [outStrides, ...arrays.map((a) => (a.size === 1 ? shape.map(() => 0) : inputStrides(a, shape)))]);
    // Two axes can be walked in either order (a sum does not care): the one that gathers fewer inputs
    // along its rows, so x.T.sum(1) runs down x's rows as x.sum(0) does.
    if (layout.shape.length === 2) {
      const swapped: LoopLayout = { shape: [layout.shape[1]!, layout.shape[0]!], strides: layout.strides.map(([a, b]) => [b!, a!]) };
      if (gathers(swapped) < gathers(layout) && reduceFits(swapped)) layout = swapped;
    }
    if (!reduceFits(layout)) return js(inputs, cells);
    const rank = layout.shape.length;
    const [outRow, outInner] = rank === 2 ? [layout.strides[0]![0]!, layout.strides[0]![1]!] : [0, layout.strides[0]![0]!];
    const innerReduced = outInner === 0;
    const inner = arrays.map((_, i) => layout.strides[i + 1]![rank - 1]!);
    const wasm = table.get(
      inner.map((st) => st === 0),
      innerReduced ? 1 : 0,
      inner.map((st) => st !== 0 && st !== 1),
    );
    const out = reuseOrAllocate(cells[0]!, dtype, outShape);
    const size = out.size;
    // One long row folding into one value is cut into chunks of fixed length, each folded into its own
    // partial (rows of a CHUNK-wide layout, plus the rest), the partials then in order: the same sums
    // whatever the thread count.
    const chunked = rank === 1 && innerReduced && n > REDUCE_CHUNK;
    const rows = chunked ? Math.floor(n / REDUCE_CHUNK) : rank === 2 ? layout.shape[0]! : 1;
    const cols = chunked ? REDUCE_CHUNK : layout.shape[rank - 1]!;
    const rest = chunked ? n - rows * cols : 0;
    const accRow = chunked ? 1 : outRow;
    // Threads take whole accumulator elements, so each is folded in one order whoever folds it: bands of
    // rows when each row has its own element, bands of columns when the outer axis is the reduced one.
    const split = innerReduced ? rows : cols;
    const splittable = !innerReduced || accRow === 1; // rows folding into one value share it
    const threads = splittable && n * cost >= PARALLEL_MIN_WORK && split > 1 ? Math.min(threadCount(), split) : 1;
    withScratch('float64', chunked ? rows + (rest > 0 ? 1 : 0) : size, (acc) => {
      acc.fill(identity);
      try {
        const at = arrays.map((a, i) => staging.address(a, false, i));
        const rowSteps = arrays.map((_, i) => (chunked ? cols * inner[i]! : rank === 2 ? layout.strides[i + 1]![0]! : 0) * inputBytes[i]!);
        const gathered = inner.flatMap((st, i) => (st !== 0 && st !== 1 ? [st * inputBytes[i]!] : []));
        const task = (r0: number, r1: number, c0: number, c1: number, accAt = innerReduced ? 0 : c0) => [
          wasmAddress(acc) + accAt * 8,
          accRow * 8,
          ...at.map((p, i) => p + c0 * inner[i]! * inputBytes[i]!),
          ...rowSteps,
          ...gathered,
          r0,
          r1,
          c1 - c0,
        ];
        const tasks: number[][] = [];
        for (let t = 0; t < threads; t++) {
          const [b0, b1] = [Math.floor((split * t) / threads), Math.floor((split * (t + 1)) / threads)];
          tasks.push(innerReduced ? task(b0, b1, 0, cols) : task(0, rows, b0, b1));
        }
        // The chunks' rest: one short row into the last partial, after the whole chunks.
        if (rest > 0) tasks.push(task(0, 1, rows * cols, n, rows));
        if (threads === 1) for (const args of tasks) wasm.module.exports[wasm.name]!(...args);
        else runParallel(wasm.module, wasm.name, tasks);
      } finally {
        staging.finish();
      }
      const dst = out.data;
      const o = out.offset;
      if (chunked) {
        const combine = kernel.reduce!.op.impl(['float64', 'float64'], 'float64');
        let value = acc[0]!;
        for (let k = 1; k < acc.length; k++) value = combine(value, acc[k]!) as number;
        dst[o] = convert(value);
      } else {
        for (let k = 0; k < size; k++) dst[o + k] = convert(acc[k]!);
      }
    });
    kernelRuns++;
    cells[0]!.value = out;
  };
}

/** Inputs (operands after the output) whose elements along a row are not adjacent: read by gathering. */
function gathers(layout: LoopLayout): number {
  const rank = layout.shape.length;
  return layout.strides.slice(1).filter((s) => s[rank - 1] !== 0 && s[rank - 1] !== 1).length;
}

/** Whether a reduction's layout (output first) is rows folding into a contiguous accumulator, or into one value. */
function reduceFits(layout: LoopLayout): boolean {
  const rank = layout.shape.length;
  if (rank > 2) return false;
  const [outRow, outInner] = rank === 2 ? [layout.strides[0]![0]!, layout.strides[0]![1]!] : [0, layout.strides[0]![0]!];
  return outInner === 0 ? outRow === 0 || outRow === 1 : outInner === 1 && outRow === 0 && rank === 2;
}

/** One task per thread: bands of the outermost level, or of columns (whole vectors) when it is shorter than the thread count. */
function splitWork(args: readonly number[], rows: number, cols: number, threads: number, lanes: number): number[][] {
  const tasks: number[][] = [];
  if (rows >= threads) {
    for (let t = 0; t < threads; t++) tasks.push([...args, Math.floor((rows * t) / threads), Math.floor((rows * (t + 1)) / threads), 0, cols]);
  } else {
    const vectors = Math.ceil(cols / lanes);
    for (let t = 0; t < threads; t++) {
      const c0 = Math.min(cols, Math.floor((vectors * t) / threads) * lanes);
      const c1 = t === threads - 1 ? cols : Math.min(cols, Math.floor((vectors * (t + 1)) / threads) * lanes);
      tasks.push([...args, 0, rows, c0, c1]);
    }
  }
  return tasks;
}

/** A VM whose large float elementwise nodes run WebAssembly SIMD kernels, and everything else as the JS linker. */
export function wasmLinker(fgraph: FunctionGraph, profile: NodeTimer | null = null, context: LinkContext | null = null): VM {
  return new VM(fgraph, {
    profile,
    makeThunk: (node) => wasmElementwiseThunk(node) ?? wasmReduceThunk(node) ?? wasmSoftmaxThunk(node),
    render: canGenerateCode ? renderSchedule : null,
    context,
  });
}
