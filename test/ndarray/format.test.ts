import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { NDArray } from '../../src/ndarray/ndarray.js';
import { dtypeInfo, type DType } from '../../src/ndarray/dtype.js';
import { formatArray } from '../../src/ndarray/format.js';

interface Case {
  name: string;
  dtype: DType;
  shape: number[];
  data: (number | string)[];
  transpose?: boolean;
  view?: { shape: number[]; strides: number[]; offset: number };
  str: string;
  repr: string;
}

const fixture = JSON.parse(readFileSync(new URL('./format-cases.json', import.meta.url), 'utf8')) as { cases: Case[] };

const decode = (v: number | string): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));

function build(c: Case): NDArray {
  const data = new (dtypeInfo(c.dtype).storage)(c.data.length);
  c.data.forEach((v, i) => {
    data[i] = decode(v);
  });
  const base = new NDArray(data, c.dtype, c.shape);
  if (c.transpose) return base.transpose();
  if (c.view) return new NDArray(data, c.dtype, c.view.shape, c.view.strides, c.view.offset);
  return base;
}

describe('formatArray matches numpy', () => {
  for (const c of fixture.cases) {
    it(c.name, () => {
      const a = build(c);
      expect(formatArray(a, 'str')).toBe(c.str);
      expect(formatArray(a, 'repr')).toBe(c.repr);
    });
  }
});
