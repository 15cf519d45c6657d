// theano-ts worker of the benchmark harness (run by bench/run.mjs in its own
// process). It uses only the public API of the built package, imported by
// name as a user would ('theano-ts' resolves to ../dist through the link
// bench/node_modules/theano-ts -> .., which bench/package.json installs).
import { readFileSync } from 'node:fs';
import { urand, labels } from './data.mjs';
import { parseWorkerArgs, measure, callOverhead, median, seqSum, gflops, log, describe, emit } from './lib.mjs';

const SYSTEM = 'theano-ts';
const args = parseWorkerArgs();
const results = [];
const push = (r) => {
  results.push(r);
  log(SYSTEM, describe(r));
};

let t0 = performance.now();
const th = await import('theano-ts');
const importMs = performance.now() - t0;
const T = th.tensor;
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// ---------------------------------------------------------------- B3 build
const N = 400;
const FEATS = 784;
const w0 = urand(8, FEATS, -0.01, 0.01);

/** The seed's logistic-regression training function, built and compiled (returns the cost). */
function buildTrain() {
  const tb = performance.now();
  const x = T.dmatrix('x');
  const y = T.dvector('y');
  const w = th.shared(th.array(w0), 'w');
  const b = th.shared(0, 'b');
  const p1 = T.trueDiv(1, T.add(1, T.exp(T.dot(x, w).neg().sub(b))));
  const xent = y.neg().mul(T.log(p1)).sub(T.sub(1, y).mul(T.log(T.sub(1, p1))));
  const cost = xent.mean().add(T.mul(0.01, w.pow(2).sum()));
  const [gw, gb] = T.grad(cost, [w, b]);
  const tc = performance.now();
  const train = th.function([x, y], cost, {
    updates: [
      [w, w.sub(gw.mul(0.1))],
      [b, b.sub(gb.mul(0.1))],
    ],
    name: 'train',
  });
  const te = performance.now();
  return { train, w, b, graphMs: tc - tb, compileMs: te - tc, totalMs: te - tb };
}

// Compile time first: the first th.function of this process.
let trainer = null;
if (args.only.has('B3')) {
  const first = buildTrain();
  trainer = first;
  const warm = [];
  for (let i = 0; i < 10; i++) warm.push(buildTrain());
  const pick = (k) => median(warm.map((r) => r[k]));
  push({
    workload: 'B3c', case: 'first in process', median_ms: first.totalMs, calls: 1,
    graph_grad_ms: first.graphMs, function_ms: first.compileMs, import_ms: importMs,
    note: `graph + T.grad ${first.graphMs.toFixed(1)} ms, th.function ${first.compileMs.toFixed(1)} ms; import of theano-ts ${importMs.toFixed(1)} ms (not included)`,
  });
  push({
    workload: 'B3c', case: 'warm', median_ms: pick('totalMs'), calls: 10,
    graph_grad_ms: pick('graphMs'), function_ms: pick('compileMs'),
    note: `median of 10 rebuilds: graph + T.grad ${pick('graphMs').toFixed(1)} ms, th.function ${pick('compileMs').toFixed(1)} ms`,
  });
}

// Between workloads the event loop turns once, as between the steps of any JS program: arrays the
// previous workload dropped (in the WebAssembly memory, reclaimed by finalizers) come back to the
// allocator instead of crowding the next workload. Nothing is timed across it.
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

// ---------------------------------------------------------------- B1
if (args.only.has('B1')) {
  const n = 1_000_000;
  for (const [dt, name] of [['float64', 'f64'], ['float32', 'f32']]) {
    const a = T.vector('a', dt);
    const b = T.vector('b', dt);
    const c = T.vector('c', dt);
    const expr = T.trueDiv(1, T.add(1, T.exp(a.mul(b).add(c).neg())));
    const f = th.function([a, b, c], expr);
    const A = th.array(urand(1, n, -1, 1), { dtype: dt });
    const B = th.array(urand(2, n, -1, 1), { dtype: dt });
    const C = th.array(urand(3, n, -1, 1), { dtype: dt });
    const out = f(A, B, C);
    if (out.dtype !== dt) throw new Error(`B1 ${name}: output dtype ${out.dtype}`);
    const r = measure(() => f(A, B, C), { calls: args.calls });
    push({ workload: 'B1', case: name, ...r, checksum: seqSum(out.data), note: 'a new 1e6-element result per call' });
    // Theano's Out(borrow=True): the function hands back its own buffer, overwritten by the next call.
    const fb = th.function([a, b, c], th.Out(expr, { borrow: true }));
    const rb = measure(() => fb(A, B, C), { calls: args.calls });
    push({ workload: 'B1', case: `${name} borrow`, ...rb, checksum: seqSum(fb(A, B, C).data), note: 'informative: Out(expr, {borrow: true}) reuses the result buffer', secondary: true });
  }
}

// ---------------------------------------------------------------- B2
await settle();
if (args.only.has('B2')) {
  for (const n of args.b2Sizes) {
    for (const [dt, name] of [['float32', 'f32'], ['float64', 'f64']]) {
      const x = T.matrix('x', dt);
      const y = T.matrix('y', dt);
      const f = th.function([x, y], T.dot(x, y));
      const A = th.array(urand(4, n * n, -1, 1), { dtype: dt, shape: [n, n] });
      const B = th.array(urand(5, n * n, -1, 1), { dtype: dt, shape: [n, n] });
      const out = f(A, B);
      const r = measure(() => f(A, B), { calls: args.calls, budgetMs: n > 512 ? 10000 : 6000 });
      push({ workload: 'B2', case: `${n} ${name}`, ...r, gflops: gflops(n, r.median_ms), checksum: seqSum(out.data) });
    }
  }
}

// ---------------------------------------------------------------- B3
await settle();
if (args.only.has('B3')) {
  const { train, w, b } = trainer;
  const X = th.array(urand(6, N * FEATS, -1, 1), { shape: [N, FEATS] });
  const Y = th.array(urand(7, N).map((v) => (v > 0.5 ? 1 : 0)));
  for (let i = 0; i < 10; i++) train(X, Y); // warm-up
  w.setValue(th.array(w0));
  b.setValue(0);
  const steps = args.b3Steps;
  const times = new Float64Array(steps);
  const costs = new Array(steps);
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    costs[i] = train(X, Y);
    times[i] = performance.now() - t;
  }
  push({
    workload: 'B3', case: 'step', median_ms: median(times), min_ms: Math.min(...times), calls: steps, warmup: 10,
    cost_first: Number(costs[0]), cost_last: Number(costs[steps - 1]),
  });
}

// ---------------------------------------------------------------- B4
await settle();
if (args.only.has('B4')) {
  const [BATCH, IN, HID, OUT] = [128, 784, 500, 10];
  const f32 = (seed, n, lo, hi, shape) => th.array(urand(seed, n, lo, hi), { dtype: 'float32', shape });
  const X = f32(10, BATCH * IN, 0, 1, [BATCH, IN]);
  const Y = th.array(labels(11, BATCH, OUT), { dtype: 'int64' });
  const [a1, a2] = [Math.sqrt(6 / (IN + HID)), Math.sqrt(6 / (HID + OUT))];
  const W1 = th.shared(f32(12, IN * HID, -a1, a1, [IN, HID]), 'W1');
  const W2 = th.shared(f32(13, HID * OUT, -a2, a2, [HID, OUT]), 'W2');
  const b1 = th.shared(th.zeros([HID], 'float32'), 'b1');
  const b2 = th.shared(th.zeros([OUT], 'float32'), 'b2');
  const x = T.fmatrix('x');
  const y = T.lvector('y');
  const probs = T.nnet.softmax(T.dot(T.tanh(T.dot(x, W1).add(b1)), W2).add(b2));
  const loss = T.nnet.categoricalCrossentropy(probs, y).mean();
  const params = [W1, b1, W2, b2];
  const grads = T.grad(loss, params);
  const step = th.function([x, y], loss, { updates: params.map((p, k) => [p, p.sub(grads[k].mul(0.01))]) });
  const first = Number(step(X, Y));
  for (let i = 0; i < 10; i++) step(X, Y);
  const times = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    step(X, Y);
    times.push(performance.now() - t);
  }
  push({ workload: 'B4', case: 'step', median_ms: median(times), min_ms: Math.min(...times), calls: 200, warmup: 10, loss: first, note: `softmax cross-entropy (log-softmax after rewriting); loss at the first step ${first.toFixed(3)}` });
}

// ---------------------------------------------------------------- B5
await settle();
if (args.only.has('B5')) {
  const [STEPS, BATCH, IN, HID] = [100, 32, 64, 128];
  const f32 = (seed, n, a, shape) => th.array(urand(seed, n, -a, a), { dtype: 'float32', shape });
  const X = f32(20, STEPS * BATCH * IN, 1, [STEPS, BATCH, IN]);
  const W = th.shared(f32(21, HID * HID, 1 / Math.sqrt(HID), [HID, HID]), 'W');
  const U = th.shared(f32(22, IN * HID, 1 / Math.sqrt(IN), [IN, HID]), 'U');
  const xs = T.tensor3('xs', 'float32');
  const h0 = T.constant(th.zeros([BATCH, HID], 'float32'));
  const [hs] = th.scan({ fn: (x, h) => T.tanh(T.dot(h, W).add(T.dot(x, U))), sequences: xs, outputsInfo: h0, name: 'rnn' });
  const loss = hs.at(-1).sum();
  const [gW, gU] = T.grad(loss, [W, U]);
  const f = th.function([xs], [loss, gW, gU]);
  const [l] = f(X);
  const r = measure(() => f(X), { calls: args.calls });
  push({ workload: 'B5', case: 'forward + grad', ...r, loss: Number(l), note: `th.scan, gradient by a backward scan; loss ${Number(l).toFixed(2)}` });
}

// ---------------------------------------------------------------- B6
await settle();
if (args.only.has('B6')) {
  const x = T.dscalar('x');
  const f = th.function([x], x.add(1));
  const X = th.array(1.5);
  if (X.dtype !== 'float64' || X.ndim !== 0) throw new Error('B6: expected a 0-d float64 array');
  const r = await callOverhead(() => f(X), { callsPerPass: args.b6Calls, passes: args.b6Passes });
  push({ workload: 'B6', case: 'x + 1', ...r, note: '0-d float64 NDArray argument' });
  const r2 = await callOverhead(() => f(1.5), { callsPerPass: args.b6Calls, passes: 1 });
  push({ workload: 'B6', case: 'x + 1 (JS number arg)', ...r2, note: 'f(1.5): a JS number, converted on each call; 1 pass' });
}

emit(args, {
  system: SYSTEM,
  available: true,
  version: `theano-ts ${pkg.version} (built dist/)`,
  results,
});
