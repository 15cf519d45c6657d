/**
 * Small ops for graph-layer tests: they exercise Op/Apply/FunctionGraph
 * without depending on what any real tensor op does.
 */
import { Apply } from '../../src/graph/apply.js';
import { Op, type OutputCell } from '../../src/graph/op.js';
import type { Variable } from '../../src/graph/variable.js';
import { TensorType } from '../../src/tensor/type.js';

export const dvec = new TensorType('float64', [null]);

/** One input to one output of the same type; `props` decide equality. */
export class ToyOp extends Op {
  override readonly props = ['k', 'tag'];

  constructor(
    readonly k: unknown = 0,
    readonly tag: unknown = 'toy',
  ) {
    super();
  }

  override makeNode(...inputs: Variable[]): Apply<this> {
    return new Apply(this, inputs, [inputs[0]?.type ?? dvec]);
  }

  override perform(_node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    outputs[0]!.value = inputs[0];
  }
}

/** The same props as ToyOp, another class: never equal to a ToyOp. */
export class OtherToyOp extends ToyOp {}

/** Two outputs from one input (to test multi-output nodes). */
export class SplitOp extends Op {
  override makeNode(x: Variable): Apply<this> {
    return new Apply(this, [x], [x.type, x.type]);
  }

  override perform(_node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    outputs[0]!.value = inputs[0];
    outputs[1]!.value = inputs[0];
  }
}

export const toy = new ToyOp();
export const split = new SplitOp();
