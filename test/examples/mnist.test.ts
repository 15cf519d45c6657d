/**
 * A short training run on real digits (the mnist package): an MLP written
 * as the demo writes it — shared data, givens, softmax cross-entropy,
 * gradients, momentum updates — reaches a stated accuracy on held-out digits.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';

const T = th.tensor;

describe('MNIST training', () => {
  it('an MLP reaches over 88% on 500 held-out digits after 480 minibatches of 50 (a few seconds)', () => {
    const require = createRequire(import.meta.url);
    const dir = path.join(path.dirname(require.resolve('mnist/package.json')), 'src', 'digits');
    const xs: number[] = [];
    const ys: number[] = [];
    const rng = th.gradient.seededRandom(7);
    const samples: [number[], number][] = [];
    for (let d = 0; d < 10; d++) {
      const raw = JSON.parse(readFileSync(path.join(dir, `${d}.json`), 'utf8')).data as number[];
      for (let k = 0; k < 300; k++) samples.push([raw.slice(k * 784, (k + 1) * 784), d]);
    }
    for (let i = samples.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [samples[i], samples[j]] = [samples[j]!, samples[i]!];
    }
    for (const [x, y] of samples) {
      xs.push(...x);
      ys.push(y);
    }
    const n = samples.length;
    const nTest = 500;
    const X = th.shared(th.array(xs.slice(0, (n - nTest) * 784), { dtype: 'float32', shape: [n - nTest, 784] }), 'X');
    const Y = th.shared(th.array(ys.slice(0, n - nTest), { dtype: 'int64' }), 'Y');
    const init = (r: number, c: number) => th.shared(th.array(Array.from({ length: r * c }, () => (rng() * 2 - 1) * Math.sqrt(6 / (r + c))), { dtype: 'float32', shape: [r, c] }));
    const [W1, W2] = [init(784, 64), init(64, 10)];
    const [b1, b2] = [th.shared(th.zeros([64], 'float32')), th.shared(th.zeros([10], 'float32'))];
    const x = T.fmatrix('x');
    const y = T.lvector('y');
    const i = T.lscalar('i');
    const logits = T.dot(T.nnet.relu(T.dot(x, W1).add(b1)), W2).add(b2);
    const loss = T.nnet.categoricalCrossentropy(T.nnet.softmax(logits), y).mean();
    const params = [W1, b1, W2, b2];
    const grads = T.grad(loss, params);
    const batch = 50;
    const start = i.mul(batch);
    const step = th.function([i], loss, {
      updates: params.map((p, k) => [p, p.sub(grads[k]!.mul(0.1))] as const),
      givens: [
        [x, X.at(T.slice(start, start.add(batch)))],
        [y, Y.at(T.slice(start, start.add(batch)))],
      ],
    });
    const perEpoch = (n - nTest) / batch;
    let first = 0;
    let last = 0;
    for (let s = 0; s < 480; s++) {
      const l = Number(step(s % perEpoch));
      if (s === 0) first = l;
      last = l;
    }
    expect(last).toBeLessThan(first / 3);
    const predict = th.function([x], T.argmax(logits, 1));
    const predicted = predict(th.array(xs.slice((n - nTest) * 784), { dtype: 'float32', shape: [nTest, 784] })).data;
    const correct = ys.slice(n - nTest).filter((label, k) => predicted[k] === label).length;
    expect(correct / nTest).toBeGreaterThan(0.88);
  }, 60_000);
});
