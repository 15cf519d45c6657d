/**
 * Matrix-vector product y = A·x (y contiguous), in three shapes of loop:
 * rows of A contiguous (and x contiguous): SIMD dot products of several
 * rows at once, sharing each load of x; columns of A contiguous (A = Xᵀ):
 * y swept once per group of columns, y += A[:, p..p+3]·x[p..p+3], reading
 * A in memory order; anything else: a scalar loop with strides. Each row's
 * summation order depends only on k and the loop shape, never on which
 * rows a thread was given.
 */
import type { ModuleBuilder } from '../module.js';
import type { Code, Local } from '../code.js';
import { vectorMulAdd, type FloatKind } from './float-kind.js';

/** Rows per SIMD dot-product group, and vectors per row per step. */
const DOT_ROWS = 4;
const DOT_VECTORS = 2;

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
  axpyColumns(ctx);
  scalarRows(ctx, AXPY_COLUMNS);
  c.end();
  c.end();
  scalarRows(ctx, 1);
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
  const acc = Array.from({ length: rows }, () => [c.local('v128')]);
  const prod = c.local('v128');
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
      // One accumulator per row, fed the sum of this step's products: V8
      // hoists the loads, and a row×vector grid of accumulators then spills
      // to the stack (a load-add-store chain per step, ~1.5× slower).
      const load = (v: number) => () => c.get(rowPtr[r]!).mem('v128.load', 16 * v, 0);
      if (g.fma && vectors > 1) {
        // The step's products fused into one chain, then one add: 3 operations for 2 vectors instead of 4.
        load(vectors - 1)();
        c.get(xv[vectors - 1]!).op(kind.vmul).set(prod);
        for (let v = vectors - 2; v >= 0; v--) vectorMulAdd(c, kind, true, prod, load(v), () => c.get(xv[v]!));
        c.get(acc[r]![0]!).get(prod).op(kind.vadd).set(acc[r]![0]!);
      } else {
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

/** Columns of A taken together per pass of axpyColumns (y += A[:, p..p+3]·x[p..p+3]), and vectors of y per step. */
const AXPY_COLUMNS = 4;
const AXPY_VECTORS = 2;

/**
 * The sum of one group of AXPY_COLUMNS products, pushed: (a0·x0 + a1·x1) +
 * (a2·x2 + a3·x3). `product(q)` pushes a_q·x_q; vector and scalar rows use
 * this same order, so a row's value does not depend on which one ran it.
 */
function groupSum(c: Code, add: 'f32x4.add' | 'f64x2.add' | 'f32.add' | 'f64.add', product: (q: number) => void): void {
  product(0);
  product(1);
  c.op(add);
  product(2);
  product(3);
  c.op(add);
  c.op(add);
}

/**
 * Rows i.. in whole vectors when A's columns are contiguous (A = Xᵀ for a
 * row-major X), any x stride: y is swept once per group of columns,
 * y += Σ_q A[:, p+q]·x[p+q], reading A in its memory order (each column a
 * contiguous run) while y stays in the L1 cache. Leftover columns add one
 * at a time.
 */
function axpyColumns(g: GemvContext): void {
  const { c, kind } = g;
  const E = kind.bytes;
  const L = kind.lanes;
  const vadd = kind.vadd as 'f32x4.add' | 'f64x2.add';
  const yEnd = c.local('i32');
  const yp = c.local('i32');
  const xp = c.local('i32');
  const p = c.local('i32');
  const colStep = c.local('i32');
  const xStep = c.local('i32');
  const col = Array.from({ length: AXPY_COLUMNS }, () => c.local('i32'));
  const sx = Array.from({ length: AXPY_COLUMNS }, () => c.local('v128'));
  c.get(g.as1).i32(E).op('i32.mul').set(colStep);
  c.get(g.xs).i32(E).op('i32.mul').set(xStep);
  // Rows [i, i + whole vectors): y from yp to yEnd, zeroed first.
  c.get(g.y).get(g.i).i32(E).op('i32.mul').op('i32.add').set(yp);
  c.get(yp).get(g.m).get(g.i).op('i32.sub').i32(-L).op('i32.and').i32(E).op('i32.mul').op('i32.add').set(yEnd);
  const rowsFromStart = () => c.get(g.y).get(g.i).i32(E).op('i32.mul').op('i32.add').set(yp);
  // y[yp..yEnd) += …: AXPY_VECTORS vectors per step while they fit, then one; `body(at)` handles the vector at byte offset `at`.
  const sweepY = (columns: number, body: (at: number) => void) => {
    rowsFromStart();
    for (const vectors of [AXPY_VECTORS, 1]) {
      const out = c.block();
      const loop = c.loop();
      c.get(yp).i32(16 * vectors).op('i32.add').get(yEnd).op('i32.gt_u').brIf(out);
      for (let v = 0; v < vectors; v++) body(16 * v);
      for (let q = 0; q < columns; q++) c.get(col[q]!).i32(16 * vectors).op('i32.add').set(col[q]!);
      c.get(yp).i32(16 * vectors).op('i32.add').set(yp);
      c.br(loop);
      c.end();
      c.end();
    }
  };
  sweepYZero(c, yp, yEnd);
  rowsFromStart();
  c.get(g.x).set(xp);
  // col[0] = &A[i, p]
  const columnsAt = (columns: number) => {
    c.get(g.a).get(g.i).i32(E).op('i32.mul').op('i32.add').get(p).get(colStep).op('i32.mul').op('i32.add').set(col[0]!);
    for (let q = 1; q < columns; q++) c.get(col[q - 1]!).get(colStep).op('i32.add').set(col[q]!);
    for (let q = 0; q < columns; q++) {
      c.get(xp).mem(kind.splatLoad, 0, 0).set(sx[q]!);
      c.get(xp).get(xStep).op('i32.add').set(xp);
    }
  };
  c.i32(0).set(p);
  const groups = c.block();
  const groupLoop = c.loop();
  c.get(p).i32(AXPY_COLUMNS).op('i32.add').get(g.k).op('i32.gt_s').brIf(groups);
  columnsAt(AXPY_COLUMNS);
  sweepY(AXPY_COLUMNS, (at) => {
    c.get(yp);
    c.get(yp).mem('v128.load', at, 0);
    groupSum(c, vadd, (q) => void c.get(col[q]!).mem('v128.load', at, 0).get(sx[q]!).op(kind.vmul));
    c.op(vadd).mem('v128.store', at, 0);
  });
  c.get(p).i32(AXPY_COLUMNS).op('i32.add').set(p);
  c.br(groupLoop);
  c.end();
  c.end();
  const rest = c.block();
  const restLoop = c.loop();
  c.get(p).get(g.k).op('i32.ge_s').brIf(rest);
  columnsAt(1);
  sweepY(1, (at) => {
    c.get(yp);
    c.get(yp).mem('v128.load', at, 0).get(col[0]!).mem('v128.load', at, 0).get(sx[0]!).op(kind.vmul).op(vadd).mem('v128.store', at, 0);
  });
  c.get(p).i32(1).op('i32.add').set(p);
  c.br(restLoop);
  c.end();
  c.end();
  c.get(g.i).get(g.m).get(g.i).op('i32.sub').i32(-L).op('i32.and').op('i32.add').set(g.i);
}

/** Stores zero vectors from the address in `from` up to `end`. */
function sweepYZero(c: Code, from: Local, end: Local): void {
  const at = c.local('i32');
  c.get(from).set(at);
  const out = c.block();
  const loop = c.loop();
  c.get(at).get(end).op('i32.ge_u').brIf(out);
  c.get(at).v128(new Uint8Array(16)).mem('v128.store', 0, 0);
  c.get(at).i32(16).op('i32.add').set(at);
  c.br(loop);
  c.end();
  c.end();
}

/**
 * Rows i..m-1 one at a time, any strides: each row summed in groups of
 * `group` columns as axpyColumns sums them (then single ones), or in order
 * when `group` is 1.
 */
function scalarRows(g: GemvContext, group: 1 | typeof AXPY_COLUMNS): void {
  const { c, kind } = g;
  const E = kind.bytes;
  const add = kind.add as 'f32.add' | 'f64.add';
  const sum = c.local(kind.name);
  const ap = c.local('i32');
  const xp = c.local('i32');
  const p = c.local('i32');
  const aStep = c.local('i32');
  const xStep = c.local('i32');
  c.get(g.as1).i32(E).op('i32.mul').set(aStep);
  c.get(g.xs).i32(E).op('i32.mul').set(xStep);
  const product = (q: number) => {
    for (const [ptr, step] of [[ap, aStep], [xp, xStep]] as const) {
      c.get(ptr);
      if (q > 0) c.get(step).i32(q).op('i32.mul').op('i32.add');
      c.mem(kind.load);
    }
    c.op(kind.mul);
  };
  c.forRange(g.i, g.i, g.m, 1, () => {
    if (kind.name === 'f32') c.f32(0);
    else c.f64(0);
    c.set(sum);
    addr(c, g.a, g.i, g.as0, E);
    c.set(ap);
    c.get(g.x).set(xp);
    c.i32(0).set(p);
    if (group > 1) {
      const groups = c.block();
      const loop = c.loop();
      c.get(p).i32(group).op('i32.add').get(g.k).op('i32.gt_s').brIf(groups);
      c.get(sum);
      groupSum(c, add, product);
      c.op(add).set(sum);
      c.get(ap).get(aStep).i32(group).op('i32.mul').op('i32.add').set(ap);
      c.get(xp).get(xStep).i32(group).op('i32.mul').op('i32.add').set(xp);
      c.get(p).i32(group).op('i32.add').set(p);
      c.br(loop);
      c.end();
      c.end();
    }
    c.forRange(p, p, g.k, 1, () => {
      c.get(sum);
      product(0);
      c.op(add).set(sum);
      c.get(ap).get(aStep).op('i32.add').set(ap);
      c.get(xp).get(xStep).op('i32.add').set(xp);
    });
    c.get(g.y).get(g.i).i32(E).op('i32.mul').op('i32.add').get(sum).mem(kind.store);
  });
}

