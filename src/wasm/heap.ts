/**
 * Blocks of the shared WebAssembly memory: `heapAlloc(bytes)` returns a byte
 * offset aligned to 64 (a cache line, and every SIMD width), `heapFree`
 * gives it back. Sizes are rounded to classes (four per power of two, so at
 * most 25% is lost to rounding) and freed blocks wait on a free list per
 * class: numerical programs ask for the same shapes again and again, so
 * almost every request after the first call is a list pop. A request whose
 * list is empty splits the smallest larger free block before carving new
 * memory at the top: memory already touched is reused (a fresh page costs a
 * fault, several microseconds on a virtual machine), so a program moving on
 * to other shapes does not grow the memory. Blocks are never merged back.
 * Bookkeeping lives in JS maps, never in the memory itself, so no kernel can
 * corrupt it.
 */
import { ensureMemory } from './memory.js';

const ALIGN = 64;
/** Below this offset nothing is handed out (offset 0 stays an invalid address). */
const BASE = 1024;

const freeLists = new Map<number, number[]>();
/**
 * Every block ever carved, by offset: its index into `blockSize` and `live`.
 * A block keeps its offset and size for good (it only moves between use and
 * its class's free list), so this map is only ever added to. Deleting and
 * re-adding keys instead makes V8 rehash a Map of n entries every few
 * operations once n is large: with 8,000 live arrays an alloc/free pair
 * cost ~10 µs instead of ~0.1 µs.
 */
const blockIndex = new Map<number, number>();
const blockSize: number[] = [];
let live = new Uint8Array(1024);
let top = BASE;

/** The class a request of `bytes` is served from. */
export function sizeClass(bytes: number): number {
  const b = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  if (b <= 4 * ALIGN) return b;
  const step = 2 ** (Math.floor(Math.log2(b)) - 2);
  return Math.ceil(b / step) * step;
}

/** The largest class not above `bytes` (a multiple of 64): the free list a block of that size waits on. */
function classFloor(bytes: number): number {
  if (bytes <= 4 * ALIGN) return bytes;
  const step = 2 ** (Math.floor(Math.log2(bytes)) - 2);
  return Math.floor(bytes / step) * step;
}

/** A block of at least `bytes` bytes (exactly its class); its previous contents are arbitrary. */
export function heapAlloc(bytes: number): number {
  if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new RangeError(`heapAlloc: bad size ${bytes}`);
  const size = sizeClass(bytes);
  const offset = freeLists.get(size)?.pop() ?? takeLarger(size);
  if (offset === undefined) return carve(size);
  const index = blockIndex.get(offset)!;
  live[index] = 1;
  const rest = blockSize[index]! - size;
  if (rest > 0) {
    // The block is cut to the class; what follows it becomes a free block of its own.
    blockSize[index] = size;
    release(offset + size, indexFor(offset + size, rest));
  }
  return offset;
}

/** A free block from the smallest list above `size` that has one. */
function takeLarger(size: number): number | undefined {
  let best: number[] | undefined;
  let bestSize = Infinity;
  for (const [s, list] of freeLists) if (s > size && s < bestSize && list.length > 0) [best, bestSize] = [list, s];
  return best?.pop();
}

/** The index of the block starting at `offset` (registered with `size`, or resized to it). */
function indexFor(offset: number, size: number): number {
  let index = blockIndex.get(offset);
  if (index === undefined) {
    index = blockSize.length;
    blockIndex.set(offset, index);
    blockSize.push(size);
    if (index >= live.length) {
      const grown = new Uint8Array(live.length * 2);
      grown.set(live);
      live = grown;
    }
  } else {
    blockSize[index] = size;
  }
  return index;
}

/** A new block of `size` bytes at the top of the heap. */
function carve(size: number): number {
  const offset = top;
  ensureMemory(offset + size);
  top = offset + size;
  live[indexFor(offset, size)] = 1;
  return offset;
}

/** Puts the block at `offset` (index `index`) on the free list of its size. */
function release(offset: number, index: number): void {
  live[index] = 0;
  const key = classFloor(blockSize[index]!);
  let list = freeLists.get(key);
  if (list === undefined) freeLists.set(key, (list = []));
  list.push(offset);
}

export function heapFree(offset: number): void {
  const index = blockIndex.get(offset);
  if (index === undefined || live[index] === 0) throw new Error(`heapFree: ${offset} is not a live block`);
  release(offset, index);
}

/** The current top of the heap: blocks at or above it have never been handed out (the memory there is zero). */
export function heapTop(): number {
  return top;
}

/** The size in bytes (its class) of the live block at `offset`. */
export function heapBlockSize(offset: number): number {
  const index = blockIndex.get(offset);
  if (index === undefined || live[index] === 0) throw new Error(`heapBlockSize: ${offset} is not a live block`);
  return blockSize[index]!;
}

/** Bytes in live blocks, bytes on free lists, and the high-water mark (for tests and profiles). */
export function heapStats(): { live: number; free: number; top: number } {
  let inUse = 0;
  for (let i = 0; i < blockSize.length; i++) if (live[i] === 1) inUse += blockSize[i]!;
  let free = 0;
  for (const l of freeLists.values()) for (const offset of l) free += blockSize[blockIndex.get(offset)!]!;
  return { live: inUse, free, top };
}
