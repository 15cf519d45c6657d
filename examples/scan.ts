/**
 * Loops with th.scan, as in Theano's scan tutorial: the seed's polynomial,
 * a two-tap recurrence (Fibonacci), a running sum, a power iteration that
 * stops itself with th.until, and a small RNN trained by gradients that flow
 * back through the loop. Run with `npm run demo:scan`.
 */
import * as th from 'theano-ts';

const T = th.tensor;
const one = (r: th.tensor.TensorVariable | th.tensor.TensorVariable[]) => r as th.tensor.TensorVariable;

// The seed's polynomial: coefficient * x ** power for each term.
{
  const coefs = T.ivector('coefs');
  const powers = T.ivector('powers');
  const x = T.iscalar('x');
  const [terms] = th.scan({ fn: (c, p, xv) => c.mul(xv.pow(p)), sequences: [coefs, powers], outputsInfo: null, nonSequences: x });
  const poly = th.function([coefs, powers, x], [one(terms), one(terms).sum()], { allowInputDowncast: true });
  const [t, total] = poly([2, 3, 4, 6, 5], [0, 1, 2, 3, 4], 10);
  console.log('polynomial terms', t!.toString(), 'sum', total!.toString()); // [2 30 400 6000 50000] 56432
}

// Two taps: each value is the sum of the two before it.
{
  const n = T.lscalar('n');
  const [fib] = th.scan({ fn: (a, b) => a.add(b), outputsInfo: { initial: T.constant(th.array([0, 1], { dtype: 'int64' })), taps: [-2, -1] }, nSteps: n });
  console.log('fibonacci', th.function([n], one(fib))(10).toString());
}

// A running sum, fed back at each step.
{
  const xs = T.dvector('xs');
  const [sums] = th.scan({ fn: (x, acc) => acc.add(x), sequences: xs, outputsInfo: T.constant(0, null, 'float64') });
  console.log('running sum', th.function([xs], one(sums))([1, 2, 3, 4, 5]).toString());
}

// Power iteration until the vector stops moving (do-while): the dominant eigenvector.
{
  const A = T.dmatrix('A');
  const v0 = T.dvector('v0');
  const [vs] = th.scan({
    fn: (v, a) => {
      const w = T.dot(a, v);
      const next = w.div(T.sqrt(w.mul(w).sum()));
      return [next, th.until(T.lt(T.abs(next.sub(v)).sum(), 1e-12))];
    },
    outputsInfo: v0,
    nonSequences: A,
    nSteps: 1000,
  });
  const power = th.function([A, v0], [one(vs).at(-1), T.shape(one(vs))]);
  const [v, steps] = power([[2, 1], [1, 3]], [1, 0]);
  console.log(`power iteration: ${v!.toString()} after ${Number(steps!.data[0])} steps`);
}

// A recurrent network learning to output the sum of a sequence; gradients flow back through the loop.
{
  const rng = th.gradient.seededRandom(3);
  const param = (r: number, c: number, name: string) =>
    th.shared(th.array(Array.from({ length: r * c }, () => (rng() - 0.5) * 0.6)).reshape([r, c]), name);
  const [W, U, V] = [param(8, 8, 'W'), param(1, 8, 'U'), param(8, 1, 'V')];
  const xs = T.dtensor3('xs'); // (steps, batch, 1)
  const target = T.dmatrix('target');
  const [hs] = th.scan({ fn: (x, h) => T.tanh(T.dot(h, W).add(T.dot(x, U))), sequences: xs, outputsInfo: T.constant(th.zeros([16, 8])), name: 'rnn' });
  const loss = T.dot(one(hs).at(-1), V).sub(target).pow(2).mean();
  const grads = T.grad(loss, [W, U, V]);
  const train = th.function([xs, target], loss, { updates: [W, U, V].map((p, k) => [p, p.sub(grads[k]!.mul(0.2))] as const) });
  const steps = 5;
  const data = Array.from({ length: steps }, () => Array.from({ length: 16 }, () => [(rng() - 0.5) * 0.8]));
  const sums = Array.from({ length: 16 }, (_, b) => [data.reduce((s, step) => s + step[b]![0]!, 0)]);
  for (let epoch = 0; epoch <= 300; epoch++) {
    const l = Number(train(data, sums));
    if (epoch % 60 === 0) console.log(`rnn epoch ${epoch}: loss ${l.toFixed(5)}`);
  }
}
