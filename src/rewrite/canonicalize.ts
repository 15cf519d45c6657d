/**
 * Canonicalisation: rewrites that bring equivalent expressions to one
 * simpler form, so later phases see fewer shapes of the same computation.
 */
import type { Apply } from '../graph/apply.js';
import type { SymbolicShape } from '../graph/op.js';
import { DimShuffle, dimshuffle } from '../tensor/dimshuffle.js';
import { Reshape } from '../tensor/reshape.js';
import { Elemwise } from '../tensor/elemwise.js';
import { neg, onesLike, zerosLike } from '../tensor/math.js';
import { ShapeI, symbolicShape } from '../tensor/shape.js';
import { TensorVariable } from '../tensor/variable.js';
import { P, uniformConstant } from './pattern.js';
import { nodeRewriter, patternRewriter, type NodeRewriter } from './rewriter.js';

const x = P.v('x');

/** Algebraic identities, each as pattern → replacement. */
export const algebraicIdentities: NodeRewriter[] = [
  patternRewriter('mulByOne', P.mul(x, 1), ({ x }) => x!),
  patternRewriter('addZero', P.add(x, 0), ({ x }) => x!),
  patternRewriter('subZero', P.sub(x, 0), ({ x }) => x!),
  patternRewriter('zeroSub', P.sub(0, x), ({ x }) => neg(x!)),
  patternRewriter('mulByMinusOne', P.mul(x, -1), ({ x }) => neg(x!)),
  patternRewriter('divByOne', P.trueDiv(x, 1), ({ x }) => x!),
  patternRewriter('negNeg', P.neg(P.neg(x)), ({ x }) => x!),
  // x - x is 0 and x / x is 1 for every finite non-zero x, as in Theano.
  patternRewriter('subSelf', P.sub(x, x), ({ x }) => zerosLike(x!)),
  patternRewriter('divSelf', P.trueDiv(x, x), ({ x }) => onesLike(x!)),
];

/** A dimshuffle of a dimshuffle is one dimshuffle; one that changes nothing goes away. */
export const mergeDimShuffles = nodeRewriter('mergeDimShuffles', (node: Apply) => {
  if (!(node.op instanceof DimShuffle)) return null;
  const input = node.inputs[0] as TensorVariable;
  const outer = node.op.pattern;
  if (outer.length === input.ndim && outer.every((p, i) => p === i)) return [input];
  const inner = input.owner;
  if (inner === null || !(inner.op instanceof DimShuffle)) return null;
  const innerPattern = inner.op.pattern;
  const composed = outer.map((p) => (p === 'x' ? 'x' : innerPattern[p]!));
  return [dimshuffle(inner.inputs[0] as TensorVariable, composed)];
});

/**
 * A reshape of a reshape is one reshape of the original (the lengths asked
 * last are all that count); a reshape to the static shape a value already
 * has goes away. (Like Theano's, the merge drops the intermediate reshape's
 * size check.)
 */
export const mergeReshapes = nodeRewriter('mergeReshapes', (node: Apply) => {
  if (!(node.op instanceof Reshape)) return null;
  const input = node.inputs[0] as TensorVariable;
  const out = node.outputs[0] as TensorVariable;
  if (input.type.equals(out.type) && out.type.shape.every((d) => d !== null)) return [input];
  const inner = input.owner;
  if (inner === null || !(inner.op instanceof Reshape)) return null;
  const merged = node.op.makeNode(inner.inputs[0]!, ...node.inputs.slice(1)).outputs[0]!;
  return merged.type.equals(out.type) ? [merged] : null;
});

/** A cast to the dtype a value already has is no cast. */
export const removeNoopCast = nodeRewriter('removeNoopCast', (node: Apply) => {
  if (!(node.op instanceof Elemwise) || node.op.scalarOp.name !== 'cast') return null;
  const input = node.inputs[0]!;
  return input.type.equals(node.outputs[0]!.type) ? [input] : null;
});

/**
 * The length of an axis of an op's output, computed from the op's shape
 * rule instead of running the op (Theano's ShapeFeature): `x.dot(w).shape[0]`
 * needs only `x.shape[0]`.
 */
export const shapeFromInferShape = nodeRewriter('shapeFromInferShape', (node: Apply) => {
  if (!(node.op instanceof ShapeI)) return null;
  const v = node.inputs[0] as TensorVariable;
  const producer = v.owner;
  if (producer === null || producer.op.inferShape === undefined) return null;
  let shapes: SymbolicShape[];
  try {
    shapes = producer.op.inferShape(
      producer,
      producer.inputs.map((i) => (i instanceof TensorVariable ? symbolicShape(i) : [])),
    );
  } catch {
    return null;
  }
  const dim = shapes[v.index]?.[node.op.i];
  if (dim === undefined || !(dim instanceof TensorVariable) || !dim.type.equals(node.outputs[0]!.type)) return null;
  return [dim];
});

/** A constant int64 scalar that stands for a length equal to a known static one. */
export const staticShapeI = nodeRewriter('staticShapeI', (node: Apply) => {
  if (!(node.op instanceof ShapeI)) return null;
  const known = (node.inputs[0] as TensorVariable).type.shape[node.op.i];
  if (known === null || known === undefined) return null;
  const dim = symbolicShape(node.inputs[0] as TensorVariable)[node.op.i]!;
  return uniformConstant(dim) === known ? [dim] : null;
});
