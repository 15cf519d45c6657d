/**
 * What this runtime's WebAssembly supports, found once by validating tiny
 * modules: SIMD128 (required by the WASM executor), relaxed SIMD (fused
 * multiply-add in GEMM and the math kernels) and shared memory (threads).
 */
import { ModuleBuilder } from './module.js';

export interface WasmFeatures {
  readonly simd: boolean;
  readonly relaxedSimd: boolean;
  readonly sharedMemory: boolean;
}

function validates(build: (m: ModuleBuilder) => void): boolean {
  if (typeof WebAssembly !== 'object') return false;
  const m = new ModuleBuilder();
  build(m);
  try {
    return WebAssembly.validate(m.encode());
  } catch {
    return false;
  }
}

let detected: WasmFeatures | undefined;

export function wasmFeatures(): WasmFeatures {
  detected ??= {
    simd: validates((m) => {
      m.func('f', [], ['v128']).code.splatConst('f64x2', 1).splatConst('f64x2', 2).op('f64x2.add');
    }),
    relaxedSimd: validates((m) => {
      m.func('f', [], ['v128']).code.splatConst('f32x4', 1).splatConst('f32x4', 2).splatConst('f32x4', 3).op('f32x4.relaxed_madd');
    }),
    sharedMemory:
      typeof SharedArrayBuffer === 'function' &&
      validates((m) => {
        m.importMemory({ module: 'env', name: 'memory', initial: 1, maximum: 1, shared: true });
      }),
  };
  return detected;
}
