/**
 * Scan: a loop whose body is an inner FunctionGraph (Theano's Scan op; the
 * user-facing `scan()` that builds it is in scan.ts).
 *
 * Each step t reads, in this order, the inner graph's inputs:
 *   - for each sequence, for each of its taps k: element t + k - min(0, min taps)
 *     of the sequence (of the reversed sequence with `goBackwards`);
 *   - for each recurrent output, for each of its (negative) taps -d: its value
 *     d steps back (the initial values before step 0);
 *   - the non-sequences, unchanged.
 * and computes: each recurrent output's new value, each per-step output
 * (not fed back), and — with `until` — a scalar that stops the loop after
 * the step where it is nonzero. (Shared variables the body updates are
 * recurrent outputs with tap -1, whose last value is the update.)
 *
 * Outer node: inputs [nSteps, ...sequences, ...initial buffers (one per
 * recurrent output: its D = max delay values, oldest first), ...non-
 * sequences]; outputs [...recurrent traces (D + n entries: the initial
 * values, then each step's — or only the last D when the trace is not
 * kept), ...per-step outputs (n entries)].
 *
 * `perform` runs the inner graph as written with the reference VM (the
 * oracle); under a compiled function `makeThunk` runs it compiled once, at
 * link time, with the function's mode (or the scan's own).
 */
import { Apply } from '../graph/apply.js';
import type { FunctionGraph } from '../graph/fgraph.js';
import type { InputGradient } from '../graph/gradientTerms.js';
import { Op, type LinkContext, type NodeThunk, type OutputCell } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { VM } from '../link/vm.js';
import { NDArray, sameShape, shapeSize, shapeToString, viewOf } from '../ndarray/ndarray.js';
import { ScratchArrays } from '../wasm/arrays.js';
import { nodeError, reuseOrAllocate } from '../tensor/runtime.js';
import { TensorType } from '../tensor/type.js';
import { TensorVariable } from '../tensor/variable.js';
import { scanGrad } from './scanGrad.js';

/** What a Scan node loops over; see the module comment for the order of everything. */
export interface ScanSpec {
  /** Taps of each sequence: offsets from the current step (0: this step's element). */
  readonly seqTaps: readonly (readonly number[])[];
  /** Taps of each recurrent output: negative offsets (-1: the previous step). */
  readonly outputTaps: readonly (readonly number[])[];
  /**
   * Whether each recurrent output's whole trace is returned (D + n entries),
   * or only its last D values (memory for D + 1 entries, however many steps).
   */
  readonly keepTrace: readonly boolean[];
  /** Outputs computed at every step and not fed back. */
  readonly nPerStep: number;
  readonly nNonSeqs: number;
  /** Whether the body's last output is a stop condition (`th.until`). */
  readonly until: boolean;
  readonly goBackwards: boolean;
  /** Steps the gradient flows back through (-1: all). */
  readonly truncateGradient: number;
  readonly name: string | null;
  /** The inner graph's compile mode (null: the function's). */
  readonly mode: unknown;
  /**
   * Where the body's profile goes when the loop was made with `profile: true`
   * (null: no profile). Rewrites copy the spec, so a loop they remake reports
   * to the same place.
   */
  readonly profile: { stats: unknown } | null;
  /** Drop the body's buffers after each loop (less memory between calls) or keep them for the next (faster). */
  readonly allowGc: boolean;
}

/** The largest delay of each recurrent output: how many initial values it needs. */
export function delays(spec: ScanSpec): number[] {
  return spec.outputTaps.map((taps) => -Math.min(...taps));
}

/** How far each sequence's taps reach before and after the current element. */
export function seqSpan(taps: readonly number[]): { before: number; after: number } {
  return { before: -Math.min(0, ...taps), after: Math.max(0, ...taps) };
}

let nextScanId = 0;

/** A view of entry `i` along axis 0. */
function row(a: NDArray, i: number): NDArray {
  return rowsOf(a)(i);
}

/** A maker of `row(a, i)` for one array, its entry shape and strides computed once (and shared, frozen, by every row). */
function rowsOf(a: NDArray): (i: number) => NDArray {
  const shape = Object.freeze(a.shape.slice(1)) as number[];
  const strides = Object.freeze(a.strides.slice(1)) as number[];
  const { data, dtype, offset } = a;
  const step = a.strides[0]!;
  return (i) => viewOf(data, dtype, shape, strides, offset + i * step);
}

/** Copies `src` into contiguous storage `dst` from element `at`. */
function copyInto(dst: NDArray, at: number, src: NDArray): void {
  src.copyTo(dst.data.subarray(at));
}

/** The first `count` entries along axis 0, as a view. */
function leading(a: NDArray, count: number): NDArray {
  return count === a.shape[0] ? a : viewOf(a.data, a.dtype, [count, ...a.shape.slice(1)], [...a.strides], a.offset);
}

export class Scan extends Op {
  override readonly props = ['scanId'];
  /** Each loop is its own op: two scans are equal only if they are the same loop. */
  readonly scanId = nextScanId++;
  readonly inner: FunctionGraph;
  readonly spec: ScanSpec;
  private reference: VM | null = null;
  /** The body's profile when the scan was made with `profile: true` (set when a function using it, or a rewritten copy of it, is compiled). */
  get profile(): unknown {
    return this.spec.profile?.stats ?? null;
  }

  constructor(inner: FunctionGraph, spec: ScanSpec) {
    super();
    const nIn = spec.seqTaps.reduce((s, t) => s + t.length, 0) + spec.outputTaps.reduce((s, t) => s + t.length, 0) + spec.nNonSeqs;
    const nOut = spec.outputTaps.length + spec.nPerStep + (spec.until ? 1 : 0);
    if (spec.keepTrace.length !== spec.outputTaps.length) throw new TypeError('Scan: keepTrace needs one entry per recurrent output');
    if (spec.outputTaps.some((taps) => taps.length === 0 || taps.some((d) => !Number.isInteger(d) || d >= 0))) {
      throw new TypeError('Scan: the taps of a recurrent output are negative integers (-1: the previous step)');
    }
    if (inner.inputs.length !== nIn || inner.outputs.length !== nOut) {
      throw new TypeError(`Scan: the inner graph has ${inner.inputs.length} inputs and ${inner.outputs.length} outputs; its spec says ${nIn} and ${nOut}`);
    }
    this.inner = inner;
    this.spec = spec;
  }

  override toString(): string {
    return `Scan{${this.spec.name ?? this.scanId}}`;
  }

  /** The inner output computing recurrent output j, per-step output j, or the stop condition. */
  innerOutput(kind: 'recurrent' | 'perStep' | 'until', j = 0): Variable {
    const nRec = this.spec.outputTaps.length;
    const at = { recurrent: j, perStep: nRec + j, until: nRec + this.spec.nPerStep }[kind];
    return this.inner.outputs[at]!;
  }

  override makeNode(nSteps: Variable, ...rest: Variable[]): Apply<this> {
    const s = this.spec;
    const nRec = s.outputTaps.length;
    const expected = s.seqTaps.length + nRec + s.nNonSeqs;
    if (rest.length !== expected) throw new TypeError(`${this} takes the step count and ${expected} inputs, got ${rest.length}`);
    if (!(nSteps instanceof TensorVariable) || nSteps.ndim !== 0 || !/int/.test(nSteps.dtype)) {
      throw new TypeError(`${this}: the number of steps must be an integer scalar, got ${nSteps} (${nSteps.type})`);
    }
    const ds = delays(s);
    const inits = rest.slice(s.seqTaps.length, s.seqTaps.length + nRec);
    const types: TensorType[] = inits.map((init, j) => {
      const t = init.type as TensorType;
      return new TensorType(t.dtype, [s.keepTrace[j] ? null : ds[j]!, ...t.shape.slice(1)]);
    });
    for (let j = 0; j < s.nPerStep; j++) {
      const t = this.innerOutput('perStep', j).type as TensorType;
      types.push(new TensorType(t.dtype, [null, ...t.shape]));
    }
    return new Apply(this, [nSteps, ...rest], types);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    this.reference ??= new VM(this.inner);
    const vm = this.reference;
    this.loop(node, inputs, outputs, (args) => vm.run(args));
  }

  override makeThunk(node: Apply, context: LinkContext): NodeThunk {
    const s = this.spec;
    const inner = context.compileInner(this.inner, { mode: s.mode ?? undefined, profile: s.profile !== null, name: `${this} inner graph` });
    if (s.profile !== null) s.profile.stats = inner.profile;
    return (inputs, outputs) => {
      try {
        this.loop(node, inputs, outputs, (args) => inner.run(args));
      } finally {
        if (s.allowGc) inner.dropBuffers();
      }
    };
  }

  override grad(node: Apply, outputGradients: readonly Variable[]): InputGradient[] {
    return scanGrad(this, node, outputGradients);
  }

  /** The loop itself, running the body with `run`. */
  private loop(node: Apply, inputs: readonly unknown[], outputs: OutputCell[], run: (args: unknown[]) => unknown[]): void {
    const scratch = new ScratchArrays();
    try {
      this.runLoop(node, inputs, outputs, run, scratch);
    } finally {
      scratch.release();
    }
  }

  private runLoop(node: Apply, inputs: readonly unknown[], outputs: OutputCell[], run: (args: unknown[]) => unknown[], scratch: ScratchArrays): void {
    const s = this.spec;
    const nSeqs = s.seqTaps.length;
    const nRec = s.outputTaps.length;
    const count = inputs[0] as NDArray;
    const n = Number(count.data[count.offset]);
    if (!Number.isInteger(n) || n < 0) throw nodeError(node, `the number of steps must be a non-negative integer, got ${n}`);
    const seqs = inputs.slice(1, 1 + nSeqs) as NDArray[];
    const inits = inputs.slice(1 + nSeqs, 1 + nSeqs + nRec) as NDArray[];
    const nonSeqs = inputs.slice(1 + nSeqs + nRec);

    const spans = s.seqTaps.map(seqSpan);
    seqs.forEach((seq, i) => {
      const length = seq.shape[0] ?? 0;
      const need = n + spans[i]!.before + spans[i]!.after;
      if (seq.ndim === 0 || length < need) {
        throw nodeError(node, `sequence ${i} has ${length} entries, but ${n} steps with taps [${s.seqTaps[i]!.join(', ')}] need ${need}`);
      }
    });
    const ds = delays(s);
    // Recurrent values by absolute position p (the initial values at 0 .. D-1, step t's at D + t): a
    // whole trace, or a ring of D + 1 entries when only the last D are returned.
    const rows = inits.map((_, j) => (s.keepTrace[j] ? ds[j]! + n : ds[j]! + 1));
    const slot = (j: number, p: number) => (s.keepTrace[j] ? p : p % rows[j]!);
    const buffers = inits.map((init, j) => {
      const d = ds[j]!;
      if (init.ndim === 0 || init.shape[0]! < d) {
        throw nodeError(node, `the initial value of output ${j} has ${init.shape[0] ?? 0} entries along its first axis; taps [${s.outputTaps[j]!.join(', ')}] need ${d}`);
      }
      // The previous call's trace when the VM hands it back (same shape): no new memory per call.
      // A ring lives in scratch memory, released when the loop ends.
      const shape = [rows[j]!, ...init.shape.slice(1)];
      const buffer = s.keepTrace[j] ? reuseOrAllocate(outputs[j]!, init.dtype, shape) : new NDArray(scratch.alloc(init.dtype, shapeSize(shape)), init.dtype, shape);
      for (let k = 0; k < d; k++) copyInto(buffer, k * buffer.strides[0]!, row(init, k));
      return buffer;
    });
    const perStep: (NDArray | null)[] = new Array(s.nPerStep).fill(null);
    let steps = n;
    const args: unknown[] = [];
    const seqRows = seqs.map(rowsOf);
    const bufferRows = buffers.map(rowsOf);
    const entryShapes = buffers.map((b) => b.shape.slice(1));
    for (let t = 0; t < n; t++) {
      args.length = 0;
      for (let i = 0; i < nSeqs; i++) {
        const seq = seqs[i]!;
        for (const k of s.seqTaps[i]!) {
          const at = t + k + spans[i]!.before;
          args.push(seqRows[i]!(s.goBackwards ? seq.shape[0]! - 1 - at : at));
        }
      }
      for (let j = 0; j < nRec; j++) {
        for (const tap of s.outputTaps[j]!) args.push(bufferRows[j]!(slot(j, ds[j]! + t + tap)));
      }
      for (const v of nonSeqs) args.push(v);
      const outs = run(args) as NDArray[];
      buffers.forEach((buffer, j) => {
        const v = outs[j]!;
        if (!sameShape(v.shape, entryShapes[j]!)) {
          throw nodeError(node, `step ${t}: recurrent output ${j} has shape ${shapeToString(v.shape)}, but its initial value has shape ${shapeToString(entryShapes[j]!)}; every step must keep a recurrent output's shape`);
        }
        copyInto(buffer, slot(j, ds[j]! + t) * buffer.strides[0]!, v);
      });
      for (let j = 0; j < s.nPerStep; j++) {
        const v = outs[nRec + j]!;
        let out = perStep[j];
        if (out === null || out === undefined) {
          out = reuseOrAllocate(outputs[nRec + j]!, v.dtype, [n, ...v.shape]);
          perStep[j] = out;
        } else if (!sameShape(v.shape, out.shape.slice(1))) {
          throw nodeError(node, `step ${t}: output ${nRec + j} has shape ${shapeToString(v.shape)}, earlier steps ${shapeToString(out.shape.slice(1))}; every step must give an output one shape`);
        }
        copyInto(out, t * out.strides[0]!, v);
      }
      if (s.until) {
        const stop = outs[outs.length - 1]!;
        if (stop.data[stop.offset] !== 0) {
          steps = t + 1;
          break;
        }
      }
    }
    buffers.forEach((buffer, j) => {
      const d = ds[j]!;
      if (s.keepTrace[j]) {
        outputs[j]!.value = leading(buffer, d + steps);
        return;
      }
      // The last D values, oldest first, out of the ring.
      const last = reuseOrAllocate(outputs[j]!, buffer.dtype, [d, ...buffer.shape.slice(1)]);
      for (let k = 0; k < d; k++) copyInto(last, k * last.strides[0]!, row(buffer, slot(j, steps + k)));
      outputs[j]!.value = last;
    });
    for (let j = 0; j < s.nPerStep; j++) {
      const type = node.outputs[nRec + j]!.type as TensorType;
      // With no steps an output's entry shape is only known statically; unknown lengths count as 0.
      const out = perStep[j] ?? NDArray.empty(type.dtype, [0, ...type.shape.slice(1).map((d) => d ?? 0)]);
      outputs[nRec + j]!.value = leading(out, steps);
    }
  }
}
