/**
 * What this runtime's WebAssembly supports, found once by validating tiny
 * modules: SIMD128 (required by the WASM executor), relaxed SIMD (fused
 * multiply-add in GEMM and the math kernels) and shared memory (threads).
 */
import { setFlagsFromString } from 'node:v8';
import { config } from '../config.js';
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

const relaxedMadd = (m: ModuleBuilder) => {
  m.func('f', [], ['v128']).code.splatConst('f32x4', 1).splatConst('f32x4', 2).splatConst('f32x4', 3).op('f32x4.relaxed_madd');
};

/**
 * Relaxed SIMD, switched on where V8 has it behind a flag (Node 20: V8 11.3,
 * whose implementation is the one later V8s ship by default). Fused
 * multiply-add doubles the GEMM's throughput. Off with
 * `config.wasmRelaxedSimd = false` before the first kernel is built.
 */
function relaxedSimd(): boolean {
  if (validates(relaxedMadd)) return true;
  if (!config.wasmRelaxedSimd) return false;
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return validates(relaxedMadd);
}

let relaxed: boolean | undefined;

export function wasmFeatures(): WasmFeatures {
  detected ??= {
    simd: validates((m) => {
      m.func('f', [], ['v128']).code.splatConst('f64x2', 1).splatConst('f64x2', 2).op('f64x2.add');
    }),
    // Decided when first asked (by the first kernel built), so a program can set config.wasmRelaxedSimd after import.
    get relaxedSimd() {
      relaxed ??= relaxedSimd();
      return relaxed;
    },
    sharedMemory:
      typeof SharedArrayBuffer === 'function' &&
      validates((m) => {
        m.importMemory({ module: 'env', name: 'memory', initial: 1, maximum: 1, shared: true });
      }),
  };
  return detected;
}
