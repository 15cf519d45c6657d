/**
 * Shape ops: `Shape` (x.shape, an int64 vector) and `ShapeI` (one length,
 * an int64 scalar). They let graphs compute with sizes, e.g. the count a
 * mean divides by, and are what `inferShape` rules are written in.
 */
import { Apply } from '../graph/apply.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { NDArray } from '../ndarray/ndarray.js';
import { ShapeError } from '../errors.js';
import { TensorType } from './type.js';
import { disconnected, type InputGradient } from '../graph/gradientTerms.js';
import { TensorVariable } from './variable.js';
import { asTensorVariable, constant, type TensorLike } from './asTensor.js';

function requireTensor(x: Variable, what: string): TensorVariable {
  if (!(x instanceof TensorVariable)) throw new TypeError(`${what} needs a tensor variable, got ${x}`);
  return x;
}

/** The length of axis `i` of its input, as a 0-d int64 array. */
export class ShapeI extends Op {
  override readonly props = ['i'];
  readonly i: number;

  constructor(i: number) {
    super();
    this.i = i;
  }

  override toString(): string {
    return `Shape_i{${this.i}}`;
  }

  override makeNode(x: Variable): Apply<this> {
    const t = requireTensor(x, 'Shape_i');
    if (this.i < 0 || this.i >= t.ndim) throw new ShapeError(`${this}: ${t} has only ${t.ndim} axes`);
    return new Apply(this, [t], [new TensorType('int64', [])]);
  }

  override perform(_node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const out = NDArray.empty('int64', []);
    out.data[0] = (inputs[0] as NDArray).shape[this.i]!;
    outputs[0]!.value = out;
  }

  override inferShape(): SymbolicShape[] {
    return [[]];
  }

  /** A length does not change when values do. */
  override grad(): InputGradient[] {
    return [disconnected];
  }
}

/** The whole shape of its input, as an int64 vector. */
export class Shape extends Op {
  override makeNode(x: Variable): Apply<this> {
    const t = requireTensor(x, 'Shape');
    return new Apply(this, [t], [new TensorType('int64', [t.ndim])]);
  }

  override perform(_node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const shape = (inputs[0] as NDArray).shape;
    const out = NDArray.empty('int64', [shape.length]);
    shape.forEach((d, i) => (out.data[i] = d));
    outputs[0]!.value = out;
  }

  override inferShape(node: Apply): SymbolicShape[] {
    return [[constant((node.inputs[0] as TensorVariable).ndim, null, 'int64')]];
  }

  override grad(): InputGradient[] {
    return [disconnected];
  }
}

const shapeIOps: ShapeI[] = [];
const shapeOp = new Shape();

/**
 * The length of axis `i` of `x` as a symbolic int64 scalar; a constant when
 * the length is known statically.
 */
export function shapeI(x: TensorLike, i: number): TensorVariable {
  const v = asTensorVariable(x);
  const axis = i < 0 ? i + v.ndim : i;
  const known = v.type.shape[axis];
  if (known !== null && known !== undefined) return constant(known, null, 'int64');
  shapeIOps[axis] ??= new ShapeI(axis);
  return shapeIOps[axis]!.apply1(v) as TensorVariable;
}

/** `x.shape` as a symbolic int64 vector. */
export function shape(x: TensorLike): TensorVariable {
  return shapeOp.apply1(asTensorVariable(x)) as TensorVariable;
}

/** The symbolic shape of `x`: one int64 scalar per axis (constants where known). */
export function symbolicShape(x: TensorVariable): SymbolicShape {
  return x.type.shape.map((_, i) => shapeI(x, i));
}
