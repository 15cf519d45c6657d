/**
 * SVD (Theano's `svd`, numpy's `linalg.svd(a, full_matrices=False)`):
 * A = U diag(s) Vᵀ with s descending, U m×k, Vᵀ k×n, k = min(m, n), by
 * one-sided (Hestenes) Jacobi rotations on the columns of A (of Aᵀ when A
 * is wide).
 *
 * Sign convention: singular vectors are defined up to a common sign per
 * pair; each right singular vector (row of vt) returned has its
 * largest-magnitude component positive, its left partner following. numpy
 * returns LAPACK's signs, which can differ.
 */
import { Apply } from '../../graph/apply.js';
import type { InputGradient } from '../../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../../graph/op.js';
import type { Variable } from '../../graph/variable.js';
import type { NDArray } from '../../ndarray/ndarray.js';
import { diag, identityLike } from '../alloc.js';
import type { TensorLike } from '../asTensor.js';
import { dimshuffle } from '../dimshuffle.js';
import { dot } from '../dot.js';
import { add, minimum, mul, reciprocal, sqr, sub } from '../math.js';
import { nodeError } from '../runtime.js';
import { TensorType } from '../type.js';
import type { TensorVariable } from '../variable.js';
import { fixColumnSigns, MAX_JACOBI_SWEEPS } from './eigh.js';
import { LinAlgError } from './errors.js';
import { asFloatMatrixInput, checkFinite, checkMatrix, checkMatrixValue, fromFloat64, isUnreachedGradient, outDtype, toFloat64 } from './matrix.js';

/** Thin SVD of the tall (m ≥ n) row-major `a` (overwritten): u m×n, s (descending), v n×n (columns); null without convergence. */
function tallSVD(a: Float64Array, m: number, n: number, maxSweeps: number): { u: Float64Array; s: Float64Array; v: Float64Array } | null {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let converged = false;
  for (let sweep = 0; sweep < maxSweeps && !converged; sweep++) {
    converged = true;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        let [alpha, beta, gamma] = [0, 0, 0];
        for (let i = 0; i < m; i++) {
          const [x, y] = [a[i * n + p]!, a[i * n + q]!];
          alpha += x * x;
          beta += y * y;
          gamma += x * y;
        }
        if (!Number.isFinite(alpha + beta + gamma)) return null;
        // Columns p and q already orthogonal to working precision: no rotation.
        if (gamma === 0 || Math.abs(gamma) <= Number.EPSILON * Math.sqrt(alpha * beta)) continue;
        converged = false;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const [x, y] = [a[i * n + p]!, a[i * n + q]!];
          a[i * n + p] = c * x - s * y;
          a[i * n + q] = s * x + c * y;
        }
        for (let i = 0; i < n; i++) {
          const [x, y] = [v[i * n + p]!, v[i * n + q]!];
          v[i * n + p] = c * x - s * y;
          v[i * n + q] = s * x + c * y;
        }
      }
    }
  }
  if (!converged) return null;
  const norms = Array.from({ length: n }, (_, c) => {
    let t = 0;
    for (let i = 0; i < m; i++) t += a[i * n + c]! ** 2;
    return Math.sqrt(t);
  });
  const order = [...Array(n).keys()].sort((i, j) => norms[j]! - norms[i]!);
  const s = Float64Array.from(order, (i) => norms[i]!);
  const u = new Float64Array(m * n);
  const vs = new Float64Array(n * n);
  order.forEach((src, c) => {
    for (let i = 0; i < m; i++) u[i * n + c] = norms[src]! > 0 ? a[i * n + src]! / norms[src]! : 0;
    for (let i = 0; i < n; i++) vs[i * n + c] = v[i * n + src]!;
  });
  completeColumns(u, m, n, s);
  fixColumnSigns(vs, n, n, { m: u, rows: m });
  return { u, s, v: vs };
}

/** Columns of u whose singular value is zero get unit vectors orthogonal to the others (Gram-Schmidt on e₀, e₁, …). */
function completeColumns(u: Float64Array, m: number, n: number, s: Float64Array): void {
  const largest = s[0] ?? 0;
  for (let c = 0; c < n; c++) {
    if (s[c]! > largest * Number.EPSILON * Math.max(m, n) && s[c]! > 0) continue;
    for (let e = 0; e < m; e++) {
      const x = new Float64Array(m);
      x[e] = 1;
      for (let pass = 0; pass < 2; pass++) {
        for (let o = 0; o < n; o++) {
          if (o === c || (o > c && !(s[o]! > largest * Number.EPSILON * Math.max(m, n) && s[o]! > 0))) continue;
          let d = 0;
          for (let i = 0; i < m; i++) d += u[i * n + o]! * x[i]!;
          for (let i = 0; i < m; i++) x[i]! -= d * u[i * n + o]!;
        }
      }
      const norm = Math.hypot(...x);
      if (norm > 0.5) {
        for (let i = 0; i < m; i++) u[i * n + c] = x[i]! / norm;
        break;
      }
    }
  }
}

/** Thin SVD of the m×n row-major `a`: u (m×k), s (k), vt (k×n), row-major; null without convergence. */
export function jacobiSVD(a: Float64Array, m: number, n: number, maxSweeps = MAX_JACOBI_SWEEPS): { u: Float64Array; s: Float64Array; vt: Float64Array; k: number } | null {
  if (m >= n) {
    const r = tallSVD(a, m, n, maxSweeps);
    if (r === null) return null;
    const vt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) vt[i * n + j] = r.v[j * n + i]!;
    return { u: r.u, s: r.s, vt, k: n };
  }
  // Aᵀ = U' S V'ᵀ, so A = V' S U'ᵀ: u = V' and vt = U'ᵀ. Signs are fixed on vt's rows.
  const at = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) at[j * m + i] = a[i * n + j]!;
  const r = tallSVD(at, n, m, maxSweeps);
  if (r === null) return null;
  // r.u is n×m (columns are vt's rows), r.v is m×m (columns are u's columns).
  fixColumnSigns(r.u, n, m, { m: r.v, rows: m });
  const vt = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) vt[i * n + j] = r.u[j * m + i]!;
  return { u: r.v, s: r.s, vt, k: m };
}

export class SVD extends Op {
  override makeNode(a: Variable): Apply<this> {
    const x = checkMatrix('svd', a, false);
    const [m, n] = x.type.shape;
    const k = m !== null && n !== null ? Math.min(m, n) : null;
    return new Apply(this, [x], [new TensorType(x.dtype, [m ?? null, k]), new TensorType(x.dtype, [k]), new TensorType(x.dtype, [k, n ?? null])]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const a = inputs[0] as NDArray;
    const [m, n] = checkMatrixValue(node, a, false);
    const r = jacobiSVD(checkFinite(node, toFloat64(a), a.shape), m, n);
    if (r === null) throw nodeError(node, `Jacobi iteration did not converge within its cap of ${MAX_JACOBI_SWEEPS} sweeps (${m}×${n} matrix)`, LinAlgError);
    outputs[0]!.value = fromFloat64(r.u, outDtype(node, 0), [m, r.k]);
    outputs[1]!.value = fromFloat64(r.s, outDtype(node, 1), [r.k]);
    outputs[2]!.value = fromFloat64(r.vt, outDtype(node, 2), [r.k, n]);
  }

  override inferShape(_node: Apply, [s]: readonly SymbolicShape[]): SymbolicShape[] {
    const [m, n] = s as [TensorVariable, TensorVariable];
    const k = minimum(m, n);
    return [[m, k], [k], [k, n]];
  }

  /**
   * Townsend (2016), with V = vtᵀ, S = diag(s), F[i][j] = 1 / (s[j]² - s[i]²) off the diagonal:
   * Ā = U (J S + diag(s̄) + S K) Vᵀ + (I - U Uᵀ) Ū S⁻¹ Vᵀ + U S⁻¹ V̄ᵀ (I - V Vᵀ),
   * J = F ∘ (Uᵀ Ū - Ūᵀ U), K = F ∘ (Vᵀ V̄ - V̄ᵀ V). The singular-value term
   * alone needs nothing more; the singular-vector terms need distinct,
   * non-zero singular values.
   */
  override grad(node: Apply, [gu, gs, gvt]: readonly Variable[]): InputGradient[] {
    const [u, s, vt] = node.outputs as [TensorVariable, TensorVariable, TensorVariable];
    let inner = diag(gs as TensorVariable);
    const terms: TensorVariable[] = [];
    const useU = !isUnreachedGradient(gu!, u);
    const useV = !isUnreachedGradient(gvt!, vt);
    if (useU || useV) {
      const s2 = sqr(s);
      const diff = sub(dimshuffle(s2, ['x', 0]), dimshuffle(s2, [0, 'x']));
      const eye = identityLike(diff);
      const f = sub(reciprocal(add(diff, eye)), eye);
      const sRow = dimshuffle(s, ['x', 0]);
      const sCol = dimshuffle(s, [0, 'x']);
      const sInvCol = dimshuffle(reciprocal(s), [0, 'x']);
      if (useU) {
        const ub = gu as TensorVariable;
        const utub = dot(u.T, ub);
        // J S scales J's columns by s.
        inner = add(inner, mul(mul(f, sub(utub, utub.T)), sRow));
        // (I - U Uᵀ) Ū S⁻¹ Vᵀ = (Ū - U Uᵀ Ū) S⁻¹ Vᵀ.
        terms.push(dot(mul(sub(ub, dot(u, utub)), dimshuffle(reciprocal(s), ['x', 0])), vt));
      }
      if (useV) {
        const vtb = gvt as TensorVariable; // V̄ᵀ
        const vtvb = dot(vt, vtb.T); // Vᵀ V̄
        inner = add(inner, mul(sCol, mul(f, sub(vtvb, vtvb.T))));
        // U S⁻¹ V̄ᵀ (I - V Vᵀ) = U S⁻¹ (V̄ᵀ - V̄ᵀ V Vᵀ).
        terms.push(dot(u, mul(sInvCol, sub(vtb, dot(dot(vtb, vt.T), vt)))));
      }
    }
    let g = dot(dot(u, inner), vt);
    for (const t of terms) g = add(g, t);
    return [g];
  }
}

const svdOp = new SVD();

/**
 * The thin singular value decomposition [u, s, vt] of a matrix (Theano's
 * `svd`, numpy's `linalg.svd(a, full_matrices=False)`); s descending, each
 * row of vt with its largest-magnitude component positive.
 */
export function svd(a: TensorLike): [TensorVariable, TensorVariable, TensorVariable] {
  const node = svdOp.makeNode(asFloatMatrixInput(a));
  return node.outputs as [TensorVariable, TensorVariable, TensorVariable];
}

/** The singular values alone, descending (numpy's `svd(a, compute_uv=False)`). */
export function singularValues(a: TensorLike): TensorVariable {
  return svd(a)[1];
}
