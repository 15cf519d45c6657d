/**
 * RandomStream (Theano's `RandomStreams`): a factory of random variables.
 * Each variable it makes owns a generator state in a SharedVariable whose
 * `defaultUpdate` is the state after the draw, so every call of a compiled
 * function draws new numbers (`noDefaultUpdates: true` freezes them). The
 * k-th variable's state is derived from the stream's seed and k (see
 * `subStreamState`), so the same seed and the same order of calls give the
 * same numbers on every machine.
 *
 * Theano → theano-ts:
 *   RandomStreams(seed), MRG_RandomStreams(seed)   th.randomStreams(seed), new RandomStream(seed)
 *   srng.uniform(size, low, high, dtype=...)        r.uniform({ size, low, high, dtype })
 *   srng.normal(size, avg, std)                     r.normal({ size, avg, std })
 *   mrg.truncated_normal(size, avg, std)            r.truncatedNormal({ size, avg, std })
 *   srng.binomial(size, n, p)                       r.binomial({ size, n, p }), r.bernoulli({ size, p })
 *   srng.random_integers(size, low, high)           r.integers({ size, low, high: high + 1 })  (high exclusive here)
 *   srng.choice(size, a, replace, p)                r.choice({ size, a, replace, p })
 *   srng.permutation(n=n)                           r.permutation(n)
 *   srng.shuffle_row_elements(x)                    r.shuffle(x)
 *   srng.seed(s), srng.state_updates                r.seed(s), r.stateUpdates; r.getState() / r.setState()
 *   out.rng, out.update                             out.rng, out.update
 */
import type { SharedVariable } from '../compile/shared.js';
import { shared } from '../compile/shared.js';
import { config } from '../config.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { isDType, isDiscrete, type DType } from '../ndarray/dtype.js';
import { NDArray } from '../ndarray/ndarray.js';
import { asTensorVariable, constant, type TensorLike } from '../tensor/asTensor.js';
import { take } from '../tensor/advancedSubtensor.js';
import { cast } from '../tensor/math.js';
import { shapeI } from '../tensor/shape.js';
import { TensorConstant, TensorVariable } from '../tensor/variable.js';
import type { DistributionName } from './distributions.js';
import { checkSeed, STATE_LENGTH, subStreamState } from './philox.js';
import { Choice, RandomVariable } from './randomVariable.js';

/** A size: JS lengths, symbolic integer scalars, or an integer vector of static length (`x.shape`). */
export type SizeLike = number | readonly (number | TensorVariable)[] | TensorVariable;

/** A random draw, with the shared generator state it reads and its update (Theano's `out.rng`, `out.update`). */
export type RandomTensor = TensorVariable & {
  readonly rng: SharedVariable;
  readonly update: readonly [SharedVariable, TensorVariable];
};

export interface UniformOptions {
  size?: SizeLike | null;
  low?: TensorLike;
  high?: TensorLike;
  dtype?: DType;
}
export interface NormalOptions {
  size?: SizeLike | null;
  avg?: TensorLike;
  std?: TensorLike;
  dtype?: DType;
}
export interface BinomialOptions {
  size?: SizeLike | null;
  n?: TensorLike;
  p?: TensorLike;
  dtype?: DType;
}
export interface BernoulliOptions {
  size?: SizeLike | null;
  p?: TensorLike;
  dtype?: DType;
}
export interface IntegersOptions {
  size?: SizeLike | null;
  low?: TensorLike;
  high: TensorLike;
  dtype?: DType;
}
export interface ChoiceOptions {
  size?: SizeLike | null;
  /** An integer n (choose from 0..n-1) or a tensor (choose entries along axis 0). */
  a: TensorLike;
  replace?: boolean;
  /** Probabilities of the population's entries (a float vector summing to 1). */
  p?: TensorLike | null;
}

/** What `getState` returns and `setState` takes: the seed and a copy of every variable's state, in creation order. */
export interface RandomStreamState {
  readonly seed: number;
  readonly states: readonly NDArray[];
}

function sizeEntry(what: string, d: unknown, i: number): TensorVariable {
  // Constants become int64 constants, so the draw's static shape knows them.
  if (d instanceof TensorConstant && d.ndim === 0 && isDiscrete(d.dtype) && d.dtype !== 'bool') d = Number(d.data.data[d.data.offset]);
  if (typeof d === 'number') {
    if (!Number.isSafeInteger(d) || d < 0) throw new ShapeError(`${what}: size entry ${i} must be a non-negative integer, got ${d}`);
    return constant(d, null, 'int64');
  }
  if (!(d instanceof TensorVariable) || d.ndim !== 0 || !isDiscrete(d.dtype) || d.dtype === 'bool') {
    const got = d instanceof TensorVariable ? `${d} (${d.type})` : String(d);
    throw new ShapeError(`${what}: size entry ${i} must be a non-negative integer or an integer scalar, got ${got}`);
  }
  return d.dtype === 'int64' ? d : cast(d, 'int64');
}

/** The size entries as int64 scalars (null: no size given). */
function sizeDims(what: string, size: SizeLike | null | undefined): TensorVariable[] | null {
  if (size === undefined || size === null) return null;
  if (typeof size === 'number') return [sizeEntry(what, size, 0)];
  if (Array.isArray(size)) return size.map((d, i) => sizeEntry(what, d, i));
  if (size instanceof TensorVariable) {
    if (size.ndim !== 1 || !isDiscrete(size.dtype) || size.dtype === 'bool') {
      throw new ShapeError(`${what}: size must be a list of lengths or an integer vector, got ${size} (${size.type})`);
    }
    const len = size.type.shape[0];
    if (len === null || len === undefined) {
      throw new ShapeError(`${what}: a size vector needs a static length (as x.shape has), got ${size} (${size.type})`);
    }
    return Array.from({ length: len }, (_, i) => sizeEntry(what, size.at(i), i));
  }
  throw new ShapeError(`${what}: size must be a list of lengths, integer scalars, or an integer vector, got ${typeof size}`);
}

function checkDtype(what: string, dtype: DType | undefined, fallback: DType): DType {
  const d = dtype ?? fallback;
  if (!isDType(d)) throw new DTypeError(`${what}: unknown dtype ${JSON.stringify(d)}`);
  return d;
}

function param(what: string, name: string, value: TensorLike): TensorVariable {
  if (value === undefined || value === null) throw new ValueError(`${what}: ${name} is required`);
  return asTensorVariable(value, 'float64');
}

/** A source of random variables (Theano's `RandomStreams`); `seed` defaults to a random one. */
export class RandomStream {
  private seedValue: number;
  /** The seed given at construction (Theano's `default_instance_seed`): what `seed()` without an argument uses. */
  readonly initialSeed: number;
  /** [state, new state] of every variable made so far, in creation order (Theano's `state_updates`). */
  readonly stateUpdates: [SharedVariable, TensorVariable][] = [];

  constructor(seed?: number) {
    this.seedValue = seed === undefined ? randomSeed() : checkSeed(seed, 'RandomStream');
    this.initialSeed = this.seedValue;
  }

  /** The seed the streams were last derived from. */
  get currentSeed(): number {
    return this.seedValue;
  }

  /** Uniform draws in [low, high) (Theano's `uniform`). */
  uniform({ size, low = 0, high = 1, dtype }: UniformOptions = {}): RandomTensor {
    return this.draw('uniform', [param('uniform', 'low', low), param('uniform', 'high', high)], size, checkDtype('uniform', dtype, config.floatX));
  }

  /** Normal draws with mean `avg` and standard deviation `std` (Theano's `normal`). */
  normal({ size, avg = 0, std = 1, dtype }: NormalOptions = {}): RandomTensor {
    return this.draw('normal', [param('normal', 'avg', avg), param('normal', 'std', std)], size, checkDtype('normal', dtype, config.floatX));
  }

  /** Normal draws redrawn until within 2 standard deviations of `avg` (TensorFlow's `truncated_normal`). */
  truncatedNormal({ size, avg = 0, std = 1, dtype }: NormalOptions = {}): RandomTensor {
    return this.draw(
      'truncatedNormal',
      [param('truncatedNormal', 'avg', avg), param('truncatedNormal', 'std', std)],
      size,
      checkDtype('truncatedNormal', dtype, config.floatX),
    );
  }

  /** Successes in n trials of probability p (Theano's `binomial`; dtype int64 unless given, e.g. floatX for masks). */
  binomial({ size, n = 1, p = 0.5, dtype }: BinomialOptions = {}): RandomTensor {
    return this.draw('binomial', [param('binomial', 'n', n), param('binomial', 'p', p)], size, checkDtype('binomial', dtype, 'int64'));
  }

  /** 1 with probability p, else 0 (binomial with n = 1). */
  bernoulli({ size, p = 0.5, dtype }: BernoulliOptions = {}): RandomTensor {
    return this.draw('bernoulli', [param('bernoulli', 'p', p)], size, checkDtype('bernoulli', dtype, 'int64'));
  }

  /** Uniform integers in [low, high), high exclusive (numpy's `Generator.integers`; Theano's `random_integers` is inclusive). */
  integers({ size, low = 0, high, dtype }: IntegersOptions): RandomTensor {
    return this.draw('integers', [param('integers', 'low', low), param('integers', 'high', high)], size, checkDtype('integers', dtype, 'int64'));
  }

  /**
   * Draws from a population (numpy's `Generator.choice`): `a` an integer n
   * (indices 0..n-1) or a tensor (its entries along axis 0); with or
   * without replacement, optionally weighted by `p`. Without size, one draw
   * (a 0-d result).
   */
  choice({ size, a, replace = true, p = null }: ChoiceOptions): RandomTensor {
    const dims = sizeDims('choice', size) ?? [];
    const av = asTensorVariable(a, 'int64');
    let population: TensorVariable | null = null;
    let n: TensorVariable;
    if (av.ndim === 0) {
      if (!isDiscrete(av.dtype) || av.dtype === 'bool') throw new DTypeError(`choice: a must be an integer or a tensor of at least 1 dimension, got ${av} (${av.type})`);
      n = av;
    } else {
      population = av;
      n = shapeI(av, 0);
    }
    const pv = p === null || p === undefined ? null : asTensorVariable(p, 'float64');
    const node = new Choice(replace, pv !== null).makeNode(this.newState(), n, ...(pv === null ? [] : [pv]), ...dims);
    const idx = node.outputs[1] as TensorVariable;
    return this.register(node.inputs[0] as SharedVariable, node.outputs[0] as TensorVariable, population === null ? idx : take(population, idx, 0));
  }

  /** A random permutation of 0..n-1 (numpy's `permutation(n)`). */
  permutation(n: TensorLike): RandomTensor {
    const nv = asTensorVariable(n, 'int64');
    if (nv.ndim !== 0) throw new ShapeError(`permutation: n must be an integer scalar, got ${nv} (${nv.type}); use shuffle(x) to permute a tensor`);
    return this.choice({ a: nv, size: [sizeEntry('permutation', nv, 0)], replace: false });
  }

  /** `x` with its entries along axis 0 in random order (a new tensor; numpy's `permutation(x)`). */
  shuffle(x: TensorLike): RandomTensor {
    const xv = asTensorVariable(x);
    if (xv.ndim === 0) throw new ShapeError(`shuffle: x must have at least 1 dimension, got ${xv} (${xv.type})`);
    const perm = this.permutation(shapeI(xv, 0));
    return this.register(perm.rng, perm.update[1], take(xv, perm, 0));
  }

  /**
   * Re-seeds every variable made so far (Theano's `RandomStreams.seed`):
   * afterwards they draw what the variables of a fresh `RandomStream(newSeed)`
   * made in the same order would draw. Later variables derive from the new
   * seed. Without an argument, the seed given at construction (so the
   * variables start their sequences again).
   */
  seed(newSeed?: number): void {
    this.seedValue = newSeed === undefined ? this.initialSeed : checkSeed(newSeed, 'RandomStream.seed');
    this.stateUpdates.forEach(([s], k) => s.setValue(subStreamState(this.seedValue, k), { borrow: true }));
  }

  /** The seed and a copy of every variable's current generator state. */
  getState(): RandomStreamState {
    return { seed: this.seedValue, states: this.stateUpdates.map(([s]) => s.getValue()) };
  }

  /** Restores what `getState` returned (for the same stream): later draws repeat those made after it. */
  setState(state: RandomStreamState): void {
    const states = state?.states;
    if (!Array.isArray(states) || states.length !== this.stateUpdates.length) {
      throw new ValueError(
        `RandomStream.setState: expected the states of ${this.stateUpdates.length} random variables (as getState returns), got ${Array.isArray(states) ? states.length : typeof states}`,
      );
    }
    states.forEach((v, k) => {
      if (!(v instanceof NDArray) || v.dtype !== 'uint32' || v.ndim !== 1 || v.size !== STATE_LENGTH) {
        throw new ValueError(`RandomStream.setState: state ${k} must be a uint32 vector of ${STATE_LENGTH} words`);
      }
    });
    this.seedValue = checkSeed(state.seed, 'RandomStream.setState');
    states.forEach((v, k) => this.stateUpdates[k]![0].setValue(v));
  }

  private newState(): SharedVariable {
    const k = this.stateUpdates.length;
    return shared(subStreamState(this.seedValue, k), `rng${k}`, { borrow: true, strict: true });
  }

  private draw(distribution: DistributionName, params: TensorVariable[], size: SizeLike | null | undefined, dtype: DType): RandomTensor {
    const dims = sizeDims(distribution, size);
    const op = new RandomVariable(distribution, dtype, dims !== null);
    const node = op.makeNode(this.newState(), ...params, ...(dims ?? []));
    return this.register(node.inputs[0] as SharedVariable, node.outputs[0] as TensorVariable, node.outputs[1] as TensorVariable);
  }

  private register(state: SharedVariable, next: TensorVariable, value: TensorVariable): RandomTensor {
    if (!this.stateUpdates.some(([s]) => s === state)) {
      state.defaultUpdate = next;
      this.stateUpdates.push([state, next]);
    }
    return Object.assign(value, { rng: state, update: [state, next] as const });
  }
}

/** A seed for streams made without one (from the platform's crypto source when present). */
function randomSeed(): number {
  const c = (globalThis as { crypto?: { getRandomValues(a: Uint32Array): Uint32Array } }).crypto;
  if (c !== undefined) {
    const w = c.getRandomValues(new Uint32Array(2));
    return (w[0]! & 0x1fffff) * 2 ** 32 + w[1]!;
  }
  return Date.now();
}

/** `th.randomStreams(seed)`: a new RandomStream. */
export function randomStreams(seed?: number): RandomStream {
  return new RandomStream(seed);
}
