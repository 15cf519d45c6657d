/**
 * Rewrites of lazy ifelse: a condition known at compile time picks its
 * branch (the other is dropped from the graph), and a value that is the same
 * on both sides needs no test. A replacement must keep the output's type, so
 * a branch with a more specific static shape than the output stays guarded.
 */
import type { Apply } from '../graph/apply.js';
import type { Variable } from '../graph/variable.js';
import { IfElse } from '../ifelse/ifelse.js';
import { uniformConstant } from './pattern.js';
import { nodeRewriter, type NodeRewriter } from './rewriter.js';

/** Output i's replacement by input `from + i`, where the types allow. */
function pick(node: Apply, from: number): (Variable | null)[] {
  return node.outputs.map((out, i) => {
    const v = node.inputs[from + i]!;
    return v.type.equals(out.type) ? v : null;
  });
}

/** `ifelse(constant, a, b)` → a or b. */
export const ifelseConstantCondition = nodeRewriter('ifelseConstantCondition', (node) => {
  if (!(node.op instanceof IfElse)) return null;
  const c = uniformConstant(node.inputs[0]!);
  if (c === null) return null;
  const replacements = pick(node, c !== 0 ? 1 : 1 + node.op.nOut);
  return replacements.some((r) => r !== null) ? replacements : null;
});

/** `ifelse(c, a, a)` → a. */
export const ifelseSameBranches = nodeRewriter('ifelseSameBranches', (node) => {
  if (!(node.op instanceof IfElse)) return null;
  const n = node.op.nOut;
  const replacements = pick(node, 1).map((v, i) => (node.inputs[1 + i] === node.inputs[1 + n + i] ? v : null));
  return replacements.some((r) => r !== null) ? replacements : null;
});

export const ifelseRewrites: NodeRewriter[] = [ifelseConstantCondition, ifelseSameBranches];
