/**
 * FunctionGraph: its own copy of the user's graph, client lists, `replace`
 * (redirecting every use, importing new nodes, pruning dead ones), integrity
 * checks and feature hooks.
 */
import { describe, it, expect } from 'vitest';
import * as T from '../../src/tensor/index.js';
import { FunctionGraph, GraphError, type Client, type GraphFeature } from '../../src/graph/fgraph.js';
import { ancestors } from '../../src/graph/traversal.js';
import { Apply } from '../../src/graph/apply.js';
import type { Variable } from '../../src/graph/variable.js';
import { array } from '../../src/ndarray/create.js';
import { split, toy } from './toyOps.js';

const clientsOf = (fg: FunctionGraph, v: Variable) =>
  fg.clients(v).map((c) => (c.node === 'output' ? `output:${c.index}` : `${c.node.op}:${c.index}`));

/** Checks the fgraph's bookkeeping against the edges, beyond `checkIntegrity`. */
function expectConsistent(fg: FunctionGraph): void {
  fg.checkIntegrity();
  const nodes = fg.toposort();
  expect(new Set(nodes)).toEqual(fg.applyNodes);
  const vars = new Set<Variable>(fg.inputs);
  for (const n of nodes) {
    n.inputs.forEach((v) => vars.add(v));
    n.outputs.forEach((v) => vars.add(v));
  }
  fg.outputs.forEach((v) => vars.add(v));
  expect(new Set(fg.variables)).toEqual(vars);
  // Every client entry is a real edge, and every edge has its entry.
  for (const v of vars) {
    for (const c of fg.clients(v)) {
      if (c.node === 'output') expect(fg.outputs[c.index]).toBe(v);
      else {
        expect(fg.applyNodes.has(c.node)).toBe(true);
        expect(c.node.inputs[c.index]).toBe(v);
      }
    }
  }
  fg.outputs.forEach((o, index) => expect(fg.clients(o).some((c) => c.node === 'output' && c.index === index)).toBe(true));
}

describe('FunctionGraph construction', () => {
  it('clones the graph by default: the user graph stays untouched', () => {
    const x = T.dvector('x');
    const a = T.exp(x);
    const y = T.add(a, x);
    const fg = new FunctionGraph([x], [y]);
    expect(fg.inputs).toEqual([x]);
    expect(fg.outputs[0]).not.toBe(y);
    expect(fg.applyNodes.has(y.owner!)).toBe(false);
    expect(fg.applyNodes.has(a.owner!)).toBe(false);
    expect(fg.applyNodes.size).toBe(2);
    // The copy reads the very input variable.
    const copyOfA = fg.outputs[0]!.owner!.inputs[0]!;
    expect(copyOfA.owner!.inputs[0]).toBe(x);
    // Editing the fgraph does not touch the user's nodes.
    fg.replace(copyOfA, T.log(x));
    expect(y.owner!.inputs[0]).toBe(a);
    expect(a.owner!.inputs[0]).toBe(x);
    expectConsistent(fg);
  });

  it('clone: false works on the user nodes themselves', () => {
    const x = T.dvector('x');
    const y = T.exp(x);
    const fg = new FunctionGraph([x], [y], { clone: false });
    expect(fg.outputs[0]).toBe(y);
    expect(fg.applyNodes.has(y.owner!)).toBe(true);
  });

  it('refuses an input given twice', () => {
    const x = T.dvector('x');
    expect(() => new FunctionGraph([x, x], [T.exp(x)])).toThrow(GraphError);
    expect(() => new FunctionGraph([x, x], [T.exp(x)])).toThrow(/input x is given twice/);
  });

  it('accepts outputs that are inputs, repeated outputs, and intermediate inputs', () => {
    const x = T.dscalar('x');
    const a = T.exp(x);
    const y = T.add(a, 1);
    const fg = new FunctionGraph([x], [x, y, y]);
    expect(fg.outputs[0]).toBe(x);
    expect(fg.outputs[1]).toBe(fg.outputs[2]);
    expect(clientsOf(fg, x)).toContain('output:0');
    expect(fg.clients(fg.outputs[1]!).filter((c) => c.node === 'output').map((c) => c.index)).toEqual([1, 2]);
    expectConsistent(fg);
    const fg2 = new FunctionGraph([a], [y]);
    expect(fg2.applyNodes.size).toBe(1);
    expect(fg2.inputs[0]).toBe(a);
    expect(fg2.variables.has(x)).toBe(false);
    expectConsistent(fg2);
  });

  it('keeps client lists: node inputs (with position) and graph outputs', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const s = T.mul(x, x);
    const t = T.sub(s, y);
    const fg = new FunctionGraph([x, y], [t, s]);
    const [t2, s2] = fg.outputs;
    const mulNode = s2!.owner!;
    expect(fg.clients(x)).toEqual([
      { node: mulNode, index: 0 },
      { node: mulNode, index: 1 },
    ]);
    expect(fg.clients(y)).toEqual([{ node: t2!.owner!, index: 1 }]);
    expect(clientsOf(fg, s2!).sort()).toEqual(['Elemwise{sub}:0', 'output:1']);
    expect(fg.clients(t2!)).toEqual([{ node: 'output', index: 0 }]);
    expect(fg.clients(T.dvector('elsewhere'))).toEqual([]);
    expect(fg.variables.has(x)).toBe(true);
    expectConsistent(fg);
  });

  it('includes multi-output nodes once, with clients per output', () => {
    const x = T.dvector('x');
    const node = split.makeNode(x);
    const [o0, o1] = node.outputs as T.TensorVariable[];
    const fg = new FunctionGraph([x], [T.exp(o1!)], { clone: false });
    expect(fg.applyNodes.has(node)).toBe(true);
    expect(fg.variables.has(o0!)).toBe(true);
    expect(fg.clients(o0!)).toEqual([]);
    expect(fg.clients(o1!)).toHaveLength(1);
    expectConsistent(fg);
  });
});

describe('FunctionGraph.replace', () => {
  it('redirects every client, outputs included, and prunes what nothing uses', () => {
    const x = T.dscalar('x');
    const a = T.exp(x);
    const b = T.mul(a, 2);
    const c = T.add(a, b);
    const fg = new FunctionGraph([x], [c, a], { clone: false });
    expect(fg.applyNodes.size).toBe(3);
    const r = T.log(x);
    fg.replace(a, r);
    // b, c and output 1 now read r.
    expect(b.owner!.inputs[0]).toBe(r);
    expect(c.owner!.inputs[0]).toBe(r);
    expect(fg.outputs[1]).toBe(r);
    expect(clientsOf(fg, r).sort()).toEqual(['Elemwise{add}:0', 'Elemwise{mul}:0', 'output:1']);
    // exp(x) is gone: node, output variable and its client list.
    expect(fg.applyNodes.has(a.owner!)).toBe(false);
    expect(fg.applyNodes.has(r.owner!)).toBe(true);
    expect(fg.variables.has(a)).toBe(false);
    expect(fg.clients(a)).toEqual([]);
    expect(fg.clients(x).map((cl) => (cl.node as Apply).op.toString())).toEqual(['Elemwise{log}']);
    expectConsistent(fg);
  });

  it('imports the whole new subgraph the replacement needs', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const out = T.exp(x).add(y);
    const fg = new FunctionGraph([x, y], [out]);
    const e = fg.outputs[0]!.owner!.inputs[0]!;
    const repl = T.sqrt(T.mul(T.abs(x), y));
    fg.replace(e, repl);
    for (const v of ancestors([repl])) if (v.owner) expect(fg.applyNodes.has(v.owner)).toBe(true);
    expect(fg.applyNodes.size).toBe(4);
    expect(fg.toposort().map((n) => n.op.toString())).toEqual(['Elemwise{abs}', 'Elemwise{mul}', 'Elemwise{sqrt}', 'Elemwise{add}']);
    expectConsistent(fg);
  });

  it('replacing a variable by an expression of itself redirects only the old clients (no cycle)', () => {
    const x = T.dscalar('x');
    const a = T.exp(x);
    const y = T.add(a, 1);
    const fg = new FunctionGraph([x], [y], { clone: false });
    const wrapped = T.neg(a);
    fg.replace(a, wrapped);
    expect(y.owner!.inputs[0]).toBe(wrapped);
    expect(wrapped.owner!.inputs[0]).toBe(a);
    expect(fg.clients(a)).toEqual([{ node: wrapped.owner!, index: 0 }]);
    expect(fg.toposort().map((n) => n.op.toString())).toEqual(['Elemwise{exp}', 'Elemwise{neg}', 'Elemwise{add}']);
    expectConsistent(fg);
    // Same for an output.
    const fg2 = new FunctionGraph([x], [a], { clone: false });
    const w2 = T.mul(a, 3);
    fg2.replace(a, w2);
    expect(fg2.outputs[0]).toBe(w2);
    expect(w2.owner!.inputs[0]).toBe(a);
    expectConsistent(fg2);
  });

  it('can replace an output by an input, pruning everything else', () => {
    const x = T.dvector('x');
    const y = T.exp(T.neg(x));
    const fg = new FunctionGraph([x], [y]);
    fg.replace(fg.outputs[0]!, x);
    expect(fg.outputs[0]).toBe(x);
    expect(fg.applyNodes.size).toBe(0);
    expect([...fg.variables]).toEqual([x]);
    expect(fg.clients(x)).toEqual([{ node: 'output', index: 0 }]);
    expectConsistent(fg);
  });

  it('can replace an input by a constant: the input stays an (unused) input', () => {
    const x = T.dvector('x');
    const y = T.exp(x);
    const fg = new FunctionGraph([x], [y], { clone: false });
    const k = new T.TensorConstant(x.type, array([1, 2]));
    fg.replace(x, k);
    expect(y.owner!.inputs[0]).toBe(k);
    expect(fg.inputs).toEqual([x]);
    expect(fg.variables.has(x)).toBe(true);
    expect(fg.clients(x)).toEqual([]);
    expect(fg.clients(k)).toEqual([{ node: y.owner!, index: 0 }]);
    expectConsistent(fg);
  });

  it('drops constants nothing uses any more', () => {
    const x = T.dvector('x');
    const k = T.constant(5);
    const y = T.add(T.mul(x, k), 1);
    const fg = new FunctionGraph([x], [y], { clone: false });
    expect(fg.variables.has(k)).toBe(true);
    const m = y.owner!.inputs[0]!;
    fg.replace(m, T.exp(x));
    expect(fg.variables.has(k)).toBe(false);
    expect(fg.clients(k)).toEqual([]);
    expectConsistent(fg);
  });

  it('keeps an input in the graph when nothing uses it any more', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const out = T.add(x, y);
    const fg = new FunctionGraph([x, y], [out], { clone: false });
    fg.replace(out, T.exp(x));
    expect(fg.variables.has(y)).toBe(true);
    expect(fg.clients(y)).toEqual([]);
    expect(fg.inputs).toEqual([x, y]);
    expectConsistent(fg);
  });

  it('keeps a node alive while another of its outputs is used', () => {
    const x = T.dvector('x');
    const node = split.makeNode(x);
    const [o0, o1] = node.outputs as T.TensorVariable[];
    const fg = new FunctionGraph([x], [T.exp(o0!), T.neg(o1!)], { clone: false });
    fg.replace(fg.outputs[0]!, T.sqrt(x));
    expect(fg.applyNodes.has(node)).toBe(true);
    fg.replace(fg.outputs[1]!, T.abs(x));
    expect(fg.applyNodes.has(node)).toBe(false);
    expect(fg.variables.has(o0!)).toBe(false);
    expect(fg.variables.has(o1!)).toBe(false);
    expectConsistent(fg);
  });

  it('refuses a replacement of another type (GraphError naming both types and the reason)', () => {
    const x = T.dvector('x');
    const y = T.exp(x);
    const fg = new FunctionGraph([x], [y], { clone: false });
    const bad = T.fvector('f');
    expect(() => fg.replace(y, bad, 'my-rewrite')).toThrow(GraphError);
    expect(() => fg.replace(y, bad, 'my-rewrite')).toThrow(/float64.*float32.*types differ.*my-rewrite/);
    expect(() => fg.replace(y, T.dmatrix('m'))).toThrow(GraphError);
    expect(() => fg.replace(y, T.drow('r').dimshuffle(1))).not.toThrow(); // a (?,) vector: same type
    expect(() => fg.replace(fg.outputs[0]!, T.drow('r'))).toThrow(GraphError);
    expectConsistent(fg);
  });

  it('refuses to replace a variable that is not in the graph', () => {
    const x = T.dvector('x');
    const fg = new FunctionGraph([x], [T.exp(x)]);
    const stranger = T.dvector('s');
    expect(() => fg.replace(stranger, x)).toThrow(GraphError);
    expect(() => fg.replace(stranger, x)).toThrow(/not in this graph/);
  });

  it('replacing a variable by itself changes nothing', () => {
    const x = T.dvector('x');
    const fg = new FunctionGraph([x], [T.exp(x)]);
    const before = [...fg.applyNodes];
    fg.replace(fg.outputs[0]!, fg.outputs[0]!);
    expect([...fg.applyNodes]).toEqual(before);
  });

  it('replaceAll applies pairs in order', () => {
    const x = T.dvector('x');
    const a = T.exp(x);
    const b = T.neg(x);
    const fg = new FunctionGraph([x], [T.add(a, b)], { clone: false });
    const ra = T.sqrt(x);
    const rb = T.abs(x);
    fg.replaceAll([
      [a, ra],
      [b, rb],
    ]);
    expect(fg.outputs[0]!.owner!.inputs).toEqual([ra, rb]);
    expect(fg.applyNodes.size).toBe(3);
    expectConsistent(fg);
  });

  it('a replacement may re-use a node pruned earlier', () => {
    const x = T.dvector('x');
    const a = T.exp(x);
    const y = T.add(a, 1);
    const fg = new FunctionGraph([x], [y], { clone: false });
    const l = T.log(x);
    fg.replace(a, l);
    expect(fg.applyNodes.has(a.owner!)).toBe(false);
    fg.replace(l, a);
    expect(fg.applyNodes.has(a.owner!)).toBe(true);
    expect(fg.applyNodes.has(l.owner!)).toBe(false);
    expect(y.owner!.inputs[0]).toBe(a);
    expectConsistent(fg);
  });

  it('prunes a 20,000-node chain without overflowing the stack', () => {
    const x = T.dscalar('x');
    let y = x;
    for (let i = 0; i < 20_000; i++) y = T.neg(y);
    const fg = new FunctionGraph([x], [y]);
    expect(fg.applyNodes.size).toBe(20_000);
    fg.replace(fg.outputs[0]!, T.exp(x));
    expect(fg.applyNodes.size).toBe(1);
    expect(fg.variables.size).toBe(2);
    fg.checkIntegrity();
  });
});

describe('FunctionGraph.changeInput', () => {
  it('points one use at a new variable and checks its type', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const s = T.mul(x, x);
    const fg = new FunctionGraph([x, y], [s], { clone: false });
    fg.changeInput({ node: s.owner!, index: 1 }, y);
    expect(s.owner!.inputs).toEqual([x, y]);
    expect(fg.clients(x)).toEqual([{ node: s.owner!, index: 0 }]);
    expect(fg.clients(y)).toEqual([{ node: s.owner!, index: 1 }]);
    expect(() => fg.changeInput({ node: s.owner!, index: 0 }, T.fvector('f'))).toThrow(GraphError);
    expectConsistent(fg);
  });
});

describe('FunctionGraph.checkIntegrity', () => {
  it('passes on a fresh graph and fails when edges and bookkeeping disagree', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const out = T.exp(T.add(x, y));
    const fg = new FunctionGraph([x, y], [out], { clone: false });
    expect(() => fg.checkIntegrity()).not.toThrow();
    // Edit an edge behind the graph's back: the new input has no client entry.
    const addNode = out.owner!.inputs[0]!.owner!;
    addNode.inputs[1] = x;
    expect(() => fg.checkIntegrity()).toThrow(GraphError);
    expect(() => fg.checkIntegrity()).toThrow(/input 1 of .* lacks its client entry/);
  });

  it('detects nodes used but not imported, and imported but unused', () => {
    const x = T.dvector('x');
    const a = T.exp(x);
    const out = T.neg(a);
    const fg = new FunctionGraph([x], [out], { clone: false });
    const sneaky = T.sqrt(x);
    out.owner!.inputs[0] = sneaky; // used, never imported; exp(x) now unused
    expect(() => fg.checkIntegrity()).toThrow(/used but not imported/);
    fg.applyNodes.add(sneaky.owner!);
    expect(() => fg.checkIntegrity()).toThrow(/imported but unused/);
  });
});

describe('FunctionGraph features', () => {
  it('calls onAttach, onImport, onChangeInput and onPrune with the details', () => {
    const x = T.dvector('x');
    const a = T.exp(x);
    const b = T.add(a, a);
    const fg = new FunctionGraph([x], [b], { clone: false });
    const log: string[] = [];
    const changes: [Client, Variable, Variable, string][] = [];
    const feature: GraphFeature = {
      onAttach: (g) => log.push(`attach:${g === fg}`),
      onImport: (_g, node, reason) => log.push(`import:${node.op}:${reason}`),
      onPrune: (_g, node, reason) => log.push(`prune:${node.op}:${reason}`),
      onChangeInput: (_g, client, old, repl, reason) => {
        changes.push([client, old, repl, reason]);
        log.push(`change:${client.node === 'output' ? 'output' : client.node.op}:${client.index}:${reason}`);
      },
    };
    fg.attachFeature(feature);
    expect(log).toEqual(['attach:true']);
    const r = T.sqrt(T.abs(x));
    fg.replace(a, r, 'because');
    expect(log).toEqual([
      'attach:true',
      'import:Elemwise{abs}:because',
      'import:Elemwise{sqrt}:because',
      'change:Elemwise{add}:0:because',
      'change:Elemwise{add}:1:because',
      'prune:Elemwise{exp}:because',
    ]);
    expect(changes[0]![1]).toBe(a);
    expect(changes[0]![2]).toBe(r);
    // Output edits are reported too.
    log.length = 0;
    fg.replace(b, x, 'out');
    expect(log[0]).toBe('change:output:0:out');
    expect(log.filter((l) => l.startsWith('prune'))).toEqual([
      'prune:Elemwise{add}:out',
      'prune:Elemwise{sqrt}:out',
      'prune:Elemwise{abs}:out',
    ]);
  });

  it('features attached later see only later edits; hooks are optional', () => {
    const x = T.dvector('x');
    const fg = new FunctionGraph([x], [T.exp(x)]);
    fg.attachFeature({});
    expect(() => fg.replace(fg.outputs[0]!, T.neg(x))).not.toThrow();
    expectConsistent(fg);
  });
});

describe('FunctionGraph.toposort', () => {
  it('orders the current nodes, dependencies first', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const a = T.exp(x);
    const out = T.add(T.mul(a, y), a);
    const fg = new FunctionGraph([x, y], [out]);
    const order = fg.toposort();
    expect(order).toHaveLength(3);
    const pos = new Map(order.map((n, i) => [n, i]));
    for (const n of order) for (const i of n.inputs) if (i.owner) expect(pos.get(i.owner)!).toBeLessThan(pos.get(n)!);
    // A node added by replace appears in order.
    const mulOut = fg.outputs[0]!.owner!.inputs[0]!;
    const t = T.tanh(y);
    fg.replace(mulOut, T.mul(fg.outputs[0]!.owner!.inputs[1] as T.TensorVariable, t));
    const order2 = fg.toposort().map((n) => n.op.toString());
    expect(order2.indexOf('Elemwise{tanh}')).toBeLessThan(order2.indexOf('Elemwise{mul}'));
    expect(order2.indexOf('Elemwise{exp}')).toBeLessThan(order2.indexOf('Elemwise{mul}'));
  });

  it('toy ops: a node used by several others is listed once', () => {
    const x = T.dvector('x');
    const a = toy.apply1(x);
    const fg = new FunctionGraph([x], [toy.apply1(a), toy.apply1(a)], { clone: false });
    expect(fg.toposort()).toHaveLength(3);
    expect(fg.toposort()[0]).toBe(a.owner);
  });
});
