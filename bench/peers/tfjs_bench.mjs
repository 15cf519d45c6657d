// TensorFlow.js peer (@tensorflow/tfjs 4.22 with its `cpu` or the `wasm` backend), run
// by bench/run.mjs in its own process: `--backend cpu` or `--backend wasm`.
// TF.js has no float64: the f64 cases are reported as unsupported and B3
// runs in float32. Gradients come from TF.js's own autodiff (optimizer
// minimize over tf.variable's).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { urand, labels } from '../data.mjs';
import { parseWorkerArgs, measure, callOverhead, median, seqSum, gflops, log, describe, emit } from '../lib.mjs';

const args = parseWorkerArgs();
const backend = args.backend ?? 'cpu';
const SYSTEM = `tfjs-${backend}`;
const results = [];
const push = (r) => {
  results.push(r);
  log(SYSTEM, describe(r));
};
const NO_F64 = 'TF.js has no float64';

let tf;
try {
  // @tensorflow/tfjs: core, the cpu backend and every gradient (tfjs-core alone registers none).
  tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  else if (backend !== 'cpu') throw new Error(`unknown backend ${backend}`);
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  await tf.ready();
} catch (e) {
  emit(args, { system: SYSTEM, available: false, reason: `cannot load TF.js ${backend} backend: ${e.message}` });
  process.exit(0);
}

let wasmInfo = '';
if (backend === 'wasm') {
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  wasmInfo = `, SIMD ${simd ? 'on' : 'off'}, threads ${threads ? 'on' : 'off'}`;
}
const require = createRequire(import.meta.url);
const pkgVersion = (name) => {
  try {
    const dir = require.resolve(name).replace(/(node_modules\/(@[^/]+\/)?[^/]+)\/.*$/, '$1');
    return JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')).version;
  } catch {
    return '?';
  }
};

// ---------------------------------------------------------------- B1
if (args.only.has('B1')) {
  const n = 1_000_000;
  push({ workload: 'B1', case: 'f64', unsupported: NO_F64 });
  const a = tf.tensor1d(Float32Array.from(urand(1, n, -1, 1)), 'float32');
  const b = tf.tensor1d(Float32Array.from(urand(2, n, -1, 1)), 'float32');
  const c = tf.tensor1d(Float32Array.from(urand(3, n, -1, 1)), 'float32');
  const formula = () => tf.tidy(() => tf.div(1, tf.add(1, tf.exp(tf.neg(tf.add(tf.mul(a, b), c))))));
  const builtin = () => tf.tidy(() => tf.sigmoid(tf.add(tf.mul(a, b), c)));
  for (const [name, fn, note] of [
    ['f32', formula, undefined],
    ['f32 tf.sigmoid', builtin, 'informative: tf.sigmoid instead of the written formula'],
  ]) {
    const out = fn();
    const checksum = seqSum(out.dataSync());
    out.dispose();
    const r = measure(() => fn().dispose(), { calls: args.calls });
    push({ workload: 'B1', case: name, ...r, checksum, ...(note ? { note, secondary: true } : {}) });
  }
  tf.dispose([a, b, c]);
}

// ---------------------------------------------------------------- B2
if (args.only.has('B2')) {
  for (const n of args.b2Sizes) {
    const A = tf.tensor2d(Float32Array.from(urand(4, n * n, -1, 1)), [n, n], 'float32');
    const B = tf.tensor2d(Float32Array.from(urand(5, n * n, -1, 1)), [n, n], 'float32');
    const out = tf.matMul(A, B);
    const checksum = seqSum(out.dataSync());
    out.dispose();
    const r = measure(() => tf.matMul(A, B).dispose(), { calls: args.calls, budgetMs: n > 512 ? 10000 : 6000 });
    push({ workload: 'B2', case: `${n} f32`, ...r, gflops: gflops(n, r.median_ms), checksum });
    push({ workload: 'B2', case: `${n} f64`, unsupported: NO_F64 });
    tf.dispose([A, B]);
  }
}

// ---------------------------------------------------------------- B3
if (args.only.has('B3')) {
  const N = 400;
  const FEATS = 784;
  const w0 = Float32Array.from(urand(8, FEATS, -0.01, 0.01));
  const x = tf.tensor2d(Float32Array.from(urand(6, N * FEATS, -1, 1)), [N, FEATS], 'float32');
  const y = tf.tensor2d(Float32Array.from(urand(7, N).map((v) => (v > 0.5 ? 1 : 0))), [N, 1], 'float32');
  const w = tf.variable(tf.tensor2d(w0, [FEATS, 1], 'float32'), true, 'w');
  const b = tf.variable(tf.scalar(0, 'float32'), true, 'b');
  const opt = tf.train.sgd(0.1);
  const loss = () => {
    const p = tf.div(1, tf.add(1, tf.exp(tf.neg(tf.add(tf.matMul(x, w), b)))));
    const xent = tf.sub(tf.mul(tf.neg(y), tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p))));
    return tf.add(tf.mean(xent), tf.mul(0.01, tf.sum(tf.square(w))));
  };
  const step = () => opt.minimize(loss, true, [w, b]);
  for (let i = 0; i < 10; i++) step().dispose(); // warm-up
  w.assign(tf.tensor2d(w0, [FEATS, 1], 'float32'));
  b.assign(tf.scalar(0, 'float32'));
  const steps = args.b3Steps;
  const times = new Float64Array(steps);
  const costs = new Array(steps);
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    costs[i] = step();
    times[i] = performance.now() - t;
  }
  push({
    workload: 'B3', case: 'step', median_ms: median(times), min_ms: Math.min(...times), calls: steps, warmup: 10,
    cost_first: costs[0].dataSync()[0], cost_last: costs[steps - 1].dataSync()[0], note: 'float32 (no float64 in TF.js)',
  });
  tf.dispose(costs);
}

// ---------------------------------------------------------------- B4
if (args.only.has('B4')) {
  const [BATCH, IN, HID, OUT] = [128, 784, 500, 10];
  const t = (seed, n, lo, hi, shape) => tf.tensor(Float32Array.from(urand(seed, n, lo, hi)), shape, 'float32');
  const x = t(10, BATCH * IN, 0, 1, [BATCH, IN]);
  const y = tf.oneHot(tf.tensor1d(Int32Array.from(labels(11, BATCH, OUT)), 'int32'), OUT).toFloat();
  const [a1, a2] = [Math.sqrt(6 / (IN + HID)), Math.sqrt(6 / (HID + OUT))];
  const W1 = tf.variable(t(12, IN * HID, -a1, a1, [IN, HID]));
  const W2 = tf.variable(t(13, HID * OUT, -a2, a2, [HID, OUT]));
  const b1 = tf.variable(tf.zeros([HID]));
  const b2 = tf.variable(tf.zeros([OUT]));
  const opt = tf.train.sgd(0.01);
  const loss = () => tf.losses.softmaxCrossEntropy(y, tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, W1), b1)), W2), b2));
  const step = () => opt.minimize(loss, true, [W1, b1, W2, b2]);
  const firstT = step();
  const first = firstT.dataSync()[0];
  firstT.dispose();
  for (let i = 0; i < 10; i++) step().dispose();
  const times = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    const l = step();
    l.dataSync();
    times.push(performance.now() - t0);
    l.dispose();
  }
  push({ workload: 'B4', case: 'step', median_ms: median(times), min_ms: Math.min(...times), calls: 200, warmup: 10, loss: first, note: `tf.losses.softmaxCrossEntropy, sgd; loss at the first step ${first.toFixed(3)}` });
}

// ---------------------------------------------------------------- B5
if (args.only.has('B5')) {
  const [STEPS, BATCH, IN, HID] = [100, 32, 64, 128];
  const t2 = (seed, n, a, shape) => tf.tensor(Float32Array.from(urand(seed, n, -a, a)), shape, 'float32');
  const xs = tf.unstack(t2(20, STEPS * BATCH * IN, 1, [STEPS, BATCH, IN]));
  const W = t2(21, HID * HID, 1 / Math.sqrt(HID), [HID, HID]);
  const U = t2(22, IN * HID, 1 / Math.sqrt(IN), [IN, HID]);
  // No loop op with gradients in TF.js: the recurrence is unrolled over the 100 steps.
  const loss = (w, u) => {
    let h = tf.zeros([BATCH, HID], 'float32');
    for (const x of xs) h = tf.tanh(tf.add(tf.matMul(h, w), tf.matMul(x, u)));
    return tf.sum(h);
  };
  const grads = tf.valueAndGrads(loss);
  const run = () => {
    const { value, grads: [gW, gU] } = grads([W, U]);
    return [value, gW, gU];
  };
  const first = run();
  const l = first[0].dataSync()[0];
  tf.dispose(first);
  const r = measure(() => tf.dispose(run()), { calls: args.calls });
  push({ workload: 'B5', case: 'forward + grad', ...r, loss: l, note: `unrolled loop, tf.valueAndGrads; loss ${l.toFixed(2)}` });
}

// ---------------------------------------------------------------- B6
if (args.only.has('B6')) {
  // The constant 1 is made once, as a compiled function holds its constants.
  const x = tf.scalar(1.5, 'float32');
  const one = tf.scalar(1, 'float32');
  const r = await callOverhead(() => tf.add(x, one).dispose(), { callsPerPass: args.b6Calls, passes: args.b6Passes });
  push({ workload: 'B6', case: 'x + 1', ...r, note: 'tf.add(x, one) on float32 scalars (no float64 in TF.js)' });
}

emit(args, {
  system: SYSTEM,
  available: true,
  version: `@tensorflow/tfjs ${tf.version.tfjs ?? tf.version_core}, backend ${backend} ${pkgVersion(`@tensorflow/tfjs-backend-${backend}`)}${wasmInfo}`,
  results,
});
