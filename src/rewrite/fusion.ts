/**
 * Elementwise fusion: a chain of Elemwise nodes whose intermediate results
 * are used only inside the chain becomes one FusedElemwise node — one pass
 * over the data, no temporary arrays. Intermediates must have the chain's
 * output broadcast pattern, so nothing is computed more often than before.
 */
import { Apply } from '../graph/apply.js';
import type { FunctionGraph } from '../graph/fgraph.js';
import type { Variable } from '../graph/variable.js';
import type { ElementwiseKernel, KernelStep } from '../kernel/ir.js';
import { Elemwise } from '../tensor/elemwise.js';
import { FusedElemwise } from '../tensor/fused.js';
import type { TensorType } from '../tensor/type.js';
import type { GraphPass } from './rewriter.js';

const patternOf = (v: Variable): string => (v.type as TensorType).broadcastable.join(',');

/** The largest group fusable into `root`: producers used only inside the group, with the same pattern. */
function growGroup(fgraph: FunctionGraph, root: Apply, taken: ReadonlySet<Apply>): Set<Apply> {
  const group = new Set<Apply>([root]);
  const pattern = patternOf(root.outputs[0]!);
  for (let grew = true; grew; ) {
    grew = false;
    for (const node of [...group]) {
      for (const input of node.inputs) {
        const p = input.owner;
        if (p === null || group.has(p) || taken.has(p) || !(p.op instanceof Elemwise)) continue;
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

export const fuseElemwise: GraphPass = {
  name: 'fuseElemwise',
  apply(fgraph: FunctionGraph): number {
    const order = fgraph.toposort();
    const position = new Map(order.map((n, i) => [n, i]));
    const taken = new Set<Apply>();
    let fused = 0;
    for (let k = order.length - 1; k >= 0; k--) {
      const root = order[k]!;
      if (taken.has(root) || !(root.op instanceof Elemwise) || !fgraph.applyNodes.has(root)) continue;
      const group = growGroup(fgraph, root, taken);
      if (group.size < 2) continue;
      for (const n of group) taken.add(n);
      const ordered = [...group].sort((a, b) => position.get(a)! - position.get(b)!);
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
