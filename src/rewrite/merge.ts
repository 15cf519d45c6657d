/**
 * Merge (common-subexpression elimination): equal constants become one, and
 * nodes applying equal ops to the same inputs become one. It runs in every
 * optimizing mode; the compiler's other rewrites build on it.
 */
import type { FunctionGraph } from '../graph/fgraph.js';
import type { Variable } from '../graph/variable.js';
import { constantData } from '../graph/variable.js';
import { NDArray } from '../ndarray/ndarray.js';

/** A key equal for constants with equal type and value. */
function constantKey(v: Variable): string | null {
  const data = constantData(v);
  if (!(data instanceof NDArray) || data.size > 64) return null; // large constants are compared by identity only
  return `${v.type}|${Array.from(data.flatData()).map((x) => (Object.is(x, -0) ? '-0' : String(x))).join(',')}`;
}

/** Merges duplicates in `fgraph` in place; returns how many variables were replaced. */
export function mergeDuplicates(fgraph: FunctionGraph): number {
  let replaced = 0;
  const constants = new Map<string, Variable>();
  for (const v of [...fgraph.variables]) {
    if (!v.isConstant() || fgraph.clients(v).length === 0) continue;
    const k = constantKey(v);
    if (k === null) continue;
    const first = constants.get(k);
    if (first === undefined) constants.set(k, v);
    else {
      fgraph.replace(v, first, 'merge');
      replaced++;
    }
  }
  const seen = new Map<string, Variable[]>();
  for (const node of fgraph.toposort()) {
    if (!fgraph.applyNodes.has(node)) continue;
    const k = `${node.op.key()}(${node.inputs.map((i) => i.id).join(',')})`;
    const first = seen.get(k);
    if (first === undefined) {
      seen.set(k, node.outputs);
      continue;
    }
    node.outputs.forEach((o, i) => {
      if (fgraph.variables.has(o)) fgraph.replace(o, first[i]!, 'merge');
    });
    replaced += node.outputs.length;
  }
  return replaced;
}
