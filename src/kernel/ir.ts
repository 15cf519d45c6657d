/**
 * The kernel IR: a fused elementwise computation as a straight-line program
 * over one element of each input. `steps` apply scalar ops from the table to
 * earlier values; `outputs` name the values stored. Every executor renders
 * this same description (the reference evaluator below, generated JS, and
 * later WASM/WGSL), so no op's math is written twice.
 *
 * Values are numbered: 0 .. nInputs-1 are the inputs, then one per step.
 */
import type { DType } from '../ndarray/dtype.js';
import type { ScalarFn, ScalarOp } from '../scalar/scalarOp.js';

export interface KernelStep {
  readonly op: ScalarOp;
  /** Value numbers of the arguments. */
  readonly args: readonly number[];
  /** Dtype of each argument and of the result (they choose the op's function). */
  readonly argDtypes: readonly DType[];
  readonly dtype: DType;
}

export interface ElementwiseKernel {
  readonly inputDtypes: readonly DType[];
  readonly steps: readonly KernelStep[];
  /** Value numbers stored into the outputs, in order. */
  readonly outputs: readonly number[];
  readonly outputDtypes: readonly DType[];
}

/** A string equal for equal kernels (ops compared by key), for caching and op equality. */
export function kernelKey(k: ElementwiseKernel): string {
  const steps = k.steps.map((s) => `${s.op.key()}(${s.args.join(',')}):${s.dtype}`).join(';');
  return `in[${k.inputDtypes.join(',')}]{${steps}}out[${k.outputs.join(',')}]`;
}

/** The element functions of each step, resolved for its dtypes. */
export function stepFunctions(k: ElementwiseKernel): ScalarFn[] {
  return k.steps.map((s) => s.op.impl(s.argDtypes, s.dtype));
}

/** A human-readable form: `t3 = mul(i0, i1); t4 = sigmoid(t3) → out t4`. */
export function kernelToString(k: ElementwiseKernel): string {
  const n = k.inputDtypes.length;
  const name = (v: number) => (v < n ? `i${v}` : `t${v}`);
  const body = k.steps.map((s, j) => `${name(n + j)} = ${s.op.name}(${s.args.map(name).join(', ')})`);
  return `${body.join('; ')} → ${k.outputs.map(name).join(', ')}`;
}
