/**
 * Walking graphs: ancestors, root variables, nodes between inputs and
 * outputs, topological order. All walks are iterative (deep graphs such as
 * long unrolled loops must not overflow the call stack) and deterministic.
 */
import type { Apply } from './apply.js';
import type { Variable } from './variable.js';

/**
 * Every variable `outputs` depend on, stopping at (and including) `blockers`,
 * in depth-first post-order (inputs of a node before its outputs).
 */
export function ancestors(outputs: readonly Variable[], blockers: ReadonlySet<Variable> = new Set()): Variable[] {
  const seen = new Set<Variable>();
  const order: Variable[] = [];
  const stack: [Variable, boolean][] = [...outputs].reverse().map((v) => [v, false]);
  while (stack.length > 0) {
    const [v, expanded] = stack.pop()!;
    if (expanded) {
      order.push(v);
      continue;
    }
    if (seen.has(v)) continue;
    seen.add(v);
    stack.push([v, true]);
    if (v.owner !== null && !blockers.has(v)) {
      for (let i = v.owner.inputs.length - 1; i >= 0; i--) {
        const input = v.owner.inputs[i]!;
        if (!seen.has(input)) stack.push([input, false]);
      }
    }
  }
  return order;
}

/** The root variables (no owner, or in `blockers`) that `outputs` depend on. */
export function graphInputs(outputs: readonly Variable[], blockers: ReadonlySet<Variable> = new Set()): Variable[] {
  return ancestors(outputs, blockers).filter((v) => v.owner === null || blockers.has(v));
}

/**
 * The Apply nodes that compute `outputs` from `inputs`, each after the nodes
 * it depends on. Walks stop at `inputs`.
 */
export function toposort(inputs: readonly Variable[] | ReadonlySet<Variable>, outputs: readonly Variable[]): Apply[] {
  const blockers = inputs instanceof Set ? (inputs as ReadonlySet<Variable>) : new Set(inputs as readonly Variable[]);
  const nodes: Apply[] = [];
  const seen = new Set<Apply>();
  for (const v of ancestors(outputs, blockers)) {
    if (v.owner !== null && !blockers.has(v) && !seen.has(v.owner)) {
      seen.add(v.owner);
      nodes.push(v.owner);
    }
  }
  return nodes;
}
