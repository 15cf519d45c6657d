/**
 * Theano's shorthands over scan: `map` applies fn to each step's elements,
 * `reduce` (and `foldl`, `foldr`) carry accumulators through the steps and
 * return only their final values. Each returns `[outputs, updates]` as scan.
 */
import type { TensorLike } from '../tensor/asTensor.js';
import type { TensorVariable } from '../tensor/variable.js';
import { scan, type OutputInfo, type ScanOptions, type ScanResult, type SequenceInfo } from './scan.js';

type Sequences = ScanOptions['sequences'];
type Extra = Omit<ScanOptions, 'fn' | 'sequences' | 'outputsInfo' | 'nonSequences'>;

/** fn over the elements of the sequences, stacked: `map((x) => x.mul(2), xs)`. */
export function map(fn: ScanOptions['fn'], sequences: Sequences, nonSequences?: TensorLike | readonly TensorLike[], options: Extra = {}): ScanResult {
  return scan({ ...options, fn, sequences, nonSequences });
}

/**
 * The final values of accumulators updated at each step:
 * `reduce((x, acc) => acc.add(x), xs, 0)` is the sum of xs' entries.
 */
export function reduce(
  fn: ScanOptions['fn'],
  sequences: Sequences,
  outputsInfo: TensorLike | OutputInfo | null | readonly (TensorLike | OutputInfo | null | undefined)[],
  nonSequences?: TensorLike | readonly TensorLike[],
  options: Extra = {},
): ScanResult {
  const [outputs, updates] = scan({ ...options, fn, sequences, outputsInfo, nonSequences, returnList: true });
  const last = (outputs as TensorVariable[]).map((o) => o.at(-1));
  return [last.length === 1 && !options.returnList ? last[0]! : last, updates];
}

/** reduce from the first step to the last. */
export function foldl(fn: ScanOptions['fn'], sequences: Sequences, outputsInfo: Parameters<typeof reduce>[2], nonSequences?: TensorLike | readonly TensorLike[], options: Extra = {}): ScanResult {
  return reduce(fn, sequences, outputsInfo, nonSequences, { ...options, goBackwards: false });
}

/** reduce from the last step to the first. */
export function foldr(fn: ScanOptions['fn'], sequences: Sequences, outputsInfo: Parameters<typeof reduce>[2], nonSequences?: TensorLike | readonly TensorLike[], options: Extra = {}): ScanResult {
  return reduce(fn, sequences, outputsInfo, nonSequences, { ...options, goBackwards: true });
}

export type { SequenceInfo };
