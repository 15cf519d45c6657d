/**
 * Addresses of operands for WASM kernels. Arrays in the shared memory are
 * used where they are; one on the JS heap (small, or allocated while the
 * memory was over budget) is copied into a scratch block first — and, for
 * an output, copied back after the kernel ran. Scratch blocks go back to
 * the heap's free lists at `finish`.
 */
import type { NDArray } from '../../ndarray/ndarray.js';
import { memoryView, wasmAddress } from '../../wasm/arrays.js';
import { heapAlloc, heapFree } from '../../wasm/heap.js';

export class Staging {
  private readonly blocks: number[] = [];
  private readonly copyBack: { from: NDArray['data']; to: NDArray['data'] }[] = [];

  /** The byte address of `a`'s first element (offset included). */
  address(a: NDArray, isOutput: boolean): number {
    const bytes = a.data.BYTES_PER_ELEMENT;
    const at = wasmAddress(a.data);
    if (at >= 0) return at + a.offset * bytes;
    const block = heapAlloc(a.data.byteLength);
    this.blocks.push(block);
    const view = memoryView(a.dtype, block, a.data.length);
    if (isOutput) this.copyBack.push({ from: view, to: a.data });
    else view.set(a.data);
    return block + a.offset * bytes;
  }

  /** Copies staged outputs back and frees the scratch blocks. */
  finish(): void {
    for (const { from, to } of this.copyBack) to.set(from);
    for (const b of this.blocks) heapFree(b);
    this.blocks.length = 0;
    this.copyBack.length = 0;
  }
}
