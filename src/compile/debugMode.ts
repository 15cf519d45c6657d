/**
 * DebugMode (Theano's `DebugMode`): a function compiled with
 * `new Mode({ debug: true })` (or `mode: 'DebugMode'`) runs its optimized
 * graph node by node and checks everything it can on every call:
 *
 * - each node's result, as the linker computes it (a generated kernel for
 *   elementwise nodes under the 'js' linker, `perform` otherwise), against a
 *   second, independent run of the op's reference `perform` on the same
 *   input values into fresh output cells — so generated code is compared
 *   with the reference, and `perform` must be deterministic;
 * - each result's dtype and static shape against the node's output type;
 * - that no node changed an input it does not declare in its `destroyMap`
 *   (copies of the inputs are taken before the node runs);
 * - the function's outputs and update values against the reference VM run
 *   on the graph as it was before rewriting (so a wrong rewrite shows up);
 * - at compile time, that rewriting kept the type of every output.
 *
 * The first discrepancy raises a DebugModeError naming the op, the node, the
 * worst element of both values and where the node was built. Debug mode is
 * slow by design (every node runs twice, every input is copied, the whole
 * unoptimized graph runs as well); functions compiled without it run none
 * of this.
 *
 * Tolerances: integers and bools must be equal; floats must satisfy
 * |got - reference| <= atol + rtol * |reference| (float64: rtol 1e-6,
 * atol 1e-8; float32: rtol 1e-4, atol 1e-5), NaN equals NaN, infinities
 * must match. When comparing with the unoptimized graph only, a finite
 * optimized value where the reference is infinite or NaN is accepted:
 * stabilizing rewrites exist to avoid such overflows.
 */
import type { Apply } from '../graph/apply.js';
import { FunctionGraph } from '../graph/fgraph.js';
import type { LinkContext, OutputCell } from '../graph/op.js';
import { constantData } from '../graph/variable.js';
import { NDArray } from '../ndarray/ndarray.js';
import { isFloat, type DType } from '../ndarray/dtype.js';
import { TheanoError } from '../errors.js';
import { VM, hasLazyOps, isTailDestroyer, producers, runOnDemand, schedule, slotNumbering, type NodeTimer } from '../link/vm.js';
import { runsGeneratedCode } from '../link/js/linker.js';
import { generatesCode, link } from '../link/linkers.js';
import type { PassReport } from '../rewrite/db.js';
import type { LinkerName } from './mode.js';

/** A discrepancy found by DebugMode: a wrong kernel, op or rewrite, or an op that changed its inputs. */
export class DebugModeError extends TheanoError {
  override name = 'DebugModeError';
}

/** The float tolerances DebugMode compares with (integers and bools compare exactly). */
export const DEBUG_MODE_TOLERANCE: Readonly<Record<'float32' | 'float64', { readonly rtol: number; readonly atol: number }>> = Object.freeze({
  float64: Object.freeze({ rtol: 1e-6, atol: 1e-8 }),
  float32: Object.freeze({ rtol: 1e-4, atol: 1e-5 }),
});

/** What the debug linker needs to know about the function it runs. */
export interface DebugLinkOptions {
  /** The function's name, put in front of every message. */
  functionName: string;
  /** The linker whose code is checked ('js': generated kernels; 'vm': `perform`). */
  linker: LinkerName;
  /** The rewrite passes that ran (`maker.rewrites`), reported when an output differs. */
  rewrites: readonly PassReport[];
  /** How many of the graph's outputs are the function's outputs; the rest are updates. */
  nOutputs: number;
  /** The shared variables updated by the outputs after the first `nOutputs`, in order. */
  updated: readonly { readonly name: string | null }[];
  /** Receives the time each node's linker code took. */
  profile?: NodeTimer | null;
  /** How ops with inner graphs compile them (checked against their reference perform). */
  context?: LinkContext | null;
}

interface Step {
  node: Apply;
  /** Position of the node in the schedule, from 1, for messages. */
  position: number;
  inputSlots: number[];
  outputSlots: number[];
  /** The node alone, linked as the function's linker links it (keeps its output buffers between calls). */
  exec: VM;
  /** For each input of `exec`'s graph, the node input it is (inputs listed twice are passed once). */
  execInputs: number[];
  /** Whether the linker runs generated code for this node rather than `perform`. */
  generated: boolean;
  /** Indices of the inputs the op declares it overwrites. */
  destroyed: ReadonlySet<number>;
}

/**
 * An executor with the VM's interface (`run`, `release`) that runs `fgraph`
 * with every check of DebugMode, comparing with `reference`, the same
 * function's graph before rewriting.
 */
export class DebugVM {
  private readonly steps: Step[];
  private readonly nSlots: number;
  private readonly inputSlots: number[];
  private readonly outputSlots: number[];
  private readonly constantSlots: [number, unknown][];
  private readonly referenceVM: VM;
  /** Positions of the graph inputs an in-place node overwrites. */
  private readonly destroyedInputs: ReadonlySet<number>;
  /** For graphs with lazy ops: the step computing each slot, and where the tail destroyers start. */
  private readonly producer: Int32Array | null;
  private readonly tailStart: number;

  constructor(
    private readonly fgraph: FunctionGraph,
    private readonly reference: FunctionGraph,
    private readonly options: DebugLinkOptions,
  ) {
    checkOutputTypes(fgraph, reference, options);
    const { slotOf, slot } = slotNumbering();
    this.inputSlots = fgraph.inputs.map(slot);
    const order = schedule(fgraph); // tail destroyers last, as the VM runs them
    this.steps = order.map((node, k) => {
      const unique = [...new Set(node.inputs)];
      const graph = new FunctionGraph(unique, node.outputs, { clone: false });
      const generated = generatesCode(options.linker) && runsGeneratedCode(node);
      return {
        node,
        position: k + 1,
        inputSlots: node.inputs.map(slot),
        outputSlots: node.outputs.map(slot),
        exec: link(options.linker, graph, null, options.context ?? null),
        execInputs: unique.map((v) => node.inputs.indexOf(v)),
        generated,
        destroyed: new Set(Object.values(node.op.destroyMap).flat()),
      };
    });
    this.outputSlots = fgraph.outputs.map(slot);
    this.constantSlots = [...slotOf].filter(([v]) => v.isConstant()).map(([v, s]) => [s, constantData(v)]);
    this.nSlots = slotOf.size;
    this.referenceVM = new VM(reference);
    this.producer = hasLazyOps(this.steps) ? producers(this.steps, this.nSlots) : null;
    this.tailStart = order.length - order.filter((n) => isTailDestroyer(fgraph, n)).length;
    this.destroyedInputs = new Set(
      order.flatMap((n) => Object.values(n.op.destroyMap).flat().map((i) => fgraph.inputs.indexOf(n.inputs[i]!))).filter((i) => i >= 0),
    );
  }

  /** Computes the outputs as the optimized graph does, checking each node and the results; see the module comment. */
  run(inputs: readonly unknown[]): unknown[] {
    this.release(inputs);
    // The reference gets copies: in-place nodes of the optimized graph may overwrite the inputs.
    const referenceInputs = inputs.map(copyValue);
    try {
      return this.runChecked(inputs, referenceInputs);
    } catch (e) {
      // A failed call leaves the inputs in-place nodes overwrote (shared values) as they were.
      inputs.forEach((v, i) => {
        const saved = referenceInputs[i];
        if (v instanceof NDArray && saved instanceof NDArray && v.isContiguous() && v.size === saved.size && this.destroyedInputs.has(i)) {
          v.data.set(saved.data.subarray(saved.offset, saved.offset + saved.size) as never, v.offset);
        }
      });
      throw e;
    }
  }

  private runChecked(inputs: readonly unknown[], referenceInputs: readonly unknown[]): unknown[] {
    const values = new Array<unknown>(this.nSlots);
    for (const [s, v] of this.constantSlots) values[s] = v;
    this.inputSlots.forEach((s, i) => (values[s] = inputs[i]));
    if (this.producer === null) {
      for (const step of this.steps) this.runStep(step, step.inputSlots.map((s) => values[s]), values);
    } else {
      // Lazy ops: only what the branches taken need runs, as in the VM; tail destroyers last.
      const tail = this.steps.slice(this.tailStart);
      const roots = [...this.outputSlots, ...tail.flatMap((step) => step.inputSlots)];
      runOnDemand(this.steps, this.producer, roots, values, this.tailStart, (k, args) => this.runStep(this.steps[k]!, args, values));
      for (const step of tail) this.runStep(step, step.inputSlots.map((s) => values[s]), values);
    }
    const results = this.outputSlots.map((s) => values[s]);
    this.compareWithReference(results, referenceInputs);
    return results;
  }

  /** Runs one node on `args` as the optimized graph does, checks it against its op's perform, and stores its outputs. */
  private runStep(step: Step, args: readonly unknown[], values: unknown[]): void {
    const profile = this.options.profile ?? null;
    const { node } = step;
    const before = args.map(copyValue);
    // An op that overwrites inputs gets its reference run on copies, before it destroys them.
    let expected = step.destroyed.size > 0 ? this.perform(step, args.map(copyValue)) : null;
    const start = profile ? performance.now() : 0;
    const got = step.exec.run(step.execInputs.map((i) => args[i]));
    if (profile) profile.recordNode(node, (performance.now() - start) / 1e3);
    this.checkUnchanged(step, args, before, step.generated ? 'its generated kernel' : 'perform');
    if (expected === null) {
      expected = this.perform(step, args);
      this.checkUnchanged(step, args, before, 'perform (second run)');
    }
    node.outputs.forEach((out, k) => {
      const value = got[k];
      if (!out.type.isValidValue(value)) {
        let why = '';
        try {
          out.type.filter(value, { strict: true });
        } catch (e) {
          why = `: ${(e as Error).message}`;
        }
        this.nodeFail(step, `output ${k} is ${describe(value)}, not a valid value of its type ${out.type}${why}`);
      }
      const diff = compareValues(value, expected[k], false);
      if (diff !== null) {
        const what = step.generated
          ? `the generated kernel and the op's reference perform disagree on output ${k}`
          : `perform gave different results for the same inputs on two runs (output ${k}); it must not depend on hidden state or on the output buffer it is handed`;
        this.nodeFail(step, `${what}: ${diff.describe(step.generated ? 'kernel' : 'first run', step.generated ? 'perform' : 'second run')}`);
      }
    });
    for (let k = 0; k < step.outputSlots.length; k++) values[step.outputSlots[k]!] = got[k];
  }

  /** Forgets kept buffers that share storage with `escaped` values, as `VM.release`. */
  release(escaped: readonly unknown[]): void {
    for (const step of this.steps) step.exec.release(escaped);
  }

  /** The op's reference `perform` on `args`, into fresh cells. */
  private perform(step: Step, args: readonly unknown[]): unknown[] {
    const cells: OutputCell[] = step.node.outputs.map(() => ({ value: undefined }));
    try {
      step.node.op.perform(step.node, args, cells);
    } catch (e) {
      this.nodeFail(step, `the op's reference perform failed where ${step.generated ? 'the generated kernel' : 'its first run'} succeeded: ${(e as Error).message ?? String(e)}`);
    }
    return cells.map((c) => c.value);
  }

  private checkUnchanged(step: Step, args: readonly unknown[], before: readonly unknown[], who: string): void {
    args.forEach((a, i) => {
      if (step.destroyed.has(i)) return;
      const diff = compareValues(a, before[i], false, true);
      if (diff !== null) {
        this.nodeFail(
          step,
          `${who} modified its input ${i} (${step.node.inputs[i]}), which the op does not declare in its destroyMap: ${diff.describe('after', 'before')}`,
        );
      }
    });
  }

  private nodeFail(step: Step, message: string): never {
    const { node } = step;
    throw new DebugModeError(
      `${this.options.functionName}: DebugMode: node ${step.position} of ${this.steps.length}, ${node.op}: ${message}\n` +
        `  node: ${node}\n  node built at ${node.trace}`,
    );
  }

  /** Runs the unoptimized graph and compares every output and update value with `results`. */
  private compareWithReference(results: readonly unknown[], referenceInputs: readonly unknown[]): void {
    const { functionName, nOutputs, updated } = this.options;
    let expected: unknown[];
    try {
      expected = this.referenceVM.run(referenceInputs);
    } catch (e) {
      throw new DebugModeError(
        `${functionName}: DebugMode: the graph before rewriting failed on these inputs, the rewritten graph did not ` +
          `(a rewrite dropped a computation or a check): ${(e as Error).message}\n  rewrite passes run: ${passes(this.options.rewrites)}`,
        { cause: e },
      );
    }
    results.forEach((value, i) => {
      const diff = compareValues(value, expected[i], true);
      if (diff === null) return;
      const label =
        i < nOutputs
          ? `output ${i}${this.reference.outputs[i]!.name !== null ? ` ('${this.reference.outputs[i]!.name}')` : ''}`
          : `the update of shared variable ${updated[i - nOutputs]?.name != null ? `'${updated[i - nOutputs]!.name}'` : `#${i - nOutputs}`}`;
      const owner = this.fgraph.outputs[i]!.owner;
      throw new DebugModeError(
        `${functionName}: DebugMode: ${label} differs between the rewritten graph and the graph before rewriting — ` +
          `a rewrite changed what it computes: ${diff.describe('rewritten', 'unrewritten')}\n` +
          `  rewrite passes run: ${passes(this.options.rewrites)} (find the culprit with Mode.withExcluding)\n` +
          (owner !== null ? `  computed by: ${owner}\n  node built at ${owner.trace}` : `  the rewritten graph returns ${this.fgraph.outputs[i]} directly`),
      );
    });
  }
}

/** The debug linker: `fgraph` (rewritten) checked against `reference` (the same graph before rewriting). */
export function debugLinker(fgraph: FunctionGraph, reference: FunctionGraph, options: DebugLinkOptions): DebugVM {
  return new DebugVM(fgraph, reference, options);
}

function passes(rewrites: readonly PassReport[]): string {
  if (rewrites.length === 0) return '(none)';
  return rewrites.map((r) => `${r.pass} (${r.changes} change${r.changes === 1 ? '' : 's'})`).join(', ');
}

/** Rewrites must keep every output's type (checked at compile time). */
function checkOutputTypes(fgraph: FunctionGraph, reference: FunctionGraph, options: DebugLinkOptions): void {
  fgraph.outputs.forEach((o, i) => {
    const original = reference.outputs[i]!;
    if (o.type.equals(original.type)) return;
    const label = i < options.nOutputs ? `output ${i}` : `the update of shared variable #${i - options.nOutputs}`;
    throw new DebugModeError(
      `${options.functionName}: DebugMode: rewriting changed the type of ${label} from ${original.type} to ${o.type}; ` +
        `rewrite passes run: ${passes(options.rewrites)}`,
    );
  });
}

const copyValue = (v: unknown): unknown => (v instanceof NDArray ? v.copy() : v);

function describe(value: unknown): string {
  if (value instanceof NDArray) return `a ${value.dtype} array of shape (${value.shape.join(', ')}${value.ndim === 1 ? ',' : ''})`;
  if (value === undefined) return 'nothing (the op left its output cell empty)';
  return `${typeof value} ${String(value)}`;
}

interface Difference {
  describe(gotLabel: string, expectedLabel: string): string;
}

const shapeText = (s: readonly number[]) => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;

/**
 * Null when `got` matches `expected`; otherwise what differs. `lenient`: a
 * finite value where `expected` is not finite counts as a match. `exact`:
 * every element must be identical (used for the input checks).
 */
function compareValues(got: unknown, expected: unknown, lenient: boolean, exact = false): Difference | null {
  if (!(got instanceof NDArray) || !(expected instanceof NDArray)) {
    if (got instanceof NDArray || expected instanceof NDArray) {
      return { describe: (g, e) => `${g}: ${describe(got)}, ${e}: ${describe(expected)}` };
    }
    if (Object.is(got, expected) || typeof got === 'object' || typeof expected === 'object') return null; // opaque values are not compared
    return { describe: (g, e) => `${g}: ${String(got)}, ${e}: ${String(expected)}` };
  }
  if (got.dtype !== expected.dtype) return { describe: (g, e) => `dtypes differ: ${g} ${got.dtype}, ${e} ${expected.dtype}` };
  if (got.ndim !== expected.ndim || got.shape.some((d, i) => d !== expected.shape[i])) {
    return { describe: (g, e) => `shapes differ: ${g} ${shapeText(got.shape)}, ${e} ${shapeText(expected.shape)}` };
  }
  const dtype: DType = got.dtype;
  const tol = exact || !isFloat(dtype) ? { rtol: 0, atol: 0 } : DEBUG_MODE_TOLERANCE[dtype as 'float32' | 'float64'] ?? DEBUG_MODE_TOLERANCE.float64;
  const a = got.flatData();
  const b = expected.flatData();
  let bad = 0;
  let worst = -1;
  let worstScore = -Infinity;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    if (x === y && (!exact || Object.is(x, y))) continue;
    if (x !== x && y !== y) continue; // NaN equals NaN
    if (lenient && !Number.isFinite(y) && Number.isFinite(x)) continue;
    let score: number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) score = Infinity;
    else {
      const d = Math.abs(x - y);
      const allowed = tol.atol + tol.rtol * Math.abs(y);
      if (d <= allowed && !exact) continue;
      score = allowed > 0 ? d / allowed : d;
    }
    bad++;
    if (score > worstScore) {
      worstScore = score;
      worst = k;
    }
  }
  if (bad === 0) return null;
  const index = unravel(worst, got.shape);
  const x = a[worst]!;
  const y = b[worst]!;
  const allowed = tol.atol + tol.rtol * Math.abs(y);
  return {
    describe: (g, e) =>
      `${bad} of ${a.length} element${a.length === 1 ? '' : 's'} differ (${dtype}); worst at [${index.join(', ')}]: ${g} ${String(x)}, ${e} ${String(y)}` +
      (Number.isFinite(x) && Number.isFinite(y) ? ` (|difference| ${short(Math.abs(x - y))}, allowed ${short(allowed)})` : ''),
  };
}

const short = (v: number): string => String(Number(v.toPrecision(3)));

function unravel(k: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length).fill(0);
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    const d = shape[ax]!;
    index[ax] = k % d;
    k = Math.floor(k / d);
  }
  return index;
}
