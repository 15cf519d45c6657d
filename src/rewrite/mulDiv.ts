/**
 * Mul/div/neg normalisation (the parts of Theano's local_mul_canonizer and
 * local_neg_* rewrites that gradient graphs need):
 *
 * - a chain of muls is flattened: its constants gather into one factor
 *   (folded by constant folding: `(x * 2) * 3 → x * 6`, `2 * (x * 3)`) and
 *   its negations leave it as one outer neg (`neg(x) * neg(y) → x * y`,
 *   `x * neg(y) → neg(x * y)`); float outputs only, so integer wrap-around
 *   is never reassociated;
 * - negations leave divisions too: `neg(a) / b → neg(a / b)`;
 * - `-(a - b) → b - a`, `a - neg(b) → a + b`, `a + neg(b) → a - b`;
 * - `x / c → x * (1/c)` only when c is a power of two, so 1/c is exact;
 * - cancellation, as Theano does it: `(x * y) / y → x`, `(x / y) * y → x`,
 *   `x * (1 / x) → 1`. Like `x / x → 1` (see canonicalize.ts), these are
 *   exact for every finite non-zero y; where y is 0 or ±inf the rewritten
 *   graph gives the limit value instead of NaN — the same choice Theano makes.
 */
import type { Apply } from '../graph/apply.js';
import type { FunctionGraph } from '../graph/fgraph.js';
import { isFloat } from '../ndarray/dtype.js';
import * as scalar from '../scalar/ops.js';
import { Elemwise } from '../tensor/elemwise.js';
import { add, mul, neg, onesLike, sub, trueDiv } from '../tensor/math.js';
import type { ScalarOp } from '../scalar/scalarOp.js';
import { TensorVariable } from '../tensor/variable.js';
import { P, uniformConstant } from './pattern.js';
import { conform, nodeRewriter, patternRewriter, type NodeRewriter } from './rewriter.js';

const x = P.v('x');
const y = P.v('y');
const a = P.v('a');
const b = P.v('b');

const isOp = (v: unknown, op: ScalarOp): boolean =>
  v instanceof TensorVariable && v.owner !== null && v.owner.op instanceof Elemwise && v.owner.op.scalarOp === op;

/** The factors of a mul tree (through nested muls and negs), the number of negs met, and its constants. */
function collectFactors(v: TensorVariable, acc: { factors: TensorVariable[]; consts: TensorVariable[]; negs: number }): void {
  if (isOp(v, scalar.mul)) {
    for (const i of v.owner!.inputs) collectFactors(i as TensorVariable, acc);
  } else if (isOp(v, scalar.neg)) {
    acc.negs++;
    collectFactors(v.owner!.inputs[0] as TensorVariable, acc);
  } else if (v.isConstant()) acc.consts.push(v);
  else acc.factors.push(v);
}

/** Flattens a float mul chain: constants gathered into one factor, negations lifted out. */
export const mulFlatten = nodeRewriter('mulFlatten', (node: Apply, _fg: FunctionGraph) => {
  if (!(node.op instanceof Elemwise) || node.op.scalarOp !== scalar.mul) return null;
  const out = node.outputs[0] as TensorVariable;
  if (!isFloat(out.dtype)) return null;
  const acc = { factors: [] as TensorVariable[], consts: [] as TensorVariable[], negs: 0 };
  for (const i of node.inputs) collectFactors(i as TensorVariable, acc);
  if (acc.consts.length < 2 && acc.negs === 0) return null;
  const terms = [...acc.factors];
  if (acc.consts.length > 0) terms.push(acc.consts.reduce((p, c) => mul(p, c)));
  if (terms.length === 0) return null;
  let r = terms.reduce((p, t) => mul(p, t));
  if (acc.negs % 2 === 1) r = neg(r);
  const fitted = conform(r, out, node.inputs.find((i) => (i as TensorVariable).type.equals(out.type)) as TensorVariable | undefined);
  return fitted === null ? null : [fitted];
});

/** Whether a uniform constant is a power of two (so its reciprocal is exact in any float dtype). */
function isPowerOfTwo(c: number): boolean {
  if (!Number.isFinite(c) || c === 0) return false;
  const m = Math.abs(c);
  const e = Math.log2(m);
  return Number.isInteger(e) && Math.abs(e) < 126;
}

export const mulDivRewrites: NodeRewriter[] = [
  mulFlatten,
  patternRewriter('divNegNumerator', P.trueDiv(P.neg(x), y), ({ x, y }) => neg(trueDiv(x!, y!))),
  patternRewriter('divNegDenominator', P.trueDiv(x, P.neg(y)), ({ x, y }) => neg(trueDiv(x!, y!))),
  patternRewriter('negSub', P.neg(P.sub(a, b)), ({ a, b }) => sub(b!, a!)),
  patternRewriter('subNeg', P.sub(a, P.neg(b)), ({ a, b }) => add(a!, b!)),
  patternRewriter('addNeg', P.add(a, P.neg(b)), ({ a, b }) => sub(a!, b!)),
  patternRewriter('divByPowerOfTwo', P.trueDiv(x, y), ({ x, y }, out) => {
    const c = uniformConstant(y!);
    if (c === null || c === 1 || !isPowerOfTwo(c) || !isFloat(out.dtype) || y!.dtype !== out.dtype) return null;
    return mul(x!, trueDiv(1, y!));
  }),
  patternRewriter('mulDivCancel', P.trueDiv(P.mul(x, y), y), ({ x }) => x!),
  patternRewriter('divMulCancel', P.mul(P.trueDiv(x, y), y), ({ x }) => x!),
  patternRewriter('mulReciprocalCancel', P.mul(x, P.reciprocal(x)), ({ x }, out) => onesLike(x!, out.dtype)),
];
