/**
 * Printing never throws: every function `th.tensor` exports and every op of
 * the scalar table is applied to whatever operands it accepts, and the
 * resulting graphs (with their gradients and a compiled function) go
 * through debugprint and pp. New ops are swept in as they are exported.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import * as scalar from '../../src/scalar/ops.js';
import { ScalarOp } from '../../src/scalar/scalarOp.js';
import { elemwiseOf } from '../../src/tensor/elemwise.js';
import { DTYPES } from '../../src/ndarray/dtype.js';
import type { TensorVariable } from '../../src/tensor/variable.js';

const T = th.tensor;
const { debugprint, pp } = th.printing;

const m = T.dmatrix('m');
const n = T.dmatrix('n');
const f32 = T.fmatrix('f');
const v = T.dvector('v');
const s = T.dscalar('s');
const i = T.lmatrix('i');
const j = T.lscalar('j');
const flag = T.tensor('bool', [null, null], 'flag');

/** Operand lists to try, from no operands to three. */
const ARGUMENT_SETS: readonly (readonly unknown[])[] = [
  [],
  [m],
  [v],
  [s],
  [i],
  [j],
  [flag],
  [f32],
  [m, n],
  [v, v],
  [s, s],
  [i, i],
  [flag, flag],
  [m, 0],
  [m, [0]],
  [m, [1, 0]],
  [v, ['x', 0]],
  [m, 'float32'],
  [flag, m, n],
  [m, 0, 1],
  [j, j, j],
];

/** Every graph some exported function builds from some operand list. */
function buildEverything(): { built: Map<string, TensorVariable[]>; tried: number } {
  const built = new Map<string, TensorVariable[]>();
  let tried = 0;
  for (const [name, fn] of Object.entries(T)) {
    if (typeof fn !== 'function' || name === 'grad') continue;
    for (const args of ARGUMENT_SETS) {
      tried++;
      let out: unknown;
      try {
        out = (fn as (...a: unknown[]) => unknown)(...args);
      } catch {
        continue; // not a valid call for this operator: nothing to print
      }
      const outs = (Array.isArray(out) ? out : [out]).filter((o): o is TensorVariable => o instanceof T.TensorVariable && o.owner !== null);
      if (outs.length > 0) built.set(`${name}(${args.length})`, [...(built.get(`${name}(${args.length})`) ?? []), ...outs]);
    }
  }
  return { built, tried };
}

/** Elemwise of every scalar op (cast to every dtype too), on int, float and bool operands. */
function everyScalarOp(): TensorVariable[] {
  const ops = Object.values(scalar).filter((o): o is ScalarOp => o instanceof ScalarOp);
  ops.push(...DTYPES.map((d) => scalar.cast(d)));
  const operands = [m, i, flag];
  const out: TensorVariable[] = [];
  for (const op of ops) {
    for (const x of operands) {
      try {
        out.push(elemwiseOf(op).apply1(...new Array<TensorVariable>(op.arity).fill(x)) as TensorVariable);
      } catch {
        // the op refuses this dtype
      }
    }
  }
  return out;
}

function expectPrintable(vars: readonly TensorVariable[]): void {
  for (const x of vars) {
    expect(() => pp(x)).not.toThrow();
    expect(() => pp(x, { parens: 'minimal' })).not.toThrow();
    expect(pp(x).length).toBeGreaterThan(0);
  }
  const text = debugprint(vars, { printType: true, printDestroyMap: true, printViewMap: true });
  expect(text.split('\n').length).toBeGreaterThanOrEqual(vars.length);
}

describe('printing every op of the library', () => {
  const { built, tried } = buildEverything();
  const graphs = [...built.values()].flat();

  it('builds a large sample of graphs to print', () => {
    expect(tried).toBeGreaterThan(500);
    expect(built.size).toBeGreaterThan(60);
    for (const name of ['add', 'sum', 'mean', 'dot', 'dimshuffle', 'transpose', 'cast', 'switch', 'shape', 'shapeI', 'arange', 'clip']) {
      expect([...built.keys()].some((k) => k.startsWith(`${name}(`)), name).toBe(true);
    }
  });

  it('prints every built graph with debugprint and pp', () => {
    expectPrintable(graphs);
  });

  it('prints the elemwise of every scalar op', () => {
    const all = everyScalarOp();
    expect(all.length).toBeGreaterThan(50);
    expectPrintable(all);
  });

  it('prints the gradients of every graph that has one', () => {
    const grads: TensorVariable[] = [];
    for (const g of graphs) {
      if (!g.dtype.startsWith('float')) continue;
      try {
        grads.push(...(th.grad(g.sum(), [m, n, v, s, f32], { disconnectedInputs: 'ignore' })));
      } catch {
        // no gradient rule (or not differentiable): nothing to print
      }
    }
    expect(grads.length).toBeGreaterThan(20);
    expectPrintable(grads);
  });

  it('prints a compiled function of many of them', () => {
    const outputs = graphs.filter((g) => g.dtype === 'float64').slice(0, 40);
    const f = th.function([m, n, v, s, f32, i, j, flag], outputs, { onUnusedInput: 'ignore' });
    const text = debugprint(f, { printType: true });
    expect(text.length).toBeGreaterThan(0);
  });
});
