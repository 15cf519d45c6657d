/**
 * Ops that pass their input through unchanged but alter its gradient:
 * `zeroGrad`, `disconnectedGrad`, `considerConstant`, `gradClip`,
 * `gradScale` (Theano's gradient modifiers). The forward value is a view of
 * the input; only the backward rule differs.
 */
import { Apply } from '../graph/apply.js';
import { disconnected, type InputGradient } from '../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { asTensorVariable, type TensorLike } from '../tensor/asTensor.js';
import { clip, mul, zerosLike } from '../tensor/math.js';
import { TensorVariable } from '../tensor/variable.js';

type Kind = 'zero' | 'disconnected' | 'clip' | 'scale';

export class GradientModifier extends Op {
  override readonly props = ['kind', 'low', 'high'];
  override readonly viewMap = { 0: [0] };
  readonly kind: Kind;
  /** Clip bounds, or the scale factor in `low`. */
  readonly low: number;
  readonly high: number;

  constructor(kind: Kind, low = 0, high = 0) {
    super();
    this.kind = kind;
    this.low = low;
    this.high = high;
  }

  override toString(): string {
    if (this.kind === 'clip') return `GradClip{${this.low}, ${this.high}}`;
    if (this.kind === 'scale') return `GradScale{${this.low}}`;
    return this.kind === 'zero' ? 'ZeroGrad' : 'DisconnectedGrad';
  }

  override makeNode(x: Variable): Apply<this> {
    if (!(x instanceof TensorVariable)) throw new TypeError(`${this} needs a tensor variable, got ${x}`);
    return new Apply(this, [x], [x.type]);
  }

  override perform(_node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    outputs[0]!.value = inputs[0];
  }

  override inferShape(_node: Apply, inputShapes: readonly SymbolicShape[]): SymbolicShape[] {
    return [inputShapes[0]!];
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const g = gz as TensorVariable;
    switch (this.kind) {
      case 'zero':
        return [zerosLike(node.inputs[0] as TensorVariable)];
      case 'disconnected':
        return [disconnected];
      case 'clip':
        return [clip(g, this.low, this.high)];
      case 'scale':
        return [mul(g, this.low)];
    }
  }

  override rOp(node: Apply, evalPoints: readonly (Variable | null)[]): (Variable | null)[] {
    const v = evalPoints[0] as TensorVariable | null;
    if (v === null) return [null];
    if (this.kind === 'zero') return [zerosLike(node.outputs[0] as TensorVariable)];
    if (this.kind === 'disconnected') return [null];
    return [v];
  }
}

const apply = (op: GradientModifier, x: TensorLike): TensorVariable => op.apply1(asTensorVariable(x)) as TensorVariable;

/** x, with a zero gradient: the cost still depends on x, but learning does not flow through it. */
export function zeroGrad(x: TensorLike): TensorVariable {
  return apply(new GradientModifier('zero'), x);
}

/** x, treated as not part of the graph for gradients (asking for d/dx through it is "disconnected"). */
export function disconnectedGrad(x: TensorLike): TensorVariable {
  return apply(new GradientModifier('disconnected'), x);
}

/** Theano's `consider_constant`: x, with a zero gradient. */
export function considerConstant(x: TensorLike): TensorVariable {
  return zeroGrad(x);
}

/** x, with its gradient clipped elementwise to [low, high]. */
export function gradClip(x: TensorLike, low: number, high: number): TensorVariable {
  if (!(low <= high)) throw new RangeError(`gradClip: low (${low}) must not exceed high (${high})`);
  return apply(new GradientModifier('clip', low, high), x);
}

/** x, with its gradient multiplied by `multiplier`. */
export function gradScale(x: TensorLike, multiplier: number): TensorVariable {
  return apply(new GradientModifier('scale', multiplier), x);
}
