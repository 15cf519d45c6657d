/**
 * Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as
 * easy as 1, 2, 3", SC'11; the Random123 library): a counter-based
 * generator. One block maps a 128-bit counter and a 64-bit key to four
 * uint32 words by ten rounds of 32×32→64-bit multiplications and xors; the
 * stream is the blocks for counters 0, 1, 2, ... Everything here is integer
 * arithmetic on uint32 values, so the same key and counter give the same
 * words on every machine and JS engine (checked against Random123's
 * known-answer vectors in the tests).
 *
 * A generator state is a uint32 vector of STATE_LENGTH words:
 * [key0, key1, counter0, counter1, counter2, counter3] (counter0 lowest).
 * A draw reads whole blocks starting at the counter and leaves the counter
 * at the first unused block (words left over in the last block are dropped).
 */
import { NDArray } from '../ndarray/ndarray.js';
import { ValueError } from '../errors.js';

export const STATE_LENGTH = 6;

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** The high 32 bits of the 64-bit product of two uint32 values (exact, by 16-bit halves). */
function mulhi(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const ll = al * bl;
  const lh = al * bh;
  const hl = ah * bl;
  const cross = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (cross >>> 16)) >>> 0;
}

/** One Philox4x32-10 block: four output words for a counter (4 words) and a key (2 words). */
export function philoxBlock(counter: ArrayLike<number>, key: ArrayLike<number>, out: Uint32Array | number[] = new Uint32Array(4)): Uint32Array | number[] {
  let c0 = counter[0]! >>> 0;
  let c1 = counter[1]! >>> 0;
  let c2 = counter[2]! >>> 0;
  let c3 = counter[3]! >>> 0;
  let k0 = key[0]! >>> 0;
  let k1 = key[1]! >>> 0;
  for (let round = 0; round < 10; round++) {
    if (round > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const hi0 = mulhi(M0, c0);
    const lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2);
    const lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
  return out;
}

const TWO32 = 2 ** 32;

/** Checks a seed: an integer in [0, 2^53). */
export function checkSeed(seed: unknown, what: string): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new ValueError(`${what}: a seed must be a non-negative integer below 2^53, got ${typeof seed === 'number' ? seed : typeof seed}`);
  }
  return seed;
}

/** A fresh state (counter 0) whose key is the 64-bit seed. */
export function stateFromSeed(seed: number): NDArray {
  const words = new Uint32Array([seed % TWO32, Math.floor(seed / TWO32), 0, 0, 0, 0]);
  return new NDArray(words, 'uint32', [STATE_LENGTH]);
}

/** Tag in the counter's top word that keeps sub-seed derivation apart from any drawing stream. */
const SUBSEED_TAG = 0x5eed5eed;

/**
 * The state of stream number `index` of a RandomStream seeded with `seed`:
 * its key is the first two words of the block for counter
 * [index lo, index hi, 0, SUBSEED_TAG] under the seed's key, its counter 0.
 */
export function subStreamState(seed: number, index: number): NDArray {
  const block = philoxBlock([index % TWO32, Math.floor(index / TWO32), 0, SUBSEED_TAG], [seed % TWO32, Math.floor(seed / TWO32)]);
  return new NDArray(new Uint32Array([block[0]!, block[1]!, 0, 0, 0, 0]), 'uint32', [STATE_LENGTH]);
}

/**
 * A reader of the stream a state starts: uint32 words, doubles in [0, 1),
 * 53-bit integers and standard normals, in a fixed order. `state()` is the
 * state after what has been read.
 */
export class PhiloxReader {
  private readonly key: [number, number];
  private readonly counter: Uint32Array;
  private readonly block = new Uint32Array(4);
  private used = 4;
  private spareNormal: number | null = null;

  constructor(state: NDArray) {
    const w = state.flatData();
    this.key = [w[0]!, w[1]!];
    this.counter = new Uint32Array([w[2]!, w[3]!, w[4]!, w[5]!]);
  }

  /** The next uint32 word. */
  nextUint32(): number {
    if (this.used === 4) {
      philoxBlock(this.counter, this.key, this.block);
      // 128-bit increment with carry.
      for (let i = 0; i < 4; i++) {
        this.counter[i] = (this.counter[i]! + 1) >>> 0;
        if (this.counter[i] !== 0) break;
      }
      this.used = 0;
    }
    return this.block[this.used++]!;
  }

  /** A uniform integer in [0, 2^53): 27 bits of one word, then 26 of the next. */
  nextInt53(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return a * 67108864 + b;
  }

  /** A uniform double in [0, 1) with 53 random bits (every value a multiple of 2^-53). */
  nextDouble(): number {
    return this.nextInt53() / 9007199254740992;
  }

  /**
   * A standard normal by the Box–Muller transform: two uniforms give two
   * independent normals, r·cos θ now and r·sin θ at the next call.
   * (The uniform stream is bit-exact everywhere; log/cos/sin are the JS
   * engine's Math functions.)
   */
  nextNormal(): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return z;
    }
    const u1 = 1 - this.nextDouble(); // in (0, 1]: log stays finite
    const u2 = this.nextDouble();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.spareNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** A uniform integer in [0, range) for 1 <= range <= 2^53, by rejection (no modulo bias). */
  nextBelow(range: number): number {
    if (range <= TWO32) {
      const limit = range * Math.floor(TWO32 / range);
      for (;;) {
        const x = this.nextUint32();
        if (x < limit) return x % range;
      }
    }
    const limit = range * Math.floor(9007199254740992 / range);
    for (;;) {
      const x = this.nextInt53();
      if (x < limit) return x % range;
    }
  }

  /** The state after everything read so far: the key and the counter of the next unread block. */
  state(): NDArray {
    const words = new Uint32Array([this.key[0], this.key[1], ...this.counter]);
    return new NDArray(words, 'uint32', [STATE_LENGTH]);
  }
}
