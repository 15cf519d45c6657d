/**
 * norm (numpy's `linalg.norm`, Theano's `norm`) of a vector or a matrix:
 * vectors take ord 2 (default), 1, Infinity or any positive p; matrices take
 * 'fro' (default), 'nuc', 1 (largest column sum of |a|), Infinity (largest
 * row sum) and 2 (largest singular value). With `axis` a matrix's rows
 * (axis 1) or columns (axis 0) are taken as vectors. Written with existing
 * ops (sum, abs, sqrt, MaxAbs, SVD), whose gradients it inherits; the
 * 2-norm's gradient at the zero vector is NaN, as its formula's.
 */
import { ShapeError, ValueError } from '../../errors.js';
import type { TensorLike } from '../asTensor.js';
import { abs, pow, sqr, sqrt } from '../math.js';
import { sum } from '../reduce.js';
import type { TensorVariable } from '../variable.js';
import { asFloatMatrixInput } from './matrix.js';
import { maxAbs } from './maxAbs.js';
import { svd } from './svd.js';

export type NormOrder = number | 'fro' | 'nuc';

type Reduce = (x: TensorVariable, axis: number | null) => TensorVariable;

const axes = (axis: number | null): number[] | null => (axis === null ? null : [axis]);

/** Vector norms by ord (any other positive p is (Σ|x|ᵖ)^(1/p)). */
const VECTOR_NORMS: Record<string, Reduce> = {
  '2': (x, axis) => sqrt(sum(sqr(x), axes(axis))),
  '1': (x, axis) => sum(abs(x), axes(axis)),
  Infinity: (x, axis) => maxAbs(x, axis),
};

/** Matrix norms by ord. */
const MATRIX_NORMS: Record<string, (x: TensorVariable) => TensorVariable> = {
  fro: (x) => sqrt(sum(sqr(x))),
  nuc: (x) => sum(svd(x)[1]),
  '1': (x) => maxAbs(sum(abs(x), [0])),
  Infinity: (x) => maxAbs(sum(abs(x), [1])),
  '2': (x) => svd(x)[1].at(0),
};

function vectorNorm(x: TensorVariable, ord: NormOrder, axis: number | null): TensorVariable {
  const rule = VECTOR_NORMS[String(ord)];
  if (rule) return rule(x, axis);
  if (typeof ord === 'number' && ord > 0 && Number.isFinite(ord)) return pow(sum(pow(abs(x), ord), axes(axis)), 1 / ord);
  throw new ValueError(`norm: vector norms take ord 2, 1, Infinity or a positive number, got ${String(ord)}`);
}

function matrixNorm(x: TensorVariable, ord: NormOrder): TensorVariable {
  const rule = MATRIX_NORMS[String(ord)];
  if (!rule) throw new ValueError(`norm: matrix norms take ord 'fro', 'nuc', 1, Infinity or 2, got ${String(ord)}`);
  return rule(x);
}

/** The norm of a vector or matrix (numpy's `linalg.norm(x, ord, axis)` for 1-d and 2-d x). */
export function norm(x: TensorLike, ord?: NormOrder, { axis = null }: { axis?: number | null } = {}): TensorVariable {
  const v = asFloatMatrixInput(x);
  if (v.ndim !== 1 && v.ndim !== 2) throw new ShapeError(`norm takes a vector or a matrix, got ${v.ndim}-d ${v} (${v.type})`);
  if (axis !== null) {
    const a = axis < 0 ? axis + v.ndim : axis;
    if (!Number.isInteger(a) || a < 0 || a >= v.ndim) throw new ShapeError(`norm: axis ${axis} is out of range for ${v.ndim}-d ${v}`);
    return vectorNorm(v, ord ?? 2, a);
  }
  return v.ndim === 1 ? vectorNorm(v, ord ?? 2, null) : matrixNorm(v, ord ?? 'fro');
}
