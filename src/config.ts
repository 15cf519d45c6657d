/**
 * Global settings (Theano's `theano.config`). Read at graph-building time,
 * so changing one affects graphs built afterwards — except `threads`, read
 * by every large kernel when it runs.
 */
import { availableParallelism } from 'node:os';
import type { DType } from './ndarray/dtype.js';

export interface Config {
  /** Default float dtype of the symbolic constructors (`T.matrix()`) and of float results of int math. */
  floatX: 'float32' | 'float64';
  /** How many user stack frames each node remembers for error messages. */
  tracebackLimit: number;
  /**
   * Threads that large kernels (GEMM, big elementwise loops) split their work
   * over, the calling thread included; 1 keeps everything on the calling
   * thread. Default: the number of cores.
   */
  threads: number;
  /**
   * Bytes of arrays the WASM executor keeps in its WebAssembly memory (live,
   * or unreachable but not yet reclaimed) before new arrays go to the JS heap
   * instead. Default 1 GiB.
   */
  wasmArrayBudget: number;
  /**
   * Whether the WASM kernels use relaxed SIMD (fused multiply-add) where the
   * runtime can: on Node 20 this turns on V8's `--experimental-wasm-relaxed-simd`
   * (later Node versions have it by default). Read once, when the first
   * kernel is built. Default true.
   */
  wasmRelaxedSimd: boolean;
}

export const config: Config = {
  floatX: 'float64',
  tracebackLimit: 3,
  threads: availableParallelism(),
  wasmArrayBudget: 2 ** 30,
  wasmRelaxedSimd: true,
};

export function floatX(): DType {
  return config.floatX;
}
