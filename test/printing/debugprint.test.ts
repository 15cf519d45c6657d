/**
 * debugprint: exact trees for the seed's graphs, repeated subgraphs printed
 * once, the options (types, depth, ids, names), multi-output nodes, and
 * compiled functions with their updates.
 */
import { describe, expect, it, vi } from 'vitest';
import * as th from '../../src/index.js';
import { split, toy } from '../graph/toyOps.js';

const T = th.tensor;
const { debugprint, printDebug } = th.printing;

/** Lines written as a template literal, without the first newline and the indentation of the closing line. */
const lines = (s: string): string => s.replace(/^\n/, '').replace(/\n\s*$/, '');

describe('debugprint of the seed graphs', () => {
  it('prints w * x + b as PyTensor does', () => {
    const [w, x, b] = T.dscalars('w', 'x', 'b');
    const z = w.mul(x).add(b);
    z.name = 'z';
    expect(debugprint(z)).toBe(
      lines(`
Elemwise{add} [id A] 'z'
 ├─ Elemwise{mul} [id B]
 │  ├─ w [id C]
 │  └─ x [id D]
 └─ b [id E]
`),
    );
  });

  it('prints x + y of two dmatrices with their types', () => {
    const [x, y] = T.dmatrices('x', 'y');
    expect(debugprint(x.add(y), { printType: true })).toBe(
      lines(`
Elemwise{add} [id A] <TensorType(float64, (?, ?))>
 ├─ x [id B] <TensorType(float64, (?, ?))>
 └─ y [id C] <TensorType(float64, (?, ?))>
`),
    );
  });

  it('prints the sigmoid 1 / (1 + exp(-x)) with constants by value', () => {
    const x = T.fscalar('x');
    const y = T.constant(1).div(T.constant(1).add(T.exp(x.neg())));
    expect(debugprint(y)).toBe(
      lines(`
Elemwise{trueDiv} [id A]
 ├─ 1 [id B]
 └─ Elemwise{add} [id C]
    ├─ 1 [id D]
    └─ Elemwise{exp} [id E]
       └─ Elemwise{neg} [id F]
          └─ x [id G]
`),
    );
  });

  it("prints the sigmoid's gradient, expanding the shared exp(-x) once", () => {
    const x = T.fscalar('x');
    const y = T.constant(1).div(T.constant(1).add(T.exp(x.neg())));
    const g = th.grad(y, x);
    expect(debugprint(g)).toBe(
      lines(`
Elemwise{neg} [id A]
 └─ Elemwise{mul} [id B]
    ├─ Elemwise{neg} [id C]
    │  └─ Elemwise{trueDiv} [id D]
    │     ├─ Elemwise{mul} [id E]
    │     │  ├─ 1.0 [id F]
    │     │  └─ 1 [id G]
    │     └─ Elemwise{sqr} [id H]
    │        └─ Elemwise{add} [id I]
    │           ├─ 1 [id J]
    │           └─ Elemwise{exp} [id K]
    │              └─ Elemwise{neg} [id L]
    │                 └─ x [id M]
    └─ Elemwise{exp} [id K]
       └─ ···
`),
    );
  });
});

describe('repeated subgraphs', () => {
  it('prints a node met again as its op and id over ···', () => {
    const x = T.dvector('x');
    const e = x.exp();
    expect(debugprint(e.add(e))).toBe(
      lines(`
Elemwise{add} [id A]
 ├─ Elemwise{exp} [id B]
 │  └─ x [id C]
 └─ Elemwise{exp} [id B]
    └─ ···
`),
    );
  });

  it('repeats root inputs with their first id and no ···', () => {
    const x = T.dvector('x');
    expect(debugprint(x.mul(x))).toBe(
      lines(`
Elemwise{mul} [id A]
 ├─ x [id B]
 └─ x [id B]
`),
    );
  });

  it('shares ids and expansions across a list of outputs', () => {
    const [x, y] = T.dvectors('x', 'y');
    const s = x.add(y);
    expect(debugprint([s.exp(), s.log()])).toBe(
      lines(`
Elemwise{exp} [id A]
 └─ Elemwise{add} [id B]
    ├─ x [id C]
    └─ y [id D]
Elemwise{log} [id E]
 └─ Elemwise{add} [id B]
    └─ ···
`),
    );
  });

  it('shows which output of a multi-output node each variable is', () => {
    const x = T.dvector('x');
    const [a, b] = split.makeNode(x).outputs;
    const z = toy.makeNode(a!, b!).outputs[0]!;
    expect(debugprint(z)).toBe(
      lines(`
Toy{0, "toy"} [id A]
 ├─ Split.0 [id B]
 │  └─ x [id C]
 └─ Split.1 [id B]
    └─ ···
`),
    );
    // Printing the Apply node prints each of its outputs.
    expect(debugprint(a!.owner!).split('\n')[0]).toBe('Split.0 [id A]');
  });
});

describe('options', () => {
  const x = T.dmatrix('x');
  const c = T.dscalar('c');
  const z = x.add(c).sum(0);

  it('printType shows every type, including inserted broadcasts', () => {
    expect(debugprint(z, { printType: true })).toBe(
      lines(`
CAReduce{add, axes=[0]} [id A] <TensorType(float64, (?,))>
 └─ Elemwise{add} [id B] <TensorType(float64, (?, ?))>
    ├─ x [id C] <TensorType(float64, (?, ?))>
    └─ DimShuffle{x,x} [id D] <TensorType(float64, (1, 1))>
       └─ c [id E] <TensorType(float64, ())>
`),
    );
  });

  it('depth limits the levels printed', () => {
    expect(debugprint(z, { depth: 1 })).toBe('CAReduce{add, axes=[0]} [id A]');
    expect(debugprint(z, { depth: 2 })).toBe(
      lines(`
CAReduce{add, axes=[0]} [id A]
 └─ Elemwise{add} [id B]
`),
    );
    expect(debugprint(z, { depth: 0 })).toBe('');
    expect(debugprint(z, { depth: -1 })).toBe(debugprint(z));
  });

  it('a node cut off by depth is expanded where it appears again higher up', () => {
    const e = x.exp();
    const deep = e.neg().neg();
    // e first appears at level 3 (not expanded at depth 3), then at level 2.
    expect(debugprint(deep.add(e), { depth: 3 })).toBe(
      lines(`
Elemwise{add} [id A]
 ├─ Elemwise{neg} [id B]
 │  └─ Elemwise{neg} [id C]
 └─ Elemwise{exp} [id D]
    └─ x [id E]
`),
    );
  });

  it("idsStyle 'int' numbers ids, 'none' leaves them out", () => {
    expect(debugprint(z, { idsStyle: 'int' }).split('\n')[1]).toBe(' └─ Elemwise{add} [id 1]');
    expect(debugprint(z, { idsStyle: 'none' })).toBe(
      lines(`
CAReduce{add, axes=[0]}
 └─ Elemwise{add}
    ├─ x
    └─ DimShuffle{x,x}
       └─ c
`),
    );
  });

  it('stopOnName does not expand named intermediates', () => {
    const [a, b] = T.dscalars('a', 'b');
    const s = a.add(b);
    s.name = 's';
    expect(debugprint(s.mul(2), { stopOnName: true })).toBe(
      lines(`
Elemwise{mul} [id A]
 ├─ Elemwise{add} [id B] 's'
 │  └─ ···
 └─ 2.0 [id C]
`),
    );
  });

  it('shows unnamed inputs by type, named constants by value and name, large constants by shape', () => {
    const v = T.dvector();
    const k = T.constant([1, 2, 3], 'k');
    const big = T.constant(th.zeros([4, 3]));
    expect(debugprint(v.add(k).add(big.sum(0)))).toBe(
      lines(`
Elemwise{add} [id A]
 ├─ Elemwise{add} [id B]
 │  ├─ <TensorType(float64, (?,))> [id C]
 │  └─ [1 2 3] [id D] 'k'
 └─ CAReduce{add, axes=[0]} [id E]
    └─ TensorConstant{float64, (4, 3)} [id F]
`),
    );
  });

  it('printTopoIndex numbers nodes in execution order', () => {
    const v = T.dvector('v');
    expect(debugprint(v.exp().add(v.log()), { printTopoIndex: true })).toBe(
      lines(`
Elemwise{add} [id A] 2
 ├─ Elemwise{exp} [id B] 0
 │  └─ v [id C]
 └─ Elemwise{log} [id D] 1
    └─ v [id C]
`),
    );
  });

  it('ids go on past Z as BA, BB, ... (Theano\'s char_from_number)', () => {
    const { idLetters } = th.printing;
    expect([0, 1, 25, 26, 27, 3 * 26 ** 2 + 2 * 26].map(idLetters)).toEqual(['A', 'B', 'Z', 'BA', 'BB', 'DCA']);
  });
});

describe('compiled functions and function graphs', () => {
  it('prints every output with toposort positions, then which shared variable each update output replaces', () => {
    const w = th.shared(1, 'w', { dtype: 'int64' });
    const i = T.lscalar('i');
    const f = th.function([i], w.mul(2), { updates: [[w, w.add(i)]], mode: new th.Mode({ optimizer: null }) });
    expect(debugprint(f)).toBe(
      lines(`
Elemwise{mul} [id A] 0
 ├─ w [id B]
 └─ 2 [id C]
Elemwise{add} [id D] 1
 ├─ w [id B]
 └─ i [id E]

Updates:
 w [id B] ← Elemwise{add} [id D]
`),
    );
    expect(debugprint(f, { printTopoIndex: false }).split('\n')[0]).toBe('Elemwise{mul} [id A]');
  });

  it('names a root that is an update value by its label', () => {
    const a = th.shared([1, 2], 'a');
    const b = th.shared([3, 4], 'b');
    const swap = th.function([], [], { updates: [[a, b], [b, a]] });
    expect(debugprint(swap)).toBe(
      lines(`
b [id A]
a [id B]

Updates:
 a [id B] ← b [id A]
 b [id A] ← a [id B]
`),
    );
  });

  it('prints the optimized graph of the default mode, with an update line per update', () => {
    const s = th.shared([0, 0], 's');
    const x = T.dvector('x');
    const f = th.function([x], x.exp().add(x.exp()), { updates: [[s, s.add(x)]] });
    const text = debugprint(f);
    expect(text).toContain('\nUpdates:\n s [id ');
    // Whatever the rewrites did, every line belongs to the tree or the update section.
    for (const line of text.split('\n')) expect(line).toMatch(/^$|^Updates:$|^( [├└]─ | │ |   )*\S|^ s \[id [A-Z]+\] ← /);
    expect(text.split('\n').filter((l) => l === 'Updates:')).toHaveLength(1);
  });

  it('prints a FunctionGraph with positions', () => {
    const x = T.dvector('x');
    const fg = new th.graph.FunctionGraph([x], [x.exp().sum()]);
    expect(debugprint(fg)).toBe(
      lines(`
CAReduce{add, axes=[0]} [id A] 1
 └─ Elemwise{exp} [id B] 0
    └─ x [id C]
`),
    );
  });
});

describe('robustness and output', () => {
  it('printDebug writes the text to the console and returns it', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      const x = T.dscalar('x');
      const text = printDebug(x.exp());
      expect(log).toHaveBeenCalledWith(text);
      expect(text).toBe('Elemwise{exp} [id A]\n └─ x [id B]');
    } finally {
      log.mockRestore();
    }
  });

  it('refuses things that are not graphs with a TypeError', () => {
    expect(() => debugprint('x' as never)).toThrow(TypeError);
    expect(() => debugprint([T.dscalar(), 3] as never)).toThrow(/cannot print number/);
  });

  it('prints a very deep graph without overflowing the call stack', () => {
    let v = T.dscalar('x');
    for (let i = 0; i < 3000; i++) v = v.neg();
    const text = debugprint(v, { idsStyle: 'none' });
    expect(text.split('\n')).toHaveLength(3001);
    expect(text.endsWith('└─ x')).toBe(true);
  });
});

describe('debugprint of inner graphs', () => {
  it('prints a scan body under "Inner graphs:", sharing the ids', () => {
    const T = th.tensor;
    const xs = T.dvector('xs');
    const [ys] = th.scan({ fn: (x, acc) => acc.add(T.exp(x)), sequences: xs, outputsInfo: T.constant(0, null, 'float64'), name: 'acc' });
    const text = th.printing.debugprint(ys as th.tensor.TensorVariable);
    const [outer, inner] = text.split('\nInner graphs:\n');
    expect(outer).toMatch(/Scan\{acc\} \[id B\]/);
    expect(inner).toMatch(/^\nScan\{acc\} \[id B\]\n ← Elemwise\{add\} \[id [A-Z]+\]\n/);
    expect(inner).toContain('Elemwise{exp}');
    expect(inner).toContain('xs[t]');
  });
});
