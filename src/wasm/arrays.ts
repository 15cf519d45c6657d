/**
 * Array storage inside the shared WebAssembly memory, so kernels read and
 * write arrays where they are, and worker threads see them too.
 *
 * Who frees what: buffers a compiled function keeps between calls are reused
 * by it; every other block is reclaimed when its typed array becomes
 * unreachable (a FinalizationRegistry hands the block back). Finalizers only
 * run when the event loop turns, or at the safe points below. Two rules
 * keep memory bounded in between:
 * - small arrays (below `WASM_MIN_BYTES`) stay on the JS heap, where the
 *   garbage collector frees them at once — a training loop's per-call
 *   results (losses, scalars) never touch the shared memory;
 * - once blocks awaiting reclamation exceed a budget, new arrays go to the
 *   JS heap too until finalizers catch up. Kernels accept arrays from either
 *   place (heap operands are copied in), so this changes speed, not results.
 *
 * The garbage collector does not see the memory these arrays hold (their
 * JS objects are tiny), so it may never run while they pile up. When the
 * unreclaimed arrays have grown by `collectGrowth` bytes, and when over
 * budget, the allocator asks for a collection itself: the unreachable
 * arrays are then found, and their blocks return at the next safe point
 * (`reclaimAtSafePoint`: the start of a compiled function's call) where V8
 * can run finalizers synchronously, else when the event loop turns. A
 * synchronous loop of calls thus reuses its own dropped results.
 *
 * Growth of the memory never invalidates a live array: the memory is
 * shared, and views made on an older buffer keep their bytes.
 */
import type { Allocator } from '../ndarray/allocator.js';
import { heapAllocator } from '../ndarray/allocator.js';
import { dtypeInfo, type DType, type TypedArray } from '../ndarray/dtype.js';
import { heapAlloc, heapBlockSize, heapFree, heapTop } from './heap.js';
import { memoryBuffer } from './memory.js';
import { config } from '../config.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Arrays smaller than this many bytes live on the JS heap. */
export const WASM_MIN_BYTES = 4096;
let warned = false;

function warnOverBudget(): void {
  if (warned) return;
  warned = true;
  process.emitWarning(
    `theano-ts: more than ${Math.round(config.wasmArrayBudget / 2 ** 20)} MB of arrays are in the WebAssembly memory, most likely results of a ` +
      'synchronous loop that JavaScript has not yet garbage-collected; new arrays go to the JS heap (slower kernels) until it does. ' +
      'In such loops, take results with th.Out(y, { borrow: true }) or let the event loop turn between calls.',
    'TheanoMemoryWarning',
  );
}

/** Bytes (whole blocks) of arrays handed out and not yet reclaimed. */
let outstanding = 0;

function freeBlock(offset: number): void {
  outstanding -= heapBlockSize(offset);
  heapFree(offset);
}

/**
 * Hands an array's block back once the array is unreachable. Each array is
 * registered with itself as the unregister token, so `unregister` also
 * tells whether an array is one of ours and not yet given back — no weak
 * map: V8 slows to ~15 µs an allocation when the same typed arrays are
 * keys of a WeakMap and registered here, with thousands alive.
 */
const registry = newRegistry();

/** A FinalizationRegistry whose callbacks can also be run synchronously (`cleanupSome`), where V8 can make one. */
function newRegistry(): FinalizationRegistry<number> & { cleanupSome?: () => void } {
  try {
    // V8 has cleanupSome behind a flag that takes effect in contexts made after it is set.
    setFlagsFromString('--harmony-weak-refs-with-cleanup-some');
    const Registry = runInNewContext('FinalizationRegistry') as typeof FinalizationRegistry;
    if (typeof (Registry.prototype as { cleanupSome?: unknown }).cleanupSome === 'function') return new Registry<number>(freeBlock);
  } catch {
    // Not V8, or flags cannot be set: blocks come back when the event loop turns.
  }
  return new FinalizationRegistry<number>(freeBlock);
}

/**
 * Gives the block of an array from `allocateShared` back now, for storage
 * its owner knows nobody else can reach (a shared variable's old value,
 * replaced by an update). Arrays from anywhere else are left alone.
 */
export function releaseStorage(data: TypedArray): void {
  if (registry.unregister(data)) freeBlock(data.byteOffset);
}

/**
 * Growth of the unreclaimed bytes after which the allocator asks for a
 * collection: at least MIN_COLLECT_GROWTH, and at least COLLECT_BYTES_PER_MS
 * for each millisecond the last collection took, so that collections cost
 * well under what faulting in fresh pages would (~0.25 ms per MB here).
 * Code whose arrays are reclaimed as it goes (the event loop turns) never
 * grows them, and is never made to collect.
 */
const MIN_COLLECT_GROWTH = 64 * 2 ** 20;
const COLLECT_BYTES_PER_MS = 8 * 2 ** 20;
let collectGrowth = MIN_COLLECT_GROWTH;
/** Unreclaimed bytes just after the last collection (or reclamation). */
let outstandingAtCollect = 0;
let collect: (() => void) | null | undefined;

/**
 * A full garbage collection, when the runtime lets us ask for one (Node:
 * V8's gc, exposed through the v8 and vm modules); a no-op elsewhere. The
 * blocks of arrays it finds unreachable come back at the next safe point.
 */
export function requestCollection(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    } catch {
      collect = null;
    }
  }
  if (collect === null) return;
  const t0 = performance.now();
  collect();
  collectGrowth = Math.max(MIN_COLLECT_GROWTH, (performance.now() - t0) * COLLECT_BYTES_PER_MS);
  outstandingAtCollect = outstanding;
  collectedSinceSafePoint = true;
}

let collectedSinceSafePoint = false;

/**
 * Hands back now the blocks of arrays the last requested collection found
 * unreachable, instead of when the event loop next turns: a synchronous
 * loop of calls then reuses its own dropped results. Only at a safe point,
 * where no kernel holds the raw address of an array it no longer
 * references (V8 may collect an object its code will not touch again): the
 * start of a compiled function's outermost call.
 */
export function reclaimAtSafePoint(): void {
  if (!collectedSinceSafePoint) return;
  collectedSinceSafePoint = false;
  registry.cleanupSome?.();
  outstandingAtCollect = Math.min(outstandingAtCollect, outstanding);
}

/** Every buffer object the memory has had (one per growth); a view on any of them is inside the memory. */
const memoryBuffers = new WeakSet<ArrayBufferLike>();

function currentBuffer(): SharedArrayBuffer {
  const buffer = memoryBuffer();
  memoryBuffers.add(buffer);
  return buffer;
}

/** The byte address of `data` in the shared memory, or -1 when it lives elsewhere. */
export function wasmAddress(data: TypedArray): number {
  return memoryBuffers.has(data.buffer) ? data.byteOffset : -1;
}

/** A view of `length` elements of `dtype` at byte `offset` of the memory (valid until the block is freed). */
export function memoryView(dtype: DType, offset: number, length: number): TypedArray {
  const Storage = dtypeInfo(dtype).storage;
  return new Storage(currentBuffer(), offset, length) as TypedArray;
}

/**
 * A buffer in the shared memory reclaimed when unreachable, or on the JS heap
 * (small, or over budget). `zeroed`: blocks come back from free lists dirty.
 */
export function allocateShared(dtype: DType, size: number, zeroed: boolean): TypedArray {
  const bytes = size * dtypeInfo(dtype).storage.BYTES_PER_ELEMENT;
  if (bytes < WASM_MIN_BYTES) return heapAllocator.allocate(dtype, size);
  const growth = outstanding - outstandingAtCollect;
  if (growth > collectGrowth) requestCollection();
  if (outstanding + bytes > config.wasmArrayBudget) {
    warnOverBudget();
    // Let the next safe point hand back whatever is unreachable, so the loop returns to the shared memory
    // (with a small budget, sooner than the growth rule would).
    if (growth > config.wasmArrayBudget / 8 && !collectedSinceSafePoint) requestCollection();
    return heapAllocator.allocate(dtype, size);
  }
  const fresh = heapTop();
  const offset = heapAlloc(bytes);
  const data = memoryView(dtype, offset, size);
  // A block carved at the top is new memory, zero already: filling it would only touch its pages early.
  if (zeroed && offset < fresh) data.fill(0);
  outstanding += heapBlockSize(offset);
  registry.register(data, offset, data);
  return data;
}

/** The allocator that places arrays in the shared memory (installed when the WASM executor is on). */
export const wasmAllocator: Allocator = {
  allocate: (dtype, size, zeroed = true) => allocateShared(dtype, size, zeroed),
};

/** Bytes in arrays that are allocated in the memory and not yet reclaimed. */
export function outstandingBytes(): number {
  return outstanding;
}

/**
 * Temporary buffers of one computation, in the shared memory where kernels
 * read them in place (plain typed arrays where the runtime has no shared
 * memory); all returned to the heap by `release`. Contents start arbitrary.
 */
export class ScratchArrays {
  private readonly blocks: number[] = [];

  alloc(dtype: DType, size: number): TypedArray {
    if (!sharedMemoryAvailable) return new (dtypeInfo(dtype).storage)(size);
    const block = heapAlloc(Math.max(1, size) * dtypeInfo(dtype).storage.BYTES_PER_ELEMENT);
    this.blocks.push(block);
    return memoryView(dtype, block, size);
  }

  /** A zero-filled buffer. */
  zeros(dtype: DType, size: number): TypedArray {
    const a = this.alloc(dtype, size);
    a.fill(0);
    return a;
  }

  release(): void {
    for (const b of this.blocks) heapFree(b);
    this.blocks.length = 0;
  }
}

const sharedMemoryAvailable = typeof SharedArrayBuffer === 'function' && typeof WebAssembly === 'object';

/**
 * Runs `use` with a scratch buffer of `size` elements of `dtype` in the
 * shared memory (arbitrary contents), freed when `use` returns or throws.
 */
export function withScratch<T>(dtype: DType, size: number, use: (scratch: TypedArray) => T): T {
  if (!sharedMemoryAvailable) return use(new (dtypeInfo(dtype).storage)(size));
  const bytes = Math.max(1, size) * dtypeInfo(dtype).storage.BYTES_PER_ELEMENT;
  const block = heapAlloc(bytes);
  try {
    return use(memoryView(dtype, block, size));
  } finally {
    heapFree(block);
  }
}
