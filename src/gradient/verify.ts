/**
 * verifyGrad (Theano's `verify_grad`): checks an expression's symbolic
 * gradient against central finite differences at a point. The expression's
 * output is projected on a random direction, so every output element
 * contributes; the check fails with the largest absolute and relative errors
 * and where they occur.
 */
import { compileFunction } from '../compile/function.js';
import type { Mode } from '../compile/mode.js';
import { TheanoError } from '../errors.js';
import { array, type ArrayLike } from '../ndarray/create.js';
import { NDArray } from '../ndarray/ndarray.js';
import { isFloat, type DType } from '../ndarray/dtype.js';
import { constant } from '../tensor/asTensor.js';
import { mul } from '../tensor/math.js';
import { sum } from '../tensor/reduce.js';
import { TensorType } from '../tensor/type.js';
import type { TensorVariable } from '../tensor/variable.js';
import { grad } from './grad.js';

export interface VerifyGradOptions {
  /** How many random projections to check (default 2). */
  nTests?: number;
  /** Uniform [0, 1) numbers; a seeded generator by default, so failures reproduce. */
  rng?: () => number;
  /** Finite-difference step (default 1e-7 for float64 inputs, 1e-3 for float32). */
  eps?: number;
  /** Largest acceptable absolute error (default 1e-4 for float64, 1e-2 for float32). */
  absTol?: number;
  /** Largest acceptable relative error |a - n| / (|a| + |n|) (default 1e-4 for float64, 1e-2 for float32). */
  relTol?: number;
  /** Compile mode for the functions compared. */
  mode?: Mode | string;
}

export class GradientCheckError extends TheanoError {
  override name = 'GradientCheckError';
}

/** A small seeded generator (mulberry32): the same numbers on every machine. */
export function seededRandom(seed = 0x5eed): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEFAULTS: Record<'float32' | 'float64', { eps: number; tol: number }> = {
  float64: { eps: 1e-7, tol: 1e-4 },
  float32: { eps: 1e-3, tol: 1e-2 },
};

function flatIndex(shape: readonly number[], k: number): string {
  const idx: number[] = [];
  for (let ax = shape.length - 1; ax >= 0; ax--) {
    idx.unshift(k % shape[ax]!);
    k = Math.floor(k / shape[ax]!);
  }
  return `[${idx.join(', ')}]`;
}

/**
 * Checks d(fn(...inputs))/d(inputs) at `point`. `fn` builds the expression
 * from symbolic inputs typed like the point's arrays (length-1 axes are
 * broadcastable, so broadcasting gradients are exercised). Throws a
 * GradientCheckError describing the worst mismatch.
 */
export function verifyGrad(
  fn: (...inputs: TensorVariable[]) => TensorVariable,
  point: readonly ArrayLike[],
  options: VerifyGradOptions = {},
): void {
  const values = point.map((p) => (p instanceof NDArray ? p : array(p)));
  values.forEach((v, i) => {
    if (!isFloat(v.dtype)) throw new GradientCheckError(`verifyGrad: point[${i}] is ${v.dtype}; gradients are checked at float points`);
  });
  const inputs = values.map((v, i) => new TensorType(v.dtype, v.shape.map((d) => (d === 1 ? 1 : null))).makeVariable(`input${i}`));
  const out = fn(...inputs);
  if (!isFloat(out.dtype)) throw new GradientCheckError(`verifyGrad: the expression is ${out.dtype}; it must be a float`);
  const lowest: DType = values.some((v) => v.dtype === 'float32') || out.dtype === 'float32' ? 'float32' : 'float64';
  const eps = options.eps ?? DEFAULTS[lowest].eps;
  const absTol = options.absTol ?? DEFAULTS[lowest].tol;
  const relTol = options.relTol ?? DEFAULTS[lowest].tol;
  const rng = options.rng ?? seededRandom();
  const fnOpts = { mode: options.mode, onUnusedInput: 'ignore' as const, name: 'verifyGrad' };

  const outShape = compileFunction(inputs, out, fnOpts)(...values).shape;
  for (let t = 0; t < (options.nTests ?? 2); t++) {
    // A random direction in output space: cost = sum(out * direction).
    const direction = NDArray.empty(out.dtype, outShape);
    for (let k = 0; k < direction.size; k++) direction.data[k] = rng() + 0.5;
    const cost = sum(mul(out, constant(direction)));
    const costFn = compileFunction(inputs, cost, fnOpts);
    const gradFn = compileFunction(inputs, grad(cost, inputs, { disconnectedInputs: 'ignore' }), fnOpts);
    const symbolic = gradFn(...values);
    values.forEach((v, i) => {
      const numeric = new Float64Array(v.size);
      const probe = v.copy();
      for (let k = 0; k < v.size; k++) {
        const x0 = probe.data[k]!;
        probe.data[k] = x0 + eps;
        const plus = Number(costFn(...values.map((w, j) => (j === i ? probe : w))));
        probe.data[k] = x0 - eps;
        const minus = Number(costFn(...values.map((w, j) => (j === i ? probe : w))));
        probe.data[k] = x0;
        // Differences over the step actually taken (float32 storage rounds x0 ± eps).
        const step = (x0 + eps - (x0 - eps)) as number;
        numeric[k] = (plus - minus) / (v.dtype === 'float32' ? Math.fround(x0 + eps) - Math.fround(x0 - eps) : step);
      }
      compare(symbolic[i]!.flatData(), numeric, v.shape, i, absTol, relTol);
    });
  }
}

function compare(analytic: ArrayLike & { readonly length: number; readonly [k: number]: number }, numeric: Float64Array, shape: readonly number[], input: number, absTol: number, relTol: number): void {
  let worstAbs = { err: 0, k: -1 };
  let worstRel = { err: 0, k: -1 };
  let failed = false;
  for (let k = 0; k < numeric.length; k++) {
    const a = analytic[k]!;
    const n = numeric[k]!;
    const abs = Math.abs(a - n);
    const rel = abs === 0 ? 0 : abs / (Math.abs(a) + Math.abs(n));
    if (!(abs <= absTol || rel <= relTol)) failed = true;
    // A NaN error (a NaN or infinite gradient) is the worst there is: once found, it stays the one reported.
    if (!Number.isNaN(worstAbs.err) && !(abs <= worstAbs.err)) worstAbs = { err: abs, k };
    if (!Number.isNaN(worstRel.err) && !(rel <= worstRel.err)) worstRel = { err: rel, k };
  }
  if (!failed) return;
  const at = (k: number) => `${flatIndex(shape, k)} (symbolic ${analytic[k]}, numeric ${numeric[k]})`;
  throw new GradientCheckError(
    `verifyGrad: the gradient with respect to input ${input} disagrees with finite differences:\n` +
      `  largest absolute error ${worstAbs.err.toExponential(3)} at ${at(worstAbs.k)} (tolerance ${absTol})\n` +
      `  largest relative error ${worstRel.err.toExponential(3)} at ${at(worstRel.k)} (tolerance ${relTol})`,
  );
}
