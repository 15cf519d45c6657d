/**
 * The numpy-case runner of the shape-op tests (reshape, join, rearrange):
 * builds a case's expression on inputs of unknown or fully static shape,
 * compiles it with every output's inferred lengths, calls it twice (the
 * second call on zeros must not change the first results) and compares
 * with numpy's values, static lengths and inferred lengths.
 */
import { expect } from 'vitest';
import * as th from '../../src/index.js';
import { shapeI } from '../../src/tensor/shape.js';
import type { TensorVariable } from '../../src/tensor/variable.js';

const T = th.tensor;
export const MODES = { js: () => new th.Mode(), vm: () => new th.Mode({ linker: 'vm' }), debug: () => new th.Mode({ debug: true }) };
export type ModeName = keyof typeof MODES;
export const MODE_NAMES = Object.keys(MODES) as ModeName[];

export interface Out {
  shape?: number[];
  data?: number[];
  error?: string;
}
export interface Case {
  op: string;
  shapes: number[][];
  T: boolean;
  args: unknown[];
  out: Out | Out[];
}
export type Build = (xs: TensorVariable[], args: any[]) => TensorVariable | TensorVariable[];

export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
/** arange(size) + 100k in `shape`, transposed when `t` (a non-contiguous input). */
export function input(shape: number[], k: number, t: boolean, dtype: th.DType = 'float64'): th.NDArray {
  const a = th.array(Array.from({ length: size(shape) }, (_, i) => i + 100 * k)).reshape(shape).astype(dtype);
  return t ? a.T : a;
}

/**
 * Builds the case's expression (inputs of unknown or fully static shape),
 * compiles it with every output's inferred lengths, calls it twice (the
 * second call on zeros must not change the first results) and compares
 * with numpy's.
 */
export function runCase(c: Case, build: Build, mode: ModeName, staticInputs: boolean): void {
  const what = `${c.op}${JSON.stringify(c.shapes)}${c.T ? '.T' : ''} ${JSON.stringify(c.args)} (${mode}, ${staticInputs ? 'static' : 'dynamic'})`;
  const values = c.shapes.map((s, k) => input(s, k, c.T));
  const xs = values.map((v, k) => T.tensor('float64', staticInputs ? v.shape : v.shape.map(() => null), `x${k}`));
  const failed = !Array.isArray(c.out) && c.out.error !== undefined;
  let r: TensorVariable | TensorVariable[];
  try {
    r = build(xs, c.args);
  } catch (e) {
    if (!failed) throw new Error(`${what}: ${(e as Error).message}`);
    expect(e, what).toBeInstanceOf(th.ShapeError);
    return;
  }
  const outs = Array.isArray(r) ? r : [r];
  const lengths = outs.flatMap((o) => o.type.shape.map((_, k) => shapeI(o, k)));
  const f = th.function(xs, [...outs, ...lengths], { mode: MODES[mode](), onUnusedInput: 'ignore' });
  if (failed) {
    expect(() => f(...values), what).toThrow(th.ShapeError);
    return;
  }
  const expected = Array.isArray(c.out) ? c.out : [c.out];
  const first = f(...values) as th.NDArray[];
  f(...values.map((v) => th.zeros(v.shape as number[], 'float64')));
  outs.forEach((o, i) => {
    const got = first[i]!;
    expect(got.shape, what).toEqual(expected[i]!.shape);
    expect(Array.from(got.flatData()), what).toEqual(expected[i]!.data);
    o.type.shape.forEach((d, k) => d === null || expect(d, `${what}: static length ${k}`).toBe(got.shape[k]));
  });
  let j = outs.length;
  outs.forEach((o, i) => o.type.shape.forEach((_, k) => expect(Number(first[j++]), `${what}: inferred length ${k} of output ${i}`).toBe(first[i]!.shape[k])));
}
