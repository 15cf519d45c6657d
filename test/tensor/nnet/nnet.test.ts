/** nnet: activations and softmax against numpy, their gradients, the losses, and stability at logits of ±1000. */
import { describe, expect, it } from 'vitest';
import * as th from '../../../src/index.js';
import * as nnet from '../../../src/tensor/nnet/index.js';
import { LogSoftmax } from '../../../src/tensor/nnet/softmax.js';
import type { TensorVariable } from '../../../src/tensor/variable.js';
import { expectAllClose } from '../../helpers/allclose.js';

const T = th.tensor;
const N = {"x": [-3.0, -1.0, -0.2, 0.0, 0.5, 2.0, 4.0], "hard": [0.0, 0.3, 0.45999999999999996, 0.5, 0.6, 0.9, 1.0], "ufs": [0.04999999999999999, 0.25, 0.4318181818181818, 0.5, 0.65, 0.875, 0.9745867295035069], "relu": [0.0, 0.0, 0.0, 0.0, 0.5, 2.0, 4.0], "leaky": [-0.30000000000000004, -0.1, -0.020000000000000004, 0.0, 0.5, 2.0, 4.0], "elu": [-0.950212931632136, -0.6321205588285577, -0.18126924692201815, 0.0, 0.5, 2.0, 4.0], "selu": [-1.6705687287671118, -1.1113307378125625, -0.31868934352950046, 0.0, 0.5253504936777402, 2.101401974710961, 4.202803949421922], "gelu": [-0.00404969409489031, -0.15865525393145707, -0.0841480581121794, 0.0, 0.34573123063700656, 1.9544997361036416, 3.9998733150326675], "gelut": [-0.0036373920817729943, -0.1588080093917233, -0.08414857021789374, 0.0, 0.34571400982514394, 1.954597694087775, 3.9999297540518075], "softsign": [-0.75, -0.5, -0.16666666666666669, 0.0, 0.3333333333333333, 0.6666666666666666, 0.8], "swish": [-0.14227761953270035, -0.2689414213699951, -0.09003320053750444, 0.0, 0.3112296656009273, 1.7615941559557646, 3.928055160151634], "swish2": [-0.007417869469904323, -0.11920292202211755, -0.0802624679775096, 0.0, 0.36552928931500245, 1.964027580075817, 3.9986585994781345], "sm": [[0.09003057317038046, 0.24472847105479764, 0.6652409557748218], [0.0, 0.0, 1.0]], "lsm": [[-2.4076059644443806, -1.4076059644443804, -0.4076059644443804], [-1001.0, -1000.0, 0.0]], "sm0": [[0.8807970779778823, 0.8807970779778823, 0.0], [0.11920292202211755, 0.11920292202211755, 1.0]]} as unknown as Record<string, number[]>;
const tol = { rtol: 1e-12, atol: 1e-14 };

describe.each(['js', 'vm'] as const)('activations and softmax (%s)', (linker) => {
  const mode = () => new th.Mode({ linker });
  it('activations match numpy', () => {
    const x = T.dvector('x');
    const fs: [string, TensorVariable][] = [
      ['hard', nnet.hardSigmoid(x)], ['ufs', nnet.ultraFastSigmoid(x)], ['relu', nnet.relu(x)], ['leaky', nnet.relu(x, 0.1)],
      ['elu', nnet.elu(x)], ['selu', nnet.selu(x)], ['gelu', nnet.gelu(x)], ['gelut', nnet.gelu(x, { approximate: true })],
      ['softsign', nnet.softsign(x)], ['swish', nnet.swish(x)], ['swish2', nnet.swish(x, 2)],
    ];
    const out = th.function([x], fs.map(([, v]) => v), { mode: mode() })(N.x);
    fs.forEach(([name], i) => expectAllClose(out[i]!, N[name]!, { rtol: 1e-12, atol: 1e-12 }));
  });

  it('softmax and logSoftmax along an axis, stable at 1000', () => {
    const m = T.dmatrix('m');
    const [s, l, s0] = th.function([m], [nnet.softmax(m), nnet.logSoftmax(m), nnet.softmax(m, 0)], { mode: mode() })([[1, 2, 3], [-1, 0, 1000]]);
    expectAllClose(s!, N.sm!, tol);
    expectAllClose(l!, N.lsm!, tol);
    expectAllClose(s0!, N.sm0!, tol);
  });
});

describe('nnet gradients and losses', () => {
  it('verifyGrad of softmax, logSoftmax and the activations', () => {
    const p = th.array([[0.3, -1.2, 2], [0.5, 0.1, -0.7]]);
    th.gradient.verifyGrad((x: TensorVariable) => nnet.softmax(x).mul(th.array([[1, 2, 3], [4, 5, 6]])).sum(), [p]);
    th.gradient.verifyGrad((x: TensorVariable) => nnet.logSoftmax(x, 0).mul(th.array([[1, 2, 3], [4, 5, 6]])).sum(), [p]);
    for (const f of [nnet.elu, nnet.selu, nnet.gelu, nnet.softsign, nnet.swish, nnet.ultraFastSigmoid, (v: TensorVariable) => nnet.relu(v, 0.2)]) {
      th.gradient.verifyGrad((x: TensorVariable) => f(x).sum(), [p]);
    }
    // Second derivatives through the softmax gradient op.
    th.gradient.verifyGrad((x: TensorVariable) => T.grad(nnet.softmax(x).at(':', 0).pow(2).sum(), x).sum(), [p]);
  });

  it('cross-entropies: labels, one-hot targets, binary, from logits, squared error', () => {
    const p = T.dmatrix('p');
    const y = T.lvector('y');
    const t = T.dmatrix('t');
    const f = th.function([p, y, t], [nnet.categoricalCrossentropy(p, y), nnet.categoricalCrossentropy(p, t)]);
    const [a, b] = f([[0.2, 0.8], [0.6, 0.4]], [1, 0], [[0, 1], [1, 0]]);
    expectAllClose(a!, [-Math.log(0.8), -Math.log(0.6)], tol);
    expectAllClose(b!, [-Math.log(0.8), -Math.log(0.6)], tol);
    const [x, z] = T.dvectors('x', 'z');
    const g = th.function([x, z], [nnet.binaryCrossentropy(T.sigmoid(x), z), nnet.sigmoidBinaryCrossentropy(x, z), nnet.mse(x, z), nnet.squaredError(x, z)]);
    const [bce, sbce, mse, se] = g([0.5, -2], [1, 0]);
    expectAllClose(bce!, sbce!, { rtol: 1e-12, atol: 1e-14 });
    expect(Number(mse)).toBeCloseTo(((0.5 - 1) ** 2 + 4) / 2, 14);
    expect(se!.toArray()).toEqual([0.25, 4]);
    expect(() => nnet.categoricalCrossentropy(T.dvector('v'), y)).toThrow(/probabilities must be a matrix/);
    expect(() => nnet.categoricalCrossentropy(p, T.lmatrix('l'))).toThrow(/integer labels must be a vector/);
  });

  it('softmax cross-entropy is finite, with a finite gradient, at logits of ±1000', () => {
    const x = T.dmatrix('x');
    const y = T.lvector('y');
    const t = T.dmatrix('t');
    for (const loss of [nnet.categoricalCrossentropy(nnet.softmax(x), y).mean(), nnet.categoricalCrossentropy(nnet.softmax(x), t).mean()]) {
      const f = th.function([x, y, t], [loss, T.grad(loss, x)], { onUnusedInput: 'ignore' });
      const ops = [...f.maker.fgraph.applyNodes].map((n) => n.op);
      expect(ops.some((op) => op instanceof LogSoftmax)).toBe(true);
      const [l, g] = f([[1000, -1000], [-1000, 1000]], [1, 1], [[0, 1], [0, 1]]);
      expect(Number(l)).toBeCloseTo(1000, 10);
      expectAllClose(g!, [[0.5, -0.5], [0, 0]], tol);
      // The unrewritten graph gives inf and NaN there.
      const naive = th.function([x, y, t], [loss, T.grad(loss, x)], { onUnusedInput: 'ignore', mode: new th.Mode({ excluding: ['nnet'] }) });
      const [nl, ng] = naive([[1000, -1000], [-1000, 1000]], [1, 1], [[0, 1], [0, 1]]);
      expect(Number.isFinite(Number(nl)) && Array.from(ng!.data).every(Number.isFinite)).toBe(false);
    }
  });
});

describe('batch normalization', () => {
  const B = {"x": [[2.041, -2.556, 0.418], [-0.568, -0.453, -0.216], [-2.02, -0.232, -0.865], [3.323, 0.226, -0.353]], "out": [[0.640613977055655, -2.371826338921768, -0.26527753132835785], [-0.6001891900848082, 1.562672643324024, -0.9584531937358297], [-1.2907396686926857, 1.9761411526327828, -1.6680289112475792], [1.250314881721839, 2.833012542964962, -1.108240363688233]], "nm": [0.0694, -0.07537500000000001, -0.025400000000000002], "nv": [1.489483, 1.0523562916666667, 0.9278716666666667], "x4": [[[[-0.281, -0.668], [-1.055, -0.391]], [[0.482, -0.239], [0.958, -0.2]], [[0.024, 1.546], [0.545, -0.505]]], [[[-0.183, 0.541], [1.935, -0.27]], [[-0.244, 1.002], [-0.886, -0.292]], [[0.883, 0.58], [0.092, 0.67]]]], "o4": [[[[-0.27248364368035155, -0.7221688040398229], [-1.1718539643992942, -0.40030113112102816]], [[0.652725805158693, -0.49686883427805256], [1.41168148944703, -0.43468549039728543]], [[-0.7859193831273126, 1.840859208406631], [0.11326041068949738, -1.6989061603424611]]], [[[-0.15860988214229418, 0.6826615806490683], [2.3024577396700066, -0.2597018949362839]], [[-0.5048410578525099, 1.4818370569022545], [-1.52847456481283, -0.5813744041673001]], [[0.6966054592693087, 0.1736659630572292], [-0.6685600242414333, 0.3289945262885401]]]]} as unknown as Record<string, number[]>;
  it('train: per-activation values and running averages as numpy; spatial over NCHW', () => {
    const x = T.dmatrix('x');
    const [out, , , nm, nv] = nnet.batchNormalizationTrain(x, th.array([1, 2, 0.5]), th.array([0, 1, -1]), { runningMean: th.zeros([3]), runningVar: th.ones([3]) });
    const [o, m, v] = th.function([x], [out!, nm!, nv!])(B.x);
    expectAllClose(o!, B.out!, { rtol: 1e-10, atol: 1e-12 });
    expectAllClose(m!, B.nm!, tol);
    expectAllClose(v!, B.nv!, { rtol: 1e-12, atol: 1e-12 });
    const x4 = T.dtensor4('x4');
    const [o4] = nnet.batchNormalizationTrain(x4, th.ones([3]), th.zeros([3]), { axes: 'spatial', epsilon: 1e-3 });
    expectAllClose(th.function([x4], o4!)(B.x4), B.o4!, { rtol: 1e-10, atol: 1e-12 });
  });

  it('test form uses the given statistics; gradients by verifyGrad; errors', () => {
    const x = T.dmatrix('x');
    const y = nnet.batchNormalizationTest(x, th.array([2, 2, 2]), th.array([1, 1, 1]), th.array([0, 1, 2]), th.array([1, 4, 9]), { epsilon: 0 });
    expectAllClose(th.function([x], y)([[1, 3, 5], [0, 1, 2]]), [[3, 3, 3], [1, 1, 1]], { rtol: 1e-12, atol: 1e-12 });
    th.gradient.verifyGrad((v: TensorVariable, g: TensorVariable) => nnet.batchNormalizationTrain(v, g, th.array([0.1, 0.2, 0.3]))[0]!.pow(2).mul(th.array([[1, 2, 3]])).sum(), [th.array(B.x as never), th.array([1, 2, 0.5])]);
    expect(() => nnet.batchNormalizationTrain(x, T.dtensor3('g'), th.zeros([3]))).toThrow(/gamma must be 2-d .* or 1-d/);
    expect(() => nnet.batchNormalizationTrain(x, th.ones([3]), th.zeros([3]), { axes: [0, 0] })).toThrow(/are not distinct axes/);
  });
});

describe('dropout', () => {
  it('zeroes about p of the entries, scales the rest, draws a new mask each call', () => {
    const x = T.dvector('x');
    const rs = th.randomStreams(9);
    const f = th.function([x], nnet.dropout(x, 0.25, rs));
    const ones = th.ones([20000]);
    const a = f(ones);
    const b = f(ones);
    const kept = Array.from(a.data).filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 4 / 3) < 1e-12)).toBe(true);
    expect(Math.abs(kept.length / 20000 - 0.75)).toBeLessThan(0.02);
    expect(Array.from(a.data)).not.toEqual(Array.from(b.data));
    expect(nnet.dropout(x, 0, rs)).toBe(x);
    expect(() => nnet.dropout(x, 1, rs)).toThrow(/probability of dropping an entry, in \[0, 1\)/);
    // The gradient is the mask of the same call, scaled: with x = 1 it equals the output.
    const y = nnet.dropout(x, 0.5, th.randomStreams(1));
    const [out, g] = th.function([x], [y, T.grad(y.sum(), x)])(th.ones([50]));
    expect(Array.from(g!.data)).toEqual(Array.from(out!.data));
  });
});
