/**
 * Apply: one application of an Op to input variables, producing output
 * variables. It records where in user code it was built.
 */
import type { Op } from './op.js';
import type { Type } from './type.js';
import type { Variable } from './variable.js';
import { CreationTrace } from './trace.js';

export class Apply<O extends Op = Op> {
  readonly op: O;
  inputs: Variable[];
  readonly outputs: Variable[];
  /** Where the node was built (first user frames of the stack). */
  readonly trace: CreationTrace;

  /** Makes the node and its output variables, one per entry of `outputTypes`. */
  constructor(op: O, inputs: readonly Variable[], outputTypes: readonly Type[], trace?: CreationTrace) {
    this.op = op;
    this.inputs = [...inputs];
    this.trace = trace ?? new CreationTrace();
    this.outputs = outputTypes.map((t, i) => {
      const v = t.makeVariable(null);
      v.owner = this;
      v.index = i;
      return v;
    });
  }

  get nin(): number {
    return this.inputs.length;
  }

  get nout(): number {
    return this.outputs.length;
  }

  /** The same op on new inputs of the same types, with fresh outputs of the same types (keeps the trace). */
  cloneWithInputs(inputs: readonly Variable[]): Apply<O> {
    const node = new Apply(this.op, inputs, this.outputs.map((o) => o.type), this.trace);
    node.outputs.forEach((o, i) => (o.name = this.outputs[i]!.name));
    return node;
  }

  toString(): string {
    return `${this.op}(${this.inputs.map(String).join(', ')})`;
  }
}
