/**
 * Eigh (Theano's `eigh`, numpy's `linalg.eigh`, UPLO='L'): eigenvalues of a
 * symmetric matrix, ascending, and its eigenvectors as columns, by cyclic
 * Jacobi rotations on the matrix mirrored from its lower triangle.
 *
 * Sign convention: an eigenvector is only defined up to sign; each one
 * returned has its largest-magnitude component positive (the first such
 * component on a tie). numpy returns LAPACK's signs, which can differ.
 */
import { Apply } from '../../graph/apply.js';
import type { InputGradient } from '../../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../../graph/op.js';
import type { Variable } from '../../graph/variable.js';
import type { NDArray } from '../../ndarray/ndarray.js';
import { diag, diagonal, identityLike, tril } from '../alloc.js';
import type { TensorLike } from '../asTensor.js';
import { dimshuffle } from '../dimshuffle.js';
import { dot } from '../dot.js';
import { add, mul, reciprocal, sub } from '../math.js';
import { nodeError } from '../runtime.js';
import { TensorType } from '../type.js';
import type { TensorVariable } from '../variable.js';
import { LinAlgError } from './errors.js';
import { asFloatMatrixInput, checkFinite, checkMatrix, checkMatrixValue, fromFloat64, isUnreachedGradient, outDtype, toFloat64 } from './matrix.js';

/** Jacobi sweeps allowed before giving up (convergence is quadratic: ~10 suffice in practice). */
export const MAX_JACOBI_SWEEPS = 100;

/** Flips columns of the rows×cols row-major `v` (and the same columns of `partner`) so each one's largest-magnitude entry is positive. */
export function fixColumnSigns(v: Float64Array, rows: number, cols: number, partner?: { m: Float64Array; rows: number }): void {
  for (let c = 0; c < cols; c++) {
    let best = 0;
    for (let i = 0; i < rows; i++) if (Math.abs(v[i * cols + c]!) > Math.abs(v[best * cols + c]!)) best = i;
    if (v[best * cols + c]! >= 0) continue;
    for (let i = 0; i < rows; i++) v[i * cols + c] = -v[i * cols + c]!;
    if (partner) for (let i = 0; i < partner.rows; i++) partner.m[i * cols + c] = -partner.m[i * cols + c]!;
  }
}

/** Eigenvalues (ascending) and eigenvectors (columns, row-major n×n) of the symmetric matrix mirrored from `a`'s lower triangle; null when the sweeps do not converge. */
export function jacobiEigh(a: Float64Array, n: number, maxSweeps = MAX_JACOBI_SWEEPS): { w: Float64Array; v: Float64Array } | null {
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) a[i * n + j] = a[j * n + i]!;
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let total = 0;
  for (let i = 0; i < n * n; i++) total += a[i]! ** 2;
  const tol = (Number.EPSILON * Number.EPSILON * total) / 4;
  let converged = false;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) off += a[i * n + j]! ** 2;
    if (!(off > tol)) {
      converged = Number.isFinite(off);
      break;
    }
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (apq === 0) continue;
        // The rotation (c, s) that zeroes a[p][q] (the smaller of the two angles).
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const [akp, akq] = [a[k * n + p]!, a[k * n + q]!];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const [apk, aqk] = [a[p * n + k]!, a[q * n + k]!];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        a[p * n + q] = 0;
        a[q * n + p] = 0;
        for (let k = 0; k < n; k++) {
          const [vkp, vkq] = [v[k * n + p]!, v[k * n + q]!];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  if (!converged) return null;
  const order = [...Array(n).keys()].sort((i, j) => a[i * n + i]! - a[j * n + j]!);
  const w = Float64Array.from(order, (i) => a[i * n + i]!);
  const sorted = new Float64Array(n * n);
  for (let r = 0; r < n; r++) order.forEach((src, c) => (sorted[r * n + c] = v[r * n + src]!));
  fixColumnSigns(sorted, n, n);
  return { w, v: sorted };
}

export class Eigh extends Op {
  override makeNode(a: Variable): Apply<this> {
    const x = checkMatrix('eigh', a, true);
    const n = x.type.shape[0] ?? x.type.shape[1] ?? null;
    return new Apply(this, [x], [new TensorType(x.dtype, [n]), new TensorType(x.dtype, [n, n])]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const a = inputs[0] as NDArray;
    const [n] = checkMatrixValue(node, a, true);
    const result = jacobiEigh(checkFinite(node, toFloat64(a), a.shape), n);
    if (result === null) throw nodeError(node, `Jacobi iteration did not converge within its cap of ${MAX_JACOBI_SWEEPS} sweeps (${n}×${n} matrix)`, LinAlgError);
    outputs[0]!.value = fromFloat64(result.w, outDtype(node, 0), [n]);
    outputs[1]!.value = fromFloat64(result.v, outDtype(node, 1), [n, n]);
  }

  override inferShape(_node: Apply, [s]: readonly SymbolicShape[]): SymbolicShape[] {
    return [[s![0]!], [s![0]!, s![1]!]];
  }

  /**
   * G = V (diag(w̄) + F ∘ (Vᵀ V̄)) Vᵀ with F[i][j] = 1 / (w[j] - w[i]) off the
   * diagonal (eigenvalues must be distinct for the eigenvector part); only
   * A's lower triangle is read, so Ā = tril(G + Gᵀ) - diag(G).
   */
  override grad(node: Apply, [gw, gv]: readonly Variable[]): InputGradient[] {
    const [w, v] = node.outputs as [TensorVariable, TensorVariable];
    let inner = diag(gw as TensorVariable);
    if (!isUnreachedGradient(gv!, v)) {
      const diff = sub(dimshuffle(w, ['x', 0]), dimshuffle(w, [0, 'x']));
      const eye = identityLike(diff);
      // 1 / (diff + I) - I: zero on the diagonal without ever dividing by zero there.
      const f = sub(reciprocal(add(diff, eye)), eye);
      inner = add(inner, mul(f, dot(v.T, gv as TensorVariable)));
    }
    const g = dot(dot(v, inner), v.T);
    return [sub(tril(add(g, g.T)), diag(diagonal(g)))];
  }
}

const eighOp = new Eigh();

/**
 * Eigenvalues (ascending) and eigenvectors (columns) [w, v] of a symmetric
 * matrix given by its lower triangle (Theano's `eigh`); each eigenvector's
 * largest-magnitude component is positive.
 */
export function eigh(a: TensorLike): [TensorVariable, TensorVariable] {
  const node = eighOp.makeNode(asFloatMatrixInput(a));
  return [node.outputs[0] as TensorVariable, node.outputs[1] as TensorVariable];
}
