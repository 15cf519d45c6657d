/**
 * Addresses of operands for WASM kernels. Arrays in the shared memory are
 * used where they are; one on the JS heap (small, or allocated while the
 * memory was over budget) is copied into a scratch block first — and, for
 * an output, copied back after the kernel ran (`finish`).
 *
 * Each operand position keeps its scratch block (and a view of it) from call
 * to call, so a kernel over small heap arrays pays two copies and nothing
 * else; the blocks go back to the heap when the owner is garbage-collected.
 */
import type { NDArray } from '../../ndarray/ndarray.js';
import type { TypedArray } from '../../ndarray/dtype.js';
import { memoryView, wasmAddress } from '../../wasm/arrays.js';
import { heapAlloc, heapFree } from '../../wasm/heap.js';

interface Slot {
  readonly block: number;
  readonly bytes: number;
  view: TypedArray;
}

const reclaim = new FinalizationRegistry<number[]>((blocks) => {
  for (const b of blocks) heapFree(b);
});

export class Staging {
  private readonly slots: (Slot | undefined)[] = [];
  /** Every block this staging owns (what the finalizer frees). */
  private readonly owned: number[] = [];
  private readonly copyBack: { from: TypedArray; to: TypedArray }[] = [];

  constructor() {
    reclaim.register(this, this.owned);
  }

  /** The byte address of `a`'s first element (offset included), staged in slot `position` when `a` is off the shared memory. */
  address(a: NDArray, isOutput: boolean, position: number): number {
    const data = a.data;
    const at = wasmAddress(data);
    if (at >= 0) return at + a.offset * data.BYTES_PER_ELEMENT;
    let slot = this.slots[position];
    if (slot === undefined || slot.bytes < data.byteLength) {
      const block = heapAlloc(data.byteLength);
      this.owned.push(block);
      if (slot !== undefined) {
        this.owned.splice(this.owned.indexOf(slot.block), 1);
        heapFree(slot.block);
      }
      slot = { block, bytes: data.byteLength, view: memoryView(a.dtype, block, data.length) };
      this.slots[position] = slot;
    }
    // A view of this dtype and length over the slot's block (made again only when they change).
    if (slot.view.length !== data.length || slot.view.constructor !== data.constructor) slot.view = memoryView(a.dtype, slot.block, data.length);
    if (isOutput) this.copyBack.push({ from: slot.view, to: data });
    else slot.view.set(data);
    return slot.block + a.offset * data.BYTES_PER_ELEMENT;
  }

  /** Copies staged outputs back. */
  finish(): void {
    for (const { from, to } of this.copyBack) to.set(from);
    this.copyBack.length = 0;
  }
}
