/**
 * Small assertions and data makers shared by the tests: typed error checks,
 * exact array equality, and a seeded data generator.
 */
import { expect } from 'vitest';
import { array } from '../../src/ndarray/create.js';
import type { DType } from '../../src/ndarray/dtype.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';

/** Asserts `f` throws an instance of `cls` whose message contains (string) or matches (RegExp) `message`. */
export function throws(f: () => unknown, cls: new (...args: never[]) => Error, message: RegExp | string): void {
  let caught: unknown;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(cls);
  if (typeof message === 'string') expect((caught as Error).message).toContain(message);
  else expect((caught as Error).message).toMatch(message);
}

/** Same dtype, shape and values, exactly. */
export function expectSame(actual: NDArray, expected: NDArray): void {
  expect(actual.dtype).toBe(expected.dtype);
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.toArray()).toEqual(expected.toArray());
}

/** Uniform numbers in [0, 1) from a xorshift32 generator seeded by `seed` (deterministic test data). */
export function xorshift32(seed: number): () => number {
  let s = (seed * 2654435761) >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

/**
 * Deterministic test data (xorshift32 from `seed`): ints in ±2^30 for int32,
 * floats in about [-1.35, 1.65] otherwise.
 */
export function data(dtype: DType, shape: readonly number[], seed: number): NDArray {
  const size = shape.reduce((p, d) => p * d, 1);
  const next = xorshift32(seed);
  const flat = Array.from({ length: size }, () => (dtype === 'int32' ? Math.floor(next() * 2 ** 31) - 2 ** 30 : (next() - 0.45) * 3));
  return array(flat, { dtype }).reshape(shape);
}

/** The error `fn` throws (fails the test if it does not). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}
