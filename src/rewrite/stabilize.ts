/**
 * Stabilisation: rewrites that compute the same value without overflow or
 * cancellation — so `log(1 / (1 + exp(-x)))` is finite at x = -1000 instead
 * of -inf, and `log(1 + x)` keeps its digits for tiny x.
 */
import { log1p, neg as negOp, sigmoid, softplus, expm1 } from '../tensor/math.js';
import type { TensorVariable } from '../tensor/variable.js';
import { P, match } from './pattern.js';
import { patternRewriter, type NodeRewriter } from './rewriter.js';

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
