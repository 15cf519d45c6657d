/**
 * Throughput of the SIMD math emitters (src/wasm/math) on 1e6-element arrays
 * in the shared memory, single thread, against the JS scalar loop the JS
 * executor runs (Math.exp etc., or the executor's own sigmoid/softplus/erf).
 * Also B1 = 1/(1+exp(-(a·b+c))) as one fused SIMD kernel. Not part of `npm test`:
 *   npx tsx bench/wasmMath.ts [function…]
 */
import { heapAlloc } from '../src/wasm/heap.js';
import { instantiate, memoryBuffer, MEMORY_IMPORT } from '../src/wasm/memory.js';
import { ModuleBuilder } from '../src/wasm/module.js';
import { wasmFeatures } from '../src/wasm/features.js';
import { runParallel, shareModule, threadCount, threadsReady } from '../src/wasm/threads.js';
import { MATH_FUNCTIONS, vectorMath, type MathFunction, type Shape } from '../src/wasm/math/index.js';
import { buildMathMap } from '../src/wasm/math/map.js';
import * as special from '../src/scalar/special.js';

const N = 1_000_000;
const SCALAR: Record<MathFunction, (x: number, y: number) => number> = {
  exp: Math.exp, log: Math.log, sigmoid: special.sigmoid, tanh: Math.tanh, log1p: Math.log1p, expm1: Math.expm1,
  softplus: special.softplus, erf: special.erf, sin: Math.sin, cos: Math.cos, pow: Math.pow,
} as Record<MathFunction, (x: number, y: number) => number>;
/** Inputs in each function's interesting range. */
const RANGE: Partial<Record<MathFunction, [number, number]>> = { log: [1e-3, 1e3], log1p: [-0.9, 10], pow: [0.1, 10] };

function time(run: () => void): number {
  run();
  let best = Infinity;
  for (let rep = 0; rep < 7; rep++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const relaxedSimd = process.argv.includes('--relaxed') && wasmFeatures().relaxedSimd;
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const a = heapAlloc(N * 8), b = heapAlloc(N * 8), c = heapAlloc(N * 8), out = heapAlloc(N * 8);
const fill = (offset: number, A: Float64ArrayConstructor | Float32ArrayConstructor, lo: number, hi: number) => {
  const v = new A(memoryBuffer(), offset, N);
  for (let i = 0; i < N; i++) v[i] = lo + (hi - lo) * Math.random();
  return v;
};

console.log(`ns/element, ${N} elements, one thread${relaxedSimd ? ', relaxed SIMD' : ''}`);
console.log('function   f64 simd   f32 simd   JS f64    JS f32');
for (const fn of MATH_FUNCTIONS) {
  if (only.length > 0 && !only.includes(fn)) continue;
  const [lo, hi] = RANGE[fn] ?? [-10, 10];
  const arity = fn === 'pow' ? 2 : 1;
  const row: string[] = [];
  for (const shape of ['f64x2', 'f32x4'] as Shape[]) {
    const A = shape === 'f64x2' ? Float64Array : Float32Array;
    fill(a, A, lo, hi);
    fill(b, A, -3, 3);
    const kernel = buildMathMap(fn, shape, arity, { relaxedSimd });
    row.push(((time(() => kernel(out, a, ...(arity === 2 ? [b] : []), N)) * 1e6) / N).toFixed(2));
  }
  for (const A of [Float64Array, Float32Array]) {
    const x = new A(N), y = new A(N), z = new A(N);
    for (let i = 0; i < N; i++) [x[i], y[i]] = [lo + (hi - lo) * Math.random(), -3 + 6 * Math.random()];
    // A fresh loop per function, so its call site stays monomorphic (V8 inlines Math.* there).
    const loop = new Function('f', 'x', 'y', 'z', 'n', 'for (let i = 0; i < n; i++) z[i] = f(x[i], y[i]);') as (
      ...args: unknown[]
    ) => void;
    row.push(((time(() => loop(SCALAR[fn], x, y, z, N)) * 1e6) / N).toFixed(2));
  }
  console.log(fn.padEnd(10), row.map((s) => s.padStart(8)).join('   '));
}

// B1: out = sigmoid(a·b + c), one pass.
for (const shape of ['f64x2', 'f32x4'] as Shape[]) {
  const m = new ModuleBuilder().importMemory(MEMORY_IMPORT);
  const { code } = m.func('b1', ['i32', 'i32', 'i32', 'i32', 'i32']);
  const [pOut, pA, pB, pC, count] = code.params;
  const offset = code.local('i32'), end = code.local('i32'), x = code.local('v128');
  const shapeOp = (op: string) => `${shape}.${op}` as 'f64x2.mul';
  code.get(count!).i32(shape === 'f64x2' ? 8 : 4).op('i32.mul').set(end);
  const sigmoid = vectorMath('sigmoid', shape, { relaxedSimd });
  code.forRange(offset, 0, end, 16, () => {
    const load = (p: typeof pA) => code.get(p!).get(offset).op('i32.add').mem('v128.load');
    load(pA); load(pB); code.op(shapeOp('mul')); load(pC); code.op(shapeOp('add')).set(x);
    code.get(pOut!).get(offset).op('i32.add');
    sigmoid(code, [x]);
    code.mem('v128.store');
  });
  const bytes = m.encode();
  const b1 = instantiate(new WebAssembly.Module(bytes))['b1'] as (...args: number[]) => void;
  const A = shape === 'f64x2' ? Float64Array : Float32Array;
  fill(a, A, -2, 2); fill(b, A, -2, 2); fill(c, A, -2, 2);
  const ms = time(() => b1(out, a, b, c, N));
  // The same kernel split over every thread (the end use: the WASM executor's pool).
  const shared = shareModule(bytes);
  await threadsReady();
  const threads = threadCount();
  const size = A.BYTES_PER_ELEMENT;
  const per = Math.ceil(N / threads / 16) * 16;
  const tasks = Array.from({ length: threads }, (_, t) => {
    const start = Math.min(N, t * per), count = Math.min(N, start + per) - start;
    return [out + start * size, a + start * size, b + start * size, c + start * size, count];
  });
  // Warm up: each worker compiles its own instance and tiers up to optimised code separately.
  for (let rep = 0; rep < 100; rep++) runParallel(shared, 'b1', tasks);
  const msParallel = time(() => runParallel(shared, 'b1', tasks));
  console.log(
    `B1 sigmoid(a*b+c) ${shape}: ${ms.toFixed(3)} ms on one thread (${((ms * 1e6) / N).toFixed(2)} ns/element), ` +
      `${msParallel.toFixed(3)} ms on ${threads} threads`,
  );
}
