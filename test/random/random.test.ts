/**
 * Random streams: the Philox generator against Random123's known answers,
 * reproducibility by seed, default updates, statistics of large draws,
 * choice / permutation / shuffle, symbolic sizes, re-seeding and state
 * restore, gradients, and errors.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { RandomStream, randomStreams, philoxBlock, PhiloxReader, stateFromSeed } from '../../src/random/index.js';

const T = th.tensor;
const MODES: [string, th.Mode | undefined][] = [
  ['default mode', undefined],
  ['vm linker', new th.Mode({ linker: 'vm' })],
];

const values = (a: th.NDArray): number[] => Array.from(a.data);

function stats(xs: ArrayLike<number>): { mean: number; variance: number; min: number; max: number } {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    sum += xs[i]!;
    min = Math.min(min, xs[i]!);
    max = Math.max(max, xs[i]!);
  }
  const mean = sum / xs.length;
  let ss = 0;
  for (let i = 0; i < xs.length; i++) ss += (xs[i]! - mean) ** 2;
  return { mean, variance: ss / xs.length, min, max };
}

function thrownBy(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('Philox4x32-10', () => {
  it('matches the Random123 known-answer vectors', () => {
    const hex = (a: ArrayLike<number>) => Array.from(a, (x) => x.toString(16).padStart(8, '0')).join(' ');
    expect(hex(philoxBlock([0, 0, 0, 0], [0, 0]))).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
    const ones = 0xffffffff;
    expect(hex(philoxBlock([ones, ones, ones, ones], [ones, ones]))).toBe('408f276d 41c83b0e a20bc7c6 6d5451fd');
    expect(hex(philoxBlock([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))).toBe('d16cfe09 94fdcceb 5001e420 24126ea1');
  });

  it('reads blocks in counter order and carries the 128-bit counter', () => {
    const state = stateFromSeed(0);
    const g = new PhiloxReader(state);
    const first = [g.nextUint32(), g.nextUint32(), g.nextUint32(), g.nextUint32()];
    expect(first).toEqual(Array.from(philoxBlock([0, 0, 0, 0], [0, 0])));
    g.nextUint32();
    expect(values(g.state())).toEqual([0, 0, 2, 0, 0, 0]);
    const wrap = new PhiloxReader(new th.NDArray(new Uint32Array([1, 2, 0xffffffff, 0xffffffff, 0, 0]), 'uint32', [6]));
    expect(wrap.nextUint32()).toBe(philoxBlock([0xffffffff, 0xffffffff, 0, 0], [1, 2])[0]);
    expect(values(wrap.state())).toEqual([1, 2, 0, 0, 1, 0]);
  });
});

describe('reproducibility', () => {
  it('pins the first draws of seed 42 (portability guard)', () => {
    const r = new RandomStream(42);
    const f = th.function([], [r.uniform({ size: [4] }), r.normal({ size: [4] }), r.integers({ size: [4], low: 0, high: 100 }), r.uniform({ size: [2], dtype: 'float32' })]);
    const [u, z, k, u32] = f();
    expect(values(u!)).toEqual([0.9831116227958777, 0.9202916318246999, 0.6444153525412412, 0.264259100448752]);
    const zExpected = [1.4359581539558681, 0.5381449644711963, 1.7227105379841485, -0.5407837948440635];
    values(z!).forEach((v, i) => expect(v).toBeCloseTo(zExpected[i]!, 12));
    expect(values(k!)).toEqual([0, 69, 43, 84]);
    expect(values(u32!)).toEqual([Math.fround(0.2584576904773712), Math.fround(0.4917278587818146)]);
    const [u2] = f();
    expect(values(u2!)).toEqual([0.11558868995167904, 0.04457918539316552, 0.5021123835729819, 0.9787503650772885]);
    expect(values(r.stateUpdates[0]![0].getValue())).toEqual([2575500955, 1068215273, 4, 0, 0, 0]);
  });

  for (const [label, mode] of MODES) {
    describe(label, () => {
      it('gives identical draws for one seed and different draws for another', () => {
        const draw = (seed: number) => {
          const r = randomStreams(seed);
          return th.function([], [r.uniform({ size: [50] }), r.normal({ size: [7] })], { mode })().map(values);
        };
        expect(draw(7)).toEqual(draw(7));
        expect(draw(7)[0]).not.toEqual(draw(8)[0]);
        // Streams of one RandomStream get distinct sub-seeds.
        const r = new RandomStream(7);
        const f = th.function([], [r.uniform({ size: [20] }), r.uniform({ size: [20] })], { mode });
        const [a, b] = f().map(values);
        expect(a).not.toEqual(b);
        // Without a seed, a random one.
        const unseeded = () => th.function([], new RandomStream().uniform({ size: [4] }), { mode })();
        expect(values(unseeded())).not.toEqual(values(unseeded()));
      });

      it('draws new numbers at each call, and the same ones with noDefaultUpdates', () => {
        const r = new RandomStream(3);
        const u = r.uniform({ size: [10] });
        const f = th.function([], u, { mode });
        const first = values(f());
        expect(values(f())).not.toEqual(first);
        const frozenR = new RandomStream(3);
        const v = frozenR.uniform({ size: [10] });
        const frozen = th.function([], v, { mode, noDefaultUpdates: true });
        expect(values(frozen())).toEqual(first);
        expect(values(frozen())).toEqual(first);
        expect(th.function([], v, { mode, noDefaultUpdates: [v.rng] })().data).toEqual(new Float64Array(first));
        expect(f.maker.updated).toEqual([u.rng]);
        expect(u.update).toEqual([u.rng, u.rng.defaultUpdate]);
      });

      it('one draw used twice in a function gives one value and one update', () => {
        const r = new RandomStream(5);
        const u = r.uniform({ size: [3] });
        const [a, b] = th.function([], [u, u.mul(2)], { mode })();
        expect(values(b!)).toEqual(values(a!).map((x) => 2 * x));
      });
    });
  }
});

describe('statistics of large draws', () => {
  const N = 100_000;
  const r = new RandomStream(2024);

  it('uniform: mean, variance, bounds; float32 too', () => {
    const s = stats(th.function([], r.uniform({ size: [N], low: -2, high: 6 }))().data);
    expect(s.mean).toBeCloseTo(2, 1);
    expect(Math.abs(s.variance - 64 / 12)).toBeLessThan(0.08);
    expect(s.min).toBeGreaterThanOrEqual(-2);
    expect(s.max).toBeLessThan(6);
    const f32 = th.function([], r.uniform({ size: [N], dtype: 'float32' }))();
    expect(f32.dtype).toBe('float32');
    const t = stats(f32.data);
    expect(Math.abs(t.mean - 0.5)).toBeLessThan(0.005);
    expect(t.max).toBeLessThan(1);
  });

  it('normal: mean and variance', () => {
    const s = stats(th.function([], r.normal({ size: [N], avg: 2, std: 3 }))().data);
    expect(Math.abs(s.mean - 2)).toBeLessThan(0.04);
    expect(Math.abs(s.variance - 9) / 9).toBeLessThan(0.02);
  });

  it('truncatedNormal: within 2 std, with the truncated variance', () => {
    const s = stats(th.function([], r.truncatedNormal({ size: [N], avg: -1, std: 0.5 }))().data);
    expect(s.min).toBeGreaterThanOrEqual(-2);
    expect(s.max).toBeLessThanOrEqual(0);
    expect(Math.abs(s.mean + 1)).toBeLessThan(0.01);
    // Var of N(0,1) truncated to [-2, 2]: 1 - 4φ(2)/(2Φ(2) - 1) ≈ 0.7737.
    expect(Math.abs(s.variance / 0.25 - 0.7737)).toBeLessThan(0.015);
  });

  it('binomial: small n (inversion), large n (BTRS), p > 0.5; bernoulli', () => {
    for (const [n, p] of [
      [5, 0.3],
      [100, 0.3],
      [1000, 0.02],
      [50, 0.9],
      [2000, 0.5],
    ] as const) {
      const out = th.function([], r.binomial({ size: [N], n, p }))();
      expect(out.dtype).toBe('int64');
      const s = stats(out.data);
      expect(Math.abs(s.mean - n * p) / Math.sqrt(n * p * (1 - p))).toBeLessThan(0.02);
      expect(Math.abs(s.variance / (n * p * (1 - p)) - 1)).toBeLessThan(0.03);
      expect(s.min).toBeGreaterThanOrEqual(0);
      expect(s.max).toBeLessThanOrEqual(n);
      expect(values(out).every(Number.isInteger)).toBe(true);
    }
    const mask = th.function([], r.bernoulli({ size: [N], p: 0.2, dtype: 'float64' }))();
    expect(mask.dtype).toBe('float64');
    const s = stats(mask.data);
    expect(Math.abs(s.mean - 0.2)).toBeLessThan(0.005);
    expect(new Set(values(mask))).toEqual(new Set([0, 1]));
    expect(values(th.function([], r.binomial({ size: [5], n: 0, p: 0.5 }))())).toEqual([0, 0, 0, 0, 0]);
    expect(values(th.function([], r.binomial({ size: [3], n: 7, p: 1 }))())).toEqual([7, 7, 7]);
  });

  it('binomial frequencies follow the pmf (inversion and BTRS); normal quantiles', () => {
    const logChoose = (n: number, k: number) => {
      let s = 0;
      for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
      return s;
    };
    for (const [n, p] of [
      [8, 0.3],
      [40, 0.4],
    ] as const) {
      const xs = values(th.function([], r.binomial({ size: [N], n, p }))());
      const counts = new Array<number>(n + 1).fill(0);
      for (const x of xs) counts[x]!++;
      for (let k = 0; k <= n; k++) {
        const pmf = Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log(1 - p));
        expect(Math.abs(counts[k]! / N - pmf)).toBeLessThan(0.005);
      }
    }
    const z = values(th.function([], r.normal({ size: [N] }))());
    const within = (a: number) => z.filter((x) => Math.abs(x) < a).length / N;
    expect(Math.abs(within(1) - 0.682689)).toBeLessThan(0.005);
    expect(Math.abs(within(2) - 0.9545)).toBeLessThan(0.003);
  });

  it('integers: high exclusive, every value reached, uniform moments', () => {
    const out = th.function([], r.integers({ size: [N], low: -3, high: 7 }))();
    expect(out.dtype).toBe('int64');
    const xs = values(out);
    expect(new Set(xs)).toEqual(new Set([-3, -2, -1, 0, 1, 2, 3, 4, 5, 6]));
    const s = stats(xs);
    expect(Math.abs(s.mean - 1.5)).toBeLessThan(0.03);
    expect(Math.abs(s.variance - 8.25)).toBeLessThan(0.1);
    const big = stats(th.function([], r.integers({ size: [N], low: 0, high: 2 ** 40 }))().data);
    expect(Math.abs(big.mean / 2 ** 39 - 1)).toBeLessThan(0.01);
    expect(th.function([], r.integers({ size: [3], high: 5, dtype: 'int8' }))().dtype).toBe('int8');
  });

  it('tensor parameters broadcast with size', () => {
    const low = T.dvector('low');
    const f = th.function([low], r.uniform({ size: [20000, 3], low, high: low.add(1) }));
    const out = f([0, 10, 20]);
    expect(out.shape).toEqual([20000, 3]);
    const cols = [0, 1, 2].map((j) => stats(values(out).filter((_, k) => k % 3 === j)));
    cols.forEach((c, j) => {
      expect(c.min).toBeGreaterThanOrEqual(10 * j);
      expect(c.max).toBeLessThan(10 * j + 1);
      expect(Math.abs(c.mean - (10 * j + 0.5))).toBeLessThan(0.01);
    });
    // Without size, the draw takes the parameters' broadcast shape.
    const avg = T.dmatrix('avg');
    const g = th.function([avg], r.normal({ avg, std: 0 }));
    expect(g([[1, 2, 3]]).toArray()).toEqual([[1, 2, 3]]);
  });
});

describe('choice, permutation, shuffle', () => {
  for (const [label, mode] of MODES) {
    it(`choice with and without replacement, with p (${label})`, () => {
      const r = new RandomStream(11);
      const withRep = th.function([], r.choice({ size: [10000], a: 5 }), { mode })();
      expect(new Set(values(withRep))).toEqual(new Set([0, 1, 2, 3, 4]));
      const noRep = th.function([], r.choice({ size: [2, 5], a: 10, replace: false }), { mode });
      for (let t = 0; t < 20; t++) {
        const xs = values(noRep());
        expect(new Set(xs).size).toBe(10);
        expect(xs.every((x) => x >= 0 && x < 10)).toBe(true);
      }
      const pop = th.function([], r.choice({ size: [3], a: [10, 20, 30, 40], replace: false }), { mode })();
      expect(new Set(values(pop)).size).toBe(3);
      expect(values(pop).every((x) => [10, 20, 30, 40].includes(x))).toBe(true);
      const weighted = values(th.function([], r.choice({ size: [50000], a: 4, p: [0.1, 0, 0.6, 0.3] }), { mode })());
      const freq = [0, 1, 2, 3].map((i) => weighted.filter((x) => x === i).length / weighted.length);
      expect(freq[1]).toBe(0);
      [0.1, 0, 0.6, 0.3].forEach((p, i) => expect(Math.abs(freq[i]! - p)).toBeLessThan(0.01));
      const weightedNoRep = th.function([], r.choice({ size: [2], a: 4, p: [0.5, 0, 0.5, 0], replace: false }), { mode });
      for (let t = 0; t < 10; t++) expect(values(weightedNoRep()).sort()).toEqual([0, 2]);
      // First pick of a weighted draw without replacement follows p.
      const firsts = th.function([], r.choice({ size: [1], a: 3, p: [0.7, 0.2, 0.1], replace: false }), { mode });
      let zeros = 0;
      for (let t = 0; t < 4000; t++) zeros += Number(firsts().data[0] === 0);
      expect(Math.abs(zeros / 4000 - 0.7)).toBeLessThan(0.03);
      expect(th.function([], r.choice({ a: 3 }), { mode })().shape).toEqual([]);
    });

    it(`permutation and shuffle (${label})`, () => {
      const r = new RandomStream(12);
      const n = T.lscalar('n');
      const perm = th.function([n], r.permutation(n), { mode });
      const p = values(perm(50));
      expect([...p].sort((a, b) => a - b)).toEqual([...Array(50).keys()]);
      expect(p).not.toEqual([...Array(50).keys()]);
      expect(values(th.function([], r.permutation(6), { mode })()).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      const x = T.dmatrix('x');
      const shuffled = th.function([x], r.shuffle(x), { mode });
      const rows = [...Array(30).keys()].map((i) => [i, 10 * i, 100 * i]);
      const out = shuffled(rows).toArray() as number[][];
      expect(out).toHaveLength(30);
      expect([...out].sort((a, b) => a[0]! - b[0]!)).toEqual(rows);
      expect(out).not.toEqual(rows);
    });
  }
});

describe('sizes and shapes', () => {
  it('takes symbolic scalars, mixed lists and x.shape; infers the shape', () => {
    const r = new RandomStream(1);
    const n = T.iscalar('n');
    const u = r.uniform({ size: [n, 3] });
    expect(u.type.shape).toEqual([null, 3]);
    expect(th.function([n], u)(4).shape).toEqual([4, 3]);
    const x = T.dtensor3('x');
    const z = r.normal({ size: x.shape });
    expect(th.function([x], z)(th.zeros([2, 3, 4])).shape).toEqual([2, 3, 4]);
    // The shape is known without drawing: it comes from size (inferShape).
    const shapeF = th.function([n], r.integers({ size: [n, n.add(1)], high: 3 }).shape);
    expect(values(shapeF(5))).toEqual([5, 6]);
    expect(r.binomial({ size: 7 }).type.shape).toEqual([7]);
    expect(th.function([], r.uniform({ size: [0, 4] }))().shape).toEqual([0, 4]);
    expect(th.function([], r.uniform())().shape).toEqual([]);
  });
});

describe('seeding and state', () => {
  it('seed() re-seeds every variable as a fresh stream with that seed', () => {
    const r = new RandomStream(100);
    const a = r.uniform({ size: [5] });
    const b = r.normal({ size: [5] });
    const f = th.function([], [a, b]);
    f();
    f();
    r.seed(555);
    const fresh = new RandomStream(555);
    const g = th.function([], [fresh.uniform({ size: [5] }), fresh.normal({ size: [5] })]);
    expect(f().map(values)).toEqual(g().map(values));
    expect(f().map(values)).toEqual(g().map(values));
    expect(r.currentSeed).toBe(555);
    // Without an argument: the seed given at construction, so the sequences start again.
    r.seed();
    const again = new RandomStream(100);
    expect(f().map(values)).toEqual(th.function([], [again.uniform({ size: [5] }), again.normal({ size: [5] })])().map(values));
  });

  it('getState/setState restore a sequence', () => {
    const r = new RandomStream(9);
    const f = th.function([], [r.uniform({ size: [4] }), r.integers({ size: [4], high: 1000 })]);
    f();
    const saved = r.getState();
    const next1 = f().map(values);
    const next2 = f().map(values);
    r.setState(saved);
    expect(f().map(values)).toEqual(next1);
    expect(f().map(values)).toEqual(next2);
    // The saved state is a copy: later draws did not change it.
    r.setState(saved);
    expect(f().map(values)).toEqual(next1);
    expect(thrownBy(() => r.setState({ seed: 9, states: [] })).message).toMatch(/expected the states of 2 random variables/);
  });
});

describe('with other parts of the library', () => {
  it('compiles under FAST_COMPILE and DebugMode (the op is a pure function of the state)', () => {
    for (const mode of ['FAST_COMPILE', 'DebugMode']) {
      const f = th.function([], new RandomStream(42).uniform({ size: [4] }).mul(2), { mode });
      expect(values(f())).toEqual([0.9831116227958777, 0.9202916318246999, 0.6444153525412412, 0.264259100448752].map((x) => 2 * x));
      expect(values(f())[0]).toBe(0.11558868995167904 * 2);
    }
  });

  it('threads the state through scan steps when the body returns the update', () => {
    const r = new RandomStream(42);
    const [out, updates] = th.scan({
      fn: () => {
        const u = r.uniform({ size: [2] });
        return { outputs: u, updates: [u.update] };
      },
      nSteps: 3,
    });
    const f = th.function([], out as th.tensor.TensorVariable, { updates });
    const flat = new RandomStream(42);
    const g = th.function([], flat.uniform({ size: [6] }));
    // Two doubles use one Philox block, so three steps read what one draw of six does.
    expect(values(f())).toEqual(values(g()));
    expect(values(f())).toEqual(values(g()));
  });
});

describe('gradients', () => {
  it('flow through a random mask but not into the draw', () => {
    const r = new RandomStream(4);
    const x = T.dvector('x');
    const mask = r.bernoulli({ size: [4], p: 0.5, dtype: 'float64' });
    const gx = th.grad(x.mul(mask).sum(), x);
    const f = th.function([x], [gx, mask], { noDefaultUpdates: true });
    const [g, m] = f([1, 2, 3, 4]);
    expect(values(g!)).toEqual(values(m!));
    const mu = T.dscalar('mu');
    const z = r.normal({ size: [3], avg: mu });
    expect(() => th.grad(z.sum(), mu)).toThrow(/mu|disconnected/i);
  });
});

describe('errors', () => {
  const r = new RandomStream(0);

  it('bad sizes say what a size is', () => {
    expect(thrownBy(() => r.uniform({ size: [2, -1] })).message).toMatch(/size entry 1 must be a non-negative integer, got -1/);
    expect(thrownBy(() => r.uniform({ size: [2.5] })).message).toMatch(/non-negative integer/);
    expect(thrownBy(() => r.uniform({ size: [T.dscalar('s')] })).message).toMatch(/size entry 0 must be .*integer scalar/);
    expect(thrownBy(() => r.uniform({ size: T.lmatrix('m') })).message).toMatch(/integer vector/);
    expect(thrownBy(() => r.uniform({ size: T.lvector('v') })).message).toMatch(/static length/);
    expect(thrownBy(() => r.uniform({ size: [2], low: [0, 1, 2] })).message).toMatch(/broadcast to size/);
    const n = T.lscalar('n');
    const f = th.function([n], r.uniform({ size: [n] }));
    expect(thrownBy(() => f(-3)).message).toMatch(/size must be non-negative integers/);
  });

  it('bad parameters name the expectation, at build time for constants and at run time otherwise', () => {
    expect(thrownBy(() => r.integers({ size: [3], low: 5, high: 5 })).message).toMatch(/integers: low must be < high \(high is exclusive\), got low = 5, high = 5/);
    expect(thrownBy(() => r.uniform({ size: [3], low: 2, high: 1 })).message).toMatch(/low must be <= high/);
    expect(thrownBy(() => r.normal({ std: -1 })).message).toMatch(/std must be finite and >= 0/);
    expect(thrownBy(() => r.binomial({ n: 2.5 })).message).toMatch(/n must be a non-negative integer/);
    expect(thrownBy(() => r.bernoulli({ p: 1.5 })).message).toMatch(/p must be a probability in \[0, 1\]/);
    expect(thrownBy(() => r.integers({ high: 300, dtype: 'int8' })).message).toMatch(/does not fit dtype int8/);
    expect(thrownBy(() => r.binomial({ n: 2, dtype: 'bool' })).message).toMatch(/n = 2 does not fit dtype bool/);
    expect(th.function([], r.bernoulli({ size: [4], p: 1, dtype: 'bool' }))().toArray()).toEqual([true, true, true, true]);
    expect(thrownBy(() => r.uniform({ dtype: 'int32' })).message).toMatch(/uniform: dtype must be a float dtype, got int32/);
    expect(thrownBy(() => r.integers({ high: 3, dtype: 'float64' })).message).toMatch(/integer dtype/);
    const lo = T.lscalar('lo');
    const f = th.function([lo], r.integers({ size: [2], low: lo, high: 10 }));
    expect(values(f(9))).toEqual([9, 9]);
    const e = thrownBy(() => f(10));
    expect(e).toBeInstanceOf(th.ValueError);
    expect(e.message).toMatch(/low must be < high/);
    expect(() => new RandomStream(-1)).toThrow(/seed must be a non-negative integer/);
  });

  it('choice: p must sum to 1, sizes must fit without replacement', () => {
    expect(thrownBy(() => r.choice({ size: [2], a: 3, p: [0.5, 0.2, 0.2] })).message).toMatch(/p must sum to 1, got a sum of 0.9/);
    expect(thrownBy(() => r.choice({ size: [2], a: 3, p: [0.5, 0.5] })).message).toMatch(/p has 2 entries; expected one per element of the population \(3\)/);
    expect(thrownBy(() => r.choice({ size: [4], a: 3, replace: false })).message).toMatch(
      /without replacement, size asks for 4 draws but the population has 3 entries; expected at most 3/,
    );
    const n = T.lscalar('n');
    const f = th.function([n], r.choice({ size: [5], a: n, replace: false }));
    expect(values(f(5)).sort()).toEqual([0, 1, 2, 3, 4]);
    expect(thrownBy(() => f(4)).message).toMatch(/size asks for 5 draws but the population has 4 entries/);
    const p = T.dvector('p');
    const g = th.function([p], r.choice({ size: [2], a: 3, p, replace: false }));
    expect(thrownBy(() => g([1, 0, 0])).message).toMatch(/only 1 entries of p are non-zero/);
    expect(thrownBy(() => g([0.6, 0.6, 0])).message).toMatch(/p must sum to 1/);
    expect(thrownBy(() => r.choice({ a: T.dscalar('a') })).message).toMatch(/a must be an integer or a tensor/);
  });

  it('a failing call leaves the generator state unchanged', () => {
    const s = new RandomStream(8);
    const lo = T.lscalar('lo');
    const u = s.integers({ size: [3], low: lo, high: 10 });
    const f = th.function([lo], u);
    const before = values(u.rng.getValue());
    expect(() => f(20)).toThrow();
    expect(values(u.rng.getValue())).toEqual(before);
  });
});
