// The deterministic data generator of shared/bench/WORKLOADS.md, in JS.
// bench/peers/numpy_bench.py has the same generator in Python; both print
// the checksums below so that equality of the inputs across systems shows.
//
//   x = i + (seed * 0x9E3779B9 mod 2^32)                       (uint32, wrapping)
//   x ^= x >> 16; x *= 0x7FEB352D; x ^= x >> 15; x *= 0x846CA68B; x ^= x >> 16
//   u = (x >> 8) / 2^24;  value = lo + (hi - lo) * u
//   labels(seed, n, k) = (x >> 8) mod k

/** The 24-bit integer (x >> 8) for index i of stream `seed`. */
function mix24(seed, i) {
  let x = (i + (Math.imul(seed, 0x9e3779b9) >>> 0)) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return x >>> 8;
}

/** urand(seed, n, lo = 0, hi = 1) → Float64Array(n). */
export function urand(seed, n, lo = 0, hi = 1) {
  const out = new Float64Array(n);
  const span = hi - lo;
  for (let i = 0; i < n; i++) out[i] = lo + span * (mix24(seed, i) / 16777216);
  return out;
}

/** labels(seed, n, k) → Int32Array(n) of (x >> 8) mod k. */
export function labels(seed, n, k) {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = mix24(seed, i) % k;
  return out;
}

/**
 * Checksum of a stream: the exact integer sum of its 24-bit draws (x >> 8)
 * (order-independent, below 2^53 for any n we use), so both languages print
 * the same digits when they generate the same bits.
 */
export function streamChecksum(seed, n) {
  let s = 0;
  for (let i = 0; i < n; i++) s += mix24(seed, i);
  return s;
}

/** Sequential float64 sum (the same order in every language that uses it). */
export function seqSum(arr) {
  let s = 0;
  for (let i = 0; i < arr.length; i++) s += arr[i];
  return s;
}

/** Float64Array → Float32Array (round to nearest, as numpy's astype). */
export const toF32 = (a) => Float32Array.from(a);

/** The data checksums printed by every system: [name, seed, n]. */
export const CHECKED_STREAMS = [
  ['B1 a', 1, 1_000_000],
  ['B1 b', 2, 1_000_000],
  ['B1 c', 3, 1_000_000],
  ['B2 A 512', 4, 512 * 512],
  ['B2 B 512', 5, 512 * 512],
  ['B3 x', 6, 400 * 784],
  ['B3 y', 7, 400],
  ['B3 w0', 8, 784],
];
