/**
 * Elementwise fusion: a chain of Elemwise nodes whose intermediate results
 * are used only inside the chain becomes one FusedElemwise node — one pass
 * over the data, no temporary arrays. Intermediates must have the chain's
 * output broadcast pattern, so nothing is computed more often than before.
 *
 * A reduction (CAReduce with an identity: sum, prod, max, min, all, any)
 * whose input is such a chain, used by nothing else, joins it: the chain
 * and the fold become one FusedReduce node (`sum(exp(x) * w)`, the mean of
 * a cross-entropy), whose loop folds each value as it is computed.
 */
import { Apply } from '../graph/apply.js';
import type { FunctionGraph } from '../graph/fgraph.js';
import type { Variable } from '../graph/variable.js';
import type { ElementwiseKernel, KernelStep } from '../kernel/ir.js';
import { Elemwise } from '../tensor/elemwise.js';
import { FusedElemwise, FusedReduce } from '../tensor/fused.js';
import { CAReduce } from '../tensor/reduce.js';
import type { TensorType } from '../tensor/type.js';
import type { GraphPass } from './rewriter.js';

const patternOf = (v: Variable): string => (v.type as TensorType).broadcastable.join(',');

/** Nodes a kernel can take in: Elemwise, and single-output FusedElemwise (their kernels are inlined). */
function isFusable(node: Apply): boolean {
  return node.op instanceof Elemwise || (node.op instanceof FusedElemwise && node.op.kernel.outputs.length === 1);
}

/** The largest group fusable into `root`: producers used only inside the group, with the same pattern. */
function growGroup(fgraph: FunctionGraph, root: Apply, taken: ReadonlySet<Apply>): Set<Apply> {
  const group = new Set<Apply>([root]);
  const pattern = patternOf(root.outputs[0]!);
  for (let grew = true; grew; ) {
    grew = false;
    for (const node of [...group]) {
      for (const input of node.inputs) {
        const p = input.owner;
        if (p === null || group.has(p) || taken.has(p) || !isFusable(p)) continue;
        if (patternOf(input) !== pattern) continue;
        const clients = fgraph.clients(input);
        if (!clients.every((c) => c.node !== 'output' && group.has(c.node))) continue;
        group.add(p);
        grew = true;
      }
    }
  }
  return group;
}

/** The kernel computing `group` (nodes in dependency order) from its outside inputs. */
function buildKernel(ordered: readonly Apply[], root: Apply): { kernel: ElementwiseKernel; inputs: Variable[] } {
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
  const out = root.outputs[0]!;
  return {
    kernel: {
      inputDtypes: inputs.map((i) => (i.type as TensorType).dtype),
      steps,
      outputs: [number.get(out)!],
      outputDtypes: [(out.type as TensorType).dtype],
    },
    inputs,
  };
}

/** The chain a reduction `root` can absorb: its input's producer and what fuses into it; null when there is none. */
function reducibleGroup(fgraph: FunctionGraph, root: Apply, taken: ReadonlySet<Apply>): Set<Apply> | null {
  const op = root.op as CAReduce;
  if (op.scalarOp.identity === undefined) return null;
  const x = root.inputs[0]!;
  const producer = x.owner;
  if (producer === null || taken.has(producer) || !isFusable(producer)) return null;
  // The elementwise result must be needed by this reduction only (else it is stored anyway).
  if (!fgraph.clients(x).every((c) => c.node === root)) return null;
  return growGroup(fgraph, producer, taken);
}

export const fuseElemwise: GraphPass = {
  name: 'fuseElemwise',
  apply(fgraph: FunctionGraph): number {
    const order = fgraph.toposort();
    const position = new Map(order.map((n, i) => [n, i]));
    const taken = new Set<Apply>();
    const sorted = (group: Set<Apply>) => [...group].sort((a, b) => position.get(a)! - position.get(b)!);
    let fused = 0;
    for (let k = order.length - 1; k >= 0; k--) {
      const root = order[k]!;
      if (taken.has(root) || !fgraph.applyNodes.has(root)) continue;
      if (root.op instanceof CAReduce) {
        // Reductions come after their producers in the order, so they claim their chain first.
        const group = reducibleGroup(fgraph, root, taken);
        if (group === null) continue;
        const ordered = sorted(group);
        const producer = root.inputs[0]!.owner!;
        const { kernel, inputs } = buildKernel(ordered, producer);
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
      const group = growGroup(fgraph, root, taken);
      if (group.size < 2) continue;
      for (const n of group) taken.add(n);
      const ordered = sorted(group);
      const { kernel, inputs } = buildKernel(ordered, root);
      const op = new FusedElemwise(kernel);
      // The fused node keeps the trace of the first operation it computes — where its inputs first meet,
      // so where a shape mismatch between them arises — and run-time errors still point at user code.
      const node = new Apply(op, inputs, op.makeNode(...inputs).outputs.map((o) => o.type), ordered[0]!.trace);
      fgraph.replace(root.outputs[0]!, node.outputs[0]!, 'fuseElemwise');
      fused++;
    }
    return fused;
  },
};
