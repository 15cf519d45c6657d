/**
 * What `th.tensor` (Theano's `theano.tensor`, usually `T`) offers: the
 * tensor layer plus `T.grad`, which lives in the gradient layer above it.
 */
export * from './tensor/index.js';
export { grad } from './gradient/grad.js';
