/**
 * Matrix-vector product y = A·x (y contiguous), in three shapes of loop:
 * rows of A contiguous (and x contiguous): SIMD dot products of several
 * rows at once, sharing each load of x; columns of A contiguous: SIMD
 * sweeps down blocks of rows, one splat of x[p] per column; anything else:
 * a scalar loop with strides.
 */
import type { ModuleBuilder } from '../module.js';
import type { Code, Local } from '../code.js';
import { vectorMulAdd, type FloatKind } from './float-kind.js';

/** Rows per SIMD dot-product group, vectors per row per step, vectors of rows per column sweep. */
const DOT_ROWS = 4;
const DOT_VECTORS = 2;
const SWEEP_VECTORS = 4;

/** Adds the exported `gemv_<dtype>(a, as0, as1, x, xs, y, m, k)`: y[i] = Σ_p A[i, p]·x[p]. */
export function emitGemv(mb: ModuleBuilder, kind: FloatKind, fma: boolean): void {
  const { code: c } = mb.func(`gemv_${kind.name}`, Array(8).fill('i32'), []);
  const [a, as0, as1, x, xs, y, m, k] = c.params as Local[] as [Local, Local, Local, Local, Local, Local, Local, Local];
  const i = c.local('i32');
  const ctx = { c, kind, fma, a, as0, as1, x, xs, y, m, k, i };
  c.i32(0).set(i);
  c.get(as1).i32(1).op('i32.eq').get(xs).i32(1).op('i32.eq').op('i32.and').if_();
  dotRows(ctx, DOT_ROWS);
  dotRows(ctx, 1);
  c.else_();
  c.get(as0).i32(1).op('i32.eq').if_();
  sweepColumns(ctx, SWEEP_VECTORS);
  sweepColumns(ctx, 1);
  c.end();
  c.end();
  scalarRows(ctx);
}

interface GemvContext {
  readonly c: Code;
  readonly kind: FloatKind;
  readonly fma: boolean;
  readonly a: Local;
  readonly as0: Local;
  readonly as1: Local;
  readonly x: Local;
  readonly xs: Local;
  readonly y: Local;
  readonly m: Local;
  readonly k: Local;
  /** The next row to compute; each stage advances it. */
  readonly i: Local;
}

const addr = (c: Code, base: Local, index: Local, stride: Local | number, bytes: number) => {
  c.get(base).get(index);
  if (typeof stride === 'number') c.i32(stride * bytes);
  else c.get(stride).i32(bytes).op('i32.mul');
  c.op('i32.mul').op('i32.add');
};

/** Rows i.. in groups of `rows` while a whole group fits: contiguous rows · contiguous x. */
function dotRows(g: GemvContext, rows: number): void {
  const { c, kind } = g;
  const E = kind.bytes;
  const L = kind.lanes;
  const acc = Array.from({ length: rows }, () => Array.from({ length: g.fma ? DOT_VECTORS : 1 }, () => c.local('v128')));
  const xv = Array.from({ length: DOT_VECTORS }, () => c.local('v128'));
  const rowPtr = Array.from({ length: rows }, () => c.local('i32'));
  const xp = c.local('i32');
  const p = c.local('i32');
  const sum = c.local(kind.name);

  const exit = c.block();
  const top = c.loop();
  c.get(g.i).i32(rows).op('i32.add').get(g.m).op('i32.gt_s').brIf(exit);
  for (let r = 0; r < rows; r++) {
    addr(c, g.a, g.i, g.as0, E);
    if (r > 0) c.get(g.as0).i32(r * E).op('i32.mul').op('i32.add');
    c.set(rowPtr[r]!);
    for (const v of acc[r]!) c.v128(new Uint8Array(16)).set(v);
  }
  c.get(g.x).set(xp);
  const step = (vectors: number) => {
    // p advances by `vectors` vectors while they fit in k.
    const out = c.block();
    const loop = c.loop();
    c.get(p).i32(vectors * L).op('i32.add').get(g.k).op('i32.gt_s').brIf(out);
    for (let v = 0; v < vectors; v++) c.get(xp).mem('v128.load', 16 * v, 0).set(xv[v]!);
    for (let r = 0; r < rows; r++) {
      if (g.fma) {
        for (let v = 0; v < vectors; v++) {
          vectorMulAdd(c, kind, true, acc[r]![v]!, () => c.get(rowPtr[r]!).mem('v128.load', 16 * v, 0), () => c.get(xv[v]!));
        }
      } else {
        // One accumulator per row, fed the sum of this step's products:
        // V8 hoists the loads, and a row×vector grid of accumulators then
        // spills to the stack (a load-add-store chain per step, ~1.5× slower).
        c.get(acc[r]![0]!);
        for (let v = 0; v < vectors; v++) {
          c.get(rowPtr[r]!).mem('v128.load', 16 * v, 0).get(xv[v]!).op(kind.vmul);
          if (v > 0) c.op(kind.vadd);
        }
        c.op(kind.vadd).set(acc[r]![0]!);
      }
      c.get(rowPtr[r]!).i32(16 * vectors).op('i32.add').set(rowPtr[r]!);
    }
    c.get(xp).i32(16 * vectors).op('i32.add').set(xp);
    c.get(p).i32(vectors * L).op('i32.add').set(p);
    c.br(loop);
    c.end();
    c.end();
  };
  c.i32(0).set(p);
  step(DOT_VECTORS);
  step(1);
  const pStart = c.local('i32');
  c.get(p).set(pStart);
  for (let r = 0; r < rows; r++) {
    // Lanes summed pairwise, then the leftover k steps in order.
    for (let v = 1; v < acc[r]!.length; v++) c.get(acc[r]![0]!).get(acc[r]![v]!).op(kind.vadd).set(acc[r]![0]!);
    const lane = (l: number) => c.get(acc[r]![0]!).lane(kind.extract, l);
    if (L === 4) {
      lane(0); lane(1); c.op(kind.add); lane(2); lane(3); c.op(kind.add); c.op(kind.add);
    } else {
      lane(0); lane(1); c.op(kind.add);
    }
    c.set(sum);
    c.forRange(p, pStart, g.k, 1, () => {
      c.get(sum);
      c.get(rowPtr[r]!).mem(kind.load);
      c.get(xp).get(p).get(pStart).op('i32.sub').i32(E).op('i32.mul').op('i32.add').mem(kind.load);
      c.op(kind.mul).op(kind.add).set(sum);
      c.get(rowPtr[r]!).i32(E).op('i32.add').set(rowPtr[r]!);
    });
    c.get(g.y).get(g.i).i32(r).op('i32.add').i32(E).op('i32.mul').op('i32.add').get(sum).mem(kind.store);
  }
  c.get(g.i).i32(rows).op('i32.add').set(g.i);
  c.br(top);
  c.end();
  c.end();
}

/** Rows i.. in blocks of `vectors`·lanes while a whole block fits: contiguous columns, any x stride. */
function sweepColumns(g: GemvContext, vectors: number): void {
  const { c, kind } = g;
  const E = kind.bytes;
  const span = vectors * kind.lanes;
  const acc = Array.from({ length: vectors }, () => c.local('v128'));
  const xv = c.local('v128');
  const col = c.local('i32');
  const xp = c.local('i32');
  const p = c.local('i32');
  const colStep = c.local('i32');
  const xStep = c.local('i32');
  c.get(g.as1).i32(E).op('i32.mul').set(colStep);
  c.get(g.xs).i32(E).op('i32.mul').set(xStep);
  const exit = c.block();
  const top = c.loop();
  c.get(g.i).i32(span).op('i32.add').get(g.m).op('i32.gt_s').brIf(exit);
  for (const v of acc) c.v128(new Uint8Array(16)).set(v);
  c.get(g.a).get(g.i).i32(E).op('i32.mul').op('i32.add').set(col);
  c.get(g.x).set(xp);
  c.forRange(p, 0, g.k, 1, () => {
    c.get(xp).mem(kind.splatLoad, 0, 0).set(xv);
    for (let v = 0; v < vectors; v++) {
      vectorMulAdd(c, kind, g.fma, acc[v]!, () => c.get(col).mem('v128.load', 16 * v, 0), () => c.get(xv));
    }
    c.get(col).get(colStep).op('i32.add').set(col);
    c.get(xp).get(xStep).op('i32.add').set(xp);
  });
  for (let v = 0; v < vectors; v++) {
    c.get(g.y).get(g.i).i32(E).op('i32.mul').op('i32.add').get(acc[v]!).mem('v128.store', 16 * v, 0);
  }
  c.get(g.i).i32(span).op('i32.add').set(g.i);
  c.br(top);
  c.end();
  c.end();
}

/** Rows i..m-1 one at a time, any strides. */
function scalarRows(g: GemvContext): void {
  const { c, kind } = g;
  const E = kind.bytes;
  const sum = c.local(kind.name);
  const ap = c.local('i32');
  const xp = c.local('i32');
  const p = c.local('i32');
  const aStep = c.local('i32');
  const xStep = c.local('i32');
  c.get(g.as1).i32(E).op('i32.mul').set(aStep);
  c.get(g.xs).i32(E).op('i32.mul').set(xStep);
  c.forRange(g.i, g.i, g.m, 1, () => {
    if (kind.name === 'f32') c.f32(0);
    else c.f64(0);
    c.set(sum);
    addr(c, g.a, g.i, g.as0, E);
    c.set(ap);
    c.get(g.x).set(xp);
    c.forRange(p, 0, g.k, 1, () => {
      c.get(sum).get(ap).mem(kind.load).get(xp).mem(kind.load).op(kind.mul).op(kind.add).set(sum);
      c.get(ap).get(aStep).op('i32.add').set(ap);
      c.get(xp).get(xStep).op('i32.add').set(xp);
    });
    c.get(g.y).get(g.i).i32(E).op('i32.mul').op('i32.add').get(sum).mem(kind.store);
  });
}
