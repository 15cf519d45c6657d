/**
 * IfElse (Theano's `ifelse`): `cond ? then : else` for whole tensors, lazily.
 * Unlike the elementwise `switch`, which computes both sides and picks per
 * element, an executor that supports laziness (both of ours) computes the
 * scalar condition first and then only the branch taken — and everything
 * that feeds only that branch. One node carries several outputs, so one
 * test guards several values (`ifelse(c, [a, b], [x, y])`).
 *
 * Inputs: [cond, then_0 .. then_{n-1}, else_0 .. else_{n-1}]; output i is
 * then_i or else_i itself (a view: nothing is copied; the function copies
 * values it hands out that it does not own).
 */
import { Apply } from '../graph/apply.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import { Variable } from '../graph/variable.js';
import type { InputGradient } from '../graph/gradientTerms.js';
import { DTypeError, ShapeError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { asTensorVariable, type TensorLike } from '../tensor/asTensor.js';
import { zerosLike } from '../tensor/math.js';
import { TensorType } from '../tensor/type.js';
import { TensorVariable } from '../tensor/variable.js';

/** Whether a condition value selects the `then` branch: any nonzero (or NaN) value, as numpy's `bool()`. */
export function conditionHolds(cond: NDArray): boolean {
  const v = cond.data[cond.offset]!;
  return v !== 0;
}

export class IfElse extends Op {
  override readonly props = ['nOut'];
  override readonly decidingInputs: readonly number[] = [0];
  override readonly viewMap: Readonly<Record<number, readonly number[]>>;
  /** The number of guarded values (outputs). */
  readonly nOut: number;

  constructor(nOut: number) {
    super();
    if (!Number.isInteger(nOut) || nOut < 1) throw new TypeError(`IfElse needs at least one output, got ${nOut}`);
    this.nOut = nOut;
    this.viewMap = Object.fromEntries(Array.from({ length: nOut }, (_, i) => [i, [1 + i, 1 + nOut + i]]));
  }

  override makeNode(...inputs: Variable[]): Apply<this> {
    const n = this.nOut;
    if (inputs.length !== 1 + 2 * n) throw new TypeError(`${this} takes a condition and ${n} + ${n} branch values, got ${inputs.length} inputs`);
    const [cond, ...rest] = inputs;
    if (!(cond instanceof TensorVariable) || cond.ndim !== 0) {
      throw new ShapeError(`ifelse: the condition must be a scalar (0-d) tensor, got ${cond} of type ${cond!.type}; reduce it first (e.g. T.any(c), T.all(c)) or use T.switch for an elementwise choice`);
    }
    const types = Array.from({ length: n }, (_, i) => branchType(i, rest[i]!, rest[n + i]!));
    return new Apply(this, inputs, types);
  }

  override neededInputs(_node: Apply, [cond]: readonly unknown[]): readonly number[] {
    const first = conditionHolds(cond as NDArray) ? 1 : 1 + this.nOut;
    return [0, ...Array.from({ length: this.nOut }, (_, i) => first + i)];
  }

  override perform(_node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const first = conditionHolds(inputs[0] as NDArray) ? 1 : 1 + this.nOut;
    for (let i = 0; i < this.nOut; i++) outputs[i]!.value = inputs[first + i];
  }

  override inferShape(node: Apply, shapes: readonly SymbolicShape[]): SymbolicShape[] {
    const n = this.nOut;
    const cond = node.inputs[0]!;
    return Array.from({ length: n }, (_, i) => {
      const [a, b] = [shapes[1 + i]!, shapes[1 + n + i]!];
      // Equal dims (one variable for both) need no test; the others are chosen by the same condition.
      const differ = a.map((d, k) => d !== b[k]);
      if (!differ.some((x) => x)) return a;
      const picked = ifelseVariables(cond, a.filter((_, k) => differ[k]), b.filter((_, k) => differ[k]));
      let j = 0;
      return a.map((d, k) => (differ[k] ? picked[j++]! : d));
    });
  }

  override grad(node: Apply, outputGradients: readonly Variable[]): InputGradient[] {
    const cond = node.inputs[0] as TensorVariable;
    const gz = outputGradients as readonly TensorVariable[];
    // The gradient of each output flows to the branch that produced it; the other branch gets zeros.
    const thenGrads = ifelseVariables(cond, gz, gz.map((g) => zerosLike(g)));
    const elseGrads = ifelseVariables(cond, gz.map((g) => zerosLike(g)), gz);
    return [zerosLike(cond, cond.dtype.startsWith('float') ? cond.dtype : 'float64'), ...thenGrads, ...elseGrads];
  }

  override rOp(node: Apply, evalPoints: readonly (Variable | null)[]): (Variable | null)[] {
    const n = this.nOut;
    return Array.from({ length: n }, (_, i) => {
      const [a, b] = [evalPoints[1 + i], evalPoints[1 + n + i]];
      if (!a && !b) return null;
      const out = node.outputs[i] as TensorVariable;
      return ifelseVariables(node.inputs[0]!, [a ?? zerosLike(out)], [b ?? zerosLike(out)])[0]!;
    });
  }
}

/** The type of output i: both branches' dtype and rank, and the static lengths they agree on. */
function branchType(i: number, a: Variable, b: Variable): TensorType {
  if (!(a instanceof TensorVariable) || !(b instanceof TensorVariable)) throw new TypeError(`ifelse: value ${i} must be a tensor on both sides, got ${a.type} and ${b.type}`);
  if (a.dtype !== b.dtype) {
    throw new DTypeError(`ifelse: value ${i} is ${a.dtype} in the then-branch but ${b.dtype} in the else-branch; both branches must have one dtype — cast one with .astype('${a.dtype}')`);
  }
  if (a.ndim !== b.ndim) throw new ShapeError(`ifelse: value ${i} is ${a.ndim}-d (${a.type}) in the then-branch but ${b.ndim}-d (${b.type}) in the else-branch`);
  return new TensorType(a.dtype, a.type.shape.map((d, k) => (d === b.type.shape[k] ? d : null)));
}

/** One IfElse node choosing between two lists of variables. */
function ifelseVariables(cond: Variable, thens: readonly Variable[], elses: readonly Variable[]): TensorVariable[] {
  if (thens.length === 0) return [];
  return new IfElse(thens.length).makeNode(cond, ...thens, ...elses).outputs as TensorVariable[];
}

/**
 * `th.ifelse(cond, then, else)`: the value of `then` when the scalar `cond`
 * is nonzero, else of `else` — computing only the branch taken. With lists,
 * one condition guards each pair (`ifelse(c, [a, b], [x, y])` → `[a|x, b|y]`).
 * A list of values is told from an array literal by its holding a variable
 * or an NDArray on either side. A JS literal on one side takes the other
 * side's dtype.
 */
export function ifelse(cond: TensorLike, then: readonly TensorVariable[], otherwise: readonly TensorLike[]): TensorVariable[];
export function ifelse(cond: TensorLike, then: readonly TensorLike[], otherwise: readonly TensorVariable[]): TensorVariable[];
export function ifelse(cond: TensorLike, then: TensorLike, otherwise: TensorLike): TensorVariable;
export function ifelse(cond: TensorLike, then: TensorLike | readonly TensorLike[], otherwise: TensorLike | readonly TensorLike[]): TensorVariable | TensorVariable[] {
  const c = asTensorVariable(cond);
  const list = isValueList(then) || isValueList(otherwise);
  if (!list) return ifelseVariables(c, ...sides(then as TensorLike, otherwise as TensorLike))[0]!;
  if (!Array.isArray(then) || !Array.isArray(otherwise)) throw new TypeError('ifelse: give both branches as lists of values, or both as single values');
  const ts = then as readonly TensorLike[];
  const es = otherwise as readonly TensorLike[];
  if (ts.length !== es.length) throw new TypeError(`ifelse: the then-branch has ${ts.length} values but the else-branch ${es.length}`);
  const pairs = ts.map((t, i) => sides(t, es[i]!));
  return ifelseVariables(c, pairs.map((p) => p[0][0]!), pairs.map((p) => p[1][0]!));
}

/** Whether `x` is a list of values (holds a variable or an NDArray) rather than one array literal. */
function isValueList(x: unknown): boolean {
  return Array.isArray(x) && x.some((e) => e instanceof Variable || e instanceof NDArray);
}

/** Both sides as tensors; a literal takes the other side's dtype. */
function sides(a: TensorLike, b: TensorLike): [TensorVariable[], TensorVariable[]] {
  const ta = a instanceof TensorVariable ? a : asTensorVariable(a, b instanceof TensorVariable ? b.dtype : undefined);
  const tb = b instanceof TensorVariable ? b : asTensorVariable(b, ta.dtype);
  return [[ta], [tb]];
}
