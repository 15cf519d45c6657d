/**
 * Softmax, LogSoftmax and SoftmaxGrad along the last axis of contiguous
 * float arrays, as WebAssembly SIMD passes over each row; the op's own
 * `perform` (nnet/softmax.ts) runs every other case. The steps are the
 * op's: the row's maximum (0 when it is not finite, so NaN and ±Infinity
 * give what the JS op gives), exp(x - max) summed in float64, then
 *
 *   softmax(x, y, r0, r1, cols)            y = exp(x - max) / Σ exp(x - max)
 *   log_softmax(x, y, r0, r1, cols)        y = (x - max) - log Σ exp(x - max)
 *   softmax_grad(g, y, out, r0, r1, cols)  out = (g - Σ g·y)·y
 *
 * with the vector exp and log of wasm/math (a few ulp from Math.exp and
 * Math.log), sums folded lane by lane, and float32 rows computed in float32
 * with float64 sums — so results may differ from the JS executor's in the
 * last bits. Rows [r0, r1) of `cols` elements; addresses in bytes.
 */
import type { Apply } from '../../graph/apply.js';
import type { OutputCell } from '../../graph/op.js';
import type { Code, Local } from '../../wasm/code.js';
import { ModuleBuilder } from '../../wasm/module.js';
import { MEMORY_IMPORT } from '../../wasm/memory.js';
import { runParallel, shareModule, threadCount, type SharedModule } from '../../wasm/threads.js';
import { contiguousStrides, NDArray, sameShape, viewOf } from '../../ndarray/ndarray.js';
import { ScratchArrays, wasmAddress } from '../../wasm/arrays.js';
import { LogSoftmax, Softmax, SoftmaxGrad } from '../../tensor/nnet/softmax.js';
import { reuseOrAllocate } from '../../tensor/runtime.js';
import type { Thunk } from '../vm.js';
import { LAYOUTS } from './renderKernel.js';
import { opCost, vectorOp } from './vectorOps.js';
import { Staging } from './staging.js';
import { PARALLEL_MIN_WORK, worthWasm } from './dispatch.js';

type Float = 'float32' | 'float64';

const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];

/** What one function body needs to know about its dtype. */
class RowCode {
  readonly L;
  readonly D: 'f64' | 'f32';
  readonly col: Local;
  readonly vectorEnd: Local;

  constructor(
    readonly c: Code,
    readonly dtype: Float,
    readonly cols: Local,
  ) {
    this.L = LAYOUTS[dtype];
    this.D = dtype === 'float64' ? 'f64' : 'f32';
    this.col = c.local('i32');
    this.vectorEnd = c.local('i32');
    c.get(cols).i32(-this.L.lanes).op('i32.and').set(this.vectorEnd);
  }

  /** `body(false)` once per whole vector of the row, then `body(true)` once per tail element. */
  sweep(body: (tail: boolean) => void): void {
    const { c, col, vectorEnd, cols, L } = this;
    c.forRange(col, 0, vectorEnd, L.lanes, () => body(false));
    c.forRange(col, vectorEnd, cols, 1, () => body(true));
  }

  /** The float64 sum of a vector's lanes added to `acc` (float64x2), float32 lanes widened first. */
  accumulate(acc: Local, v: Local): void {
    const { c } = this;
    if (this.dtype === 'float64') {
      c.get(acc).get(v).op('f64x2.add').set(acc);
      return;
    }
    c.get(acc).get(v).op('f64x2.promote_low_f32x4').op('f64x2.add').set(acc);
    c.get(acc).get(v).get(v).shuffle(HIGH_HALF).op('f64x2.promote_low_f32x4').op('f64x2.add').set(acc);
  }

  /** Lane 0 of `v` as a float64, pushed. */
  firstLane(v: Local): void {
    this.c.get(v).lane(this.dtype === 'float64' ? 'f64x2.extract_lane' : 'f32x4.extract_lane', 0);
    if (this.dtype === 'float32') this.c.op('f64.promote_f32');
  }

  /** Pushes the float64 scalar in `x` as a vector of this dtype in every lane. */
  splatFrom64(x: Local): void {
    this.c.get(x);
    if (this.dtype === 'float32') this.c.op('f32.demote_f64').op('f32x4.splat');
    else this.c.op('f64x2.splat');
  }

  /** The sum of acc's two lanes, pushed. */
  lanesSum(acc: Local): void {
    this.c.get(acc).lane('f64x2.extract_lane', 0).get(acc).lane('f64x2.extract_lane', 1).op('f64.add');
  }

  /** The row's shift into `shift` (float64): its maximum, or 0 when that is not finite. */
  rowShift(x: Local, shift: Local): void {
    const { c, L, D } = this;
    const s = L.shape;
    const p = c.local('i32');
    const m = c.local('v128');
    const max = c.local(D);
    c.get(x).set(p);
    c.splatConst(s, -Infinity).set(m);
    c.forRange(this.col, 0, this.vectorEnd, L.lanes, () => {
      c.get(m).get(p).mem('v128.load', 0, 0).op(`${s}.max`).set(m);
      c.get(p).i32(16).op('i32.add').set(p);
    });
    c.get(m).lane(`${s}.extract_lane`, 0);
    for (let l = 1; l < L.lanes; l++) c.get(m).lane(`${s}.extract_lane`, l).op(`${D}.max`);
    c.set(max);
    c.forRange(this.col, this.vectorEnd, this.cols, 1, () => {
      c.get(max).get(p).mem(L.load).op(`${D}.max`).set(max);
      c.get(p).i32(L.bytes).op('i32.add').set(p);
    });
    c.get(max);
    if (D === 'f32') c.op('f64.promote_f32');
    c.set(shift);
    // max - max is 0 exactly when max is finite.
    c.get(shift).f64(0).get(shift).get(shift).op('f64.sub').f64(0).op('f64.eq').op('select').set(shift);
  }

  /** Σ exp(x - shift) over the row into `total`, storing each exp at y when `y` is given. */
  sumExp(x: Local, y: Local | null, shift: Local, total: Local): void {
    const { c, L } = this;
    const s = L.shape;
    const exp = vectorOp('exp')!;
    const [p, q] = [c.local('i32'), c.local('i32')];
    const [sv, t, e, acc] = [c.local('v128'), c.local('v128'), c.local('v128'), c.local('v128')];
    this.splatFrom64(shift);
    c.set(sv);
    c.v128(new Uint8Array(16)).set(acc);
    c.get(x).set(p);
    if (y !== null) c.get(y).set(q);
    c.forRange(this.col, 0, this.vectorEnd, L.lanes, () => {
      c.get(p).mem('v128.load', 0, 0).get(sv).op(`${s}.sub`).set(t);
      exp(c, s, [t]);
      c.set(e);
      if (y !== null) c.get(q).get(e).mem('v128.store', 0, 0);
      this.accumulate(acc, e);
      c.get(p).i32(16).op('i32.add').set(p);
      if (y !== null) c.get(q).i32(16).op('i32.add').set(q);
    });
    this.lanesSum(acc);
    c.set(total);
    c.forRange(this.col, this.vectorEnd, this.cols, 1, () => {
      c.get(p).mem(L.loadZero).get(sv).op(`${s}.sub`).set(t);
      exp(c, s, [t]);
      c.set(e);
      if (y !== null) c.get(q).get(e).lane(`${s}.extract_lane`, 0).mem(L.store);
      c.get(total);
      this.firstLane(e);
      c.op('f64.add').set(total);
      c.get(p).i32(L.bytes).op('i32.add').set(p);
      if (y !== null) c.get(q).i32(L.bytes).op('i32.add').set(q);
    });
  }
}

/** Emits `name(…arrays, r0, r1, cols)` running `row(rc, rowAddresses)` on each row. */
function rowFunction(m: ModuleBuilder, name: string, dtype: Float, arrays: number, row: (rc: RowCode, at: readonly Local[]) => void): void {
  const { code: c } = m.func(name, Array(arrays + 3).fill('i32'));
  const base = c.params.slice(0, arrays);
  const [r0, r1, cols] = c.params.slice(arrays) as [Local, Local, Local];
  const rc = new RowCode(c, dtype, cols);
  const r = c.local('i32');
  const rowBytes = c.local('i32');
  const at = base.map(() => c.local('i32'));
  c.get(cols).i32(rc.L.bytes).op('i32.mul').set(rowBytes);
  c.forRange(r, r0, r1, 1, () => {
    for (let i = 0; i < arrays; i++) c.get(base[i]!).get(r).get(rowBytes).op('i32.mul').op('i32.add').set(at[i]!);
    row(rc, at);
  });
}

function buildModule(dtype: Float): Uint8Array {
  const m = new ModuleBuilder().importMemory(MEMORY_IMPORT);
  const { shape: s, bytes: E, load, store } = LAYOUTS[dtype];
  const D = dtype === 'float64' ? 'f64' : 'f32';

  rowFunction(m, 'softmax', dtype, 2, (rc, [x, y]) => {
    const { c } = rc;
    const [shift, total] = [c.local('f64'), c.local('f64')];
    const [q, tv] = [c.local('i32'), c.local('v128')];
    rc.rowShift(x!, shift);
    rc.sumExp(x!, y!, shift, total);
    rc.splatFrom64(total);
    c.set(tv);
    c.get(y!).set(q);
    rc.sweep((tail) => {
      if (tail) c.get(q).get(q).mem(load).get(tv).lane(`${s}.extract_lane`, 0).op(`${D}.div`).mem(store);
      else c.get(q).get(q).mem('v128.load', 0, 0).get(tv).op(`${s}.div`).mem('v128.store', 0, 0);
      c.get(q).i32(tail ? E : 16).op('i32.add').set(q);
    });
  });

  rowFunction(m, 'log_softmax', dtype, 2, (rc, [x, y]) => {
    const { c } = rc;
    const [shift, total] = [c.local('f64'), c.local('f64')];
    const [p, q, sv, lv, t] = [c.local('i32'), c.local('i32'), c.local('v128'), c.local('v128'), c.local('v128')];
    rc.rowShift(x!, shift);
    rc.sumExp(x!, null, shift, total);
    // log Σ in float64, on a splat (the vector log is the only log here).
    c.get(total).op('f64x2.splat').set(t);
    vectorOp('log')!(c, 'f64x2', [t]);
    c.set(t);
    c.get(t).lane('f64x2.extract_lane', 0).set(total);
    rc.splatFrom64(total);
    c.set(lv);
    rc.splatFrom64(shift);
    c.set(sv);
    c.get(x!).set(p);
    c.get(y!).set(q);
    rc.sweep((tail) => {
      c.get(q);
      if (tail) {
        c.get(p).mem(load).get(sv).lane(`${s}.extract_lane`, 0).op(`${D}.sub`);
        c.get(lv).lane(`${s}.extract_lane`, 0).op(`${D}.sub`).mem(store);
      } else {
        c.get(p).mem('v128.load', 0, 0).get(sv).op(`${s}.sub`).get(lv).op(`${s}.sub`).mem('v128.store', 0, 0);
      }
      for (const ptr of [p, q]) c.get(ptr).i32(tail ? E : 16).op('i32.add').set(ptr);
    });
  });

  rowFunction(m, 'softmax_grad', dtype, 3, (rc, [g, y, out]) => {
    const { c } = rc;
    const dot = c.local('f64');
    const [p, q, o] = [c.local('i32'), c.local('i32'), c.local('i32')];
    const [acc, gv, yv, dv] = [c.local('v128'), c.local('v128'), c.local('v128'), c.local('v128')];
    // Σ g·y in float64 (float32 lanes widened before multiplying, as the JS op multiplies doubles).
    c.v128(new Uint8Array(16)).set(acc);
    c.get(g!).set(p);
    c.get(y!).set(q);
    rc.sweep((tail) => {
      if (tail) {
        // acc + (g·y, 0)
        c.get(acc).v128(new Uint8Array(16)).get(p).mem(load);
        if (D === 'f32') c.op('f64.promote_f32');
        c.get(q).mem(load);
        if (D === 'f32') c.op('f64.promote_f32');
        c.op('f64.mul').lane('f64x2.replace_lane', 0).op('f64x2.add').set(acc);
      } else {
        c.get(p).mem('v128.load', 0, 0).set(gv);
        c.get(q).mem('v128.load', 0, 0).set(yv);
        if (D === 'f64') c.get(acc).get(gv).get(yv).op('f64x2.mul').op('f64x2.add').set(acc);
        else {
          c.get(acc).get(gv).op('f64x2.promote_low_f32x4').get(yv).op('f64x2.promote_low_f32x4').op('f64x2.mul').op('f64x2.add').set(acc);
          c.get(acc).get(gv).get(gv).shuffle(HIGH_HALF).op('f64x2.promote_low_f32x4');
          c.get(yv).get(yv).shuffle(HIGH_HALF).op('f64x2.promote_low_f32x4').op('f64x2.mul').op('f64x2.add').set(acc);
        }
      }
      for (const ptr of [p, q]) c.get(ptr).i32(tail ? E : 16).op('i32.add').set(ptr);
    });
    rc.lanesSum(acc);
    c.set(dot);
    rc.splatFrom64(dot);
    c.set(dv);
    c.get(g!).set(p);
    c.get(y!).set(q);
    c.get(out!).set(o);
    rc.sweep((tail) => {
      c.get(o);
      if (tail) c.get(p).mem(load).get(dv).lane(`${s}.extract_lane`, 0).op(`${D}.sub`).get(q).mem(load).op(`${D}.mul`).mem(store);
      else c.get(p).mem('v128.load', 0, 0).get(dv).op(`${s}.sub`).get(q).mem('v128.load', 0, 0).op(`${s}.mul`).mem('v128.store', 0, 0);
      for (const ptr of [p, q, o]) c.get(ptr).i32(tail ? E : 16).op('i32.add').set(ptr);
    });
  });
  return m.encode();
}

const modules: Partial<Record<Float, SharedModule>> = {};
let runs = 0;

/** How many softmax-family nodes have run in WASM in this process (for tests and profiles). */
export function wasmSoftmaxRuns(): number {
  return runs;
}

function moduleFor(dtype: Float): SharedModule {
  return (modules[dtype] ??= shareModule(buildModule(dtype)));
}

/** Work per element, in additions: the exp (or only the passes, for the gradient). */
const COST = { softmax: 4 + opCost('exp'), log_softmax: 4 + opCost('exp'), softmax_grad: 6 };

/**
 * A thunk running a Softmax, LogSoftmax or SoftmaxGrad node in WASM when its
 * arrays are of one float dtype and shape; the op's perform otherwise. Null
 * for other ops. Contiguous arrays along their last axis are read in place;
 * others (another axis, transposed or strided views) are copied with the
 * axis last, computed, and the result copied back.
 */
export function wasmSoftmaxThunk(node: Apply): Thunk | null {
  const op = node.op;
  const name = op instanceof Softmax ? 'softmax' : op instanceof LogSoftmax ? 'log_softmax' : op instanceof SoftmaxGrad ? 'softmax_grad' : null;
  if (name === null) return null;
  const axis = (op as Softmax | LogSoftmax | SoftmaxGrad).axis;
  const js: Thunk = (inputs, cells) => op.perform(node, inputs, cells);
  const staging = new Staging();
  /** Rows [r0, r1) of `cols` elements at these byte addresses (inputs, then the output), over threads. */
  const runRows = (dtype: Float, at: number[], rows: number, cols: number) => {
    const mod = moduleFor(dtype);
    const threads = rows * cols * COST[name] >= PARALLEL_MIN_WORK ? Math.min(threadCount(), rows) : 1;
    const tasks: number[][] = [];
    for (let t = 0; t < threads; t++) tasks.push([...at, Math.floor((rows * t) / threads), Math.floor((rows * (t + 1)) / threads), cols]);
    if (tasks.length === 1) mod.exports[name]!(...tasks[0]!);
    else runParallel(mod, name, tasks);
  };
  return (inputs: readonly unknown[], cells: OutputCell[]) => {
    const arrays = inputs as readonly NDArray[];
    const x = arrays[arrays.length - 1]!;
    const dtype = x.dtype;
    const n = x.size;
    if ((dtype !== 'float32' && dtype !== 'float64') || axis < 0 || axis >= x.ndim || n === 0) return js(inputs, cells);
    if (!arrays.every((a) => a.dtype === dtype && sameShape(a.shape, x.shape))) return js(inputs, cells);
    const { bytes } = LAYOUTS[dtype];
    if (!worthWasm(n, bytes, COST[name])) return js(inputs, cells);
    const out = reuseOrAllocate(cells[0]!, dtype, x.shape);
    const cols = x.shape[axis]!;
    const rows = n / cols;
    if (axis === x.ndim - 1 && arrays.every((a) => a.isContiguous())) {
      try {
        const at = arrays.map((a, i) => staging.address(a, false, i));
        at.push(staging.address(out, true, arrays.length));
        runRows(dtype, at, rows, cols);
      } finally {
        staging.finish();
      }
    } else {
      // The axis moved last, everything contiguous in scratch memory; the result moved back into `out`.
      const order = [...x.shape.keys()].filter((d) => d !== axis).concat(axis);
      const back = order.map((_, d) => order.indexOf(d));
      const moved = order.map((d) => x.shape[d]!);
      const scratch = new ScratchArrays();
      try {
        const bufs = arrays.map((a) => {
          const buf = scratch.alloc(dtype, n);
          a.transpose(order).copyTo(buf);
          return buf;
        });
        const result = scratch.alloc(dtype, n);
        runRows(dtype, [...bufs, result].map(wasmAddress), rows, cols);
        viewOf(result, dtype, moved, contiguousStrides(moved), 0).transpose(back).copyTo(out.data.subarray(out.offset));
      } finally {
        scratch.release();
      }
    }
    runs++;
    cells[0]!.value = out;
  };
}
