/**
 * Reverse-mode differentiation (Theano's `theano.grad`): walks the graph
 * from the cost back to the variables asked for, calling each op's `grad`
 * rule and summing the contributions that reach each variable. The result is
 * an ordinary graph — it prints, compiles and is rewritten like any other,
 * and can itself be differentiated.
 */
import { config } from '../config.js';
import { DTypeError, ShapeError, TheanoError } from '../errors.js';
import type { Apply } from '../graph/apply.js';
import { disconnected, NullGradient, type Disconnected, type InputGradient } from '../graph/gradientTerms.js';
import { toposort } from '../graph/traversal.js';
import { Variable } from '../graph/variable.js';
import { isDiscrete, isFloat } from '../ndarray/dtype.js';
import { asTensorVariable, constant, type TensorLike } from '../tensor/asTensor.js';
import { add, cast, fill } from '../tensor/math.js';
import { TensorVariable } from '../tensor/variable.js';

export interface GradOptions {
  /** Variables treated as constants: no gradient flows through them to what they depend on. */
  considerConstant?: readonly Variable[];
  /** What to do when a `wrt` variable does not influence the cost. */
  disconnectedInputs?: 'raise' | 'warn' | 'ignore';
  /** What to return for such a variable: zeros (default), null, or the `disconnected` marker. */
  returnDisconnected?: 'zero' | 'null' | 'disconnected';
  /** Gradients already known for some variables (the cost may then be null). */
  knownGrads?: ReadonlyMap<Variable, TensorLike> | Iterable<readonly [Variable, TensorLike]>;
  /** What to do when a gradient is undefined (an op without a gradient rule on the path). */
  nullGradients?: 'raise' | 'return';
}

/** The gradient answer for one variable, given the options used. */
export type GradValue<O extends GradOptions> = O extends { returnDisconnected: 'disconnected' }
  ? TensorVariable | Disconnected
  : O extends { returnDisconnected: 'null' } | { nullGradients: 'return' }
    ? TensorVariable | null
    : TensorVariable;

/** An error in setting up or following a gradient. */
export class GradientError extends TheanoError {
  override name = 'GradientError';
}

/** Zeros shaped like `x`, in x's dtype when it is a float and floatX otherwise (the gradient of a discrete value). */
export function floatZerosLike(x: TensorVariable): TensorVariable {
  return fill(x, constant(0, null, isFloat(x.dtype) ? x.dtype : config.floatX));
}

const describe = (v: Variable): string => (v.name !== null ? `'${v.name}'` : String(v));

/**
 * d(cost)/d(wrt) for one variable or a list (the answer has the same form).
 * `cost` must be a scalar, unless `knownGrads` seeds the walk instead.
 */
export function grad<O extends GradOptions = GradOptions>(cost: TensorVariable | null, wrt: TensorVariable, options?: O): GradValue<O>;
export function grad<O extends GradOptions = GradOptions>(cost: TensorVariable | null, wrt: readonly TensorVariable[], options?: O): GradValue<O>[];
export function grad(
  cost: TensorVariable | null,
  wrt: TensorVariable | readonly TensorVariable[],
  options: GradOptions = {},
): (TensorVariable | null | Disconnected) | (TensorVariable | null | Disconnected)[] {
  const list = Array.isArray(wrt) ? (wrt as readonly TensorVariable[]) : [wrt as TensorVariable];
  list.forEach((w, i) => {
    if (!(w instanceof TensorVariable)) throw new GradientError(`grad: wrt[${i}] must be a tensor variable, got ${String(w)}`);
  });
  const seeds = collectSeeds(cost, options);
  const results = backpropagate(seeds, list, options);
  return Array.isArray(wrt) ? results : results[0]!;
}

/** The starting gradients: d(cost)/d(cost) = 1, plus any known gradients. */
function collectSeeds(cost: TensorVariable | null, options: GradOptions): Map<Variable, TensorVariable> {
  const seeds = new Map<Variable, TensorVariable>();
  if (cost !== null && cost !== undefined) {
    if (!(cost instanceof TensorVariable)) throw new GradientError(`grad: the cost must be a tensor variable, got ${String(cost)}`);
    if (cost.ndim !== 0) {
      throw new GradientError(
        `grad: the cost must be a scalar (0-d), got ${describe(cost)} of type ${cost.type}; reduce it first (e.g. .sum() or .mean()), or pass knownGrads`,
      );
    }
    if (!isFloat(cost.dtype)) {
      throw new DTypeError(`grad: the cost ${describe(cost)} is ${cost.dtype}; a discrete cost has no gradient — cast it to a float first`);
    }
    seeds.set(cost, constant(1, null, cost.dtype));
  }
  const known = options.knownGrads === undefined ? [] : [...(options.knownGrads as Iterable<readonly [Variable, TensorLike]>)];
  for (const [v, g] of known) {
    if (!(v instanceof TensorVariable)) throw new GradientError(`grad: knownGrads keys must be tensor variables, got ${String(v)}`);
    const gv = asTensorVariable(g, v.dtype);
    if (gv.ndim !== v.ndim) {
      throw new ShapeError(`grad: the known gradient of ${describe(v)} (${v.type}) is ${gv.ndim}-d (${gv.type}); it must be ${v.ndim}-d`);
    }
    const prev = seeds.get(v);
    seeds.set(v, prev === undefined ? gv : add(prev, gv));
  }
  if (seeds.size === 0) throw new GradientError('grad: give a cost, or knownGrads to start from');
  return seeds;
}

/** Converts one gradient term to the input's dtype (float inputs) and checks its rank. */
function conformTerm(node: Apply, index: number, term: Variable): TensorVariable {
  const input = node.inputs[index] as TensorVariable;
  if (!(term instanceof TensorVariable) || term.ndim !== input.ndim) {
    throw new GradientError(
      `the gradient rule of ${node.op} returned ${String(term)} (${term.type}) for input ${index} (${input.type}); ` +
        `it must be a tensor of the input's rank\n  node built at ${node.trace}`,
    );
  }
  return term.dtype === input.dtype || !isFloat(input.dtype) ? term : cast(term, input.dtype);
}

function backpropagate(
  seeds: Map<Variable, TensorVariable>,
  wrt: readonly TensorVariable[],
  options: GradOptions,
): (TensorVariable | null | Disconnected)[] {
  const blockers = new Set(options.considerConstant ?? []);
  const wrtSet = new Set<Variable>(wrt);
  const nodes = toposort([], [...seeds.keys()]);

  // Forward: which variables depend on some wrt variable (through non-constant paths).
  const depends = new Set<Variable>(wrt);
  for (const node of nodes) {
    if (!node.inputs.some((i) => depends.has(i))) continue;
    for (const o of node.outputs) if (!blockers.has(o) || wrtSet.has(o)) depends.add(o);
  }

  // Backward: accumulate gradients, last node first.
  const grads = new Map<Variable, TensorVariable | NullGradient>();
  const zeroConnected = new Set<Variable>();
  for (const [v, g] of seeds) if (depends.has(v)) grads.set(v, g);
  const accumulate = (v: Variable, term: TensorVariable | NullGradient) => {
    const prev = grads.get(v);
    if (prev === undefined) grads.set(v, term);
    else if (prev instanceof NullGradient) return;
    else if (term instanceof NullGradient) grads.set(v, term);
    else grads.set(v, add(prev, term));
  };
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k]!;
    const reached = node.outputs.some((o) => grads.has(o));
    if (!reached && !node.outputs.some((o) => zeroConnected.has(o))) continue;
    const needed = node.inputs.map((i) => depends.has(i) && !(blockers.has(i) && !wrtSet.has(i)));
    if (!needed.some(Boolean)) continue;
    if (!reached) {
      // Reached only through discrete values (i * 2 then cast, x > 0 then cast): the gradient is zero, but the
      // inputs stay connected to the cost — except those the op's rule declares disconnected (a shape).
      const connected = connectedInputs(node);
      node.inputs.forEach((input, i) => {
        if (needed[i] && connected[i]) zeroConnected.add(input);
      });
      continue;
    }
    const outGrads = node.outputs.map((o) => grads.get(o));
    const nullIn = outGrads.find((g): g is NullGradient => g instanceof NullGradient);
    let terms: InputGradient[];
    if (nullIn !== undefined) {
      terms = node.inputs.map(() => nullIn);
    } else if (node.op.grad === undefined) {
      const reason = `${node.op} has no gradient rule (node built at ${node.trace})`;
      terms = node.inputs.map(() => new NullGradient(reason));
    } else {
      const given = node.outputs.map((o, i) => (outGrads[i] as TensorVariable | undefined) ?? floatZerosLike(o as TensorVariable));
      terms = node.op.grad(node, given);
      if (terms.length !== node.inputs.length) {
        throw new GradientError(`the gradient rule of ${node.op} returned ${terms.length} terms for ${node.inputs.length} inputs`);
      }
    }
    node.inputs.forEach((input, i) => {
      if (!needed[i]) return;
      const term = terms[i]!;
      if (term === disconnected) return;
      if (isDiscrete((input as TensorVariable).dtype)) {
        // A discrete value has zero gradient; it is still connected to the cost.
        zeroConnected.add(input);
        return;
      }
      accumulate(input, term instanceof NullGradient ? term : conformTerm(node, i, term));
    });
  }

  return wrt.map((w, i) => {
    const g = grads.get(w);
    if (g instanceof NullGradient) {
      if ((options.nullGradients ?? 'raise') === 'return') return null;
      throw new GradientError(`grad: the gradient with respect to wrt[${i}] ${describe(w)} is undefined: ${g.reason}`);
    }
    if (g !== undefined) return isDiscrete(w.dtype) ? floatZerosLike(w) : g;
    if (zeroConnected.has(w)) return floatZerosLike(w);
    return handleDisconnected(w, i, options);
  });
}

/** Which inputs an op's gradient rule connects to its outputs (all, for ops without a rule). */
function connectedInputs(node: Apply): boolean[] {
  if (node.op.grad === undefined) return node.inputs.map(() => true);
  let terms: InputGradient[];
  try {
    terms = node.op.grad(node, node.outputs.map((o) => floatZerosLike(o as TensorVariable)));
  } catch {
    return node.inputs.map(() => true); // the rule cannot say; the gradient is zero either way
  }
  return node.inputs.map((_, i) => terms[i] !== disconnected);
}

function handleDisconnected(w: TensorVariable, i: number, options: GradOptions): TensorVariable | null | Disconnected {
  const message =
    `grad: wrt[${i}] ${describe(w)} is not part of the graph of the cost (or reaches it only through constants); ` +
    `pass disconnectedInputs: 'ignore' or 'warn' to allow this`;
  const policy = options.disconnectedInputs ?? 'raise';
  if (policy === 'raise') throw new GradientError(message);
  if (policy === 'warn') console.warn(`theano-ts: ${message}`);
  const give = options.returnDisconnected ?? 'zero';
  if (give === 'null') return null;
  if (give === 'disconnected') return disconnected;
  return floatZerosLike(w);
}
