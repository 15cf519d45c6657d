/**
 * The GEMM loop nest around the micro-kernel (GotoBLAS order): column
 * blocks of NC → k blocks of KC (pack B) → row blocks of MC (pack A) → NR
 * column panels → MR row panels → micro-kernel. The first k block stores
 * its tile, later ones add theirs, so C is overwritten (β = 0) and every
 * element's sum is split at the same multiples of KC wherever it sits.
 * Tiles cut by the matrix edge go through a scratch tile, of which only
 * the real part is copied out.
 */
import type { ModuleBuilder } from '../module.js';
import type { Local } from '../code.js';
import { pushMin, type FloatKind } from './float-kind.js';
import type { GemmBlocking } from './blocking.js';

/** Function indices of the pieces the driver calls. */
export interface GemmParts {
  readonly kernel: number;
  /** Kernels for the first r rows of a panel, r = 1 .. MR-1 (index r - 1). */
  readonly shortKernels: readonly number[];
  readonly packA: number;
  readonly packB: number;
  readonly edge: number;
}

/** Adds `edge_<dtype>(tile, c, ldcBytes, rows, cols, accumulate)`: C[r, j] (+)= tile[r, j] for the real part of a tile. */
export function emitEdgeCopy(mb: ModuleBuilder, kind: FloatKind, b: GemmBlocking): number {
  const { code: c, index } = mb.func(`edge_${kind.name}`, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32'], [], false);
  const [tile, cAddr, ldcBytes, rows, cols, accumulate] = c.params as [Local, Local, Local, Local, Local, Local];
  const r = c.local('i32');
  const j = c.local('i32');
  const src = c.local('i32');
  const dst = c.local('i32');
  const E = kind.bytes;
  c.forRange(r, 0, rows, 1, () => {
    c.get(tile).get(r).i32(b.nr * E).op('i32.mul').op('i32.add').set(src);
    c.get(cAddr).get(r).get(ldcBytes).op('i32.mul').op('i32.add').set(dst);
    c.forRange(j, 0, cols, 1, () => {
      c.get(dst);
      c.get(accumulate).if_(kind.name);
      c.get(dst).mem(kind.load).get(src).mem(kind.load).op(kind.add);
      c.else_();
      c.get(src).mem(kind.load);
      c.end();
      c.mem(kind.store);
      c.get(src).i32(E).op('i32.add').set(src);
      c.get(dst).i32(E).op('i32.add').set(dst);
    });
  });
  return index;
}

/**
 * Adds the exported `gemm_<dtype>(a, as0, as1, b, bs0, bs1, c, ldc, m, n, k, j0, j1, packA, packB)`:
 * C[i, j] = Σ_p A[i, p]·B[p, j] for i < m, j0 ≤ j < j1 (strides in elements).
 */
export function emitGemm(mb: ModuleBuilder, kind: FloatKind, b: GemmBlocking, parts: GemmParts): void {
  const { code: c } = mb.func(`gemm_${kind.name}`, Array(15).fill('i32'), []);
  const [a, as0, as1, bAddr, bs0, bs1, cAddr, ldc, m, , k, j0, j1, packA, packB] = c.params as Local[] as [
    Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local,
  ];
  const E = kind.bytes;
  const local = () => c.local('i32');
  // Block starts (jc, pc, ic, jr, ir) and their clipped lengths (nc, kcLen, mc, nr, mr).
  const [jc, nc, pc, kcLen, ic, mc, jr, nr, ir, mr] = [local(), local(), local(), local(), local(), local(), local(), local(), local(), local()];
  const [accumulate, ldcBytes, scratch, tileC, panelA, panelB, limit, left] = [local(), local(), local(), local(), local(), local(), local(), local()];
  const bytes = (x: Local) => c.get(x).i32(E).op('i32.mul');
  /** out = min(cap, to - from): the length of the block starting at `from`. */
  const setMin = (out: Local, cap: number, from: Local, to: Local) => {
    c.get(to).get(from).op('i32.sub').set(left);
    c.i32(cap).set(limit);
    pushMin(c, limit, left);
    c.set(out);
  };

  const done = c.block();
  c.get(m).i32(1).op('i32.lt_s').get(j1).get(j0).op('i32.le_s').op('i32.or').brIf(done);
  bytes(ldc).set(ldcBytes);
  c.get(packA).i32(b.mc * b.kc * E).op('i32.add').set(scratch);

  // k = 0: the empty sum, zero.
  c.get(k).i32(1).op('i32.lt_s').if_();
  c.forRange(ic, 0, m, 1, () => {
    c.forRange(jc, j0, j1, 1, () => {
      c.get(cAddr).get(ic).get(ldcBytes).op('i32.mul').op('i32.add');
      bytes(jc).op('i32.add');
      if (kind.name === 'f32') c.f32(0);
      else c.f64(0);
      c.mem(kind.store);
    });
  });
  c.br(done);
  c.end();

  c.forRange(jc, j0, j1, b.nc, () => {
    setMin(nc, b.nc, jc, j1);
    c.forRange(pc, 0, k, b.kc, () => {
      setMin(kcLen, b.kc, pc, k);
      c.get(pc).i32(0).op('i32.ne').set(accumulate);
      // packB ← B[pc.., jc..]: lines are columns (stride bs1), k steps are rows (stride bs0).
      c.get(bAddr).get(pc).get(bs0).op('i32.mul').get(jc).get(bs1).op('i32.mul').op('i32.add');
      c.i32(E).op('i32.mul').op('i32.add');
      bytes(bs1);
      bytes(bs0);
      c.get(nc).get(kcLen).get(packB).call(parts.packB);
      c.forRange(ic, 0, m, b.mc, () => {
        setMin(mc, b.mc, ic, m);
        // packA ← A[ic.., pc..]: lines are rows (stride as0), k steps are columns (stride as1).
        c.get(a).get(ic).get(as0).op('i32.mul').get(pc).get(as1).op('i32.mul').op('i32.add');
        c.i32(E).op('i32.mul').op('i32.add');
        bytes(as0);
        bytes(as1);
        c.get(mc).get(kcLen).get(packA).call(parts.packA);
        c.forRange(jr, 0, nc, b.nr, () => {
          setMin(nr, b.nr, jr, nc);
          c.get(packB).get(jr).get(kcLen).op('i32.mul').i32(E).op('i32.mul').op('i32.add').set(panelB);
          c.forRange(ir, 0, mc, b.mr, () => {
            setMin(mr, b.mr, ir, mc);
            c.get(packA).get(ir).get(kcLen).op('i32.mul').i32(E).op('i32.mul').op('i32.add').set(panelA);
            c.get(cAddr).get(ic).get(ir).op('i32.add').get(ldcBytes).op('i32.mul').op('i32.add');
            c.get(jc).get(jr).op('i32.add').i32(E).op('i32.mul').op('i32.add').set(tileC);
            c.get(nr).i32(b.nr).op('i32.eq').if_();
            // Whole columns: a kernel of exactly the panel's rows writes C directly.
            const byRows = (r: number) => {
              if (r === 1) {
                c.get(panelA).get(panelB).get(kcLen).get(tileC).get(ldcBytes).get(accumulate).call(b.mr === 1 ? parts.kernel : parts.shortKernels[0]!);
                return;
              }
              c.get(mr).i32(r).op('i32.eq').if_();
              c.get(panelA).get(panelB).get(kcLen).get(tileC).get(ldcBytes).get(accumulate).call(r === b.mr ? parts.kernel : parts.shortKernels[r - 1]!);
              c.else_();
              byRows(r - 1);
              c.end();
            };
            byRows(b.mr);
            c.else_();
            c.get(panelA).get(panelB).get(kcLen).get(scratch).i32(b.nr * E).i32(0).call(parts.kernel);
            c.get(scratch).get(tileC).get(ldcBytes).get(mr).get(nr).get(accumulate).call(parts.edge);
            c.end();
          });
        });
      });
    });
  });
  c.end();
}
