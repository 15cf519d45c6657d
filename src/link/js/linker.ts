/**
 * The JS linker: the VM's schedule, with every elementwise node (plain or
 * fused) run by a generated loop when its operands allow one — each input
 * contiguous with the output's shape, or a single value — and by the op's
 * reference `perform` otherwise (strided or partly broadcast operands).
 */
import type { Apply } from '../../graph/apply.js';
import type { OutputCell } from '../../graph/op.js';
import type { FunctionGraph } from '../../graph/fgraph.js';
import type { ElementwiseKernel } from '../../kernel/ir.js';
import type { NDArray } from '../../ndarray/ndarray.js';
import type { TypedArray } from '../../ndarray/dtype.js';
import { shapeSize } from '../../ndarray/ndarray.js';
import { Elemwise, elemwiseOutputShape } from '../../tensor/elemwise.js';
import { FusedElemwise } from '../../tensor/fused.js';
import { reuseOrAllocate } from '../../tensor/runtime.js';
import type { TensorType } from '../../tensor/type.js';
import { VM, type NodeTimer, type Thunk } from '../vm.js';
import { renderKernel, type KernelLoop } from './renderKernel.js';

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

function elementwiseThunk(node: Apply): Thunk | null {
  const kernel = kernelOfNode(node);
  if (kernel === null) return null;
  const reference = (inputs: readonly unknown[], cells: OutputCell[]) => node.op.perform(node, inputs, cells);
  const nIn = node.inputs.length;
  const nOut = kernel.outputDtypes.length;
  // The loop for each pattern of single-value inputs (a bit mask), found once per node.
  const loops = new Map<number, KernelLoop>();
  // Argument arrays reused across calls: this thunk runs once per call of its function.
  const outData: TypedArray[] = new Array(nOut);
  const outOffsets: number[] = new Array(nOut);
  const inData: TypedArray[] = new Array(nIn);
  const inOffsets: number[] = new Array(nIn);
  return (inputs, cells) => {
    const arrays = inputs as readonly NDArray[];
    const shape = elemwiseOutputShape(node, arrays);
    const n = shapeSize(shape);
    let mask = 0;
    for (let i = 0; i < nIn; i++) {
      const a = arrays[i]!;
      if (a.size === 1 && n !== 1) mask |= 1 << i;
      else if (!a.isContiguous() || !a.shape.every((d, ax) => d === shape[ax])) return reference(inputs, cells);
      inData[i] = a.data;
      inOffsets[i] = a.offset;
    }
    if (n === 0 || nIn > 30) return reference(inputs, cells);
    let loop = loops.get(mask);
    if (loop === undefined) {
      loop = renderKernel(kernel, arrays.map((_, i) => (mask & (1 << i)) !== 0));
      loops.set(mask, loop);
    }
    for (let o = 0; o < nOut; o++) {
      const out = reuseOrAllocate(cells[o]!, kernel.outputDtypes[o]!, shape);
      cells[o]!.value = out;
      outData[o] = out.data;
      outOffsets[o] = out.offset;
    }
    loop(outData, outOffsets, inData, inOffsets, n);
  };
}

/** A VM whose elementwise nodes run generated loops. */
export function jsLinker(fgraph: FunctionGraph, profile: NodeTimer | null = null): VM {
  return new VM(fgraph, profile, elementwiseThunk);
}
