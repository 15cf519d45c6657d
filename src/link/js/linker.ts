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
import { shapeSize } from '../../ndarray/ndarray.js';
import { Elemwise, elemwiseOutputShape } from '../../tensor/elemwise.js';
import { FusedElemwise } from '../../tensor/fused.js';
import { reuseOrAllocate } from '../../tensor/runtime.js';
import type { TensorType } from '../../tensor/type.js';
import { VM, type NodeTimer, type Thunk } from '../vm.js';
import { renderKernel } from './renderKernel.js';

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
  return (inputs, cells) => {
    const arrays = inputs as readonly NDArray[];
    const shape = elemwiseOutputShape(node, arrays);
    const n = shapeSize(shape);
    const scalar = arrays.map((a) => a.size === 1 && n !== 1);
    const direct = arrays.every((a, i) => scalar[i] || (a.isContiguous() && a.shape.every((d, ax) => d === shape[ax])));
    if (!direct || n === 0) return reference(inputs, cells);
    const outs = kernel.outputDtypes.map((d, o) => reuseOrAllocate(cells[o]!, d, shape));
    renderKernel(kernel, scalar)(
      outs.map((o) => o.data),
      outs.map((o) => o.offset),
      arrays.map((a) => a.data),
      arrays.map((a) => a.offset),
      n,
    );
    outs.forEach((o, i) => (cells[i]!.value = o));
  };
}

/** A VM whose elementwise nodes run generated loops. */
export function jsLinker(fgraph: FunctionGraph, profile: NodeTimer | null = null): VM {
  return new VM(fgraph, profile, elementwiseThunk);
}
