/**
 * Runs a set of node rewriters over a graph until none applies any more
 * (Theano's EquilibriumOptimizer): one sweep visits every node in
 * topological order and makes the first rewrite that applies to it; sweeps
 * repeat while anything changed, up to a bound that stops rewrites that
 * would undo each other from running forever.
 */
import type { FunctionGraph } from '../graph/fgraph.js';
import { checkReplacement, type GraphPass, type NodeRewriter } from './rewriter.js';

export function equilibrium(name: string, rewriters: readonly NodeRewriter[], maxSweeps = 50): GraphPass {
  return {
    name,
    apply(fgraph: FunctionGraph): number {
      let total = 0;
      for (let sweep = 0; sweep < maxSweeps; sweep++) {
        let changed = 0;
        for (const node of fgraph.toposort()) {
          if (!fgraph.applyNodes.has(node)) continue; // removed by an earlier rewrite of this sweep
          for (const rw of rewriters) {
            const result = rw.transform(node, fgraph);
            if (result === null) continue;
            const pairs = node.outputs.map((o, i) => [o, result[i] ?? null] as const).filter(([o, r]) => r !== null && r !== o);
            if (pairs.length === 0) continue;
            for (const [o, r] of pairs) checkReplacement(rw.name, o, r!);
            for (const [o, r] of pairs) if (fgraph.variables.has(o)) fgraph.replace(o, r!, rw.name);
            changed += pairs.length;
            break;
          }
        }
        total += changed;
        if (changed === 0) break;
      }
      return total;
    },
  };
}
