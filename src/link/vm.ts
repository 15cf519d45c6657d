/**
 * The reference VM: runs a FunctionGraph by calling each node's `perform` in
 * topological order. It is the oracle every faster executor is checked
 * against. Output buffers are kept per node and handed back to the op on the
 * next call, except buffers that left the function (outputs, updates).
 */
import type { FunctionGraph } from '../graph/fgraph.js';
import type { Apply } from '../graph/apply.js';
import type { LinkContext, NodeThunk, OutputCell } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { constantData } from '../graph/variable.js';
import { NDArray } from '../ndarray/ndarray.js';
import { TheanoError } from '../errors.js';

/** Receives the time each node took (a function's ProfileStats). */
export interface NodeTimer {
  recordNode(node: Apply, seconds: number): void;
}

/**
 * How one node runs: by default its op's `perform`; an executor may supply a
 * faster thunk for some nodes (generated kernels) with the same contract.
 */
export type Thunk = NodeThunk;

/** Chooses a node's thunk, or null for the op's own `perform`. */
export type ThunkMaker = (node: Apply) => Thunk | null;

/** Numbers variables in the order they are first asked about: each gets a slot in a run's value array. */
export function slotNumbering(): { slotOf: Map<Variable, number>; slot: (v: Variable) => number } {
  const slotOf = new Map<Variable, number>();
  const slot = (v: Variable): number => {
    let s = slotOf.get(v);
    if (s === undefined) {
      s = slotOf.size;
      slotOf.set(v, s);
    }
    return s;
  };
  return { slotOf, slot };
}

export interface Step {
  readonly node: Apply;
  readonly inputSlots: readonly number[];
  readonly outputSlots: readonly number[];
  readonly cells: OutputCell[];
  readonly thunk: Thunk;
}

/** Runs the graph: outputs from inputs; `beforeTail` sees the outputs so far before the first tail destroyer runs. */
export type RunFunction = (inputs: readonly unknown[], beforeTail?: (outputsSoFar: readonly unknown[]) => void) => unknown[];

/**
 * The VM's plan — each variable a slot, each node a step reading and
 * writing slots — from which an executor may render the whole run as one
 * generated function (see link/js/schedule.ts) instead of `VM.run`'s loop.
 */
export interface SchedulePlan {
  readonly steps: readonly Step[];
  readonly nSlots: number;
  readonly inputSlots: readonly number[];
  readonly outputSlots: readonly number[];
  readonly constantSlots: readonly (readonly [number, unknown])[];
  /** The index of the first tail destroyer in `steps` (steps.length when none). */
  readonly tailStart: number;
  /** Throws what step `k` (a tail destroyer) would throw on these inputs, before anything is overwritten. */
  checkStep(k: number, inputs: readonly unknown[]): void;
  /** What a failure `e` of step `k` is reported as (-1: outside any step). */
  failure(k: number, e: unknown): unknown;
}

/** Renders a plan into a function with `VM.run`'s contract. */
export type ScheduleRenderer = (plan: SchedulePlan) => RunFunction;

/**
 * Whether `node` overwrites an input of the graph (a mutable input or a
 * shared variable, see rewrite/inplace.ts) and its outputs are read only as
 * the graph's outputs: such a node can run last.
 */
export function isTailDestroyer(fgraph: FunctionGraph, node: Apply): boolean {
  const destroyed = Object.values(node.op.destroyMap).flat();
  return (
    destroyed.some((i) => fgraph.inputs.includes(node.inputs[i]!)) &&
    node.outputs.every((o) => fgraph.clients(o).every((c) => c.node === 'output'))
  );
}

/**
 * The order nodes run in: topological, except that tail destroyers run
 * after every other node — after every other reader of the value they
 * overwrite, and after everything that could fail (see `VM.run`).
 */
export function schedule(fgraph: FunctionGraph): Apply[] {
  const order = fgraph.toposort();
  const tail = order.filter((n) => isTailDestroyer(fgraph, n));
  if (tail.length === 0) return order;
  const last = new Set(tail);
  return [...order.filter((n) => !last.has(n)), ...tail];
}

/** The storage behind a runtime value, for alias checks: views share it (null for non-arrays). */
export function storageOf(value: unknown): object | null {
  return value instanceof NDArray ? value.data : null;
}

/** Whether any step is a lazy op (ifelse), which calls for `runOnDemand`. */
export function hasLazyOps(steps: readonly Pick<Step, 'node'>[]): boolean {
  return steps.some((step) => step.node.op.neededInputs !== undefined);
}

/** The step computing each slot (-1 for inputs and constants). */
export function producers(steps: readonly Pick<Step, 'outputSlots'>[], nSlots: number): Int32Array {
  const producer = new Int32Array(nSlots).fill(-1);
  steps.forEach((step, k) => step.outputSlots.forEach((s) => (producer[s] = k)));
  return producer;
}

/**
 * Runs the steps before `stop` that the `roots` slots need, on demand from
 * those slots back (an explicit stack, so deep graphs cannot overflow the
 * call stack). A lazy node first has its deciding inputs computed, then only
 * the inputs it says it needs (the others reach it as undefined): whatever
 * feeds only the branch not taken never runs. `run(k, args)` runs step k
 * and stores its outputs in `values`.
 */
export function runOnDemand(
  steps: readonly Pick<Step, 'node' | 'inputSlots'>[],
  producer: Int32Array,
  roots: readonly number[],
  values: readonly unknown[],
  stop: number,
  run: (k: number, args: unknown[]) => void,
): void {
  const done = new Uint8Array(steps.length);
  const stack: number[] = [];
  const demand = (slot: number): boolean => {
    const k = producer[slot]!;
    if (k < 0 || k >= stop || done[k]) return false;
    stack.push(k);
    return true;
  };
  for (const s of roots) demand(s);
  while (stack.length > 0) {
    const k = stack[stack.length - 1]!;
    if (done[k]) {
      stack.pop();
      continue;
    }
    const { node, inputSlots } = steps[k]!;
    const op = node.op;
    let missing = false;
    let needed: readonly number[] | null = null;
    if (op.neededInputs !== undefined) {
      const deciding = op.decidingInputs ?? [];
      for (const i of deciding) missing = demand(inputSlots[i]!) || missing;
      if (missing) continue;
      needed = op.neededInputs(node, deciding.map((i) => values[inputSlots[i]!]));
    }
    for (const i of needed ?? inputSlots.keys()) missing = demand(inputSlots[i]!) || missing;
    if (missing) continue;
    stack.pop();
    run(k, needed === null ? inputSlots.map((s) => values[s]) : inputSlots.map((s, i) => (needed.includes(i) ? values[s] : undefined)));
    done[k] = 1;
  }
}

export interface VMOptions {
  /** Receives each node's time (a function's ProfileStats); runs then go through the loop. */
  profile?: NodeTimer | null;
  /** An executor's faster thunks for some nodes (generated kernels). */
  makeThunk?: ThunkMaker | null;
  /** Renders the whole run into one function (link/js/schedule.ts). */
  render?: ScheduleRenderer | null;
  /** Compiles ops' inner graphs (scan) at link time; without it they run their reference `perform`. */
  context?: LinkContext | null;
}

export class VM implements SchedulePlan {
  readonly steps: Step[];
  readonly nSlots: number;
  readonly inputSlots: number[];
  readonly outputSlots: number[];
  readonly constantSlots: [number, unknown][];
  private readonly profile: NodeTimer | null;
  readonly tailStart: number;
  /** The run rendered as one function, when an executor supplied a renderer (not while profiling, nor for lazy graphs). */
  private readonly rendered: RunFunction | null;
  /** For graphs with lazy ops (ifelse): the step computing each slot (-1 for inputs and constants). */
  private readonly producer: Int32Array | null;

  constructor(fgraph: FunctionGraph, { profile = null, makeThunk = null, render = null, context = null }: VMOptions = {}) {
    const { slotOf, slot } = slotNumbering();
    this.inputSlots = fgraph.inputs.map(slot);
    const order = schedule(fgraph);
    this.tailStart = order.length - order.filter((n) => isTailDestroyer(fgraph, n)).length;
    this.steps = order.map((node) => ({
      node,
      inputSlots: node.inputs.map(slot),
      outputSlots: node.outputs.map(slot),
      cells: node.outputs.map(() => ({ value: undefined })),
      thunk:
        makeThunk?.(node) ??
        (context !== null ? node.op.makeThunk?.(node, context) : undefined) ??
        ((inputs: readonly unknown[], cells: OutputCell[]) => node.op.perform(node, inputs, cells)),
    }));
    this.outputSlots = fgraph.outputs.map(slot);
    this.constantSlots = [...slotOf].filter(([v]) => v.isConstant()).map(([v, s]) => [s, constantData(v)]);
    this.nSlots = slotOf.size;
    this.profile = profile;
    const lazy = hasLazyOps(this.steps);
    this.producer = lazy ? producers(this.steps, this.nSlots) : null;
    // Profiles time each node, which the loop below does; a rendered run is for speed.
    this.rendered = render !== null && profile === null && !lazy ? render(this) : null;
  }

  /**
   * Computes the graph's outputs from its input values. Throws the op's own
   * error (theano-ts errors name the node), or wraps any other failure in a
   * TheanoError naming the node and where it was built.
   */
  run(inputs: readonly unknown[], beforeTail?: (outputsSoFar: readonly unknown[]) => void): unknown[] {
    // A kept buffer may come back as an input (a borrowed output passed to the next call, or
    // stored in a shared variable with borrow): an op reusing it would overwrite its own input.
    this.release(inputs);
    if (this.rendered !== null) return this.rendered(inputs, beforeTail);
    const values = new Array<unknown>(this.nSlots);
    for (const [s, v] of this.constantSlots) values[s] = v;
    this.inputSlots.forEach((s, i) => (values[s] = inputs[i]));
    if (this.producer !== null) return this.runLazily(values, beforeTail);
    const args: unknown[] = [];
    for (let k = 0; k < this.steps.length; k++) {
      // Before the first tail destroyer overwrites a shared value, check the inputs of all of them.
      if (k === this.tailStart) {
        this.checkTail(values);
        beforeTail?.(this.outputSlots.map((s) => values[s]));
      }
      args.length = 0;
      for (const s of this.steps[k]!.inputSlots) args.push(values[s]);
      this.runStep(k, args, values);
    }
    return this.outputSlots.map((s) => values[s]);
  }

  /** Runs step `k` on `args` and stores its outputs in `values`. */
  private runStep(k: number, args: readonly unknown[], values: unknown[]): void {
    const step = this.steps[k]!;
    const start = this.profile ? performance.now() : 0;
    try {
      step.thunk(args, step.cells);
    } catch (e) {
      throw this.failure(k, e);
    }
    if (this.profile) this.profile.recordNode(step.node, (performance.now() - start) / 1e3);
    for (let o = 0; o < step.outputSlots.length; o++) values[step.outputSlots[o]!] = step.cells[o]!.value;
  }

  /**
   * The run for graphs with lazy ops: nodes run on demand (`runOnDemand`);
   * tail destroyers still run last, after their checks.
   */
  private runLazily(values: unknown[], beforeTail?: (outputsSoFar: readonly unknown[]) => void): unknown[] {
    const tail = this.steps.slice(this.tailStart);
    const roots = [...this.outputSlots, ...tail.flatMap((step) => step.inputSlots)];
    runOnDemand(this.steps, this.producer!, roots, values, this.tailStart, (k, args) => this.runStep(k, args, values));
    if (tail.length > 0) {
      this.checkTail(values);
      beforeTail?.(this.outputSlots.map((s) => values[s]));
      for (let k = this.tailStart; k < this.steps.length; k++) this.runStep(k, this.steps[k]!.inputSlots.map((s) => values[s]), values);
    }
    return this.outputSlots.map((s) => values[s]);
  }

  /** Throws what any tail destroyer would throw before it writes (their inputs are all computed by now). */
  private checkTail(values: readonly unknown[]): void {
    for (let k = this.tailStart; k < this.steps.length; k++) this.checkStep(k, this.steps[k]!.inputSlots.map((s) => values[s]));
  }

  checkStep(k: number, inputs: readonly unknown[]): void {
    const { node } = this.steps[k]!;
    if (node.op.checkInputs === undefined) return;
    try {
      node.op.checkInputs(node, inputs);
    } catch (e) {
      throw this.failure(k, e);
    }
  }

  /** theano-ts errors name the node themselves; any other failure is wrapped in one naming the node and where it was built. */
  failure(k: number, e: unknown): unknown {
    if (e instanceof TheanoError || k < 0) return e;
    const node = this.steps[k]!.node;
    const message = e instanceof Error ? e.message : String(e);
    return new TheanoError(`${node.op} failed: ${message}\n  node built at ${node.trace}`, { cause: e });
  }

  /**
   * Forgets kept buffers that share storage with `escaped` values (returned
   * outputs, new shared values), so no later call writes into them.
   */
  release(escaped: readonly unknown[]): void {
    const buffers: object[] = [];
    for (const v of escaped) {
      const b = storageOf(v);
      if (b !== null) buffers.push(b);
    }
    if (buffers.length === 0) return;
    // Few escape per call (the outputs, new shared values): a list beats a Set.
    for (const step of this.steps) {
      for (const cell of step.cells) {
        const b = storageOf(cell.value);
        if (b !== null && buffers.includes(b)) cell.value = undefined;
      }
    }
  }

  /** Forgets every kept buffer (the next run allocates afresh). */
  dropBuffers(): void {
    for (const step of this.steps) for (const cell of step.cells) cell.value = undefined;
  }

  /** The buffers the VM keeps for reuse (for alias checks by the caller). */
  keptBuffers(): Set<object> {
    const out = new Set<object>();
    for (const step of this.steps) for (const cell of step.cells) {
      const b = storageOf(cell.value);
      if (b !== null) out.add(b);
    }
    return out;
  }
}
