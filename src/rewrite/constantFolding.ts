/**
 * Constant folding: a node whose inputs are all constants is computed once,
 * at compile time, and replaced by its value — unless the value is larger
 * than `config.constantFoldingMaxSize` elements (folding a huge array would
 * only move memory from run time to the graph).
 */
import type { OutputCell } from '../graph/op.js';
import { NDArray } from '../ndarray/ndarray.js';
import { TensorConstant, TensorVariable } from '../tensor/variable.js';
import type { TensorType } from '../tensor/type.js';
import { nodeRewriter } from './rewriter.js';

/** The largest folded constant, in elements. */
export const CONSTANT_FOLDING_MAX_SIZE = 10_000;

export const constantFolding = nodeRewriter('constantFolding', (node) => {
  if (node.inputs.length === 0 || !node.inputs.every((i) => i.isConstant())) return null;
  if (!node.outputs.every((o) => o instanceof TensorVariable)) return null;
  const cells: OutputCell[] = node.outputs.map(() => ({ value: undefined }));
  try {
    node.op.perform(
      node,
      node.inputs.map((i) => (i as TensorConstant).data),
      cells,
    );
  } catch {
    return null; // leave the error to run time, where it names the call that hits it
  }
  const values = cells.map((c) => c.value);
  if (!values.every((v) => v instanceof NDArray && v.size <= CONSTANT_FOLDING_MAX_SIZE)) return null;
  // Copies, so folded constants never share storage with the inputs they came from.
  return node.outputs.map((o, i) => new TensorConstant(o.type as TensorType, (values[i] as NDArray).copy()));
});
