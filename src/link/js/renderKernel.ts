/**
 * Renders an ElementwiseKernel to a JavaScript loop with `new Function`:
 * one pass over contiguous data, inputs of size 1 read once before the
 * loop, intermediates kept in locals (no temporary arrays), each step's
 * result rounded or wrapped as its dtype stores it. (Loop nests for strided
 * or broadcast operands and for reducing kernels: renderStrided.ts.)
 *
 * Generated code is made only of generator-chosen identifiers, numbers and
 * the fixed conversion templates below — never of names or values from the
 * user. The scalar ops' functions are passed in and called by reference
 * (V8 inlines them), so the math stays in the scalar op table.
 */
import type { DType, TypedArray } from '../../ndarray/dtype.js';
import { storeConverter } from '../../ndarray/dtype.js';
import { kernelKey, stepFunctions, type ElementwiseKernel } from '../../kernel/ir.js';

/** out_j[outOffsets[j] + k] = kernel(in_i[...]) for k < n; `scalarInputs[i]` marks inputs read once. */
export type KernelLoop = (
  outputs: readonly TypedArray[],
  outputOffsets: readonly number[],
  inputs: readonly TypedArray[],
  inputOffsets: readonly number[],
  n: number,
) => void;

/** The expression that turns a JS number into what `dtype` would store (identity for float64). */
export function storeExpression(dtype: DType, x: string): string {
  switch (dtype) {
    case 'float64':
      return x;
    case 'float32':
      return `fround(${x})`;
    case 'int32':
      return `(${x} | 0)`;
    case 'uint32':
      return `(${x} >>> 0)`;
    case 'int16':
      return `((${x} << 16) >> 16)`;
    case 'int8':
      return `((${x} << 24) >> 24)`;
    case 'uint16':
      return `(${x} & 65535)`;
    case 'uint8':
      return `(${x} & 255)`;
    case 'bool':
      return `(${x} !== 0 ? 1 : 0)`;
    case 'int64':
    case 'uint64':
      return `to64(${x})`;
  }
}

/**
 * Lines computing every step of `kernel` into locals `v<n>`, from locals
 * `v0 .. v<nIn-1>` holding the inputs' elements (each step's function is
 * the local `f<j>`, rounded or wrapped as its dtype stores it).
 */
export function stepLines(kernel: ElementwiseKernel, indent: string): string[] {
  const nIn = kernel.inputDtypes.length;
  return kernel.steps.map((s, j) => {
    const call = `f${j}(${s.args.map((a) => `v${a}`).join(', ')})`;
    return `${indent}const v${nIn + j} = ${storeExpression(s.dtype, call)};`;
  });
}

/** What a generated module receives: the steps' functions, the float32 rounding and the int64 conversion. */
export type LoopFactory<L> = (fns: readonly ((...args: number[]) => number)[], fround: (x: number) => number, to64: (x: number) => number, extra: unknown) => L;

/**
 * Compiles generated source (a function body returning the loop; it sees
 * `fns`, `fround`, `to64` and `extra`) and binds it to `kernel`'s functions.
 */
export function compileLoop<L>(kernel: ElementwiseKernel, body: string, extra: unknown = null): L {
  const factory = new Function('fns', 'fround', 'to64', 'extra', body) as LoopFactory<L>;
  return factory(stepFunctions(kernel), Math.fround, storeConverter('int64'), extra);
}

const cache = new Map<string, KernelLoop>();

/** Whether this runtime may compile code (`new Function` can be forbidden by a content security policy). */
export const canGenerateCode: boolean = (() => {
  try {
    return new Function('return 1')() === 1;
  } catch {
    return false;
  }
})();

/**
 * The loop for `kernel` with the inputs marked in `scalarInputs` read once;
 * made once per kernel and marking, then cached. With `zeroOffsets` (every
 * array read or written element by element starts at index 0, the usual
 * case) the loop indexes without adding offsets, which V8 runs measurably
 * faster; the offsets passed are then ignored.
 */
export function renderKernel(kernel: ElementwiseKernel, scalarInputs: readonly boolean[], zeroOffsets = false): KernelLoop {
  if (kernel.reduce !== undefined) throw new TypeError('renderKernel: a reducing kernel is rendered by renderReduceLoop');
  const key = `${kernelKey(kernel)}|${scalarInputs.map((s) => (s ? 1 : 0)).join('')}|${zeroOffsets ? 'z' : 'o'}`;
  let loop = cache.get(key);
  if (loop !== undefined) return loop;
  const nIn = kernel.inputDtypes.length;
  const lines: string[] = ['"use strict";'];
  kernel.steps.forEach((_, j) => lines.push(`const f${j} = fns[${j}];`));
  lines.push('return function kernel(outs, outOffs, ins, inOffs, n) {');
  const at = (base: string) => (zeroOffsets ? 'k' : `${base} + k`);
  kernel.outputs.forEach((_, o) => lines.push(zeroOffsets ? `  const o${o} = outs[${o}];` : `  const o${o} = outs[${o}], q${o} = outOffs[${o}];`));
  for (let i = 0; i < nIn; i++) {
    if (scalarInputs[i]) lines.push(`  const v${i} = ins[${i}][inOffs[${i}]];`);
    else lines.push(zeroOffsets ? `  const a${i} = ins[${i}];` : `  const a${i} = ins[${i}], p${i} = inOffs[${i}];`);
  }
  lines.push('  for (let k = 0; k < n; k++) {');
  for (let i = 0; i < nIn; i++) if (!scalarInputs[i]) lines.push(`    const v${i} = a${i}[${at(`p${i}`)}];`);
  lines.push(...stepLines(kernel, '    '));
  kernel.outputs.forEach((v, o) => lines.push(`    o${o}[${at(`q${o}`)}] = ${storeExpression(kernel.outputDtypes[o]!, `v${v}`)};`));
  lines.push('  }', '};');
  loop = compileLoop<KernelLoop>(kernel, lines.join('\n'));
  cache.set(key, loop);
  return loop;
}
