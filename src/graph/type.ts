/**
 * Type: what a Variable may hold at run time. A Type validates and converts
 * runtime values (`filter`) and makes variables of itself.
 */
import type { Variable } from './variable.js';

export interface FilterOptions {
  /** Accept only values already of exactly this type (no conversion at all). */
  strict?: boolean;
  /** Allow conversions that may lose precision (e.g. float64 data into float32). */
  allowDowncast?: boolean;
}

export abstract class Type<V = unknown> {
  /** Checks `value` and returns it in this type's runtime form, or throws a descriptive error. */
  abstract filter(value: unknown, options?: FilterOptions): V;

  /** True when `value` is already a valid runtime value of this type. */
  abstract isValidValue(value: unknown): boolean;

  abstract equals(other: Type): boolean;

  /** True when every value of `other` is a value of this type (by default: the types are equal). */
  isSuper(other: Type): boolean {
    return this.equals(other);
  }

  abstract toString(): string;

  /** A new root variable of this type. */
  abstract makeVariable(name?: string | null): Variable;
}
