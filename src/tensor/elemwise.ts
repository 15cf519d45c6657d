/**
 * Elemwise: a ScalarOp mapped over arrays with broadcasting. Inputs of lower
 * rank are padded on the left with broadcastable axes (as numpy). Only axes
 * that are broadcastable in the graph (static length 1) broadcast at run
 * time, as in PyTensor: gradients rely on knowing them when the graph is built.
 */
import { Apply } from '../graph/apply.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { mapInto } from '../ndarray/broadcast.js';
import { NDArray, shapeToString } from '../ndarray/ndarray.js';
import { DTypeError, ShapeError } from '../errors.js';
import type { ScalarOp } from '../scalar/scalarOp.js';
import { TensorType, type StaticDim } from './type.js';
import { TensorVariable } from './variable.js';
import { dimshuffle } from './dimshuffle.js';
import { outputBuffer, nodeError } from './runtime.js';
import { constant } from './asTensor.js';
import { NullGradient, type InputGradient } from '../graph/gradientTerms.js';
import { isFloat } from '../ndarray/dtype.js';
import { config } from '../config.js';
import { tensorGradMath } from './gradMath.js';
import { add, cast, fill, zerosLike } from './math.js';
import { sum } from './reduce.js';

export class Elemwise extends Op {
  override readonly props = ['scalarOp', 'inplace'];
  override readonly destroyMap: Readonly<Record<number, readonly number[]>>;
  readonly scalarOp: ScalarOp;
  /** The input whose buffer the output overwrites (set only by the in-place rewrite), or null. */
  readonly inplace: number | null;

  constructor(scalarOp: ScalarOp, inplace: number | null = null) {
    super();
    this.scalarOp = scalarOp;
    this.inplace = inplace;
    this.destroyMap = inplace === null ? {} : { 0: [inplace] };
  }

  override get name(): string {
    return this.inplace === null ? `Elemwise{${this.scalarOp}}` : `Elemwise{${this.scalarOp},inplace${this.inplace}}`;
  }

  override toString(): string {
    return this.name;
  }

  override makeNode(...inputs: Variable[]): Apply<this> {
    const op = this.scalarOp;
    if (inputs.length !== op.arity) {
      throw new TypeError(`${op.name} takes ${op.arity} input${op.arity === 1 ? '' : 's'}, got ${inputs.length}`);
    }
    const tensors = inputs.map((v, i) => {
      if (!(v instanceof TensorVariable)) throw new TypeError(`input ${i} of ${op.name} must be a tensor variable, got ${v} of type ${v.type}`);
      return v;
    });
    const ndim = Math.max(...tensors.map((t) => t.ndim));
    const padded = tensors.map((t) =>
      t.ndim === ndim ? t : dimshuffle(t, [...new Array<'x'>(ndim - t.ndim).fill('x'), ...t.type.shape.map((_, i) => i)]),
    );
    let dtype;
    try {
      dtype = op.outputDtype(padded.map((t) => t.dtype));
    } catch (e) {
      if (e instanceof DTypeError) throw new DTypeError(`${op.name}(${padded.map((t) => t.dtype).join(', ')}): ${e.message}`);
      throw e;
    }
    return new Apply(this, padded, [new TensorType(dtype, broadcastStaticShape(op.name, padded))]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const arrays = inputs as readonly NDArray[];
    const outType = node.outputs[0]!.type as TensorType;
    const shape = elemwiseOutputShape(node, arrays);
    const out = outputBuffer(this, outputs[0]!, outType.dtype, shape, arrays);
    const fn = this.scalarOp.impl(
      arrays.map((a) => a.dtype),
      outType.dtype,
    );
    mapInto(
      out,
      arrays.map((a) => (a.shape.every((d, i) => d === shape[i]) ? a : a.broadcastTo(shape))),
      fn,
    );
    outputs[0]!.value = out;
  }

  override checkInputs(node: Apply, inputs: readonly unknown[]): void {
    elemwiseOutputShape(node, inputs as readonly NDArray[]);
  }

  override inferShape(node: Apply, inputShapes: readonly SymbolicShape[]): SymbolicShape[] {
    return [broadcastSymbolicShape(node, inputShapes)];
  }

  /**
   * The scalar op's gradient rule applied to tensors, each term summed over
   * the axes its input was broadcast along, so it has the input's shape.
   */
  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const inputs = node.inputs as TensorVariable[];
    const rule = this.scalarOp.grad;
    if (rule === undefined) {
      return inputs.map(() => new NullGradient(`${this} has no gradient rule (node built at ${node.trace})`));
    }
    const terms = rule(tensorGradMath, inputs, node.outputs[0] as TensorVariable, gz as TensorVariable);
    return inputs.map((x, i) => {
      const term = terms[i] ?? null;
      if (term === null) return zerosLike(x, isFloat(x.dtype) ? x.dtype : config.floatX);
      return sumToBroadcastPattern(term, x);
    });
  }

  /** Forward mode: Σ_i (∂out/∂x_i) v_i, from the same rule (it is linear in the output gradient). */
  override rOp(node: Apply, evalPoints: readonly (Variable | null)[]): (Variable | null)[] {
    const rule = this.scalarOp.grad;
    const inputs = node.inputs as TensorVariable[];
    const out = node.outputs[0] as TensorVariable;
    let total: TensorVariable | null = null;
    inputs.forEach((_, i) => {
      const v = evalPoints[i];
      if (v === null || v === undefined) return;
      if (rule === undefined) throw new TypeError(`${this} has no gradient rule, so no R-operator (node built at ${node.trace})`);
      const term = rule(tensorGradMath, inputs, out, v as TensorVariable)[i];
      if (term === null || term === undefined) return;
      total = total === null ? term : add(total, term);
    });
    if (total === null) return [null];
    let tangent: TensorVariable = total;
    if (tangent.type.shape.some((d, ax) => d === 1 && out.type.shape[ax] !== 1)) tangent = fill(out, tangent);
    return [tangent.dtype === out.dtype || !isFloat(out.dtype) ? tangent : cast(tangent, out.dtype)];
  }
}

/**
 * The symbolic output shape of an elementwise node: the static length where
 * known, else the length of an input that is not broadcastable on that axis.
 */
export function broadcastSymbolicShape(node: Apply, inputShapes: readonly SymbolicShape[]): SymbolicShape {
  const outType = node.outputs[0]!.type as TensorType;
  return outType.shape.map((known, ax) => {
    if (known !== null) return constant(known, null, 'int64') as Variable;
    const k = node.inputs.findIndex((i) => (i.type as TensorType).shape[ax] !== 1);
    return inputShapes[k]![ax]!;
  });
}

/** The static output shape of an elementwise op over same-rank inputs; throws when known lengths conflict. */
export function broadcastStaticShape(opName: string, inputs: readonly TensorVariable[]): StaticDim[] {
  const ndim = inputs[0]?.ndim ?? 0;
  const shape: StaticDim[] = [];
  for (let ax = 0; ax < ndim; ax++) {
    const dims = inputs.map((t) => t.type.shape[ax]!);
    const known = [...new Set(dims.filter((d): d is number => d !== null && d !== 1))];
    if (known.length > 1) {
      throw new ShapeError(
        `${opName}: static shapes ${inputs.map((t) => t.type.shapeString()).join(', ')} do not match on axis ${ax} (${known.join(' vs ')})`,
      );
    }
    shape.push(known.length === 1 ? known[0]! : dims.every((d) => d === 1) ? 1 : null);
  }
  return shape;
}

/**
 * The run-time output shape of an elementwise node: inputs must agree on
 * every axis except where they are broadcastable in the graph.
 */
export function elemwiseOutputShape(node: Apply, arrays: readonly NDArray[]): number[] {
  const ndim = (node.outputs[0]!.type as TensorType).ndim;
  const shape: number[] = [];
  for (let ax = 0; ax < ndim; ax++) {
    let len = -1;
    let from = -1;
    for (let k = 0; k < arrays.length; k++) {
      const broadcastable = (node.inputs[k]!.type as TensorType).shape[ax] === 1;
      const d = arrays[k]!.shape[ax]!;
      if (broadcastable) continue;
      if (len === -1) {
        len = d;
        from = k;
      } else if (d !== len) {
        const stretch = d === 1 || len === 1 ? ` Input ${d === 1 ? k : from}'s axis ${ax} has length 1 but is not broadcastable in the graph; declare it broadcastable (T.row, T.col, or a static shape with 1) to broadcast it.` : '';
        throw nodeError(
          node,
          `input shapes ${arrays.map((a) => shapeToString(a.shape)).join(', ')} do not match on axis ${ax} (inputs ${from} and ${k}: ${len} vs ${d}).${stretch}`,
        );
      }
    }
    shape.push(len === -1 ? 1 : len);
  }
  return shape;
}

/** Sums `term` over the axes where `x` is broadcastable and `term` is not, keeping them as length 1. */
export function sumToBroadcastPattern(term: TensorVariable, x: TensorVariable): TensorVariable {
  const axes = x.type.shape.flatMap((d, ax) => (d === 1 && term.type.shape[ax] !== 1 ? [ax] : []));
  return axes.length === 0 ? term : sum(term, axes, { keepdims: true });
}

/** The Elemwise op of each ScalarOp, made once (so equal ops are also identical). */
const elemwiseOps = new Map<ScalarOp, Elemwise>();

export function elemwiseOf(scalarOp: ScalarOp): Elemwise {
  let found = elemwiseOps.get(scalarOp);
  if (found === undefined) {
    found = new Elemwise(scalarOp);
    elemwiseOps.set(scalarOp, found);
  }
  return found;
}
