/**
 * pp's printers for the tensor layer's ops: Elemwise through the operator
 * table (infix, prefix or call by scalar op), DimShuffle (`x.T`), CAReduce
 * (`sum(x, axis=[0])`) and Dot (`dot(x, w)`).
 */
import type { Op } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { Elemwise } from '../tensor/elemwise.js';
import { DimShuffle } from '../tensor/dimshuffle.js';
import { CAReduce } from '../tensor/reduce.js';
import { Dot } from '../tensor/dot.js';
import type { TensorType } from '../tensor/type.js';
import type { ScalarOp } from '../scalar/scalarOp.js';
import { CALL_NAMES, INFIX_OPERATORS, PREFIX_OPERATORS, REDUCTION_NAMES } from './operators.js';
import { call, infix, postfix, prefix } from './syntax.js';
import type { OpPrinter } from './pp.js';

/** True for the DimShuffle Elemwise inserts to pad an input's rank with leading broadcastable axes. */
function isRankPadding(v: Variable): boolean {
  const node = v.owner;
  if (node === null || !(node.op instanceof DimShuffle) || v.name !== null) return false;
  const pattern = node.op.pattern;
  const k = pattern.length - node.op.inputNdim;
  return k > 0 && pattern.every((p, i) => (i < k ? p === 'x' : p === i - k));
}

/** `cast{float32}`: the scalar op's call name, with its parameters' values. */
function scalarCallName(op: ScalarOp): string {
  const params = Object.values(op.params);
  const name = CALL_NAMES[op.name] ?? op.name;
  return params.length === 0 ? name : `${name}{${params.join(',')}}`;
}

/**
 * Padding DimShuffles are left out: re-reading `x + b` pads `b` again, so
 * the expression still stands for the same graph.
 */
const printElemwise: OpPrinter = (node, _output, context) => {
  const scalarOp = (node.op as Elemwise).scalarOp;
  const args = node.inputs.map((i) => context.arg(isRankPadding(i) ? i.owner!.inputs[0]! : i));
  const op = INFIX_OPERATORS[scalarOp.name];
  if (op !== undefined && args.length === 2) return infix(op, args[0]!, args[1]!, context.parens);
  const symbol = PREFIX_OPERATORS[scalarOp.name];
  if (symbol !== undefined && args.length === 1) return prefix(symbol, args[0]!);
  return call(scalarCallName(scalarOp), args);
};

/** `x.T` for a full transpose, `DimShuffle{...}(x)` otherwise. */
const printDimShuffle: OpPrinter = (node, _output, context) => {
  const op = node.op as DimShuffle;
  const x = context.arg(node.inputs[0]!);
  const n = op.inputNdim;
  const reversed = n >= 2 && op.pattern.length === n && op.pattern.every((p, i) => p === n - 1 - i);
  return reversed ? postfix(x, '.T') : call(String(op), [x]);
};

/** `sum(x)` over all axes, `sum(x, axis=[0])` over some, with `dtype='...'` when one was asked for. */
const printReduce: OpPrinter = (node, _output, context) => {
  const op = node.op as CAReduce;
  const x = context.arg(node.inputs[0]!);
  const name = REDUCTION_NAMES[op.scalarOp.name];
  if (name === undefined) return call(String(op), [x]);
  const ndim = (node.inputs[0]!.type as TensorType).ndim;
  const keywords: [string, string][] = [];
  if (op.axes.length !== ndim) keywords.push(['axis', `[${op.axes.join(', ')}]`]);
  if (op.dtype !== null) keywords.push(['dtype', `'${op.dtype}'`]);
  return call(name, [x], keywords);
};

const printDot: OpPrinter = (node, _output, context) => call('dot', node.inputs.map((i) => context.arg(i)));

/** Printers by op class (pp's registry starts from this table). */
export const TENSOR_PRINTERS: readonly (readonly [abstract new (...args: never[]) => Op, OpPrinter])[] = [
  [Elemwise, printElemwise],
  [DimShuffle, printDimShuffle],
  [CAReduce, printReduce],
  [Dot, printDot],
];
