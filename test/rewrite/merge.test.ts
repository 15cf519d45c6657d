/**
 * The merge rewrite (common-subexpression elimination) on FunctionGraphs.
 */
import { describe, expect, it } from 'vitest';
import * as th from '../../src/index.js';
import { FunctionGraph } from '../../src/graph/fgraph.js';
import type { Variable } from '../../src/graph/variable.js';
import { mergeDuplicates } from '../../src/rewrite/merge.js';
import { split, toy, ToyOp, dvec } from '../graph/toyOps.js';

const T = th.tensor;

const ops = (fg: FunctionGraph): string[] => [...fg.applyNodes].map((n) => String(n.op)).sort();
const countOp = (fg: FunctionGraph, name: string): number => [...fg.applyNodes].filter((n) => String(n.op) === name).length;

describe('mergeDuplicates', () => {
  it('merges nodes applying equal ops to the same inputs', () => {
    const x = T.dvector('x');
    const fg = new FunctionGraph([x], [x.exp().add(x.exp())]);
    expect(countOp(fg, 'Elemwise{exp}')).toBe(2);
    expect(mergeDuplicates(fg)).toBe(1);
    expect(ops(fg)).toEqual(['Elemwise{add}', 'Elemwise{exp}']);
    const add = fg.outputs[0]!.owner!;
    expect(add.inputs[0]).toBe(add.inputs[1]);
    fg.checkIntegrity();
  });

  it('merges whole duplicate chains, bottom up', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const chain = () => T.tanh(x.exp().mul(y).sub(x));
    const fg = new FunctionGraph([x, y], [chain(), chain()]);
    expect(fg.applyNodes.size).toBe(8);
    mergeDuplicates(fg);
    expect(fg.applyNodes.size).toBe(4);
    expect(fg.outputs[0]).toBe(fg.outputs[1]);
    fg.checkIntegrity();
    expect(mergeDuplicates(fg)).toBe(0);
  });

  it('keeps nodes that differ in op, props, inputs or input order', () => {
    const x = T.dmatrix('x');
    const y = T.dmatrix('y');
    const fg = new FunctionGraph(
      [x, y],
      [x.add(y), x.mul(y), x.sub(y), y.sub(x), x.sum(0), x.sum(1), x.sum(), x.exp(), y.exp(), x.T],
    );
    const before = fg.applyNodes.size;
    expect(mergeDuplicates(fg)).toBe(0);
    expect(fg.applyNodes.size).toBe(before);
  });

  it('does not merge commutative ops with swapped inputs (it is not canonicalisation)', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const fg = new FunctionGraph([x, y], [x.add(y), y.add(x)]);
    mergeDuplicates(fg);
    expect(countOp(fg, 'Elemwise{add}')).toBe(2);
  });

  it('merges reductions with equal axes', () => {
    const x = T.dmatrix('x');
    const fg = new FunctionGraph([x], [x.sum(0).add(x.sum(0))]);
    mergeDuplicates(fg);
    expect([...fg.applyNodes].filter((n) => n.op instanceof T.CAReduce)).toHaveLength(1);
  });

  it('merges equal constants, then the nodes that use them', () => {
    const x = T.dvector('x');
    const fg = new FunctionGraph([x], [x.add(2).mul(x.add(2))]);
    const constantsBefore = [...fg.variables].filter((v) => v.isConstant());
    expect(constantsBefore).toHaveLength(2);
    mergeDuplicates(fg);
    expect([...fg.variables].filter((v) => v.isConstant())).toHaveLength(1);
    expect(countOp(fg, 'Elemwise{add}')).toBe(1);
    fg.checkIntegrity();
  });

  it('keeps constants of different dtypes, shapes or signs of zero apart', () => {
    const x = T.dvector('x');
    const c = (v: number, dtype: th.DType) => T.constant(th.array([v], { dtype }));
    const fg = new FunctionGraph(
      [x],
      [x.add(c(1, 'float64')), x.add(c(1, 'float32')), x.add(T.constant(th.array(1, { dtype: 'float64' }))), x.mul(c(0, 'float64')), x.mul(c(-0, 'float64'))],
    );
    expect(mergeDuplicates(fg)).toBe(0);
    // NaN constants are equal to each other for merging.
    const g = new FunctionGraph([x], [x.add(c(NaN, 'float64')).add(x.add(c(NaN, 'float64')))]);
    mergeDuplicates(g);
    expect([...g.variables].filter((v) => v.isConstant())).toHaveLength(1);
  });

  it('compares large constants by identity only', () => {
    const x = T.dvector('x');
    const big = () => T.constant(th.zeros([100]));
    const fg = new FunctionGraph([x], [x.add(big()), x.add(big())]);
    expect(mergeDuplicates(fg)).toBe(0);
    const shared = big();
    const g = new FunctionGraph([x], [x.add(shared), x.add(shared)]);
    expect(mergeDuplicates(g)).toBe(1);
  });

  it('merges multi-output nodes output by output', () => {
    const x = dvec.makeVariable('x');
    const a = split.makeNode(x);
    const b = split.makeNode(x);
    const outs: Variable[] = [toy.apply1(a.outputs[0]!), new ToyOp(1).apply1(a.outputs[1]!), toy.apply1(b.outputs[0]!), new ToyOp(1).apply1(b.outputs[1]!)];
    const fg = new FunctionGraph([x], outs);
    expect(fg.applyNodes.size).toBe(6);
    mergeDuplicates(fg);
    expect(fg.applyNodes.size).toBe(3);
    expect(fg.outputs[0]).toBe(fg.outputs[2]);
    expect(fg.outputs[1]).toBe(fg.outputs[3]);
    fg.checkIntegrity();
  });

  it('never touches the user graph', () => {
    const x = T.dvector('x');
    const e1 = x.exp();
    const e2 = x.exp();
    const y = e1.add(e2);
    const fg = new FunctionGraph([x], [y]);
    mergeDuplicates(fg);
    expect(y.owner!.inputs[0]).toBe(e1);
    expect(y.owner!.inputs[1]).toBe(e2);
  });

  it('the merged graph computes the same values', () => {
    const x = T.dvector('x');
    const y = x.exp().mul(x.exp()).add(x.add(1).mul(x.add(1)));
    const opt = th.function([x], y);
    const raw = th.function([x], y, { mode: new th.Mode({ optimizer: null }) });
    expect(opt.maker.fgraph.applyNodes.size).toBeLessThan(raw.maker.fgraph.applyNodes.size);
    const v = [0, 0.5, -1];
    expect(opt(v).toArray()).toEqual(raw(v).toArray());
  });
});
