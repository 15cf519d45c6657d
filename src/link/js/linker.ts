/**
 * The JS linker: the VM's schedule, with every elementwise node (plain or
 * fused) and every reduction (CAReduce, FusedReduce) run by a generated
 * loop. Elementwise nodes whose inputs are each contiguous with the output's
 * shape, or a single value, run one flat loop; others (strided views,
 * inputs broadcast along some axes) run a loop nest with per-input strides.
 * Reductions fold as they compute, in CAReduce's order. Empty arrays go to
 * the op's reference `perform`. The schedule itself — every node's call in
 * order — is rendered as one generated function (schedule.ts).
 */
import type { Apply } from '../../graph/apply.js';
import type { LinkContext, OutputCell } from '../../graph/op.js';
import type { FunctionGraph } from '../../graph/fgraph.js';
import type { ElementwiseKernel } from '../../kernel/ir.js';
import type { NDArray } from '../../ndarray/ndarray.js';
import { shapeSize } from '../../ndarray/ndarray.js';
import { storeConverter, type TypedArray } from '../../ndarray/dtype.js';
import { Elemwise, elemwiseOutputShape } from '../../tensor/elemwise.js';
import { FusedElemwise, FusedReduce } from '../../tensor/fused.js';
import { CAReduce } from '../../tensor/reduce.js';
import { outputBuffer, reuseOrAllocate } from '../../tensor/runtime.js';
import type { TensorType } from '../../tensor/type.js';
import { VM, type NodeTimer, type Thunk } from '../vm.js';
import { canGenerateCode, renderKernel } from './renderKernel.js';
import { renderSchedule } from './schedule.js';
import { collapseLayout, renderReduceLoop, renderStridedKernel } from './renderStrided.js';

/** The kernel an elementwise node computes (a one-step kernel for a plain Elemwise). */
export function kernelOfNode(node: Apply): ElementwiseKernel | null {
  if (node.op instanceof FusedElemwise) return node.op.kernel;
  if (!(node.op instanceof Elemwise)) return null;
  const n = node.inputs.length;
  const dtype = (node.outputs[0]!.type as TensorType).dtype;
  return {
    inputDtypes: node.inputs.map((i) => (i.type as TensorType).dtype),
    steps: [{ op: node.op.scalarOp, args: [...Array(n).keys()], argDtypes: node.inputs.map((i) => (i.type as TensorType).dtype), dtype }],
    outputs: [n],
    outputDtypes: [dtype],
  };
}

/** The reducing kernel a reduction node computes (no steps for a plain CAReduce: it folds its input). */
export function reduceKernelOfNode(node: Apply): ElementwiseKernel | null {
  if (node.op instanceof FusedReduce) return node.op.kernel;
  if (!(node.op instanceof CAReduce) || node.op.scalarOp.identity === undefined) return null;
  const dtype = (node.outputs[0]!.type as TensorType).dtype;
  return {
    inputDtypes: [(node.inputs[0]!.type as TensorType).dtype],
    steps: [],
    outputs: [0],
    outputDtypes: [dtype],
    reduce: { op: node.op.scalarOp, axes: node.op.axes, dtype },
  };
}

/** Each input's steps along the axes of `shape`: 0 where it is broadcast (length 1 against a longer axis). */
export function inputStrides(a: NDArray, shape: readonly number[]): number[] {
  return shape.map((d, ax) => (a.shape[ax] === d ? a.strides[ax]! : 0));
}

/**
 * A thunk's own table of its generated loops, by rank, variant and which
 * inputs are read once — looked up on every call, so without building
 * strings (the renderers' shared caches are keyed by the kernel's text).
 */
class LoopTable<L> {
  private readonly loops = new Map<number | string, L>();
  constructor(private readonly make: (scalar: readonly boolean[], rank: number, variant: number) => L) {}

  get(scalar: readonly boolean[], rank: number, variant: number): L {
    let key: number | string;
    if (scalar.length <= 24) {
      let bits = 0;
      for (let i = 0; i < scalar.length; i++) if (scalar[i]) bits += 2 ** i;
      key = (rank * 4 + variant) * 2 ** 24 + bits;
    } else key = `${rank}|${variant}|${scalar.map((s) => (s ? 1 : 0)).join('')}`;
    let loop = this.loops.get(key);
    if (loop === undefined) {
      loop = this.make(scalar, rank, variant);
      this.loops.set(key, loop);
    }
    return loop;
  }
}

/** Storage, offset and whether it is read once (one value against `n > 1` elements), for each input. */
function operands(arrays: readonly NDArray[], n: number): { data: TypedArray[]; offsets: number[]; scalar: boolean[] } {
  const data: TypedArray[] = [];
  const offsets: number[] = [];
  const scalar: boolean[] = [];
  for (const a of arrays) {
    data.push(a.data);
    offsets.push(a.offset);
    scalar.push(n !== 1 && a.size === 1);
  }
  return { data, offsets, scalar };
}

export function elementwiseThunk(node: Apply): Thunk | null {
  const kernel = kernelOfNode(node);
  if (kernel === null) return null;
  const reference = (inputs: readonly unknown[], cells: OutputCell[]) => node.op.perform(node, inputs, cells);
  // variant 1: every array starts at offset 0 (see renderKernel).
  const flat = new LoopTable((scalar, _rank, variant) => renderKernel(kernel, scalar, variant === 1));
  const nested = new LoopTable((scalar, rank) => renderStridedKernel(kernel, rank, scalar));
  const nOut = kernel.outputDtypes.length;
  return (inputs, cells) => {
    const arrays = inputs as readonly NDArray[];
    const shape = elemwiseOutputShape(node, arrays);
    const n = shapeSize(shape);
    if (n === 0) return reference(inputs, cells);
    const { data, offsets, scalar } = operands(arrays, n);
    let direct = true;
    let zeroOffsets = true;
    for (let i = 0; i < arrays.length && direct; i++) {
      if (scalar[i]) continue;
      const a = arrays[i]!;
      direct = a.isContiguous() && a.shape.every((d, ax) => d === shape[ax]);
      zeroOffsets &&= a.offset === 0;
    }
    const outs: NDArray[] = [];
    for (let o = 0; o < nOut; o++) {
      // Output 0 of an in-place node is written into the input it destroys (see outputBuffer).
      const out = o === 0 ? outputBuffer(node.op, cells[0]!, kernel.outputDtypes[0]!, shape, arrays) : reuseOrAllocate(cells[o]!, kernel.outputDtypes[o]!, shape);
      zeroOffsets &&= out.offset === 0;
      outs.push(out);
    }
    const outData = outs.map((o) => o.data);
    const outOffsets = outs.map((o) => o.offset);
    if (direct) {
      flat.get(scalar, 1, zeroOffsets ? 1 : 0)(outData, outOffsets, data, offsets, n);
    } else {
      // Strided or partly broadcast inputs: a loop nest over the output's shape (its collapsed form).
      const layout = collapseLayout(shape, arrays.map((a, i) => (scalar[i] ? shape.map(() => 0) : inputStrides(a, shape))));
      nested.get(scalar, layout.shape.length, 0)(outData, outOffsets, data, offsets, layout.strides.flat(), layout.shape);
    }
    for (let o = 0; o < nOut; o++) cells[o]!.value = outs[o];
  };
}

/** Where each element of `shape` lands when `axes` are reduced: the output's shape, and steps that are contiguous over the kept axes, 0 along reduced ones. */
export function reductionTarget(shape: readonly number[], axes: readonly number[]): { outShape: number[]; outStrides: number[] } {
  const outShape: number[] = [];
  const outStrides = new Array<number>(shape.length);
  for (let ax = shape.length - 1, step = 1; ax >= 0; ax--) {
    if (axes.includes(ax)) outStrides[ax] = 0;
    else {
      outStrides[ax] = step;
      step *= shape[ax]!;
      outShape.unshift(shape[ax]!);
    }
  }
  return { outShape, outStrides };
}

export function reduceThunk(node: Apply): Thunk | null {
  const kernel = reduceKernelOfNode(node);
  if (kernel === null) return null;
  const { axes, dtype } = kernel.reduce!;
  const identity = kernel.reduce!.op.identity!;
  const convert = storeConverter(dtype);
  const op = node.op;
  const reference = (inputs: readonly unknown[], cells: OutputCell[]) => op.perform(node, inputs, cells);
  // variant 1: the innermost loop axis is reduced (folded in a local).
  const loops = new LoopTable((scalar, rank, variant) => renderReduceLoop(kernel, rank, scalar, variant === 1));
  let scratch = new Float64Array(0);
  return (inputs, cells) => {
    const arrays = inputs as readonly NDArray[];
    const shape = op instanceof FusedReduce ? op.elementShape(node, arrays) : arrays[0]!.shape;
    const n = shapeSize(shape);
    if (n === 0) return reference(inputs, cells);
    const { outShape, outStrides } = reductionTarget(shape, axes);
    const out = reuseOrAllocate(cells[0]!, dtype, outShape);
    const size = out.size;
    // float64 results fold straight into the output; others fold in doubles, then are stored once (as CAReduce).
    const inPlace = dtype === 'float64' && out.offset === 0;
    if (!inPlace && scratch.length < size) scratch = new Float64Array(size);
    const acc = inPlace ? (out.data as Float64Array) : scratch;
    acc.fill(identity, 0, size);
    const { data, offsets, scalar } = operands(arrays, n);
    const layout = collapseLayout(shape, [outStrides, ...arrays.map((a, i) => (scalar[i] ? shape.map(() => 0) : inputStrides(a, shape)))]);
    const rank = layout.shape.length;
    loops.get(scalar, rank, layout.strides[0]![rank - 1] === 0 ? 1 : 0)(acc, data, offsets, layout.strides.flat(), layout.shape);
    if (!inPlace) {
      const dst = out.data;
      const o = out.offset;
      for (let k = 0; k < size; k++) dst[o + k] = convert(acc[k]!);
    }
    cells[0]!.value = out;
  };
}

/** Whether the JS linker runs generated code for `node` (for messages, e.g. DebugMode's). */
export function runsGeneratedCode(node: Apply): boolean {
  return kernelOfNode(node) !== null || reduceKernelOfNode(node) !== null;
}

/** A VM whose elementwise nodes and reductions run generated loops, and whose run is one generated function. */
export function jsLinker(fgraph: FunctionGraph, profile: NodeTimer | null = null, context: LinkContext | null = null): VM {
  return new VM(fgraph, {
    profile,
    makeThunk: (node) => elementwiseThunk(node) ?? reduceThunk(node),
    render: canGenerateCode ? renderSchedule : null,
    context,
  });
}
