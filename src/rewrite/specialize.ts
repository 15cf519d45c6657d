/**
 * Specialisation: replacing general operations by cheaper special cases
 * once the graph is in canonical, stable form — x**2 is sqr(x), x**0.5 is
 * sqrt(x), x * x is sqr(x).
 */
import { reciprocal, sqr, sqrt } from '../tensor/math.js';
import { P } from './pattern.js';
import { patternRewriter, type NodeRewriter } from './rewriter.js';

const x = P.v('x');

export const specializations: NodeRewriter[] = [
  patternRewriter('powTwoToSqr', P.pow(x, 2), ({ x }) => sqr(x!)),
  patternRewriter('powHalfToSqrt', P.pow(x, 0.5), ({ x }) => sqrt(x!)),
  patternRewriter('powOneToIdentity', P.pow(x, 1), ({ x }) => x!),
  patternRewriter('powMinusOneToReciprocal', P.pow(x, -1), ({ x }) => reciprocal(x!)),
  patternRewriter('mulSelfToSqr', P.mul(x, x), ({ x }) => sqr(x!)),
];
