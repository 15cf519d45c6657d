/**
 * BLAS specialisation: a matrix product and the scaled add around it become
 * one Gemm, Gemv or Ger node — one pass over the output, no temporary for
 * the product (Theano's gemm/gemv/ger optimizers, for one add or sub node):
 *
 *   dot(X, Y) + Z, Z + dot(X, Y)                 → Gemm(Z, 1, X, Y, 1)
 *   Z - a·dot(X, Y)                              → Gemm(Z, -a, X, Y, 1)
 *   b·Z + a·dot(X, Y)  (and the sub forms)       → Gemm(Z, a, X, Y, b)
 *   the same with dot(A, x) or dot(x, A)         → Gemv(z, a, A | Aᵀ, x, b)
 *   A + a·dot(col(x), row(y))  (an outer product) → Ger(A, a, x, y)
 *
 * Scale factors are tensors whose every axis is broadcastable (0-d scalars,
 * or constants and dimshuffled scalars after elementwise padding), peeled
 * off through `mul` and `neg` in any order; they become 0-d. The matrices
 * (vectors) must all have the output's dtype, float32 or float64, and the
 * output's broadcast pattern — BLAS ops do not broadcast. A factor of
 * another dtype is cast to the output's when the cast is safe (as the
 * elementwise op promoted it anyway). The product (and any scaling of it)
 * must be used only by this sum, or it would be computed twice.
 */
import type { Apply } from '../graph/apply.js';
import type { FunctionGraph } from '../graph/fgraph.js';
import { canCastSafely, storeConverter, type DType } from '../ndarray/dtype.js';
import * as scalar from '../scalar/ops.js';
import { constant } from '../tensor/asTensor.js';
import { gemm, gemv, ger } from '../tensor/blas.js';
import { DimShuffle, dimshuffle } from '../tensor/dimshuffle.js';
import { Dot } from '../tensor/dot.js';
import { Elemwise } from '../tensor/elemwise.js';
import { cast, mul, neg } from '../tensor/math.js';
import { TensorVariable } from '../tensor/variable.js';
import { uniformConstant } from './pattern.js';
import { conform, nodeRewriter, type NodeRewriter } from './rewriter.js';

/** A term of a sum: ±(factors…)·core. */
interface Scaled {
  readonly core: TensorVariable;
  /** Scale factors (every axis broadcastable), outermost first. */
  readonly factors: readonly TensorVariable[];
  readonly negated: boolean;
  /** The variables from the term down to (not including) the core. */
  readonly chain: readonly TensorVariable[];
}

const isScalarLike = (v: TensorVariable): boolean => v.type.shape.every((d) => d === 1);

const elemwiseOp = (v: TensorVariable) => (v.owner !== null && v.owner.op instanceof Elemwise ? v.owner.op.scalarOp : null);

/** Peels negations and multiplications by scalar-like factors off `v`. */
function peel(v: TensorVariable): Scaled {
  const factors: TensorVariable[] = [];
  const chain: TensorVariable[] = [];
  let negated = false;
  let cur = v;
  for (;;) {
    const op = elemwiseOp(cur);
    const inputs = cur.owner?.inputs as TensorVariable[] | undefined;
    if (op === scalar.neg) {
      negated = !negated;
    } else if (op === scalar.mul && inputs!.length === 2 && isScalarLike(inputs![0]!) !== isScalarLike(inputs![1]!)) {
      const k = isScalarLike(inputs![0]!) ? 0 : 1;
      factors.push(inputs![k]!);
      chain.push(cur);
      cur = inputs![1 - k]!;
      continue;
    } else {
      return { core: cur, factors, negated, chain };
    }
    chain.push(cur);
    cur = inputs![0]!;
  }
}

/** A scalar-like tensor as a 0-d one: constants re-made, dimshuffles looked through, else a dimshuffle. */
function toScalar(v: TensorVariable): TensorVariable {
  if (v.ndim === 0) return v;
  const node = v.owner;
  if (node !== null && node.op instanceof DimShuffle) {
    const input = node.inputs[0] as TensorVariable;
    if (isScalarLike(input)) return toScalar(input);
  }
  return dimshuffle(v, []);
}

/**
 * The 0-d scale ±Π factors in `dtype`: constant factors multiplied out now
 * (one constant when all are), variable ones multiplied in the graph.
 * Null when a factor's dtype does not cast safely to `dtype`.
 */
function scaleOf(factors: readonly TensorVariable[], negated: boolean, dtype: DType): TensorVariable | null {
  if (factors.some((f) => !canCastSafely(f.dtype, dtype))) return null;
  const round = storeConverter(dtype);
  let known = 1;
  const vars: TensorVariable[] = [];
  for (const f of factors) {
    const c = uniformConstant(f);
    if (c === null) vars.push(cast(toScalar(f), dtype));
    else known = round(known * c);
  }
  if (negated) known = -known;
  if (vars.length === 0) return constant(known, null, dtype);
  const product = mul(vars[0]!, ...vars.slice(1));
  if (known === 1) return product;
  if (known === -1) return neg(product);
  return mul(constant(known, null, dtype), product);
}

/** True when `chain` (and the product at its end) feed nothing but the next variable up. */
function usedOnlyHere(fgraph: FunctionGraph, vars: readonly TensorVariable[]): boolean {
  return vars.every((v) => {
    const clients = fgraph.clients(v);
    return clients.length === 1 && clients[0]!.node !== 'output';
  });
}

/** A vector for a column (m×1) or row (1×n) matrix: the dimshuffled vector itself when there is one. */
function squeeze(v: TensorVariable, keep: 0 | 1): TensorVariable {
  const node = v.owner;
  const pattern = keep === 0 ? [0, 'x'] : ['x', 0];
  if (node !== null && node.op instanceof DimShuffle && node.op.inputNdim === 1 && node.op.pattern.every((p, i) => p === pattern[i])) {
    return node.inputs[0] as TensorVariable;
  }
  return dimshuffle(v, [keep]);
}

type Kind = 'gemm' | 'gemv' | 'ger';

const BLAS_DTYPES: readonly DType[] = ['float32', 'float64'];

const samePattern = (a: TensorVariable, b: TensorVariable): boolean => a.type.shape.every((d, i) => (d === 1) === (b.type.shape[i] === 1));

/**
 * The BLAS node for `out = productTerm + otherTerm` when it is one of `kind`,
 * or null. `productTerm` must end in a Dot.
 */
function build(kind: Kind, fgraph: FunctionGraph, out: TensorVariable, productTerm: Scaled, otherTerm: Scaled): TensorVariable | null {
  const prod = productTerm.core;
  const z = otherTerm.core;
  const dotNode = prod.owner;
  if (dotNode === null || !(dotNode.op instanceof Dot)) return null;
  const dtype = out.dtype;
  if (!BLAS_DTYPES.includes(dtype)) return null;
  const [x, y] = dotNode.inputs as [TensorVariable, TensorVariable];
  if (![x, y, prod, z].every((v) => v.dtype === dtype)) return null;
  if (z.ndim !== out.ndim || !samePattern(z, out) || !samePattern(prod, out)) return null;
  if (!usedOnlyHere(fgraph, [...productTerm.chain, prod])) return null;

  const isOuter = x.ndim === 2 && y.ndim === 2 && x.type.shape[1] === 1 && y.type.shape[0] === 1;
  const unitBeta = otherTerm.factors.length === 0 && !otherTerm.negated;
  let which: Kind | null = null;
  if (x.ndim === 2 && y.ndim === 2) which = isOuter && unitBeta ? 'ger' : 'gemm';
  else if (x.ndim + y.ndim === 3) which = 'gemv';
  if (which !== kind) return null;

  const alpha = scaleOf(productTerm.factors, productTerm.negated, dtype);
  const beta = scaleOf(otherTerm.factors, otherTerm.negated, dtype);
  if (alpha === null || beta === null) return null;
  switch (kind) {
    case 'gemm':
      return gemm(z, alpha, x, y, beta);
    case 'gemv':
      return x.ndim === 2 ? gemv(z, alpha, x, y, beta) : gemv(z, alpha, y.T, x, beta);
    case 'ger':
      return ger(z, alpha, squeeze(x, 0), squeeze(y, 1));
  }
}

/** A rewriter of `add`/`sub` nodes into the BLAS op `kind`. */
function blasRewriter(name: string, kind: Kind): NodeRewriter {
  return nodeRewriter(name, (node: Apply, fgraph: FunctionGraph) => {
    const op = node.op instanceof Elemwise ? node.op.scalarOp : null;
    if ((op !== scalar.add && op !== scalar.sub) || node.inputs.length !== 2) return null;
    const out = node.outputs[0];
    if (!(out instanceof TensorVariable) || out.ndim < 1 || out.ndim > 2) return null;
    const [a, b] = (node.inputs as TensorVariable[]).map(peel) as [Scaled, Scaled];
    const second = op === scalar.sub ? { ...b, negated: !b.negated } : b;
    // The product may be either term; the other is what it is added to.
    for (const [p, other] of [
      [second, a],
      [a, second],
    ] as const) {
      const built = build(kind, fgraph, out, p, other);
      if (built === null) continue;
      const fitted = conform(built, out);
      if (fitted !== null) return [fitted];
    }
    return null;
  });
}

/** Registered in phase 'specialize' with tags fast_run and blas. */
export const blasSpecializations: NodeRewriter[] = [
  blasRewriter('gemmFromDot', 'gemm'),
  blasRewriter('gemvFromDot', 'gemv'),
  blasRewriter('gerFromOuter', 'ger'),
];
