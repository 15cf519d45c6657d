/**
 * When the WASM executor runs a node in WebAssembly rather than in JS, and
 * when it splits the work over threads: by the work a node does (elements ×
 * cost per element, in additions) and by where its arrays live.
 */
import { WASM_MIN_BYTES } from '../../wasm/arrays.js';

/**
 * Work below which a kernel stays on the calling thread: about 50 µs of
 * work, where handing half to a worker (a few µs when it is awake, and
 * nothing lost when it is not: the caller takes back a task nobody started)
 * starts to pay.
 */
export const PARALLEL_MIN_WORK = 2 ** 19;

/**
 * Work from which a kernel over small arrays — on the JS heap, so copied in
 * and out — still runs faster in WASM than in JS: a transcendental chain
 * over a few hundred elements.
 */
const STAGED_MIN_WORK = 4096;

/** Whether a kernel of `n` elements of `itemBytes` each and this cost per element runs in WASM. */
export function worthWasm(n: number, itemBytes: number, cost: number): boolean {
  return n * itemBytes >= WASM_MIN_BYTES || n * cost >= STAGED_MIN_WORK;
}
