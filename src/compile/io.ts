/**
 * In and Out: per-input and per-output options of a compiled function
 * (Theano's `theano.In` / `theano.Out`).
 */
import type { ArrayLike } from '../ndarray/create.js';
import type { TensorVariable } from '../tensor/variable.js';

export interface InOptions {
  /** Default value used when the call does not give this input. */
  value?: ArrayLike;
  /** Name for keyword calls (`f({x: 1})`); defaults to the variable's name. */
  name?: string;
  /** The function may overwrite the array given for this input (lets in-place ops use it). */
  mutable?: boolean;
  /** The function may keep and return the given array itself instead of a copy. */
  borrow?: boolean;
}

class InClass {
  readonly variable: TensorVariable;
  readonly name: string | null;
  readonly value: ArrayLike | undefined;
  readonly mutable: boolean;
  readonly borrow: boolean;

  constructor(variable: TensorVariable, options: InOptions = {}) {
    this.variable = variable;
    this.name = options.name ?? variable.name;
    this.value = options.value;
    this.mutable = options.mutable ?? false;
    this.borrow = options.borrow ?? this.mutable;
  }

  get hasDefault(): boolean {
    return this.value !== undefined;
  }
}

class OutClass {
  readonly variable: TensorVariable;
  /**
   * Return the function's internal buffer instead of a fresh array: faster,
   * but the next call overwrites it.
   */
  readonly borrow: boolean;

  constructor(variable: TensorVariable, { borrow = false }: { borrow?: boolean } = {}) {
    this.variable = variable;
    this.borrow = borrow;
  }
}

/**
 * `In` and `Out` can be called with or without `new` (`th.In(x, {value: 1})`,
 * as Theano's `theano.In(x, value=1)` and as the README writes them).
 */
export interface InConstructor {
  new (variable: TensorVariable, options?: InOptions): InClass;
  (variable: TensorVariable, options?: InOptions): InClass;
  readonly prototype: InClass;
}
export interface OutConstructor {
  new (variable: TensorVariable, options?: { borrow?: boolean }): OutClass;
  (variable: TensorVariable, options?: { borrow?: boolean }): OutClass;
  readonly prototype: OutClass;
}
export type In = InClass;
export type Out = OutClass;
export const In = new Proxy(InClass, {
  apply: (target, _this, args: [TensorVariable, InOptions?]) => new target(...args),
}) as unknown as InConstructor;
export const Out = new Proxy(OutClass, {
  apply: (target, _this, args: [TensorVariable, { borrow?: boolean }?]) => new target(...args),
}) as unknown as OutConstructor;
