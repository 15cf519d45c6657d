/**
 * QR (Theano's `qr`, numpy's `linalg.qr`, mode 'reduced'): A = Q R with Q
 * m×k having orthonormal columns and R k×n upper triangular, k = min(m, n),
 * by Householder reflections chosen as LAPACK's (R's diagonal entry takes
 * the opposite sign of the column's leading entry), so the signs follow
 * numpy's.
 */
import { Apply } from '../../graph/apply.js';
import { NullGradient, type InputGradient } from '../../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../../graph/op.js';
import type { Variable } from '../../graph/variable.js';
import type { NDArray } from '../../ndarray/ndarray.js';
import { tril } from '../alloc.js';
import type { TensorLike } from '../asTensor.js';
import { dot } from '../dot.js';
import { add, minimum, sub } from '../math.js';
import { TensorType } from '../type.js';
import type { TensorVariable } from '../variable.js';
import { matrixInverse } from './inverse.js';
import { asFloatMatrixInput, checkMatrix, checkMatrixValue, fromFloat64, outDtype, toFloat64 } from './matrix.js';

/** Reduced QR of the m×n row-major `a` (overwritten): q (m×k) and r (k×n), row-major. */
export function householderQR(a: Float64Array, m: number, n: number): { q: Float64Array; r: Float64Array; k: number } {
  const k = Math.min(m, n);
  const vs: (Float64Array | null)[] = [];
  for (let j = 0; j < k; j++) {
    let rest = 0;
    for (let i = j + 1; i < m; i++) rest += a[i * n + j]! ** 2;
    const alpha = a[j * n + j]!;
    // Nothing below the diagonal: no reflection (LAPACK's tau = 0).
    if (rest === 0) {
      vs.push(null);
      continue;
    }
    const beta = -(alpha >= 0 ? 1 : -1) * Math.sqrt(alpha * alpha + rest);
    const v = new Float64Array(m - j);
    v[0] = alpha - beta;
    for (let i = j + 1; i < m; i++) v[i - j] = a[i * n + j]!;
    const vv = v[0]! ** 2 + rest;
    // H = I - 2 v vᵀ / vᵀv applied to the remaining columns.
    for (let c = j; c < n; c++) {
      let dotv = 0;
      for (let i = j; i < m; i++) dotv += v[i - j]! * a[i * n + c]!;
      const f = (2 * dotv) / vv;
      for (let i = j; i < m; i++) a[i * n + c]! -= f * v[i - j]!;
    }
    for (let i = j + 1; i < m; i++) a[i * n + j] = 0;
    a[j * n + j] = beta;
    vs.push(v.map((x) => x / Math.sqrt(vv)));
  }
  // Q = H₀ H₁ … applied to the first k columns of the identity.
  const q = new Float64Array(m * k);
  for (let i = 0; i < k; i++) q[i * k + i] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const v = vs[j];
    if (!v) continue;
    for (let c = 0; c < k; c++) {
      let dotv = 0;
      for (let i = j; i < m; i++) dotv += v[i - j]! * q[i * k + c]!;
      for (let i = j; i < m; i++) q[i * k + c]! -= 2 * dotv * v[i - j]!;
    }
  }
  const r = new Float64Array(k * n);
  for (let i = 0; i < k; i++) for (let c = i; c < n; c++) r[i * n + c] = a[i * n + c]!;
  return { q, r, k };
}

export class QR extends Op {
  override makeNode(a: Variable): Apply<this> {
    const x = checkMatrix('qr', a, false);
    const [m, n] = x.type.shape;
    const k = m !== null && n !== null ? Math.min(m, n) : null;
    return new Apply(this, [x], [new TensorType(x.dtype, [m ?? null, k]), new TensorType(x.dtype, [k, n ?? null])]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const a = inputs[0] as NDArray;
    const [m, n] = checkMatrixValue(node, a, false);
    const { q, r, k } = householderQR(toFloat64(a), m, n);
    outputs[0]!.value = fromFloat64(q, outDtype(node, 0), [m, k]);
    outputs[1]!.value = fromFloat64(r, outDtype(node, 1), [k, n]);
  }

  override inferShape(_node: Apply, [s]: readonly SymbolicShape[]): SymbolicShape[] {
    const [m, n] = s as [TensorVariable, TensorVariable];
    const k = minimum(m, n);
    return [
      [m, k],
      [k, n],
    ];
  }

  /**
   * For m ≥ n with R invertible (Walter & Lehmann; Liao et al. 2019):
   * M = R R̄ᵀ - Q̄ᵀ Q, Ā = (Q̄ + Q copyltu(M)) R⁻ᵀ, copyltu mirroring M's lower
   * triangle. Wide matrices (m < n) have no rule here.
   */
  override grad(node: Apply, [gq, gr]: readonly Variable[]): InputGradient[] {
    const a = node.inputs[0] as TensorVariable;
    const [m, n] = a.type.shape;
    if (m !== null && n !== null && m! < n!) return [new NullGradient(`qr: the gradient of a wide matrix (m < n, here ${a.type.shapeString()}) is not implemented (node built at ${node.trace})`)];
    const [q, r] = node.outputs as [TensorVariable, TensorVariable];
    const mm = sub(dot(r, (gr as TensorVariable).T), dot((gq as TensorVariable).T, q));
    const copyltu = add(tril(mm), tril(mm, -1).T);
    return [dot(add(gq as TensorVariable, dot(q, copyltu)), matrixInverse(r).T)];
  }
}

const qrOp = new QR();

/** The reduced QR decomposition [q, r] of a matrix (Theano's `qr`, numpy's `linalg.qr(a, 'reduced')`). */
export function qr(a: TensorLike): [TensorVariable, TensorVariable] {
  const node = qrOp.makeNode(asFloatMatrixInput(a));
  return [node.outputs[0] as TensorVariable, node.outputs[1] as TensorVariable];
}
