/**
 * Node rewriters and graph passes: the two kinds of rewrite the optimizer
 * runs. A node rewriter looks at one node and may propose replacements for
 * its outputs; a graph pass edits a whole FunctionGraph. Every replacement
 * must keep the replaced variable's type exactly (dtype and static shape) —
 * a rewrite that does not is a bug, reported with its name.
 */
import type { Apply } from '../graph/apply.js';
import type { FunctionGraph } from '../graph/fgraph.js';
import type { Variable } from '../graph/variable.js';
import { TheanoError } from '../errors.js';
import { isFloat } from '../ndarray/dtype.js';
import { cast, fill } from '../tensor/math.js';
import { TensorVariable } from '../tensor/variable.js';
import { match, type Bindings, type Pattern } from './pattern.js';

/** A rewrite changed a variable's type: always a bug in that rewrite. */
export class RewriteTypeError extends TheanoError {
  override name = 'RewriteTypeError';
}

export interface NodeRewriter {
  readonly name: string;
  /**
   * Replacements for the node's outputs (one entry per output, null to keep
   * an output), or null when the rewrite does not apply.
   */
  transform(node: Apply, fgraph: FunctionGraph): (Variable | null)[] | null;
}

export interface GraphPass {
  readonly name: string;
  /** Edits `fgraph` in place; returns how many changes it made. */
  apply(fgraph: FunctionGraph): number;
}

/** A node rewriter from a function. */
export function nodeRewriter(name: string, transform: NodeRewriter['transform']): NodeRewriter {
  return { name, transform };
}

/**
 * `replacement` made to fit the type of `old`: cast to its dtype, and spread
 * (with fill) over `old`'s shape when it has broadcastable axes `old` lacks.
 * `shapeSource` is a variable of old's shape to spread over. Null when no
 * conversion keeps the values (e.g. a float into an int output).
 */
export function conform(replacement: TensorVariable, old: TensorVariable, shapeSource?: TensorVariable): TensorVariable | null {
  let r = replacement;
  if (r.ndim !== old.ndim) return null;
  if (r.type.shape.some((d, ax) => d === 1 && old.type.shape[ax] !== 1)) {
    if (shapeSource === undefined || shapeSource.ndim !== old.ndim) return null;
    r = fill(shapeSource, r);
  }
  if (r.dtype !== old.dtype) {
    if (isFloat(r.dtype) && !isFloat(old.dtype)) return null;
    r = cast(r, old.dtype);
  }
  return r.type.equals(old.type) ? r : null;
}

/**
 * A rewrite from a pattern on a single-output elementwise node to a new
 * expression of the bindings: `patternRewriter('mul_one', P.mul(x, 1), ({x}) => x)`.
 * The result is conformed to the old output's type (cast, broadcast); when
 * it cannot be, the rewrite does not apply. `build` may return null to decline.
 */
export function patternRewriter(
  name: string,
  pattern: Pattern,
  build: (b: Bindings, out: TensorVariable, node: Apply) => TensorVariable | null,
): NodeRewriter {
  return {
    name,
    transform(node) {
      if (node.outputs.length !== 1) return null;
      const out = node.outputs[0]!;
      if (!(out instanceof TensorVariable)) return null;
      const bindings = match(pattern, out);
      if (bindings === null) return null;
      const built = build(bindings, out, node);
      if (built === null) return null;
      // Spread over the shape of whichever input has the output's full shape.
      const full = node.inputs.find((i) => i instanceof TensorVariable && i.type.broadcastable.every((b, ax) => b === out.type.broadcastable[ax]));
      const fitted = conform(built, out, full as TensorVariable | undefined);
      return fitted === null ? null : [fitted];
    },
  };
}

/** Checks a proposed replacement before it is made. */
export function checkReplacement(rewriter: string, old: Variable, replacement: Variable): void {
  if (!replacement.type.equals(old.type)) {
    throw new RewriteTypeError(`rewrite '${rewriter}' replaced ${old} of type ${old.type} by ${replacement} of type ${replacement.type}`);
  }
}
