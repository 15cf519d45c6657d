/** `th.tensor` (Theano's `theano.tensor`, usually imported as T): types, constructors and ops. */
export { TensorType, type StaticDim } from './type.js';
export { TensorVariable, TensorConstant } from './variable.js';
export { constant, asTensorVariable, asTensorVariables, type TensorLike } from './asTensor.js';
export * from './constructors.js';
export * from './math.js';
export { switch_ as switch } from './math.js';
export { Elemwise, elemwiseOf } from './elemwise.js';
export { DimShuffle, dimshuffle, transpose, type DimPattern } from './dimshuffle.js';
export { CAReduce, sum, mean, normalizeAxes, type ReduceOptions } from './reduce.js';
export { Dot, dot } from './dot.js';
export { Gemm, Gemv, Ger, gemm, gemv, ger } from './blas.js';
export { Shape, ShapeI, shape, shapeI, symbolicShape } from './shape.js';
export { ARange, arange } from './arange.js';
export { Subtensor, IncSubtensor, at, setSubtensor, incSubtensor, slice, newaxis, sliceIndices, type Index, type IndexEntry, type Slice } from './subtensor.js';
export { Alloc, Eye, alloc, zeros, ones, full, eye, identityLike, tri, tril, triu, diag, diagonal, linspace } from './alloc.js';
export { Nonzero, nonzero, where } from './nonzero.js';
export { AdvancedSubtensor, AdvancedIncSubtensor, advancedAt, take, takeAlongAxis, type AdvancedEntry } from './advancedSubtensor.js';
export { ArgSort, argsort, sort } from './sort.js';
