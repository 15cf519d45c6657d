#!/usr/bin/env node
// GFLOP/s of the generated WebAssembly GEMM/GEMV (src/wasm/gemm.ts), single
// thread, median over many timed runs. Not part of `npm test`.
//
//   npx tsx bench/gemm.mjs                      # every case
//   npx tsx bench/gemm.mjs --only square        # cases whose name contains "square"
//   npx tsx bench/gemm.mjs --blocking '{"f32":{"mr":4,"nr":8,"kc":256,"mc":128,"nc":2048,"unroll":4}}'
//   node --experimental-wasm-relaxed-simd --import tsx bench/gemm.mjs   # with FMA
import { buildGemmModule, gemmPackBytes, gemmBlocking } from '../src/wasm/gemm.js';
import { wasmFeatures } from '../src/wasm/features.js';
import { instantiate, memoryBuffer } from '../src/wasm/memory.js';
import { heapAlloc, heapFree } from '../src/wasm/heap.js';

const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const only = option('--only');
const minSeconds = Number(option('--seconds') ?? 1);

const features = wasmFeatures();
const defaults = gemmBlocking(features);
const override = JSON.parse(option('--blocking') ?? '{}');
const blocking = { f32: { ...defaults.f32, ...override.f32 }, f64: { ...defaults.f64, ...override.f64 } };
const kernels = instantiate(new WebAssembly.Module(buildGemmModule(features, blocking)));
const Typed = { f32: Float32Array, f64: Float64Array };

function randomBlock(dtype, length) {
  const offset = heapAlloc(length * Typed[dtype].BYTES_PER_ELEMENT);
  const view = new Typed[dtype](memoryBuffer(), offset, length);
  for (let i = 0; i < length; i++) view[i] = Math.random() * 2 - 1;
  return offset;
}

/**
 * Median seconds of `run` over repeated batches lasting about 20 ms each, for
 * about `minSeconds` in all, after 0.3 s of warm-up (V8 compiles wasm with
 * its baseline compiler first and swaps optimised code in later).
 */
function medianSeconds(run) {
  for (const warm = performance.now(); performance.now() - warm < 300; ) run();
  let reps = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < reps; i++) run();
    if (performance.now() - t > 20) break;
    reps *= 2;
  }
  const samples = [];
  const start = performance.now();
  while (samples.length < 5 || (performance.now() - start < minSeconds * 1000 && samples.length < 200)) {
    const t = performance.now();
    for (let i = 0; i < reps; i++) run();
    samples.push((performance.now() - t) / reps / 1000);
  }
  samples.sort((x, y) => x - y);
  return samples[samples.length >> 1];
}

/** C (m×n) = op(A) (m×k) · op(B) (k×n), with A/B stored transposed when transA/transB. */
function gemmCase(name, dtype, m, n, k, transA, transB) {
  const a = randomBlock(dtype, m * k);
  const b = randomBlock(dtype, k * n);
  const c = randomBlock(dtype, m * n);
  const { packA, packB } = gemmPackBytes(dtype, blocking[dtype]);
  const pa = heapAlloc(packA);
  const pb = heapAlloc(packB);
  const [as0, as1] = transA ? [1, m] : [k, 1];
  const [bs0, bs1] = transB ? [1, k] : [n, 1];
  const gemm = kernels[`gemm_${dtype}`];
  const seconds = medianSeconds(() => gemm(a, as0, as1, b, bs0, bs1, c, n, m, n, k, 0, n, pa, pb));
  for (const o of [a, b, c, pa, pb]) heapFree(o);
  return { name, dtype, seconds, gflops: (2 * m * n * k) / seconds / 1e9 };
}

/** y (m) = A (m×k) · x, A stored row-major or (transA) column-major. */
function gemvCase(name, dtype, m, k, transA) {
  const a = randomBlock(dtype, m * k);
  const x = randomBlock(dtype, k);
  const y = randomBlock(dtype, m);
  const [as0, as1] = transA ? [1, m] : [k, 1];
  const gemv = kernels[`gemv_${dtype}`];
  const seconds = medianSeconds(() => gemv(a, as0, as1, x, 1, y, m, k));
  for (const o of [a, x, y]) heapFree(o);
  return { name, dtype, seconds, gflops: (2 * m * k) / seconds / 1e9 };
}

const cases = [];
for (const dtype of ['f32', 'f64']) {
  for (const n of [256, 512, 1024]) cases.push([`square ${n} NN`, () => gemmCase(`square ${n} NN`, dtype, n, n, n, false, false)]);
  for (const [ta, tb] of [[true, false], [false, true], [true, true]]) {
    const label = `square 512 ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'}`;
    cases.push([label, () => gemmCase(label, dtype, 512, 512, 512, ta, tb)]);
  }
  cases.push(['gemv 400x784 rows', () => gemvCase('gemv 400x784 rows', dtype, 400, 784, false)]);
  cases.push(['gemv 400x784 cols', () => gemvCase('gemv 400x784 cols', dtype, 400, 784, true)]);
  cases.push(['mlp fwd 128x784 . 784x500', () => gemmCase('mlp fwd 128x784 . 784x500', dtype, 128, 500, 784, false, false)]);
  cases.push(['mlp dW 784x128T . 128x500', () => gemmCase('mlp dW 784x128T . 128x500', dtype, 784, 500, 128, true, false)]);
  cases.push(['mlp dX 128x500 . 500x784T', () => gemmCase('mlp dX 128x500 . 500x784T', dtype, 128, 784, 500, false, true)]);
  cases.push(['mlp out 128x500 . 500x10', () => gemmCase('mlp out 128x500 . 500x10', dtype, 128, 10, 500, false, false)]);
  cases.push(['mlp out, A transposed', () => gemmCase('mlp out, A transposed', dtype, 128, 10, 500, true, false)]);
  cases.push(['mlp dW2 500x128T . 128x10', () => gemmCase('mlp dW2 500x128T . 128x10', dtype, 500, 10, 128, true, false)]);
  cases.push(['mlp dH 128x10 . 10x500T', () => gemmCase('mlp dH 128x10 . 10x500T', dtype, 128, 500, 10, false, true)]);
  cases.push(['rnn 32x128 . 128x128', () => gemmCase('rnn 32x128 . 128x128', dtype, 32, 128, 128, false, false)]);
}

console.log(`features ${JSON.stringify(features)}; blocking ${JSON.stringify(blocking)}`);
for (const [label, run] of cases) {
  if (only !== undefined && !label.includes(only)) continue;
  const r = run();
  console.log(`${r.dtype}  ${r.name.padEnd(28)} ${(r.seconds * 1e3).toFixed(3).padStart(9)} ms  ${r.gflops.toFixed(1).padStart(6)} GFLOP/s`);
}
