/** LinAlgError (numpy's `numpy.linalg.LinAlgError`): a matrix the algorithm cannot take (singular, not positive definite, no convergence). */
import { TheanoError } from '../../errors.js';

export class LinAlgError extends TheanoError {
  override name = 'LinAlgError';
}
