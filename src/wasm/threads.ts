/**
 * A pool of worker threads that run exported functions of kernel modules on
 * the one shared memory, synchronously from the caller's point of view:
 * `runParallel` hands one task to each ready worker, runs the first task on
 * the calling thread, takes back any task a worker has not started by then
 * (a sleeping worker wakes slower than a short task runs), and blocks
 * (Atomics.wait) until every worker is done.
 *
 * Workers start lazily and boot asynchronously; until a worker is ready its
 * tasks run on the calling thread, so results never depend on how many
 * threads took part (callers split work so that each output element is
 * computed the same way whoever computes it). Workers are unref'd: an idle
 * pool never keeps the process alive.
 */
import { Worker, MessageChannel, type MessagePort } from 'node:worker_threads';
import { config } from '../config.js';
import { kernelImports, wasmMemory } from './memory.js';

/** A module every thread can run: its id in the pool and its export names. */
export interface SharedModule {
  readonly id: number;
  readonly module: WebAssembly.Module;
  readonly exportNames: readonly string[];
  /** The calling thread's instance. */
  readonly exports: Record<string, (...args: number[]) => unknown>;
}

// Control words of one worker (Int32Array indices).
const STATE = 0; // IDLE, RUN or STOP
const READY = 1; // 1 once the worker listens
const MODULE = 2;
const EXPORT = 3;
const NARGS = 4;
const FAILED = 5;
const IDLE = 0;
const RUN = 1; // a task is waiting for the worker
const BUSY = 2; // the worker took it
/** How long a caller waiting for pickups (`waitForPickups`) gives a worker to take its task (ms). */
const PICKUP_TIMEOUT_MS = 200;
const MAX_ARGS = 24;
/** Polls of a control word before sleeping on it (a few tens of microseconds). */
const SPIN = 20000;
/** How long a worker polls for its next task before sleeping (ms). */
const WORKER_SPIN_MS = 0.2;

interface PoolWorker {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly control: Int32Array;
  readonly args: Float64Array;
  /** Ids of the modules already posted to it. */
  readonly posted: Set<number>;
}

// Runs inside each worker: instantiate modules as tasks need them (they are
// posted on a port and read synchronously), run the task, report, sleep.
const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { memory, port, control } = workerData;
const ctl = new Int32Array(control, 0, 8);
const args = new Float64Array(control, 32, ${MAX_ARGS});
const instances = new Map();
Atomics.store(ctl, ${READY}, 1);
for (;;) {
  // A short spin first: back-to-back tasks (the products of one training step) skip the futex wake-up.
  const until = performance.now() + ${WORKER_SPIN_MS};
  for (let spin = 1; Atomics.load(ctl, ${STATE}) === ${IDLE} && ((spin++ & 1023) !== 0 || performance.now() < until););
  Atomics.wait(ctl, ${STATE}, ${IDLE});
  // Take the task (the caller may have taken it back if this thread was late).
  const took = Atomics.compareExchange(ctl, ${STATE}, ${RUN}, ${BUSY});
  if (took === ${IDLE}) continue;
  if (took !== ${RUN}) break;
  Atomics.notify(ctl, ${STATE}); // a caller waiting for the pickup
  let failed = 0;
  try {
    const id = ctl[${MODULE}];
    while (!instances.has(id)) {
      const msg = receiveMessageOnPort(port);
      if (msg === undefined) throw new Error('module ' + id + ' was never posted');
      const { id: mid, module, exportNames } = msg.message;
      const exports = new WebAssembly.Instance(module, { env: { memory }, math: { sin: Math.sin, cos: Math.cos } }).exports;
      instances.set(mid, exportNames.map((n) => exports[n]));
    }
    instances.get(id)[ctl[${EXPORT}]](...args.subarray(0, ctl[${NARGS}]));
  } catch (e) {
    failed = 1;
  }
  ctl[${FAILED}] = failed;
  Atomics.store(ctl, ${STATE}, ${IDLE});
  Atomics.notify(ctl, ${STATE});
}
`;

const workers: PoolWorker[] = [];
const modules: SharedModule[] = [];

/** Compiles `bytes` once and makes the module runnable on every thread. */
export function shareModule(bytes: Uint8Array): SharedModule {
  const module = new WebAssembly.Module(bytes);
  const exports = new WebAssembly.Instance(module, kernelImports()).exports as SharedModule['exports'];
  const shared: SharedModule = { id: modules.length, module, exportNames: Object.keys(exports), exports };
  modules.push(shared);
  return shared;
}

function startWorker(): PoolWorker {
  const { port1, port2 } = new MessageChannel();
  const controlBuffer = new SharedArrayBuffer(32 + 8 * MAX_ARGS);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { memory: wasmMemory(), port: port2, control: controlBuffer },
    transferList: [port2],
  });
  worker.unref();
  port1.unref();
  return { worker, port: port1, control: new Int32Array(controlBuffer, 0, 8), args: new Float64Array(controlBuffer, 32, MAX_ARGS), posted: new Set() };
}

/** The workers to use now: config.threads - 1 of them, started on first need. */
function poolWorkers(): PoolWorker[] {
  const wanted = Math.max(0, Math.floor(config.threads) - 1);
  while (workers.length < wanted) workers.push(startWorker());
  return workers.slice(0, wanted);
}

let workerTasks = 0;
let takenBack = 0;
let patient = false;

/**
 * Whether `runParallel` waits for each worker to take its task rather than
 * running untaken tasks itself once its own is done: for tests that must
 * see workers compute (a worker woken from sleep may be slower to start
 * than a short task), never for speed.
 */
export function waitForPickups(on: boolean): void {
  patient = on;
}

/** How many tasks worker threads have run in this process (for tests and profiles). */
export function workerTaskCount(): number {
  return workerTasks;
}

/** How many tasks callers took back from workers that had not started them (for profiles). */
export function takenBackCount(): number {
  return takenBack;
}

/** How many threads a parallel run may use now (the calling one included). */
export function threadCount(): number {
  return Math.max(1, Math.floor(config.threads));
}

/**
 * Runs `module.exports[name](...tasks[t])` for every task t: task 0 on the
 * calling thread, the others on ready workers (or here, when none is ready),
 * and returns when all are done. Throws if any task trapped.
 */
export function runParallel(module: SharedModule, name: string, tasks: readonly (readonly number[])[]): void {
  const exportIndex = module.exportNames.indexOf(name);
  if (exportIndex < 0) throw new Error(`module has no export ${name}`);
  const fn = module.exports[name]!;
  const busy: PoolWorker[] = [];
  const local: (readonly number[])[] = [tasks[0]!];
  const ready = tasks.length > 1 ? poolWorkers().filter((w) => Atomics.load(w.control, READY) === 1) : [];
  for (let t = 1; t < tasks.length; t++) {
    const w = ready[t - 1];
    const args = tasks[t]!;
    if (w === undefined || args.length > MAX_ARGS) {
      local.push(args);
      continue;
    }
    if (!w.posted.has(module.id)) {
      w.port.postMessage({ id: module.id, module: module.module, exportNames: module.exportNames });
      w.posted.add(module.id);
    }
    w.control[MODULE] = module.id;
    w.control[EXPORT] = exportIndex;
    w.control[NARGS] = args.length;
    w.args.set(args);
    Atomics.store(w.control, STATE, RUN);
    Atomics.notify(w.control, STATE);
    busy.push(w);
  }
  let error: unknown;
  try {
    for (const args of local) fn(...args);
  } catch (e) {
    error = e;
  }
  let workerFailed = false;
  for (const w of busy) {
    // A task its worker has not taken by now (asleep, or starved of a core) runs here: waking the worker
    // would cost more than the task, and this way a split never takes longer than running it all here.
    // Waiting for pickups (tests of the workers themselves) still gives up on a worker gone for too long.
    const untaken = !patient || Atomics.wait(w.control, STATE, RUN, PICKUP_TIMEOUT_MS) === 'timed-out';
    if (untaken && Atomics.compareExchange(w.control, STATE, RUN, IDLE) === RUN) {
      takenBack++;
      try {
        fn(...Array.from(w.args.subarray(0, w.control[NARGS]!)));
      } catch (e) {
        error ??= e;
      }
      continue;
    }
    for (let spin = 0; spin < SPIN && Atomics.load(w.control, STATE) !== IDLE; spin++);
    for (let state = Atomics.load(w.control, STATE); state !== IDLE; state = Atomics.load(w.control, STATE)) Atomics.wait(w.control, STATE, state);
    if (w.control[FAILED] === 1) workerFailed = true;
    workerTasks++;
  }
  if (error !== undefined) throw error;
  if (workerFailed) throw new Error(`a worker thread failed in ${name}`);
}

/** Resolves once every worker of the current pool has started (tests and benchmarks wait for it; nothing else needs to). */
export async function threadsReady(): Promise<void> {
  const pool = poolWorkers();
  while (pool.some((w) => Atomics.load(w.control, READY) !== 1)) await new Promise((r) => setTimeout(r, 2));
}
