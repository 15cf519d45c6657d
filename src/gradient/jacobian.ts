/**
 * jacobian and hessian (Theano's `theano.gradient.jacobian` / `hessian`):
 * one reverse pass per element of the expression, run as a loop over the
 * element index. Row i of the Jacobian is the gradient of Σ (y · eᵢ), where
 * eᵢ is the i-th one-hot vector, so the loop needs no indexing op.
 */
import { ShapeError } from '../errors.js';
import { isFloat } from '../ndarray/dtype.js';
import { mapIndices } from '../scan/mapIndices.js';
import { arange } from '../tensor/arange.js';
import { cast, eq, mul } from '../tensor/math.js';
import { sum } from '../tensor/reduce.js';
import { shapeI } from '../tensor/shape.js';
import { TensorVariable } from '../tensor/variable.js';
import { grad, GradientError, type GradOptions } from './grad.js';

type JacobianOptions = Pick<GradOptions, 'considerConstant' | 'disconnectedInputs'>;

/**
 * ∂expression/∂wrt: for a vector expression of length n and wrt of shape s,
 * an array of shape (n, ...s); for a scalar expression, the gradient.
 * Answers in the form of `wrt`.
 */
export function jacobian(
  expression: TensorVariable,
  wrt: TensorVariable | readonly TensorVariable[],
  options: JacobianOptions = {},
): TensorVariable | TensorVariable[] {
  if (!(expression instanceof TensorVariable)) throw new GradientError(`jacobian: the expression must be a tensor variable`);
  const list = Array.isArray(wrt) ? (wrt as readonly TensorVariable[]) : [wrt as TensorVariable];
  if (!isFloat(expression.dtype)) throw new GradientError(`jacobian: the expression is ${expression.dtype}; it must be a float`);
  let result: TensorVariable[];
  if (expression.ndim === 0) {
    result = grad(expression, list, options);
  } else if (expression.ndim === 1) {
    const n = shapeI(expression, 0);
    result = list.map((w) =>
      mapIndices(n, (i) => {
        const oneHot = cast(eq(arange(n), i), expression.dtype);
        return grad(sum(mul(expression, oneHot)), w, options);
      }),
    );
  } else {
    throw new ShapeError(`jacobian: the expression must be a scalar or a vector, got ${expression.ndim}-d ${expression}; flatten it first`);
  }
  return Array.isArray(wrt) ? result : result[0]!;
}

/**
 * The matrix of second derivatives of a scalar cost with respect to each
 * vector in `wrt` (Theano's `hessian`): the Jacobian of the gradient.
 */
export function hessian(cost: TensorVariable, wrt: TensorVariable | readonly TensorVariable[], options: JacobianOptions = {}): TensorVariable | TensorVariable[] {
  const list = Array.isArray(wrt) ? (wrt as readonly TensorVariable[]) : [wrt as TensorVariable];
  if (!(cost instanceof TensorVariable) || cost.ndim !== 0) throw new GradientError(`hessian: the cost must be a scalar, got ${cost}`);
  const result = list.map((w, k) => {
    if (w.ndim !== 1) throw new ShapeError(`hessian: wrt[${k}] ${w} is ${w.ndim}-d; the hessian is defined here for vectors`);
    return jacobian(grad(cost, w, options), w, options) as TensorVariable;
  });
  return Array.isArray(wrt) ? result : result[0]!;
}
