/**
 * Pinv (Theano's `pinv`, numpy's `linalg.pinv`): the Moore-Penrose
 * pseudo-inverse from the SVD, singular values at most rcond × the largest
 * (numpy's default rcond = 1e-15) counted as zero.
 */
import { Apply } from '../../graph/apply.js';
import type { InputGradient } from '../../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../../graph/op.js';
import type { Variable } from '../../graph/variable.js';
import type { NDArray } from '../../ndarray/ndarray.js';
import { identityLike } from '../alloc.js';
import type { TensorLike } from '../asTensor.js';
import { dot } from '../dot.js';
import { add, neg, sub } from '../math.js';
import { nodeError } from '../runtime.js';
import { TensorType } from '../type.js';
import type { TensorVariable } from '../variable.js';
import { MAX_JACOBI_SWEEPS } from './eigh.js';
import { LinAlgError } from './errors.js';
import { asFloatMatrixInput, checkFinite, checkMatrix, checkMatrixValue, fromFloat64, outDtype, toFloat64 } from './matrix.js';
import { jacobiSVD } from './svd.js';

export class Pinv extends Op {
  override readonly props = ['rcond'];
  constructor(readonly rcond: number) {
    super();
  }

  override makeNode(a: Variable): Apply<this> {
    const x = checkMatrix('pinv', a, false);
    const [m, n] = x.type.shape;
    return new Apply(this, [x], [new TensorType(x.dtype, [n ?? null, m ?? null])]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const a = inputs[0] as NDArray;
    const [m, n] = checkMatrixValue(node, a, false);
    const r = jacobiSVD(checkFinite(node, toFloat64(a), a.shape), m, n);
    if (r === null) throw nodeError(node, `Jacobi iteration did not converge within its cap of ${MAX_JACOBI_SWEEPS} sweeps (${m}×${n} matrix)`, LinAlgError);
    const { u, s, vt, k } = r;
    const cutoff = this.rcond * (s[0] ?? 0);
    // P = V diag(1/s) Uᵀ over the singular values above the cutoff.
    const p = new Float64Array(n * m);
    for (let c = 0; c < k; c++) {
      if (!(s[c]! > cutoff)) continue;
      const inv = 1 / s[c]!;
      for (let i = 0; i < n; i++) {
        const vi = vt[c * n + i]! * inv;
        if (vi !== 0) for (let j = 0; j < m; j++) p[i * m + j]! += vi * u[j * k + c]!;
      }
    }
    outputs[0]!.value = fromFloat64(p, outDtype(node), [n, m]);
  }

  override inferShape(_node: Apply, [s]: readonly SymbolicShape[]): SymbolicShape[] {
    return [[s![1]!, s![0]!]];
  }

  /**
   * Golub & Pereyra (1973), for A of locally constant rank:
   * dP = -P dA P + P Pᵀ dAᵀ (I - A P) + (I - P A) dAᵀ Pᵀ P, so
   * Ā = -Pᵀ G Pᵀ + (I - A P) Gᵀ P Pᵀ + Pᵀ P Gᵀ (I - P A).
   */
  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const a = node.inputs[0] as TensorVariable;
    const p = node.outputs[0] as TensorVariable;
    const g = gz as TensorVariable;
    const ap = dot(a, p);
    const pa = dot(p, a);
    const t1 = neg(dot(dot(p.T, g), p.T));
    const t2 = dot(dot(sub(identityLike(ap), ap), g.T), dot(p, p.T));
    const t3 = dot(dot(p.T, p), dot(g.T, sub(identityLike(pa), pa)));
    return [add(t1, t2, t3)];
  }
}

/** The Moore-Penrose pseudo-inverse (Theano's `pinv`); singular values ≤ rcond × the largest are treated as zero. */
export function pinv(a: TensorLike, { rcond = 1e-15 }: { rcond?: number } = {}): TensorVariable {
  return new Pinv(rcond).apply1(asFloatMatrixInput(a)) as TensorVariable;
}
