/**
 * The WASM linker: the JS linker's schedule, with elementwise nodes over
 * large arrays run by WebAssembly SIMD functions (renderKernel.ts) on the
 * arrays where they lie in the shared memory, split over threads when big
 * enough. Everything else — small arrays (below WASM_MIN_BYTES, which live
 * on the JS heap), layouts the renderer does not cover, kernels with ops it
 * has no vector form for, reductions for now — runs the JS linker's
 * generated loops, so every graph runs.
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
import { collapseLayout } from '../js/renderStrided.js';
import { elementwiseThunk, inputStrides, kernelOfNode, reduceThunk } from '../js/linker.js';
import { WASM_MIN_BYTES } from '../../wasm/arrays.js';
import { runParallel, threadCount } from '../../wasm/threads.js';
import { renderWasmKernel } from './renderKernel.js';
import { Staging } from './staging.js';

let kernelRuns = 0;

/** How many elementwise nodes have run as WASM kernels in this process (for tests and profiles). */
export function wasmKernelRuns(): number {
  return kernelRuns;
}

/** Below this many elements a kernel stays on the calling thread (a thread's wake-up costs microseconds). */
const PARALLEL_MIN_ELEMENTS = 1 << 16;

function wasmElementwiseThunk(node: Apply): Thunk | null {
  const kernel = kernelOfNode(node);
  if (kernel === null) return null;
  const js = elementwiseThunk(node)!;
  if (renderWasmKernel(kernel, kernel.inputDtypes.map(() => false)) === null) return js;
  const nOut = kernel.outputDtypes.length;
  const staging = new Staging();
  return (inputs, cells: OutputCell[]) => {
    const arrays = inputs as readonly NDArray[];
    const shape = elemwiseOutputShape(node, arrays);
    const n = shapeSize(shape);
    const itemBytes = kernel.outputDtypes[0] === 'float64' ? 8 : 4;
    if (n * itemBytes < WASM_MIN_BYTES) return js(inputs, cells);
    const outs: NDArray[] = [];
    for (let o = 0; o < nOut; o++) {
      outs.push(o === 0 ? outputBuffer(node.op, cells[0]!, kernel.outputDtypes[0]!, shape, arrays) : reuseOrAllocate(cells[o]!, kernel.outputDtypes[o]!, shape));
    }
    const strides = [...outs.map((o) => o.strides as number[]), ...arrays.map((a) => (a.size === 1 ? shape.map(() => 0) : inputStrides(a, shape)))];
    const layout = collapseLayout(shape, strides);
    const rank = layout.shape.length;
    // Rows of contiguous (or row-constant) data only; anything else is the JS executor's.
    if (rank > 2 || layout.strides.some((s, k) => s[rank - 1] !== 1 && (k < nOut || s[rank - 1] !== 0))) {
      for (let o = 0; o < nOut; o++) cells[o]!.value = outs[o];
      return js(inputs, cells);
    }
    const rowBroadcast = arrays.map((_, i) => layout.strides[nOut + i]![rank - 1] === 0);
    const wasm = renderWasmKernel(kernel, rowBroadcast)!;
    const rows = rank === 2 ? layout.shape[0]! : 1;
    const cols = layout.shape[rank - 1]!;
    const operands = [...outs, ...arrays];
    const args: number[] = [];
    for (let k = 0; k < operands.length; k++) args.push(staging.address(operands[k]!, k < nOut));
    for (let k = 0; k < operands.length; k++) args.push(rank === 2 ? layout.strides[k]![0]! * itemBytes : 0);
    const threads = n >= PARALLEL_MIN_ELEMENTS ? threadCount() : 1;
    try {
      if (threads === 1) wasm.module.exports[wasm.name]!(...args, 0, rows, 0, cols);
      else runParallel(wasm.module, wasm.name, splitWork(args, rows, cols, threads, wasm.lanes));
    } finally {
      staging.finish();
    }
    kernelRuns++;
    for (let o = 0; o < nOut; o++) cells[o]!.value = outs[o];
  };
}

/** One task per thread: bands of rows, or of columns (whole vectors) when there are fewer rows than threads. */
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
    makeThunk: (node) => wasmElementwiseThunk(node) ?? reduceThunk(node),
    render: canGenerateCode ? renderSchedule : null,
    context,
  });
}
