/**
 * Stabilisation of softmax graphs:
 * - logSoftmaxFromLog: log(softmax(x)) → logSoftmax(x), also through a
 *   gather of the probabilities (`log(softmax(x)[i, labels])`, the
 *   categorical cross-entropy) — finite where softmax underflows to 0;
 * - softmaxGradOfLog: the gradient of those, SoftmaxGrad(g / y, y) →
 *   g - y·Σ g (and with the gather: the scattered g), so no division by a
 *   probability is left in the gradient either.
 */
import type { Apply } from '../graph/apply.js';
import type { Variable } from '../graph/variable.js';
import * as scalar from '../scalar/ops.js';
import type { ScalarOp } from '../scalar/scalarOp.js';
import { AdvancedIncSubtensor, AdvancedSubtensor } from '../tensor/advancedSubtensor.js';
import { Elemwise } from '../tensor/elemwise.js';
import { mul, neg, sub } from '../tensor/math.js';
import { LogSoftmax, Softmax, SoftmaxGrad } from '../tensor/nnet/softmax.js';
import { sum } from '../tensor/reduce.js';
import { Subtensor } from '../tensor/subtensor.js';
import type { TensorVariable } from '../tensor/variable.js';
import { fillParts } from './fill.js';
import { uniformConstant } from './pattern.js';
import { nodeRewriter, type NodeRewriter } from './rewriter.js';

const isElemwise = (v: Variable, op: ScalarOp) => v.owner !== null && v.owner.op instanceof Elemwise && v.owner.op.scalarOp === op;

/** `log(y)` with y = softmax(x), possibly gathered by Subtensor/AdvancedSubtensor: the same gather of logSoftmax(x). */
export const logSoftmaxFromLog = nodeRewriter('logSoftmaxFromLog', (node) => {
  if (!(node.op instanceof Elemwise) || node.op.scalarOp !== scalar.log) return null;
  let v = node.inputs[0]!;
  const gather = v.owner !== null && (v.owner.op instanceof Subtensor || v.owner.op instanceof AdvancedSubtensor) ? v.owner : null;
  if (gather !== null) v = gather.inputs[0]!;
  if (v.owner === null || !(v.owner.op instanceof Softmax)) return null;
  const logs = new LogSoftmax(v.owner.op.axis).makeNode(v.owner.inputs[0]!).outputs[0]!;
  if (gather === null) return [logs];
  return [gather.op.makeNode(logs, ...gather.inputs.slice(1)).outputs[0]!];
});

/** a when v is a / d or -(b / d) (then -b), with d given; null otherwise. */
function numeratorOver(v: Variable, d: Variable): TensorVariable | null {
  let negated = false;
  if (isElemwise(v, scalar.neg)) {
    negated = true;
    v = v.owner!.inputs[0]!;
  }
  if (!isElemwise(v, scalar.trueDiv) || v.owner!.inputs[1] !== d) return null;
  const a = v.owner!.inputs[0] as TensorVariable;
  return negated ? neg(a) : a;
}

const isZeros = (v: Variable): boolean => uniformConstant(v) === 0 || (fillParts(v) !== null && uniformConstant(fillParts(v)!.value) === 0);

export const softmaxGradOfLog = nodeRewriter('softmaxGradOfLog', (node: Apply) => {
  if (!(node.op instanceof SoftmaxGrad)) return null;
  const [g, y] = node.inputs as [TensorVariable, TensorVariable];
  const axis = node.op.axis;
  const stable = (scattered: TensorVariable) => sub(scattered, mul(y, sum(scattered, [axis], { keepdims: true })));
  // SoftmaxGrad(a / y, y) = a - y·Σ a.
  const direct = numeratorOver(g, y);
  if (direct !== null) return [stable(direct)];
  // SoftmaxGrad(inc(zeros, a / y[idx], idx), y) = s - y·Σ s with s = inc(zeros, a, idx).
  const inc = g.owner;
  if (inc === null || !(inc.op instanceof AdvancedIncSubtensor) || inc.op.set || !isZeros(inc.inputs[0]!)) return null;
  const value = inc.inputs[1]!;
  const index = inc.inputs.slice(2);
  let d = value.owner?.op instanceof Elemwise && value.owner.op.scalarOp === scalar.neg ? value.owner.inputs[0]! : value;
  d = d.owner?.inputs[1] ?? d;
  const gathered = d.owner;
  if (gathered === null || !(gathered.op instanceof AdvancedSubtensor) || gathered.inputs[0] !== y) return null;
  if (!gathered.op.equals(new AdvancedSubtensor(inc.op.entries)) || gathered.inputs.slice(1).some((v, k) => v !== index[k])) return null;
  const a = numeratorOver(value, gathered.outputs[0]!);
  if (a === null) return null;
  const scattered = new AdvancedIncSubtensor(inc.op.entries, false).makeNode(inc.inputs[0]!, a, ...index).outputs[0] as TensorVariable;
  return [stable(scattered)];
});

export const nnetStabilizations: NodeRewriter[] = [logSoftmaxFromLog, softmaxGradOfLog];
