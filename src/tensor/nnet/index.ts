/** `th.tensor.nnet`: activations, softmax, losses (convolution and pooling join from nnet/conv). */
export { sigmoid, softplus, hardSigmoid, ultraFastSigmoid, relu, elu, selu, gelu, softsign, swish } from './activations.js';
export { Softmax, LogSoftmax, softmax, logSoftmax } from './softmax.js';
export { categoricalCrossentropy, binaryCrossentropy, sigmoidBinaryCrossentropy, squaredError, mse } from './losses.js';
export { batchNormalizationTrain, batchNormalizationTest, type BatchNormAxes, type BatchNormTrainOptions } from './batchnorm.js';
export { Conv2d, Conv2dGradInputs, Conv2dGradWeights, conv2d, Pool2d, Pool2dGrad, MaxPool2dGradGrad, pool2d, type Conv2dOptions, type BorderMode, type Pool2dOptions, type PoolMode } from './conv/index.js';
export { dropout, type BernoulliSource } from './dropout.js';
