/**
 * The executors by name, for Mode's `linker`: 'wasm' (WebAssembly SIMD
 * kernels on the shared memory, JS loops for the rest), 'js' (generated JS
 * loops), 'vm' (the reference interpreter, each node's `perform`).
 */
import type { FunctionGraph } from '../graph/fgraph.js';
import type { LinkContext } from '../graph/op.js';
import { VM, type NodeTimer } from './vm.js';
import { jsLinker } from './js/linker.js';
import { canGenerateCode } from './js/renderKernel.js';
import { wasmLinker } from './wasm/linker.js';
import { wasmFeatures } from '../wasm/features.js';
import { wasmAllocator } from '../wasm/arrays.js';
import { setAllocator } from '../ndarray/allocator.js';

export type LinkerName = 'wasm' | 'js' | 'vm';

export const LINKERS: readonly LinkerName[] = ['wasm', 'js', 'vm'];

/** Whether this runtime can run the WASM executor: SIMD128, shared memory (threads), and generated JS for the rest. */
export const wasmExecutorAvailable: boolean = (() => {
  const f = wasmFeatures();
  return f.simd && f.sharedMemory && canGenerateCode;
})();

/** The fastest executor this runtime supports. */
export const DEFAULT_LINKER: LinkerName = wasmExecutorAvailable ? 'wasm' : canGenerateCode ? 'js' : 'vm';

// Where the WASM executor is the default, arrays live in the shared memory, where its kernels (and
// its threads) read and write them without copies.
if (DEFAULT_LINKER === 'wasm') setAllocator(wasmAllocator);

/** Whether `linker` runs generated code (DebugMode then checks nodes against `perform`). */
export function generatesCode(linker: LinkerName): boolean {
  return linker !== 'vm';
}

/** Links `fgraph` with the named executor (falling back to 'js' where WASM is missing). */
export function link(linker: LinkerName, fgraph: FunctionGraph, profile: NodeTimer | null, context: LinkContext | null): VM {
  if (linker === 'wasm' && wasmExecutorAvailable) return wasmLinker(fgraph, profile, context);
  if (linker !== 'vm' && canGenerateCode) return jsLinker(fgraph, profile, context);
  return new VM(fgraph, { profile, context });
}
