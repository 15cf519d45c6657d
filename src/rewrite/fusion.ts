/**
 * Elementwise fusion: a chain of Elemwise nodes becomes one FusedElemwise
 * node — one pass over the data, no temporary arrays. Intermediates must
 * have the chain's output broadcast pattern, so nothing is computed more
 * often than before. An intermediate that is also read outside the chain
 * (by another node, or as a result of the function) is not an obstacle: it
 * becomes one more output of the kernel, stored in the same pass — unless
 * fusing it would make the fused node depend on itself (the outside reader
 * feeding back into the chain). Not in graphs with lazy ops (ifelse): a
 * kernel stores its extra outputs whenever its root is needed, and the root
 * may sit in a branch not taken while the intermediate is needed anyway.
 *
 * A reduction (CAReduce with an identity: sum, prod, max, min, all, any)
 * whose input is such a chain, used by nothing else, joins it: the chain
 * and the fold become one FusedReduce node (`sum(exp(x) * w)`, the mean of
 * a cross-entropy), whose loop folds each value as it is computed. Its
 * intermediates must be used inside the chain only (a reducing kernel has
 * one output).
 */
import { Apply } from '../graph/apply.js';
import type { FunctionGraph } from '../graph/fgraph.js';
import type { Variable } from '../graph/variable.js';
import type { ElementwiseKernel, KernelStep } from '../kernel/ir.js';
import { Elemwise } from '../tensor/elemwise.js';
import { FusedElemwise, FusedReduce } from '../tensor/fused.js';
import { CAReduce, MaxMin } from '../tensor/reduce.js';
import type { TensorType } from '../tensor/type.js';
import type { GraphPass } from './rewriter.js';

const patternOf = (v: Variable): string => (v.type as TensorType).broadcastable.join(',');

/** Nodes a kernel can take in: Elemwise, and single-output FusedElemwise (their kernels are inlined). */
function isFusable(node: Apply): boolean {
  return node.op instanceof Elemwise || (node.op instanceof FusedElemwise && node.op.kernel.outputs.length === 1);
}

/**
 * Whether fusing `group` into one node keeps the graph acyclic: no value
 * the group reads from outside may be computed from the group's own results
 * (a node outside that reads an intermediate and feeds the chain again).
 * Only nodes at or after the group's first position in `position` can
 * descend from it; nodes made during the pass (absent there) are searched.
 */
function isConvex(group: ReadonlySet<Apply>, position: ReadonlyMap<Apply, number>): boolean {
  let first = Infinity;
  for (const n of group) first = Math.min(first, position.get(n) ?? Infinity);
  const seen = new Set<Apply>();
  const stack: Apply[] = [];
  for (const n of group) for (const i of n.inputs) if (i.owner !== null && !group.has(i.owner)) stack.push(i.owner);
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (group.has(node)) return false;
    if (seen.has(node) || (position.get(node) ?? Infinity) < first) continue;
    seen.add(node);
    for (const i of node.inputs) if (i.owner !== null) stack.push(i.owner);
  }
  return true;
}

/**
 * The largest group fusable into `root`: producers with the root's pattern,
 * used only inside the group — or, with `exports`, also outside it, their
 * results then becoming extra outputs of the kernel (listed in `exported`).
 */
function growGroup(
  fgraph: FunctionGraph,
  root: Apply,
  taken: ReadonlySet<Apply>,
  position: ReadonlyMap<Apply, number>,
  exports: boolean,
): { group: Set<Apply>; exported: Variable[] } {
  const group = new Set<Apply>([root]);
  const exported: Variable[] = [];
  const rootType = root.outputs[0]!.type;
  const pattern = patternOf(root.outputs[0]!);
  for (let grew = true; grew; ) {
    grew = false;
    for (const node of [...group]) {
      for (const input of node.inputs) {
        const p = input.owner;
        if (p === null || group.has(p) || taken.has(p) || !isFusable(p)) continue;
        if (patternOf(input) !== pattern) continue;
        const inside = fgraph.clients(input).every((c) => c.node !== 'output' && group.has(c.node));
        // An exported value keeps its type: the fused node's outputs all have the root's.
        if (!inside && !(exports && input.type.equals(rootType))) continue;
        group.add(p);
        if (exported.length > 0 || !inside) {
          if (!isConvex(group, position)) {
            group.delete(p);
            continue;
          }
        }
        if (!inside) exported.push(input);
        grew = true;
      }
    }
  }
  return { group, exported };
}

/** The kernel computing `results` from the group's outside inputs (nodes in dependency order). */
function buildKernel(ordered: readonly Apply[], results: readonly Variable[]): { kernel: ElementwiseKernel; inputs: Variable[] } {
  const inside = new Set(ordered.flatMap((n) => n.outputs));
  const inputs: Variable[] = [];
  const number = new Map<Variable, number>();
  for (const node of ordered) {
    for (const i of node.inputs) {
      if (!inside.has(i) && !number.has(i)) {
        number.set(i, inputs.length);
        inputs.push(i);
      }
    }
  }
  const steps: KernelStep[] = [];
  for (const node of ordered) {
    if (node.op instanceof FusedElemwise) {
      // Inline the kernel: its inputs are this node's inputs, its steps follow ours.
      const inner = node.op.kernel;
      const nInner = inner.inputDtypes.length;
      const map: number[] = node.inputs.map((i) => number.get(i)!);
      for (const s of inner.steps) {
        steps.push({ ...s, args: s.args.map((a) => map[a]!) });
        map.push(inputs.length + steps.length - 1);
      }
      if (map.length !== nInner + inner.steps.length) throw new Error('fusion: malformed kernel');
      number.set(node.outputs[0]!, map[inner.outputs[0]!]!);
      continue;
    }
    const op = (node.op as Elemwise).scalarOp;
    steps.push({
      op,
      args: node.inputs.map((i) => number.get(i)!),
      argDtypes: node.inputs.map((i) => (i.type as TensorType).dtype),
      dtype: (node.outputs[0]!.type as TensorType).dtype,
    });
    number.set(node.outputs[0]!, inputs.length + steps.length - 1);
  }
  return {
    kernel: {
      inputDtypes: inputs.map((i) => (i.type as TensorType).dtype),
      steps,
      outputs: results.map((r) => number.get(r)!),
      outputDtypes: results.map((r) => (r.type as TensorType).dtype),
    },
    inputs,
  };
}

/** The chain a reduction `root` can absorb: its input's producer and what fuses into it; null when there is none. */
function reducibleGroup(fgraph: FunctionGraph, root: Apply, taken: ReadonlySet<Apply>, position: ReadonlyMap<Apply, number>): Set<Apply> | null {
  const op = root.op as CAReduce;
  if (op.scalarOp.identity === undefined) return null;
  const x = root.inputs[0]!;
  const producer = x.owner;
  if (producer === null || taken.has(producer) || !isFusable(producer)) return null;
  // The elementwise result must be needed by this reduction only (else it is stored anyway).
  if (!fgraph.clients(x).every((c) => c.node === root)) return null;
  return growGroup(fgraph, producer, taken, position, false).group;
}

export const fuseElemwise: GraphPass = {
  name: 'fuseElemwise',
  apply(fgraph: FunctionGraph): number {
    const order = fgraph.toposort();
    const position = new Map(order.map((n, i) => [n, i]));
    const taken = new Set<Apply>();
    const sorted = (group: Set<Apply>) => [...group].sort((a, b) => position.get(a)! - position.get(b)!);
    const exports = !order.some((n) => n.op.neededInputs !== undefined);
    let fused = 0;
    for (let k = order.length - 1; k >= 0; k--) {
      const root = order[k]!;
      if (taken.has(root) || !fgraph.applyNodes.has(root)) continue;
      // max/min refuse empty axes (MaxMin); a fused fold would give its identity (∓inf) instead.
      if (root.op instanceof CAReduce && !(root.op instanceof MaxMin)) {
        // Reductions come after their producers in the order, so they claim their chain first.
        const group = reducibleGroup(fgraph, root, taken, position);
        if (group === null) continue;
        const ordered = sorted(group);
        const producer = root.inputs[0]!.owner!;
        const { kernel, inputs } = buildKernel(ordered, [producer.outputs[0]!]);
        const out = root.outputs[0]!;
        const dtype = (out.type as TensorType).dtype;
        const op = new FusedReduce({ ...kernel, outputDtypes: [dtype], reduce: { op: root.op.scalarOp, axes: root.op.axes, dtype } });
        const types = op.makeNode(...inputs).outputs.map((o) => o.type);
        if (!types[0]!.equals(out.type)) continue; // a static shape the parts know differently: leave it unfused
        const node = new Apply(op, inputs, types, ordered[0]!.trace);
        for (const n of group) taken.add(n);
        taken.add(root);
        fgraph.replace(out, node.outputs[0]!, 'fuseElemwise');
        fused++;
        continue;
      }
      if (!(root.op instanceof Elemwise)) continue;
      const { group, exported } = growGroup(fgraph, root, taken, position, exports);
      if (group.size < 2) continue;
      const ordered = sorted(group);
      const results = [root.outputs[0]!, ...exported];
      const { kernel, inputs } = buildKernel(ordered, results);
      const op = new FusedElemwise(kernel);
      const types = op.makeNode(...inputs).outputs.map((o) => o.type);
      if (!types.every((t, i) => t.equals(results[i]!.type))) continue; // a static shape the parts know differently
      for (const n of group) taken.add(n);
      // The fused node keeps the trace of the first operation it computes — where its inputs first meet,
      // so where a shape mismatch between them arises — and run-time errors still point at user code.
      const node = new Apply(op, inputs, types, ordered[0]!.trace);
      fgraph.replaceAll(results.map((r, i) => [r, node.outputs[i]!] as const), 'fuseElemwise');
      fused++;
    }
    return fused;
  },
};
