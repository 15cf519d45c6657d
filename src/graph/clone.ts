/**
 * Copying graphs, optionally replacing variables on the way (what `givens`
 * and graph rebuilding use). Root variables are kept, not copied, unless a
 * replacement names them.
 */
import type { Variable } from './variable.js';
import { ancestors } from './traversal.js';

export interface CloneOptions {
  /** Variable → what to put in its place (it and the graph above it are not copied). */
  replace?: ReadonlyMap<Variable, Variable>;
  /**
   * When a replacement changes an input's type: false rebuilds the node with
   * `op.makeNode` (output types may change), true raises (Theano's `rebuild_strict`).
   */
  strict?: boolean;
}

export class CloneTypeError extends TypeError {
  override name = 'CloneTypeError';
}

/**
 * Copies the graph computing `outputs`, applying `replace`; returns the new
 * outputs and the map from each old variable to its copy.
 */
export function cloneGraph(
  outputs: readonly Variable[],
  { replace = new Map(), strict = true }: CloneOptions = {},
): { outputs: Variable[]; memo: Map<Variable, Variable> } {
  const memo = new Map<Variable, Variable>(replace);
  const blockers = new Set(replace.keys());
  for (const v of ancestors(outputs, blockers)) {
    if (memo.has(v)) continue;
    const node = v.owner;
    if (node === null) {
      memo.set(v, v);
      continue;
    }
    const inputs = node.inputs.map((i) => memo.get(i) ?? i);
    const sameTypes = inputs.every((i, k) => i.type.equals(node.inputs[k]!.type));
    let copy;
    if (sameTypes) {
      copy = node.cloneWithInputs(inputs);
    } else if (strict) {
      const k = inputs.findIndex((i, k) => !i.type.equals(node.inputs[k]!.type));
      throw new CloneTypeError(
        `replacing input ${k} of ${node.op} changes its type from ${node.inputs[k]!.type} to ${inputs[k]!.type}; ` +
          `give a replacement of the same type, or rebuild non-strictly (rebuildStrict: false)`,
      );
    } else {
      copy = node.op.makeNode(...inputs);
    }
    node.outputs.forEach((o, i) => memo.set(o, copy.outputs[i]!));
  }
  return { outputs: outputs.map((o) => memo.get(o)!), memo };
}
