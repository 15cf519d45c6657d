/**
 * The seed document's logistic regression, as a Theano user writes it:
 * symbolic inputs, shared parameters, a cost with L2 regularisation, its
 * gradient, and a training function whose updates take one gradient step.
 * Run with `npm run demo:logreg` (or `npx tsx examples/logistic-regression.ts`).
 */
import * as th from 'theano-ts';

const T = th.tensor;

// A seeded generator, so every run (and every machine) sees the same data.
const rng = th.gradient.seededRandom(1234);
const randn = (): number => {
  // Box–Muller transform of two uniform numbers.
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
};

const N = 10; // training samples
const feats = 3; // features per sample
const D: [th.NDArray, th.NDArray] = [
  th.array(Array.from({ length: N }, () => Array.from({ length: feats }, randn)), { dtype: 'float32' }),
  th.array(Array.from({ length: N }, () => (rng() < 0.5 ? 0 : 1)), { dtype: 'float32' }),
];

// Symbolic inputs: the samples and their labels.
const x = T.matrix('x');
const y = T.vector('y');

// Parameters: random weights and a zero bias, as shared variables.
const w = th.shared(th.array(Array.from({ length: feats }, randn)), 'w');
const b = th.shared(0, 'b');

// The model, its cross-entropy, and the cost with weight decay 0.01.
const p1 = T.trueDiv(1, T.add(1, T.exp(T.dot(x, w).neg().sub(b)))); // probability that the label is 1
const xent = y.neg().mul(T.log(p1)).sub(T.sub(1, y).mul(T.log(T.sub(1, p1))));
const cost = xent.mean().add(T.mul(0.01, w.pow(2).sum()));
const [gw, gb] = T.grad(cost, [w, b]);
const prediction = p1.gt(0.5);

const train = th.function([x, y], [prediction, xent], {
  updates: [
    [w, w.sub(gw.mul(0.1))],
    [b, b.sub(gb.mul(0.1))],
  ],
  name: 'train',
});
const predict = th.function([x], prediction, { name: 'predict' });

const trainingSteps = 1000;
for (let i = 0; i < trainingSteps; i++) {
  const [, err] = train(D[0], D[1]);
  if (i % 100 === 0 || i === trainingSteps - 1) {
    const meanErr = err!.toArray() as number[];
    console.log(`step ${String(i).padStart(4)}: mean cross-entropy ${(meanErr.reduce((s, e) => s + e, 0) / meanErr.length).toFixed(6)}`);
  }
}

const predicted = predict(D[0]).toArray() as boolean[];
const labels = D[1].toArray() as number[];
const accuracy = predicted.filter((p, i) => Number(p) === labels[i]).length / N;
console.log('final w:', w.getValue());
console.log('final b:', b.getValue());
console.log('target values for D:', D[1]);
console.log('prediction on D:    ', predict(D[0]));
console.log(`accuracy: ${(accuracy * 100).toFixed(1)}%`);
