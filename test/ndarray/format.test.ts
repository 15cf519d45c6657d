/**
 * formatArray against numpy 2.x. The expected strings in format-cases.json
 * were printed by numpy itself (str(a) and repr(a) with default print
 * options); the Python that produced them is stored in the fixture's
 * "generator" field, with instructions for regenerating. No Python runs here.
 */
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { NDArray } from '../../src/ndarray/ndarray.js';
import { dtypeInfo, type DType } from '../../src/ndarray/dtype.js';
import { formatArray } from '../../src/ndarray/format.js';

/** Element i is ((start + i) % mod) * mul / div, in float64, then stored in the dtype. */
interface RangeSpec {
  range: number;
  start: number;
  mul: number;
  div: number;
  mod?: number;
}

interface Case {
  name: string;
  dtype: DType;
  shape: number[];
  /** Flat C-order values; non-finite floats as 'nan', 'inf', '-inf'. */
  data: (number | string)[] | RangeSpec;
  /** The array printed is `base.transpose()`. */
  transpose?: boolean;
  /** The array printed is this view of the base's storage. */
  view?: { shape: number[]; strides: number[]; offset: number };
  str: string;
  repr: string;
}

const fixture = JSON.parse(readFileSync(new URL('./format-cases.json', import.meta.url), 'utf8')) as {
  numpy: string;
  cases: Case[];
};

function values(data: Case['data']): number[] {
  if (Array.isArray(data)) {
    return data.map((v) => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number)));
  }
  const { range, start, mul, div, mod } = data;
  return Array.from({ length: range }, (_, i) => {
    const k = mod === undefined ? start + i : (start + i) % mod;
    return (k * mul) / div;
  });
}

function base(c: Case): NDArray {
  const vs = values(c.data);
  const storage = new (dtypeInfo(c.dtype).storage)(vs.length);
  vs.forEach((v, i) => {
    storage[i] = v;
  });
  return new NDArray(storage, c.dtype, c.shape);
}

function build(c: Case): NDArray {
  const a = base(c);
  if (c.transpose) return a.transpose();
  if (c.view) return new NDArray(a.data, c.dtype, c.view.shape, c.view.strides, c.view.offset);
  return a;
}

const byName = new Map(fixture.cases.map((c) => [c.name, c]));
const fixtureCase = (name: string): Case => {
  const c = byName.get(name);
  if (!c) throw new Error(`no fixture case ${name}`);
  return c;
};

describe(`formatArray matches numpy ${fixture.numpy}`, () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const a = build(c);
      expect(formatArray(a, 'str')).toBe(c.str);
      expect(formatArray(a, 'repr')).toBe(c.repr);
    });
  }
});

describe('formatArray', () => {
  it('covers every dtype and ranks 0 to 5', () => {
    const dtypes = new Set(fixture.cases.map((c) => c.dtype));
    expect([...dtypes].sort()).toEqual(
      ['bool', 'float32', 'float64', 'int16', 'int32', 'int64', 'int8', 'uint16', 'uint32', 'uint64', 'uint8'].sort(),
    );
    const ranks = new Set(fixture.cases.map((c) => build(c).ndim));
    for (const r of [0, 1, 2, 3, 4, 5]) expect(ranks.has(r)).toBe(true);
  });

  it('prints non-contiguous views in logical order', () => {
    const c = fixtureCase('float64 transpose 2-d');
    const a = base(c);
    const t = a.transpose();
    expect(t.isContiguous()).toBe(false);
    expect(formatArray(t, 'str')).toBe(c.str);
    expect(formatArray(t, 'repr')).toBe(c.repr);
    expect(formatArray(t, 'str')).toBe('[[0.  2.  4. ]\n [0.5 2.5 4.5]\n [1.  3.  5. ]\n [1.5 3.5 5.5]]');
  });

  it('is what NDArray.toString and NDArray.repr print', () => {
    const a = new NDArray(new Float32Array([1, 2.5, -3]), 'float32', [3]);
    expect(a.toString()).toBe('[ 1.   2.5 -3. ]');
    expect(a.repr()).toBe('array([ 1. ,  2.5, -3. ], dtype=float32)');
    expect(`${a}`).toBe('[ 1.   2.5 -3. ]');
  });

  it('prints 0-d floats as Python prints a float (the documented exception to numpy 2)', () => {
    const f32 = (x: number) => new NDArray(new Float32Array([x]), 'float32', []);
    const f64 = (x: number) => new NDArray(new Float64Array([x]), 'float64', []);
    // The seed document's output.
    expect(`[${[5, 6].map((x) => formatArray(f32(x), 'repr')).join(', ')}]`).toBe(
      '[array(5.0, dtype=float32), array(6.0, dtype=float32)]',
    );
    expect(formatArray(f32(5), 'str')).toBe('5.0');
    expect(formatArray(f32(0.1), 'str')).toBe('0.1');
    expect(formatArray(f32(1e-5), 'str')).toBe('1e-05');
    expect(formatArray(f32(1e6), 'str')).toBe('1000000.0'); // numpy's float32 scalar str: 1e+06
    expect(formatArray(f64(5), 'repr')).toBe('array(5.0)');
    expect(formatArray(f64(1e16), 'str')).toBe('1e+16');
    expect(formatArray(f64(-0), 'repr')).toBe('array(-0.0)');
  });

  it('prints 0-d integers and bools as numpy', () => {
    expect(formatArray(new NDArray(new Int32Array([3]), 'int32', []), 'repr')).toBe('array(3, dtype=int32)');
    expect(formatArray(new NDArray(new Int32Array([3]), 'int32', []), 'str')).toBe('3');
    expect(formatArray(new NDArray(new Uint8Array([1]), 'bool', []), 'repr')).toBe('array(True)');
    expect(formatArray(new NDArray(new Uint8Array([0]), 'bool', []), 'str')).toBe('False');
  });

  it('prints uint64 values beyond 2^53 with every digit of the stored value', () => {
    const a = new NDArray(new Float64Array([2 ** 63, 1]), 'uint64', [2]);
    expect(formatArray(a, 'repr')).toBe('array([9223372036854775808,                   1], dtype=uint64)');
  });

  it('reads only the printed corners of a summarised array', () => {
    // A broadcast view of 10^8 elements: summarising must not visit them all.
    const b = new NDArray(new Float64Array([1.5]), 'float64', [10000, 10000], [0, 0]);
    expect(formatArray(b, 'str')).toBe(
      '[[1.5 1.5 1.5 ... 1.5 1.5 1.5]\n [1.5 1.5 1.5 ... 1.5 1.5 1.5]\n [1.5 1.5 1.5 ... 1.5 1.5 1.5]\n ...\n' +
        ' [1.5 1.5 1.5 ... 1.5 1.5 1.5]\n [1.5 1.5 1.5 ... 1.5 1.5 1.5]\n [1.5 1.5 1.5 ... 1.5 1.5 1.5]]',
    );
    expect(formatArray(b, 'repr').endsWith('shape=(10000, 10000))')).toBe(true);
  });
});
