/**
 * The GEMM micro-kernel: multiplies one packed MR-row panel of A (KC×MR,
 * k-major) by one packed NR-column panel of B (KC×NR, k-major), keeping the
 * MR×NR tile of sums in v128 locals for the whole k loop, then stores the
 * tile into C or adds it to C. It is a function of its own so V8 tiers it up
 * to optimised code after a few calls, whatever the driver does.
 *
 * Every lane's sum runs over p = 0..kc-1 in order, so each result depends on
 * its row of A and column of B only, never on where the tile sits.
 */
import type { ModuleBuilder } from '../module.js';
import type { Local } from '../code.js';
import { vectorMulAdd, type FloatKind } from './float-kind.js';
import type { GemmBlocking } from './blocking.js';

/**
 * Adds `kernel_<dtype>(pa, pb, kc, c, ldcBytes, accumulate)`: C tile at byte
 * address c (rows ldcBytes apart) = tile, or += tile when accumulate ≠ 0.
 * With `rows` < MR, `kernel_<dtype>_<rows>` computes only the first `rows`
 * rows of the panel (the last panel of A when MR does not divide m), each
 * exactly as the full kernel computes it.
 */
export function emitMicroKernel(mb: ModuleBuilder, kind: FloatKind, b: GemmBlocking, fma: boolean, rows = b.mr): number {
  const name = rows === b.mr ? `kernel_${kind.name}` : `kernel_${kind.name}_${rows}`;
  const { code: c, index } = mb.func(name, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], [], false);
  const [pa, pb, kc, cAddr, ldcBytes, accumulate] = c.params as [Local, Local, Local, Local, Local, Local];
  const vectors = b.nr / kind.lanes;
  // Locals start at zero, so the accumulators need no clearing.
  const acc: Local[][] = [];
  for (let r = 0; r < rows; r++) acc.push(Array.from({ length: vectors }, () => c.local('v128')));
  const bv = Array.from({ length: vectors }, () => c.local('v128'));
  const av = c.local('v128');
  const groups = c.local('i32');
  const aStep = b.mr * kind.bytes;
  const bStep = b.nr * kind.bytes;

  // One k step at offset `u` steps from the panel pointers.
  const step = (u: number) => {
    for (let v = 0; v < vectors; v++) c.get(pb).mem('v128.load', u * bStep + 16 * v, 0).set(bv[v]!);
    for (let r = 0; r < rows; r++) {
      c.get(pa).mem(kind.splatLoad, u * aStep + r * kind.bytes, 0).set(av);
      for (let v = 0; v < vectors; v++) {
        vectorMulAdd(c, kind, fma, acc[r]![v]!, () => c.get(av), () => c.get(bv[v]!));
      }
    }
  };
  const advance = (steps: number) => {
    c.get(pa).i32(steps * aStep).op('i32.add').set(pa);
    c.get(pb).i32(steps * bStep).op('i32.add').set(pb);
  };

  // Unrolled groups of `unroll` steps, then the remaining steps one by one.
  c.get(kc).i32(b.unroll).op('i32.div_s').tee(groups);
  c.if_();
  const groupLoop = c.loop();
  for (let u = 0; u < b.unroll; u++) step(u);
  advance(b.unroll);
  c.get(groups).i32(1).op('i32.sub').tee(groups).brIf(groupLoop);
  c.end();
  c.end();
  if (b.unroll > 1) {
    c.get(kc).i32(b.unroll).op('i32.rem_s').tee(groups);
    c.if_();
    const restLoop = c.loop();
    step(0);
    advance(1);
    c.get(groups).i32(1).op('i32.sub').tee(groups).brIf(restLoop);
    c.end();
    c.end();
  }

  // Write the tile back, row by row.
  const row = c.local('i32');
  c.get(cAddr).set(row);
  c.get(accumulate).if_();
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < vectors; v++) {
      c.get(row).get(row).mem('v128.load', 16 * v, 0).get(acc[r]![v]!).op(kind.vadd).mem('v128.store', 16 * v, 0);
    }
    if (r + 1 < rows) c.get(row).get(ldcBytes).op('i32.add').set(row);
  }
  c.else_();
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < vectors; v++) c.get(row).get(acc[r]![v]!).mem('v128.store', 16 * v, 0);
    if (r + 1 < rows) c.get(row).get(ldcBytes).op('i32.add').set(row);
  }
  c.end();
  return index;
}
