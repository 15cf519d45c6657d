/**
 * Global settings (Theano's `theano.config`). Read at graph-building time,
 * so changing one affects graphs built afterwards.
 */
import type { DType } from './ndarray/dtype.js';

export interface Config {
  /** Default float dtype of the symbolic constructors (`T.matrix()`) and of float results of int math. */
  floatX: 'float32' | 'float64';
  /** How many user stack frames each node remembers for error messages. */
  tracebackLimit: number;
}

export const config: Config = {
  floatX: 'float64',
  tracebackLimit: 3,
};

export function floatX(): DType {
  return config.floatX;
}
