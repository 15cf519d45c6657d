/**
 * FusedElemwise: several elementwise operations done in one pass over the
 * data, described by an ElementwiseKernel (made by the fusion rewrite). It
 * can have several outputs. `perform` evaluates the kernel element by
 * element — the reference; the JS linker renders the same kernel into one
 * generated loop with no temporaries.
 *
 * FusedReduce: an elementwise kernel followed by a reduction (a CAReduce of
 * its result, e.g. `sum(exp(x) * w)`), as one node. Its `perform` is the
 * reference — the elementwise values in a temporary, then CAReduce's own
 * fold — and the JS linker renders a loop that folds each value as it is
 * computed, in the same order, so results are equal bit for bit.
 */
import { Apply } from '../graph/apply.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { NDArray } from '../ndarray/ndarray.js';
import { storeConverter } from '../ndarray/dtype.js';
import { mapInto } from '../ndarray/broadcast.js';
import { elementwisePart, kernelKey, kernelToString, reducedValueDtype, stepFunctions, type ElementwiseKernel } from '../kernel/ir.js';
import { TensorType } from './type.js';
import { TensorVariable } from './variable.js';
import { broadcastStaticShape, broadcastSymbolicShape, elemwiseOutputShape } from './elemwise.js';
import { outputBuffer, reuseOrAllocate } from './runtime.js';
import { CAReduce } from './reduce.js';

/** The inputs of a fused node, checked against its kernel: tensors of the kernel's dtypes, all of one rank. */
function kernelInputs(op: Op, kernel: ElementwiseKernel, inputs: readonly Variable[]): TensorVariable[] {
  if (inputs.length !== kernel.inputDtypes.length) throw new TypeError(`${op} takes ${kernel.inputDtypes.length} inputs, got ${inputs.length}`);
  const tensors = inputs.map((v, i) => {
    if (!(v instanceof TensorVariable) || v.dtype !== kernel.inputDtypes[i]) {
      throw new TypeError(`input ${i} of a fused kernel must be a ${kernel.inputDtypes[i]} tensor, got ${v} (${v.type})`);
    }
    return v;
  });
  if (tensors.length === 0 || new Set(tensors.map((t) => t.ndim)).size > 1) throw new TypeError('a fused kernel needs inputs of one rank');
  return tensors;
}

export class FusedElemwise extends Op {
  override readonly props = ['kernelId', 'inplace'];
  override readonly destroyMap: Readonly<Record<number, readonly number[]>>;
  readonly kernel: ElementwiseKernel;
  /** Equal kernels have equal ids, so merge can treat equal fused nodes as one. */
  readonly kernelId: string;
  /** The input whose buffer output 0 overwrites (set only by the in-place rewrite), or null. */
  readonly inplace: number | null;

  constructor(kernel: ElementwiseKernel, inplace: number | null = null) {
    super();
    if (kernel.reduce !== undefined) throw new TypeError('a FusedElemwise kernel cannot reduce; use FusedReduce');
    this.kernel = kernel;
    this.kernelId = kernelKey(kernel);
    this.inplace = inplace;
    this.destroyMap = inplace === null ? {} : { 0: [inplace] };
  }

  override toString(): string {
    return `FusedElemwise{${kernelToString(this.kernel)}${this.inplace === null ? '' : `, inplace${this.inplace}`}}`;
  }

  override makeNode(...inputs: Variable[]): Apply<this> {
    const k = this.kernel;
    const tensors = kernelInputs(this, k, inputs);
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
    const outs = this.kernel.outputDtypes.map((d, i) => (i === 0 ? outputBuffer(this, outputs[0]!, d, shape, arrays) : reuseOrAllocate(outputs[i]!, d, shape)));
    evaluateKernel(this.kernel, arrays.map((a) => a.broadcastTo(shape)), outs);
    outs.forEach((o, i) => (outputs[i]!.value = o));
  }

  override checkInputs(node: Apply, inputs: readonly unknown[]): void {
    elemwiseOutputShape(node, inputs as readonly NDArray[]);
  }

  override inferShape(node: Apply, inputShapes: readonly SymbolicShape[]): SymbolicShape[] {
    const dims = broadcastSymbolicShape(node, inputShapes);
    return node.outputs.map(() => dims);
  }
}

/**
 * An elementwise kernel and a reduction of its one output over some axes, in
 * one node; its output is what `CAReduce(op, axes, dtype)` of the kernel's
 * elementwise result would be.
 */
export class FusedReduce extends Op {
  override readonly props = ['kernelId'];
  readonly kernel: ElementwiseKernel;
  readonly kernelId: string;
  /** The reduction alone, whose `perform` is the reference fold. */
  readonly reduction: CAReduce;
  private readonly elementwise: ElementwiseKernel;

  constructor(kernel: ElementwiseKernel) {
    super();
    const r = kernel.reduce;
    if (r === undefined) throw new TypeError('a FusedReduce kernel must end in a reduction');
    if (kernel.outputs.length !== 1 || kernel.outputDtypes[0] !== r.dtype) {
      throw new TypeError(`a reducing kernel has one output, of the reduction's dtype ${r.dtype}`);
    }
    if (r.op.identity === undefined) throw new TypeError(`a fused reduction needs an op with an identity, got ${r.op}`);
    if (r.axes.some((a, i) => !Number.isInteger(a) || a < 0 || (i > 0 && a <= r.axes[i - 1]!))) {
      throw new TypeError(`reduced axes must be sorted, distinct and non-negative, got [${r.axes.join(',')}]`);
    }
    this.kernel = kernel;
    this.kernelId = kernelKey(kernel);
    this.reduction = new CAReduce(r.op, r.axes, r.dtype);
    this.elementwise = elementwisePart(kernel);
  }

  override toString(): string {
    return `FusedReduce{${kernelToString(this.kernel)}}`;
  }

  override makeNode(...inputs: Variable[]): Apply<this> {
    const k = this.kernel;
    const tensors = kernelInputs(this, k, inputs);
    const axes = k.reduce!.axes;
    if (axes.some((a) => a >= tensors[0]!.ndim)) throw new TypeError(`${this}: a reduced axis is out of range for ${tensors[0]!.ndim}-d inputs`);
    const shape = broadcastStaticShape('FusedReduce', tensors).filter((_, ax) => !axes.includes(ax));
    return new Apply(this, tensors, [new TensorType(k.reduce!.dtype, shape)]);
  }

  /**
   * The node as if it stopped before reducing: same op, inputs and creation
   * trace, with one output of the elementwise shape — what the shape rules
   * and checks of Elemwise read. Made once per node.
   */
  private elementwiseView(node: Apply): Apply {
    let view = elementwiseViews.get(node);
    if (view === undefined) {
      const type = new TensorType(reducedValueDtype(this.kernel), broadcastStaticShape('FusedReduce', node.inputs as TensorVariable[]));
      view = Object.create(node, { outputs: { value: [type.makeVariable(null)] } }) as Apply;
      elementwiseViews.set(node, view);
    }
    return view;
  }

  /** The run-time shape of the elementwise part (before reducing), checked as an Elemwise node checks it. */
  elementShape(node: Apply, arrays: readonly NDArray[]): number[] {
    return elemwiseOutputShape(this.elementwiseView(node), arrays);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const arrays = inputs as readonly NDArray[];
    const shape = this.elementShape(node, arrays);
    // The unfused graph's temporary: the elementwise result, stored in its own dtype...
    const values = NDArray.empty(reducedValueDtype(this.kernel), shape);
    evaluateKernel(this.elementwise, arrays.map((a) => a.broadcastTo(shape)), [values]);
    // ...folded by CAReduce itself (same order, same accumulation, same final conversion).
    this.reduction.perform(node, [values], outputs);
  }

  override inferShape(node: Apply, inputShapes: readonly SymbolicShape[]): SymbolicShape[] {
    const axes = this.kernel.reduce!.axes;
    return [broadcastSymbolicShape(this.elementwiseView(node), inputShapes).filter((_, ax) => !axes.includes(ax))];
  }
}

const elementwiseViews = new WeakMap<Apply, Apply>();

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
 * reference semantics), one output at a time — output 0 last, as it may
 * overwrite an input the others still read (an in-place node).
 */
export function evaluateKernel(kernel: ElementwiseKernel, inputs: readonly NDArray[], outputs: readonly NDArray[]): void {
  for (let o = outputs.length - 1; o >= 0; o--) mapInto(outputs[o]!, inputs, composeKernel(kernel, o));
}
