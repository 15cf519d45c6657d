/**
 * The tensor operations the scalar table's gradient rules are written with
 * (`GradMath` over TensorVariables): applying a rule to tensors builds the
 * gradient graph. Each entry calls through to math.ts at call time, since
 * math.ts and this module are loaded in a cycle.
 */
import type { GradMath } from '../scalar/scalarOp.js';
import * as math from './math.js';
import type { TensorVariable } from './variable.js';

export const tensorGradMath: GradMath<TensorVariable> = {
  add: (...args) => (math.add as (...a: unknown[]) => TensorVariable)(...args),
  sub: (...args) => (math.sub as (...a: unknown[]) => TensorVariable)(...args),
  mul: (...args) => (math.mul as (...a: unknown[]) => TensorVariable)(...args),
  div: (...args) => (math.trueDiv as (...a: unknown[]) => TensorVariable)(...args),
  intDiv: (...args) => (math.intDiv as (...a: unknown[]) => TensorVariable)(...args),
  pow: (...args) => (math.pow as (...a: unknown[]) => TensorVariable)(...args),
  neg: (...args) => (math.neg as (...a: unknown[]) => TensorVariable)(...args),
  sqr: (...args) => (math.sqr as (...a: unknown[]) => TensorVariable)(...args),
  sqrt: (...args) => (math.sqrt as (...a: unknown[]) => TensorVariable)(...args),
  exp: (...args) => (math.exp as (...a: unknown[]) => TensorVariable)(...args),
  log: (...args) => (math.log as (...a: unknown[]) => TensorVariable)(...args),
  sin: (...args) => (math.sin as (...a: unknown[]) => TensorVariable)(...args),
  cos: (...args) => (math.cos as (...a: unknown[]) => TensorVariable)(...args),
  sinh: (...args) => (math.sinh as (...a: unknown[]) => TensorVariable)(...args),
  cosh: (...args) => (math.cosh as (...a: unknown[]) => TensorVariable)(...args),
  sgn: (...args) => (math.sgn as (...a: unknown[]) => TensorVariable)(...args),
  sigmoid: (...args) => (math.sigmoid as (...a: unknown[]) => TensorVariable)(...args),
  eq: (...args) => (math.eq as (...a: unknown[]) => TensorVariable)(...args),
  lt: (...args) => (math.lt as (...a: unknown[]) => TensorVariable)(...args),
  le: (...args) => (math.le as (...a: unknown[]) => TensorVariable)(...args),
  gt: (...args) => (math.gt as (...a: unknown[]) => TensorVariable)(...args),
  ge: (...args) => (math.ge as (...a: unknown[]) => TensorVariable)(...args),
  and: (...args) => (math.and as (...a: unknown[]) => TensorVariable)(...args),
  switch: (...args) => (math.switch_ as (...a: unknown[]) => TensorVariable)(...args),
};
