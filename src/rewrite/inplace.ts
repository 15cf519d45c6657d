/**
 * In-place elementwise work: an elementwise node may write its result into
 * the buffer of an input nothing else needs, saving an allocation and a
 * pass over fresh memory. This first destroy rule is deliberately narrow:
 * the input must be an intermediate result (never a function input, a
 * constant or a shared variable), used by this node alone, not an output of
 * the function, produced by an op that owns its buffer (no view of another
 * value), and of the output's dtype and broadcast pattern. A destroyed value
 * therefore has no other reader, so no ordering constraint is needed.
 */
import { Apply } from '../graph/apply.js';
import type { FunctionGraph } from '../graph/fgraph.js';
import type { Variable } from '../graph/variable.js';
import { Elemwise } from '../tensor/elemwise.js';
import { FusedElemwise } from '../tensor/fused.js';
import type { TensorType } from '../tensor/type.js';
import type { GraphPass } from './rewriter.js';

/** The index of an input `node` may overwrite, or null. */
function destroyableInput(fgraph: FunctionGraph, node: Apply): number | null {
  const out = node.outputs[0]!.type as TensorType;
  for (let i = 0; i < node.inputs.length; i++) {
    const v: Variable = node.inputs[i]!;
    const producer = v.owner;
    if (producer === null) continue; // an input, constant or shared variable: not ours to overwrite
    if (producer.op.viewMap[v.index] !== undefined) continue; // a view: overwriting it would change what it views
    const clients = fgraph.clients(v);
    if (clients.length !== 1 || clients[0]!.node !== node) continue; // read elsewhere, or an output of the function
    const t = v.type as TensorType;
    if (t.dtype !== out.dtype || t.broadcastable.join() !== out.broadcastable.join()) continue;
    return i;
  }
  return null;
}

export const inplaceElemwise: GraphPass = {
  name: 'inplaceElemwise',
  apply(fgraph: FunctionGraph): number {
    let changed = 0;
    for (const node of fgraph.toposort()) {
      const op = node.op;
      let inplaceOp: Elemwise | FusedElemwise;
      if (op instanceof Elemwise && op.inplace === null) {
        const i = destroyableInput(fgraph, node);
        if (i === null) continue;
        inplaceOp = new Elemwise(op.scalarOp, i);
      } else if (op instanceof FusedElemwise && op.inplace === null && op.kernel.outputs.length === 1) {
        const i = destroyableInput(fgraph, node);
        if (i === null) continue;
        inplaceOp = new FusedElemwise(op.kernel, i);
      } else continue;
      const replacement = new Apply(inplaceOp, node.inputs, node.outputs.map((o) => o.type), node.trace);
      fgraph.replace(node.outputs[0]!, replacement.outputs[0]!, 'inplaceElemwise');
      changed++;
    }
    return changed;
  },
};
