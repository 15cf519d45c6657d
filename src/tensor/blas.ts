/**
 * BLAS-style ops: Gemm (Z ← α·X·Y + β·Z), Gemv (y ← α·A·x + β·y) and Ger
 * (A ← A + α·x·yᵀ). Users rarely build them: the specialisation rewrites
 * (`rewrite/blas.ts`) turn `dot` plus a scaled add into them, so a product
 * and its accumulation are one pass with no temporary array.
 *
 * Each has an in-place variant (`inplace`, destroyMap {0: [0]}: the result
 * is written over Z, y or A), chosen by the in-place rewrite — a weight
 * update `W ← W - lr·Xᵀ·G` then needs no new matrix per step. As in BLAS, a
 * β of 0 means Z (or y) is not read at all, so NaN or Inf in it does not
 * reach the result.
 *
 * Numerics: products accumulate in doubles in the same order as `Dot`, the
 * sum is rounded to the output dtype, then scaled and added with the
 * rounding the separate elementwise ops would apply — so a rewritten graph
 * gives exactly the values of the graph it replaced when each term has at
 * most one scale factor (several factors are multiplied together first).
 */
import { productInto } from './matvec.js';
import { withScratch } from '../wasm/arrays.js';
import { wasmScaleAdd } from '../wasm/blas.js';
import { Apply } from '../graph/apply.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import type { InputGradient } from '../graph/gradientTerms.js';
import { NDArray, shapeToString } from '../ndarray/ndarray.js';
import type { DType } from '../ndarray/dtype.js';
import { DTypeError, ShapeError } from '../errors.js';
import { TensorType, type StaticDim } from './type.js';
import { TensorVariable } from './variable.js';
import { asTensorVariables, type TensorLike } from './asTensor.js';
import { nodeError, reuseOrAllocate } from './runtime.js';
import { dimshuffle } from './dimshuffle.js';
import { dot } from './dot.js';
import { add, cast, mul } from './math.js';
import { sum } from './reduce.js';

const BLAS_DTYPES: readonly DType[] = ['float32', 'float64'];

/** One operand of a BLAS op: its name in messages and its rank. */
interface Slot {
  readonly name: string;
  readonly ndim: number;
}

const RANK_WORDS = ['a scalar (0-d)', 'a vector (1-d)', 'a matrix (2-d)'];

/**
 * Checks count, rank and dtype of a BLAS op's operands: every one a tensor of
 * its rank, float32 or float64, all of one dtype. Returns them and the dtype.
 */
function checkOperands(opName: string, slots: readonly Slot[], inputs: readonly Variable[]): { vars: TensorVariable[]; dtype: DType } {
  const signature = `${opName}(${slots.map((s) => s.name).join(', ')})`;
  if (inputs.length !== slots.length) throw new TypeError(`${signature} takes ${slots.length} inputs, got ${inputs.length}`);
  const vars = inputs.map((v, i) => {
    const slot = slots[i]!;
    if (!(v instanceof TensorVariable)) throw new TypeError(`${signature}: ${slot.name} must be a tensor variable, got ${v} of type ${v.type}`);
    if (v.ndim !== slot.ndim) {
      throw new ShapeError(`${signature}: ${slot.name} must be ${RANK_WORDS[slot.ndim]}; got ${v} of type ${v.type}, which is ${v.ndim}-d`);
    }
    return v;
  });
  vars.forEach((v, i) => {
    if (!BLAS_DTYPES.includes(v.dtype)) {
      throw new DTypeError(`${signature}: ${slots[i]!.name} is ${v.dtype} (${v}); ${opName} takes float32 or float64 operands only`);
    }
  });
  const dtype = vars[0]!.dtype;
  if (vars.some((v) => v.dtype !== dtype)) {
    throw new DTypeError(`${signature}: operands must all have one dtype; got ${vars.map((v, i) => `${slots[i]!.name} ${v.dtype}`).join(', ')}`);
  }
  return { vars, dtype };
}

/** The static length two operands agree on (the known one), or an error naming both. */
function mergeDim(opName: string, a: StaticDim, aWhat: string, b: StaticDim, bWhat: string): StaticDim {
  if (a !== null && b !== null && a !== b) throw new ShapeError(`${opName}: ${aWhat} is ${a} but ${bWhat} is ${b}; they must be equal`);
  return a ?? b;
}

const describeStatic = (v: TensorVariable): string => `${v} ${v.type.shapeString()}`;

/** The value of a 0-d array. */
const scalarOf = (a: NDArray): number => Number(a.data[a.offset]!);

/** Whether two arrays' storage may overlap (same buffer, intersecting byte ranges). */
function mayShareMemory(a: NDArray, b: NDArray): boolean {
  if (a.data.buffer !== b.data.buffer || a.size === 0 || b.size === 0) return false;
  const a0 = a.data.byteOffset;
  const b0 = b.data.byteOffset;
  return a0 < b0 + b.data.byteLength && b0 < a0 + a.data.byteLength;
}

/**
 * A contiguous output array for `cell`: the previous call's buffer when it is
 * free, a new one otherwise — never one that overlaps an input, since the
 * output is written while the inputs are read.
 */
function outputArray(cell: OutputCell, dtype: DType, shape: readonly number[], inputs: readonly NDArray[]): NDArray {
  const out = reuseOrAllocate(cell, dtype, shape);
  return inputs.some((a) => mayShareMemory(out, a)) ? NDArray.empty(dtype, shape) : out;
}

/** Whether an in-place BLAS op can write its result over `a` (contiguous, of the result's dtype). */
function writableInPlace(a: NDArray, dtype: DType): boolean {
  return a.dtype === dtype && a.isContiguous();
}

/**
 * Runs `fill` with where the product's sums go: `out`'s own storage (at its
 * offset), or — when the product must not land in out yet (out is an
 * operand read after the product) — a scratch block freed afterwards.
 */
function withProductTarget(out: NDArray, needsScratch: boolean, size: number, fill: (target: NDArray['data']) => void): void {
  if (!needsScratch) {
    fill(out.offset === 0 ? out.data : out.data.subarray(out.offset, out.offset + size));
    return;
  }
  withScratch(out.dtype, size, fill);
}

/**
 * α·s + β·z for one element, rounded as the elementwise graph `α*s + β*z`
 * would round it: `s` is the double-precision accumulated product, rounded
 * to the dtype first (as `Dot` stores it). β = 0 does not read z.
 */
function combine(s: number, alpha: number, beta: number, z: number, f32: boolean): number {
  let t = f32 ? Math.fround(s) : s;
  if (alpha !== 1) t = f32 ? Math.fround(alpha * t) : alpha * t;
  if (beta === 0) return t;
  const u = beta === 1 ? z : f32 ? Math.fround(beta * z) : beta * z;
  return t + u;
}

/** The sum of the non-null terms, or null when there are none. */
function sumTerms(terms: readonly (TensorVariable | null)[]): TensorVariable | null {
  const present = terms.filter((t): t is TensorVariable => t !== null);
  return present.length === 0 ? null : present.reduce((acc, t) => add(acc, t));
}

/** A tangent in the output's dtype (rOp results). */
function inDtype(t: TensorVariable | null, dtype: DType): TensorVariable | null {
  return t === null || t.dtype === dtype ? t : cast(t, dtype);
}

const col = (v: TensorVariable): TensorVariable => dimshuffle(v, [0, 'x']);
const row = (v: TensorVariable): TensorVariable => dimshuffle(v, ['x', 0]);

// ---------------------------------------------------------------------------

const GEMM_SLOTS: readonly Slot[] = [
  { name: 'z', ndim: 2 },
  { name: 'alpha', ndim: 0 },
  { name: 'x', ndim: 2 },
  { name: 'y', ndim: 2 },
  { name: 'beta', ndim: 0 },
];

/**
 * What the three BLAS ops share: an `inplace` variant that writes its result
 * over the first operand (Z, y or A), chosen by the in-place rewrite.
 */
abstract class BlasOp extends Op {
  override readonly props = ['inplace'];
  override readonly destroyMap: Readonly<Record<number, readonly number[]>>;

  constructor(readonly inplace = false) {
    super();
    this.destroyMap = inplace ? { 0: [0] } : {};
  }

  override toString(): string {
    return this.inplace ? `${this.name}{inplace}` : this.name;
  }
}

/** Gemm: α·X·Y + β·Z for matrices X (m×k), Y (k×n), Z (m×n) and 0-d α, β. */
export class Gemm extends BlasOp {

  override makeNode(...inputs: Variable[]): Apply<this> {
    const { vars, dtype } = checkOperands('Gemm', GEMM_SLOTS, inputs);
    const [z, , x, y] = vars as [TensorVariable, TensorVariable, TensorVariable, TensorVariable];
    mergeDim('Gemm', x.type.shape[1]!, `the column count of x ${describeStatic(x)}`, y.type.shape[0]!, `the row count of y ${describeStatic(y)}`);
    const shape = [
      mergeDim('Gemm', z.type.shape[0]!, `the row count of z ${describeStatic(z)}`, x.type.shape[0]!, `the row count of x ${describeStatic(x)}`),
      mergeDim('Gemm', z.type.shape[1]!, `the column count of z ${describeStatic(z)}`, y.type.shape[1]!, `the column count of y ${describeStatic(y)}`),
    ];
    return new Apply(this, vars, [new TensorType(dtype, shape)]);
  }

  override checkInputs(node: Apply, inputs: readonly unknown[]): void {
    const [z, , x, y] = inputs as [NDArray, NDArray, NDArray, NDArray];
    const [m, k] = x.shape as [number, number];
    const n = y.shape[1]!;
    if (y.shape[0] !== k) {
      throw nodeError(node, `x ${shapeToString(x.shape)} and y ${shapeToString(y.shape)} are not aligned: x has ${k} columns, y has ${y.shape[0]} rows`);
    }
    if (z.shape[0] !== m || z.shape[1] !== n) {
      throw nodeError(node, `z has shape ${shapeToString(z.shape)} but x·y has shape (${m}, ${n}) (x ${shapeToString(x.shape)}, y ${shapeToString(y.shape)}); they must be equal`);
    }
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    this.checkInputs(node, inputs);
    const [z, alphaArr, x, y, betaArr] = inputs as [NDArray, NDArray, NDArray, NDArray, NDArray];
    const [m, n] = [x.shape[0]!, y.shape[1]!];
    const dtype = (node.outputs[0]!.type as TensorType).dtype;
    const out = this.inplace && writableInPlace(z, dtype) ? z : outputArray(outputs[0]!, dtype, [m, n], [z, x, y]);
    gemmInto(out, z, scalarOf(alphaArr), x, y, scalarOf(betaArr), dtype === 'float32');
    outputs[0]!.value = out;
  }

  override inferShape(_node: Apply, [zShape]: readonly SymbolicShape[]): SymbolicShape[] {
    return [[...zShape!]];
  }

  /** ∂z = β·g, ∂α = Σ g∘(X·Y), ∂X = α·g·Yᵀ, ∂Y = α·Xᵀ·g, ∂β = Σ g∘Z. */
  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const [z, alpha, x, y, beta] = node.inputs as TensorVariable[] as [TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable];
    const g = gz as TensorVariable;
    return [mul(beta, g), sum(mul(g, dot(x, y))), mul(alpha, dot(g, y.T)), mul(alpha, dot(x.T, g)), sum(mul(g, z))];
  }

  /** d(α·X·Y + β·Z) = dα·X·Y + α·(dX·Y + X·dY) + dβ·Z + β·dZ. */
  override rOp(node: Apply, [vz, va, vx, vy, vb]: readonly (Variable | null)[]): (Variable | null)[] {
    const [z, alpha, x, y, beta] = node.inputs as TensorVariable[] as [TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable];
    const t = (v: Variable | null | undefined) => (v === null || v === undefined ? null : (v as TensorVariable));
    const terms = [
      t(va) && mul(t(va)!, dot(x, y)),
      t(vx) && mul(alpha, dot(t(vx)!, y)),
      t(vy) && mul(alpha, dot(x, t(vy)!)),
      t(vb) && mul(t(vb)!, z),
      t(vz) && mul(beta, t(vz)!),
    ];
    return [inDtype(sumTerms(terms), (node.outputs[0] as TensorVariable).dtype)];
  }
}

/**
 * out = α·x·y + β·z, row by row: for each row i of x, the products x[i,p]·y[p,:]
 * accumulate into a row of doubles (i-p-j order: y and the output are read
 * along rows). x and z are read through their strides; y is copied when its
 * rows are not contiguous.
 */
function gemmInto(out: NDArray, z: NDArray, alpha: number, x: NDArray, y: NDArray, beta: number, f32: boolean): void {
  const [m, k] = x.shape as [number, number];
  const n = y.shape[1]!;
  const od = out.data;
  const o = out.offset;
  // The product Dot computes for the same operands, so a Gemm equals the dot-plus-add graph it replaces.
  // Written over z (in place), it goes to scratch first: z is read after the product.
  withProductTarget(out, out === z, m * n, (target) => {
    const sums = productInto(target, x, y, m, k, n, out.dtype);
    const zd = z.data;
    const [zs0, zs1] = z.strides as [number, number];
    if ((zs1 === 1 || n === 1) && wasmScaleAdd(out.dtype as 'float32', m, n, od, o, sums, 0, zd, z.offset, zs0, alpha, beta, beta !== 0)) return;
    for (let i = 0; i < m; i++) {
      const zi = z.offset + i * zs0;
      const oi = i * n;
      for (let j = 0; j < n; j++) od[o + oi + j] = combine(sums[oi + j]!, alpha, beta, beta === 0 ? 0 : zd[zi + j * zs1]!, f32);
    }
  });
}

const gemmOp = new Gemm();

/** Gemm(z, α, x, y, β) = α·x·y + β·z (matrices; α, β 0-d). JS numbers take the matrices' dtype. */
export function gemm(z: TensorLike, alpha: TensorLike, x: TensorLike, y: TensorLike, beta: TensorLike): TensorVariable {
  return gemmOp.apply1(...asTensorVariables([z, alpha, x, y, beta])) as TensorVariable;
}

// ---------------------------------------------------------------------------

const GEMV_SLOTS: readonly Slot[] = [
  { name: 'y', ndim: 1 },
  { name: 'alpha', ndim: 0 },
  { name: 'A', ndim: 2 },
  { name: 'x', ndim: 1 },
  { name: 'beta', ndim: 0 },
];

/** Gemv: α·A·x + β·y for a matrix A (m×k), vectors x (k) and y (m), 0-d α and β. */
export class Gemv extends BlasOp {

  override makeNode(...inputs: Variable[]): Apply<this> {
    const { vars, dtype } = checkOperands('Gemv', GEMV_SLOTS, inputs);
    const [y, , a, x] = vars as [TensorVariable, TensorVariable, TensorVariable, TensorVariable];
    mergeDim('Gemv', a.type.shape[1]!, `the column count of A ${describeStatic(a)}`, x.type.shape[0]!, `the length of x ${describeStatic(x)}`);
    const shape = [mergeDim('Gemv', y.type.shape[0]!, `the length of y ${describeStatic(y)}`, a.type.shape[0]!, `the row count of A ${describeStatic(a)}`)];
    return new Apply(this, vars, [new TensorType(dtype, shape)]);
  }

  override checkInputs(node: Apply, inputs: readonly unknown[]): void {
    const [y, , a, x] = inputs as [NDArray, NDArray, NDArray, NDArray];
    const [m, k] = a.shape as [number, number];
    if (x.shape[0] !== k) {
      throw nodeError(node, `A ${shapeToString(a.shape)} and x ${shapeToString(x.shape)} are not aligned: A has ${k} columns, x has length ${x.shape[0]}`);
    }
    if (y.shape[0] !== m) {
      throw nodeError(node, `y has shape ${shapeToString(y.shape)} but A·x has shape (${m},) (A ${shapeToString(a.shape)}, x ${shapeToString(x.shape)}); they must be equal`);
    }
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    this.checkInputs(node, inputs);
    const [y, alphaArr, a, x, betaArr] = inputs as [NDArray, NDArray, NDArray, NDArray, NDArray];
    const m = a.shape[0]!;
    const dtype = (node.outputs[0]!.type as TensorType).dtype;
    const out = this.inplace && writableInPlace(y, dtype) ? y : outputArray(outputs[0]!, dtype, [m], [y, a, x]);
    gemvInto(out, y, scalarOf(alphaArr), a, x, scalarOf(betaArr), dtype === 'float32');
    outputs[0]!.value = out;
  }

  override inferShape(_node: Apply, [yShape]: readonly SymbolicShape[]): SymbolicShape[] {
    return [[...yShape!]];
  }

  /** ∂y = β·g, ∂α = g·(A·x), ∂A = α·g·xᵀ, ∂x = α·Aᵀ·g, ∂β = g·y. */
  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const [y, alpha, a, x, beta] = node.inputs as TensorVariable[] as [TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable];
    const g = gz as TensorVariable;
    return [mul(beta, g), dot(g, dot(a, x)), mul(alpha, dot(col(g), row(x))), mul(alpha, dot(a.T, g)), dot(g, y)];
  }

  override rOp(node: Apply, [vy, va, vA, vx, vb]: readonly (Variable | null)[]): (Variable | null)[] {
    const [y, alpha, a, x, beta] = node.inputs as TensorVariable[] as [TensorVariable, TensorVariable, TensorVariable, TensorVariable, TensorVariable];
    const t = (v: Variable | null | undefined) => (v === null || v === undefined ? null : (v as TensorVariable));
    const terms = [
      t(va) && mul(t(va)!, dot(a, x)),
      t(vA) && mul(alpha, dot(t(vA)!, x)),
      t(vx) && mul(alpha, dot(a, t(vx)!)),
      t(vb) && mul(t(vb)!, y),
      t(vy) && mul(beta, t(vy)!),
    ];
    return [inDtype(sumTerms(terms), (node.outputs[0] as TensorVariable).dtype)];
  }
}

/**
 * out = α·A·x + β·y, with A·x summed by the loops `Dot` uses (matvec.ts), so
 * a Gemv equals the dot-plus-add graph it replaces.
 */
function gemvInto(out: NDArray, y: NDArray, alpha: number, a: NDArray, x: NDArray, beta: number, f32: boolean): void {
  const [m, k] = a.shape as [number, number];
  const od = out.data;
  const o = out.offset;
  withProductTarget(out, out === y, m, (target) => {
    const sums = productInto(target, a, x.reshape([k, 1]), m, k, 1, out.dtype);
    const yd = y.data;
    const ys = y.strides[0]!;
    // y as an m×1 matrix whose rows are ys apart.
    if (wasmScaleAdd(out.dtype as 'float32', m, 1, od, o, sums, 0, yd, y.offset, ys, alpha, beta, beta !== 0)) return;
    for (let i = 0; i < m; i++) od[o + i] = combine(sums[i]!, alpha, beta, beta === 0 ? 0 : yd[y.offset + i * ys]!, f32);
  });
}

const gemvOp = new Gemv();

/** Gemv(y, α, A, x, β) = α·A·x + β·y (A a matrix, x and y vectors, α and β 0-d). */
export function gemv(y: TensorLike, alpha: TensorLike, a: TensorLike, x: TensorLike, beta: TensorLike): TensorVariable {
  return gemvOp.apply1(...asTensorVariables([y, alpha, a, x, beta])) as TensorVariable;
}

// ---------------------------------------------------------------------------

const GER_SLOTS: readonly Slot[] = [
  { name: 'A', ndim: 2 },
  { name: 'alpha', ndim: 0 },
  { name: 'x', ndim: 1 },
  { name: 'y', ndim: 1 },
];

/** Ger: A + α·x·yᵀ (the rank-1 update) for a matrix A (m×n), vectors x (m) and y (n), 0-d α. */
export class Ger extends BlasOp {

  override makeNode(...inputs: Variable[]): Apply<this> {
    const { vars, dtype } = checkOperands('Ger', GER_SLOTS, inputs);
    const [a, , x, y] = vars as [TensorVariable, TensorVariable, TensorVariable, TensorVariable];
    const shape = [
      mergeDim('Ger', a.type.shape[0]!, `the row count of A ${describeStatic(a)}`, x.type.shape[0]!, `the length of x ${describeStatic(x)}`),
      mergeDim('Ger', a.type.shape[1]!, `the column count of A ${describeStatic(a)}`, y.type.shape[0]!, `the length of y ${describeStatic(y)}`),
    ];
    return new Apply(this, vars, [new TensorType(dtype, shape)]);
  }

  override checkInputs(node: Apply, inputs: readonly unknown[]): void {
    const [a, , x, y] = inputs as [NDArray, NDArray, NDArray, NDArray];
    const [m, n] = [x.shape[0]!, y.shape[0]!];
    if (a.shape[0] !== m || a.shape[1] !== n) {
      throw nodeError(node, `A has shape ${shapeToString(a.shape)} but x·yᵀ has shape (${m}, ${n}) (x ${shapeToString(x.shape)}, y ${shapeToString(y.shape)}); they must be equal`);
    }
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    this.checkInputs(node, inputs);
    const [a, alphaArr, x, y] = inputs as [NDArray, NDArray, NDArray, NDArray];
    const [m, n] = [x.shape[0]!, y.shape[0]!];
    const dtype = (node.outputs[0]!.type as TensorType).dtype;
    const out = this.inplace && writableInPlace(a, dtype) ? a : outputArray(outputs[0]!, dtype, [m, n], [a, x, y]);
    gerInto(out, a, scalarOf(alphaArr), x, y, dtype === 'float32');
    outputs[0]!.value = out;
  }

  override inferShape(_node: Apply, [aShape]: readonly SymbolicShape[]): SymbolicShape[] {
    return [[...aShape!]];
  }

  /** ∂A = g, ∂α = xᵀ·g·y, ∂x = α·g·y, ∂y = α·gᵀ·x. */
  override grad(node: Apply, [gz]: readonly Variable[]): InputGradient[] {
    const [, alpha, x, y] = node.inputs as TensorVariable[] as [TensorVariable, TensorVariable, TensorVariable, TensorVariable];
    const g = gz as TensorVariable;
    return [g, dot(x, dot(g, y)), mul(alpha, dot(g, y)), mul(alpha, dot(x, g))];
  }

  override rOp(node: Apply, [vA, va, vx, vy]: readonly (Variable | null)[]): (Variable | null)[] {
    const [, alpha, x, y] = node.inputs as TensorVariable[] as [TensorVariable, TensorVariable, TensorVariable, TensorVariable];
    const t = (v: Variable | null | undefined) => (v === null || v === undefined ? null : (v as TensorVariable));
    const outer = (u: TensorVariable, w: TensorVariable) => dot(col(u), row(w));
    const terms = [
      t(vA),
      t(va) && mul(t(va)!, outer(x, y)),
      t(vx) && mul(alpha, outer(t(vx)!, y)),
      t(vy) && mul(alpha, outer(x, t(vy)!)),
    ];
    return [inDtype(sumTerms(terms), (node.outputs[0] as TensorVariable).dtype)];
  }
}

/** out = A + α·x·yᵀ, row by row; x·yᵀ is rounded and scaled as `dot(col(x), row(y))` then `mul` would. */
function gerInto(out: NDArray, a: NDArray, alpha: number, x: NDArray, y: NDArray, f32: boolean): void {
  const [m, n] = [x.shape[0]!, y.shape[0]!];
  const od = out.data;
  const o = out.offset;
  // x·yᵀ as Dot computes dot(col(x), row(y)) (k = 1), then α·t + A.
  withProductTarget(out, out === a, m * n, (target) => {
    const sums = productInto(target, x.reshape([m, 1]), y.reshape([1, n]), m, 1, n, out.dtype);
    const ad = a.data;
    const [as0, as1] = a.strides as [number, number];
    if ((as1 === 1 || n === 1) && wasmScaleAdd(out.dtype as 'float32', m, n, od, o, sums, 0, ad, a.offset, as0, alpha, 1, true)) return;
    for (let i = 0; i < m; i++) {
      const base = a.offset + i * as0;
      const oi = o + i * n;
      for (let j = 0; j < n; j++) od[oi + j] = combine(sums[i * n + j]!, alpha, 1, ad[base + j * as1]!, f32);
    }
  });
}

const gerOp = new Ger();

/** Ger(A, α, x, y) = A + α·x·yᵀ (A a matrix, x and y vectors, α 0-d). */
export function ger(a: TensorLike, alpha: TensorLike, x: TensorLike, y: TensorLike): TensorVariable {
  return gerOp.apply1(...asTensorVariables([a, alpha, x, y])) as TensorVariable;
}
