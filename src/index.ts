/**
 * theano-ts: Theano for TypeScript. Declare symbolic tensors, build an
 * expression graph, compile it into a function, call it on real data.
 *
 *   import * as th from 'theano-ts';
 *   const T = th.tensor;
 *   const x = T.dmatrix('x');
 *   const f = th.function([x], x.mul(2).sum());
 */
import * as ndarray from './ndarray/index.js';
import * as graph from './graph/index.js';
import * as gradient from './gradient/index.js';
import { compileFunction } from './compile/function.js';

/** `th.tensor` (Theano's `theano.tensor`, usually `T`): constructors, ops, and `T.grad`. */
export * as tensor from './tensorApi.js';
export * as printing from './printing/index.js';
export { ndarray, graph, gradient };
export { grad } from './gradient/index.js';
export { ifelse, IfElse } from './ifelse/ifelse.js';
export { scan, until, Until, type ScanOptions, type ScanResult, type SequenceInfo, type OutputInfo, type StepResult } from './scan/scan.js';
export { map, reduce, foldl, foldr } from './scan/loops.js';
export { Scan } from './scan/scanOp.js';
/** Theano's `theano.function`; `function` is a reserved word in JS, so it is exported under that name from a binding. */
export { compileFunction as function, compileFunction as compile, compileFunction };
export { shared, SharedVariable, In, Out, Mode, ProfileStats, type CompiledFunction, type FunctionOptions, type SharedOptions, type InOptions } from './compile/index.js';
export { DebugModeError } from './compile/index.js';
export { NDArray, array, zeros, ones, full, empty, arange, type DType, type NestedArray, type ArrayLike } from './ndarray/index.js';
export { config } from './config.js';
export * from './errors.js';

import { scanProfile as scanProfileOf } from './scan/scan.js';
import type { ProfileStats as Profile } from './compile/index.js';
import type { Variable } from './graph/variable.js';
/** The ProfileStats of the body of the scan computing `output` (made with `profile: true`), or null. */
export const scanProfile = scanProfileOf as (output: Variable) => Profile | null;
export { linalg } from './tensor/index.js';
export { randomStreams, RandomStream, type RandomTensor, type RandomStreamState } from './random/index.js';
