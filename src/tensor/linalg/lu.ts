/**
 * LU factorisation with partial pivoting (LAPACK's getrf, unblocked), the
 * kernel under matrixInverse, det, slogdet and solve: PA = LU, with L unit
 * lower triangular and U upper triangular, stored together in one n×n
 * row-major array.
 */

export interface LU {
  /** L below the diagonal (unit diagonal implied), U on and above it. */
  lu: Float64Array;
  n: number;
  /** Row i of PA is row perm[i] of A. */
  perm: Int32Array;
  /** +1 or -1: the sign of the permutation. */
  parity: number;
  /** True when a pivot is exactly zero: A is singular. */
  singular: boolean;
}

/** Factors the n×n row-major matrix `a` in place (it becomes `lu`). */
export function luFactor(a: Float64Array, n: number): LU {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let parity = 1;
  let singular = false;
  for (let k = 0; k < n; k++) {
    // The largest remaining entry of column k is the pivot: it bounds the multipliers by 1.
    let p = k;
    let best = Math.abs(a[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(a[i * n + k]!);
      if (v > best) [p, best] = [i, v];
    }
    if (p !== k) {
      for (let j = 0; j < n; j++) [a[k * n + j], a[p * n + j]] = [a[p * n + j]!, a[k * n + j]!];
      [perm[k], perm[p]] = [perm[p]!, perm[k]!];
      parity = -parity;
    }
    const pivot = a[k * n + k]!;
    if (pivot === 0 || !Number.isFinite(pivot)) {
      singular ||= pivot === 0;
      continue;
    }
    for (let i = k + 1; i < n; i++) {
      const f = (a[i * n + k]! /= pivot);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) a[i * n + j]! -= f * a[k * n + j]!;
    }
  }
  return { lu: a, n, perm, parity, singular };
}

/** Solves A X = B for the n×m row-major B (rows of B permuted as A's were), returning X. */
export function luSolve({ lu, n, perm }: LU, b: Float64Array, m: number): Float64Array {
  const x = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) x[i * m + j] = b[perm[i]! * m + j]!;
  // Forward substitution with unit-diagonal L, then back substitution with U.
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) {
      const f = lu[i * n + k]!;
      if (f !== 0) for (let j = 0; j < m; j++) x[i * m + j]! -= f * x[k * m + j]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const f = lu[i * n + k]!;
      if (f !== 0) for (let j = 0; j < m; j++) x[i * m + j]! -= f * x[k * m + j]!;
    }
    const d = lu[i * n + i]!;
    for (let j = 0; j < m; j++) x[i * m + j]! /= d;
  }
  return x;
}

/** The identity as an n×n row-major array. */
export function identity(n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}
