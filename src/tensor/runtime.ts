/**
 * Helpers shared by the `perform` methods of tensor ops: output buffers that
 * are reused between calls, and run-time errors that point at the node.
 */
import type { Apply } from '../graph/apply.js';
import type { Op, OutputCell } from '../graph/op.js';
import { NDArray } from '../ndarray/ndarray.js';
import type { DType } from '../ndarray/dtype.js';
import { ShapeError } from '../errors.js';

/**
 * The array in `cell` when it is a whole, contiguous buffer of this dtype and
 * shape (left there by the previous call, and handed back by the VM only when
 * nobody else holds it); a new array otherwise. Either way its contents are
 * arbitrary (a reused buffer holds the last call's values, so callers write
 * every element), and a new one is not zero-filled first.
 */
export function reuseOrAllocate(cell: OutputCell, dtype: DType, shape: readonly number[]): NDArray {
  const prev = cell.value;
  if (
    prev instanceof NDArray &&
    prev.dtype === dtype &&
    prev.offset === 0 &&
    prev.ndim === shape.length &&
    prev.shape.every((d, i) => d === shape[i]) &&
    prev.data.length === prev.size &&
    prev.isContiguous()
  ) {
    return prev;
  }
  return NDArray.uninitialized(dtype, shape);
}

/**
 * The buffer for output 0 of a node whose op may overwrite one of its
 * inputs (`destroyMap = {0: [i]}`, set by the in-place rewrite): that input's
 * own array when it is contiguous with the output's dtype and shape, else a
 * reused or new buffer as for any op.
 */
export function outputBuffer(op: Op, cell: OutputCell, dtype: DType, shape: readonly number[], inputs: readonly unknown[]): NDArray {
  const destroyed = op.destroyMap[0];
  if (destroyed !== undefined) {
    const a = inputs[destroyed[0]!];
    if (a instanceof NDArray && a.dtype === dtype && a.ndim === shape.length && a.shape.every((d, i) => d === shape[i]) && a.isContiguous()) {
      return a;
    }
  }
  return reuseOrAllocate(cell, dtype, shape);
}

/** An error about running `node`, naming its op and where it was built. */
export function nodeError<E extends Error>(
  node: Apply,
  message: string,
  ErrorClass: new (message: string) => E = ShapeError as unknown as new (message: string) => E,
): E {
  return new ErrorClass(`${node.op}: ${message}\n  node built at ${node.trace}`);
}
