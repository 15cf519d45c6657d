/**
 * Renders an ElementwiseKernel as a WebAssembly SIMD function: one pass
 * over rows of a (collapsed) two-axis layout, a vector of lanes per
 * iteration (f64x2 or f32x4), intermediates in locals, and a scalar-width
 * tail. Inputs read once per row (a column broadcast along the row, or a
 * single value) are splatted before the row's loop.
 *
 * The function takes byte addresses in the shared memory, so it runs
 * unchanged on any thread: (p_0 … p_{m-1}, s_0 … s_{m-1}, r0, r1, c0, c1)
 * with one address and one row step (bytes) per operand — outputs first,
 * then inputs — computing rows [r0, r1) and, in each, columns [c0, c1).
 *
 * Supported for now: kernels whose every value is one float dtype and
 * whose every op has a vector rendering (vectorOps.ts); others return null
 * and run in the JS executor.
 */
import type { Code, Local } from '../../wasm/code.js';
import { ModuleBuilder } from '../../wasm/module.js';
import { MEMORY_IMPORT } from '../../wasm/memory.js';
import { shareModule, type SharedModule } from '../../wasm/threads.js';
import { kernelKey, type ElementwiseKernel } from '../../kernel/ir.js';
import type { DType } from '../../ndarray/dtype.js';
import { logicalOp, maskOp, maskToFloat, switchOnMask, vectorOp, type Shape, type VectorOp } from './vectorOps.js';

export interface WasmKernel {
  readonly module: SharedModule;
  /** Name of the exported function. */
  readonly name: string;
  readonly dtype: 'float32' | 'float64';
  /** Bytes per element. */
  readonly itemBytes: number;
  /** Elements per vector. */
  readonly lanes: number;
}

export interface Layout {
  readonly shape: Shape;
  readonly bytes: number;
  readonly lanes: number;
  readonly load: 'f64.load' | 'f32.load';
  readonly store: 'f64.store' | 'f32.store';
  readonly loadZero: 'v128.load64_zero' | 'v128.load32_zero';
  readonly splat: 'v128.load64_splat' | 'v128.load32_splat';
}

export const LAYOUTS: Record<'float32' | 'float64', Layout> = {
  float64: { shape: 'f64x2', bytes: 8, lanes: 2, load: 'f64.load', store: 'f64.store', loadZero: 'v128.load64_zero', splat: 'v128.load64_splat' },
  float32: { shape: 'f32x4', bytes: 4, lanes: 4, load: 'f32.load', store: 'f32.store', loadZero: 'v128.load32_zero', splat: 'v128.load32_splat' },
};

/** How one step is rendered: its op, and whether its arguments and result are masks (bools). */
export interface StepPlan {
  readonly op: VectorOp;
  readonly result: 'float' | 'mask';
  /** Per argument: 'float' (a mask argument is read as 0/1 first) or 'mask' (taken as is). */
  readonly args: readonly ('float' | 'mask')[];
}

/**
 * The kernel's float dtype and each step's rendering, when every input and
 * output has that dtype and every step is a number op of it, a predicate of
 * it, or logic on bools; null otherwise (the JS executor runs it).
 */
export function vectorPlan(kernel: ElementwiseKernel): { dtype: 'float32' | 'float64'; steps: StepPlan[] } | null {
  if (kernel.reduce !== undefined) return null;
  const dtype = kernel.outputDtypes[0];
  if (dtype !== 'float32' && dtype !== 'float64') return null;
  const isFloat = (d: DType) => d === dtype;
  const isValue = (d: DType) => d === dtype || d === 'bool';
  if (!kernel.inputDtypes.every(isFloat) || !kernel.outputDtypes.every(isFloat)) return null;
  const steps: StepPlan[] = [];
  for (const s of kernel.steps) {
    if (!s.argDtypes.every(isValue)) return null;
    const name = s.op.name;
    let plan: StepPlan | undefined;
    if (s.dtype === 'bool') {
      const predicate = maskOp(name);
      const logical = logicalOp(name);
      if (predicate !== undefined && s.argDtypes.every(isFloat)) plan = { op: predicate, result: 'mask', args: s.argDtypes.map(() => 'float') };
      else if (logical !== undefined && s.argDtypes.every((d) => d === 'bool')) plan = { op: logical, result: 'mask', args: s.argDtypes.map(() => 'mask') };
    } else if (isFloat(s.dtype)) {
      if (name === 'switch' && s.argDtypes[0] === 'bool') plan = { op: switchOnMask, result: 'float', args: ['mask', 'float', 'float'] };
      else {
        const op = vectorOp(name);
        if (op !== undefined) plan = { op, result: 'float', args: s.argDtypes.map(() => 'float') };
      }
    }
    if (plan === undefined) return null;
    steps.push(plan);
  }
  return { dtype, steps };
}

const cache = new Map<string, WasmKernel | null>();

/**
 * The WASM function for `kernel` with inputs marked in `rowBroadcast` read
 * once per row; null when the kernel is outside what this renderer does.
 */
export function renderWasmKernel(kernel: ElementwiseKernel, rowBroadcast: readonly boolean[]): WasmKernel | null {
  const key = `${kernelKey(kernel)}|${rowBroadcast.map((b) => (b ? 1 : 0)).join('')}`;
  if (cache.has(key)) return cache.get(key)!;
  const plan = vectorPlan(kernel);
  let result: WasmKernel | null = null;
  if (plan !== null) {
    const layout = LAYOUTS[plan.dtype];
    const m = new ModuleBuilder().importMemory(MEMORY_IMPORT);
    const nOperands = kernel.outputs.length + kernel.inputDtypes.length;
    const { code } = m.func('kernel', Array(2 * nOperands + 4).fill('i32'));
    emitKernel(code, kernel, plan.steps, layout, rowBroadcast);
    result = { module: shareModule(m.encode()), name: 'kernel', dtype: plan.dtype, itemBytes: layout.bytes, lanes: layout.lanes };
  }
  cache.set(key, result);
  return result;
}

function emitKernel(c: Code, kernel: ElementwiseKernel, plans: readonly StepPlan[], L: Layout, rowBroadcast: readonly boolean[]): void {
  const nOut = kernel.outputs.length;
  const nIn = kernel.inputDtypes.length;
  const nOperands = nOut + nIn;
  const base = c.params.slice(0, nOperands);
  const rowStep = c.params.slice(nOperands, 2 * nOperands);
  const [r0, r1, c0, c1] = c.params.slice(2 * nOperands) as [Local, Local, Local, Local];
  const row = c.local('i32');
  const col = c.local('i32');
  const vectorEnd = c.local('i32');
  const ptr = base.map(() => c.local('i32'));
  const isRowConstant = (operand: number) => operand >= nOut && rowBroadcast[operand - nOut] === true;
  const { values, computeSteps } = stepEmitter(c, kernel, plans, L.shape);

  c.forRange(row, r0, r1, 1, () => {
    // This row's pointers: base + row·step, plus the first column for operands that move along the row.
    for (let o = 0; o < nOperands; o++) {
      c.get(base[o]!).get(row).get(rowStep[o]!).op('i32.mul').op('i32.add');
      if (!isRowConstant(o)) c.get(c0).i32(L.bytes).op('i32.mul').op('i32.add');
      c.set(ptr[o]!);
      if (isRowConstant(o)) c.get(ptr[o]!).mem(L.splat).set(values[o - nOut]!);
    }
    // vectorEnd = c0 + ((c1 - c0) & -lanes)
    c.get(c0).get(c1).get(c0).op('i32.sub').i32(-L.lanes).op('i32.and').op('i32.add').set(vectorEnd);
    const moving = [...Array(nOperands).keys()].filter((o) => !isRowConstant(o));
    const advance = (bytes: number) => {
      for (const o of moving) c.get(ptr[o]!).i32(bytes).op('i32.add').set(ptr[o]!);
    };
    c.forRange(col, c0, vectorEnd, L.lanes, () => {
      for (let i = 0; i < nIn; i++) if (!isRowConstant(nOut + i)) c.get(ptr[nOut + i]!).mem('v128.load', 0, 0).set(values[i]!);
      computeSteps();
      kernel.outputs.forEach((v, o) => c.get(ptr[o]!).get(values[v]!).mem('v128.store', 0, 0));
      advance(16);
    });
    // The tail, one element at a time in lane 0.
    c.forRange(col, vectorEnd, c1, 1, () => {
      for (let i = 0; i < nIn; i++) if (!isRowConstant(nOut + i)) c.get(ptr[nOut + i]!).mem(L.loadZero).set(values[i]!);
      computeSteps();
      kernel.outputs.forEach((v, o) => c.get(ptr[o]!).get(values[v]!).lane(`${L.shape}.extract_lane`, 0).mem(L.store));
      advance(L.bytes);
    });
  });
}

/**
 * Locals for every value of `kernel` (inputs, then steps) and a function
 * that emits the steps: from the input values (set by the caller) to every
 * step's value. Masks read as numbers get a 0/1 copy.
 */
export function stepEmitter(c: Code, kernel: ElementwiseKernel, plans: readonly StepPlan[], shape: Shape): { values: Local[]; computeSteps: () => void } {
  const nIn = kernel.inputDtypes.length;
  const values: Local[] = [];
  for (let i = 0; i < nIn + kernel.steps.length; i++) values.push(c.local('v128'));
  const isMask = (v: number) => v >= nIn && plans[v - nIn]!.result === 'mask';
  const asNumber = new Map<number, Local>();
  plans.forEach((p, j) =>
    p.args.forEach((kind, k) => {
      const v = kernel.steps[j]!.args[k]!;
      if (kind === 'float' && isMask(v) && !asNumber.has(v)) asNumber.set(v, c.local('v128'));
    }),
  );
  const computeSteps = () => {
    kernel.steps.forEach((s, j) => {
      const plan = plans[j]!;
      const args = s.args.map((v, k) => (plan.args[k] === 'float' && isMask(v) ? asNumber.get(v)! : values[v]!));
      plan.op(c, shape, args);
      c.set(values[nIn + j]!);
      const number = asNumber.get(nIn + j);
      if (number !== undefined) {
        maskToFloat(c, shape, values[nIn + j]!);
        c.set(number);
      }
    });
  };
  return { values, computeSteps };
}
