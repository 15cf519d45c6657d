/**
 * Op: an operation of the graph. It builds nodes (`makeNode`), computes
 * values (`perform`, the reference implementation every executor is tested
 * against), infers output shapes symbolically (`inferShape`) and, from the
 * gradient layer on, differentiates itself (`grad`). Two ops of one class
 * whose `props` are equal are interchangeable, which is what lets graph
 * rewrites merge duplicate computations.
 */
import type { Apply } from './apply.js';
import type { Variable } from './variable.js';
import type { InputGradient } from './gradientTerms.js';
import type { FunctionGraph } from './fgraph.js';

/** A slot an op writes one output value into; it may hold the previous call's value for reuse. */
export interface OutputCell {
  value: unknown;
}

/** An inner graph compiled by the executor of the function containing it (see `LinkContext`). */
export interface InnerFunction {
  /** Output values from input values; the arrays returned may be reused by the next run. */
  run(inputs: readonly unknown[]): unknown[];
  /** Drops the buffers the inner function keeps for its next run. */
  dropBuffers(): void;
  /** The inner function's profile, when asked for (`profile: true`). */
  readonly profile: unknown;
}

/**
 * What an executor offers ops that run inner graphs (scan): compiling them
 * at link time — once, with the outer function — the way the outer
 * function is compiled (its rewrites and linker), or with an op's own mode.
 */
export interface LinkContext {
  compileInner(fgraph: FunctionGraph, options?: { mode?: unknown; profile?: boolean; name?: string }): InnerFunction;
}

/** How a node runs under an executor: inputs in, outputs into cells (as `Op.perform`). */
export type NodeThunk = (inputs: readonly unknown[], outputs: OutputCell[]) => void;

/** A symbolic shape: one scalar int64 variable per dimension. */
export type SymbolicShape = Variable[];

export abstract class Op {
  /** Names of the fields that define this op; they decide equality, hashing and printing. */
  readonly props: readonly string[] = [];

  /** Output index → indices of the inputs that output overwrites (in-place ops). */
  readonly destroyMap: Readonly<Record<number, readonly number[]>> = {};

  /** Output index → indices of the inputs that output is a view of. */
  readonly viewMap: Readonly<Record<number, readonly number[]>> = {};

  /** Checks the inputs and builds the node with its output types; throws a descriptive error otherwise. */
  abstract makeNode(...inputs: Variable[]): Apply;

  /** Computes the outputs of `node` from input values, writing each into its cell. */
  abstract perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void;

  /**
   * Output shapes from input shapes, as graphs of scalar int64 variables, so
   * a shape can be known without running the op. Ops without a rule leave
   * this undefined.
   */
  inferShape?(node: Apply, inputShapes: readonly SymbolicShape[]): SymbolicShape[];

  /**
   * Throws what `perform` would throw for these inputs before it writes
   * anything (the VM checks in-place updates of shared state this way before
   * the first of them runs, so a failing call leaves them untouched).
   */
  checkInputs?(node: Apply, inputs: readonly unknown[]): void;

  /**
   * Ops with inner graphs (scan) compile them once here, when an executor
   * links the node, and return how the node then runs. Executors without a
   * context run `perform` (the reference, which runs the inner graph as written).
   */
  makeThunk?(node: Apply, context: LinkContext): NodeThunk;

  /**
   * Lazy ops (ifelse) need only some of their inputs, chosen at run time
   * from the values of the `decidingInputs`: an executor that supports
   * laziness computes those first, asks `neededInputs` which of the others
   * to compute, and passes undefined for the rest to `perform`. Executors
   * without laziness compute every input; the result is the same.
   */
  readonly decidingInputs?: readonly number[];
  /** The inputs a lazy op needs (a subset of all, including the deciding ones), given the deciding inputs' values. */
  neededInputs?(node: Apply, decidingValues: readonly unknown[]): readonly number[];

  /**
   * The gradient of a scalar cost with respect to each input, given its
   * gradient with respect to each output (zeros for outputs it does not
   * reach). Ops without a rule leave this undefined: asking for a gradient
   * through them is an error naming the op.
   */
  grad?(node: Apply, outputGradients: readonly Variable[]): InputGradient[];

  /**
   * The R-operator: the change of each output for a change `evalPoints[i]`
   * of each input (null: that input does not change). Ops without one get it
   * from `grad` by the double-Lop trick.
   */
  rOp?(node: Apply, evalPoints: readonly (Variable | null)[]): (Variable | null)[];

  /** A short display name (the class name without a trailing "Op"). */
  get name(): string {
    return this.constructor.name.replace(/Op$/, '');
  }

  equals(other: Op): boolean {
    if (this === other) return true;
    if (other.constructor !== this.constructor) return false;
    return this.props.every((p) => propEquals(this.prop(p), other.prop(p)));
  }

  /** A string equal for equal ops (for hash maps in rewrites). */
  key(): string {
    return `${this.constructor.name}(${this.props.map((p) => propKey(this.prop(p))).join(',')})`;
  }

  toString(): string {
    if (this.props.length === 0) return this.name;
    return `${this.name}{${this.props.map((p) => propKey(this.prop(p))).join(', ')}}`;
  }

  /** Applies the op: builds the node and returns its only output. */
  apply1(...inputs: Variable[]): Variable {
    const node = this.makeNode(...inputs);
    if (node.outputs.length !== 1) throw new TypeError(`${this} has ${node.outputs.length} outputs; use makeNode`);
    return node.outputs[0]!;
  }

  private prop(p: string): unknown {
    return (this as unknown as Record<string, unknown>)[p];
  }
}

interface Keyed {
  key(): string;
}

const isKeyed = (v: unknown): v is Keyed => typeof v === 'object' && v !== null && typeof (v as Keyed).key === 'function';

function propKey(v: unknown): string {
  if (isKeyed(v)) return v.key();
  if (Array.isArray(v)) return `[${v.map(propKey).join(',')}]`;
  if (typeof v === 'number' && Object.is(v, -0)) return '-0';
  if (v === undefined) return 'undefined';
  if (typeof v === 'object' && v !== null) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${k}:${propKey((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function propEquals(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (isKeyed(a) && isKeyed(b)) return a.key() === b.key();
  return propKey(a) === propKey(b);
}
