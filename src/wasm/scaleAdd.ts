/**
 * The epilogue of Gemm and Gemv as a SIMD pass: dst = α·src (+ β·z), row
 * by row, with z's rows contiguous. Each operation rounds to the dtype, as
 * the graph `α*dot(x, y) + β*z` would — so the BLAS ops keep giving exactly
 * the values of the graphs they replace. With `readZ` = 0 (β = 0) z is not
 * read at all (BLAS's rule: NaN in z must not reach the result).
 *
 *   scale_add_<f32|f64>(dst, src, z, zRowStep, m, n, alpha, beta, readZ)
 *
 * dst and src are row-major m×n (they may be the same block); zRowStep is
 * in elements; addresses are bytes in the shared memory.
 */
import type { Code, Local } from './code.js';
import { MEMORY_IMPORT } from './memory.js';
import { ModuleBuilder } from './module.js';

interface Kind {
  readonly name: 'f32' | 'f64';
  readonly bytes: 4 | 8;
  readonly lanes: number;
}

const KINDS: readonly Kind[] = [
  { name: 'f32', bytes: 4, lanes: 4 },
  { name: 'f64', bytes: 8, lanes: 2 },
];

function emitScaleAdd(c: Code, k: Kind): void {
  const [dst, src, z, zRowStep, m, n, alpha, beta, readZ] = c.params as [Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const shape = k.name === 'f32' ? 'f32x4' : 'f64x2';
  const i = c.local('i32');
  const j = c.local('i32');
  const vectorEnd = c.local('i32');
  const d = c.local('i32');
  const s = c.local('i32');
  const zp = c.local('i32');
  const a = c.local(k.name);
  const b = c.local(k.name);
  const av = c.local('v128');
  const bv = c.local('v128');
  // α and β in the dtype (they are values of it, so the conversion is exact).
  c.get(alpha);
  if (k.name === 'f32') c.op('f32.demote_f64');
  c.set(a).get(a).op(`${shape}.splat`).set(av);
  c.get(beta);
  if (k.name === 'f32') c.op('f32.demote_f64');
  c.set(b).get(b).op(`${shape}.splat`).set(bv);
  c.get(n).i32(-k.lanes).op('i32.and').set(vectorEnd);
  const rowLoop = (withZ: boolean) => {
    c.forRange(i, 0, m, 1, () => {
      c.get(i).get(n).op('i32.mul').i32(k.bytes).op('i32.mul').tee(d);
      c.get(src).op('i32.add').set(s);
      c.get(dst).get(d).op('i32.add').set(d);
      c.get(z).get(i).get(zRowStep).op('i32.mul').i32(k.bytes).op('i32.mul').op('i32.add').set(zp);
      c.forRange(j, 0, vectorEnd, k.lanes, () => {
        c.get(d).get(av).get(s).mem('v128.load', 0, 0).op(`${shape}.mul`);
        if (withZ) c.get(bv).get(zp).mem('v128.load', 0, 0).op(`${shape}.mul`).op(`${shape}.add`);
        c.mem('v128.store', 0, 0);
        for (const p of withZ ? [d, s, zp] : [d, s]) c.get(p).i32(16).op('i32.add').set(p);
      });
      c.forRange(j, vectorEnd, n, 1, () => {
        c.get(d).get(a).get(s).mem(`${k.name}.load`).op(`${k.name}.mul`);
        if (withZ) c.get(b).get(zp).mem(`${k.name}.load`).op(`${k.name}.mul`).op(`${k.name}.add`);
        c.mem(`${k.name}.store`);
        for (const p of withZ ? [d, s, zp] : [d, s]) c.get(p).i32(k.bytes).op('i32.add').set(p);
      });
    });
  };
  c.get(readZ);
  c.if_();
  rowLoop(true);
  c.else_();
  rowLoop(false);
  c.end();
}

/** The module's bytes. */
export function buildScaleAddModule(): Uint8Array {
  const m = new ModuleBuilder().importMemory(MEMORY_IMPORT);
  for (const k of KINDS) {
    emitScaleAdd(m.func(`scale_add_${k.name}`, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'f64', 'f64', 'i32']).code, k);
  }
  return m.encode();
}
