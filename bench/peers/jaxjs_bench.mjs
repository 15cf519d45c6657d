// jax-js peer (npm @jax-js/jax, its `wasm` device, every workload under
// jit), run by bench/run.mjs in its own process. jax-js arrays are lazy and
// reference-counted: each timed call dispatches the jitted function and
// awaits blockUntilReady() on its result; `.ref` keeps inputs alive.
//
// jax-js targets browsers. On Node 20 two globals it touches are missing
// (Node 22 has both): `navigator` (read for userAgent and
// hardwareConcurrency; Node 21+ defines it with the values used below) and
// `Float16Array` (only used in `instanceof` tests and for float16 arrays,
// which this bench never makes). They are stubbed here, and only here.
// Node has no global web `Worker`, so jax-js's wasm device runs on one thread.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { urand, labels } from '../data.mjs';
import { parseWorkerArgs, measureAsync, callOverhead, median, seqSum, gflops, log, describe, emit } from '../lib.mjs';

const SYSTEM = 'jax-js';
const args = parseWorkerArgs();
const results = [];
const push = (r) => {
  results.push(r);
  log(SYSTEM, describe(r));
};

const shims = [];
if (typeof globalThis.navigator === 'undefined') {
  globalThis.navigator = { userAgent: `Node.js/${process.versions.node.split('.')[0]}`, hardwareConcurrency: os.availableParallelism() };
  shims.push('navigator');
}
if (typeof globalThis.Float16Array === 'undefined') {
  globalThis.Float16Array = class Float16Array {};
  shims.push('Float16Array');
}

let jax;
let device;
try {
  jax = await import('@jax-js/jax');
  const devices = await jax.init('wasm');
  if (!devices.includes('wasm')) throw new Error(`wasm device unavailable (init gave ${JSON.stringify(devices)})`);
  jax.defaultDevice('wasm');
  device = jax.defaultDevice();
} catch (e) {
  emit(args, { system: SYSTEM, available: false, reason: `cannot start jax-js on Node ${process.version}: ${e.message}` });
  process.exit(0);
}
const { numpy: np, jit, valueAndGrad } = jax;
const require = createRequire(import.meta.url);
let version = '?';
try {
  const dir = require.resolve('@jax-js/jax').replace(/(node_modules\/@jax-js\/jax)\/.*$/, '$1');
  version = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')).version;
} catch {
  /* keep '?' */
}

const DT = { f64: np.float64, f32: np.float32 };
/** A jax-js array of dtype `dt` from float64 data (float32 data is rounded first). */
const arr = (data, dt, shape) => np.array(dt === 'f32' ? Float32Array.from(data) : data, { dtype: DT[dt], ...(shape ? { shape } : {}) });

// ---------------------------------------------------------------- B1
if (args.only.has('B1')) {
  const n = 1_000_000;
  const f = jit((a, b, c) => np.reciprocal(np.exp(a.mul(b).add(c).neg()).add(1)));
  for (const dt of ['f64', 'f32']) {
    const a = arr(urand(1, n, -1, 1), dt);
    const b = arr(urand(2, n, -1, 1), dt);
    const c = arr(urand(3, n, -1, 1), dt);
    const out = f(a.ref, b.ref, c.ref);
    const checksum = seqSum(out.dataSync()); // dataSync consumes `out`
    const r = await measureAsync(async () => {
      const y = f(a.ref, b.ref, c.ref);
      await y.blockUntilReady();
      y.dispose();
    }, { calls: args.calls });
    push({ workload: 'B1', case: dt, ...r, checksum, note: 'jit' });
    a.dispose();
    b.dispose();
    c.dispose();
  }
}

// ---------------------------------------------------------------- B2
if (args.only.has('B2')) {
  const mm = jit((a, b) => np.matmul(a, b));
  for (const n of args.b2Sizes) {
    for (const dt of ['f32', 'f64']) {
      const A = arr(urand(4, n * n, -1, 1), dt, [n, n]);
      const B = arr(urand(5, n * n, -1, 1), dt, [n, n]);
      const checksum = seqSum(mm(A.ref, B.ref).dataSync());
      const r = await measureAsync(async () => {
        const C = mm(A.ref, B.ref);
        await C.blockUntilReady();
        C.dispose();
      }, { calls: args.calls, budgetMs: n > 512 ? 10000 : 6000 });
      push({ workload: 'B2', case: `${n} ${dt}`, ...r, gflops: gflops(n, r.median_ms), checksum });
      A.dispose();
      B.dispose();
    }
  }
}

// ---------------------------------------------------------------- B3
if (args.only.has('B3')) {
  const N = 400;
  const FEATS = 784;
  // Every jax-js function consumes its array arguments: a second use needs `.ref`.
  const loss = (w, b, x, y) => {
    const p = np.reciprocal(np.exp(np.matmul(x, w.ref).add(b).neg()).add(1));
    const xent = y.ref.neg().mul(np.log(p.ref)).sub(np.subtract(1, y).mul(np.log(np.subtract(1, p))));
    return xent.mean().add(w.ref.mul(w).sum().mul(0.01));
  };
  const step = jit((w, b, x, y) => {
    const [cost, [gw, gb]] = valueAndGrad(loss, { argnums: [0, 1] })(w.ref, b.ref, x, y);
    return [w.sub(gw.mul(0.1)), b.sub(gb.mul(0.1)), cost];
  });
  const x = arr(urand(6, N * FEATS, -1, 1), 'f64', [N, FEATS]);
  const y = arr(urand(7, N).map((v) => (v > 0.5 ? 1 : 0)), 'f64');
  const w0 = urand(8, FEATS, -0.01, 0.01);
  let w = arr(w0, 'f64');
  let b = np.array(0, { dtype: np.float64 });
  let cost;
  for (let i = 0; i < 10; i++) {
    [w, b, cost] = step(w, b, x.ref, y.ref);
    await cost.blockUntilReady();
    cost.dispose();
  }
  w.dispose();
  b.dispose();
  w = arr(w0, 'f64');
  b = np.array(0, { dtype: np.float64 });
  const steps = args.b3Steps;
  const times = new Float64Array(steps);
  const costs = new Array(steps);
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    [w, b, cost] = step(w, b, x.ref, y.ref);
    await cost.blockUntilReady();
    times[i] = performance.now() - t;
    costs[i] = cost;
  }
  const first = costs[0].item();
  const last = costs[steps - 1].item();
  for (const c of costs) if (c.refCount > 0) c.dispose();
  push({
    workload: 'B3', case: 'step', median_ms: median(times), min_ms: Math.min(...times), calls: steps, warmup: 10,
    cost_first: first, cost_last: last, note: 'jit(valueAndGrad), float64',
  });
}

// ---------------------------------------------------------------- B4
if (args.only.has('B4')) {
  const [BATCH, IN, HID, OUT] = [128, 784, 500, 10];
  const [a1, a2] = [Math.sqrt(6 / (IN + HID)), Math.sqrt(6 / (HID + OUT))];
  const x = arr(urand(10, BATCH * IN, 0, 1), 'f32', [BATCH, IN]);
  const onehot = new Float32Array(BATCH * OUT);
  labels(11, BATCH, OUT).forEach((c, i) => (onehot[i * OUT + c] = 1));
  const y = np.array(onehot, { dtype: np.float32, shape: [BATCH, OUT] });
  const loss = (W1, b1, W2, b2, xb, yb) => {
    const z = np.matmul(np.tanh(np.matmul(xb, W1).add(b1)), W2).add(b2);
    // log-softmax, max-shifted: z - max - log Σ exp(z - max).
    const shifted = z.ref.sub(np.max(z, 1, { keepdims: true }));
    const logp = shifted.ref.sub(np.log(np.sum(np.exp(shifted), 1, { keepdims: true })));
    return logp.mul(yb).sum().neg().div(BATCH);
  };
  const step = jit((W1, b1, W2, b2, xb, yb) => {
    const [l, grads] = valueAndGrad(loss, { argnums: [0, 1, 2, 3] })(W1.ref, b1.ref, W2.ref, b2.ref, xb, yb);
    const ps = [W1, b1, W2, b2].map((p, k) => p.sub(grads[k].mul(0.01)));
    return [...ps, l];
  });
  let params = [arr(urand(12, IN * HID, -a1, a1), 'f32', [IN, HID]), np.zeros([HID], { dtype: np.float32 }), arr(urand(13, HID * OUT, -a2, a2), 'f32', [HID, OUT]), np.zeros([OUT], { dtype: np.float32 })];
  const run = async () => {
    const out = step(...params, x.ref, y.ref);
    params = out.slice(0, 4);
    await out[4].blockUntilReady();
    return out[4];
  };
  const l0 = await run();
  const first = l0.item();
  for (let i = 0; i < 10; i++) (await run()).dispose();
  const times = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    const l = await run();
    times.push(performance.now() - t0);
    l.dispose();
  }
  push({ workload: 'B4', case: 'step', median_ms: median(times), min_ms: Math.min(...times), calls: 200, warmup: 10, loss: first, note: `jit(valueAndGrad), log-softmax by hand; loss at the first step ${first.toFixed(3)}` });
}

// ---------------------------------------------------------------- B5
if (args.only.has('B5')) {
  const [STEPS, BATCH, IN, HID] = [100, 32, 64, 128];
  const data = urand(20, STEPS * BATCH * IN, -1, 1);
  const xs = Array.from({ length: STEPS }, (_, t) => arr(data.subarray(t * BATCH * IN, (t + 1) * BATCH * IN), 'f32', [BATCH, IN]));
  const W = arr(urand(21, HID * HID, -1 / Math.sqrt(HID), 1 / Math.sqrt(HID)), 'f32', [HID, HID]);
  const U = arr(urand(22, IN * HID, -1 / Math.sqrt(IN), 1 / Math.sqrt(IN)), 'f32', [IN, HID]);
  // No scan in jax-js: the recurrence is unrolled over the 100 steps inside one jit.
  const loss = (w, u, ...x) => {
    let h = np.zeros([BATCH, HID], { dtype: np.float32 });
    for (const xt of x) h = np.tanh(np.matmul(h, w.ref).add(np.matmul(xt, u.ref)));
    w.dispose();
    u.dispose();
    return h.sum();
  };
  const step = jit((w, u, ...x) => {
    const [value, [gW, gU]] = valueAndGrad(loss, { argnums: [0, 1] })(w, u, ...x);
    return [value, gW, gU];
  });
  const run = async () => {
    const out = step(W.ref, U.ref, ...xs.map((x) => x.ref));
    await out[0].blockUntilReady();
    return out;
  };
  const first = await run();
  const l = first[0].item();
  for (const o of first) if (o.refCount > 0) o.dispose();
  const r = await measureAsync(async () => {
    const out = await run();
    for (const o of out) if (o.refCount > 0) o.dispose();
  }, { calls: args.calls });
  push({ workload: 'B5', case: 'forward + grad', ...r, loss: l, note: `unrolled loop in one jit(valueAndGrad); loss ${l.toFixed(2)}` });
}

// ---------------------------------------------------------------- B6
if (args.only.has('B6')) {
  const f = jit((x) => x.add(1));
  const x = np.array(1.5, { dtype: np.float64 });
  const r = await callOverhead(async () => {
    const y = f(x.ref);
    await y.blockUntilReady();
    y.dispose();
  }, { callsPerPass: args.b6Calls, passes: args.b6Passes, isAsync: true });
  push({ workload: 'B6', case: 'x + 1', ...r, note: 'jit, 0-d float64, awaits blockUntilReady' });
}

emit(args, {
  system: SYSTEM,
  available: true,
  version: `@jax-js/jax ${version}, device ${device}, 1 thread (no Worker in Node)${shims.length ? `; Node ${process.versions.node.split('.')[0]} shims: ${shims.join(', ')}` : ''}`,
  results,
});
