/** `th.gradient` (Theano's `theano.gradient`): grad, Lop/Rop, gradient modifiers, verifyGrad. */
export { grad, floatZerosLike, GradientError, type GradOptions, type GradValue } from './grad.js';
export { Lop, Rop } from './rop.js';
export { jacobian, hessian } from './jacobian.js';
export { zeroGrad, disconnectedGrad, considerConstant, gradClip, gradScale, GradientModifier } from './modifiers.js';
export { verifyGrad, seededRandom, GradientCheckError, type VerifyGradOptions } from './verify.js';
export { disconnected, NullGradient, type Disconnected } from '../graph/gradientTerms.js';
