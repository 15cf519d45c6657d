/**
 * DebugMode: correct graphs run unchanged (same results and updates as the
 * default mode); broken ops — one that changes its input, one whose perform
 * depends on hidden state, one whose perform disagrees with its generated
 * kernel — and wrong rewrites (registered here under tags no default
 * optimizer selects) raise DebugModeError with messages that name the op,
 * the node, the worst element and where the node was built.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as th from '../../src/index.js';
import { DebugModeError } from '../../src/compile/index.js';
import { Apply } from '../../src/graph/apply.js';
import { Op, type OutputCell } from '../../src/graph/op.js';
import type { Variable } from '../../src/graph/variable.js';
import type { FunctionGraph } from '../../src/graph/fgraph.js';
import { NDArray } from '../../src/ndarray/ndarray.js';
import * as S from '../../src/scalar/ops.js';
import { Elemwise } from '../../src/tensor/elemwise.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import { nodeRewriter, rewriteDB } from '../../src/rewrite/index.js';
import { expectAllClose } from '../helpers/allclose.js';

const T = th.tensor;
const debug = new th.Mode({ debug: true });
const debugVM = new th.Mode({ debug: true, linker: 'vm' });

/** The tensor output of a test op's node. */
const out = (v: Variable): TensorVariable => v as TensorVariable;

/** The DebugModeError `f` throws (fails the test when it throws nothing or something else). */
function debugError(f: () => unknown): DebugModeError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DebugModeError);
    expect(e).toBeInstanceOf(th.TheanoError);
    return e as DebugModeError;
  }
  throw new Error('expected a DebugModeError, nothing was thrown');
}

// ---- test ops -------------------------------------------------------------

/** Returns x + 1 — and also adds 1 to its input's first element, without declaring it. */
class ScribbleOp extends Op {
  makeNode(x: Variable): Apply {
    return new Apply(this, [x], [x.type]);
  }
  perform(_node: Apply, [x]: readonly unknown[], [out]: OutputCell[]): void {
    const a = x as NDArray;
    const result = a.copy();
    for (let k = 0; k < result.data.length; k++) result.data[k] = result.data[k]! + 1;
    a.data[a.offset] = a.data[a.offset]! + 1;
    out!.value = result;
  }
}

/** Overwrites its input with x * 2 and returns it — declared in its destroyMap, so legitimate. */
class DoubleInPlaceOp extends Op {
  override readonly destroyMap = { 0: [0] };
  makeNode(x: Variable): Apply {
    return new Apply(this, [x], [x.type]);
  }
  perform(_node: Apply, [x]: readonly unknown[], [out]: OutputCell[]): void {
    const a = x as NDArray;
    a.forEachIndex((i) => (a.data[i] = a.data[i]! * 2));
    out!.value = a;
  }
}

/** x + (number of times perform ran): its output depends on hidden state. */
class CounterOp extends Op {
  private calls = 0;
  makeNode(x: Variable): Apply {
    return new Apply(this, [x], [x.type]);
  }
  perform(_node: Apply, [x]: readonly unknown[], [out]: OutputCell[]): void {
    const result = (x as NDArray).copy();
    const c = this.calls++;
    for (let k = 0; k < result.data.length; k++) result.data[k] = result.data[k]! + c;
    out!.value = result;
  }
}

/** An elementwise op whose perform is off by one: its generated kernel (from the scalar op) is right. */
class OffByOneElemwise extends Elemwise {
  override perform(node: Apply, inputs: readonly unknown[], outputs: OutputCell[]): void {
    super.perform(node, inputs, outputs);
    const out = outputs[0]!.value as NDArray;
    const fresh = out.copy();
    fresh.data[0] = fresh.data[0]! + 1;
    outputs[0]!.value = fresh;
  }
}

/** Returns a float32 array from a float64 node: a value that does not fit its output type. */
class WrongDtypeOp extends Op {
  makeNode(x: Variable): Apply {
    return new Apply(this, [x], [x.type]);
  }
  perform(_node: Apply, [x]: readonly unknown[], [out]: OutputCell[]): void {
    out!.value = (x as NDArray).astype('float32');
  }
}

// ---- test rewrites, selected only by tags no optimizer uses -----------------

const WRONG_REWRITE_TAG = 'debugModeTest_sinToCos';
const RETYPE_TAG = 'debugModeTest_retypeOutput';

// sin(x) → cos(x): type-correct, value-wrong.
rewriteDB.registerNode(
  nodeRewriter('debugModeTestSinToCos', (node) => {
    if (!(node.op instanceof Elemwise) || node.op.scalarOp !== S.sin) return null;
    return [T.cos(node.inputs[0] as TensorVariable)];
  }),
  'specialize',
  [WRONG_REWRITE_TAG],
);
// A graph pass that points output 0 at a float32 cast of itself: changes the output's type.
rewriteDB.registerPass(
  {
    name: 'debugModeTestRetype',
    apply(fgraph: FunctionGraph): number {
      const out = fgraph.outputs[0] as TensorVariable;
      if (out.dtype !== 'float64') return 0;
      fgraph.changeInput({ node: 'output', index: 0 }, T.cast(out, 'float32'), 'debugModeTestRetype');
      return 1;
    },
  },
  'specialize',
  [RETYPE_TAG],
);

// ---- tests ------------------------------------------------------------------

describe('Mode({ debug: true })', () => {
  it('is a Mode option and a mode name', () => {
    expect(debug.debug).toBe(true);
    expect(new th.Mode().debug).toBe(false);
    expect(String(debug)).toContain('debug=true');
    expect(debug.withExcluding('stabilize').debug).toBe(true);
    expect(debug.withIncluding('stable').debug).toBe(true);
    const x = T.dvector('x');
    const f = th.function([x], x.mul(2), { mode: 'DebugMode' });
    expect((f([1, 2]) as NDArray).toArray()).toEqual([2, 4]);
    expect(f.maker.mode.debug).toBe(true);
    expect(f.maker.mode.optimizer).toBe('fast_run');
    // @ts-expect-error: debug is a boolean
    expect(() => new th.Mode({ debug: 'yes' })).toThrow(th.CompileError);
  });
});

describe('correct graphs run unchanged in DebugMode', () => {
  const modes = { js: debug, vm: debugVM, unoptimized: new th.Mode({ debug: true, optimizer: null }) };

  for (const [label, mode] of Object.entries(modes)) {
    it(`elementwise chains, broadcasting, strided inputs, reductions and dot (${label})`, () => {
      const [x, y] = T.dmatrices('x', 'y');
      const r = T.drow('r');
      const v = T.fvector('v');
      const outputs = [
        T.tanh(x.mul(2).add(y)).sub(T.exp(r.neg())).mul(0.5), // fused chain with a broadcast row
        x.T.add(1), // strided operand
        x.sum(1).add(T.mean(y)),
        T.dot(x, y.T),
        T.sqr(v.mul(3).add(1)), // float32
        T.log(T.sigmoid(x)), // stabilized
        x.div(y).sub(x.mul(x)),
        T.switch(T.lt(x, y), x, y).astype('int32').mul(3),
      ];
      const inputs = [x, y, r, v];
      const f = th.function(inputs, outputs, { mode });
      const g = th.function(inputs, outputs, { mode: new th.Mode({ linker: 'vm', optimizer: null }) });
      const args = [
        [[0.5, -1, 2], [3, 0.25, -4]],
        [[1, 2, 3], [-1, -2, 0.5]],
        [[0.1, 0.2, 0.3]],
        [1, 2.5, -3],
      ];
      for (let call = 0; call < 3; call++) {
        const got = f(...args) as NDArray[];
        const want = g(...args) as NDArray[];
        got.forEach((a, i) => expectAllClose(a, want[i]!, { rtol: 1e-6, atol: 1e-12 }));
      }
    });
  }

  it('accepts a stabilized output that is finite where the graph as written overflows', () => {
    const x = T.dvector('x');
    const f = th.function([x], T.log(T.trueDiv(1, T.add(1, T.exp(x.neg())))), { mode: debug });
    const out = f([-1000, 0, 30]);
    expectAllClose(out, [-1000, Math.log(0.5), -Math.log1p(Math.exp(-30))], { rtol: 1e-12 });
  });

  it('the logistic-regression training step: same outputs and shared values as the default mode', () => {
    const run = (mode: th.Mode) => {
      const x = T.dmatrix('x');
      const y = T.dvector('y');
      const w = th.shared(th.array([0.1, -0.2, 0.3]), 'w');
      const b = th.shared(0, 'b');
      const p = T.trueDiv(1, T.add(1, T.exp(T.dot(x, w).add(b).neg())));
      const cost = T.mean(y.neg().mul(T.log(p)).sub(T.sub(1, y).mul(T.log(T.sub(1, p))))).add(T.sqr(w).sum().mul(0.01));
      const [gw, gb] = T.grad(cost, [w, b]);
      const train = th.function([x, y], [cost, p.gt(0.5)], { updates: [[w, w.sub(gw!.mul(0.1))], [b, b.sub(gb!.mul(0.1))]], mode });
      const data = [[1, 2, 0.5], [-1, 0.3, 2], [0.2, -0.7, 1]];
      const labels = [1, 0, 1];
      const costs = [0, 1, 2, 3].map(() => Number((train(data, labels) as NDArray[])[0]));
      return { costs, w: w.getValue(), b: b.getValue() };
    };
    const checked = run(debug);
    const plain = run(new th.Mode());
    expectAllClose(checked.costs, plain.costs, { rtol: 1e-12 });
    expectAllClose(checked.w, plain.w, { rtol: 1e-12 });
    expectAllClose(checked.b, plain.b, { rtol: 1e-12 });
  });

  it('integer graphs, borrowed outputs, defaults and keyword calls', () => {
    const i = T.ivector('i');
    const k = T.iscalar('k');
    const f = th.function([i, th.In(k, { value: 2 })], [th.Out(i.mul(k).add(1), { borrow: true }), i.intDiv(2).mod(3)], { mode: debug });
    const [a, b] = f([1, 2, 7]) as NDArray[];
    expect(a!.toArray()).toEqual([3, 5, 15]);
    expect(b!.toArray()).toEqual([0, 1, 0]);
    const [c] = f({ i: [4], k: 3 }) as NDArray[];
    expect(c!.toArray()).toEqual([13]);
  });

  it('an op that overwrites an input it declares in its destroyMap is accepted', () => {
    const x = T.dvector('x');
    const f = th.function([x], out(new DoubleInPlaceOp().apply1(x.add(1))), { mode: debug, acceptInplace: true });
    expect((f([1, 2]) as NDArray).toArray()).toEqual([4, 6]);
    expect((f([0, -1]) as NDArray).toArray()).toEqual([2, 0]);
  });

  it('profiles still record every node', () => {
    const x = T.dvector('x');
    const f = th.function([x], T.exp(x).mul(2), { mode: debug, profile: true });
    f([1, 2]);
    expect(f.profile!.calls).toBe(1);
    expect(f.profile!.summary()).toContain('exp');
  });
});

describe('DebugMode finds broken ops', () => {
  it('an op that changes its input', () => {
    const x = T.dvector('x');
    const y = out(new ScribbleOp().apply1(x.mul(3)));
    const f = th.function([x], y, { mode: debugVM, name: 'scribble' });
    const e = debugError(() => f([1, 2]));
    expect(e.message).toMatch(/^scribble: DebugMode: node \d+ of \d+, Scribble: perform modified its input 0/);
    expect(e.message).toContain('does not declare in its destroyMap');
    expect(e.message).toMatch(/worst at \[0\]: after 4, before 3/);
    expect(e.message).toContain('node: Scribble(');
    expect(e.message).toContain('debugMode.test.ts');
    // The same function without DebugMode runs (and silently corrupts the intermediate value).
    expect(() => th.function([x], y)([1, 2])).not.toThrow();
    // Also with generated kernels around it.
    expect(() => th.function([x], y, { mode: debug })([1, 2])).toThrow(/Scribble: perform modified its input 0/);
  });

  it('an op whose output depends on hidden state', () => {
    const x = T.dmatrix('x');
    const f = th.function([x], out(new CounterOp().apply1(x)).mul(2), { mode: debug, name: 'counter' });
    const e = debugError(() => f([[1, 2], [3, 4]]));
    expect(e.message).toMatch(/^counter: DebugMode: node 1 of 2, Counter: perform gave different results for the same inputs on two runs \(output 0\)/);
    expect(e.message).toContain('4 of 4 elements differ (float64)');
    expect(e.message).toMatch(/worst at \[0, 0\]: first run 1, second run 2/);
    expect(e.message).toContain('node built at');
    expect(e.message).toContain('debugMode.test.ts');
  });

  it('an elementwise op whose generated kernel and perform disagree', () => {
    const x = T.dvector('x');
    const f = th.function([x], out(new OffByOneElemwise(S.sin).apply1(x)), { mode: new th.Mode({ debug: true, linker: 'js' }) });
    const e = debugError(() => f([0, 1]));
    expect(e.message).toContain("Elemwise{sin}: the generated kernel and the op's reference perform disagree on output 0");
    expect(e.message).toMatch(/1 of 2 elements differ \(float64\); worst at \[0\]: kernel 0, perform 1/);
    expect(e.message).toContain('node: Elemwise{sin}(x)');
  });

  it('a value that does not fit the node output type', () => {
    const x = T.dvector('x');
    const f = th.function([x], out(new WrongDtypeOp().apply1(x)), { mode: debug });
    const e = debugError(() => f([1, 2]));
    expect(e.message).toMatch(/WrongDtype: output 0 is a float32 array of shape \(2,\), not a valid value of its type/);
  });
});

describe('DebugMode finds wrong rewrites', () => {
  it('compares outputs with the graph before rewriting', () => {
    const x = T.dvector('x');
    const y = T.sin(x).mul(2);
    y.name = 'y';
    const wrong = new th.Mode({ including: [WRONG_REWRITE_TAG] });
    // Without DebugMode the wrong rewrite goes unnoticed: cos instead of sin.
    expectAllClose(th.function([x], y, { mode: wrong })([0]), [2]);
    // The default optimizer never selects it.
    expectAllClose(th.function([x], y)([0]), [0]);
    const f = th.function([x], y, { mode: new th.Mode({ debug: true, including: [WRONG_REWRITE_TAG] }), name: 'f' });
    const e = debugError(() => f([0, 1]));
    expect(e.message).toMatch(/^f: DebugMode: output 0 \('y'\) differs between the rewritten graph and the graph before rewriting/);
    expect(e.message).toMatch(/worst at \[0\]: rewritten 2, unrewritten 0/);
    expect(e.message).toMatch(/rewrite passes run: .*specialize \(1 change\)/);
    expect(e.message).toContain('node built at');
  });

  it('names the update a wrong rewrite changed', () => {
    const s = th.shared(th.array([0.5, 1]), 'state');
    const k = T.dscalar('k');
    const f = th.function([k], k.mul(2), {
      updates: [[s, T.sin(s).add(k)]],
      mode: new th.Mode({ debug: true, including: [WRONG_REWRITE_TAG] }),
    });
    const e = debugError(() => f(1));
    expect(e.message).toContain("the update of shared variable 'state' differs");
    // The failed call leaves the shared value as it was.
    expect(s.getValue().toArray()).toEqual([0.5, 1]);
  });

  it('checks after rewriting that every output keeps its type', () => {
    const x = T.dvector('x');
    const retype = new th.Mode({ including: [RETYPE_TAG] });
    // Without DebugMode the pass silently turns the output into float32.
    expect((th.function([x], x.mul(2), { mode: retype })([1]) as NDArray).dtype).toBe('float32');
    const e = debugError(() => th.function([x], x.mul(2), { mode: new th.Mode({ debug: true, including: [RETYPE_TAG] }), name: 'g' }));
    expect(e.message).toMatch(/^g: DebugMode: rewriting changed the type of output 0 from TensorType\(float64.*\) to TensorType\(float32/);
    expect(e.message).toMatch(/rewrite passes run: .*debugModeTestRetype \(1 change\)/);
  });
});

describe('random graphs', () => {
  type E = { k: 'in'; i: number } | { k: 'c'; v: number } | { k: 'un'; op: number; a: E } | { k: 'bin'; op: number; a: E; b: E } | { k: 'sw'; a: E; b: E; c: E };
  const exprArb = fc.letrec<{ e: E }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', maxDepth: 4 },
      { weight: 4, arbitrary: fc.record({ k: fc.constant('in' as const), i: fc.nat(3) }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('c' as const), v: fc.integer({ min: -8, max: 8 }).map((v) => v / 4) }) },
      { weight: 2, arbitrary: fc.record({ k: fc.constant('un' as const), op: fc.nat(4), a: tie('e') }) },
      { weight: 3, arbitrary: fc.record({ k: fc.constant('bin' as const), op: fc.nat(4), a: tie('e'), b: tie('e') }) },
      { weight: 1, arbitrary: fc.record({ k: fc.constant('sw' as const), a: tie('e'), b: tie('e'), c: tie('e') }) },
    ),
  })).e;
  const UN = [T.tanh, T.neg, T.abs, T.sqr, (a: TensorVariable) => T.exp(T.tanh(a))];
  const BIN = [T.add, T.sub, T.mul, T.maximum, T.minimum];
  const build = (e: E, ins: readonly TensorVariable[]): TensorVariable => {
    switch (e.k) {
      case 'in':
        return ins[e.i % ins.length]!;
      case 'c':
        return T.constant(e.v);
      case 'un':
        return UN[e.op % UN.length]!(build(e.a, ins));
      case 'bin':
        return BIN[e.op % BIN.length]!(build(e.a, ins), build(e.b, ins));
      case 'sw':
        return T.switch(T.gt(build(e.a, ins), 0), build(e.b, ins), build(e.c, ins));
    }
  };
  const FINISH = [
    (v: TensorVariable) => v.add(0.5),
    (v: TensorVariable) => v.sum(0),
    (v: TensorVariable) => v.sum(1).mul(2),
    (v: TensorVariable) => T.mean(v),
    (v: TensorVariable) => T.dot(v, v.T),
  ];

  it('run in DebugMode without complaint, and as in the default mode', () => {
    fc.assert(
      fc.property(exprArb, fc.nat(FINISH.length - 1), (e, fin) => {
        const x = T.dmatrix('x');
        const r = T.drow('r');
        const f32 = T.fmatrix('f');
        const k = T.imatrix('k');
        const y = FINISH[fin]!(T.add(build(e, [x, r, f32, k]), T.zerosLike(k))); // at least a matrix
        const inputs = [x, r, f32, k];
        const data = [
          th.array([[0.5, -1, 2, 0], [3, 0.25, -4, 1], [-0.75, 1.5, 0, -2]]),
          th.array([[0.25, -0.5, 1, 2]]),
          th.array([[1, 2, -3, 0.5], [0, -1, 0.25, 4], [2, 2, -2, -0.5]], { dtype: 'float32' }),
          th.array([[1, -2, 3, 0], [4, 0, -1, 2], [-3, 1, 1, 5]], { dtype: 'int32' }),
        ];
        const checked = th.function(inputs, y, { mode: debug, onUnusedInput: 'ignore' });
        const plain = th.function(inputs, y, { onUnusedInput: 'ignore' });
        for (let call = 0; call < 2; call++) expectAllClose(checked(...data) as NDArray, plain(...data) as NDArray, { rtol: 1e-6, atol: 1e-9 });
      }),
      { numRuns: 60, seed: 20240601 },
    );
  });
});
