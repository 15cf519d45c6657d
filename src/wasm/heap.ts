/**
 * Blocks of the shared WebAssembly memory: `heapAlloc(bytes)` returns a byte
 * offset aligned to 64 (a cache line, and every SIMD width), `heapFree`
 * gives it back. Sizes are rounded to classes (four per power of two, so at
 * most 25% is lost to rounding) and freed blocks wait on a free list per
 * class: numerical programs ask for the same shapes again and again, so
 * almost every request after the first call is a list pop. Bookkeeping lives
 * in JS maps, never in the memory itself, so no kernel can corrupt it.
 */
import { ensureMemory } from './memory.js';

const ALIGN = 64;
/** Below this offset nothing is handed out (offset 0 stays an invalid address). */
const BASE = 1024;

const freeLists = new Map<number, number[]>();
const liveSizes = new Map<number, number>();
let top = BASE;

/** The class a request of `bytes` is served from. */
export function sizeClass(bytes: number): number {
  const b = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  if (b <= 4 * ALIGN) return b;
  const step = 2 ** (Math.floor(Math.log2(b)) - 2);
  return Math.ceil(b / step) * step;
}

/** A block of at least `bytes` bytes; its previous contents are arbitrary. */
export function heapAlloc(bytes: number): number {
  if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new RangeError(`heapAlloc: bad size ${bytes}`);
  const size = sizeClass(bytes);
  const list = freeLists.get(size);
  let offset = list?.pop();
  if (offset === undefined) {
    offset = top;
    ensureMemory(offset + size);
    top = offset + size;
  }
  liveSizes.set(offset, size);
  return offset;
}

export function heapFree(offset: number): void {
  const size = liveSizes.get(offset);
  if (size === undefined) throw new Error(`heapFree: ${offset} is not a live block`);
  liveSizes.delete(offset);
  let list = freeLists.get(size);
  if (list === undefined) freeLists.set(size, (list = []));
  list.push(offset);
}

/** Bytes in live blocks, bytes on free lists, and the high-water mark (for tests and profiles). */
export function heapStats(): { live: number; free: number; top: number } {
  let live = 0;
  for (const s of liveSizes.values()) live += s;
  let free = 0;
  for (const [s, l] of freeLists) free += s * l.length;
  return { live, free, top };
}
