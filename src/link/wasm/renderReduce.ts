/**
 * Renders a reducing kernel (FusedReduce, or a plain CAReduce: no steps) as
 * a WebAssembly SIMD function over a collapsed two-axis layout. The
 * elementwise values are computed in the kernel's float lanes, widened to
 * float64 and folded into a float64 accumulator array in the shared memory
 * (as the JS executor folds in doubles), which the caller then stores in
 * the output's dtype. Two variants:
 * - the inner axis is reduced: each row folds into vector accumulators,
 *   then into its accumulator element (acc row step 0 or 8 bytes);
 * - the inner axis is kept: each row folds element-wise into a row of
 *   accumulators (the outer axis is the reduced one).
 * Vector lanes fold in a different order than the JS executor's row-major
 * sequence, so sums can differ in the last bits (as numpy's pairwise sums
 * differ from a loop's).
 *
 *   reduce(acc, accRowStep, p_0 … p_{n-1}, s_0 … s_{n-1}, e_…, r0, r1, cols)
 *
 * with each input's row step s_i and, for inputs gathered along the row
 * (transposed views), its element stride e_i, in bytes. Inputs are read as
 * the elementwise renderer reads them (inputReader.ts): adjacent, gathered,
 * once per row, or converted from integers, bools or the other float width.
 */
import type { Local } from '../../wasm/code.js';
import { ModuleBuilder } from '../../wasm/module.js';
import { MEMORY_IMPORT } from '../../wasm/memory.js';
import { shareModule } from '../../wasm/threads.js';
import { elementwisePart, kernelKey, reducedValueDtype, type ElementwiseKernel } from '../../kernel/ir.js';
import { vectorOp } from './vectorOps.js';
import { LAYOUTS, stepEmitter, vectorPlan, type WasmKernel } from './renderKernel.js';
import { InputReader } from './inputReader.js';

/** Folds the WASM reducer knows: associative ops with an identity, on float64 lanes. */
const FOLDS = new Set(['add', 'mul', 'maximum', 'minimum']);

const cache = new Map<string, WasmKernel | null>();

/** Independent float64x2 accumulators of a row folding into one element (the vector fold's latency, hidden). */
const UNROLLED_CHAINS = 4;

/**
 * The WASM reducer for `kernel` with inputs marked in `rowBroadcast` read once
 * per row, folding the inner axis (`innerReduced`) or the outer one; null when
 * outside what this renderer does (the JS executor runs it).
 */
export function renderWasmReduce(kernel: ElementwiseKernel, rowBroadcast: readonly boolean[], innerReduced: boolean, strided: readonly boolean[] = []): WasmKernel | null {
  const mode = (i: number) => (rowBroadcast[i] ? 1 : strided[i] ? 2 : 0);
  const key = `${kernelKey(kernel)}|${rowBroadcast.map((_, i) => mode(i)).join('')}|${innerReduced ? 'i' : 'o'}`;
  if (cache.has(key)) return cache.get(key)!;
  cache.set(key, null);
  const r = kernel.reduce;
  if (r === undefined || !FOLDS.has(r.op.name) || r.op.identity === undefined) return null;
  const valueDtype = reducedValueDtype(kernel);
  // Values fold as doubles; the result dtype must hold them without converting each one first.
  if (r.dtype !== 'float64' && r.dtype !== valueDtype) return null;
  const plan = vectorPlan(elementwisePart(kernel));
  if (plan === null) return null;
  const L = LAYOUTS[plan.dtype];
  const fold = vectorOp(r.op.name)!;
  const m = new ModuleBuilder().importMemory(MEMORY_IMPORT);
  const nIn = kernel.inputDtypes.length;
  const isStrided = (i: number) => mode(i) === 2;
  const nStrided = kernel.inputDtypes.filter((_, i) => isStrided(i)).length;
  const { code: c } = m.func('reduce', Array(2 + 2 * nIn + nStrided + 3).fill('i32'));
  const [acc, accRowStep] = c.params as [Local, Local];
  const base = c.params.slice(2, 2 + nIn);
  const rowStep = c.params.slice(2 + nIn, 2 + 2 * nIn);
  let next = 2 + 2 * nIn;
  const readers = kernel.inputDtypes.map((_, i) => new InputReader(c, L, plan.dtype, plan.converted[i]!, isStrided(i) ? c.params[next++] : undefined));
  const [r0, r1, cols] = c.params.slice(next) as [Local, Local, Local];
  const row = c.local('i32');
  const col = c.local('i32');
  const vectorEnd = c.local('i32');
  const accPtr = c.local('i32');
  const ptr = base.map(() => c.local('i32'));
  const identity = c.local('v128');
  const wide = [c.local('v128'), c.local('v128')];
  const halves = plan.dtype === 'float32' ? 2 : 1;
  // Rows folding into one element keep `unroll` vectors in flight, each into accumulators of its own:
  // one chain of dependent adds would wait out the add's latency at every vector.
  const unroll = UNROLLED_CHAINS / halves;
  const sums = Array.from({ length: UNROLLED_CHAINS }, () => c.local('v128'));
  const t = c.local('v128');
  const { values, computeSteps } = stepEmitter(c, kernel, plan.steps, L.shape);
  const value = values[kernel.outputs[0]!]!;
  const doFold = (a: Local, b: Local) => fold(c, 'f64x2', [a, b]);

  // The value vector as float64 pairs: wide[0] (and wide[1] for float32's upper lanes).
  const widen = () => {
    if (plan.dtype === 'float64') {
      c.get(value).set(wide[0]!);
      return;
    }
    c.get(value).op('f64x2.promote_low_f32x4').set(wide[0]!);
    c.get(value).get(value).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]).op('f64x2.promote_low_f32x4').set(wide[1]!);
  };
  // A tail element sits in lane 0; the other lanes become the identity so they fold to nothing.
  const widenTail = () => {
    c.get(value);
    if (plan.dtype === 'float32') c.op('f64x2.promote_low_f32x4');
    c.get(identity).lane('f64x2.extract_lane', 1).lane('f64x2.replace_lane', 1).set(wide[0]!);
  };

  c.splatConst('f64x2', r.op.identity).set(identity);
  c.get(cols).i32(-L.lanes).op('i32.and').set(vectorEnd);
  const unrolledEnd = c.local('i32');
  c.get(cols).i32(-L.lanes * unroll).op('i32.and').set(unrolledEnd);
  c.forRange(row, r0, r1, 1, () => {
    for (let i = 0; i < nIn; i++) {
      c.get(base[i]!).get(row).get(rowStep[i]!).op('i32.mul').op('i32.add').set(ptr[i]!);
      if (rowBroadcast[i]) {
        c.get(ptr[i]!);
        readers[i]!.one(true);
        c.set(values[i]!);
      }
    }
    c.get(acc).get(row).get(accRowStep).op('i32.mul').op('i32.add').set(accPtr);
    const moving = [...Array(nIn).keys()].filter((i) => !rowBroadcast[i]);
    const advance = (elements: number) => {
      for (const i of moving) {
        c.get(ptr[i]!);
        readers[i]!.span(elements);
        c.op('i32.add').set(ptr[i]!);
      }
    };
    const loadVector = () => {
      for (const i of moving) {
        readers[i]!.vector(ptr[i]!);
        c.set(values[i]!);
      }
    };
    const loadTail = () => {
      for (const i of moving) {
        c.get(ptr[i]!);
        readers[i]!.one(false);
        c.set(values[i]!);
      }
    };
    if (innerReduced) {
      for (const s of sums) c.get(identity).set(s);
      // Vector u of each unrolled group folds into sums[u·halves + h]; leftover whole vectors into the first ones.
      const foldVector = (u: number) => {
        loadVector();
        computeSteps();
        widen();
        for (let h = 0; h < halves; h++) {
          doFold(sums[u * halves + h]!, wide[h]!);
          c.set(sums[u * halves + h]!);
        }
        advance(L.lanes);
      };
      c.forRange(col, 0, unrolledEnd, L.lanes * unroll, () => {
        for (let u = 0; u < unroll; u++) foldVector(u);
      });
      c.forRange(col, unrolledEnd, vectorEnd, L.lanes, () => foldVector(0));
      c.forRange(col, vectorEnd, cols, 1, () => {
        loadTail();
        computeSteps();
        widenTail();
        doFold(sums[0]!, wide[0]!);
        c.set(sums[0]!);
        advance(1);
      });
      // The chains pairwise ((0 + 1) + (2 + 3)), both lanes, then into the row's accumulator (accumulator
      // first, as a running fold): a fixed order, whoever runs the row.
      for (let width = 1; width < sums.length; width *= 2) {
        for (let j = 0; j + width < sums.length; j += 2 * width) {
          doFold(sums[j]!, sums[j + width]!);
          c.set(sums[j]!);
        }
      }
      c.get(sums[0]!).get(sums[0]!).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]).set(t);
      doFold(sums[0]!, t);
      c.set(sums[0]!);
      c.get(accPtr).mem('v128.load64_splat').set(t);
      c.get(accPtr);
      doFold(t, sums[0]!);
      c.lane('f64x2.extract_lane', 0).mem('f64.store');
    } else {
      c.forRange(col, 0, vectorEnd, L.lanes, () => {
        loadVector();
        computeSteps();
        widen();
        for (let h = 0; h < halves; h++) {
          c.get(accPtr).mem('v128.load', 16 * h, 0).set(t);
          c.get(accPtr);
          doFold(t, wide[h]!);
          c.mem('v128.store', 16 * h, 0);
        }
        c.get(accPtr).i32(8 * L.lanes).op('i32.add').set(accPtr);
        advance(L.lanes);
      });
      c.forRange(col, vectorEnd, cols, 1, () => {
        loadTail();
        computeSteps();
        widenTail();
        c.get(accPtr).mem('v128.load64_zero').set(t);
        c.get(accPtr);
        doFold(t, wide[0]!);
        c.lane('f64x2.extract_lane', 0).mem('f64.store');
        c.get(accPtr).i32(8).op('i32.add').set(accPtr);
        advance(1);
      });
    }
  });
  const result: WasmKernel = { module: shareModule(m.encode()), name: 'reduce', dtype: plan.dtype, itemBytes: L.bytes, lanes: L.lanes };
  cache.set(key, result);
  return result;
}
