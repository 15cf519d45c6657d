/**
 * Generated loop nests for operands that are not simply contiguous:
 * strided views (a transpose, a slice), inputs broadcast along some axes
 * (a row added to a matrix: stride 0 along the broadcast axis), and
 * reducing kernels (an elementwise chain folded over some axes as it is
 * computed). One nest per kernel, loop rank and choice of inputs read once,
 * made on first use and cached.
 *
 * Elements are visited in row-major order of the elementwise shape, as the
 * reference evaluators do, so every output element folds its values in the
 * order CAReduce folds them and results are equal bit for bit.
 *
 * The safe code generation rules of renderKernel.ts hold here too: the
 * source is made of generator-chosen identifiers, integers (array indices)
 * and the fixed store templates; functions and the identity come in as values.
 */
import type { TypedArray } from '../../ndarray/dtype.js';
import { kernelKey, reductionConvertsElements, reductionFunction, type ElementwiseKernel } from '../../kernel/ir.js';
import { compileLoop, stepLines, storeExpression } from './renderKernel.js';

/** A loop nest: the lengths of its axes (outermost first, at least one) and each operand's steps along them. */
export interface LoopLayout {
  readonly shape: number[];
  /** One list per operand, one step per loop axis (in elements; 0 where it is broadcast or reduced). */
  readonly strides: number[][];
}

/**
 * The loop nest for `shape` with operands stepping by `strides` (one list
 * per operand, one entry per axis): length-1 axes are dropped, and each axis
 * is merged into the one before it when every operand steps through the two
 * as through one (outer stride = inner stride × inner length), so contiguous
 * data becomes one long inner loop. The nest still visits row-major order.
 */
export function collapseLayout(shape: readonly number[], strides: readonly (readonly number[])[]): LoopLayout {
  const dims: number[] = [];
  const steps: number[][] = strides.map(() => []);
  for (let ax = 0; ax < shape.length; ax++) {
    const d = shape[ax]!;
    if (d === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, o) => steps[o]![last] === s[ax]! * d)) {
      dims[last] = dims[last]! * d;
      strides.forEach((s, o) => (steps[o]![last] = s[ax]!));
    } else {
      dims.push(d);
      strides.forEach((s, o) => steps[o]!.push(s[ax]!));
    }
  }
  if (dims.length === 0) {
    dims.push(1);
    steps.forEach((s) => s.push(0));
  }
  return { shape: dims, strides: steps };
}

/**
 * out_j[outOffs[j] + k] = kernel(...) for the k-th element in row-major order
 * of `shape`; input i (unless read once) is at inOffs[i] + Σ index[ax] ×
 * strides[i × rank + ax].
 */
export type StridedLoop = (
  outputs: readonly TypedArray[],
  outputOffsets: readonly number[],
  inputs: readonly TypedArray[],
  inputOffsets: readonly number[],
  strides: readonly number[],
  shape: readonly number[],
) => void;

/**
 * acc[Σ index[ax] × strides[ax]] = fold(acc[...], kernel(...)) over every
 * index of `shape` in row-major order (the first `rank` strides place the
 * output: 0 along reduced axes); input i's strides follow at (i + 1) × rank.
 * `acc` comes in filled with the reduction's identity.
 */
export type ReduceLoop = (
  acc: Float64Array,
  inputs: readonly TypedArray[],
  inputOffsets: readonly number[],
  strides: readonly number[],
  shape: readonly number[],
) => void;

const stridedCache = new Map<string, StridedLoop>();
const reduceCache = new Map<string, ReduceLoop>();

const flags = (scalarInputs: readonly boolean[]): string => scalarInputs.map((s) => (s ? 1 : 0)).join('');

/** The source of a loop nest of `rank` axes; `reduce` says whether it folds, and whether along its innermost axis. */
function renderNest(kernel: ElementwiseKernel, rank: number, scalarInputs: readonly boolean[], reduce: null | { inner: boolean }): string {
  if (!Number.isInteger(rank) || rank < 1) throw new RangeError(`a loop nest needs at least one axis, got ${rank}`);
  const nIn = kernel.inputDtypes.length;
  const strided = [...Array(nIn).keys()].filter((i) => !scalarInputs[i]);
  const first = reduce === null ? 0 : 1; // index of input 0's strides among the operands
  const L: string[] = ['"use strict";'];
  kernel.steps.forEach((_, j) => L.push(`const f${j} = fns[${j}];`));
  if (reduce !== null) {
    L.push('const rf = extra;');
    L.push('return function reduceLoop(acc, ins, inOffs, strides, shape) {');
  } else {
    L.push('return function stridedLoop(outs, outOffs, ins, inOffs, strides, shape) {');
  }
  for (let ax = 0; ax < rank; ax++) L.push(`  const n${ax} = shape[${ax}];`);
  if (reduce !== null) {
    for (let ax = 0; ax < rank; ax++) L.push(`  const so${ax} = strides[${ax}];`);
    L.push('  let po0 = 0;');
  } else {
    kernel.outputs.forEach((_, o) => L.push(`  const o${o} = outs[${o}], q${o} = outOffs[${o}];`));
    L.push('  let k = 0;');
  }
  for (let i = 0; i < nIn; i++) {
    if (scalarInputs[i]) {
      L.push(`  const v${i} = ins[${i}][inOffs[${i}]];`);
      continue;
    }
    L.push(`  const a${i} = ins[${i}];`);
    for (let ax = 0; ax < rank; ax++) L.push(`  const s${i}_${ax} = strides[${(i + first) * rank + ax}];`);
    L.push(`  let p0_${i} = inOffs[${i}];`);
  }
  const folded = (() => {
    if (reduce === null) return '';
    const v = `v${kernel.outputs[0]!}`;
    return reductionConvertsElements(kernel) ? storeExpression(kernel.reduce!.dtype, v) : v;
  })();
  const level = (ax: number, indent: string): void => {
    const innermost = ax === rank - 1;
    const localFold = innermost && reduce !== null && reduce.inner;
    if (localFold) L.push(`${indent}let red = acc[po${ax}];`);
    L.push(`${indent}for (let i${ax} = 0; i${ax} < n${ax}; i${ax}++) {`);
    const body = `${indent}  `;
    if (!innermost) {
      for (const i of strided) L.push(`${body}let p${ax + 1}_${i} = p${ax}_${i};`);
      if (reduce !== null) L.push(`${body}let po${ax + 1} = po${ax};`);
      level(ax + 1, body);
    } else {
      for (const i of strided) L.push(`${body}const v${i} = a${i}[p${ax}_${i}];`);
      L.push(...stepLines(kernel, body));
      if (reduce === null) {
        kernel.outputs.forEach((v, o) => L.push(`${body}o${o}[q${o} + k] = ${storeExpression(kernel.outputDtypes[o]!, `v${v}`)};`));
        L.push(`${body}k++;`);
      } else if (localFold) {
        L.push(`${body}red = rf(red, ${folded});`);
      } else {
        L.push(`${body}acc[po${ax}] = rf(acc[po${ax}], ${folded});`);
      }
    }
    for (const i of strided) L.push(`${body}p${ax}_${i} += s${i}_${ax};`);
    if (reduce !== null && !localFold) L.push(`${body}po${ax} += so${ax};`);
    L.push(`${indent}}`);
    if (localFold) L.push(`${indent}acc[po${ax}] = red;`);
  };
  level(0, '  ');
  L.push('};');
  return L.join('\n');
}

/** The loop nest of `rank` axes for an elementwise kernel over strided or broadcast inputs; cached. */
export function renderStridedKernel(kernel: ElementwiseKernel, rank: number, scalarInputs: readonly boolean[]): StridedLoop {
  if (kernel.reduce !== undefined) throw new TypeError('renderStridedKernel: a reducing kernel is rendered by renderReduceLoop');
  const key = `${kernelKey(kernel)}|${rank}|${flags(scalarInputs)}`;
  let loop = stridedCache.get(key);
  if (loop === undefined) {
    loop = compileLoop<StridedLoop>(kernel, renderNest(kernel, rank, scalarInputs, null));
    stridedCache.set(key, loop);
  }
  return loop;
}

/**
 * The folding loop nest of `rank` axes for a reducing kernel; `innerReduced`
 * says the innermost axis is reduced (folded in a local, stored once); cached.
 */
export function renderReduceLoop(kernel: ElementwiseKernel, rank: number, scalarInputs: readonly boolean[], innerReduced: boolean): ReduceLoop {
  const r = kernel.reduce;
  if (r === undefined) throw new TypeError('renderReduceLoop: the kernel has no reduction');
  const key = `${kernelKey(kernel)}|${rank}|${flags(scalarInputs)}|${innerReduced ? 'inner' : 'outer'}`;
  let loop = reduceCache.get(key);
  if (loop === undefined) {
    loop = compileLoop<ReduceLoop>(kernel, renderNest(kernel, rank, scalarInputs, { inner: innerReduced }), reductionFunction(r));
    reduceCache.set(key, loop);
  }
  return loop;
}
