/**
 * FusedElemwise: several elementwise operations done in one pass over the
 * data, described by an ElementwiseKernel (made by the fusion rewrite). It
 * can have several outputs. `perform` evaluates the kernel element by
 * element — the reference; the JS linker renders the same kernel into one
 * generated loop with no temporaries.
 */
import { Apply } from '../graph/apply.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { NDArray } from '../ndarray/ndarray.js';
import { storeConverter } from '../ndarray/dtype.js';
import { mapInto } from '../ndarray/broadcast.js';
import { kernelKey, kernelToString, stepFunctions, type ElementwiseKernel } from '../kernel/ir.js';
import { TensorType } from './type.js';
import { TensorVariable } from './variable.js';
import { broadcastStaticShape, elemwiseOutputShape } from './elemwise.js';
import { reuseOrAllocate } from './runtime.js';
import { constant } from './asTensor.js';

export class FusedElemwise extends Op {
  override readonly props = ['kernelId'];
  readonly kernel: ElementwiseKernel;
  /** Equal kernels have equal ids, so merge can treat equal fused nodes as one. */
  readonly kernelId: string;

  constructor(kernel: ElementwiseKernel) {
    super();
    this.kernel = kernel;
    this.kernelId = kernelKey(kernel);
  }

  override toString(): string {
    return `FusedElemwise{${kernelToString(this.kernel)}}`;
  }

  override makeNode(...inputs: Variable[]): Apply<this> {
    const k = this.kernel;
    if (inputs.length !== k.inputDtypes.length) throw new TypeError(`${this} takes ${k.inputDtypes.length} inputs, got ${inputs.length}`);
    const tensors = inputs.map((v, i) => {
      if (!(v instanceof TensorVariable) || v.dtype !== k.inputDtypes[i]) {
        throw new TypeError(`input ${i} of a fused kernel must be a ${k.inputDtypes[i]} tensor, got ${v} (${v.type})`);
      }
      return v;
    });
    if (new Set(tensors.map((t) => t.ndim)).size > 1) throw new TypeError('the inputs of a fused kernel must have the same rank');
    const shape = broadcastStaticShape('FusedElemwise', tensors);
    return new Apply(
      this,
      tensors,
      k.outputDtypes.map((d) => new TensorType(d, shape)),
    );
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const arrays = inputs as readonly NDArray[];
    const shape = elemwiseOutputShape(node, arrays);
    const outs = this.kernel.outputDtypes.map((d, i) => reuseOrAllocate(outputs[i]!, d, shape));
    evaluateKernel(this.kernel, arrays.map((a) => a.broadcastTo(shape)), outs);
    outs.forEach((o, i) => (outputs[i]!.value = o));
  }

  override inferShape(node: Apply, inputShapes: readonly SymbolicShape[]): SymbolicShape[] {
    const type = node.outputs[0]!.type as TensorType;
    const dims = type.shape.map((s, ax) => {
      if (s !== null) return constant(s, null, 'int64') as Variable;
      const k = node.inputs.findIndex((i) => (i.type as TensorType).shape[ax] !== 1);
      return inputShapes[k]![ax]!;
    });
    return node.outputs.map(() => dims);
  }
}

/**
 * The kernel as one scalar function of its inputs for output `which`: each
 * step's result is stored as its dtype would store it (float32 rounding,
 * int wrap-around), so a fused kernel computes exactly what the separate
 * ops would.
 */
function composeKernel(kernel: ElementwiseKernel, which: number): (...args: number[]) => number {
  const fns = stepFunctions(kernel);
  const nIn = kernel.inputDtypes.length;
  const converts = kernel.steps.map((s) => (s.dtype === 'float64' ? null : storeConverter(s.dtype)));
  const argLists = kernel.steps.map((s) => s.args);
  const values = new Float64Array(nIn + kernel.steps.length);
  const scratch: number[] = [];
  const result = kernel.outputs[which]!;
  return (...args: number[]) => {
    for (let i = 0; i < nIn; i++) values[i] = args[i]!;
    for (let j = 0; j < fns.length; j++) {
      const refs = argLists[j]!;
      scratch.length = refs.length;
      for (let r = 0; r < refs.length; r++) scratch[r] = values[refs[r]!]!;
      const v = fns[j]!(...scratch);
      const convert = converts[j];
      values[nIn + j] = convert ? convert(v) : v;
    }
    return values[result]!;
  };
}

/**
 * Runs a kernel on inputs already broadcast to the outputs' shape (the
 * reference semantics), one output at a time.
 */
export function evaluateKernel(kernel: ElementwiseKernel, inputs: readonly NDArray[], outputs: readonly NDArray[]): void {
  outputs.forEach((out, o) => mapInto(out, inputs, composeKernel(kernel, o)));
}
