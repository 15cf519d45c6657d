/**
 * The one WebAssembly memory every kernel, every worker thread and (later)
 * every array shares. It is a shared memory, so growing it never detaches
 * the buffers that typed-array views were made on: a view made before a
 * growth stays valid (it just does not see the new pages).
 */

const PAGE = 65536;
/** wasm32's limit: 4 GiB. A shared memory must declare a maximum; reserving it costs address space only. */
export const MAX_PAGES = 65536;

/** What a kernel module declares to import the shared memory. */
export const MEMORY_IMPORT = { module: 'env', name: 'memory', initial: 1, maximum: MAX_PAGES, shared: true } as const;

let memory: WebAssembly.Memory | undefined;

export function wasmMemory(): WebAssembly.Memory {
  memory ??= new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
  return memory;
}

/** The memory's current buffer (views made on it see every byte allocated so far). */
export function memoryBuffer(): SharedArrayBuffer {
  return wasmMemory().buffer as SharedArrayBuffer;
}

/** Grows the memory so that it holds at least `bytes` bytes. */
export function ensureMemory(bytes: number): void {
  const mem = wasmMemory();
  const have = mem.buffer.byteLength;
  if (bytes <= have) return;
  const pages = Math.ceil((bytes - have) / PAGE);
  if (have / PAGE + pages > MAX_PAGES) {
    throw new RangeError(`WebAssembly memory exhausted: ${bytes} bytes needed, the limit is ${MAX_PAGES * PAGE}`);
  }
  mem.grow(pages);
}

/**
 * What every kernel module may import: the shared memory, and the JS math
 * functions rare lanes fall back to (sin and cos of huge arguments). Worker
 * threads build the same object (threads.ts).
 */
export function kernelImports(): Record<string, Record<string, unknown>> {
  return { env: { memory: wasmMemory() }, math: { sin: Math.sin, cos: Math.cos } };
}

/** Instantiates a kernel module against the shared memory. */
export function instantiate(module: WebAssembly.Module): Record<string, unknown> {
  return new WebAssembly.Instance(module, kernelImports()).exports;
}
