/**
 * Blocks of the shared WebAssembly memory: `heapAlloc(bytes)` returns a byte
 * offset aligned to 64 (a cache line, and every SIMD width), `heapFree`
 * gives it back. Sizes are rounded to classes (four per power of two, so at
 * most 25% is lost to rounding) and freed blocks wait on a free list per
 * class: numerical programs ask for the same shapes again and again, so
 * almost every request after the first call is a list pop.
 *
 * A request whose list is empty splits the smallest larger free block before
 * carving new memory at the top: memory already touched is reused (a fresh
 * page costs a fault, several microseconds on a virtual machine), so a
 * program moving on to other shapes does not grow the memory. A freed block
 * merges with free neighbours on both sides, so what was split comes back
 * whole (the last, smaller batch of an epoch does not leave the full-size
 * blocks in pieces). Bookkeeping lives in JS arrays and maps, never in the
 * memory itself, so no kernel can corrupt it.
 */
import { ensureMemory } from './memory.js';

const ALIGN = 64;
/** Below this offset nothing is handed out (offset 0 stays an invalid address). */
const BASE = 1024;

/**
 * Every block start there has ever been, by offset: its index into the
 * arrays below. This map is only ever added to (an offset merged into a
 * neighbour keeps its index, with size 0, until a split makes it a start
 * again). Deleting and re-adding keys instead makes V8 rehash a Map of n
 * entries every few operations once n is large: with 8,000 live arrays an
 * alloc/free pair cost ~10 µs instead of ~0.1 µs.
 */
const blockIndex = new Map<number, number>();
const offsetOf: number[] = [];
/** Bytes of each block; 0 for an offset merged into the block before it. */
const blockSize: number[] = [];
/** The block just below each block in the memory (-1: none). */
const prevOf: number[] = [];
/**
 * Bumped whenever a block is listed free, taken or merged: a free-list entry
 * counts only while its generation is the block's (entries are never
 * searched for and removed, they go stale).
 */
const generation: number[] = [];
let live = new Uint8Array(1024);
/** Free lists by class: pairs (index, generation). */
const freeLists = new Map<number, number[]>();
let top = BASE;
/** The block ending at `top` (-1 before the first). */
let last = -1;

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
  const index = popFree(size) ?? takeLarger(size);
  if (index === undefined) return carve(size);
  live[index] = 1;
  generation[index]!++;
  const rest = blockSize[index]! - size;
  if (rest > 0) {
    // The block is cut to the class; what follows it becomes a free block of its own.
    blockSize[index] = size;
    const after = blockStart(offsetOf[index]! + size, rest, index);
    const next = blockAfter(after);
    if (next >= 0) prevOf[next] = after;
    else last = after;
    listFree(after);
  }
  return offsetOf[index]!;
}

/** A current free block from the list of class `key`, dropping stale entries on the way. */
function popFree(key: number): number | undefined {
  const list = freeLists.get(key);
  while (list !== undefined && list.length > 0) {
    const gen = list.pop()!;
    const index = list.pop()!;
    if (generation[index] === gen) return index;
  }
  return undefined;
}

/** A free block from the smallest class above `size` that has one. */
function takeLarger(size: number): number | undefined {
  const keys: number[] = [];
  for (const [key, list] of freeLists) if (key > size && list.length > 0) keys.push(key);
  keys.sort((a, b) => a - b);
  for (const key of keys) {
    const index = popFree(key);
    if (index !== undefined) return index;
  }
  return undefined;
}

/** Puts a free block on the list of its size. */
function listFree(index: number): void {
  live[index] = 0;
  const gen = ++generation[index]!;
  const key = classFloor(blockSize[index]!);
  let list = freeLists.get(key);
  if (list === undefined) freeLists.set(key, (list = []));
  list.push(index, gen);
}

/** The index of a block starting at `offset` of `size` bytes, just above block `prev`. */
function blockStart(offset: number, size: number, prev: number): number {
  let index = blockIndex.get(offset);
  if (index === undefined) {
    index = blockSize.length;
    blockIndex.set(offset, index);
    offsetOf.push(offset);
    blockSize.push(size);
    prevOf.push(prev);
    generation.push(0);
    if (index >= live.length) {
      const grown = new Uint8Array(live.length * 2);
      grown.set(live);
      live = grown;
    }
  } else {
    blockSize[index] = size;
    prevOf[index] = prev;
    generation[index]!++;
  }
  return index;
}

/** The block just above block `index` in the memory, or -1 when it ends at the top. */
function blockAfter(index: number): number {
  const end = offsetOf[index]! + blockSize[index]!;
  return end < top ? blockIndex.get(end)! : -1;
}

/** A new block of `size` bytes at the top of the heap. */
function carve(size: number): number {
  const offset = top;
  ensureMemory(offset + size);
  top = offset + size;
  const index = blockStart(offset, size, last);
  last = index;
  live[index] = 1;
  return offset;
}

/** Block `lower` takes in block `upper`, the block just above it. */
function absorb(lower: number, upper: number): void {
  blockSize[lower]! += blockSize[upper]!;
  blockSize[upper] = 0;
  generation[upper]!++;
  const next = blockAfter(lower);
  if (next >= 0) prevOf[next] = lower;
  else last = lower;
}

export function heapFree(offset: number): void {
  let index = blockIndex.get(offset);
  if (index === undefined || live[index] === 0 || blockSize[index] === 0) throw new Error(`heapFree: ${offset} is not a live block`);
  live[index] = 0;
  for (let next = blockAfter(index); next >= 0 && live[next] === 0; next = blockAfter(index)) absorb(index, next);
  for (let prev = prevOf[index]!; prev >= 0 && live[prev] === 0; prev = prevOf[index]!) {
    absorb(prev, index);
    index = prev;
  }
  listFree(index);
}

/** The size in bytes (its class) of the live block at `offset`. */
export function heapBlockSize(offset: number): number {
  const index = blockIndex.get(offset);
  if (index === undefined || live[index] === 0 || blockSize[index] === 0) throw new Error(`heapBlockSize: ${offset} is not a live block`);
  return blockSize[index]!;
}

/** The current top of the heap: blocks at or above it have never been handed out (the memory there is zero). */
export function heapTop(): number {
  return top;
}

/** Bytes in live blocks, bytes in free blocks, and the high-water mark (for tests and profiles). */
export function heapStats(): { live: number; free: number; top: number } {
  let inUse = 0;
  let free = 0;
  for (let i = 0; i < blockSize.length; i++) {
    if (live[i] === 1) inUse += blockSize[i]!;
    else free += blockSize[i]!;
  }
  return { live: inUse, free, top };
}
