/**
 * Where array storage comes from. Every buffer an NDArray owns is obtained
 * here, so that an executor can later swap in an allocator that places data
 * inside one shared `WebAssembly.Memory` without touching the rest of the code.
 */
import { dtypeInfo, type DType, type TypedArray } from './dtype.js';

export interface Allocator {
  /**
   * A buffer of `size` elements for `dtype`: zero-filled, or with arbitrary
   * contents when `zeroed` is false (storage its user writes in full
   * before reading; an allocator may zero it anyway).
   */
  allocate(dtype: DType, size: number, zeroed?: boolean): TypedArray;
}

/** Plain ArrayBuffers, reclaimed by the garbage collector. */
export const heapAllocator: Allocator = {
  allocate(dtype, size) {
    return new (dtypeInfo(dtype).storage)(size);
  },
};

let current: Allocator = heapAllocator;

export function allocate(dtype: DType, size: number, zeroed = true): TypedArray {
  return current.allocate(dtype, size, zeroed);
}

/** Installs `allocator` for all later allocations; returns the previous one. */
export function setAllocator(allocator: Allocator): Allocator {
  const previous = current;
  current = allocator;
  return previous;
}
