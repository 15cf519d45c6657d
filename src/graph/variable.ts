/**
 * Variable: a node of the expression graph standing for a value. Roots have
 * no owner (inputs, constants, shared variables); every other variable is
 * output number `index` of the Apply `owner`.
 */
import type { Apply } from './apply.js';
import type { Type } from './type.js';

let nextId = 0;

export class Variable<T extends Type = Type> {
  /** Unique, increasing creation number: a stable order for sets of variables. */
  readonly id = nextId++;
  readonly type: T;
  owner: Apply | null;
  index: number;
  name: string | null;

  constructor(type: T, owner: Apply | null = null, index = 0, name: string | null = null) {
    this.type = type;
    this.owner = owner;
    this.index = index;
    this.name = name;
  }

  /** True for variables that carry a fixed value (`data`). */
  isConstant(): boolean {
    return false;
  }

  /** A fresh root variable of the same type and name (the graph above it is not copied). */
  cloneRoot(): Variable<T> {
    return this.type.makeVariable(this.name) as Variable<T>;
  }

  /** The name, or a description of where the variable comes from. */
  toString(): string {
    if (this.name !== null) return this.name;
    if (this.owner !== null) {
      const op = String(this.owner.op);
      return this.owner.outputs.length === 1 ? `${op}.0` : `${op}.${this.index}`;
    }
    return `<${this.type}>`;
  }
}

/** A variable with a fixed value, for types that have no constant class of their own. */
export class Constant<T extends Type = Type, V = unknown> extends Variable<T> {
  readonly data: V;

  constructor(type: T, data: V, name: string | null = null) {
    super(type, null, 0, name);
    this.data = data;
  }

  override isConstant(): boolean {
    return true;
  }
}

/** Reads the value of a constant variable (any constant class sets `data`). */
export function constantData(v: Variable): unknown {
  if (!v.isConstant()) throw new TypeError(`${v} is not a constant`);
  return (v as unknown as { data: unknown }).data;
}
