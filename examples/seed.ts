/**
 * The examples of the seed document (Theano's introduction), in theano-ts.
 * Run with `npm run demo`. Each prints what the original prints.
 */
import * as th from 'theano-ts';

const T = th.tensor;

function section(title: string): void {
  console.log(`\n== ${title} ==`);
}

section('1. Symbolic variables and broadcasting');
{
  const r = T.row();
  const mtr = T.matrix();
  console.log('r.broadcastable   =', r.broadcastable); // [ true, false ]
  console.log('mtr.broadcastable =', mtr.broadcastable); // [ false, false ]
  const fRow = th.function([r, mtr], [r.add(mtr)]);
  const R = th.arange(1, 3).reshape([1, 2]);
  const M = th.arange(1, 7).reshape([3, 2]);
  console.log(R);
  console.log(M);
  console.log(fRow(R, M)); // [array([[2., 4.], [4., 6.], [6., 8.]])]

  const sharedData = th.shared(th.array([[1, 2], [3, 4]]));
  console.log('shared variable:', sharedData.constructor.name, String(sharedData.type));
}

section('2. The graph: Variable, Apply, Op');
{
  const x = T.dmatrix('x');
  const y = T.dmatrix('y');
  const z = x.add(y);
  const node = z.owner!;
  console.log('z.owner.op      =', String(node.op));
  console.log('z.owner.inputs  =', node.inputs.map(String));
  console.log('z.owner.outputs =', node.outputs.map((o) => (o === z ? 'z' : String(o))));
  console.log('x.owner         =', x.owner, '(an input)');
  console.log('z.type          =', String(z.type));
}

section('3. Functions');
{
  const x = T.scalar('input', 'float32');
  const w = T.scalar('weight', 'float32');
  const b = T.scalar('bias', 'float32');
  const z = w.mul(x).add(b);
  const netInput = th.function([w, x, b], z);
  console.log(`net_input: ${Number(netInput(2.0, 3.0, 0.5)).toFixed(6)}`); // 6.500000

  const [xs, ys] = T.fscalars('x', 'y');
  const f = th.function([xs, ys], [xs.add(ys), xs.mul(ys)]);
  console.log(f(2, 3)); // [array(5.0, dtype=float32), array(6.0, dtype=float32)]
}

section('5. Shared variables and updates');
{
  const w = th.shared(1, 'w', { dtype: 'int64' });
  const x = T.iscalar('x');
  const f = th.function([x], w, { updates: [[w, w.add(x)]] });
  console.log(f(3)); // array(1): the value before the update
  console.log(w.getValue()); // array(4)

  const state = th.shared(0, 'state', { dtype: 'int64' });
  const inc = T.iscalar('inc');
  const accumulator = th.function([inc], state, { updates: [[state, state.add(inc)]] });
  console.log(state.getValue()); // array(0)
  accumulator(1);
  console.log(state.getValue()); // array(1)
  accumulator(300);
  console.log(state.getValue()); // array(301)
  state.setValue(-1);
  accumulator(3);
  console.log(state.getValue()); // array(2)
}

section('6. switch (evaluates both branches) and lazy ifelse (only the one taken)');
{
  const [a, b] = T.scalars('a', 'b');
  const [x, y] = T.matrices('x', 'y');
  const zSwitch = T.switch(T.lt(a, b), T.mean(x), T.mean(y));
  const zLazy = th.ifelse(T.lt(a, b), T.mean(x), T.mean(y));
  const fSwitch = th.function([a, b, x, y], zSwitch, { mode: new th.Mode({ linker: 'vm' }) });
  const fLazy = th.function([a, b, x, y], zLazy, { mode: new th.Mode({ linker: 'vm' }) });
  const big1 = th.ones([1000, 100]);
  const big2 = th.ones([1000, 100]);
  for (const [f, what] of [[fSwitch, 'both values'], [fLazy, 'one value']] as const) {
    f(1, 2, big1, big2); // warm-up: the first call compiles the JIT's code
    const start = performance.now();
    let out;
    for (let i = 0; i < 10; i++) out = f(1, 2, big1, big2);
    console.log(`time spent evaluating ${what} ${((performance.now() - start) / 1e3).toFixed(6)} sec; result ${out}`);
  }
}

section('7. Loops: scan (the polynomial)');
{
  const coefficients = T.ivector('coefficients');
  const powers = T.ivector('powers');
  const x = T.iscalar('x');
  const [result] = th.scan({
    fn: (coef: th.tensor.TensorVariable, power: th.tensor.TensorVariable, freeVar: th.tensor.TensorVariable) => coef.mul(freeVar.pow(power)),
    sequences: [coefficients, powers],
    outputsInfo: null,
    nonSequences: x,
  });
  const terms = result as th.tensor.TensorVariable;
  const polynomial = th.function([coefficients, powers, x], [terms, terms.sum()], { allowInputDowncast: true });
  const [t, total] = polynomial([2, 3, 4, 6, 5], [0, 1, 2, 3, 4], 10);
  console.log(t); // [    2    30   400  6000 50000]
  console.log(total); // 56432
}
