/**
 * When the WASM executor runs a node in WebAssembly rather than in JS, and
 * when it splits the work over threads: by the work a node does (elements ×
 * cost per element, in additions) and by where its arrays live.
 */
import { WASM_MIN_BYTES } from '../../wasm/arrays.js';

/**
 * Work below which a kernel stays on the calling thread: about 10 µs of
 * work (a float32 tanh over 4,096 elements, one step of an RNN), where
 * handing half to a worker starts to pay when it is awake — as it is between
 * the products of a training step or a loop, which keep it polling — and
 * costs a wake-up call when it is not: the caller takes back a task nobody
 * started. (B5's loop: 5% faster than with 2^19.)
 */
export const PARALLEL_MIN_WORK = 2 ** 16;

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
