/**
 * The shared memory: the block heap's size classes and reuse, arrays that
 * survive growth of the memory, the thread pool, and memory that stays flat
 * over 100,000 calls of a compiled function.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { heapAlloc, heapBlockSize, heapFree, heapStats, heapTop, sizeClass } from '../../src/wasm/heap.js';
import { ensureMemory, memoryBuffer, MEMORY_IMPORT } from '../../src/wasm/memory.js';
import { allocateShared, memoryView, outstandingBytes, releaseStorage, requestCollection, wasmAddress } from '../../src/wasm/arrays.js';
import { ModuleBuilder } from '../../src/wasm/module.js';
import { runParallel, shareModule, takenBackCount, threadsReady, waitForPickups, workerTaskCount } from '../../src/wasm/threads.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import { xorshift32 } from '../helpers/assertions.js';

const T = th.tensor;

describe('block heap', () => {
  it('rounds sizes to classes at most 25% larger, aligned to 64 bytes', () => {
    for (const bytes of [1, 63, 64, 65, 200, 257, 1000, 4097, 12345, 8e6, 1e8 + 3]) {
      const c = sizeClass(bytes);
      expect(c).toBeGreaterThanOrEqual(bytes);
      expect(c % 64).toBe(0);
      if (bytes > 256) expect(c).toBeLessThanOrEqual(bytes * 1.25 + 64);
    }
  });

  it('hands a freed block to the next request of its class', () => {
    const a = heapAlloc(10_000);
    expect(a % 64).toBe(0);
    heapFree(a);
    expect(heapAlloc(9_990)).toBe(a);
    heapFree(a);
    expect(() => heapFree(a)).toThrow(/not a live block/);
    expect(() => heapAlloc(-1)).toThrow(RangeError);
  });

  it('serves other sizes from freed memory, splitting blocks and merging them back, before growing', () => {
    const big = heapAlloc(3_000_000);
    heapFree(big);
    const before = heapStats();
    const small = heapAlloc(1_000_000);
    const rest = heapAlloc(1_500_000);
    expect(heapStats().top).toBe(before.top);
    expect(heapBlockSize(small)).toBe(sizeClass(1_000_000));
    expect(small + heapBlockSize(small) <= rest || rest + heapBlockSize(rest) <= small).toBe(true);
    heapFree(small);
    heapFree(rest);
    // The pieces merged: the first size fits again without growing the heap.
    const again = heapAlloc(3_000_000);
    expect(heapStats().top).toBe(before.top);
    heapFree(again);
    expect(heapStats().free).toBe(before.free);
  });

  it('keeps the heap flat when shapes alternate (a smaller last batch each epoch)', () => {
    const epoch = (bytes: number) => {
      const blocks = Array.from({ length: 6 }, () => heapAlloc(bytes));
      for (const b of blocks) heapFree(b);
    };
    epoch(2_400_000);
    epoch(700_000);
    const top = heapStats().top;
    for (let e = 0; e < 30; e++) {
      epoch(2_400_000);
      epoch(700_000 + (e % 3) * 100_000);
    }
    expect(heapStats().top).toBe(top);
  });

  it('never hands out overlapping blocks, under random allocation and freeing', () => {
    const next = xorshift32(77);
    const held: { at: number; size: number }[] = [];
    const overlaps = (a: { at: number; size: number }) => held.some((b) => a.at < b.at + b.size && b.at < a.at + a.size);
    const start = heapStats();
    let peak = 0;
    for (let op = 0; op < 3000; op++) {
      if (held.length > 0 && next() < 0.45) {
        const [gone] = held.splice(Math.floor(next() * held.length), 1);
        heapFree(gone!.at);
      } else {
        const bytes = Math.floor(64 * 2 ** (next() * 14));
        const at = heapAlloc(bytes);
        const block = { at, size: heapBlockSize(at) };
        expect(block.size).toBeGreaterThanOrEqual(bytes);
        expect(overlaps(block)).toBe(false);
        held.push(block);
      }
      peak = Math.max(peak, held.reduce((s, b) => s + b.size, 0));
    }
    for (const b of held) heapFree(b.at);
    expect(heapStats().live).toBe(start.live);
    // Merging keeps fragmentation in check: the heap grew by less than twice the most held at once.
    expect(heapStats().top - start.top).toBeLessThan(2 * peak);
  });

  it('zero-fills arrays from reused blocks and from fresh memory alike', () => {
    const dirty = allocateShared('float64', 20_000, true);
    dirty.fill(7);
    releaseStorage(dirty);
    for (const size of [20_000, 5_000, 60_000]) {
      const a = allocateShared('float64', size, true);
      expect(a.every((v) => v === 0)).toBe(true);
      releaseStorage(a);
    }
  });

  it('knows the class size of live blocks only, and never frees an offset inside a block', () => {
    const a = heapAlloc(5_000);
    expect(heapBlockSize(a)).toBe(sizeClass(5_000));
    expect(() => heapFree(a + 64)).toThrow(/not a live block/);
    heapFree(a);
    expect(() => heapBlockSize(a)).toThrow(/not a live block/);
  });
});

describe('releaseStorage', () => {
  it('frees an allocator array once, and leaves views, copies and heap arrays alone', () => {
    const before = outstandingBytes();
    const data = allocateShared('float64', 1000, true);
    expect(outstandingBytes()).toBe(before + sizeClass(8000));
    const at = wasmAddress(data);
    releaseStorage(data.subarray(0, 10));
    releaseStorage(new Float64Array(1000));
    releaseStorage(memoryView('float64', at, 1000));
    expect(outstandingBytes()).toBe(before + sizeClass(8000));
    releaseStorage(data);
    expect(outstandingBytes()).toBe(before);
    releaseStorage(data);
    expect(outstandingBytes()).toBe(before);
    // The block is free again: the next request of its class gets it.
    const next = heapAlloc(8000);
    expect(next).toBe(at);
    heapFree(next);
  });
});

describe('arrays in the shared memory', () => {
  it('stay valid and keep their values when the memory grows', () => {
    const a = allocateShared('float64', 1000, true);
    a.fill(7);
    expect(wasmAddress(a)).toBeGreaterThan(0);
    ensureMemory(memoryBuffer().byteLength + (1 << 20));
    expect(a[999]).toBe(7);
    expect(wasmAddress(a)).toBeGreaterThan(0);
    a[0] = 3;
    expect(new Float64Array(memoryBuffer(), wasmAddress(a), 1)[0]).toBe(3);
  });

  it('memory stays flat over 100,000 calls of a compiled function', () => {
    const x = T.vector('x');
    const w = th.shared(th.array(Array.from({ length: 2000 }, (_, i) => i * 1e-3)), 'w');
    // A 16 KB intermediate (in the shared memory), a scalar result, and an in-place update per call.
    const f = th.function([x], x.mul(w).sum(), { updates: [[w, w.mul(0.999999)]] });
    const xv = th.ones([2000]);
    // Two calls reach the steady state (the second may take a block the first one's staging kept).
    f(xv);
    f(xv);
    const before = heapStats();
    const outstanding = outstandingBytes();
    for (let i = 0; i < 100_000; i++) f(xv);
    expect(heapStats().top).toBe(before.top);
    expect(outstandingBytes()).toBe(outstanding);
  });

  it('an RNN training step (scan, its gradient, in-place updates) leaves no shared-memory garbage per call', () => {
    const W = th.shared(th.array(Array.from({ length: 64 * 64 }, (_, i) => Math.sin(i) / 8), { dtype: 'float32', shape: [64, 64] }), 'W');
    const xs = T.tensor3('xs', 'float32');
    const h0 = T.constant(th.zeros([16, 64], 'float32'));
    const [hs] = th.scan({ fn: (x: TensorVariable, h: TensorVariable) => T.tanh(T.dot(h, W).add(x)), sequences: xs, outputsInfo: h0 });
    const loss = (hs as TensorVariable).at(-1).sum();
    const step = th.function([xs], loss, { updates: [[W, W.sub(T.grad(loss, W).mul(0.01))]] });
    const x = th.array(Array.from({ length: 20 * 16 * 64 }, (_, i) => Math.cos(i)), { dtype: 'float32', shape: [20, 16, 64] });
    step(x);
    step(x);
    const outstanding = outstandingBytes();
    const top = heapStats().top;
    for (let i = 0; i < 200; i++) step(x);
    expect(outstandingBytes()).toBe(outstanding);
    expect(heapStats().top).toBe(top);
  });

  it('a momentum update (a new value per call, read by two updates) reuses the memory of the value it replaces', () => {
    const n = 4000;
    const W = th.shared(th.array(Array.from({ length: n }, (_, i) => Math.sin(i))), 'W');
    const V = th.shared(th.zeros([n]), 'V');
    const g = T.vector('g');
    const vNew = V.mul(0.9).sub(g.mul(0.1));
    const step = th.function([g], [], { updates: [[V, vNew], [W, W.add(vNew)]] });
    const gv = th.array(Array.from({ length: n }, (_, i) => Math.cos(i)));
    step(gv);
    step(gv);
    // Values follow the recurrence, computed here in plain JS.
    const w = Array.from(W.getValue().data);
    const v = Array.from(V.getValue().data);
    const outstanding = outstandingBytes();
    let top = 0;
    for (let i = 0; i < 1000; i++) {
      step(gv);
      // (the heap's free lists settle within a few calls: a new value is made before the old one is freed)
      if (i === 5) top = heapStats().top;
      for (let j = 0; j < n; j++) {
        v[j] = v[j]! * 0.9 - gv.data[j]! * 0.1;
        w[j] = w[j]! + v[j]!;
      }
    }
    expect(outstandingBytes()).toBe(outstanding);
    expect(heapStats().top).toBe(top);
    expect(Array.from(V.getValue().data)).toEqual(v);
    expect(Array.from(W.getValue().data)).toEqual(w);
  });

  it('a value the caller borrowed is never reused by an update', () => {
    const V = th.shared(th.zeros([3000]), 'V');
    const step = th.function([], [], { updates: [[V, V.add(1).mul(1)]], mode: new th.Mode({ excluding: ['inplace'] }) });
    step();
    step();
    const lent = V.getValue({ borrow: true });
    step();
    step();
    // A new array after each step; the lent one still holds the value it had, untouched.
    expect(lent.data[7]).toBe(2);
    expect(V.getValue().data[7]).toBe(4);
    const filler = th.function([], T.fill(V, 9))();
    expect(filler.data[0]).toBe(9);
    expect(lent.data[7]).toBe(2);
  });

  it('results dropped in a synchronous loop come back to the allocator within the loop', async () => {
    const x = T.vector('x');
    const f = th.function([x], x.mul(3));
    const xv = th.ones([1 << 18]); // 2 MB results
    await new Promise((r) => setTimeout(r, 20));
    const start = outstandingBytes();
    const top = heapTop();
    // 400 MB: the allocator asks for a collection once the unreclaimed arrays have grown by 64 MB (more when a
    // collection takes long: 8 MB per millisecond it took), so several times in the loop; the next call hands
    // the dropped results' blocks back (no event loop turn).
    for (let i = 0; i < 200; i++) expect(f(xv).data[7]).toBe(3);
    expect(outstandingBytes() - start).toBeLessThan(262 * 2 ** 20);
    // The reclaimed blocks were reused: the heap grew by at most the arrays between two collections (here
    // bounded by a collection under 32 ms).
    expect(heapTop() - top).toBeLessThan(262 * 2 ** 20);
    await new Promise((r) => setTimeout(r, 20));
    expect(outstandingBytes() - start).toBeLessThan(262 * 2 ** 20);
  });

  it('large results of a synchronous loop stay within the budget, with one warning, stay right, and come back', async () => {
    const x = T.vector('x');
    const f = th.function([x], x.mul(2));
    const xv = th.ones([1 << 18]); // 2 MB results
    // Start from live arrays only: earlier tests' garbage collected and handed back (a call is a safe point), so
    // the budget below is not met by reclaiming it.
    requestCollection();
    f(xv);
    await new Promise((r) => setTimeout(r, 20));
    const budget = th.config.wasmArrayBudget;
    const warnings: string[] = [];
    const listener = (w: Error) => warnings.push(w.name);
    process.on('warning', listener);
    // A budget the loop crosses before the allocator's own collections (after 64 MB of growth) would start.
    th.config.wasmArrayBudget = outstandingBytes() + 16 * 2 ** 20;
    const placed: boolean[] = [];
    try {
      for (let i = 0; i < 80; i++) {
        const y = f(xv);
        expect(y.data[5]).toBe(2);
        expect(y.data[(1 << 18) - 1]).toBe(2);
        expect(outstandingBytes()).toBeLessThanOrEqual(th.config.wasmArrayBudget);
        placed.push(wasmAddress(y.data) >= 0);
      }
    } finally {
      th.config.wasmArrayBudget = budget;
    }
    // Over budget, results went to the JS heap; the collection that asked for let the next call take the
    // dropped ones back, and results returned to the shared memory within the same loop.
    const firstOnHeap = placed.indexOf(false);
    expect(firstOnHeap).toBeGreaterThan(0);
    expect(placed.slice(firstOnHeap).includes(true)).toBe(true);
    await new Promise((r) => setImmediate(r));
    process.off('warning', listener);
    expect(warnings).toEqual(['TheanoMemoryWarning']);
  });
});

describe('storage handed out as a typed array', () => {
  it('a flat view of part of an array keeps the whole storage alive while it lives', () => {
    const x = T.vector('x');
    const f = th.function([x], x.add(1));
    const n = 1 << 16; // 512 KB: in the WebAssembly memory
    // A subarray of a result; the result and its data are dropped with this function's frame (and f's next call
    // replaces whatever f keeps of its last call).
    let at = -1;
    const partOfResult = () => {
      const y = f(th.zeros([n]));
      at = wasmAddress(y.data);
      const part = new th.NDArray(y.data, 'float64', [n - 1], [1], 1).flatData();
      f(th.zeros([n]));
      return part;
    };
    const flat = partOfResult();
    expect(at).toBeGreaterThanOrEqual(0);
    // A collection; the next call (of any function) is a safe point that hands unreachable blocks back: the
    // result's block is not one of them while the view lives.
    requestCollection();
    const s = T.dscalar('s');
    const g = th.function([s], s.add(1));
    g(1);
    expect(heapBlockSize(at)).toBeGreaterThan(0);
    const later = Array.from({ length: 16 }, (_, i) => f(th.full([n], 10 + i)));
    expect(later[15]!.data[0]).toBe(26);
    expect(flat.length).toBe(n - 1);
    expect(Array.from(flat).every((v) => v === 1)).toBe(true);
  });
});

describe('synchronous reclamation never frees a live array', () => {
  it('results kept (whole, as views, or as flat data) through collections and safe points keep their values', () => {
    const [x, k] = [T.vector('x'), T.dscalar('k')];
    const f = th.function([x, k], x.mul(0).add(k)); // every element equals k
    const kept: { value: th.NDArray | ArrayLike<number>; k: number; n: number }[] = [];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 300; i++) {
      const n = 256 + Math.floor(rand() * 2 ** 19); // 2 KB to 4 MB: both sides of the JS-heap threshold
      const y = f(th.zeros([n]), i) as th.NDArray;
      const pick = rand();
      if (pick < 0.1) kept.push({ value: y, k: i, n });
      else if (pick < 0.2) kept.push({ value: new th.NDArray(y.data, 'float64', [n - 1], [1], 1).flatData(), k: i, n: n - 1 });
      else if (pick < 0.3) kept.push({ value: y.reshape([1, n]).T, k: i, n });
      if (i % 10 === 0) requestCollection(); // the next call is a safe point with reclaimable blocks
    }
    for (const { value, k: expected, n } of kept) {
      const data = value instanceof th.NDArray ? value.flatData() : value;
      expect(data.length).toBe(n);
      let same = true;
      for (let j = 0; j < n; j++) same &&= data[j] === expected;
      expect(same).toBe(true);
    }
  });
});

describe('thread pool', () => {
  const m = new ModuleBuilder().importMemory(MEMORY_IMPORT);
  const fill = m.func('fill', ['i32', 'i32', 'f64']).code;
  {
    const [p, n, v] = fill.params as [never, never, never];
    const i = fill.local('i32');
    fill.forRange(i, 0, n, 1, () => void fill.get(p).get(i).i32(3).op('i32.shl').op('i32.add').get(v).mem('f64.store'));
  }
  m.func('trap', []).code.op('unreachable');
  const mod = shareModule(m.encode());

  it('runs tasks on the workers and here, over the same memory', async () => {
    await threadsReady();
    const p = heapAlloc(8 * 300);
    runParallel(mod, 'fill', [[p, 100, 1], [p + 800, 100, 2], [p + 1600, 100, 3]]);
    const view = new Float64Array(memoryBuffer(), p, 300);
    expect([view[0], view[150], view[299]]).toEqual([1, 2, 3]);
    heapFree(p);
  });

  it('runs every task exactly once, on a worker or taken back by the caller', async () => {
    const threads = th.config.threads;
    th.config.threads = 3; // two workers: tasks 1 and 2 are both handed out
    await threadsReady();
    const p = heapAlloc(8 * 3000);
    const view = new Float64Array(memoryBuffer(), p, 3000);
    for (const patient of [false, true]) {
      waitForPickups(patient);
      try {
        for (let round = 1; round <= 50; round++) {
          const [ran, back] = [workerTaskCount(), takenBackCount()];
          runParallel(mod, 'fill', [[p, 1000, round], [p + 8000, 1000, -round], [p + 16000, 1000, 2 * round]]);
          expect(workerTaskCount() - ran + (takenBackCount() - back)).toBe(2);
          if (patient) expect(takenBackCount()).toBe(back);
          expect([view[0], view[999], view[1000], view[1999], view[2000], view[2999]]).toEqual([round, round, -round, -round, 2 * round, 2 * round]);
        }
      } finally {
        waitForPickups(false);
      }
    }
    th.config.threads = threads;
    heapFree(p);
  });

  it('reports a trap in any task', async () => {
    await threadsReady();
    expect(() => runParallel(mod, 'trap', [[], []])).toThrow();
    expect(() => runParallel(mod, 'nothing', [[]])).toThrow(/no export/);
  });
});
