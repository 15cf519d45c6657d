// Shared helpers of the benchmark workers (theano_bench.mjs, peers/*.mjs):
// argument parsing, timing (median of many calls after warm-up), output.
import { writeFileSync } from 'node:fs';

export const ALL_WORKLOADS = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6'];

/** Worker arguments: --only B1,B2 --b2-sizes 512,1024 --out FILE [--backend cpu|wasm]. */
export function parseWorkerArgs(argv = process.argv.slice(2)) {
  const args = { only: new Set(ALL_WORKLOADS), b2Sizes: [512, 1024], out: null, backend: null, calls: 20, b3Steps: 1000, b6Calls: 200_000, b6Passes: 3 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => argv[++i];
    if (a === '--only') args.only = new Set(next().split(',').filter(Boolean));
    else if (a === '--b2-sizes') args.b2Sizes = next().split(',').filter(Boolean).map(Number);
    else if (a === '--out') args.out = next();
    else if (a === '--backend') args.backend = next();
    else if (a === '--calls') args.calls = Number(next());
    else if (a === '--b3-steps') args.b3Steps = Number(next());
    else if (a === '--b6-calls') args.b6Calls = Number(next());
    else if (a === '--b6-passes') args.b6Passes = Number(next());
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * How many calls: `calls` (20) after `warmup` (20) warm-up calls normally —
 * JIT compilers (V8 for the JS systems) reach their final code only after
 * some calls; a case whose warm-up would take more than a sixth of
 * `budgetMs` gets fewer warm-up calls (at least 3). For a slow case, as many
 * calls as fit in `budgetMs` judged from the first warm-up call, but never
 * fewer than `minCalls`, after a single warm-up call.
 */
function plan(firstMs, warmup, calls, budgetMs, minCalls) {
  const first = Math.max(firstMs, 1e-9);
  const w = Math.max(3, Math.min(warmup, Math.floor(budgetMs / 6 / first)));
  if (first * (w - 1 + calls) <= budgetMs) return { warmup: w, calls };
  return { warmup: 1, calls: Math.max(minCalls, Math.min(calls, Math.floor(budgetMs / first))) };
}

/** Median ms per call of a synchronous `fn` after warm-up. */
export function measure(fn, { warmup = 20, calls = 20, budgetMs = 6000, minCalls = 5 } = {}) {
  let t = performance.now();
  fn();
  const first = performance.now() - t;
  const p = plan(first, warmup, calls, budgetMs, minCalls);
  for (let i = 1; i < p.warmup; i++) fn();
  const times = [];
  for (let i = 0; i < p.calls; i++) {
    t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return { median_ms: median(times), min_ms: Math.min(...times), calls: p.calls, warmup: p.warmup, first_ms: first };
}

/** The same for an async `fn` (jax-js: dispatch, then wait until the result is ready). */
export async function measureAsync(fn, { warmup = 20, calls = 20, budgetMs = 6000, minCalls = 5 } = {}) {
  let t = performance.now();
  await fn();
  const first = performance.now() - t;
  const p = plan(first, warmup, calls, budgetMs, minCalls);
  for (let i = 1; i < p.warmup; i++) await fn();
  const times = [];
  for (let i = 0; i < p.calls; i++) {
    t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return { median_ms: median(times), min_ms: Math.min(...times), calls: p.calls, warmup: p.warmup, first_ms: first };
}

/** B6: µs per call, median over `passes` passes of `callsPerPass` calls each (after 20,000 warm-up calls). */
export async function callOverhead(call, { callsPerPass = 200_000, passes = 3, warmupCalls = 20_000, isAsync = false } = {}) {
  const perCall = [];
  if (isAsync) {
    for (let i = 0; i < warmupCalls; i++) await call();
    for (let p = 0; p < passes; p++) {
      const t = performance.now();
      for (let i = 0; i < callsPerPass; i++) await call();
      perCall.push(((performance.now() - t) * 1000) / callsPerPass);
    }
  } else {
    for (let i = 0; i < warmupCalls; i++) call();
    for (let p = 0; p < passes; p++) {
      const t = performance.now();
      for (let i = 0; i < callsPerPass; i++) call();
      perCall.push(((performance.now() - t) * 1000) / callsPerPass);
    }
  }
  const us = median(perCall);
  return { median_us: us, median_ms: us / 1000, calls: callsPerPass, passes };
}

/** Sequential float64 sum of any array-like of numbers. */
export function seqSum(arr) {
  let s = 0;
  for (let i = 0; i < arr.length; i++) s += Number(arr[i]);
  return s;
}

export const gflops = (n, ms) => (2 * n ** 3) / (ms * 1e6);

/** Progress line on stderr. */
export function log(system, text) {
  process.stderr.write(`  [${system}] ${text}\n`);
}

/** Short progress text for one result row. */
export function describe(r) {
  if (r.unsupported) return `${r.workload} ${r.case}: not supported (${r.unsupported})`;
  if (r.median_us !== undefined) return `${r.workload} ${r.case}: ${r.median_us.toFixed(2)} µs/call`;
  const extra = r.gflops !== undefined ? `, ${r.gflops.toFixed(2)} GFLOP/s` : '';
  return `${r.workload} ${r.case}: ${r.median_ms.toFixed(3)} ms (median of ${r.calls})${extra}`;
}

/** Write the worker's report where the harness asked (or to stdout). */
export function emit(args, report) {
  const text = JSON.stringify(report);
  if (args.out) writeFileSync(args.out, text);
  else process.stdout.write(text + '\n');
}
