/**
 * Lop and Rop (Theano's L- and R-operators). Lop(f, x, u) = uᵀ·∂f/∂x, the
 * reverse product `grad` is built on; Rop(f, x, v) = ∂f/∂x·v, the forward
 * (Jacobian-times-vector) product, computed node by node with each op's
 * `rOp`, or from its `grad` rule by the double-Lop trick where it has none.
 */
import { toposort } from '../graph/traversal.js';
import { disconnected, NullGradient } from '../graph/gradientTerms.js';
import type { Apply } from '../graph/apply.js';
import type { Variable } from '../graph/variable.js';
import { isDiscrete, isFloat } from '../ndarray/dtype.js';
import { ShapeError } from '../errors.js';
import { asTensorVariable, type TensorLike } from '../tensor/asTensor.js';
import { add, cast, mul } from '../tensor/math.js';
import { sum } from '../tensor/reduce.js';
import { TensorVariable } from '../tensor/variable.js';
import { grad, GradientError, floatZerosLike, type GradOptions } from './grad.js';

type OneOrMany<T> = T | readonly T[];

const asList = <T>(x: OneOrMany<T>): readonly T[] => (Array.isArray(x) ? (x as readonly T[]) : [x as T]);

/** A tangent or cotangent given for `v`, checked to fit it and converted to its dtype. */
function pointFor(v: TensorVariable, point: TensorLike, what: string): TensorVariable {
  const p = asTensorVariable(point, v.dtype);
  if (p.ndim !== v.ndim) throw new ShapeError(`${what}: the point given for ${v} is ${p.ndim}-d (${p.type}); it must be ${v.ndim}-d like ${v.type}`);
  return p.dtype === v.dtype || !isFloat(v.dtype) ? p : cast(p, v.dtype);
}

/**
 * uᵀ·∂f/∂wrt: the gradient of Σ (f_i · u_i) with respect to each wrt,
 * without building the sum (Theano's `Lop`). Answers in the form of `wrt`.
 */
export function Lop(
  f: OneOrMany<TensorVariable>,
  wrt: OneOrMany<TensorVariable>,
  evalPoints: OneOrMany<TensorLike>,
  options: Pick<GradOptions, 'considerConstant' | 'disconnectedInputs'> = {},
): TensorVariable | TensorVariable[] {
  const fs = asList(f);
  const us = Array.isArray(f) ? asList(evalPoints as OneOrMany<TensorLike>) : [evalPoints as TensorLike];
  if (us.length !== fs.length) throw new GradientError(`Lop: ${fs.length} expressions but ${us.length} eval points`);
  const knownGrads = fs.map((fi, i) => [fi, pointFor(fi, us[i]!, 'Lop')] as const);
  const result = grad(null, asList(wrt), { ...options, knownGrads });
  return Array.isArray(wrt) ? result : result[0]!;
}

/** `r` with `from` replaced by `to`; only the nodes that depend on `from` are rebuilt. */
function replaceVariable(r: Variable, from: Variable, to: Variable): Variable {
  const memo = new Map<Variable, Variable>([[from, to]]);
  for (const node of toposort([], [r])) {
    if (!node.inputs.some((i) => memo.has(i))) continue;
    const copy = node.cloneWithInputs(node.inputs.map((i) => memo.get(i) ?? i));
    node.outputs.forEach((o, k) => memo.set(o, copy.outputs[k]!));
  }
  return memo.get(r) ?? r;
}

/** One node's output tangents from its `grad` rule: ∂out·v = d/du [Σ_i ⟨grad_i(u), v_i⟩]. */
function rOpByDoubleLop(node: Apply, tangents: readonly (Variable | null)[]): (Variable | null)[] {
  return node.outputs.map((out) => {
    const u = (out as TensorVariable).type.makeVariable('u');
    const given = node.outputs.map((o) => (o === out ? u : floatZerosLike(o as TensorVariable)));
    const terms = node.op.grad!(node, given);
    let inner: TensorVariable | null = null;
    terms.forEach((t, i) => {
      const v = tangents[i];
      if (v === null || v === undefined || t === disconnected) return;
      // Skipping it would silently drop this input's contribution.
      if (t instanceof NullGradient) throw new GradientError(`Rop: the R-operator of ${node.op} is undefined: ${t.reason}`);
      const s = sum(mul(t as TensorVariable, v as TensorVariable));
      inner = inner === null ? s : add(inner, s);
    });
    if (inner === null) return null;
    const r = grad(inner, u, { disconnectedInputs: 'ignore' });
    // The result does not depend on u's value (grad rules are linear in the output gradient), but it may
    // still use u for its shape (fill / zerosLike); u is not an input of any function, so put `out` there.
    return replaceVariable(r, u, out);
  });
}

/**
 * ∂f/∂wrt · v (Theano's `Rop`): how f changes when each wrt moves along its
 * eval point. Answers in the form of `f`; zeros where f does not depend on wrt.
 */
export function Rop(f: OneOrMany<TensorVariable>, wrt: OneOrMany<TensorVariable>, evalPoints: OneOrMany<TensorLike>): TensorVariable | TensorVariable[] {
  const fs = asList(f);
  const ws = asList(wrt);
  const vs = Array.isArray(wrt) ? asList(evalPoints as OneOrMany<TensorLike>) : [evalPoints as TensorLike];
  if (vs.length !== ws.length) throw new GradientError(`Rop: ${ws.length} variables but ${vs.length} eval points`);
  const tangent = new Map<Variable, TensorVariable>();
  ws.forEach((w, i) => {
    if (!(w instanceof TensorVariable)) throw new GradientError(`Rop: wrt[${i}] must be a tensor variable`);
    tangent.set(w, pointFor(w, vs[i]!, 'Rop'));
  });
  for (const node of toposort([], fs)) {
    const ins = node.inputs.map((i) => tangent.get(i) ?? null);
    if (ins.every((t) => t === null)) continue;
    if (node.outputs.some((o) => tangent.has(o))) continue; // a wrt variable itself: its tangent is given
    let outs: (Variable | null)[];
    if (node.op.rOp !== undefined) outs = node.op.rOp(node, ins);
    else if (node.op.grad !== undefined) outs = rOpByDoubleLop(node, ins);
    else throw new GradientError(`Rop: ${node.op} has neither an R-operator nor a gradient rule (node built at ${node.trace})`);
    node.outputs.forEach((o, k) => {
      const t = outs[k] as TensorVariable | null | undefined;
      const od = (o as TensorVariable).dtype;
      // A discrete value moves only in jumps: its tangent is zero, whatever the op's rule passes through (cast to int).
      if (t === null || t === undefined || isDiscrete(od)) return;
      tangent.set(o, t.dtype === od || !isFloat(od) ? t : cast(t, od));
    });
  }
  const result = fs.map((fi) => tangent.get(fi) ?? floatZerosLike(fi));
  return Array.isArray(f) ? result : result[0]!;
}
