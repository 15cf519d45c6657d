/**
 * 2-d convolution in NCHW layout (Theano's `nnet.conv2d`, its
 * AbstractConv2d and the _gradInputs / _gradWeights ops): input (N, C, H, W)
 * with filters (F, C/groups, kh, kw) gives (N, F, H', W'). Each op runs as
 * im2col + one matrix product per sample and group (`matmulInto`). The three
 * ops are one bilinear form read three ways, so each one's gradient is made
 * of the other two.
 */
import { Apply } from '../../../graph/apply.js';
import type { InputGradient } from '../../../graph/gradientTerms.js';
import { disconnected } from '../../../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../../../graph/op.js';
import type { Variable } from '../../../graph/variable.js';
import { ShapeError, ValueError } from '../../../errors.js';
import { isFloat, resultType, storeConverter, type DType } from '../../../ndarray/dtype.js';
import { NDArray, shapeToString } from '../../../ndarray/ndarray.js';
import { asTensorVariable, constant, type TensorLike } from '../../asTensor.js';
import { matmulInto } from '../../dot.js';
import { add, cast, intDiv, mul, sub } from '../../math.js';
import { nodeError, reuseOrAllocate } from '../../runtime.js';
import { shapeI } from '../../shape.js';
import { TensorType, type StaticDim } from '../../type.js';
import { TensorConstant, TensorVariable } from '../../variable.js';
import { ScratchArrays } from '../../../wasm/arrays.js';
import { col2im, convOutLength, correlationKernels, dilatedLength, im2col, padFor, type BorderMode, type ConvGeometry } from './im2col.js';

export type { BorderMode } from './im2col.js';

export interface Conv2dOptions {
  /** 'valid' (no padding, the default), 'full' (dilated k - 1), 'half' (floor(dilated k / 2)), [rows, cols] or one number for both. */
  borderMode?: BorderMode | number;
  /** Strides [rows, cols] (Theano's `subsample`); default [1, 1]. */
  subsample?: readonly [number, number];
  /** Kernel dilation [rows, cols]; default [1, 1]. */
  filterDilation?: readonly [number, number];
  /** Channel groups: input channels and filters split into this many independent convolutions; default 1. */
  numGroups?: number;
  /** true (the default): a true convolution (kernels flipped); false: cross-correlation. */
  filterFlip?: boolean;
}

type Pair = readonly [number, number];

function checkPair(what: string, v: unknown, min: number): Pair {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((e) => Number.isInteger(e) && e >= min)) {
    throw new ValueError(`conv2d: ${what} must be two integers >= ${min}, got ${JSON.stringify(v)}`);
  }
  return [v[0], v[1]] as Pair;
}

/** The options, checked and with their defaults. */
function normalizeOptions(o: Conv2dOptions): [BorderMode, Pair, Pair, number, boolean] {
  let mode: BorderMode;
  const b = o.borderMode ?? 'valid';
  if (b === 'valid' || b === 'full' || b === 'half') mode = b;
  else if (typeof b === 'number') mode = checkPair('borderMode', [b, b], 0);
  else if (Array.isArray(b)) mode = checkPair('borderMode', b, 0);
  else throw new ValueError(`conv2d: borderMode must be 'valid', 'full', 'half', a number or [rows, cols], got ${JSON.stringify(b)}`);
  const groups = o.numGroups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(`conv2d: numGroups must be a positive integer, got ${JSON.stringify(groups)}`);
  const flip = o.filterFlip ?? true;
  if (typeof flip !== 'boolean') throw new ValueError(`conv2d: filterFlip must be true or false, got ${JSON.stringify(flip)}`);
  return [mode, checkPair('subsample', o.subsample ?? [1, 1], 1), checkPair('filterDilation', o.filterDilation ?? [1, 1], 1), groups, flip];
}

function checkFloat4d(who: string, what: string, v: Variable): TensorVariable {
  if (!(v instanceof TensorVariable) || v.ndim !== 4) throw new ShapeError(`${who}: ${what} must be a 4-d tensor, got ${v} (${v.type})`);
  if (!isFloat(v.dtype)) throw new TypeError(`${who}: ${what} must be a float tensor, got ${v} (${v.type})`);
  return v;
}

function intScalar(v: TensorLike): TensorVariable {
  const t = asTensorVariable(v);
  if (t.ndim !== 0) throw new ShapeError(`conv2d: a spatial size must be a scalar, got ${t} (${t.type})`);
  return t.dtype === 'int64' ? t : cast(t, 'int64');
}

function checkSize(who: string, what: string, v: Variable): void {
  if (!(v instanceof TensorVariable) || v.ndim !== 0 || v.dtype !== 'int64') throw new TypeError(`${who}: the ${what} must be an int64 scalar, got ${v} (${v.type})`);
}

const constantValue = (v: Variable): number | null => (v instanceof TensorConstant ? Number(v.data) : null);

/** What the three conv ops share: their props and the geometry they imply. */
abstract class ConvOp extends Op {
  override readonly props = ['borderMode', 'subsample', 'filterDilation', 'numGroups', 'filterFlip'];

  constructor(
    readonly borderMode: BorderMode,
    readonly subsample: Pair,
    readonly filterDilation: Pair,
    readonly numGroups: number,
    readonly filterFlip: boolean,
  ) {
    super();
  }

  protected get args(): [BorderMode, Pair, Pair, number, boolean] {
    return [this.borderMode, this.subsample, this.filterDilation, this.numGroups, this.filterFlip];
  }

  protected conv(x: Variable, w: Variable): TensorVariable {
    return new Conv2d(...this.args).apply1(x, w) as TensorVariable;
  }

  protected gradInputs(w: Variable, gz: Variable, h: TensorLike, wi: TensorLike): TensorVariable {
    return new Conv2dGradInputs(...this.args).apply1(w, gz, intScalar(h), intScalar(wi)) as TensorVariable;
  }

  protected gradWeights(x: Variable, gz: Variable, kh: TensorLike, kw: TensorLike): TensorVariable {
    return new Conv2dGradWeights(...this.args).apply1(x, gz, intScalar(kh), intScalar(kw)) as TensorVariable;
  }

  /** An input length from an output length is ambiguous with strides, so gradients carry it: static when known. */
  protected static lengthOf(x: TensorVariable, axis: number): TensorVariable {
    const d = x.type.shape[axis];
    return d !== null && d !== undefined ? constant(d, null, 'int64') : shapeI(x, axis);
  }

  /** The static output length of one spatial axis (null when unknown); throws when the kernel does not fit. */
  protected staticOut(who: string, n: StaticDim, k: StaticDim, axis: 0 | 1, shapes: () => string): StaticDim {
    if (n === null || k === null) return null;
    const dk = dilatedLength(k, this.filterDilation[axis]);
    const out = convOutLength(n, padFor(this.borderMode, axis, dk), dk, this.subsample[axis]);
    if (out < 1) throw new ShapeError(`${who}: the ${axis === 0 ? 'rows' : 'columns'} of the (dilated) kernel (${dk}) exceed the padded input (${n + 2 * padFor(this.borderMode, axis, dk)}); ${shapes()}`);
    return out;
  }

  /** The output length of one spatial axis as an int64 graph: (n + 2p - dk) // s + 1. */
  protected symbolicOut(n: Variable, k: Variable, axis: 0 | 1): Variable {
    const d = this.filterDilation[axis];
    const dk = d === 1 ? (k as TensorVariable) : add(mul(sub(k as TensorVariable, 1), d), 1);
    const mode = this.borderMode;
    const twoPad = mode === 'valid' ? 0 : mode === 'full' ? mul(sub(dk, 1), 2) : mode === 'half' ? mul(intDiv(dk, 2), 2) : 2 * mode[axis];
    return cast(add(intDiv(sub(add(n as TensorVariable, twoPad), dk), this.subsample[axis]), 1), 'int64');
  }

  /** The geometry for one group's channels; throws a node error when the kernel does not fit. */
  protected geometry(node: Apply, C: number, H: number, W: number, kh: number, kw: number): ConvGeometry {
    const [dh, dw] = this.filterDilation;
    const [sh, sw] = this.subsample;
    const [dkh, dkw] = [dilatedLength(kh, dh), dilatedLength(kw, dw)];
    const [ph, pw] = [padFor(this.borderMode, 0, dkh), padFor(this.borderMode, 1, dkw)];
    const [Ho, Wo] = [convOutLength(H, ph, dkh, sh), convOutLength(W, pw, dkw, sw)];
    if (Ho < 1 || Wo < 1) throw nodeError(node, `the (dilated) kernel ${dkh}×${dkw} exceeds the padded input ${H + 2 * ph}×${W + 2 * pw}`);
    return { C, H, W, kh, kw, ph, pw, sh, sw, dh, dw, Ho, Wo };
  }

  /** What is wrong with input channels C against F filters of Cg channels for this many groups (null: nothing). */
  protected channelProblem(C: StaticDim, F: StaticDim, Cg: StaticDim, shapes: () => string): string | null {
    const G = this.numGroups;
    if (C !== null && Cg !== null && C !== Cg * G) return `input has ${C} channels but the filters expect ${Cg}${G > 1 ? ` per group × ${G} groups` : ''}; ${shapes()}`;
    if (C !== null && C % G !== 0) return `${C} input channels do not split into ${G} groups; ${shapes()}`;
    if (F !== null && F % G !== 0) return `${F} filters do not split into ${G} groups; ${shapes()}`;
    return null;
  }
}

const twoShapes = (a: string, x: string, b: string, y: string) => () => `${a} ${x}, ${b} ${y}`;

/** Theano's AbstractConv2d: input (N, C, H, W) ⊛ filters (F, C/groups, kh, kw) → (N, F, H', W'). */
export class Conv2d extends ConvOp {
  override makeNode(input: Variable, filters: Variable): Apply<this> {
    const x = checkFloat4d('conv2d', 'input', input);
    const w = checkFloat4d('conv2d', 'filters', filters);
    const shapes = twoShapes('input', x.type.shapeString(), 'filters', w.type.shapeString());
    const [N, C, H, W] = x.type.shape as StaticDim[];
    const [F, Cg, kh, kw] = w.type.shape as StaticDim[];
    const problem = this.channelProblem(C!, F!, Cg!, shapes);
    if (problem !== null) throw new ShapeError(`conv2d: ${problem}`);
    const Ho = this.staticOut('conv2d', H!, kh!, 0, shapes);
    const Wo = this.staticOut('conv2d', W!, kw!, 1, shapes);
    return new Apply(this, [x, w], [new TensorType(resultType(x.dtype, w.dtype), [N!, F!, Ho, Wo])]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const [x, w] = inputs as [NDArray, NDArray];
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const [F, Cg, kh, kw] = w.shape as [number, number, number, number];
    const problem = this.channelProblem(C, F, Cg, twoShapes('input', shapeToString(x.shape), 'filters', shapeToString(w.shape)));
    if (problem !== null) throw nodeError(node, problem);
    const G = this.numGroups;
    const Fg = F / G;
    const g = this.geometry(node, Cg, H, W, kh, kw);
    const [P, K] = [g.Ho * g.Wo, Cg * kh * kw];
    const dtype = (node.outputs[0]!.type as TensorType).dtype;
    const out = reuseOrAllocate(outputs[0]!, dtype, [N, F, g.Ho, g.Wo]);
    const xd = x.flatData();
    const work = workDtype(dtype);
    const scratch = new ScratchArrays();
    try {
      const kernels = correlationKernels(w.flatData(), F, Cg, kh, kw, this.filterFlip, scratch.alloc(work, F * K));
      // Several samples per product: their patches side by side (K × S·P), one GEMM per group.
      const S = samplesPerProduct(N, K * P);
      const col = scratch.alloc(work, K * S * P);
      const prod = scratch.alloc(work, Fg * S * P);
      for (let n0 = 0; n0 < N; n0 += S) {
        const s = Math.min(S, N - n0);
        const cols = new NDArray(col, work, [K, s * P], [s * P, 1]);
        for (let gi = 0; gi < G; gi++) {
          for (let n = 0; n < s; n++) im2col(col, s * P, 1, n * P, xd, ((n0 + n) * C + gi * Cg) * H * W, g);
          const A = new NDArray(kernels, work, [Fg, K], [K, 1], gi * Fg * K);
          const target = work === dtype ? prod : new Float64Array(Fg * s * P);
          matmulInto(target, A, cols, Fg, K, s * P, work);
          // (filter, sample·P + p) → out[sample, filter, p]
          const convert = storeConverter(dtype);
          for (let n = 0; n < s; n++) {
            for (let f = 0; f < Fg; f++) {
              const src = f * s * P + n * P;
              const dst = ((n0 + n) * F + gi * Fg + f) * P;
              if (work === dtype) out.data.set(target.subarray(src, src + P), dst);
              else for (let p = 0; p < P; p++) out.data[dst + p] = convert(target[src + p]!);
            }
          }
        }
      }
    } finally {
      scratch.release();
    }
    outputs[0]!.value = out;
  }

  override inferShape(_node: Apply, [xs, ws]: readonly SymbolicShape[]): SymbolicShape[] {
    return [[xs![0]!, ws![0]!, this.symbolicOut(xs![2]!, ws![2]!, 0), this.symbolicOut(xs![3]!, ws![3]!, 1)]];
  }

  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const [x, w] = node.inputs as [TensorVariable, TensorVariable];
    const like = (v: TensorVariable, of: TensorVariable) => (v.dtype === of.dtype ? v : cast(v, of.dtype));
    const dx = this.gradInputs(w, gz!, ConvOp.lengthOf(x, 2), ConvOp.lengthOf(x, 3));
    const dw = this.gradWeights(x, gz!, ConvOp.lengthOf(w, 2), ConvOp.lengthOf(w, 3));
    return [like(dx, x), like(dw, w)];
  }
}

/**
 * Theano's AbstractConv2d_gradInputs: the gradient of conv2d with respect to
 * its input, from the filters, the output gradient and the input's spatial
 * size (H, W), which strides make ambiguous.
 */
export class Conv2dGradInputs extends ConvOp {
  override makeNode(filters: Variable, outputGrad: Variable, height: Variable, width: Variable): Apply<this> {
    const w = checkFloat4d('conv2dGradInputs', 'filters', filters);
    const gz = checkFloat4d('conv2dGradInputs', 'output gradient', outputGrad);
    const [F, Cg] = w.type.shape as StaticDim[];
    const [N, Fz] = gz.type.shape as StaticDim[];
    if (F !== null && Fz !== null && F !== Fz) throw new ShapeError(`conv2dGradInputs: ${F} filters but an output gradient of ${Fz} channels; filters ${w.type.shapeString()}, output gradient ${gz.type.shapeString()}`);
    checkSize('conv2dGradInputs', 'input height', height);
    checkSize('conv2dGradInputs', 'input width', width);
    const [H, W] = [constantValue(height), constantValue(width)];
    const C = Cg !== null ? Cg * this.numGroups : null;
    return new Apply(this, [w, gz, height, width], [new TensorType(resultType(w.dtype, gz.dtype), [N!, C, H, W])]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const [w, gz] = inputs as [NDArray, NDArray];
    const [H, W] = [Number(inputs[2]), Number(inputs[3])];
    const [F, Cg, kh, kw] = w.shape as [number, number, number, number];
    const N = gz.shape[0]!;
    const G = this.numGroups;
    const C = Cg * G;
    if (F % G !== 0) throw nodeError(node, `${F} filters do not split into ${G} groups`);
    const Fg = F / G;
    const g = this.geometry(node, Cg, H, W, kh, kw);
    const want = [N, F, g.Ho, g.Wo];
    if (!gz.shape.every((d, i) => d === want[i])) {
      throw nodeError(node, `the output gradient is ${shapeToString(gz.shape)}, but filters ${shapeToString(w.shape)} on a ${H}×${W} input give ${shapeToString(want)}`);
    }
    const [P, K] = [g.Ho * g.Wo, Cg * kh * kw];
    const work = workDtype((node.outputs[0]!.type as TensorType).dtype);
    const gzd = gz.flatData();
    const dx = new Float64Array(N * C * H * W);
    const scratch = new ScratchArrays();
    try {
      const kernels = correlationKernels(w.flatData(), F, Cg, kh, kw, this.filterFlip, scratch.alloc(work, F * K));
      // Several samples per product: dcol (K × S·P) = kernelsᵀ (K×Fg) @ gz gathered as Fg × S·P.
      const S = samplesPerProduct(N, K * P);
      const dcol = scratch.alloc(work, K * S * P);
      const gzs = scratch.alloc(work, Fg * S * P);
      for (let n0 = 0; n0 < N; n0 += S) {
        const s = Math.min(S, N - n0);
        for (let gi = 0; gi < G; gi++) {
          for (let n = 0; n < s; n++) {
            for (let f = 0; f < Fg; f++) {
              const src = ((n0 + n) * F + gi * Fg + f) * P;
              const dst = f * s * P + n * P;
              for (let p = 0; p < P; p++) gzs[dst + p] = Number(gzd[src + p]);
            }
          }
          const A = new NDArray(kernels, work, [K, Fg], [1, K], gi * Fg * K);
          const B = new NDArray(gzs, work, [Fg, s * P], [s * P, 1]);
          matmulInto(dcol, A, B, K, Fg, s * P, work);
          for (let n = 0; n < s; n++) col2im(dx, ((n0 + n) * C + gi * Cg) * H * W, dcol.subarray(n * P), s * P, g);
        }
      }
    } finally {
      scratch.release();
    }
    outputs[0]!.value = fromFloat64(outputs[0]!, (node.outputs[0]!.type as TensorType).dtype, [N, C, H, W], dx);
  }

  override inferShape(node: Apply, [ws, gs]: readonly SymbolicShape[]): SymbolicShape[] {
    const C = this.numGroups === 1 ? ws![1]! : cast(mul(ws![1]! as TensorVariable, this.numGroups), 'int64');
    return [[gs![0]!, C, node.inputs[2]!, node.inputs[3]!]];
  }

  /** Linear in the filters and the output gradient: d/dgz = conv2d(G, w), d/dw = gradWeights(G, gz). */
  override grad(node: Apply, [G]: readonly Variable[]): InputGradient[] {
    const [w, gz] = node.inputs as [TensorVariable, TensorVariable];
    return [this.gradWeights(G!, gz, ConvOp.lengthOf(w, 2), ConvOp.lengthOf(w, 3)), this.conv(G!, w), disconnected, disconnected];
  }
}

/**
 * Theano's AbstractConv2d_gradWeights: the gradient of conv2d with respect
 * to its filters, from the input, the output gradient and the kernel size.
 */
export class Conv2dGradWeights extends ConvOp {
  override makeNode(input: Variable, outputGrad: Variable, kernelRows: Variable, kernelCols: Variable): Apply<this> {
    const x = checkFloat4d('conv2dGradWeights', 'input', input);
    const gz = checkFloat4d('conv2dGradWeights', 'output gradient', outputGrad);
    const [Nx, C] = x.type.shape as StaticDim[];
    const [Nz, F] = gz.type.shape as StaticDim[];
    if (Nx !== null && Nz !== null && Nx !== Nz) throw new ShapeError(`conv2dGradWeights: batch sizes differ; input ${x.type.shapeString()}, output gradient ${gz.type.shapeString()}`);
    const problem = this.channelProblem(C!, F!, null, twoShapes('input', x.type.shapeString(), 'output gradient', gz.type.shapeString()));
    if (problem !== null) throw new ShapeError(`conv2dGradWeights: ${problem}`);
    checkSize('conv2dGradWeights', 'kernel rows', kernelRows);
    checkSize('conv2dGradWeights', 'kernel columns', kernelCols);
    const Cg = C !== null ? C / this.numGroups : null;
    return new Apply(this, [x, gz, kernelRows, kernelCols], [new TensorType(resultType(x.dtype, gz.dtype), [F!, Cg, constantValue(kernelRows), constantValue(kernelCols)])]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const [x, gz] = inputs as [NDArray, NDArray];
    const [kh, kw] = [Number(inputs[2]), Number(inputs[3])];
    const [N, C, H, W] = x.shape as [number, number, number, number];
    const F = gz.shape[1]!;
    const G = this.numGroups;
    if (C % G !== 0 || F % G !== 0) throw nodeError(node, `input ${shapeToString(x.shape)} and output gradient ${shapeToString(gz.shape)} do not split into ${G} groups`);
    const [Cg, Fg] = [C / G, F / G];
    const g = this.geometry(node, Cg, H, W, kh, kw);
    const want = [N, F, g.Ho, g.Wo];
    if (!gz.shape.every((d, i) => d === want[i])) {
      throw nodeError(node, `the output gradient is ${shapeToString(gz.shape)}, but ${kh}×${kw} kernels on input ${shapeToString(x.shape)} give ${shapeToString(want)}`);
    }
    const [P, K, NP] = [g.Ho * g.Wo, Cg * kh * kw, N * g.Ho * g.Wo];
    const xd = x.flatData();
    const gzd = gz.flatData();
    const dtype = (node.outputs[0]!.type as TensorType).dtype;
    const work = workDtype(dtype);
    const scratch = new ScratchArrays();
    let dw: Float64Array;
    try {
      const colT = scratch.alloc(work, NP * K); // im2col of every sample, transposed: (N·P)×K
      const gzg = scratch.alloc(work, Fg * NP); // this group's output gradient as Fg×(N·P)
      const dk = scratch.alloc(work, F * K);
      for (let gi = 0; gi < G; gi++) {
        for (let n = 0; n < N; n++) {
          im2col(colT, 1, K, n * P, xd, (n * C + gi * Cg) * H * W, g);
          for (let f = 0; f < Fg; f++) {
            const src = (n * F + gi * Fg + f) * P;
            for (let p = 0; p < P; p++) gzg[f * NP + n * P + p] = Number(gzd[src + p]);
          }
        }
        const A = new NDArray(gzg, work, [Fg, NP]);
        const B = new NDArray(colT, work, [NP, K]);
        matmulInto(dk.subarray(gi * Fg * K, (gi + 1) * Fg * K), A, B, Fg, NP, K, work);
      }
      // The gradient of the correlation kernels, flipped back for a true convolution.
      dw = correlationKernels(dk, F, Cg, kh, kw, this.filterFlip);
    } finally {
      scratch.release();
    }
    outputs[0]!.value = fromFloat64(outputs[0]!, dtype, [F, Cg, kh, kw], dw);
  }

  override inferShape(node: Apply, [xs, gs]: readonly SymbolicShape[]): SymbolicShape[] {
    const Cg = this.numGroups === 1 ? xs![1]! : cast(intDiv(xs![1]! as TensorVariable, this.numGroups), 'int64');
    return [[gs![1]!, Cg, node.inputs[2]!, node.inputs[3]!]];
  }

  /** Linear in the input and the output gradient: d/dgz = conv2d(x, G), d/dx = gradInputs(G, gz). */
  override grad(node: Apply, [G]: readonly Variable[]): InputGradient[] {
    const [x, gz] = node.inputs as [TensorVariable, TensorVariable];
    return [this.gradInputs(G!, gz, ConvOp.lengthOf(x, 2), ConvOp.lengthOf(x, 3)), this.conv(x, G!), disconnected, disconnected];
  }
}

/** Samples whose patches go into one product: enough to make it large, few enough to bound the buffers (~4M entries). */
function samplesPerProduct(N: number, perSample: number): number {
  return Math.max(1, Math.min(N, Math.floor(4_000_000 / Math.max(1, perSample))));
}

/**
 * The dtype products run in: the result's float dtype (float32 sums in
 * float32, as BLAS and numpy), float64 for integer convolutions.
 */
function workDtype(dtype: DType): 'float32' | 'float64' {
  return dtype === 'float32' ? 'float32' : 'float64';
}

function fromFloat64(cell: OutputCell, dtype: DType, shape: readonly number[], values: Float64Array): NDArray {
  const out = reuseOrAllocate(cell, dtype, shape);
  const convert = storeConverter(dtype);
  for (let i = 0; i < values.length; i++) out.data[i] = convert(values[i]!);
  return out;
}

/**
 * 2-d convolution of a batch of images (Theano's `nnet.conv2d`): input
 * (N, C, H, W), filters (F, C/numGroups, kh, kw) → (N, F, H', W') with
 * H' = floor((H + 2·pad - dilated kh) / stride) + 1. `filterFlip` true (the
 * default) flips the kernels (a true convolution); false correlates.
 */
export function conv2d(input: TensorLike, filters: TensorLike, options: Conv2dOptions = {}): TensorVariable {
  return new Conv2d(...normalizeOptions(options)).apply1(asTensorVariable(input), asTensorVariable(filters)) as TensorVariable;
}
