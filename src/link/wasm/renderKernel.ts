/**
 * Renders an ElementwiseKernel as a WebAssembly SIMD function: one pass
 * over the rows of a (collapsed) layout of up to four axes, a vector of lanes per
 * iteration (f64x2 or f32x4), intermediates in locals, and a scalar-width
 * tail. Inputs read once per row (a column broadcast along the row, or a
 * single value) are splatted before the row's loop; inputs whose elements
 * along the row are not adjacent (a transposed or reversed view, a step)
 * are gathered lane by lane. Outputs are written along contiguous rows.
 *
 * The function takes byte addresses in the shared memory, so it runs
 * unchanged on any thread: one address per operand (outputs first, then
 * inputs), one step per operand and outer loop level (bytes), the lengths of
 * the inner outer levels, the element stride of each gathered input, the
 * range of the outermost level (threads split it) and the column range of
 * every row.
 *
 * Supported: kernels whose outputs are all of one float dtype, whose inputs
 * have it too or are integers and bools read only through a cast to it
 * (converted as they load: convertLoad.ts), and whose steps are ops of it
 * with a vector rendering (vectorOps.ts, the math library) or predicates and
 * logic giving bools, which live in the lanes as masks; others (integer
 * arithmetic, mixed float widths) return null and run in the JS executor.
 */
import type { Code, Local } from '../../wasm/code.js';
import { ModuleBuilder } from '../../wasm/module.js';
import { MEMORY_IMPORT } from '../../wasm/memory.js';
import { shareModule, type SharedModule } from '../../wasm/threads.js';
import { kernelKey, type ElementwiseKernel } from '../../kernel/ir.js';
import type { DType } from '../../ndarray/dtype.js';
import { logicalOp, maskOp, maskToFloat, switchOnMask, vectorOp, type Shape, type VectorOp } from './vectorOps.js';
import { CONVERTIBLE } from './convertLoad.js';
import { InputReader } from './inputReader.js';

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
export function vectorPlan(kernel: ElementwiseKernel): VectorPlan | null {
  if (kernel.reduce !== undefined) return null;
  const dtype = kernel.outputDtypes[0];
  if (dtype !== 'float32' && dtype !== 'float64') return null;
  const isFloat = (d: DType) => d === dtype;
  const isValue = (d: DType) => d === dtype || d === 'bool';
  if (!kernel.outputDtypes.every(isFloat)) return null;
  // Inputs of another dtype are read converted: a float32 one in a float64 kernel wherever it is used
  // (promotion is exact, and JS computes in doubles anyway), integers, bools and a float64 one in a
  // float32 kernel only when their every use is a cast to the kernel's dtype.
  const nIn = kernel.inputDtypes.length;
  const converted = kernel.inputDtypes.map((d) => (isFloat(d) ? null : d));
  const promoted = (i: number) => dtype === 'float64' && converted[i] === 'float32';
  const isCast = (s: (typeof kernel.steps)[number]) => s.op.name === 'cast' && s.dtype === dtype;
  for (let i = 0; i < nIn; i++) {
    const d = converted[i];
    if (d === null || d === undefined || promoted(i)) continue;
    if (!CONVERTIBLE.has(d) || !kernel.steps.every((s) => !s.args.includes(i) || isCast(s))) return null;
  }
  const isConverted = (v: number) => v < nIn && converted[v] !== null;
  const steps: StepPlan[] = [];
  for (const s of kernel.steps) {
    const name = s.op.name;
    if (isCast(s) && (isFloat(s.argDtypes[0]!) || isConverted(s.args[0]!))) {
      steps.push({ op: vectorOp('identity')!, result: 'float', args: ['float'] });
      continue;
    }
    if (!s.argDtypes.every((d, k) => isValue(d) || isConverted(s.args[k]!))) return null;
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
  return { dtype, steps, converted };
}

export interface VectorPlan {
  readonly dtype: 'float32' | 'float64';
  readonly steps: StepPlan[];
  /** Per input: null when it has the float dtype, else its integer or bool dtype (read converted). */
  readonly converted: readonly (DType | null)[];
}

const cache = new Map<string, WasmKernel | null>();

/**
 * The WASM function for `kernel` over `outerLevels` loop levels around the
 * vectorised row loop, with inputs marked in `rowBroadcast` read once per
 * row and those marked in `strided` read along the row with a stride (a
 * transposed view: gathered lane by lane); null when the kernel is outside
 * what this renderer does.
 */
export function renderWasmKernel(kernel: ElementwiseKernel, rowBroadcast: readonly boolean[], outerLevels = 1, strided: readonly boolean[] = []): WasmKernel | null {
  const mode = (i: number) => (rowBroadcast[i] ? 1 : strided[i] ? 2 : 0);
  const key = `${kernelKey(kernel)}|${rowBroadcast.map((_, i) => mode(i)).join('')}|${outerLevels}`;
  if (cache.has(key)) return cache.get(key)!;
  const plan = vectorPlan(kernel);
  let result: WasmKernel | null = null;
  if (plan !== null) {
    const layout = LAYOUTS[plan.dtype];
    const m = new ModuleBuilder().importMemory(MEMORY_IMPORT);
    const nOperands = kernel.outputs.length + kernel.inputDtypes.length;
    const nStrided = rowBroadcast.filter((_, i) => mode(i) === 2).length;
    const { code } = m.func('kernel', Array((1 + outerLevels) * nOperands + (outerLevels - 1) + nStrided + 4).fill('i32'));
    emitKernel(code, kernel, plan, layout, rowBroadcast, outerLevels, strided);
    result = { module: shareModule(m.encode()), name: 'kernel', dtype: plan.dtype, itemBytes: layout.bytes, lanes: layout.lanes };
  }
  cache.set(key, result);
  return result;
}

/**
 * The body: params are each operand's base address, each outer level's step
 * per operand (bytes), the lengths of outer levels 1.., the element stride
 * (bytes) of each strided input, then the range [r0, r1) of level 0 and the
 * column range [c0, c1) of every row.
 */
function emitKernel(
  c: Code,
  kernel: ElementwiseKernel,
  plan: VectorPlan,
  L: Layout,
  rowBroadcast: readonly boolean[],
  outerLevels: number,
  strided: readonly boolean[],
): void {
  const nOut = kernel.outputs.length;
  const nIn = kernel.inputDtypes.length;
  const m = nOut + nIn;
  const base = c.params.slice(0, m);
  const steps = [...Array(outerLevels).keys()].map((l) => c.params.slice((1 + l) * m, (2 + l) * m));
  const counts = c.params.slice((1 + outerLevels) * m, (1 + outerLevels) * m + outerLevels - 1);
  let next = (1 + outerLevels) * m + outerLevels - 1;
  // Per operand: the local holding its element stride in bytes, when it is a strided input.
  const stride: (Local | undefined)[] = [...Array(m).keys()].map((o) => (o >= nOut && !rowBroadcast[o - nOut] && strided[o - nOut] ? c.params[next++] : undefined));
  const [r0, r1, c0, c1] = c.params.slice(next) as [Local, Local, Local, Local];
  const plans = plan.steps;
  // How each operand is read and stepped along a row (outputs: written along contiguous rows in the kernel's dtype).
  const readers = [...Array(m).keys()].map((o) => new InputReader(c, L, plan.dtype, o < nOut ? null : plan.converted[o - nOut]!, stride[o]));
  const index = steps.map(() => c.local('i32'));
  const levelPtr = steps.map(() => base.map(() => c.local('i32')));
  const col = c.local('i32');
  const vectorEnd = c.local('i32');
  const ptr = base.map(() => c.local('i32'));
  const isRowConstant = (operand: number) => operand >= nOut && rowBroadcast[operand - nOut] === true;
  const { values, computeSteps } = stepEmitter(c, kernel, plans, L.shape);
  const moving = [...Array(m).keys()].filter((o) => !isRowConstant(o));
  /** Moves every pointer along the row by `elements`. */
  const advance = (elements: number) => {
    for (const o of moving) {
      c.get(ptr[o]!);
      readers[o]!.span(elements);
      c.op('i32.add').set(ptr[o]!);
    }
  };

  // One row: columns [c0, c1) from the row's pointers.
  const emitRow = (rowPtr: readonly Local[]) => {
    for (let o = 0; o < m; o++) {
      c.get(rowPtr[o]!);
      if (!isRowConstant(o)) {
        readers[o]!.span(c0);
        c.op('i32.add');
      }
      c.set(ptr[o]!);
      if (isRowConstant(o)) {
        c.get(ptr[o]!);
        readers[o]!.one(true);
        c.set(values[o - nOut]!);
      }
    }
    // vectorEnd = c0 + ((c1 - c0) & -lanes)
    c.get(c0).get(c1).get(c0).op('i32.sub').i32(-L.lanes).op('i32.and').op('i32.add').set(vectorEnd);
    c.forRange(col, c0, vectorEnd, L.lanes, () => {
      for (let i = 0; i < nIn; i++) {
        if (isRowConstant(nOut + i)) continue;
        readers[nOut + i]!.vector(ptr[nOut + i]!);
        c.set(values[i]!);
      }
      computeSteps();
      kernel.outputs.forEach((v, o) => c.get(ptr[o]!).get(values[v]!).mem('v128.store', 0, 0));
      advance(L.lanes);
    });
    // The tail, one element at a time in lane 0.
    c.forRange(col, vectorEnd, c1, 1, () => {
      for (let i = 0; i < nIn; i++) {
        if (isRowConstant(nOut + i)) continue;
        c.get(ptr[nOut + i]!);
        readers[nOut + i]!.one(false);
        c.set(values[i]!);
      }
      computeSteps();
      kernel.outputs.forEach((v, o) => c.get(ptr[o]!).get(values[v]!).lane(`${L.shape}.extract_lane`, 0).mem(L.store));
      advance(1);
    });
  };

  // Outer levels: each operand's pointer at this level = the level above's + index · step.
  const emitLevel = (l: number) => {
    const [start, stop] = l === 0 ? [r0, r1] : [0, counts[l - 1]!];
    c.forRange(index[l]!, start, stop, 1, () => {
      for (let o = 0; o < m; o++) {
        c.get(l === 0 ? base[o]! : levelPtr[l - 1]![o]!).get(index[l]!).get(steps[l]![o]!).op('i32.mul').op('i32.add').set(levelPtr[l]![o]!);
      }
      if (l + 1 < outerLevels) emitLevel(l + 1);
      else emitRow(levelPtr[l]!);
    });
  };
  emitLevel(0);
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
