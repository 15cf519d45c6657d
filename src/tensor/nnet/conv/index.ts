/** `th.tensor.nnet` convolution and pooling (Theano's `nnet.conv2d` and `signal.pool.pool_2d`), NCHW layout. */
export { Conv2d, Conv2dGradInputs, Conv2dGradWeights, conv2d, type Conv2dOptions, type BorderMode } from './conv2d.js';
export { Pool2d, Pool2dGrad, MaxPool2dGradGrad, pool2d, poolOutLength, type Pool2dOptions, type PoolMode } from './pool.js';
