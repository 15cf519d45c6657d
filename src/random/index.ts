/**
 * Random streams (Theano's `RandomStreams`): symbolic random variables
 * drawn by a portable counter-based generator (Philox4x32-10), each with
 * its generator state in a shared variable updated by every call.
 */
export {
  RandomStream,
  randomStreams,
  type RandomTensor,
  type RandomStreamState,
  type SizeLike,
  type UniformOptions,
  type NormalOptions,
  type BinomialOptions,
  type BernoulliOptions,
  type IntegersOptions,
  type ChoiceOptions,
} from './stream.js';
export { RandomVariable, Choice } from './randomVariable.js';
export { DISTRIBUTIONS, type DistributionName, type Distribution } from './distributions.js';
export { philoxBlock, PhiloxReader, stateFromSeed, subStreamState, STATE_LENGTH } from './philox.js';
