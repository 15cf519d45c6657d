/**
 * The random ops. Each takes a generator state (a uint32 vector, see
 * philox.ts) and returns [new state, draw]; the new state is what the
 * state's shared variable becomes after a call (its `defaultUpdate`).
 * - RandomVariable (Theano's RandomFunction): one elementwise distribution
 *   of DISTRIBUTIONS, parameters broadcast with `size` as numpy's
 *   Generator does (without size, the draw has the parameters' broadcast
 *   shape);
 * - Choice: indices drawn from a population of n, with or without
 *   replacement, optionally weighted by p (permutations are choices of n
 *   out of n without replacement).
 * Gradients: none. The state is not differentiable, and draws are not
 * reparameterised functions of their parameters (as Theano's
 * RandomStreams), so every input is reported disconnected.
 */
import { Apply } from '../graph/apply.js';
import { disconnected, type InputGradient } from '../graph/gradientTerms.js';
import { Op, type OutputCell, type SymbolicShape } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { broadcastShapes } from '../ndarray/broadcast.js';
import { isDiscrete, isFloat, type DType } from '../ndarray/dtype.js';
import { NDArray, shapeSize, shapeToString } from '../ndarray/ndarray.js';
import { maximum } from '../tensor/math.js';
import { nodeError } from '../tensor/runtime.js';
import { shapeI } from '../tensor/shape.js';
import { TensorType } from '../tensor/type.js';
import { TensorConstant, TensorVariable } from '../tensor/variable.js';
import { DISTRIBUTIONS, dtypeAllowed, type DistributionName } from './distributions.js';
import { PhiloxReader, STATE_LENGTH } from './philox.js';

function checkState(what: string, state: Variable): TensorVariable {
  if (!(state instanceof TensorVariable) || state.dtype !== 'uint32' || state.ndim !== 1) {
    throw new DTypeError(`${what}: the generator state must be a uint32 vector of ${STATE_LENGTH} words, got ${state} (${state.type})`);
  }
  return state;
}

function checkStateValue(node: Apply, state: unknown): NDArray {
  const s = state as NDArray;
  if (!(s instanceof NDArray) || s.dtype !== 'uint32' || s.ndim !== 1 || s.size !== STATE_LENGTH) {
    throw nodeError(node, `the generator state must be a uint32 vector of ${STATE_LENGTH} words`, ValueError);
  }
  return s;
}

function checkDims(what: string, dims: readonly Variable[]): TensorVariable[] {
  return dims.map((d, i) => {
    if (!(d instanceof TensorVariable) || d.ndim !== 0 || !isDiscrete(d.dtype) || d.dtype === 'bool') {
      throw new ShapeError(`${what}: size entry ${i} must be an integer scalar, got ${d} (${d.type})`);
    }
    return d;
  });
}

/** The static length a size entry stands for, when it is a constant. */
function knownLength(v: TensorVariable): number | null {
  return v instanceof TensorConstant ? Number(v.data.data[v.data.offset]) : null;
}

function readDims(node: Apply, dims: readonly unknown[]): number[] {
  const shape = (dims as NDArray[]).map((d) => Number(d.data[d.offset]));
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw nodeError(node, `size must be non-negative integers, got (${shape.join(', ')})`, ValueError);
  }
  return shape;
}

/** One draw of an elementwise distribution: inputs [state, ...params, ...size]. */
export class RandomVariable extends Op {
  override readonly props = ['distribution', 'dtype', 'sized'];

  constructor(
    readonly distribution: DistributionName,
    readonly dtype: DType,
    /** Whether size entries follow the parameters (otherwise the draw has the parameters' broadcast shape). */
    readonly sized: boolean,
  ) {
    super();
    const dist = DISTRIBUTIONS[distribution];
    if (dist === undefined) throw new ValueError(`unknown distribution ${JSON.stringify(distribution)}; expected one of ${Object.keys(DISTRIBUTIONS).join(', ')}`);
    if (!dtypeAllowed(dist, dtype)) {
      const kind = dist.dtypes === 'float' ? 'a float dtype' : 'an integer dtype';
      throw new DTypeError(`${distribution}: dtype must be ${kind}, got ${dtype}`);
    }
  }

  override toString(): string {
    return `RandomVariable{${this.distribution}, ${this.dtype}}`;
  }

  private get nParams(): number {
    return DISTRIBUTIONS[this.distribution].params.length;
  }

  override makeNode(state: Variable, ...rest: Variable[]): Apply<this> {
    const what = this.distribution;
    const s = checkState(what, state);
    const names = DISTRIBUTIONS[this.distribution].params;
    if (rest.length < names.length) throw new ValueError(`${what}: expected parameters ${names.join(', ')}, got ${rest.length} values`);
    const params = rest.slice(0, names.length).map((p, i) => {
      if (!(p instanceof TensorVariable) || p.dtype === 'bool') throw new DTypeError(`${what}: ${names[i]} must be a numeric tensor, got ${p} (${p.type})`);
      return p;
    });
    const dims = checkDims(what, rest.slice(names.length));
    if (!this.sized && dims.length > 0) throw new ValueError(`${what}: an op without size takes no size entries`);
    let shape: (number | null)[];
    if (this.sized) {
      shape = dims.map(knownLength);
      // numpy's Generator: parameters broadcast to size; they may not add axes or lengths.
      params.forEach((p, i) => {
        if (p.ndim > dims.length) {
          throw new ShapeError(`${what}: ${names[i]} is ${p.ndim}-d (${p.type}) but size has ${dims.length} entries; parameters must broadcast to size`);
        }
        p.type.shape.forEach((d, ax) => {
          const target = shape[dims.length - p.ndim + ax];
          if (d !== null && d !== 1 && target !== null && target !== undefined && d !== target) {
            throw new ShapeError(`${what}: ${names[i]} of static shape ${p.type.shapeString()} does not broadcast to size (${shape.map((x) => x ?? '?').join(', ')})`);
          }
        });
      });
    } else {
      const ndim = Math.max(0, ...params.map((p) => p.ndim));
      shape = Array.from({ length: ndim }, (_, ax) => {
        const lens = params.map((p) => p.type.shape[ax - (ndim - p.ndim)]).filter((d) => d !== undefined);
        if (lens.some((d) => d === null)) return lens.find((d) => d !== null && d !== 1) ?? null;
        return Math.max(1, ...(lens as number[]));
      });
    }
    this.checkConstants(params);
    return new Apply(this, [s, ...params, ...dims], [s.type, new TensorType(this.dtype, shape)]);
  }

  /** Parameters known at build time are checked then, so the error points at the call that made them. */
  private checkConstants(params: readonly TensorVariable[]): void {
    if (!params.every((p) => p instanceof TensorConstant)) return;
    const arrays = params.map((p) => (p as TensorConstant).data);
    let shape: number[];
    try {
      shape = broadcastShapes(...arrays.map((a) => a.shape));
    } catch {
      throw new ShapeError(`${this.distribution}: parameters of shapes ${arrays.map((a) => shapeToString(a.shape)).join(', ')} do not broadcast together`);
    }
    if (shapeSize(shape) > 10_000) return;
    const flat = arrays.map((a) => a.broadcastTo(shape).copy().data);
    const dist = DISTRIBUTIONS[this.distribution];
    for (let k = 0; k < shapeSize(shape); k++) {
      const problem = dist.check(
        flat.map((f) => f[k]!),
        this.dtype,
      );
      if (problem !== null) throw new ValueError(`${this.distribution}: ${problem}`);
    }
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const state = checkStateValue(node, inputs[0]);
    const params = inputs.slice(1, 1 + this.nParams) as NDArray[];
    let shape: number[];
    if (this.sized) {
      shape = readDims(node, inputs.slice(1 + this.nParams));
    } else {
      try {
        shape = broadcastShapes(...params.map((p) => p.shape));
      } catch {
        throw nodeError(node, `parameters of shapes ${params.map((p) => shapeToString(p.shape)).join(', ')} do not broadcast together`);
      }
    }
    const names = DISTRIBUTIONS[this.distribution].params;
    const n = shapeSize(shape);
    // Parameters as one value, or one per element of the draw.
    const values = params.map((p, i) => {
      if (p.size === 1) return p.data[p.offset]!;
      try {
        return p.broadcastTo(shape).flatData();
      } catch {
        throw nodeError(node, `${names[i]} of shape ${shapeToString(p.shape)} does not broadcast to size ${shapeToString(shape)}`);
      }
    });
    const dist = DISTRIBUTIONS[this.distribution];
    const out = NDArray.empty(this.dtype, shape);
    const data = out.data;
    const g = new PhiloxReader(state);
    const args = new Array<number>(values.length);
    const scalarArgs = values.every((v) => typeof v === 'number');
    if (scalarArgs) {
      values.forEach((v, i) => (args[i] = v as number));
      if (n > 0) this.checkArgs(node, args);
    }
    for (let k = 0; k < n; k++) {
      if (!scalarArgs) {
        for (let i = 0; i < values.length; i++) {
          const v = values[i]!;
          args[i] = typeof v === 'number' ? v : v[k]!;
        }
        this.checkArgs(node, args);
      }
      data[k] = dist.sample(g, args, this.dtype);
    }
    outputs[0]!.value = g.state();
    outputs[1]!.value = out;
  }

  private checkArgs(node: Apply, args: readonly number[]): void {
    const problem = DISTRIBUTIONS[this.distribution].check(args, this.dtype);
    if (problem !== null) throw nodeError(node, problem, ValueError);
  }

  override inferShape(node: Apply, inputShapes: readonly SymbolicShape[]): SymbolicShape[] {
    if (this.sized) return [inputShapes[0]!, node.inputs.slice(1 + this.nParams)];
    const params = node.inputs.slice(1, 1 + this.nParams) as TensorVariable[];
    const out = node.outputs[1] as TensorVariable;
    const ndim = out.ndim;
    const dims = Array.from({ length: ndim }, (_, ax) => {
      const known = out.type.shape[ax];
      if (known !== null && known !== undefined) return shapeI(out, ax);
      const lens = params.filter((p) => ax - (ndim - p.ndim) >= 0 && p.type.shape[ax - (ndim - p.ndim)] !== 1).map((p) => shapeI(p, ax - (ndim - p.ndim)));
      return lens.reduce((a, b) => maximum(a, b));
    });
    return [inputShapes[0]!, dims];
  }

  override grad(node: Apply): InputGradient[] {
    return node.inputs.map((): InputGradient => disconnected);
  }
}

/**
 * Indices drawn from range(n): inputs [state, n, p?, ...size]. With
 * replacement: uniform (or by p, inverting its CDF); without: a partial
 * Fisher–Yates shuffle (or, by p, the k smallest exponential keys
 * -log(u)/p_i, which picks in the order of successive weighted draws).
 */
export class Choice extends Op {
  override readonly props = ['replace', 'weighted'];

  constructor(
    readonly replace: boolean,
    readonly weighted: boolean,
  ) {
    super();
  }

  override makeNode(state: Variable, n: Variable, ...rest: Variable[]): Apply<this> {
    const s = checkState('choice', state);
    if (!(n instanceof TensorVariable) || n.ndim !== 0 || !isDiscrete(n.dtype) || n.dtype === 'bool') {
      throw new ShapeError(`choice: the population size must be an integer scalar, got ${n} (${n.type})`);
    }
    const known = knownLength(n);
    if (known !== null && (!Number.isSafeInteger(known) || known < 0)) throw new ValueError(`choice: the population size must be a non-negative integer, got ${known}`);
    const inputs: Variable[] = [s, n];
    if (this.weighted) {
      const p = rest[0];
      if (!(p instanceof TensorVariable) || p.ndim !== 1 || !isFloat(p.dtype)) {
        throw new DTypeError(`choice: p must be a float vector of probabilities, got ${p} (${p?.type})`);
      }
      const len = p.type.shape[0];
      if (known !== null && len !== null && len !== undefined && len !== known) {
        throw new ShapeError(`choice: p has ${len} entries; expected one per element of the population (${known})`);
      }
      if (p instanceof TensorConstant) checkProbabilities(p.data, (m) => new ValueError(`choice: ${m}`));
      inputs.push(p);
    }
    const dims = checkDims('choice', rest.slice(this.weighted ? 1 : 0));
    const shape = dims.map(knownLength);
    const total = shape.every((d) => d !== null) ? shapeSize(shape as number[]) : null;
    if (!this.replace && known !== null && total !== null && total > known) {
      throw new ValueError(`choice: without replacement, size asks for ${total} draws but the population has ${known} entries; expected at most ${known}`);
    }
    return new Apply(this, [...inputs, ...dims], [s.type, new TensorType('int64', shape)]);
  }

  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    const state = checkStateValue(node, inputs[0]);
    const nArr = inputs[1] as NDArray;
    const n = Number(nArr.data[nArr.offset]);
    if (!Number.isSafeInteger(n) || n < 0) throw nodeError(node, `the population size must be a non-negative integer, got ${n}`, ValueError);
    const shape = readDims(node, inputs.slice(this.weighted ? 3 : 2));
    const k = shapeSize(shape);
    let p: Float64Array | null = null;
    if (this.weighted) {
      const pArr = inputs[2] as NDArray;
      if (pArr.size !== n) throw nodeError(node, `p has ${pArr.size} entries; expected one per element of the population (${n})`);
      p = checkProbabilities(pArr, (m) => nodeError(node, m, ValueError));
    }
    if (k > 0 && n === 0) throw nodeError(node, `cannot draw ${k} values from an empty population`, ValueError);
    if (!this.replace) {
      const available = p === null ? n : p.reduce((c, x) => c + (x > 0 ? 1 : 0), 0);
      if (k > available) {
        const what = p === null ? `the population has ${n} entries` : `only ${available} entries of p are non-zero`;
        throw nodeError(node, `without replacement, size asks for ${k} draws but ${what}; expected at most ${available}`, ValueError);
      }
    }
    const g = new PhiloxReader(state);
    const out = NDArray.empty('int64', shape);
    const data = out.data;
    if (this.replace && p === null) {
      for (let i = 0; i < k; i++) data[i] = g.nextBelow(n);
    } else if (this.replace && p !== null) {
      const cdf = new Float64Array(n);
      let acc = 0;
      let last = 0;
      for (let i = 0; i < n; i++) {
        acc += p[i]!;
        cdf[i] = acc;
        if (p[i]! > 0) last = i;
      }
      for (let i = 0; i < k; i++) {
        const u = g.nextDouble() * acc;
        let lo = 0;
        let hi = last;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cdf[mid]! > u) hi = mid;
          else lo = mid + 1;
        }
        data[i] = lo;
      }
    } else if (p === null) {
      const pool = new Float64Array(n);
      for (let i = 0; i < n; i++) pool[i] = i;
      for (let i = 0; i < k; i++) {
        const j = i + g.nextBelow(n - i);
        const t = pool[j]!;
        pool[j] = pool[i]!;
        pool[i] = t;
        data[i] = t;
      }
    } else {
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const u = 1 - g.nextDouble(); // (0, 1]
        keys[i] = p[i]! > 0 ? -Math.log(u) / p[i]! : Infinity;
      }
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
      for (let i = 0; i < k; i++) data[i] = order[i]!;
    }
    outputs[0]!.value = g.state();
    outputs[1]!.value = out;
  }

  override inferShape(node: Apply, inputShapes: readonly SymbolicShape[]): SymbolicShape[] {
    return [inputShapes[0]!, node.inputs.slice(this.weighted ? 3 : 2)];
  }

  override grad(node: Apply): InputGradient[] {
    return node.inputs.map((): InputGradient => disconnected);
  }
}

/** p as float64 after checking it is a probability vector (entries ≥ 0, summing to 1 within 1.5e-8 as numpy). */
function checkProbabilities(p: NDArray, fail: (message: string) => Error): Float64Array {
  const values = Float64Array.from(p.flatData());
  let sum = 0;
  for (const x of values) {
    if (!(x >= 0) || !Number.isFinite(x)) throw fail(`p must hold finite probabilities >= 0, got ${x}`);
    sum += x;
  }
  const tol = Math.sqrt(p.dtype === 'float32' ? 1.1920929e-7 : 2.220446049250313e-16);
  if (Math.abs(sum - 1) > tol) throw fail(`p must sum to 1, got a sum of ${Number(sum.toPrecision(12))}`);
  return values;
}
