/**
 * The graph's building blocks: Variable, Constant, Apply, Op equality and
 * keys, apply1, and creation traces.
 */
import { describe, it, expect, afterEach } from 'vitest';
import * as T from '../../src/tensor/index.js';
import { Variable, Constant, constantData } from '../../src/graph/variable.js';
import { Apply } from '../../src/graph/apply.js';
import { CreationTrace } from '../../src/graph/trace.js';
import { Elemwise } from '../../src/tensor/elemwise.js';
import { DimShuffle } from '../../src/tensor/dimshuffle.js';
import { CAReduce } from '../../src/tensor/reduce.js';
import { Dot } from '../../src/tensor/dot.js';
import { Shape, ShapeI } from '../../src/tensor/shape.js';
import * as S from '../../src/scalar/ops.js';
import { config } from '../../src/config.js';
import { ToyOp, OtherToyOp, SplitOp, dvec, split, toy } from './toyOps.js';

const THIS_FILE = 'test/graph/core.test.ts';

describe('Variable', () => {
  it('a root variable has no owner, index 0 and the given name', () => {
    const v = new Variable(dvec);
    expect(v.owner).toBeNull();
    expect(v.index).toBe(0);
    expect(v.name).toBeNull();
    expect(v.type).toBe(dvec);
    expect(v.isConstant()).toBe(false);
    const named = new Variable(dvec, null, 0, 'w');
    expect(named.name).toBe('w');
    expect(String(named)).toBe('w');
  });

  it('an unnamed root prints its type', () => {
    expect(String(new Variable(dvec))).toBe('<TensorType(float64, (?,))>');
  });

  it('ids are unique and increase in creation order', () => {
    const vs = Array.from({ length: 50 }, () => new Variable(dvec));
    const ids = vs.map((v) => v.id);
    expect(new Set(ids).size).toBe(50);
    for (let i = 1; i < ids.length; i++) expect(ids[i]!).toBeGreaterThan(ids[i - 1]!);
    // Variables made by ops and types take ids from the same counter.
    const later = T.dvector('later');
    expect(later.id).toBeGreaterThan(ids[49]!);
    const out = later.add(1);
    expect(out.id).toBeGreaterThan(later.id);
  });

  it('cloneRoot makes a fresh root of the same type and name', () => {
    const x = T.fmatrix('x');
    const y = x.add(1);
    const c = y.cloneRoot();
    expect(c).not.toBe(y);
    expect(c.owner).toBeNull();
    expect(c.type.equals(y.type)).toBe(true);
    expect(c.name).toBeNull();
    expect(x.cloneRoot().name).toBe('x');
    expect(c).toBeInstanceOf(T.TensorVariable);
  });

  it('an op output prints as op.index unless named', () => {
    const x = T.dvector('x');
    const y = T.exp(x);
    expect(String(y)).toBe('Elemwise{exp}.0');
    y.name = 'ey';
    expect(String(y)).toBe('ey');
    const [a, b] = split.makeNode(x).outputs;
    expect(String(a)).toBe('Split.0');
    expect(String(b)).toBe('Split.1');
  });
});

describe('Constant', () => {
  it('holds data and is a constant', () => {
    const c = new Constant(dvec, [1, 2, 3], 'c');
    expect(c.isConstant()).toBe(true);
    expect(c.data).toEqual([1, 2, 3]);
    expect(c.owner).toBeNull();
    expect(constantData(c)).toEqual([1, 2, 3]);
    expect(String(c)).toBe('c');
  });

  it('constantData reads tensor constants and refuses variables', () => {
    const k = T.constant([1, 2]);
    expect((constantData(k) as { toArray(): unknown }).toArray()).toEqual([1, 2]);
    const x = T.dvector('x');
    expect(() => constantData(x)).toThrow(TypeError);
    expect(() => constantData(x)).toThrow(/x is not a constant/);
  });
});

describe('Apply', () => {
  it('wires outputs to the node with their index', () => {
    const x = T.dvector('x');
    const node = split.makeNode(x);
    expect(node.op).toBe(split);
    expect(node.inputs).toEqual([x]);
    expect(node.nin).toBe(1);
    expect(node.nout).toBe(2);
    node.outputs.forEach((o, i) => {
      expect(o.owner).toBe(node);
      expect(o.index).toBe(i);
      expect(o.type).toBe(x.type);
    });
    expect(node.outputs[0]).not.toBe(node.outputs[1]);
  });

  it('copies the input list (editing the caller array does not change the node)', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const inputs = [x];
    const node = new Apply(toy, inputs, [dvec]);
    inputs[0] = y;
    expect(node.inputs[0]).toBe(x);
  });

  it('prints as op(inputs)', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    expect(String(T.add(x, y).owner)).toBe('Elemwise{add}(x, y)');
    expect(String(T.dot(x, y).owner)).toBe('Dot(x, y)');
  });

  it('cloneWithInputs keeps op, output types, names and trace; outputs are fresh', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const z = T.mul(x, 2);
    z.name = 'z';
    const node = z.owner!;
    const copy = node.cloneWithInputs([y, node.inputs[1]!]);
    expect(copy).not.toBe(node);
    expect(copy.op).toBe(node.op);
    expect(copy.inputs[0]).toBe(y);
    expect(copy.trace).toBe(node.trace);
    expect(copy.outputs[0]).not.toBe(z);
    expect(copy.outputs[0]!.name).toBe('z');
    expect(copy.outputs[0]!.type.equals(z.type)).toBe(true);
    expect(copy.outputs[0]!.owner).toBe(copy);
    // The original is untouched.
    expect(node.inputs[0]).toBe(x);
  });
});

describe('Op equality and keys', () => {
  const eqPair = (a: { equals(o: never): boolean; key(): string }, b: { equals(o: never): boolean; key(): string }) => {
    expect(a.equals(b as never)).toBe(true);
    expect(b.equals(a as never)).toBe(true);
    expect(a.key()).toBe(b.key());
  };
  const nePair = (a: { equals(o: never): boolean; key(): string }, b: { equals(o: never): boolean; key(): string }) => {
    expect(a.equals(b as never)).toBe(false);
    expect(b.equals(a as never)).toBe(false);
    expect(a.key()).not.toBe(b.key());
  };

  it('ops of one class with equal props are equal, with equal keys', () => {
    eqPair(new ToyOp(1, 'a'), new ToyOp(1, 'a'));
    eqPair(new ToyOp([1, [2, 'x']], { b: 1, a: 2 }), new ToyOp([1, [2, 'x']], { a: 2, b: 1 }));
    eqPair(new ToyOp(NaN), new ToyOp(NaN));
    eqPair(new Elemwise(S.add), new Elemwise(S.add));
    eqPair(new DimShuffle(2, [1, 0]), new DimShuffle(2, [1, 0]));
    eqPair(new DimShuffle(1, ['x', 0]), new DimShuffle(1, ['x', 0]));
    eqPair(new CAReduce(S.add, [0, 2]), new CAReduce(S.add, [0, 2]));
    eqPair(new ShapeI(1), new ShapeI(1));
    eqPair(new Dot(), new Dot());
    eqPair(new Elemwise(S.cast('int32')), new Elemwise(S.cast('int32')));
  });

  it('different props, or different classes, are not equal', () => {
    nePair(new ToyOp(1), new ToyOp(2));
    nePair(new ToyOp(1, 'a'), new ToyOp(1, 'b'));
    nePair(new ToyOp(0), new ToyOp(-0));
    nePair(new ToyOp('1'), new ToyOp(1));
    nePair(new ToyOp([1, 2]), new ToyOp([2, 1]));
    nePair(new ToyOp({ a: 1 }), new ToyOp({ a: 2 }));
    nePair(new ToyOp(undefined), new ToyOp(null));
    nePair(new ToyOp(1, 'a'), new OtherToyOp(1, 'a'));
    nePair(new Elemwise(S.add), new Elemwise(S.mul));
    nePair(new DimShuffle(2, [1, 0]), new DimShuffle(2, [0, 1]));
    nePair(new DimShuffle(1, ['x', 0]), new DimShuffle(1, [0, 'x']));
    nePair(new DimShuffle(2, [0]), new DimShuffle(1, [0]));
    nePair(new CAReduce(S.add, [0]), new CAReduce(S.add, [1]));
    nePair(new CAReduce(S.add, [0]), new CAReduce(S.mul, [0]));
    nePair(new CAReduce(S.add, [0]), new CAReduce(S.add, [0], 'float32'));
    nePair(new ShapeI(0), new ShapeI(1));
    nePair(new Shape(), new Dot());
    nePair(new Elemwise(S.cast('int32')), new Elemwise(S.cast('int64')));
  });

  it('the tensor layer reuses equal ops, so identical expressions get equal ops', () => {
    const x = T.dmatrix('x');
    expect(x.add(1).owner!.op.equals(x.add(2).owner!.op)).toBe(true);
    expect(x.sum(0).owner!.op.equals(x.sum(0).owner!.op)).toBe(true);
    expect(x.sum(0).owner!.op.equals(x.sum(1).owner!.op)).toBe(false);
    expect(x.T.owner!.op.key()).toBe(x.transpose([1, 0]).owner!.op.key());
  });

  it('toString lists the props, name drops a trailing "Op"', () => {
    expect(new ToyOp(1, 'a').toString()).toBe('Toy{1, "a"}');
    expect(new ToyOp(1, 'a').name).toBe('Toy');
    expect(new SplitOp().toString()).toBe('Split');
    expect(new Dot().toString()).toBe('Dot');
    expect(new ShapeI(2).toString()).toBe('Shape_i{2}');
    expect(new DimShuffle(2, ['x', 1, 0]).toString()).toBe('DimShuffle{x,1,0}');
  });
});

describe('apply1', () => {
  it('returns the single output of the node it builds', () => {
    const x = T.dvector('x');
    const y = toy.apply1(x);
    expect(y.owner!.op).toBe(toy);
    expect(y.owner!.inputs).toEqual([x]);
    expect(y.index).toBe(0);
  });

  it('refuses ops with several outputs', () => {
    const x = T.dvector('x');
    expect(() => split.apply1(x)).toThrow(TypeError);
    expect(() => split.apply1(x)).toThrow(/2 outputs; use makeNode/);
  });
});

describe('CreationTrace', () => {
  const saved = config.tracebackLimit;
  afterEach(() => {
    config.tracebackLimit = saved;
  });

  const isLibrary = (f: string) => /[/\\]src[/\\](graph|tensor|ndarray|scalar|compile|link|rewrite)[/\\]/.test(f) || f.endsWith('(<anonymous>)');

  it('names this test file first, and no library frame', () => {
    const x = T.dmatrix('x');
    const y = x.add(1); // a user line
    const frames = y.owner!.trace.frames();
    expect(frames.length).toBeGreaterThan(0);
    expect(frames[0]).toContain(THIS_FILE);
    for (const f of frames) expect(isLibrary(f)).toBe(false);
    expect(String(y.owner!.trace)).toContain(THIS_FILE);
  });

  it('reaches user code from nodes built deep inside the library', () => {
    const x = T.dmatrix('x');
    // mean over axis 0 divides a vector by a scalar count: the division pads
    // the count with a DimShuffle a dozen calls below this line.
    const m = x.mean(0, { keepdims: true });
    const nodes: Apply[] = [];
    const walk = (v: Variable) => {
      if (v.owner === null || nodes.includes(v.owner)) return;
      nodes.push(v.owner);
      v.owner.inputs.forEach(walk);
    };
    walk(m);
    expect(nodes.some((n) => n.op instanceof DimShuffle && n.op.pattern[0] === 'x' && n.op.inputNdim === 0)).toBe(true);
    for (const n of nodes) {
      const frames = n.trace.frames();
      expect(frames[0], `trace of ${n}`).toContain(THIS_FILE);
      for (const f of frames) expect(isLibrary(f)).toBe(false);
    }
  });

  it('frames(limit) caps the count; the default follows config.tracebackLimit', () => {
    const trace = (() => new CreationTrace())();
    expect(trace.frames(1)).toHaveLength(1);
    expect(trace.frames(1)[0]).toContain(THIS_FILE);
    expect(trace.frames(2).length).toBeLessThanOrEqual(2);
    config.tracebackLimit = 1;
    expect(trace.frames()).toHaveLength(1);
    config.tracebackLimit = 5;
    expect(trace.frames().length).toBeGreaterThan(1);
    expect(trace.frames().length).toBeLessThanOrEqual(5);
  });

  it('leaves Error.stackTraceLimit as it was', () => {
    const before = Error.stackTraceLimit;
    T.dvector('v').add(1);
    expect(Error.stackTraceLimit).toBe(before);
  });

  it('points at the line that built the node', () => {
    const x = T.dvector('x');
    const line = Number(new Error().stack!.split('\n')[1]!.match(/:(\d+):\d+\)?$/)![1]) + 1;
    const y = T.exp(x);
    expect(y.owner!.trace.frames(1)[0]).toContain(`${THIS_FILE}:${line}:`);
  });
});
