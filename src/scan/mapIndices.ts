/**
 * MapIndices: stacks `body(i)` for i = 0 .. n-1, where `body` is a graph of
 * a symbolic int64 index — the simplest loop, on which `jacobian` and
 * `hessian` are built. The body is kept as an inner FunctionGraph and run by
 * the reference VM once per index; outer variables it uses become inputs of
 * the node, so the outer graph knows what the loop depends on.
 */
import { Apply } from '../graph/apply.js';
import { FunctionGraph } from '../graph/fgraph.js';
import { NullGradient, type InputGradient } from '../graph/gradientTerms.js';
import { Op, type OutputCell } from '../graph/op.js';
import { graphInputs } from '../graph/traversal.js';
import type { Variable } from '../graph/variable.js';
import { VM } from '../link/vm.js';
import { NDArray, shapeToString } from '../ndarray/ndarray.js';
import { ShapeError } from '../errors.js';
import { asTensorVariable, type TensorLike } from '../tensor/asTensor.js';
import { nodeError } from '../tensor/runtime.js';
import { TensorType } from '../tensor/type.js';
import { TensorVariable } from '../tensor/variable.js';

let nextLoopId = 0;

export class MapIndices extends Op {
  override readonly props = ['loopId'];
  /** Each loop body is its own op: two loops are equal only if they are the same loop. */
  readonly loopId = nextLoopId++;
  readonly inner: FunctionGraph;
  private vm: VM | null = null;

  /** @param inner inputs [index, ...outer variables used], one output: the row for that index. */
  constructor(inner: FunctionGraph) {
    super();
    this.inner = inner;
  }

  override toString(): string {
    return `MapIndices{${this.loopId}}`;
  }

  override makeNode(n: Variable, ...free: Variable[]): Apply<this> {
    if (!(n instanceof TensorVariable) || n.ndim !== 0) throw new ShapeError(`MapIndices: the count must be an integer scalar, got ${n}`);
    if (free.length !== this.inner.inputs.length - 1) throw new TypeError(`MapIndices: expected ${this.inner.inputs.length - 1} outer inputs, got ${free.length}`);
    const row = this.inner.outputs[0]!.type as TensorType;
    return new Apply(this, [n, ...free], [new TensorType(row.dtype, [null, ...row.shape])]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const n = Number(inputs[0]);
    if (!Number.isInteger(n) || n < 0) throw nodeError(node, `the number of steps must be a non-negative integer, got ${n}`);
    this.vm ??= new VM(this.inner);
    const free = inputs.slice(1);
    const rowType = this.inner.outputs[0]!.type as TensorType;
    let out: NDArray | null = null;
    for (let i = 0; i < n; i++) {
      const index = NDArray.empty('int64', []);
      index.data[0] = i;
      const row = this.vm.run([index, ...free])[0] as NDArray;
      if (out === null) out = NDArray.empty(rowType.dtype, [n, ...row.shape]);
      else if (row.shape.some((d, k) => d !== out!.shape[k + 1])) {
        throw nodeError(node, `step ${i} produced shape ${shapeToString(row.shape)}, earlier steps ${shapeToString(out.shape.slice(1))}`);
      }
      out.data.set(row.flatData(), i * row.size);
    }
    // With no steps the row shape is only known statically; unknown lengths count as 0.
    outputs[0]!.value = out ?? NDArray.empty(rowType.dtype, [0, ...rowType.shape.map((d) => d ?? 0)]);
  }

  override grad(node: Apply): InputGradient[] {
    const reason = `gradients through ${this} (a jacobian/hessian loop) are not available yet; they come with scan (node built at ${node.trace})`;
    return node.inputs.map(() => new NullGradient(reason));
  }
}

/** Stacks body(i) for i in 0 .. n-1 along a new first axis. */
export function mapIndices(n: TensorLike, body: (i: TensorVariable) => TensorVariable): TensorVariable {
  const count = asTensorVariable(n);
  const index = new TensorType('int64', []).makeVariable('i');
  const row = body(index);
  if (!(row instanceof TensorVariable)) throw new TypeError('mapIndices: the body must return a tensor variable');
  const free = graphInputs([row]).filter((v) => v !== index && !v.isConstant());
  const inner = new FunctionGraph([index, ...free], [row]);
  return new MapIndices(inner).apply1(count, ...free) as TensorVariable;
}
