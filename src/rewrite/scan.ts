/**
 * Rewrites of scan loops:
 *
 * - scanHoistInvariants: work in the body that depends only on the
 *   non-sequences (and constants) gives the same value at every step; it is
 *   computed once, before the loop, and enters the body as a new
 *   non-sequence (`W.T`, `dot(W, V)`, a scaled constant...).
 * - scanPruneOutputs: per-step outputs nothing reads are not computed (a
 *   gradient scan computes the gradient of every input, including the
 *   sequences nobody asked about).
 * - scanKeepLast: a recurrent output read only at its last entries
 *   (`result.at(-1)`, or a reduce, or the final values of a gradient's
 *   accumulators) keeps a ring of D + 1 values instead of the whole trace,
 *   so memory no longer grows with the number of steps. (Reading `x[-k]`
 *   from the window also answers when the loop ran fewer than k steps, where
 *   the whole trace without its initial values would have been too short.)
 */
import { Apply } from '../graph/apply.js';
import { FunctionGraph } from '../graph/fgraph.js';
import { cloneGraph } from '../graph/clone.js';
import type { Variable } from '../graph/variable.js';
import { Scan, delays, type ScanSpec } from '../scan/scanOp.js';
import { Subtensor, type IndexEntry } from '../tensor/subtensor.js';
import { nodeRewriter, type GraphPass } from './rewriter.js';

/** The number of inner inputs that are sequence taps (the recurrent taps follow). */
export function seqTapInputs(spec: ScanSpec): number {
  return spec.seqTaps.reduce((n, t) => n + t.length, 0);
}

/** The number of inner inputs that are sequence and recurrent taps (the non-sequences follow). */
export function tapInputs(spec: ScanSpec): number {
  return seqTapInputs(spec) + spec.outputTaps.reduce((n, t) => n + t.length, 0);
}

export const scanHoistInvariants = nodeRewriter('scanHoistInvariants', (node) => {
  if (!(node.op instanceof Scan)) return null;
  const op = node.op;
  const inner = op.inner;
  const nTaps = tapInputs(op.spec);
  const nonSeqInner = inner.inputs.slice(nTaps);
  const invariant = new Set<Variable>(nonSeqInner);
  const order = inner.toposort();
  for (const n of order) {
    if (n.inputs.every((i) => invariant.has(i) || i.isConstant()) && !(n.op.neededInputs !== undefined)) for (const o of n.outputs) invariant.add(o);
  }
  // The invariant values the rest of the body (or its outputs) reads: computed outside from now on.
  const frontier = new Set<Variable>();
  for (const n of order) {
    if (n.outputs.every((o) => invariant.has(o))) continue;
    for (const i of n.inputs) if (invariant.has(i) && i.owner !== null) frontier.add(i);
  }
  for (const o of inner.outputs) if (invariant.has(o) && o.owner !== null) frontier.add(o);
  if (frontier.size === 0) return null;
  const hoisted = [...frontier];
  // Outside: the same computation on the outer non-sequences.
  const outerNonSeqs = node.inputs.slice(node.inputs.length - nonSeqInner.length);
  const outside = cloneGraph(hoisted, { replace: new Map(nonSeqInner.map((v, k) => [v, outerNonSeqs[k]!])) }).outputs;
  // Inside: a new non-sequence input in the place of each hoisted value.
  const placeholders = hoisted.map((v) => v.type.makeVariable(v.name));
  const body = cloneGraph(inner.outputs, { replace: new Map(hoisted.map((v, k) => [v, placeholders[k]!])) }).outputs;
  const stillUsed = new Set(new FunctionGraph(inner.inputs, body, { clone: false }).variables);
  // Non-sequences the body no longer reads are dropped from the loop.
  const keep = nonSeqInner.map((v) => stillUsed.has(v));
  const newInner = new FunctionGraph([...inner.inputs.slice(0, nTaps), ...nonSeqInner.filter((_, k) => keep[k]), ...placeholders], body);
  const spec: ScanSpec = { ...op.spec, nNonSeqs: keep.filter(Boolean).length + placeholders.length };
  const scan = new Scan(newInner, spec);
  const replacement = new Apply(
    scan,
    [...node.inputs.slice(0, node.inputs.length - nonSeqInner.length), ...outerNonSeqs.filter((_, k) => keep[k]), ...outside],
    node.outputs.map((o) => o.type),
    node.trace,
  );
  return replacement.outputs;
});

/** The constant integer k when `entries` read entry `k` of the first axis and nothing else. */
function singleIndex(entries: readonly IndexEntry[]): number | null {
  if (entries.length !== 1) return null;
  const e = entries[0]!;
  return e.kind === 'int' && typeof e.value === 'number' ? e.value : null;
}

/** The constant start when `entries` are `start:` on the first axis. */
function dropLeading(entries: readonly IndexEntry[]): number | null {
  if (entries.length !== 1) return null;
  const e = entries[0]!;
  return e.kind === 'slice' && typeof e.start === 'number' && e.start >= 0 && e.stop === null && e.step === null ? e.start : null;
}

/** Recurrent outputs of `node` whose every reader takes one of the last D entries, directly or after dropping the initial values. */
export function lastEntryReaders(fgraph: FunctionGraph, node: Apply, j: number, d: number): { reader: Apply; k: number }[] | null {
  const found: { reader: Apply; k: number }[] = [];
  const visit = (v: Variable, dropped: boolean): boolean =>
    fgraph.clients(v).every((c) => {
      if (c.node === 'output' || !(c.node.op instanceof Subtensor) || c.index !== 0) return false;
      const k = singleIndex(c.node.op.entries);
      if (k !== null) {
        if (k >= 0 || -k > d) return false;
        found.push({ reader: c.node, k });
        return true;
      }
      return !dropped && dropLeading(c.node.op.entries) === d && visit(c.node.outputs[0]!, true);
    });
  return visit(node.outputs[j]!, false) ? found : null; // no reader at all: nothing needs the trace either
}

export const scanKeepLast: GraphPass = {
  name: 'scanKeepLast',
  apply(fgraph: FunctionGraph): number {
    let changed = 0;
    for (const node of fgraph.toposort()) {
      if (!(node.op instanceof Scan) || !fgraph.applyNodes.has(node)) continue;
      const op = node.op;
      const ds = delays(op.spec);
      const readers = op.spec.keepTrace.map((kept, j) => (kept ? lastEntryReaders(fgraph, node, j, ds[j]!) : null));
      if (readers.every((r) => r === null)) continue;
      const spec: ScanSpec = { ...op.spec, keepTrace: op.spec.keepTrace.map((kept, j) => kept && readers[j] === null) };
      // Same inputs; outputs whose trace is dropped become windows of their last D values.
      const made = new Scan(op.inner, spec).makeNode(node.inputs[0]!, ...node.inputs.slice(1));
      const replacement = new Apply(made.op, node.inputs, made.outputs.map((o) => o.type), node.trace);
      node.outputs.forEach((o, j) => {
        const rs = readers[j];
        if (rs === null || rs === undefined) {
          if (fgraph.clients(o).length > 0) fgraph.replace(o, replacement.outputs[j]!, 'scanKeepLast');
          return;
        }
        for (const { reader, k } of rs) {
          const read = new Subtensor([{ kind: 'int', value: k }]).makeNode(replacement.outputs[j]!).outputs[0]!;
          fgraph.replace(reader.outputs[0]!, read, 'scanKeepLast');
        }
      });
      changed++;
    }
    return changed;
  },
};


export const scanPruneOutputs: GraphPass = {
  name: 'scanPruneOutputs',
  apply(fgraph: FunctionGraph): number {
    let changed = 0;
    for (const node of fgraph.toposort()) {
      if (!(node.op instanceof Scan) || !fgraph.applyNodes.has(node)) continue;
      const op = node.op;
      const nRec = op.spec.outputTaps.length;
      const used = node.outputs.slice(nRec).map((o) => fgraph.clients(o).length > 0);
      if (used.every(Boolean)) continue;
      const inner = op.inner;
      const keptOutputs = inner.outputs.filter((_, k) => k < nRec || k >= nRec + op.spec.nPerStep || used[k - nRec]);
      const spec: ScanSpec = { ...op.spec, nPerStep: used.filter(Boolean).length };
      const replacement = new Scan(new FunctionGraph(inner.inputs, keptOutputs), spec).makeNode(node.inputs[0]!, ...node.inputs.slice(1));
      let p = nRec;
      node.outputs.forEach((o, k) => {
        if (k >= nRec && !used[k - nRec]) return;
        const r = replacement.outputs[k < nRec ? k : p++]!;
        fgraph.replace(o, r, 'scanPruneOutputs');
      });
      changed++;
    }
    return changed;
  },
};
