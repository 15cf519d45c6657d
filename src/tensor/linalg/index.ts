/**
 * Linear algebra on 2-d matrices (Theano's `tensor.nlinalg` / `slinalg`,
 * numpy's `linalg`): inverse, determinants, solve, Cholesky, QR, eigh, SVD,
 * pseudo-inverse, trace and norms, with gradients. Batched (leading) axes
 * are not supported.
 */
export { LinAlgError } from './errors.js';
export { MatrixInverse, matrixInverse } from './inverse.js';
export { Det, SLogDet, det, slogdet } from './det.js';
export { Solve, solve } from './solve.js';
export { Cholesky, cholesky } from './cholesky.js';
export { QR, qr } from './qr.js';
export { Eigh, eigh } from './eigh.js';
export { SVD, svd, singularValues } from './svd.js';
export { Pinv, pinv } from './pinv.js';
export { MaxAbs, maxAbs } from './maxAbs.js';
export { trace } from './trace.js';
export { norm, type NormOrder } from './norm.js';
