/**
 * `expectAllClose`: the shared numeric assertion of the test suite (numpy's
 * `assert_allclose`). Compares NDArrays, nested JS arrays and numbers
 * elementwise with |actual - expected| <= atol + rtol * |expected|; NaN
 * matches NaN, infinities must match exactly, bools count as 0/1. On failure
 * the message names the worst element (index, both values, its error) and
 * how many elements failed.
 */
import { NDArray, type NestedArray } from '../../src/ndarray/ndarray.js';

export type Numeric = NDArray | NestedArray;

export interface AllCloseOptions {
  /** Relative tolerance (default 1e-7, as numpy's assert_allclose). */
  rtol?: number;
  /** Absolute tolerance (default 0). */
  atol?: number;
}

interface Flat {
  shape: number[];
  values: number[];
}

function flatten(x: Numeric, what: string): Flat {
  if (x instanceof NDArray) {
    const values: number[] = [];
    for (const v of x.flatData()) values.push(Number(v));
    return { shape: [...x.shape], values };
  }
  if (typeof x === 'number' || typeof x === 'boolean') return { shape: [], values: [Number(x)] };
  if (!Array.isArray(x)) throw new TypeError(`expectAllClose: ${what} is not a number, NDArray or nested array: ${String(x)}`);
  const shape: number[] = [];
  let probe: NestedArray = x;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0]!;
  }
  const values: number[] = [];
  const walk = (v: NestedArray, depth: number): void => {
    if (depth === shape.length) {
      if (Array.isArray(v)) throw new TypeError(`expectAllClose: ${what} is ragged`);
      values.push(Number(v));
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth]) throw new TypeError(`expectAllClose: ${what} is ragged`);
    for (const e of v) walk(e, depth + 1);
  };
  walk(x, 0);
  return { shape, values };
}

/** Row-major multi-index of flat position k in `shape`. */
function unravel(k: number, shape: readonly number[]): number[] {
  const index = new Array<number>(shape.length);
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    index[i] = k % d;
    k = Math.floor(k / d);
  }
  return index;
}

const fmt = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));

/** How far `a` is from `e`, in units of the allowed error (> 1 fails); Infinity for NaN/inf mismatches. */
function excess(a: number, e: number, rtol: number, atol: number): number {
  if (Number.isNaN(e) || Number.isNaN(a)) return Number.isNaN(e) && Number.isNaN(a) ? 0 : Infinity;
  if (!Number.isFinite(e) || !Number.isFinite(a)) return a === e ? 0 : Infinity;
  const err = Math.abs(a - e);
  if (err === 0) return 0;
  const allowed = atol + rtol * Math.abs(e);
  return allowed === 0 ? Infinity : err / allowed;
}

/**
 * Asserts `actual` and `expected` have the same shape (a number is 0-d) and
 * agree elementwise within `atol + rtol * |expected|`.
 */
export function expectAllClose(actual: Numeric, expected: Numeric, opts: AllCloseOptions = {}): void {
  const rtol = opts.rtol ?? 1e-7;
  const atol = opts.atol ?? 0;
  const a = flatten(actual, 'actual');
  const e = flatten(expected, 'expected');
  if (a.shape.length !== e.shape.length || a.shape.some((d, i) => d !== e.shape[i])) {
    throw new Error(`expectAllClose: shapes differ: actual (${a.shape.join(', ')}) vs expected (${e.shape.join(', ')})`);
  }
  let worst = -1;
  let worstExcess = 0;
  let failures = 0;
  for (let k = 0; k < e.values.length; k++) {
    const x = excess(a.values[k]!, e.values[k]!, rtol, atol);
    if (x > 1) failures++;
    if (x > worstExcess) {
      worstExcess = x;
      worst = k;
    }
  }
  if (failures === 0) return;
  const av = a.values[worst]!;
  const ev = e.values[worst]!;
  const where = e.shape.length === 0 ? '' : ` at [${unravel(worst, e.shape).join(', ')}]`;
  const absErr = Math.abs(av - ev);
  const relErr = ev === 0 ? Infinity : absErr / Math.abs(ev);
  throw new Error(
    `expectAllClose: ${failures} of ${e.values.length} element${e.values.length === 1 ? '' : 's'} differ (rtol=${rtol}, atol=${atol}); ` +
      `worst${where}: actual ${fmt(av)}, expected ${fmt(ev)} (abs err ${absErr}, rel err ${relErr})`,
  );
}
