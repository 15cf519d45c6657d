/**
 * The WebAssembly emitter: LEB128 and float encodings, module structure
 * (validated by the engine), labelled control flow, SIMD instructions, and
 * feature detection.
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../src/wasm/encoding.js';
import { ModuleBuilder } from '../../src/wasm/module.js';
import { Code } from '../../src/wasm/code.js';
import { wasmFeatures } from '../../src/wasm/features.js';

const bytes = (w: ByteWriter) => Array.from(w.finish());

describe('encoding', () => {
  it('unsigned LEB128', () => {
    expect(bytes(new ByteWriter().u32(0))).toEqual([0]);
    expect(bytes(new ByteWriter().u32(127))).toEqual([127]);
    expect(bytes(new ByteWriter().u32(128))).toEqual([0x80, 1]);
    expect(bytes(new ByteWriter().u32(624485))).toEqual([0xe5, 0x8e, 0x26]);
    expect(bytes(new ByteWriter().u32(0xffffffff))).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(() => new ByteWriter().u32(-1)).toThrow(RangeError);
    expect(() => new ByteWriter().u32(2 ** 32)).toThrow(RangeError);
  });

  it('signed LEB128', () => {
    expect(bytes(new ByteWriter().s32(0))).toEqual([0]);
    expect(bytes(new ByteWriter().s32(-1))).toEqual([0x7f]);
    expect(bytes(new ByteWriter().s32(63))).toEqual([0x3f]);
    expect(bytes(new ByteWriter().s32(64))).toEqual([0xc0, 0]);
    expect(bytes(new ByteWriter().s32(-64))).toEqual([0x40]);
    expect(bytes(new ByteWriter().s32(-65))).toEqual([0xbf, 0x7f]);
    expect(bytes(new ByteWriter().s32(-123456))).toEqual([0xc0, 0xbb, 0x78]);
    // i32 constants are taken modulo 2^32: 0xffffffff is -1.
    expect(bytes(new ByteWriter().s32(0xffffffff))).toEqual([0x7f]);
    expect(bytes(new ByteWriter().s64(-(2n ** 63n)))).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
  });

  it('floats are little-endian IEEE', () => {
    expect(bytes(new ByteWriter().f64(1))).toEqual([0, 0, 0, 0, 0, 0, 0xf0, 0x3f]);
    expect(bytes(new ByteWriter().f32(-2))).toEqual([0, 0, 0, 0xc0]);
  });

  it('grows past its first buffer', () => {
    const w = new ByteWriter();
    for (let i = 0; i < 10_000; i++) w.byte(i);
    expect(w.length).toBe(10_000);
    expect(w.finish()[9_999]).toBe(9_999 & 0xff);
  });
});

/** Instantiates a module with one exported function built by `body`. */
function run(params: ('i32' | 'f64')[], results: ('i32' | 'f64')[], body: (c: Code) => void): (...args: number[]) => number {
  const m = new ModuleBuilder();
  body(m.func('f', params, results).code);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(m.encode()));
  return instance.exports['f'] as (...args: number[]) => number;
}

describe('modules', () => {
  it('functions with locals, loops and labelled branches', () => {
    // Sum of 1..n, leaving early when the running sum passes `cap`.
    const f = run(['i32', 'i32'], ['i32'], (c) => {
      const [n, cap] = c.params as [never, never];
      const i = c.local('i32');
      const sum = c.local('i32');
      const done = c.block();
      c.forRange(i, 1, n, 1, () => {
        c.get(sum).get(i).op('i32.add').tee(sum).get(cap).op('i32.gt_s').brIf(done);
      });
      c.end();
      c.get(sum);
    });
    expect(f(11, 1000)).toBe(55);
    expect(f(1000, 20)).toBe(21);
    expect(f(0, 5)).toBe(0);
  });

  it('if/else with a result', () => {
    const f = run(['f64'], ['f64'], (c) => {
      c.get(c.params[0]!).f64(0).op('f64.lt');
      c.if_('f64');
      c.f64(-1);
      c.else_();
      c.get(c.params[0]!).op('f64.sqrt');
      c.end();
    });
    expect(f(-3)).toBe(-1);
    expect(f(16)).toBe(4);
  });

  it('SIMD lanes, splats, shuffles and constants', () => {
    const f = run(['f64', 'f64'], ['f64'], (c) => {
      const [a, b] = c.params as [never, never];
      const v = c.local('v128');
      c.get(a).op('f64x2.splat').get(b).lane('f64x2.replace_lane', 1).set(v);
      // swap the lanes, add 10 to both, and return lane 0 (b + 10)
      c.get(v).get(v).shuffle([8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]).splatConst('f64x2', 10).op('f64x2.add');
      c.lane('f64x2.extract_lane', 0);
    });
    expect(f(1, 2)).toBe(12);
  });

  it('imported functions, declared on first use, take the first indices; calls and exports follow', () => {
    const m = new ModuleBuilder();
    const twice = m.func('twice', ['f64'], ['f64'], false);
    twice.code.get(twice.code.params[0]!).f64(2).op('f64.mul');
    const main = m.func('f', ['f64'], ['f64']).code;
    // (declared after `twice` was defined: every index shifts at encoding)
    main.get(main.params[0]!).call(twice.index).callImport('js', 'sqrt', ['f64'], ['f64']).call(twice.index);
    const bytes = m.encode();
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { js: { sqrt: Math.sqrt } });
    expect((instance.exports['f'] as (x: number) => number)(8)).toBe(8);
    expect(() => m.importFunction('js', 'sqrt', ['f32'], ['f32'])).toThrow(/two signatures/);
    expect(() => new Code([], []).callImport('js', 'sqrt', ['f64'], ['f64'])).toThrow(/no module/);
  });

  it('refuses unbalanced blocks and branches to closed labels', () => {
    const c = new Code([], []);
    const label = c.block();
    expect(() => c.encode()).toThrow(/unclosed/);
    c.end();
    expect(() => c.br(label)).toThrow(/not open/);
    expect(() => c.end()).toThrow(/without an open block/);
    expect(() => new ModuleBuilder().func('f', []) && new ModuleBuilder()).not.toThrow();
    const m = new ModuleBuilder();
    m.func('f', []);
    expect(() => m.func('f', [])).toThrow(/twice/);
  });

  it('every instruction of the opcode tables is accepted by the engine where it is expected', () => {
    // A module using a spread of plain, saturating and SIMD instructions validates.
    const m = new ModuleBuilder();
    const c = m.func('f', ['f64'], ['i32']).code;
    const x = c.params[0]!;
    c.get(x).op('i32.trunc_sat_f64_s').get(x).op('f64x2.splat').op('f64x2.nearest').op('i64x2.bitmask').op('i32.add');
    c.get(x).op('f64x2.splat').op('f32x4.demote_f64x2_zero').op('f64x2.promote_low_f32x4').op('i32x4.trunc_sat_f64x2_s_zero').lane('i32x4.extract_lane', 0).op('i32.add');
    expect(WebAssembly.validate(m.encode())).toBe(true);
  });
});

describe('features', () => {
  it('detects SIMD on this runtime (Node 20 has it)', () => {
    const f = wasmFeatures();
    expect(f.simd).toBe(true);
    expect(f.sharedMemory).toBe(true);
    expect(typeof f.relaxedSimd).toBe('boolean');
  });
});
