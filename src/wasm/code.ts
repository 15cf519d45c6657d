/**
 * A function body under construction: locals, instructions by name, and
 * structured control flow with label objects instead of hand-counted branch
 * depths (`const done = c.block(); … c.brIf(done); … c.end();`).
 */
import { ByteWriter } from './encoding.js';
import { LANE, MEMORY, PLAIN, SATURATING, SIMD, SIMD_MEMORY, ValType, type LaneOp, type MemoryOp, type PlainOp } from './opcodes.js';

/** A local variable (or parameter) of the function being built. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

/** A branch target: the block, loop or if it was opened by. */
export interface Label {
  readonly depth: number;
  readonly kind: 'block' | 'loop' | 'if';
}

const BLOCK_VOID = 0x40;

/** A called function: one defined in the module (by its position among them) or an import (by its key). */
export type CallTarget = { readonly defined: number } | { readonly imported: string };

/** What a body asks of its module: an index for an imported function (declared on first use). */
export interface ImportRegistry {
  importFunction(module: string, name: string, params: readonly ValType[], results: readonly ValType[]): string;
}

export class Code {
  private readonly body = new ByteWriter();
  private readonly localTypes: ValType[] = [];
  private readonly open: Label[] = [];
  /** Calls whose function index is known only when the module is encoded (imports come first). */
  private readonly calls: { at: number; target: CallTarget }[] = [];
  readonly params: readonly Local[];

  constructor(params: readonly ValType[], readonly results: readonly ValType[], private readonly registry?: ImportRegistry) {
    this.params = params.map((type, index) => ({ index, type }));
  }

  /** A new local of `type` (zero-initialised, as WebAssembly locals are). */
  local(type: ValType): Local {
    const index = this.params.length + this.localTypes.length;
    this.localTypes.push(type);
    return { index, type };
  }

  /** Any instruction without immediates, plain, saturating or SIMD. */
  op(name: PlainOp): this {
    if (name in PLAIN) this.body.byte(PLAIN[name as keyof typeof PLAIN]);
    else if (name in SATURATING) this.body.byte(0xfc).u32(SATURATING[name as keyof typeof SATURATING]);
    else this.body.byte(0xfd).u32(SIMD[name as keyof typeof SIMD]);
    return this;
  }

  /** Several instructions in order. */
  ops(...names: PlainOp[]): this {
    for (const n of names) this.op(n);
    return this;
  }

  get(l: Local): this {
    this.body.byte(0x20).u32(l.index);
    return this;
  }

  set(l: Local): this {
    this.body.byte(0x21).u32(l.index);
    return this;
  }

  tee(l: Local): this {
    this.body.byte(0x22).u32(l.index);
    return this;
  }

  i32(n: number): this {
    this.body.byte(0x41).s32(n);
    return this;
  }

  i64(n: bigint): this {
    this.body.byte(0x42).s64(n);
    return this;
  }

  f32(x: number): this {
    this.body.byte(0x43).f32(x);
    return this;
  }

  f64(x: number): this {
    this.body.byte(0x44).f64(x);
    return this;
  }

  /** A v128 constant from 16 bytes. */
  v128(bytes: ArrayLike<number>): this {
    if (bytes.length !== 16) throw new RangeError(`v128 constant needs 16 bytes, got ${bytes.length}`);
    this.body.byte(0xfd).u32(12).bytes(bytes);
    return this;
  }

  /** A vector with every lane equal to `x` (f64x2 or f32x4). */
  splatConst(shape: 'f64x2' | 'f32x4', x: number): this {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    if (shape === 'f64x2') for (let i = 0; i < 2; i++) view.setFloat64(8 * i, x, true);
    else for (let i = 0; i < 4; i++) view.setFloat32(4 * i, x, true);
    return this.v128(bytes);
  }

  /** A vector with every lane equal to the integer `n` (i64x2 takes a bigint). */
  splatInt(shape: 'i32x4' | 'i64x2', n: number | bigint): this {
    const bytes = new Uint8Array(16);
    const view = new DataView(bytes.buffer);
    if (shape === 'i64x2') for (let i = 0; i < 2; i++) view.setBigInt64(8 * i, BigInt.asIntN(64, BigInt(n)), true);
    else for (let i = 0; i < 4; i++) view.setInt32(4 * i, Number(n) | 0, true);
    return this.v128(bytes);
  }

  /** A load or store at the address on the stack plus `offset` bytes (natural alignment unless given). */
  mem(name: MemoryOp, offset = 0, alignLog2?: number): this {
    if (name in MEMORY) {
      const [code, align] = MEMORY[name as keyof typeof MEMORY];
      this.body.byte(code).u32(alignLog2 ?? align).u32(offset);
    } else {
      const [code, align] = SIMD_MEMORY[name as keyof typeof SIMD_MEMORY];
      this.body.byte(0xfd).u32(code).u32(alignLog2 ?? align).u32(offset);
    }
    return this;
  }

  lane(name: LaneOp, index: number): this {
    this.body.byte(0xfd).u32(LANE[name]).byte(index);
    return this;
  }

  /** i8x16.shuffle with 16 lane indices into the two operands' 32 bytes. */
  shuffle(lanes: ArrayLike<number>): this {
    if (lanes.length !== 16) throw new RangeError(`i8x16.shuffle needs 16 lane indices, got ${lanes.length}`);
    this.body.byte(0xfd).u32(13).bytes(lanes);
    return this;
  }

  /** Calls the module's function `functionIndex` (as `ModuleBuilder.func` returned it). */
  call(functionIndex: number): this {
    return this.callTarget({ defined: functionIndex });
  }

  /** Calls a function the module imports (declared on first use, e.g. `math.sin`). */
  callImport(module: string, name: string, params: readonly ValType[], results: readonly ValType[]): this {
    if (this.registry === undefined) throw new Error(`callImport(${module}.${name}): this body belongs to no module`);
    return this.callTarget({ imported: this.registry.importFunction(module, name, params, results) });
  }

  private callTarget(target: CallTarget): this {
    this.body.byte(0x10);
    this.calls.push({ at: this.body.length, target });
    this.body.paddedU32(0);
    return this;
  }

  block(result?: ValType): Label {
    return this.openLabel(0x02, 'block', result);
  }

  loop(result?: ValType): Label {
    return this.openLabel(0x03, 'loop', result);
  }

  /** `if` on the i32 on the stack; close with `end()`, optionally after `else_()`. */
  if_(result?: ValType): Label {
    return this.openLabel(0x04, 'if', result);
  }

  else_(): this {
    const top = this.open[this.open.length - 1];
    if (top?.kind !== 'if') throw new Error('else without an open if');
    this.body.byte(0x05);
    return this;
  }

  end(): this {
    if (this.open.pop() === undefined) throw new Error('end without an open block');
    this.body.byte(0x0b);
    return this;
  }

  /** Branch to `label`: the end of a block or if, the start of a loop. */
  br(label: Label): this {
    this.body.byte(0x0c).u32(this.depthOf(label));
    return this;
  }

  brIf(label: Label): this {
    this.body.byte(0x0d).u32(this.depthOf(label));
    return this;
  }

  /**
   * A counted loop: `for (i = start; i < stop; i += step) body(i)` with i32
   * values; `start`/`stop` are locals or constants, tested before the first
   * iteration.
   */
  forRange(i: Local, start: Local | number, stop: Local | number, step: number, body: () => void): this {
    const push = (v: Local | number) => (typeof v === 'number' ? this.i32(v) : this.get(v));
    push(start).set(i);
    const exit = this.block();
    push(i);
    push(stop);
    this.op('i32.ge_s').brIf(exit);
    const top = this.loop();
    body();
    this.get(i).i32(step).op('i32.add').tee(i);
    push(stop);
    this.op('i32.lt_s').brIf(top);
    this.end();
    this.end();
    return this;
  }

  /** The encoded body: local declarations, instructions and the final `end`; `resolve` gives each call's final function index. */
  encode(resolve: (target: CallTarget) => number = (t) => ('defined' in t ? t.defined : 0)): ByteWriter {
    if (this.open.length !== 0) throw new Error(`function body has ${this.open.length} unclosed block(s)`);
    for (const { at, target } of this.calls) this.body.patchU32(at, resolve(target));
    const out = new ByteWriter();
    // Consecutive locals of one type are declared as one run.
    const runs: [number, ValType][] = [];
    for (const t of this.localTypes) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === t) last[0]++;
      else runs.push([1, t]);
    }
    out.u32(runs.length);
    for (const [count, t] of runs) out.u32(count).byte(ValType[t]);
    out.bytes(this.body.finish()).byte(0x0b);
    return out;
  }

  private openLabel(code: number, kind: Label['kind'], result?: ValType): Label {
    this.body.byte(code).byte(result === undefined ? BLOCK_VOID : ValType[result]);
    const label = { depth: this.open.length, kind };
    this.open.push(label);
    return label;
  }

  private depthOf(label: Label): number {
    if (this.open[label.depth] !== label) throw new Error('branch to a label that is not open');
    return this.open.length - 1 - label.depth;
  }
}
