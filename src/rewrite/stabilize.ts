/**
 * Stabilisation: rewrites that compute the same value without overflow or
 * cancellation — so `log(1 / (1 + exp(-x)))` is finite at x = -1000 instead
 * of -inf, and `log(1 + x)` keeps its digits for tiny x.
 */
import { isFloat } from '../ndarray/dtype.js';
import type { ScalarOp } from '../scalar/scalarOp.js';
import * as scalar from '../scalar/ops.js';
import { Elemwise } from '../tensor/elemwise.js';
import { add, log1p, mul, neg as negOp, sigmoid, softplus, expm1, sub, trueDiv } from '../tensor/math.js';
import type { TensorVariable } from '../tensor/variable.js';
import { P, match, uniformConstant } from './pattern.js';
import { conform, nodeRewriter, patternRewriter, type NodeRewriter } from './rewriter.js';

const x = P.v('x');

/** -v, without stacking a second negation on an existing one (canonicalize has already run). */
function neg(v: TensorVariable): TensorVariable {
  const inner = match(P.neg(x), v);
  return inner === null ? negOp(v) : inner.x!;
}

export const stabilizations: NodeRewriter[] = [
  // 1 / (1 + exp(-x)) is sigmoid(x), computed without overflowing exp.
  patternRewriter('sigmoidFromExp', P.trueDiv(1, P.add(1, P.exp(x))), ({ x }) => sigmoid(neg(x!))),
  patternRewriter('sigmoidFromReciprocal', P.reciprocal(P.add(1, P.exp(x))), ({ x }) => sigmoid(neg(x!))),
  // 1 - sigmoid(x) = sigmoid(-x), without the cancellation near 1.
  patternRewriter('oneMinusSigmoid', P.sub(1, P.sigmoid(x)), ({ x }) => sigmoid(neg(x!))),
  // log(sigmoid(x)) = -softplus(-x): finite for very negative x.
  patternRewriter('logSigmoid', P.log(P.sigmoid(x)), ({ x }) => neg(softplus(neg(x!)))),
  // log(1 + exp(x)) = softplus(x): no overflow for large x.
  patternRewriter('softplusFromLogExp', P.log(P.add(1, P.exp(x))), ({ x }) => softplus(x!)),
  patternRewriter('softplusFromLog1pExp', P.log1p(P.exp(x)), ({ x }) => softplus(x!)),
  // log(1 + x) and exp(x) - 1 keep their precision near 0 as log1p and expm1.
  patternRewriter('log1pFromLog', P.log(P.add(1, x)), ({ x }) => log1p(x!)),
  patternRewriter('expm1FromExp', P.sub(P.exp(x), 1), ({ x }) => expm1(x!)),
];

// ---- stable gradients of sigmoids written out as 1 / (1 + exp(u)) -----------
//
// T.grad of log(1 / (1 + exp(u))) builds, from the scalar rules of trueDiv,
// add and exp, `(g / sqr(1 + exp(u))) * exp(u)` where g holds divisions by
// the probabilities themselves (the gradient of log): `c / sigmoid(-u)`. At
// |u| = 1000 that is inf / inf or 0 * inf. Two rewrites make it finite:
// `exp(u) / sqr(1 + exp(u))` is `sigmoid(u) * sigmoid(-u)`, and a product
// whose factor divides an addend of another factor cancels it:
// `(a / s + b) * s → a + b * s`. The cancellation is exact wherever s is
// finite and non-zero (the only points where the unrewritten graph is
// meaningful), as Theano's mul canonizer assumes.

const isElemwise = (v: TensorVariable, op: ScalarOp): boolean =>
  v.owner !== null && v.owner.op instanceof Elemwise && v.owner.op.scalarOp === op;

/** Structural equality of two small elementwise expressions (same op, equal inputs; equal uniform constants). */
export function sameExpr(a: TensorVariable, b: TensorVariable, depth = 8): boolean {
  if (a === b) return true;
  if (!a.type.equals(b.type)) return false;
  const ca = uniformConstant(a);
  if (ca !== null) return Object.is(ca, uniformConstant(b));
  if (depth === 0 || a.owner === null || b.owner === null) return false;
  const [na, nb] = [a.owner, b.owner];
  if (!(na.op instanceof Elemwise) || !(nb.op instanceof Elemwise) || na.op.scalarOp !== nb.op.scalarOp) return false;
  if (na.inputs.length !== nb.inputs.length) return false;
  return na.inputs.every((i, k) => sameExpr(i as TensorVariable, nb.inputs[k] as TensorVariable, depth - 1));
}

/** Whether multiplying `e` by one of `factors` cancels a division inside it (through add, sub, neg, mul). */
function cancels(e: TensorVariable, factors: readonly TensorVariable[], depth = 8): boolean {
  if (depth === 0 || e.owner === null || !(e.owner.op instanceof Elemwise)) return false;
  const ins = e.owner.inputs as TensorVariable[];
  switch (e.owner.op.scalarOp) {
    case scalar.trueDiv:
      return factors.some((f) => sameExpr(ins[1]!, f)) || cancels(ins[0]!, factors, depth - 1);
    case scalar.add:
    case scalar.sub:
    case scalar.mul:
      return ins.some((i) => cancels(i, factors, depth - 1));
    case scalar.neg:
      return cancels(ins[0]!, factors, depth - 1);
    default:
      return false;
  }
}

/** a * b, leaving out a broadcastable constant 1 that changes neither shape nor dtype. */
function mulS(a: TensorVariable, b: TensorVariable): TensorVariable {
  const unit = (v: TensorVariable, o: TensorVariable): boolean =>
    uniformConstant(v) === 1 && v.type.shape.every((d) => d === 1) && v.ndim <= o.ndim && mul(v, o).type.equals(o.type);
  if (unit(a, b)) return b;
  if (unit(b, a)) return a;
  return mul(a, b);
}

const product = (vs: readonly TensorVariable[]): TensorVariable => vs.reduce((p, v) => mulS(p, v));

/** e * Π factors, cancelling each factor against a division by it inside e where one is reachable. */
function scaleBy(e: TensorVariable, factors: readonly TensorVariable[], depth = 8): TensorVariable {
  if (factors.length === 0) return e;
  if (depth === 0 || !cancels(e, factors, 1 + depth)) return mulS(e, product(factors));
  const ins = e.owner!.inputs as TensorVariable[];
  switch ((e.owner!.op as Elemwise).scalarOp) {
    case scalar.trueDiv: {
      const k = factors.findIndex((f) => sameExpr(ins[1]!, f));
      if (k >= 0) return scaleBy(ins[0]!, factors.filter((_, j) => j !== k), depth - 1);
      return trueDiv(scaleBy(ins[0]!, factors, depth - 1), ins[1]!);
    }
    case scalar.add:
      return add(scaleBy(ins[0]!, factors, depth - 1), scaleBy(ins[1]!, factors, depth - 1));
    case scalar.sub:
      return sub(scaleBy(ins[0]!, factors, depth - 1), scaleBy(ins[1]!, factors, depth - 1));
    case scalar.neg:
      return negOp(scaleBy(ins[0]!, factors, depth - 1));
    case scalar.mul:
      return cancels(ins[0]!, factors, depth) ? mulS(scaleBy(ins[0]!, factors, depth - 1), ins[1]!) : mulS(ins[0]!, scaleBy(ins[1]!, factors, depth - 1));
    default:
      return mulS(e, product(factors));
  }
}

/** The factors of a mul tree. */
function mulFactors(v: TensorVariable, out: TensorVariable[] = []): TensorVariable[] {
  if (isElemwise(v, scalar.mul)) for (const i of v.owner!.inputs) mulFactors(i as TensorVariable, out);
  else out.push(v);
  return out;
}

const g = P.v('g');
const u = P.v('u');

/** In a product: `g / sqr(1 + exp(u))` times `exp(u)` → g * sigmoid(u) * sigmoid(-u), cancelling divisions in g. */
export const sigmoidGradFromExp = nodeRewriter('sigmoidGradFromExp', (node) => {
  if (!(node.op instanceof Elemwise) || node.op.scalarOp !== scalar.mul) return null;
  const out = node.outputs[0] as TensorVariable;
  const factors = mulFactors(out);
  for (let i = 0; i < factors.length; i++) {
    const m = match(P.trueDiv(g, P.sqr(P.add(1, P.exp(u)))), factors[i]!);
    if (m === null) continue;
    const j = factors.findIndex((f, k) => k !== i && isElemwise(f, scalar.exp) && sameExpr(f.owner!.inputs[0] as TensorVariable, m.u!));
    if (j < 0) continue;
    const rest = factors.filter((_, k) => k !== i && k !== j);
    const scaled = scaleBy(m.g!, [sigmoid(m.u!), sigmoid(neg(m.u!))]);
    const r = rest.length === 0 ? scaled : mulS(scaled, product(rest));
    const full = node.inputs.find((v) => v.type.equals(out.type)) as TensorVariable | undefined;
    const fitted = conform(r, out, full);
    if (fitted !== null) return [fitted];
  }
  return null;
});

/** A product one of whose factors divides an addend of another: `(a / s + b) * s → a + b * s`. */
export const mulCancelDivision = nodeRewriter('mulCancelDivision', (node) => {
  if (!(node.op instanceof Elemwise) || node.op.scalarOp !== scalar.mul) return null;
  const out = node.outputs[0] as TensorVariable;
  if (!isFloat(out.dtype)) return null;
  const factors = mulFactors(out);
  for (let i = 0; i < factors.length; i++) {
    const others = factors.filter((_, k) => k !== i);
    if (!cancels(factors[i]!, others)) continue;
    const r = scaleBy(factors[i]!, others);
    const full = node.inputs.find((v) => v.type.equals(out.type)) as TensorVariable | undefined;
    const fitted = conform(r, out, full);
    if (fitted !== null) return [fitted];
  }
  return null;
});

stabilizations.push(
  patternRewriter('sigmoidGradFromExpRatio', P.trueDiv(P.exp(u), P.sqr(P.add(1, P.exp(u)))), ({ u }) => mul(sigmoid(u!), sigmoid(neg(u!)))),
  sigmoidGradFromExp,
  mulCancelDivision,
);
