/**
 * A WebAssembly module under construction: function types, an imported
 * memory, functions built with `Code`, and exports; `encode()` gives the
 * bytes `new WebAssembly.Module` takes. Only the sections our kernels need
 * are written (type, import, function, export, code).
 */
import { Code, type CallTarget, type ImportRegistry } from './code.js';
import { ByteWriter } from './encoding.js';
import { ValType } from './opcodes.js';

export interface MemoryImport {
  readonly module: string;
  readonly name: string;
  /** Initial and maximum size in 64 KiB pages. */
  readonly initial: number;
  readonly maximum: number;
  readonly shared: boolean;
}

interface FunctionEntry {
  readonly name: string;
  readonly typeIndex: number;
  readonly code: Code;
  readonly exported: boolean;
}

export class ModuleBuilder implements ImportRegistry {
  private readonly types: string[] = [];
  private readonly typeBytes: ByteWriter[] = [];
  private readonly functions: FunctionEntry[] = [];
  /** Imported functions by key `module.name`, in declaration order (they take the first function indices). */
  private readonly imports = new Map<string, { module: string; name: string; typeIndex: number }>();
  private memory: MemoryImport | undefined;

  /** Declares the module's memory as an import (so threads and the allocator share one). */
  importMemory(memory: MemoryImport): this {
    this.memory = memory;
    return this;
  }

  /**
   * Adds a function and returns its body to fill in and its index for
   * `call`. Exported functions are named `name` on the instance.
   */
  func(name: string, params: readonly ValType[], results: readonly ValType[] = [], exported = true): { code: Code; index: number } {
    if (this.functions.some((f) => f.name === name)) throw new Error(`function ${name} is defined twice`);
    const code = new Code(params, results, this);
    this.functions.push({ name, typeIndex: this.typeIndex(params, results), code, exported });
    return { code, index: this.functions.length - 1 };
  }

  /** Declares (once) an imported function; returns its key for calls. The instantiator must supply it. */
  importFunction(module: string, name: string, params: readonly ValType[], results: readonly ValType[]): string {
    const key = `${module}.${name}`;
    const typeIndex = this.typeIndex(params, results);
    const known = this.imports.get(key);
    if (known !== undefined && known.typeIndex !== typeIndex) throw new Error(`import ${key} is declared with two signatures`);
    if (known === undefined) this.imports.set(key, { module, name, typeIndex });
    return key;
  }

  encode(): Uint8Array {
    const importKeys = [...this.imports.keys()];
    const resolve = (t: CallTarget): number => ('defined' in t ? importKeys.length + t.defined : importKeys.indexOf(t.imported));
    const out = new ByteWriter().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const section = (id: number, write: (w: ByteWriter) => void) => {
      const w = new ByteWriter();
      write(w);
      out.byte(id).sized(w);
    };
    section(1, (w) => {
      w.u32(this.typeBytes.length);
      for (const t of this.typeBytes) w.bytes(t.finish());
    });
    const memory = this.memory;
    if (memory !== undefined || importKeys.length > 0) {
      section(2, (w) => {
        w.u32(importKeys.length + (memory === undefined ? 0 : 1));
        for (const imp of this.imports.values()) w.name(imp.module).name(imp.name).byte(0x00).u32(imp.typeIndex);
        if (memory !== undefined) {
          w.name(memory.module).name(memory.name).byte(0x02);
          w.byte(memory.shared ? 0x03 : 0x01).u32(memory.initial).u32(memory.maximum);
        }
      });
    }
    section(3, (w) => {
      w.u32(this.functions.length);
      for (const f of this.functions) w.u32(f.typeIndex);
    });
    const exported = this.functions.map((f, i) => [f, i] as const).filter(([f]) => f.exported);
    section(7, (w) => {
      w.u32(exported.length);
      for (const [f, i] of exported) w.name(f.name).byte(0x00).u32(importKeys.length + i);
    });
    section(10, (w) => {
      w.u32(this.functions.length);
      for (const f of this.functions) w.sized(f.code.encode(resolve));
    });
    return out.finish();
  }

  private typeIndex(params: readonly ValType[], results: readonly ValType[]): number {
    const key = `${params.join(',')}->${results.join(',')}`;
    let index = this.types.indexOf(key);
    if (index < 0) {
      const w = new ByteWriter().byte(0x60);
      w.u32(params.length);
      for (const p of params) w.byte(ValType[p]);
      w.u32(results.length);
      for (const r of results) w.byte(ValType[r]);
      index = this.types.length;
      this.types.push(key);
      this.typeBytes.push(w);
    }
    return index;
  }
}
