/**
 * Every scalar op of src/scalar/ops.ts: its element function
 * (`op.impl(inputDtypes, outputDtype)`) against JS's Math and against numpy
 * values stored in `numpy-reference.json`, and the same op mapped over
 * NDArrays by Elemwise, which checks the store conversion of each output
 * dtype (bool as 0/1, int wrap-around and truncation, float32 rounding).
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as S from '../../src/scalar/ops.js';
import { ScalarOp } from '../../src/scalar/scalarOp.js';
import { elemwiseOf } from '../../src/tensor/elemwise.js';
import * as T from '../../src/tensor/index.js';
import { array } from '../../src/ndarray/create.js';
import { NDArray } from '../../src/ndarray/ndarray.js';
import { DTYPES, type DType } from '../../src/ndarray/dtype.js';
import { DTypeError } from '../../src/errors.js';
import { expectAllClose } from '../helpers/allclose.js';

type Encoded = number | string;
const decode = (v: Encoded): number =>
  typeof v === 'number' ? v : ({ nan: NaN, inf: Infinity, '-inf': -Infinity, '-0': -0 } as Record<string, number>)[v]!;
const rows = (table: Encoded[][]): number[][] => table.map((r) => r.map(decode));
const show = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));

interface IntCase {
  dtypes: [DType, DType];
  out: DType;
  a: number[];
  b: number[];
  powBase?: number[];
  powExp?: number[];
  results: Record<string, number[]>;
}

const ref = JSON.parse(readFileSync(new URL('./numpy-reference.json', import.meta.url), 'utf8')) as {
  floorDivMod: Encoded[][];
  floorDivMod32: Encoded[][];
  pow: Encoded[][];
  maxMin: Encoded[][];
  intCases: IntCase[];
  casts: Record<string, [Encoded[], (Encoded | boolean)[]]>;
  float32: Record<'a' | 'b' | 'add' | 'sub' | 'mul' | 'trueDiv' | 'sqrtAbs' | 'exp' | 'log', Encoded[]>;
};

/** Maps `op` over `inputs` with Elemwise.perform, as the VM does (no broadcasting needed: equal shapes). */
function run(op: ScalarOp, ...inputs: NDArray[]): NDArray {
  const vars = inputs.map((a, i) => T.tensor(a.dtype, a.shape.map(() => null), `x${i}`));
  const node = elemwiseOf(op).makeNode(...vars);
  const cells: { value: unknown }[] = [{ value: undefined }];
  node.op.perform(node, inputs, cells);
  const out = cells[0]!.value as NDArray;
  expect(out.dtype).toBe(op.outputDtype(inputs.map((a) => a.dtype)));
  return out;
}

/** The element function for float64 inputs and output. */
const f64 = (op: ScalarOp): ((...args: number[]) => number) => op.impl(new Array<DType>(op.arity).fill('float64'), 'float64');
/** The same for a unary op, usable with Array.map. */
const f64unary = (op: ScalarOp): ((x: number) => number) => {
  const fn = f64(op);
  return (x) => fn(x);
};

/** The values of `a` in row-major order, as plain numbers. */
const values = (a: NDArray): number[] => Array.from(a.flatData(), Number);

/** Identical-or-both-NaN comparison that tells -0 from 0; returns descriptions of mismatches. */
function mismatches(got: readonly number[], want: readonly number[], label: (i: number) => string): string[] {
  const bad: string[] = [];
  want.forEach((w, i) => {
    if (!Object.is(got[i], w)) bad.push(`${label(i)}: got ${show(got[i]!)}, want ${show(w)}`);
  });
  return bad;
}

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 5e-324, 1e-300, -1e-300, 1e300, -1e300, 0.5, -0.5, 1, -1, 2.5, -2.5, 3.14159, 100, -100, 710];

// ---- every op is tested somewhere in this file ----------------------------------

const UNARY_MATH: [ScalarOp, (x: number) => number][] = [
  [S.exp, Math.exp],
  [S.exp2, (x) => Math.pow(2, x)],
  [S.expm1, Math.expm1],
  [S.log, Math.log],
  [S.log2, Math.log2],
  [S.log10, Math.log10],
  [S.log1p, Math.log1p],
  [S.sqrt, Math.sqrt],
  [S.sin, Math.sin],
  [S.cos, Math.cos],
  [S.tan, Math.tan],
  [S.arcsin, Math.asin],
  [S.arccos, Math.acos],
  [S.arctan, Math.atan],
  [S.sinh, Math.sinh],
  [S.cosh, Math.cosh],
  [S.tanh, Math.tanh],
  [S.floor, Math.floor],
  [S.ceil, Math.ceil],
  [S.trunc, Math.trunc],
  [S.reciprocal, (x) => 1 / x],
  [S.abs, Math.abs],
  [S.neg, (x) => -x],
  [S.sqr, (x) => x * x],
  [S.identity, (x) => x],
];

const BINARY_JS: [ScalarOp, (a: number, b: number) => number][] = [
  [S.add, (a, b) => a + b],
  [S.sub, (a, b) => a - b],
  [S.mul, (a, b) => a * b],
  [S.trueDiv, (a, b) => a / b],
  [S.arctan2, Math.atan2],
];

const COMPARISONS: [ScalarOp, (a: number, b: number) => boolean][] = [
  [S.lt, (a, b) => a < b],
  [S.gt, (a, b) => a > b],
  [S.le, (a, b) => a <= b],
  [S.ge, (a, b) => a >= b],
  [S.eq, (a, b) => a === b],
  [S.neq, (a, b) => a !== b],
];

/** Ops tested in their own blocks below. */
const OTHERS = [S.intDiv, S.mod, S.pow, S.maximum, S.minimum, S.sgn, S.clip, S.sigmoid, S.softplus, S.erf, S.erfc, S.round];
const OTHERS2 = [S.isnan, S.isinf, S.and, S.or, S.xor, S.invert, S.switchOp, S.second];

describe('the op table', () => {
  it('every exported ScalarOp has tests here', () => {
    const tested = new Set<ScalarOp>([...UNARY_MATH.map((e) => e[0]), ...BINARY_JS.map((e) => e[0]), ...COMPARISONS.map((e) => e[0]), ...OTHERS, ...OTHERS2]);
    const exported = Object.entries(S).filter((e): e is [string, ScalarOp] => e[1] instanceof ScalarOp);
    expect(exported.length).toBeGreaterThan(50);
    expect(exported.filter(([, op]) => !tested.has(op)).map(([name]) => name)).toEqual([]);
  });

  it('arity, names and algebraic flags', () => {
    expect(S.add.arity).toBe(2);
    expect(S.clip.arity).toBe(3);
    expect(S.exp.arity).toBe(1);
    expect(S.trueDiv.name).toBe('trueDiv');
    for (const op of [S.add, S.mul, S.maximum, S.minimum, S.and, S.or, S.xor]) {
      expect(op.commutative && op.associative, op.name).toBe(true);
      expect(op.identity, op.name).toBeDefined();
    }
    for (const op of [S.sub, S.trueDiv, S.intDiv, S.mod, S.pow]) expect(op.commutative, op.name).toBe(false);
  });

  it('identities are neutral: f(identity, x) = x in every dtype the op takes', () => {
    const samples: Partial<Record<DType, number[]>> = {
      bool: [0, 1],
      int8: [-128, -1, 0, 5, 127],
      uint8: [0, 7, 255],
      int32: [-2147483648, -3, 0, 2147483647],
      uint32: [0, 4294967295],
      int64: [-(2 ** 40), 0, 2 ** 40],
      float32: [-1.5, 0, 3.25],
      float64: [-1e300, 0.1, 1e300],
    };
    for (const op of [S.add, S.mul, S.maximum, S.minimum, S.and, S.or, S.xor]) {
      for (const [d, xs] of Object.entries(samples) as [DType, number[]][]) {
        if ((op === S.and || op === S.or || op === S.xor) && d.startsWith('float')) continue;
        // f(identity, x), stored in dtype d, gives x back.
        const fn = op.impl([d, d], d);
        const stored = array(xs.map((x) => fn(op.identity!, x)), { dtype: d });
        expect(values(stored), `${op.name} ${d}`).toEqual(values(array(xs, { dtype: d })));
      }
    }
  });

  it('impl is memoised per dtype signature', () => {
    expect(S.add.impl(['int32', 'int32'], 'int32')).toBe(S.add.impl(['int32', 'int32'], 'int32'));
    expect(S.mul.impl(['int32', 'int32'], 'int32')).not.toBe(S.mul.impl(['float64', 'float64'], 'float64'));
  });

  it('cast ops are cached per dtype and named by it', () => {
    expect(S.cast('int8')).toBe(S.cast('int8'));
    expect(S.cast('int8')).not.toBe(S.cast('int16'));
    expect(S.cast('float32').key()).toBe('cast{dtype=float32}');
    for (const d of DTYPES) expect(S.cast(d).outputDtype(['float64'])).toBe(d);
  });
});

describe('unary math functions (float64) = Math.*', () => {
  for (const [op, want] of UNARY_MATH) {
    it(op.name, () => {
      const fn = f64unary(op);
      expect(mismatches(SPECIAL.map(fn), SPECIAL.map(want), (i) => `${op.name}(${show(SPECIAL[i]!)})`)).toEqual([]);
    });
  }

  it('in float32: the float64 result rounded once (Elemwise store)', () => {
    const xs = SPECIAL.map(Math.fround);
    for (const [op, want] of UNARY_MATH) {
      const out = run(op, array(xs, { dtype: 'float32' }));
      expect(out.dtype).toBe('float32');
      expect(mismatches(values(out), xs.map((x) => Math.fround(want(x))), (i) => `${op.name}(${show(xs[i]!)})`)).toEqual([]);
    }
  });

  it('on integers: 8/16-bit ints give float32, wider ones float64', () => {
    const xs = [-128, -1, 0, 1, 2, 100, 127];
    const r8 = run(S.exp, array(xs, { dtype: 'int8' }));
    expect(r8.dtype).toBe('float32');
    expect(values(r8)).toEqual(xs.map((x) => Math.fround(Math.exp(x))));
    const r32 = run(S.sqrt, array(xs, { dtype: 'int32' }));
    expect(r32.dtype).toBe('float64');
    expect(values(r32)).toEqual(xs.map(Math.sqrt));
    const f = run(S.floor, array([true, false], { dtype: 'bool' }));
    expect(f.dtype).toBe('float32');
    expect(values(f)).toEqual([1, 0]);
  });

  it('integer abs, neg and sqr wrap as numpy: abs(-128) and -(-128) are -128 in int8; neg of uint8 wraps', () => {
    expect(values(run(S.abs, array([-128, -5, 7], { dtype: 'int8' })))).toEqual([-128, 5, 7]);
    expect(values(run(S.neg, array([-128, -5, 7], { dtype: 'int8' })))).toEqual([-128, 5, -7]);
    expect(values(run(S.neg, array([0, 1, 255], { dtype: 'uint8' })))).toEqual([0, 255, 1]);
    expect(values(run(S.sqr, array([46341, -65536, 3], { dtype: 'int32' })))).toEqual([-2147479015, 0, 9]);
    expect(values(run(S.sqr, array([4294967295, 65536], { dtype: 'uint32' })))).toEqual([1, 0]);
    expect(values(run(S.abs, array([true, false], { dtype: 'bool' })))).toEqual([1, 0]);
  });

  it('neg and sgn refuse bool', () => {
    expect(() => S.neg.outputDtype(['bool'])).toThrow(DTypeError);
    expect(() => S.sgn.outputDtype(['bool'])).toThrow(DTypeError);
    expect(() => S.sub.outputDtype(['bool', 'bool'])).toThrow(DTypeError);
    expect(S.sub.outputDtype(['bool', 'int8'])).toBe('int8');
  });
});

describe('sgn, round, clip, switch, identity', () => {
  it('sgn as numpy.sign: -1, 0, 1, NaN, and +0 for -0', () => {
    const fn = f64unary(S.sgn);
    expect([-3, -0, 0, 2, -Infinity, Infinity, 1e-300].map(fn)).toEqual([-1, 0, 0, 1, -1, 1, 1]);
    expect(Object.is(fn(-0), 0)).toBe(true);
    expect(fn(NaN)).toBeNaN();
    expect(values(run(S.sgn, array([-128, 0, 127], { dtype: 'int8' })))).toEqual([-1, 0, 1]);
    expect(values(run(S.sgn, array([0, 200], { dtype: 'uint8' })))).toEqual([0, 1]);
  });

  it('round: half to even, float result also for ints', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6].map(f64unary(S.round))).toEqual([0, 2, 2, -0, -2, 2, 3]);
    const r = run(S.round, array([1, -3], { dtype: 'int16' }));
    expect(r.dtype).toBe('float32');
    expect(values(r)).toEqual([1, -3]);
  });

  it('erf, erfc, sigmoid and softplus are wired to the special functions with float results', () => {
    expect(f64(S.erf)(0.5)).toBeCloseTo(0.5204998778130465, 15);
    expect(f64(S.erfc)(3)).toBeCloseTo(2.209049699858544e-5, 19);
    expect(f64(S.sigmoid)(-1000)).toBe(0);
    expect(f64(S.softplus)(1000)).toBe(1000);
    const s = run(S.sigmoid, array([0, 1000, -1000], { dtype: 'int16' }));
    expect(s.dtype).toBe('float32');
    expect(values(s)).toEqual([0.5, 1, 0]);
    expect(run(S.erf, array([1], { dtype: 'int32' })).dtype).toBe('float64');
    expect(values(run(S.softplus, array([-1000, 0, 1000], { dtype: 'float32' })))).toEqual([0, Math.fround(Math.LN2), 1000]);
  });

  it('clip(x, lo, hi) as PyTensor: lo below, hi above, NaN stays NaN', () => {
    const fn = f64(S.clip);
    expect([fn(-5, 0, 1), fn(0.5, 0, 1), fn(7, 0, 1), fn(-Infinity, -1, 1)]).toEqual([0, 0.5, 1, -1]);
    expect(fn(NaN, 0, 1)).toBeNaN();
    const r = run(S.clip, array([-300, 5, 300], { dtype: 'int16' }), array([-128, -128, -128], { dtype: 'int8' }), array([127, 127, 127], { dtype: 'int8' }));
    expect(r.dtype).toBe('int16');
    expect(values(r)).toEqual([-128, 5, 127]);
  });

  it('switch: a where cond != 0 (NaN counts as true), else b; dtype from the branches', () => {
    const fn = S.switchOp.impl(['float64', 'float64', 'float64'], 'float64');
    expect([fn(1, 2, 3), fn(0, 2, 3), fn(-0, 2, 3), fn(NaN, 2, 3), fn(-1, 2, 3)]).toEqual([2, 3, 3, 2, 2]);
    const r = run(S.switchOp, array([true, false, true], { dtype: 'bool' }), array([1, 2, 3], { dtype: 'int8' }), array([0.5, 0.5, 0.5], { dtype: 'float32' }));
    expect(r.dtype).toBe('float32');
    expect(values(r)).toEqual([1, 0.5, 3]);
  });

  it('second(a, b) = b, in the dtype of b (Theano fill)', () => {
    expect(S.second.outputDtype(['float64', 'int8'])).toBe('int8');
    expect(f64(S.second)(NaN, 3)).toBe(3);
    const r = run(S.second, array([1.5, 2.5, NaN], { dtype: 'float64' }), array([7, -1, 0], { dtype: 'int16' }));
    expect(r.dtype).toBe('int16');
    expect(values(r)).toEqual([7, -1, 0]);
  });

  it('identity copies', () => {
    const x = array([1.5, -2], { dtype: 'float32' });
    const y = run(S.identity, x);
    expect(y).not.toBe(x);
    expect(values(y)).toEqual([1.5, -2]);
  });
});

describe('binary arithmetic (float64) = JS operators', () => {
  const pairs = SPECIAL.flatMap((a) => [NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.1, 3, -2.5, 1e-300, 1e300].map((b) => [a, b] as const));
  for (const [op, want] of BINARY_JS) {
    it(op.name, () => {
      const fn = f64(op);
      expect(mismatches(pairs.map(([a, b]) => fn(a, b)), pairs.map(([a, b]) => want(a, b)), (i) => `${op.name}(${pairs[i]!.map(show)})`)).toEqual([]);
    });
  }

  it('float division by zero: ±inf and NaN, signed by the zero', () => {
    const div = f64(S.trueDiv);
    expect([div(1, 0), div(-1, 0), div(1, -0), div(-1, -0)]).toEqual([Infinity, -Infinity, -Infinity, Infinity]);
    expect(div(0, 0)).toBeNaN();
  });

  it('true division of ints gives float64, with numpy results for division by zero', () => {
    const r = run(S.trueDiv, array([1, -1, 0, 7], { dtype: 'int32' }), array([0, 0, 0, 2], { dtype: 'int32' }));
    expect(r.dtype).toBe('float64');
    const v = values(r);
    expect(v.slice(0, 2)).toEqual([Infinity, -Infinity]);
    expect(v[2]).toBeNaN();
    expect(v[3]).toBe(3.5);
  });

  it('maximum / minimum = numpy (NaN propagates from either side; ties give the second operand, as numpy)', () => {
    const t = rows(ref.maxMin);
    const mx = f64(S.maximum);
    const mn = f64(S.minimum);
    expect(mismatches(t.map(([a, b]) => mx(a!, b!)), t.map((r) => r[2]!), (i) => `maximum(${t[i]!.slice(0, 2).map(show)})`)).toEqual([]);
    expect(mismatches(t.map(([a, b]) => mn(a!, b!)), t.map((r) => r[3]!), (i) => `minimum(${t[i]!.slice(0, 2).map(show)})`)).toEqual([]);
  });

  it('intDiv and mod on float64 = numpy floor_divide / remainder', () => {
    const t = rows(ref.floorDivMod);
    const q = f64(S.intDiv);
    const m = f64(S.mod);
    expect(mismatches(t.map(([a, b]) => q(a!, b!)), t.map((r) => r[2]!), (i) => `${t[i]!.slice(0, 2).map(show).join(' // ')}`)).toEqual([]);
    expect(mismatches(t.map(([a, b]) => m(a!, b!)), t.map((r) => r[3]!), (i) => `${t[i]!.slice(0, 2).map(show).join(' % ')}`)).toEqual([]);
  });

  it('intDiv and mod on float32 arrays = numpy float32 floor_divide / remainder', () => {
    const t = rows(ref.floorDivMod32);
    const a = array(t.map((r) => r[0]!), { dtype: 'float32' });
    const b = array(t.map((r) => r[1]!), { dtype: 'float32' });
    const q = values(run(S.intDiv, a, b));
    const m = values(run(S.mod, a, b));
    expect(mismatches(q, t.map((r) => r[2]!), (i) => `${t[i]!.slice(0, 2).map(show).join(' // ')}`)).toEqual([]);
    expect(mismatches(m, t.map((r) => r[3]!), (i) => `${t[i]!.slice(0, 2).map(show).join(' % ')}`)).toEqual([]);
  });

  it('pow on float64 = numpy.power at special values (1 ** NaN is 1)', () => {
    const fn = f64(S.pow);
    const bad: string[] = [];
    for (const [a, b, want] of rows(ref.pow)) {
      const got = fn(a!, b!);
      const exact = !Number.isFinite(want!) || Number.isInteger(want!);
      if (exact ? !Object.is(got, want) : Math.abs(got - want!) > Number.EPSILON * Math.abs(want!)) bad.push(`${show(a!)} ** ${show(b!)} = ${show(got)}, numpy ${show(want!)}`);
    }
    expect(bad).toEqual([]);
  });
});

describe('float32 arithmetic rounds like numpy float32', () => {
  const t = Object.fromEntries(Object.entries(ref.float32).map(([k, v]) => [k, v.map(decode)])) as Record<keyof typeof ref.float32, number[]>;
  const a = array(t.a, { dtype: 'float32' });
  const b = array(t.b, { dtype: 'float32' });

  it('add, sub, mul, trueDiv, sqrt are correctly rounded (exact match)', () => {
    expect(values(run(S.add, a, b))).toEqual(t.add);
    expect(values(run(S.sub, a, b))).toEqual(t.sub);
    expect(values(run(S.mul, a, b))).toEqual(t.mul);
    expect(values(run(S.trueDiv, a, b))).toEqual(t.trueDiv);
    expect(values(run(S.sqrt, run(S.abs, a)))).toEqual(t.sqrtAbs);
  });

  it('exp and log within float32 precision', () => {
    const hundred = array(new Array<number>(t.a.length).fill(100), { dtype: 'float32' });
    expectAllClose(run(S.exp, run(S.trueDiv, a, hundred)), t.exp, { rtol: 2e-7 });
    expectAllClose(run(S.log, run(S.abs, a)), t.log, { rtol: 2e-7, atol: 1e-7 });
  });

  it('overflow to ±inf in float32 where float64 would not', () => {
    const big = array([3e38, -3e38], { dtype: 'float32' });
    expect(values(run(S.add, big, big))).toEqual([Infinity, -Infinity]);
    expect(values(run(S.mul, array([1e-30], { dtype: 'float32' }), array([1e-30], { dtype: 'float32' })))).toEqual([0]);
  });
});

describe('integer arithmetic = numpy, with wrap-around', () => {
  const BIN: Record<string, ScalarOp> = {
    add: S.add,
    sub: S.sub,
    mul: S.mul,
    intDiv: S.intDiv,
    mod: S.mod,
    maximum: S.maximum,
    minimum: S.minimum,
    and: S.and,
    or: S.or,
    xor: S.xor,
  };
  const UN: Record<string, ScalarOp> = { neg: S.neg, abs: S.abs, invert: S.invert, sqr: S.sqr };

  for (const c of ref.intCases) {
    it(`${c.dtypes.join(' with ')} → ${c.out}`, () => {
      const a = array(c.a, { dtype: c.dtypes[0] });
      const b = array(c.b, { dtype: c.dtypes[1] });
      expect(values(a)).toEqual(c.a); // the inputs are stored exactly
      expect(values(b)).toEqual(c.b);
      const bad: string[] = [];
      for (const [name, want] of Object.entries(c.results)) {
        let got: NDArray;
        if (name in BIN) got = run(BIN[name]!, a, b);
        else if (name in UN) got = run(UN[name]!, a);
        else if (name === 'pow') got = run(S.pow, array(c.powBase!, { dtype: c.dtypes[0] }), array(c.powExp!, { dtype: c.dtypes[0] }));
        else throw new Error(`no op for ${name}`);
        expect(got.dtype, name).toBe(name in UN || name === 'pow' ? c.dtypes[0] : c.out);
        const args = name === 'pow' ? [c.powBase!, c.powExp!] : [c.a, c.b];
        bad.push(...mismatches(values(got), want, (i) => `${name}(${args.map((x) => x[i]).join(', ')})`));
      }
      expect(bad).toEqual([]);
    });
  }

  it('int32 multiplication overflow wraps exactly (products beyond 2^53 included)', () => {
    const a = array([46341, 2147483647, -2147483648, 123456789, -1], { dtype: 'int32' });
    const b = array([46341, 2147483647, -1, 987654321, -2147483648], { dtype: 'int32' });
    // numpy: (a * b) for these int32 arrays
    expect(values(run(S.mul, a, b))).toEqual([-2147479015, 1, -2147483648, -67153019, -2147483648]);
  });

  it('uint32 and int32 mixed promote to int64 and do not wrap', () => {
    const r = run(S.add, array([4294967295], { dtype: 'uint32' }), array([1], { dtype: 'int32' }));
    expect(r.dtype).toBe('int64');
    expect(values(r)).toEqual([4294967296]);
  });

  it('integer division and modulo by zero give 0 (numpy), in every integer dtype', () => {
    for (const d of ['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32'] as DType[]) {
      const a = array([7, 0, 3], { dtype: d });
      const z = array([0, 0, 0], { dtype: d });
      expect(values(run(S.intDiv, a, z)), d).toEqual([0, 0, 0]);
      expect(values(run(S.mod, a, z)), d).toEqual([0, 0, 0]);
    }
  });

  it('INT_MIN // -1 wraps to INT_MIN and INT_MIN % -1 is 0, as numpy', () => {
    expect(values(run(S.intDiv, array([-128], { dtype: 'int8' }), array([-1], { dtype: 'int8' })))).toEqual([-128]);
    expect(values(run(S.intDiv, array([-2147483648], { dtype: 'int32' }), array([-1], { dtype: 'int32' })))).toEqual([-2147483648]);
    expect(values(run(S.mod, array([-2147483648], { dtype: 'int32' }), array([-1], { dtype: 'int32' })))).toEqual([0]);
  });

  it('integer pow wraps (int32 3 ** 40, int8 3 ** 5) and int64 pow is exact below 2^53', () => {
    expect(values(run(S.pow, array([3, -3, 2], { dtype: 'int32' }), array([40, 3, 31], { dtype: 'int32' })))).toEqual([689956897, -27, -2147483648]);
    expect(values(run(S.pow, array([3], { dtype: 'int8' }), array([5], { dtype: 'int8' })))).toEqual([-13]);
    expect(values(run(S.pow, array([3, -7], { dtype: 'int64' }), array([33, 5], { dtype: 'int64' })))).toEqual([5559060566555523, -16807]);
    const b = run(S.pow, array([true, false, true], { dtype: 'bool' }), array([false, true, true], { dtype: 'bool' }));
    expect(b.dtype).toBe('int8');
    expect(values(b)).toEqual([1, 0, 1]);
  });
});

describe('comparisons and predicates: bool results stored as 0/1', () => {
  const xs = [NaN, -Infinity, -1, -0, 0, 1, Infinity];
  for (const [op, want] of COMPARISONS) {
    it(op.name, () => {
      const a = array(xs.flatMap((x) => xs.map(() => x)), { dtype: 'float64' });
      const b = array(xs.flatMap(() => xs), { dtype: 'float64' });
      const r = run(op, a, b);
      expect(r.dtype).toBe('bool');
      const expected = values(a).map((x, i) => (want(x, values(b)[i]!) ? 1 : 0));
      expect(values(r)).toEqual(expected);
      expect(r.data).toBeInstanceOf(Uint8Array);
    });
  }

  it('compare across dtypes: int8 -1 < uint8 255, float32 0.1 != float64 0.1', () => {
    expect(values(run(S.lt, array([-1], { dtype: 'int8' }), array([255], { dtype: 'uint8' })))).toEqual([1]);
    expect(values(run(S.neq, array([0.1], { dtype: 'float32' }), array([0.1], { dtype: 'float64' })))).toEqual([1]);
    expect(values(run(S.eq, array([2], { dtype: 'int64' }), array([2], { dtype: 'float32' })))).toEqual([1]);
  });

  it('isnan and isinf', () => {
    const x = array([NaN, Infinity, -Infinity, 0, 1e308], { dtype: 'float64' });
    expect(values(run(S.isnan, x))).toEqual([1, 0, 0, 0, 0]);
    expect(values(run(S.isinf, x))).toEqual([0, 1, 1, 0, 0]);
    expect(values(run(S.isnan, array([1, 2], { dtype: 'int32' })))).toEqual([0, 0]);
  });
});

describe('logical and bitwise operations', () => {
  it('on bool: logical and/or/xor/not', () => {
    const a = array([false, false, true, true]);
    const b = array([false, true, false, true]);
    for (const [op, want] of [
      [S.and, [0, 0, 0, 1]],
      [S.or, [0, 1, 1, 1]],
      [S.xor, [0, 1, 1, 0]],
    ] as const) {
      const r = run(op, a, b);
      expect(r.dtype).toBe('bool');
      expect(values(r)).toEqual(want);
    }
    const n = run(S.invert, a);
    expect(n.dtype).toBe('bool');
    expect(values(n)).toEqual([1, 1, 0, 0]);
  });

  it('on int64: exact beyond 32 bits, with negatives', () => {
    const a = array([2 ** 40 + 5, -(2 ** 35), -1, 2 ** 52], { dtype: 'int64' });
    const b = array([2 ** 40 + 3, 2 ** 36 - 1, 2 ** 45, 2 ** 52 + 1], { dtype: 'int64' });
    // numpy int64 &, |, ^, ~
    expect(values(run(S.and, a, b))).toEqual([1099511627777, 34359738368, 35184372088832, 4503599627370496]);
    expect(values(run(S.or, a, b))).toEqual([1099511627783, -1, -1, 4503599627370497]);
    expect(values(run(S.xor, a, b))).toEqual([6, -34359738369, -35184372088833, 1]);
    expect(values(run(S.invert, a))).toEqual([-1099511627782, 34359738367, 0, -4503599627370497]);
  });

  it('on unsigned ints: results are read as unsigned', () => {
    expect(values(run(S.invert, array([0, 5, 255], { dtype: 'uint8' })))).toEqual([255, 250, 0]);
    expect(values(run(S.invert, array([0, 4294967295], { dtype: 'uint32' })))).toEqual([4294967295, 0]);
    expect(values(run(S.or, array([2147483648], { dtype: 'uint32' }), array([1], { dtype: 'uint32' })))).toEqual([2147483649]);
    expect(S.or.impl(['uint32', 'uint32'], 'uint32')(2147483648, 1)).toBe(2147483649);
    expect(values(run(S.invert, array([-1, 0, 127], { dtype: 'int8' })))).toEqual([0, -1, -128]);
  });

  it('refuse floats', () => {
    for (const op of [S.and, S.or, S.xor]) expect(() => op.outputDtype(['float32', 'int8'])).toThrow(DTypeError);
    expect(() => S.invert.outputDtype(['float64'])).toThrow(DTypeError);
  });
});

describe('casts: the output store does the conversion (numpy astype)', () => {
  const castRun = (src: NDArray, to: DType) => run(S.cast(to), src);

  for (const [key, [from, want]] of Object.entries(ref.casts)) {
    it(key, () => {
      const [fromDtype, toDtype] = key.split('->') as [DType, DType];
      const src = array(from.map(decode), { dtype: fromDtype });
      const out = castRun(src, toDtype);
      expect(out.dtype).toBe(toDtype);
      const expected = want.map((v) => (typeof v === 'boolean' ? Number(v) : decode(v)));
      expect(mismatches(values(out), expected, (i) => `${key}(${show(values(src)[i]!)})`)).toEqual([]);
    });
  }

  it('float → int64 truncates toward zero and never stores -0', () => {
    const out = castRun(array([2.7, -2.7, -0.5, -0, 1e15 + 0.5]), 'int64');
    expect(values(out)).toEqual([2, -2, 0, 0, 1e15]);
    expect(Object.is(values(out)[2], 0)).toBe(true);
  });

  it('ops with int64 output truncate non-integral element results (intDiv of int64 is exact floor)', () => {
    expect(values(run(S.intDiv, array([7, -7], { dtype: 'int64' }), array([2, 2], { dtype: 'int64' })))).toEqual([3, -4]);
    expect(values(run(S.mod, array([-7, 7], { dtype: 'int64' }), array([2, -2], { dtype: 'int64' })))).toEqual([1, -1]);
  });

  it('to bool: x != 0, NaN is true', () => {
    const out = castRun(array([0, -0, 0.1, NaN, -Infinity]), 'bool');
    expect(values(out)).toEqual([0, 0, 1, 1, 1]);
    expect(out.toArray()).toEqual([false, false, true, true, true]);
  });

  it('to float32: rounds to nearest, overflows to ±inf', () => {
    expect(values(castRun(array([0.1, 1e39, -1e39, 16777217]), 'float32'))).toEqual([Math.fround(0.1), Infinity, -Infinity, 16777216]);
  });

  it('bool arithmetic stores 0/1: True + True is True (numpy)', () => {
    const t = array([true, true, false]);
    const r = run(S.add, t, t);
    expect(r.dtype).toBe('bool');
    expect(values(r)).toEqual([1, 1, 0]);
    expect(values(run(S.mul, t, array([true, false, false])))).toEqual([1, 0, 0]);
    expect(values(run(S.maximum, t, array([false, false, true])))).toEqual([1, 1, 1]);
  });
});
