/**
 * The kernel IR: a fused elementwise computation as a straight-line program
 * over one element of each input. `steps` apply scalar ops from the table to
 * earlier values; `outputs` name the values stored. Every executor renders
 * this same description (the reference evaluator below, generated JS, and
 * later WASM/WGSL), so no op's math is written twice.
 *
 * A kernel may end in a reduction (`reduce`): its one output value is then
 * not stored per element but folded with an associative scalar op over some
 * axes of the elementwise shape (Theano's CAReduce after an elementwise
 * chain, e.g. `sum(exp(x) * w)`), with no temporary array in between.
 *
 * Values are numbered: 0 .. nInputs-1 are the inputs, then one per step.
 */
import type { DType } from '../ndarray/dtype.js';
import { canCastSafely } from '../ndarray/dtype.js';
import type { ScalarFn, ScalarOp } from '../scalar/scalarOp.js';

export interface KernelStep {
  readonly op: ScalarOp;
  /** Value numbers of the arguments. */
  readonly args: readonly number[];
  /** Dtype of each argument and of the result (they choose the op's function). */
  readonly argDtypes: readonly DType[];
  readonly dtype: DType;
}

/**
 * A trailing reduction, with CAReduce's semantics: each output element folds,
 * starting from the op's identity, the kernel's value at every index of the
 * reduced axes, in row-major order. The fold runs on JS numbers (doubles)
 * with the op's function for `dtype`, and the result is stored as `dtype`
 * stores it. Element values that do not cast safely to `dtype` are first
 * converted to it (numpy: `sum(floats, dtype=int32)` truncates each element).
 */
export interface KernelReduction {
  /** An associative binary scalar op with an identity (add, mul, maximum, minimum, and, or, ...). */
  readonly op: ScalarOp;
  /** Reduced axes of the elementwise shape: sorted, distinct, each below the kernel's rank. */
  readonly axes: readonly number[];
  /** Accumulator and output dtype (the CAReduce's output dtype). */
  readonly dtype: DType;
}

export interface ElementwiseKernel {
  readonly inputDtypes: readonly DType[];
  readonly steps: readonly KernelStep[];
  /** Value numbers stored into the outputs, in order (exactly one when the kernel reduces). */
  readonly outputs: readonly number[];
  /** Output dtypes; with a reduction, the reduction's dtype. */
  readonly outputDtypes: readonly DType[];
  /** A trailing reduction of the (single) output value; absent for a plain elementwise kernel. */
  readonly reduce?: KernelReduction;
}

const keys = new WeakMap<ElementwiseKernel, string>();

/** A string equal for equal kernels (ops compared by key), for caching and op equality; computed once per kernel object. */
export function kernelKey(k: ElementwiseKernel): string {
  let key = keys.get(k);
  if (key === undefined) {
    key = computeKernelKey(k);
    keys.set(k, key);
  }
  return key;
}

function computeKernelKey(k: ElementwiseKernel): string {
  const steps = k.steps.map((s) => `${s.op.key()}(${s.args.join(',')}):${s.dtype}`).join(';');
  const r = k.reduce;
  const reduce = r === undefined ? '' : `reduce{${r.op.key()}[${r.axes.join(',')}]:${r.dtype}}`;
  return `in[${k.inputDtypes.join(',')}]{${steps}}out[${k.outputs.join(',')}]${reduce}`;
}

/** The element functions of each step, resolved for its dtypes. */
export function stepFunctions(k: ElementwiseKernel): ScalarFn[] {
  return k.steps.map((s) => s.op.impl(s.argDtypes, s.dtype));
}

/** The dtype of value number `v` (an input's or a step's). */
export function valueDtype(k: ElementwiseKernel, v: number): DType {
  const n = k.inputDtypes.length;
  return v < n ? k.inputDtypes[v]! : k.steps[v - n]!.dtype;
}

/** The dtype of the elementwise value a reducing kernel folds (what the unfused Elemwise would have stored). */
export function reducedValueDtype(k: ElementwiseKernel): DType {
  return valueDtype(k, k.outputs[0]!);
}

/**
 * Whether a reducing kernel converts each element to the accumulator dtype
 * before folding it (CAReduce does when the cast is not safe).
 */
export function reductionConvertsElements(k: ElementwiseKernel): boolean {
  const r = k.reduce;
  return r !== undefined && !canCastSafely(reducedValueDtype(k), r.dtype);
}

/** The reduction's fold function, for its dtype (wrapping int32 products, 64-bit bitwise ops). */
export function reductionFunction(r: KernelReduction): ScalarFn {
  return r.op.impl([r.dtype, r.dtype], r.dtype);
}

/** The kernel without its reduction: the elementwise part, whose output is the value folded. */
export function elementwisePart(k: ElementwiseKernel): ElementwiseKernel {
  if (k.reduce === undefined) return k;
  return { inputDtypes: k.inputDtypes, steps: k.steps, outputs: k.outputs, outputDtypes: [reducedValueDtype(k)] };
}

/** A human-readable form: `t3 = mul(i0, i1); t4 = sigmoid(t3) → out t4`, then `→ add over [0]` when it reduces. */
export function kernelToString(k: ElementwiseKernel): string {
  const n = k.inputDtypes.length;
  const name = (v: number) => (v < n ? `i${v}` : `t${v}`);
  const body = k.steps.map((s, j) => `${name(n + j)} = ${s.op.name}(${s.args.map(name).join(', ')})`);
  const reduce = k.reduce === undefined ? '' : ` → ${k.reduce.op.name} over [${k.reduce.axes.join(',')}]`;
  return `${body.join('; ')} → ${k.outputs.map(name).join(', ')}${reduce}`;
}
