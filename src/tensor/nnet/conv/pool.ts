/**
 * 2-d pooling over the last two axes (Theano's `pool_2d`, its Pool op and
 * MaxPoolGrad / AveragePoolGrad, DownsampleFactorMaxGradGrad): max, sum, or the average including or
 * excluding padding, with Theano's window rules (ignoreBorder false keeps the
 * partial windows at the bottom and right edges).
 */
import { Apply } from '../../../graph/apply.js';
import { disconnected, type InputGradient } from '../../../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../../../graph/op.js';
import type { Variable } from '../../../graph/variable.js';
import { ShapeError, ValueError } from '../../../errors.js';
import { isFloat, storeConverter, type DType } from '../../../ndarray/dtype.js';
import { NDArray, shapeToString } from '../../../ndarray/ndarray.js';
import { asTensorVariable, type TensorLike } from '../../asTensor.js';
import { add, cast, intDiv, maximum, sub, zerosLike } from '../../math.js';
import { nodeError, reuseOrAllocate } from '../../runtime.js';
import { TensorType, type StaticDim } from '../../type.js';
import { TensorVariable } from '../../variable.js';

export type PoolMode = 'max' | 'sum' | 'average_inc_pad' | 'average_exc_pad';
const MODES: readonly PoolMode[] = ['max', 'sum', 'average_inc_pad', 'average_exc_pad'];

export interface Pool2dOptions {
  /** Window [rows, cols]. */
  ws: readonly [number, number];
  /** true (the default): only whole windows; false: partial windows at the edges too. */
  ignoreBorder?: boolean;
  /** Window steps [rows, cols]; default ws. */
  stride?: readonly [number, number];
  /** Zero padding [rows, cols] on each side (needs ignoreBorder); default [0, 0]. */
  pad?: readonly [number, number];
  /** 'max' (the default), 'sum', 'average_inc_pad' or 'average_exc_pad'. */
  mode?: PoolMode;
}

type Pair = readonly [number, number];

/** Theano's Pool.out_shape for one axis of length n (padding included). */
export function poolOutLength(n: number, ws: number, stride: number, pad: number, ignoreBorder: boolean): number {
  const r = n + 2 * pad;
  if (ignoreBorder) return ws === stride ? Math.floor(r / stride) : Math.max(0, Math.floor((r - ws) / stride) + 1);
  if (stride >= ws) return Math.floor((r - 1) / stride) + 1;
  return Math.max(0, Math.floor((r - 1 - ws + stride) / stride)) + 1;
}

/** What Pool2d and Pool2dGrad share: their props, window bounds and output sizes. */
abstract class PoolOp extends Op {
  override readonly props = ['ws', 'ignoreBorder', 'stride', 'pad', 'mode'];

  constructor(
    readonly ws: Pair,
    readonly ignoreBorder: boolean,
    readonly stride: Pair,
    readonly pad: Pair,
    readonly mode: PoolMode,
  ) {
    super();
  }

  protected get args(): [Pair, boolean, Pair, Pair, PoolMode] {
    return [this.ws, this.ignoreBorder, this.stride, this.pad, this.mode];
  }

  protected checkInput(who: string, v: Variable): TensorVariable {
    if (!(v instanceof TensorVariable) || v.ndim < 2) throw new ShapeError(`${who}: the input must be a tensor of at least 2 dimensions, got ${v} (${v.type})`);
    if (!isFloat(v.dtype)) throw new TypeError(`${who}: the input must be a float tensor, got ${v} (${v.type})`);
    return v;
  }

  protected outLength(n: number, axis: 0 | 1): number {
    return poolOutLength(n, this.ws[axis], this.stride[axis], this.pad[axis], this.ignoreBorder);
  }

  protected staticOutShape(x: TensorVariable): StaticDim[] {
    const s = x.type.shape;
    const d = s.length;
    return [...s.slice(0, -2), s[d - 2] === null ? null : this.outLength(s[d - 2]!, 0), s[d - 1] === null ? null : this.outLength(s[d - 1]!, 1)];
  }

  /** Pool.out_shape as an int64 graph. */
  protected symbolicOut(n: Variable, axis: 0 | 1): Variable {
    const [ws, st, pad] = [this.ws[axis], this.stride[axis], this.pad[axis]];
    const r = pad === 0 ? (n as TensorVariable) : add(n as TensorVariable, 2 * pad);
    let out: TensorVariable;
    if (this.ignoreBorder) out = ws === st ? intDiv(r, st) : maximum(add(intDiv(sub(r, ws), st), 1), 0);
    else if (st >= ws) out = add(intDiv(sub(r, 1), st), 1);
    else out = add(maximum(intDiv(sub(r, 1 + ws - st), st), 0), 1);
    return cast(out, 'int64');
  }

  /**
   * Visits every window of every (…, H, W) image in x (contiguous): `visit(img, o, r0, r1, c0, c1, count)`
   * with the output index o, the window's rows [r0, r1) and columns [c0, c1) in
   * input coordinates (clipped to the image) and the count an average divides by.
   */
  protected windows(shape: readonly number[], visit: (img: number, o: number, r0: number, r1: number, c0: number, c1: number, count: number) => void): [number, number] {
    const d = shape.length;
    const [H, W] = [shape[d - 2]!, shape[d - 1]!];
    const [Ho, Wo] = [this.outLength(H, 0), this.outLength(W, 1)];
    const images = shape.slice(0, -2).reduce((p, q) => p * q, 1);
    const [ph, pw] = this.pad;
    const [Hp, Wp] = [H + 2 * ph, W + 2 * pw];
    const incPad = this.mode === 'average_inc_pad';
    for (let img = 0; img < images; img++) {
      for (let r = 0; r < Ho; r++) {
        // In padded coordinates, as Theano's Pool.perform.
        const rs = r * this.stride[0];
        const re = Math.min(rs + this.ws[0], Hp);
        for (let c = 0; c < Wo; c++) {
          const cs = c * this.stride[1];
          const ce = Math.min(cs + this.ws[1], Wp);
          const count = incPad ? (re - rs) * (ce - cs) : (Math.min(re, H + ph) - Math.max(rs, ph)) * (Math.min(ce, W + pw) - Math.max(cs, pw));
          visit(img, (img * Ho + r) * Wo + c, Math.max(rs - ph, 0), Math.min(re - ph, H), Math.max(cs - pw, 0), Math.min(ce - pw, W), count);
        }
      }
    }
    return [Ho, Wo];
  }
}

/** The first maximum of a window (row-major), NaN winning as in numpy's max; -1 for an empty window. */
function argmaxOf(x: ArrayLike<number>, base: number, W: number, r0: number, r1: number, c0: number, c1: number): number {
  let best = -1;
  let bv = -Infinity;
  for (let i = r0; i < r1; i++) {
    for (let j = c0; j < c1; j++) {
      const k = base + i * W + j;
      const v = Number(x[k]);
      if (best === -1 || v > bv || Number.isNaN(v)) {
        best = k;
        bv = v;
        if (Number.isNaN(v)) return best;
      }
    }
  }
  return best;
}

/**
 * Calls `at(o, k)` for every output position o of max pooling without
 * padding, with k the flat index in x of its window's first maximum (NaN
 * winning, as argmaxOf), or -1 for an empty window. Windows start every
 * `stride` and are clipped to the image (Theano's ignoreBorder=false tail).
 */
function forEachMaximum(
  x: NDArray['data'], images: number, H: number, W: number, Ho: number, Wo: number,
  [wh, ww]: readonly [number, number], [sh, sw]: readonly [number, number],
  at: (o: number, k: number) => void,
): void {
  let o = 0;
  for (let img = 0; img < images; img++) {
    const base = img * H * W;
    for (let r = 0; r < Ho; r++) {
      const r0 = r * sh;
      const r1 = Math.min(r0 + wh, H);
      for (let c = 0; c < Wo; c++, o++) {
        const c0 = c * sw;
        const c1 = Math.min(c0 + ww, W);
        let best = -1;
        let bv = -Infinity;
        search: for (let i = r0; i < r1; i++) {
          for (let j = c0, k = base + i * W + c0; j < c1; j++, k++) {
            const v = x[k]!;
            if (v > bv || best === -1 || v !== v) {
              best = k;
              bv = v;
              if (v !== v) break search;
            }
          }
        }
        at(o, best);
      }
    }
  }
}

/** Theano's Pool: one value per window of the last two axes. */
export class Pool2d extends PoolOp {
  override makeNode(input: Variable): Apply<this> {
    const x = this.checkInput('pool2d', input);
    return new Apply(this, [x], [new TensorType(x.dtype, this.staticOutShape(x))]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const x = inputs[0] as NDArray;
    const xd = x.flatData() as ArrayLike<number>;
    const d = x.ndim;
    const [H, W] = [x.shape[d - 2]!, x.shape[d - 1]!];
    const shape = [...x.shape.slice(0, -2), this.outLength(H, 0), this.outLength(W, 1)];
    if (this.mode === 'max' && this.pad[0] === 0 && this.pad[1] === 0) {
      // Max pooling without padding (the common case): straight loops over the typed array, no per-window calls.
      const out = reuseOrAllocate(outputs[0]!, x.dtype, shape);
      const Ho = shape[d - 2]!;
      const Wo = shape[d - 1]!;
      const images = x.size / (H * W);
      const od = out.data;
      forEachMaximum(xd as NDArray['data'], images, H, W, Ho, Wo, this.ws, this.stride, (o, k) => (od[o] = k < 0 ? 0 : xd[k]!));
      outputs[0]!.value = out;
      return;
    }
    const acc = new Float64Array(shape.reduce((p, q) => p * q, 1));
    const max = this.mode === 'max';
    const average = this.mode.startsWith('average');
    this.windows(x.shape, (img, o, r0, r1, c0, c1, count) => {
      const base = img * H * W;
      if (max) {
        const k = argmaxOf(xd, base, W, r0, r1, c0, c1);
        acc[o] = k < 0 ? 0 : Number(xd[k]);
        return;
      }
      let s = 0;
      for (let i = r0; i < r1; i++) for (let j = c0; j < c1; j++) s += Number(xd[base + i * W + j]);
      acc[o] = average ? s / count : s;
    });
    const out = reuseOrAllocate(outputs[0]!, x.dtype, shape);
    const convert = storeConverter(x.dtype);
    for (let i = 0; i < out.size; i++) out.data[i] = convert(acc[i]!);
    outputs[0]!.value = out;
  }

  override inferShape(_node: Apply, [s]: readonly SymbolicShape[]): SymbolicShape[] {
    const d = s!.length;
    return [[...s!.slice(0, -2), this.symbolicOut(s![d - 2]!, 0), this.symbolicOut(s![d - 1]!, 1)]];
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    return [new Pool2dGrad(...this.args).apply1(node.inputs[0]!, gz!)];
  }
}

/**
 * Theano's MaxPoolGrad / AveragePoolGrad: the input gradient of Pool2d from
 * the input and the output gradient. Max sends each window's gradient to the
 * window's first maximum (Theano's MaxPoolGrad sends it to every tie); sum
 * and the averages spread it over the window.
 */
export class Pool2dGrad extends PoolOp {
  override makeNode(input: Variable, outputGrad: Variable): Apply<this> {
    const x = this.checkInput('pool2dGrad', input);
    const gz = asTensorVariable(outputGrad as TensorVariable);
    if (gz.ndim !== x.ndim) throw new ShapeError(`pool2dGrad: the output gradient ${gz.type.shapeString()} and the input ${x.type.shapeString()} differ in rank`);
    return new Apply(this, [x, gz], [x.type]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const [x, gz] = inputs as [NDArray, NDArray];
    const d = x.ndim;
    const [H, W] = [x.shape[d - 2]!, x.shape[d - 1]!];
    const want = [...x.shape.slice(0, -2), this.outLength(H, 0), this.outLength(W, 1)];
    if (!gz.shape.every((n, i) => n === want[i])) throw nodeError(node, `the output gradient is ${shapeToString(gz.shape)}; pooling input ${shapeToString(x.shape)} gives ${shapeToString(want)}`);
    const xd = x.flatData() as ArrayLike<number>;
    const gd = gz.flatData() as ArrayLike<number>;
    const apart = this.stride[0] >= this.ws[0] && this.stride[1] >= this.ws[1];
    if (this.mode === 'max' && this.pad[0] === 0 && this.pad[1] === 0 && apart) {
      // Windows that do not overlap: each input element receives at most one gradient.
      const out = reuseOrAllocate(outputs[0]!, x.dtype as DType, x.shape);
      const od = out.data;
      od.fill(0);
      forEachMaximum(xd as NDArray['data'], x.size / (H * W), H, W, want[d - 2]!, want[d - 1]!, this.ws, this.stride, (o, k) => {
        if (k >= 0) od[k] = od[k]! + gd[o]!;
      });
      outputs[0]!.value = out;
      return;
    }
    const dx = new Float64Array(x.size);
    const max = this.mode === 'max';
    const average = this.mode.startsWith('average');
    this.windows(x.shape, (img, o, r0, r1, c0, c1, count) => {
      const base = img * H * W;
      const g = Number(gd[o]);
      if (max) {
        const k = argmaxOf(xd, base, W, r0, r1, c0, c1);
        if (k >= 0) dx[k] += g;
        return;
      }
      const share = average ? g / count : g;
      for (let i = r0; i < r1; i++) for (let j = c0; j < c1; j++) dx[base + i * W + j] += share;
    });
    const out = reuseOrAllocate(outputs[0]!, x.dtype as DType, x.shape);
    const convert = storeConverter(x.dtype);
    for (let i = 0; i < dx.length; i++) out.data[i] = convert(dx[i]!);
    outputs[0]!.value = out;
  }

  override inferShape(_node: Apply, [s]: readonly SymbolicShape[]): SymbolicShape[] {
    return [s!];
  }

  /**
   * Linear in the output gradient: sum and average pooling are linear, so the
   * adjoint of their gradient is the pooling itself; for max it gathers at
   * each window's maximum. The positions of the maxima move with x only in
   * jumps, so the x-gradient is zero (as Theano's).
   */
  override grad(node: Apply, [G]: readonly Variable[]): InputGradient[] {
    const x = node.inputs[0]!;
    if (this.mode !== 'max') return [disconnected, new Pool2d(...this.args).apply1(G!)];
    return [zerosLike(x as TensorVariable), new MaxPool2dGradGrad(...this.args).apply1(x, G!)];
  }
}

/**
 * Theano's DownsampleFactorMaxGradGrad: the gradient of max pooling's
 * gradient with respect to the output gradient, which takes from an
 * input-shaped gradient the entry at each window's first maximum.
 */
export class MaxPool2dGradGrad extends PoolOp {
  override makeNode(input: Variable, inputGrad: Variable): Apply<this> {
    const x = this.checkInput('maxPool2dGradGrad', input);
    const g = asTensorVariable(inputGrad as TensorVariable);
    if (g.ndim !== x.ndim) throw new ShapeError(`maxPool2dGradGrad: the gradient ${g.type.shapeString()} and the input ${x.type.shapeString()} differ in rank`);
    return new Apply(this, [x, g], [new TensorType(x.dtype, this.staticOutShape(x))]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const [x, g] = inputs as [NDArray, NDArray];
    if (!g.shape.every((n, i) => n === x.shape[i])) throw nodeError(node, `the gradient is ${shapeToString(g.shape)} but the input is ${shapeToString(x.shape)}`);
    const d = x.ndim;
    const [H, W] = [x.shape[d - 2]!, x.shape[d - 1]!];
    const xd = x.flatData() as ArrayLike<number>;
    const gd = g.flatData() as ArrayLike<number>;
    const shape = [...x.shape.slice(0, -2), this.outLength(H, 0), this.outLength(W, 1)];
    const out = reuseOrAllocate(outputs[0]!, x.dtype, shape);
    const convert = storeConverter(x.dtype);
    this.windows(x.shape, (img, o, r0, r1, c0, c1) => {
      const k = argmaxOf(xd, img * H * W, W, r0, r1, c0, c1);
      out.data[o] = convert(k < 0 ? 0 : Number(gd[k]));
    });
    outputs[0]!.value = out;
  }

  override inferShape(_node: Apply, [s]: readonly SymbolicShape[]): SymbolicShape[] {
    const d = s!.length;
    return [[...s!.slice(0, -2), this.symbolicOut(s![d - 2]!, 0), this.symbolicOut(s![d - 1]!, 1)]];
  }

  /** Linear in the gradient, whose adjoint is max pooling's gradient; zero in x. */
  override grad(node: Apply, [G]: readonly Variable[]): InputGradient[] {
    const x = node.inputs[0]!;
    return [zerosLike(x as TensorVariable), new Pool2dGrad(...this.args).apply1(x, G!)];
  }
}

function checkPair(what: string, v: unknown, min: number): Pair {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((e) => Number.isInteger(e) && e >= min)) {
    throw new ValueError(`pool2d: ${what} must be two integers >= ${min}, got ${JSON.stringify(v)}`);
  }
  return [v[0], v[1]] as Pair;
}

/**
 * Pooling over the last two axes (Theano's `pool_2d`): windows `ws`, steps
 * `stride` (default ws), zero padding `pad` (needs ignoreBorder, smaller
 * than the window), mode max / sum / average_inc_pad / average_exc_pad.
 */
export function pool2d(input: TensorLike, options: Pool2dOptions): TensorVariable {
  if (options === undefined || options.ws === undefined) throw new ValueError('pool2d: the window size ws is required');
  const ws = checkPair('ws', options.ws, 1);
  const stride = checkPair('stride', options.stride ?? ws, 1);
  const pad = checkPair('pad', options.pad ?? [0, 0], 0);
  const ignoreBorder = options.ignoreBorder ?? true;
  if (typeof ignoreBorder !== 'boolean') throw new ValueError(`pool2d: ignoreBorder must be true or false, got ${JSON.stringify(ignoreBorder)}`);
  const mode = options.mode ?? 'max';
  if (!MODES.includes(mode)) throw new ValueError(`pool2d: mode must be one of ${MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  if ((pad[0] > 0 || pad[1] > 0) && !ignoreBorder) throw new ValueError('pool2d: padding works only with ignoreBorder true');
  if (pad[0] >= ws[0] || pad[1] >= ws[1]) throw new ValueError(`pool2d: padding [${pad.join(', ')}] must be smaller than the window [${ws.join(', ')}]`);
  return new Pool2d(ws, ignoreBorder, stride, pad, mode).apply1(asTensorVariable(input)) as TensorVariable;
}
