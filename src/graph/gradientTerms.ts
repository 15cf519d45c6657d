/**
 * What an op's gradient rule may say about one input besides a gradient
 * expression: that the input does not influence the outputs at all
 * (`disconnected`), or that the gradient exists mathematically but is not
 * defined here (`NullGradient`, with the reason and where it arose).
 */
import type { Variable } from './variable.js';

/** The input does not affect the output (e.g. the shape argument of an op): no gradient flows. */
export const disconnected: unique symbol = Symbol('disconnected');
export type Disconnected = typeof disconnected;

/** The gradient is undefined; asking for it is an error unless `nullGradients: 'return'`. */
export class NullGradient {
  constructor(readonly reason: string) {}

  toString(): string {
    return `NullGradient(${this.reason})`;
  }
}

/** One entry of an op's `grad` result. */
export type InputGradient = Variable | Disconnected | NullGradient;
