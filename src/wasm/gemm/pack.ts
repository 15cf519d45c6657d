/**
 * Packing of GEMM operands into micro-panels: `count` rows (of A) or
 * columns (of B) by `kc` steps of k become panels of W = MR (or NR) lines,
 * each stored k-major (W consecutive elements per k step) so the
 * micro-kernel reads them with unit stride. Strides are arbitrary, which is
 * how transposed operands cost nothing extra; lines past `count` in the
 * last panel are zero (their results land only in the edge tile's unused
 * part, never in C).
 */
import type { ModuleBuilder } from '../module.js';
import type { Local } from '../code.js';
import { copyBytes, pushMin, type FloatKind } from './float-kind.js';

/**
 * Adds `<name>(src, strideW, strideK, count, kc, dst)`: strides in bytes
 * between lines and between k steps of the source; dst receives
 * ceil(count/W) panels of W·kc elements.
 */
export function emitPack(mb: ModuleBuilder, name: string, kind: FloatKind, width: number): number {
  const { code: c, index } = mb.func(name, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], [], false);
  const [src, strideW, strideK, count, kc, dst] = c.params as [Local, Local, Local, Local, Local, Local];
  const E = kind.bytes;
  const lineBytes = width * E;
  const q = c.local('i32');
  const valid = c.local('i32');
  const widthConst = c.local('i32');
  const s = c.local('i32');
  const d = c.local('i32');
  const p = c.local('i32');
  const w = c.local('i32');
  const end = c.local('i32');
  const left = c.local('i32');

  c.i32(width).set(widthConst);
  c.forRange(q, 0, count, width, () => {
    c.get(count).get(q).op('i32.sub').set(left);
    pushMin(c, widthConst, left);
    c.set(valid);
    // Full panel whose lines are adjacent elements: one W-element copy per k step.
    c.get(valid).i32(width).op('i32.eq').get(strideW).i32(E).op('i32.eq').op('i32.and');
    c.if_();
    c.get(src).set(s).get(dst).set(d);
    c.forRange(p, 0, kc, 1, () => {
      copyBytes(c, s, d, lineBytes);
      c.get(s).get(strideK).op('i32.add').set(s);
      c.get(d).i32(lineBytes).op('i32.add').set(d);
    });
    c.else_();
    // Last, partial panel: clear it first so the missing lines are zero.
    c.get(valid).i32(width).op('i32.lt_s').if_();
    c.get(dst).set(d);
    c.get(dst).get(kc).i32(lineBytes).op('i32.mul').op('i32.add').set(end);
    const clear = c.block();
    const clearLoop = c.loop();
    c.get(d).i32(4).op('i32.add').get(end).op('i32.gt_u').brIf(clear);
    c.get(d).i32(0).mem('i32.store', 0, 0);
    c.get(d).i32(4).op('i32.add').set(d);
    c.br(clearLoop);
    c.end();
    c.end();
    c.end();
    // Any strides: line by line, stepping along k.
    c.forRange(w, 0, valid, 1, () => {
      c.get(src).get(w).get(strideW).op('i32.mul').op('i32.add').set(s);
      c.get(dst).get(w).i32(E).op('i32.mul').op('i32.add').set(d);
      c.forRange(p, 0, kc, 1, () => {
        c.get(d).get(s).mem(kind.load).mem(kind.store);
        c.get(s).get(strideK).op('i32.add').set(s);
        c.get(d).i32(lineBytes).op('i32.add').set(d);
      });
    });
    c.end();
    // Next panel.
    c.get(src).get(strideW).i32(width).op('i32.mul').op('i32.add').set(src);
    c.get(dst).get(kc).i32(lineBytes).op('i32.mul').op('i32.add').set(dst);
  });
  return index;
}
