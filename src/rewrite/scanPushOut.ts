/**
 * Moving products out of scan loops (Theano's scan push-out rewrites). A
 * loop of n small products runs each one with the GEMM's register tiles
 * part empty and on one thread; one large product before or after the loop
 * keeps them full and splits over threads.
 *
 * - scanPushOutSeqDots: a product of a loop invariant with a value that
 *   depends only on the sequences (a sequence entry, or transposes and
 *   elementwise work on sequence entries) is, over all steps, one product
 *   computed before the loop: `dot(x[t], U)` for every t is `dot(xs, U)`
 *   with xs's first two axes merged. The loop reads its entries as a new
 *   sequence.
 * - scanPushOutAccumulatedDots: an accumulator `acc + dot(P[t], Q[t])` of
 *   which only the final value is read (a gradient summed over the steps)
 *   becomes one product after the loop, since Σ_t P[t]·Q[t] is
 *   [P[0] … P[n-1]]·[Q[0]; …; Q[n-1]]. P and Q come from the sequences, or
 *   the loop returns them as per-step outputs.
 * - scanForwardSequences: a per-step output that is a sequence entry as
 *   read is a slice of that sequence.
 *
 * Both leave loops stopped by `until` and loops running backwards alone
 * (their steps do not line up with the sequences' entries), and loops with
 * lazy ops, whose products may not run at every step.
 */
import { Apply } from '../graph/apply.js';
import { cloneGraph } from '../graph/clone.js';
import { FunctionGraph } from '../graph/fgraph.js';
import type { Variable } from '../graph/variable.js';
import { Scan, seqSpan, type ScanSpec } from '../scan/scanOp.js';
import { DimShuffle, dimshuffle } from '../tensor/dimshuffle.js';
import { Dot } from '../tensor/dot.js';
import { Elemwise } from '../tensor/elemwise.js';
import { add, mul } from '../tensor/math.js';
import { tensordot } from '../tensor/products.js';
import { reshape, specifyShape } from '../tensor/reshape.js';
import { shapeI } from '../tensor/shape.js';
import { at, slice } from '../tensor/subtensor.js';
import { TensorType } from '../tensor/type.js';
import { TensorVariable } from '../tensor/variable.js';
import { nodeRewriter, type GraphPass } from './rewriter.js';
import { lastEntryReaders, seqTapInputs, tapInputs } from './scan.js';

/** Whether the rewrites here may reorder a loop's work: every step runs, in sequence order, computing everything. */
function pushable(op: Scan): boolean {
  return !op.spec.until && !op.spec.goBackwards && [...op.inner.applyNodes].every((n) => n.op.neededInputs === undefined);
}

/**
 * Inner values of a scan seen from outside: loop invariants, and values
 * that depend only on the sequences, stacked over the steps along a new
 * first axis.
 */
class StepValues {
  private readonly taps = new Map<Variable, { seq: number; start: number }>();
  private readonly nonSeqs = new Map<Variable, Variable>();
  private readonly memo = new Map<Variable, TensorVariable | null>();

  constructor(private readonly node: Apply<Scan>) {
    const { spec, inner } = node.op;
    let p = 0;
    spec.seqTaps.forEach((taps, seq) => {
      const { before } = seqSpan(taps);
      for (const k of taps) this.taps.set(inner.inputs[p++]!, { seq, start: k + before });
    });
    const nTaps = tapInputs(spec);
    const outer = node.inputs.slice(node.inputs.length - spec.nNonSeqs);
    inner.inputs.slice(nTaps).forEach((v, k) => this.nonSeqs.set(v, outer[k]!));
  }

  /** The outer value of a loop invariant (a non-sequence or a constant), or null. */
  invariant(v: Variable): Variable | null {
    return v.isConstant() ? v : (this.nonSeqs.get(v) ?? null);
  }

  /** `v` at every step, stacked along a new first axis; null unless it depends on the sequences alone. */
  stacked(v: Variable): TensorVariable | null {
    let r = this.memo.get(v);
    if (r === undefined) {
      r = this.stack(v);
      this.memo.set(v, r);
    }
    return r;
  }

  private stack(v: Variable): TensorVariable | null {
    const tap = this.taps.get(v);
    if (tap !== undefined) {
      // Step t reads entry t + start: all n steps read entries start .. start + n - 1. (A sequence too
      // short for the loop gives a shorter slice; the loop itself, still reading the sequence, reports it.)
      const seq = this.node.inputs[1 + tap.seq] as TensorVariable;
      const n = this.node.inputs[0] as TensorVariable;
      return at(seq, slice(tap.start, tap.start === 0 ? n : add(n, tap.start)));
    }
    const owner = v.owner;
    if (owner === null || !(v instanceof TensorVariable)) return null;
    if (owner.op instanceof DimShuffle) {
      const x = this.stacked(owner.inputs[0]!);
      return x === null ? null : dimshuffle(x, [0, ...owner.op.pattern.map((d) => (d === 'x' ? 'x' : d + 1))]);
    }
    if (owner.op instanceof Elemwise && owner.op.inplace === null) {
      const stacked = owner.inputs.map((i) => this.stacked(i));
      if (stacked.every((s) => s === null)) return null;
      const inputs: Variable[] = [];
      for (let k = 0; k < owner.inputs.length; k++) {
        const s = stacked[k];
        if (s === null || s === undefined) {
          // An invariant broadcasts over the steps (Elemwise pads it on the left).
          const w = this.invariant(owner.inputs[k]!);
          if (w === null) return null;
          inputs.push(w);
        } else {
          // A stacked input of lower rank gets its missing axes after the steps' axis.
          const missing = v.ndim + 1 - s.ndim;
          inputs.push(missing === 0 ? s : dimshuffle(s, [0, ...new Array<'x'>(missing).fill('x'), ...Array.from({ length: s.ndim - 1 }, (_, a) => a + 1)]));
        }
      }
      return owner.op.makeNode(...inputs).outputs[0] as TensorVariable;
    }
    return null;
  }
}

/** Over all steps, `dot(a[t], b)` or `dot(a, b[t])` when one operand is stacked and the other invariant. */
function stackedDot(values: StepValues, a: Variable, b: Variable): TensorVariable | null {
  const [sa, sb] = [values.stacked(a), values.stacked(b)];
  const [ia, ib] = [values.invariant(a), values.invariant(b)];
  if (sa !== null && ib !== null) {
    const w = ib as TensorVariable;
    return tensordot(sa, w, [[sa.ndim - 1], [0]]);
  }
  if (ia !== null && sb !== null) {
    // a's free axis (if any) comes first in the product; the steps' axis goes in front.
    const w = ia as TensorVariable;
    const r = tensordot(w, sb, [[w.ndim - 1], [1]]);
    return w.ndim === 1 ? r : dimshuffle(r, [1, 0, ...Array.from({ length: r.ndim - 2 }, (_, k) => k + 2)]);
  }
  return null;
}

export const scanPushOutSeqDots = nodeRewriter('scanPushOutSeqDots', (node) => {
  if (!(node.op instanceof Scan) || !pushable(node.op)) return null;
  const scanNode = node as Apply<Scan>;
  const { inner, spec } = scanNode.op;
  const values = new StepValues(scanNode);
  const moved: { inner: Variable; outer: TensorVariable }[] = [];
  for (const n of inner.toposort()) {
    if (!(n.op instanceof Dot)) continue;
    const outer = stackedDot(values, n.inputs[0]!, n.inputs[1]!);
    if (outer !== null) moved.push({ inner: n.outputs[0]!, outer });
  }
  if (moved.length === 0) return null;
  // Each moved product enters the body as a new sequence, read at tap 0.
  const entries = moved.map(({ inner: v }) => v.type.makeVariable(v.name));
  const body = cloneGraph(inner.outputs, { replace: new Map(moved.map(({ inner: v }, k) => [v, entries[k]!])) }).outputs;
  const nSeqTaps = seqTapInputs(spec);
  const inputs = [...inner.inputs.slice(0, nSeqTaps), ...entries, ...inner.inputs.slice(nSeqTaps)];
  const newSpec: ScanSpec = { ...spec, seqTaps: [...spec.seqTaps, ...moved.map(() => [0])] };
  const nSeqs = spec.seqTaps.length;
  const replacement = new Apply(
    new Scan(new FunctionGraph(inputs, body), newSpec),
    [...node.inputs.slice(0, 1 + nSeqs), ...moved.map((m) => m.outer), ...node.inputs.slice(1 + nSeqs)],
    node.outputs.map((o) => o.type),
    node.trace,
  );
  return replacement.outputs;
});

/**
 * Per-step outputs that are a sequence's entries as read (what a map whose
 * product moved out of it is left returning) are the sequence itself: a
 * slice of it replaces them, and the loop drops them (scanPruneOutputs) or
 * disappears when nothing else of it is read.
 */
export const scanForwardSequences = nodeRewriter('scanForwardSequences', (node) => {
  if (!(node.op instanceof Scan) || !pushable(node.op)) return null;
  const scanNode = node as Apply<Scan>;
  const { spec } = scanNode.op;
  const nRec = spec.outputTaps.length;
  const values = new StepValues(scanNode);
  let changed = false;
  const replacements = node.outputs.map((o, k) => {
    if (k < nRec || k >= nRec + spec.nPerStep) return null;
    const v = scanNode.op.innerOutput('perStep', k - nRec);
    const stacked = v.owner === null ? values.stacked(v) : null;
    if (stacked === null) return null;
    // The loop may go away: the slice itself must have n entries, or a too short sequence would pass unnoticed.
    const s = specifyShape(stacked, [node.inputs[0] as TensorVariable, ...stacked.type.shape.slice(1).map(() => null)]);
    if (!s.type.equals(o.type)) return null;
    changed = true;
    return s;
  });
  return changed ? replacements : null;
});

/** The inner values that change from step to step: those computed from a sequence or recurrent tap. */
function stepDependent(op: Scan): Set<Variable> {
  const dependent = new Set<Variable>(op.inner.inputs.slice(0, tapInputs(op.spec)));
  for (const n of op.inner.toposort()) if (n.inputs.some((i) => dependent.has(i))) for (const o of n.outputs) dependent.add(o);
  return dependent;
}

/** Recurrent output j's update, when it is `acc + dot(P, Q)` with acc its previous value read nowhere else. */
function accumulatedDot(op: Scan, j: number): { acc: Variable; p: Variable; q: Variable } | null {
  const { spec, inner } = op;
  if (spec.outputTaps[j]!.length !== 1 || spec.outputTaps[j]![0] !== -1) return null;
  const nSeqTaps = seqTapInputs(spec);
  const acc = inner.inputs[nSeqTaps + spec.outputTaps.slice(0, j).reduce((s, t) => s + t.length, 0)]!;
  const update = op.innerOutput('recurrent', j);
  const sum = update.owner;
  if (sum === null || !(sum.op instanceof Elemwise) || sum.op.scalarOp.name !== 'add' || sum.inputs.length !== 2) return null;
  const accAt = sum.inputs.indexOf(acc);
  const term = sum.inputs[1 - accAt];
  if (accAt < 0 || term === undefined || term === acc || term.owner === null || !(term.owner.op instanceof Dot)) return null;
  const uses = inner.clients(acc);
  if (uses.length !== 1 || uses[0]!.node !== sum) return null;
  const dtype = (acc.type as TensorType).dtype;
  if ((update.type as TensorType).dtype !== dtype || (term.type as TensorType).dtype !== dtype) return null;
  return { acc, p: term.owner.inputs[0]!, q: term.owner.inputs[1]! };
}

/** A 2-d transpose's input, or null. */
function transposed(v: Variable): Variable | null {
  const o = v.owner;
  return o !== null && o.op instanceof DimShuffle && o.op.inputNdim === 2 && o.op.pattern.length === 2 && o.op.pattern[0] === 1 && o.op.pattern[1] === 0
    ? o.inputs[0]!
    : null;
}

/**
 * Replaces one accumulator of `node` by a product after the loop; returns
 * whether it did. The loop loses that recurrent output and returns the
 * products' operands it cannot take from the sequences as per-step outputs.
 */
function pushOutOneAccumulator(fgraph: FunctionGraph, node: Apply<Scan>): boolean {
  const op = node.op;
  const { spec, inner } = op;
  const nSeqs = spec.seqTaps.length;
  const nRec = spec.outputTaps.length;
  const dependent = stepDependent(op);
  for (let j = 0; j < nRec; j++) {
    const found = accumulatedDot(op, j);
    if (found === null || !dependent.has(found.p) || !dependent.has(found.q)) continue;
    const readers = lastEntryReaders(fgraph, node, j, 1);
    if (readers === null) continue;
    const values = new StepValues(node);
    // Operands that do not come from the sequences alone become per-step outputs, stacked by the new loop.
    const perStep: Variable[] = [];
    const slots = new Map<Variable, number>();
    const outerOf = (v: Variable): (() => TensorVariable) => {
      const s = values.stacked(v);
      if (s !== null) return () => s;
      // A value the loop already returns at every step is read from there.
      const returned = inner.outputs.indexOf(v, nRec);
      if (returned >= 0 && returned < nRec + spec.nPerStep) return () => made.outputs[returned - 1] as TensorVariable;
      if (!slots.has(v)) slots.set(v, perStep.push(v) - 1);
      const slot = slots.get(v)!;
      return () => made.outputs[nRec - 1 + spec.nPerStep + slot] as TensorVariable;
    };
    const x = transposed(found.p);
    const pOuter = outerOf(x ?? found.p);
    const qOuter = outerOf(found.q);
    // The loop without output j, with the new per-step outputs.
    const keep = (_: unknown, k: number) => k !== j;
    const accIndex = inner.inputs.indexOf(found.acc);
    const newInner = new FunctionGraph(
      inner.inputs.filter((_, k) => k !== accIndex),
      [...inner.outputs.slice(0, nRec).filter(keep), ...inner.outputs.slice(nRec, nRec + spec.nPerStep), ...perStep],
    );
    const newSpec: ScanSpec = { ...spec, outputTaps: spec.outputTaps.filter(keep), keepTrace: spec.keepTrace.filter(keep), nPerStep: spec.nPerStep + perStep.length };
    const types = [
      ...node.outputs.filter(keep).map((o) => o.type),
      ...perStep.map((v) => new TensorType((v.type as TensorType).dtype, [null, ...(v.type as TensorType).shape])),
    ];
    const made = new Apply(new Scan(newInner, newSpec), node.inputs.filter((_, k) => k !== 1 + nSeqs + j), types, node.trace);
    const [P, Q] = [pOuter(), qOuter()];
    let sum: TensorVariable;
    if (x !== null) {
      // Σ_t X[t]ᵀ·Q[t]: X's steps and rows as one long axis, transposed.
      const rows = mul(shapeI(P, 0), shapeI(P, 1));
      const flatQ = reshape(Q, Q.ndim === 3 ? [rows, shapeI(Q, 2)] : [rows]);
      sum = new Dot().makeNode(dimshuffle(reshape(P, [rows, shapeI(P, 2)]), [1, 0]), flatQ).outputs[0] as TensorVariable;
    } else {
      sum = tensordot(P, Q, [[0, P.ndim - 1], [0, 1]]);
    }
    const init = at(node.inputs[1 + nSeqs + j] as TensorVariable, -1);
    // The sum may know static lengths the loop's output did not: it refines the readers' type.
    const total = add(init, sum);
    if (readers.some(({ reader }) => !reader.outputs[0]!.type.isSuper(total.type))) continue;
    for (const { reader } of readers) fgraph.replace(reader.outputs[0]!, total, 'scanPushOutAccumulatedDots', { refine: true });
    let p = 0;
    node.outputs.forEach((o, k) => {
      if (k === j) return;
      const r = made.outputs[p++]!;
      if (fgraph.clients(o).length > 0) fgraph.replace(o, r, 'scanPushOutAccumulatedDots');
    });
    return true;
  }
  return false;
}

export const scanPushOutAccumulatedDots: GraphPass = {
  name: 'scanPushOutAccumulatedDots',
  apply(fgraph: FunctionGraph): number {
    let changed = 0;
    let again = true;
    while (again) {
      again = false;
      for (const node of fgraph.toposort()) {
        if (!(node.op instanceof Scan) || !fgraph.applyNodes.has(node) || !pushable(node.op)) continue;
        if (pushOutOneAccumulator(fgraph, node as Apply<Scan>)) {
          changed++;
          again = true;
          break;
        }
      }
    }
    return changed;
  },
};
