/**
 * Fill sinking (Theano's local_fill_sink, local_fill_to_alloc and "sum of
 * alloc"): `fill(m, c)` (= `second(m, c)`, c spread to m's shape) mostly
 * carries only a shape — gradients are full of them (the gradient of a sum
 * is `fill(x, gz)`). These rewrites move the fill out of elementwise chains
 * so the chain computes on the small value and the shape is applied once:
 *
 * - `f(fill(m, c), d) → fill(m, f(c, d))`, the fill dropped when `f(c, d)`
 *   already has the output's type (`mul(fill(x, 1), y) → y` when shapes match).
 *   Ops of two or more inputs only: there another operand can carry the
 *   shape and the fill vanish; a unary op of a fill is left to fusion, which
 *   computes both in one loop (and keeps a chain like `x + tanh(x - x)`
 *   a chain rather than collapsing it to `x`);
 * - `fill(a, b) → b` when b already has the output's type;
 * - `fill(fill(m, c), v) → fill(m, v)` and `fill(a, fill(m, c)) → fill(a, c)`
 *   when the type allows;
 * - `sum(fill(m, c)) → c * (product of m's lengths on the summed axes)`,
 *   when c is broadcastable on those axes (and, summing over only some
 *   axes, not broadcastable on the kept ones where the output is not: there
 *   is no node yet to spread a value to a shape with fewer axes than m);
 * - a sum, over axes of static length 1, of a dimshuffle is a dimshuffle dropping them.
 *
 * Like Theano, sinking drops the run-time check that m agrees in shape
 * with the other inputs: the result has m's shape.
 */
import type { Apply } from '../graph/apply.js';
import * as scalar from '../scalar/ops.js';
import { DimShuffle, dimshuffle } from '../tensor/dimshuffle.js';
import { Elemwise, elemwiseOf } from '../tensor/elemwise.js';
import { cast, mul } from '../tensor/math.js';
import { CAReduce } from '../tensor/reduce.js';
import { shapeI } from '../tensor/shape.js';
import { TensorVariable } from '../tensor/variable.js';
import { conform, nodeRewriter, type NodeRewriter } from './rewriter.js';

/** The (model, value) of a `fill(model, value)` node's output, or null. */
export function fillParts(v: unknown): { model: TensorVariable; value: TensorVariable } | null {
  if (!(v instanceof TensorVariable)) return null;
  const n = v.owner;
  if (n === null || !(n.op instanceof Elemwise) || n.op.scalarOp !== scalar.second) return null;
  return { model: n.inputs[0] as TensorVariable, value: n.inputs[1] as TensorVariable };
}

function singleTensorOut(node: Apply): TensorVariable | null {
  if (node.outputs.length !== 1) return null;
  const out = node.outputs[0]!;
  return out instanceof TensorVariable ? out : null;
}

/** Rebuilds an elementwise node on new inputs; null when the op refuses them. */
function rebuild(node: Apply, inputs: TensorVariable[]): TensorVariable | null {
  try {
    return elemwiseOf((node.op as Elemwise).scalarOp).apply1(...inputs) as TensorVariable;
  } catch {
    return null;
  }
}

/** `f(fill(m, c), d) → fill(m, f(c, d))`, conformed to the old type. */
export const fillSink = nodeRewriter('fillSink', (node) => {
  if (!(node.op instanceof Elemwise) || node.op.scalarOp === scalar.second || node.inputs.length < 2) return null;
  const out = singleTensorOut(node);
  if (out === null) return null;
  const k = node.inputs.findIndex((i) => fillParts(i) !== null);
  if (k < 0) return null;
  const { model, value } = fillParts(node.inputs[k])!;
  if (model.ndim !== out.ndim) return null;
  const inputs = node.inputs.map((i, j) => (j === k ? value : (i as TensorVariable)));
  // The value may have fewer axes than the node's other inputs: rebuild pads it.
  const inner = rebuild(node, inputs);
  if (inner === null || inner.ndim !== out.ndim) return null;
  const fitted = conform(inner, out, model);
  return fitted === null ? null : [fitted];
});

/** `fill(a, b) → b` when b already has the output's type; nested fills collapse. */
export const fillSimplify = nodeRewriter('fillSimplify', (node) => {
  if (!(node.op instanceof Elemwise) || node.op.scalarOp !== scalar.second) return null;
  const out = singleTensorOut(node);
  if (out === null) return null;
  const [a, b] = node.inputs as TensorVariable[];
  if (b!.type.equals(out.type)) return [b!];
  const outerModel = fillParts(a);
  if (outerModel !== null && outerModel.model.ndim === out.ndim) {
    const r = conform(b!.ndim === out.ndim ? b! : dimshuffle(b!, [...Array(out.ndim - b!.ndim).fill('x'), ...b!.type.shape.map((_, i) => i)]), out, outerModel.model);
    if (r !== null) return [r];
  }
  const inner = fillParts(b);
  if (inner !== null && a!.ndim === out.ndim) {
    const v = inner.value;
    const padded = v.ndim === out.ndim ? v : v.ndim < out.ndim ? dimshuffle(v, [...Array(out.ndim - v.ndim).fill('x'), ...v.type.shape.map((_, i) => i)]) : null;
    if (padded !== null) {
      const r = conform(padded, out, a!);
      if (r !== null) return [r];
    }
  }
  return null;
});

/** Sum of a fill (Theano's "sum of alloc"): the value times the number of summed elements. */
export const sumOfFill = nodeRewriter('sumOfFill', (node) => {
  if (!(node.op instanceof CAReduce) || node.op.scalarOp !== scalar.add) return null;
  const out = singleTensorOut(node);
  if (out === null) return null;
  const parts = fillParts(node.inputs[0]);
  if (parts === null) return null;
  const x = node.inputs[0] as TensorVariable;
  const axes = node.op.axes;
  let c = parts.value;
  if (c.ndim > x.ndim) return null;
  if (c.ndim < x.ndim) c = dimshuffle(c, [...Array(x.ndim - c.ndim).fill('x'), ...c.type.shape.map((_, i) => i)]);
  if (!axes.every((a) => c.type.shape[a] === 1)) return null;
  if (parts.model.ndim !== x.ndim) return null;
  const kept = [...Array(x.ndim).keys()].filter((a) => !axes.includes(a));
  const reduced = dimshuffle(c, kept);
  const dtype = out.dtype;
  if (axes.length === 0) return null;
  const count = axes.map((a) => shapeI(parts.model, a)).reduce((acc, d) => mul(acc, d));
  const result = mul(cast(reduced, dtype), cast(count, dtype));
  const fitted = conform(result, out);
  return fitted === null ? null : [fitted];
});

/** A sum over axes of static length 1 adds nothing up: it drops them. */
export const sumOverUnitAxes = nodeRewriter('sumOverUnitAxes', (node) => {
  if (!(node.op instanceof CAReduce) || node.op.scalarOp !== scalar.add) return null;
  const out = singleTensorOut(node);
  if (out === null) return null;
  const x = node.inputs[0] as TensorVariable;
  const axes = node.op.axes;
  // Only over a dimshuffle (the gradient of a broadcast: sum(x.dimshuffle('x'), 0)), which the
  // dimshuffle absorbs; a sum over an elementwise chain stays, to fuse with it.
  if (x.owner === null || !(x.owner.op instanceof DimShuffle)) return null;
  if (axes.length === 0 || !axes.every((a) => x.type.shape[a] === 1)) return null;
  const dropped = dimshuffle(x, [...Array(x.ndim).keys()].filter((a) => !axes.includes(a)));
  const fitted = conform(dropped, out);
  return fitted === null ? null : [fitted];
});

export const fillRewrites: NodeRewriter[] = [fillSimplify, fillSink, sumOfFill, sumOverUnitAxes];
