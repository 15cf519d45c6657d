/**
 * Softmax and LogSoftmax along an axis, computed stably: the lane's maximum
 * is subtracted before exponentiating, so logits of ±1000 give finite
 * results (log-probabilities of -2000, not -inf or NaN). Both are ops (one
 * pass per lane, no temporaries) whose gradients are written with existing
 * ops: softmax y: (g - Σ g·y) · y; log-softmax y: g - exp(y) · Σ g.
 */
import { Apply } from '../../graph/apply.js';
import type { InputGradient } from '../../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../../graph/op.js';
import type { Variable } from '../../graph/variable.js';
import { ShapeError } from '../../errors.js';
import { exp as fastExp } from '../../scalar/fastExp.js';
import { isFloat, type TypedArray } from '../../ndarray/dtype.js';
import { NDArray } from '../../ndarray/ndarray.js';
import { asTensorVariable, type TensorLike } from '../asTensor.js';
import { cast, exp, mul, sub } from '../math.js';
import { sum } from '../reduce.js';
import { TensorVariable } from '../variable.js';

/** The storage index of every lane's first element along `axis` (the lanes in row-major order). */
function laneStarts(a: NDArray, axis: number): number[] {
  const drop = <T>(v: readonly T[]) => v.filter((_, k) => k !== axis);
  const starts: number[] = [];
  new NDArray(a.data, a.dtype, drop(a.shape), drop(a.strides), a.offset).forEachIndex((s) => starts.push(s));
  return starts;
}

/**
 * Runs `f(x0, xStep, o0, oStep)` for every lane of `x` along `axis`: where
 * the lane starts in x's and out's storage, and the step between its
 * elements (plain loops over the typed arrays, no per-element calls).
 */
function eachLane(x: NDArray, out: NDArray, axis: number, f: (x0: number, xStep: number, o0: number, oStep: number, lane: number) => void): void {
  const xStarts = laneStarts(x, axis);
  const oStarts = laneStarts(out, axis);
  const [xs, os] = [x.strides[axis]!, out.strides[axis]!];
  for (let k = 0; k < xStarts.length; k++) f(xStarts[k]!, xs, oStarts[k]!, os, k);
}

/**
 * What a lane is shifted by before exponentiating: its maximum, or 0 when
 * that is infinite (a lane of -inf gives 0/0 = NaN, one holding +inf gives
 * NaN too — numpy's and scipy's answers).
 */
function shiftOf(data: TypedArray, x0: number, step: number, n: number): number {
  let max = -Infinity;
  for (let i = 0, at = x0; i < n; i++, at += step) max = Math.max(max, data[at] as number);
  return Number.isFinite(max) ? max : 0;
}

abstract class LaneOp extends Op {
  override readonly props = ['axis'];
  constructor(readonly axis: number) {
    super();
  }

  override toString(): string {
    return `${this.name}{axis=${this.axis}}`;
  }

  override makeNode(x: Variable): Apply<this> {
    if (!(x instanceof TensorVariable) || !isFloat(x.dtype)) throw new TypeError(`${this.name.toLowerCase()} needs a float tensor, got ${x} (${x.type})`);
    if (this.axis >= x.ndim) throw new ShapeError(`${this.name.toLowerCase()}: axis ${this.axis} is out of range for ${x} (${x.type})`);
    return new Apply(this, [x], [x.type]);
  }

  override inferShape(_node: Apply, shapes: readonly SymbolicShape[]): SymbolicShape[] {
    return [shapes[0]!];
  }
}

export class Softmax extends LaneOp {
  override perform(_node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const x = inputs[0] as NDArray;
    const out = NDArray.empty(x.dtype, x.shape);
    const [xd, od] = [x.data, out.data];
    const n = x.shape[this.axis]!;
    const e = new Float64Array(n);
    eachLane(x, out, this.axis, (x0, xs, o0, os) => {
      const max = shiftOf(xd, x0, xs, n);
      let total = 0;
      for (let i = 0, at = x0; i < n; i++, at += xs) total += e[i] = fastExp((xd[at] as number) - max);
      for (let i = 0, at = o0; i < n; i++, at += os) od[at] = e[i]! / total;
    });
    outputs[0]!.value = out;
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    return [new SoftmaxGrad(this.axis).makeNode(gz!, node.outputs[0]!).outputs[0]!];
  }
}

/**
 * The gradient of softmax as one op, (g - Σ g·y)·y for y = softmax(x), so
 * the optimizer can recognise it: the gradient of log(softmax) — g/y coming
 * in — becomes g - y·Σ g, with no division by probabilities that underflow
 * to 0 (rewrite/nnet.ts).
 */
export class SoftmaxGrad extends Op {
  override readonly props = ['axis'];
  constructor(readonly axis: number) {
    super();
  }

  override toString(): string {
    return `SoftmaxGrad{axis=${this.axis}}`;
  }

  override makeNode(g: Variable, y: Variable): Apply<this> {
    if (!(g instanceof TensorVariable) || !(y instanceof TensorVariable) || g.ndim !== y.ndim) throw new TypeError(`SoftmaxGrad needs a gradient and a softmax output of one rank, got ${g.type} and ${y.type}`);
    return new Apply(this, [g, y], [y.type]);
  }

  override perform(_node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const [g, y] = inputs as [NDArray, NDArray];
    const gb = g.broadcastTo(y.shape);
    const out = NDArray.empty(y.dtype, y.shape);
    // One lane at a time: Σ g·y, then (g - Σ)·y; g read through a view of y's lane layout.
    const gStarts = laneStarts(gb, this.axis);
    const gs = gb.strides[this.axis]!;
    const [gd, yd, od] = [gb.data, y.data, out.data];
    const n = y.shape[this.axis]!;
    eachLane(y, out, this.axis, (y0, ys, o0, os, lane) => {
      const g0 = gStarts[lane]!;
      let dotted = 0;
      for (let i = 0; i < n; i++) dotted += (gd[g0 + i * gs] as number) * (yd[y0 + i * ys] as number);
      for (let i = 0; i < n; i++) od[o0 + i * os] = ((gd[g0 + i * gs] as number) - dotted) * (yd[y0 + i * ys] as number);
    });
    outputs[0]!.value = out;
  }

  override inferShape(_node: Apply, shapes: readonly SymbolicShape[]): SymbolicShape[] {
    return [shapes[1]!];
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    // d[(g - Σ g·y)·y]: w.r.t. g, (h - Σ h·y)·y = SoftmaxGrad(h, y); w.r.t. y, h·(g - Σ g·y) - g·Σ h·y.
    const [g, y] = node.inputs as [TensorVariable, TensorVariable];
    const h = gz as TensorVariable;
    const keep = { keepdims: true };
    const gy = sub(mul(h, sub(g, sum(mul(g, y), [this.axis], keep))), mul(g, sum(mul(h, y), [this.axis], keep)));
    return [this.makeNode(h, y).outputs[0]!, gy];
  }
}

export class LogSoftmax extends LaneOp {
  override perform(_node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const x = inputs[0] as NDArray;
    const out = NDArray.empty(x.dtype, x.shape);
    const [xd, od] = [x.data, out.data];
    const n = x.shape[this.axis]!;
    eachLane(x, out, this.axis, (x0, xs, o0, os) => {
      const max = shiftOf(xd, x0, xs, n);
      let total = 0;
      for (let i = 0, at = x0; i < n; i++, at += xs) total += fastExp((xd[at] as number) - max);
      const logTotal = Math.log(total);
      for (let i = 0; i < n; i++) od[o0 + i * os] = (xd[x0 + i * xs] as number) - max - logTotal;
    });
    outputs[0]!.value = out;
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const y = node.outputs[0] as TensorVariable;
    const g = gz as TensorVariable;
    return [sub(g, mul(exp(y), sum(g, [this.axis], { keepdims: true })))];
  }
}

function laneInput(x: TensorLike, axis: number, what: string): [TensorVariable, number] {
  let v = asTensorVariable(x);
  if (!isFloat(v.dtype)) v = cast(v, 'float64');
  const a = axis < 0 ? axis + v.ndim : axis;
  if (!Number.isInteger(a) || a < 0 || a >= v.ndim) throw new ShapeError(`${what}: axis ${axis} is out of range for a ${v.ndim}-d value`);
  return [v, a];
}

/** exp(x) / Σ exp(x) along `axis` (default the last), computed stably. */
export function softmax(x: TensorLike, axis = -1): TensorVariable {
  const [v, a] = laneInput(x, axis, 'softmax');
  return new Softmax(a).makeNode(v).outputs[0] as TensorVariable;
}

/** log(softmax(x)) along `axis`, computed stably as x - max - log Σ exp(x - max). */
export function logSoftmax(x: TensorLike, axis = -1): TensorVariable {
  const [v, a] = laneInput(x, axis, 'logSoftmax');
  return new LogSoftmax(a).makeNode(v).outputs[0] as TensorVariable;
}
