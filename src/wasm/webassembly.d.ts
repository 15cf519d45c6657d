/**
 * The parts of the WebAssembly JS API the executor uses. Node has the API,
 * but the ES2022 library and @types/node do not declare it (lib.dom does).
 */
declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  interface Memory {
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(delta: number): number;
  }
  var Memory: { prototype: Memory; new (descriptor: MemoryDescriptor): Memory };
  interface Module {}
  var Module: { prototype: Module; new (bytes: Uint8Array): Module };
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
  var Instance: { prototype: Instance; new (module: Module, imports?: Record<string, Record<string, unknown>>): Instance };
  function validate(bytes: Uint8Array): boolean;
}
