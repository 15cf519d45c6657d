/**
 * Every error a compiled function raises, at compile time and at call time:
 * its class, and that its message names the function, the input (by name
 * and position), what was expected and what was given.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as th from '../../src/index.js';
import { thrown } from '../helpers/assertions.js';

const T = th.tensor;

/** The line number of the caller, as stack traces print it. */
function lineHere(): number {
  const frame = new Error().stack!.split('\n')[2]!;
  return Number(/:(\d+):\d+\)?$/.exec(frame)![1]);
}

/** The graph exactly as written (no rewrites). */
const asWritten = new th.Mode({ optimizer: null });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('arguments', () => {
  const x = T.dmatrix('x');
  const y = T.dmatrix('y');
  const f = th.function([x, y], x.add(y), { name: 'addMatrices' });

  it('too many arguments: InputError naming the function, the count and the inputs', () => {
    const e = thrown(() => f([[1]], [[2]], [[3]]));
    expect(e).toBeInstanceOf(th.InputError);
    expect(e).toBeInstanceOf(th.TheanoError);
    expect(e.name).toBe('InputError');
    expect(e.message).toBe('addMatrices(x, y) takes 2 arguments, got 3');
  });

  it('too few arguments: InputError naming what is missing', () => {
    const e = thrown(() => f([[1]]));
    expect(e).toBeInstanceOf(th.InputError);
    expect(e.message).toMatch(/^addMatrices\(x, y\): missing argument 1 \('y'\); 1 required argument not given: y$/);
    const none = thrown(() => f());
    expect(none.message).toMatch(/addMatrices\(x, y\).*2 required arguments not given: x, y/);
    // Every argument by position, one of them undefined: missing too, not a bad value.
    expect(thrown(() => f([[1]], undefined)).message).toMatch(/^addMatrices\(x, y\): missing argument 1 \('y'\); 1 required argument not given: y$/);
    expect(thrown(() => f([[1]], 'two')).message).toMatch(/^addMatrices: bad argument 1 \('y'\): /);
    // ...and an input with a default takes it.
    const [a, b] = [T.dscalar('a'), T.dscalar('b')];
    const h = th.function([a, new th.In(b, { value: 10 })], a.sub(b), { name: 'h' });
    expect(Number(h(1, undefined))).toBe(-9);
    expect(Number(h(1))).toBe(-9);
    expect(thrown(() => h(undefined, 2)).message).toMatch(/^h\(a, b\): missing argument 0 \('a'\)/);
    // Unnamed inputs are called inputN.
    const g = th.function([T.dscalar(), T.dscalar()], T.constant(1), { onUnusedInput: 'ignore', name: 'g' });
    expect(thrown(() => g(1, 2, 3)).message).toBe('g(input0, input1) takes 2 arguments, got 3');
  });

  it('an unknown named argument: InputError listing the known names', () => {
    const e = thrown(() => f({ x: [[1]], z: [[2]] }));
    expect(e).toBeInstanceOf(th.InputError);
    expect(e.message).toBe("addMatrices: unknown named argument 'z'; named inputs are 'x', 'y'");
  });

  it('a name shared by two inputs must be passed by position', () => {
    const a1 = T.dscalar('a');
    const a2 = T.dscalar('a');
    const g = th.function([a1, a2], a1.sub(a2), { name: 'twoA' });
    expect(Number(g(3, 1))).toBe(2);
    const e = thrown(() => g({ a: 1 }));
    expect(e).toBeInstanceOf(th.InputError);
    expect(e.message).toMatch(/'a' belongs to several inputs; pass them by position/);
  });

  it('a value of the wrong rank: ShapeError naming the input by name and position', () => {
    const e = thrown(() => f([[1, 2]], [1, 2]));
    expect(e).toBeInstanceOf(th.ShapeError);
    expect(e.message).toMatch(/^addMatrices: bad argument 1 \('y'\): expected a float64 matrix \(2 dimensions\), got a 1-d float64 array of shape \(2,\)$/);
    const s = thrown(() => f(3, [[1]]));
    expect(s).toBeInstanceOf(th.ShapeError);
    expect(s.message).toMatch(/argument 0 \('x'\).*got a 0-d/);
  });

  it('a length other than 1 on a broadcastable dimension: ShapeError', () => {
    const r = T.drow('r');
    const g = th.function([r], r.mul(2), { name: 'rowFn' });
    const e = thrown(() => g([[1, 2], [3, 4], [5, 6]]));
    expect(e).toBeInstanceOf(th.ShapeError);
    expect(e.message).toMatch(/rowFn: bad argument 0 \('r'\)/);
    expect(e.message).toMatch(/static shape \(1, \?\)/);
    expect(e.message).toMatch(/shape \(3, 2\)/);
    expect(e.message).toMatch(/dimension 0 is broadcastable, so its length must be 1/);
    expect(g([[1, 2]]).toArray()).toEqual([[2, 4]]);
  });

  it('a dtype that cannot be cast safely: DTypeError suggesting allowInputDowncast', () => {
    const v = T.fvector('v');
    const g = th.function([v], v.mul(2), { name: 'f32' });
    const e = thrown(() => g(th.array([1.1, 2])));
    expect(e).toBeInstanceOf(th.DTypeError);
    expect(e.message).toMatch(/f32: bad argument 0 \('v'\): expected float32, got a 1-d float64 array/);
    expect(e.message).toMatch(/allowInputDowncast: true/);
    expect(e.message).toMatch(/astype\('float32'\)/);
    // Typed arrays are strongly typed too.
    expect(() => g(new Float64Array([1, 2]))).toThrow(th.DTypeError);
    expect(g(new Float32Array([1, 2])).toArray()).toEqual([2, 4]);
    // int64 into int32.
    const i = T.ivector('i');
    const gi = th.function([i], i.mul(2));
    expect(() => gi(th.array([1, 2], { dtype: 'int64' }))).toThrow(th.DTypeError);
    // Safe casts are accepted: int16 into int32, float32 into float64.
    expect(gi(th.array([1, 2], { dtype: 'int16' })).toArray()).toEqual([2, 4]);
    const d = T.dvector('d');
    const out = th.function([d], d.mul(1))(th.array([0.5], { dtype: 'float32' }));
    expect(out.dtype).toBe('float64');
  });

  it('the downcast works with allowInputDowncast: true', () => {
    const v = T.fvector('v');
    const g = th.function([v], v.mul(1), { allowInputDowncast: true });
    const out = g(th.array([1.1, 2]));
    expect(out.dtype).toBe('float32');
    expect(out.toArray()).toEqual([Math.fround(1.1), 2]);
    const i = T.iscalar('i');
    const gi = th.function([i], i.mul(1), { allowInputDowncast: true });
    expect(Number(gi(th.array(7, { dtype: 'int64' })))).toBe(7);
    expect(gi(2.0).dtype).toBe('int32');
  });

  it('JS numbers are weakly typed: any number into a float input', () => {
    const v = T.fvector('v');
    const out = th.function([v], v.mul(1))([0.1, 1e3]);
    expect(out.dtype).toBe('float32');
    expect(out.toArray()).toEqual([Math.fround(0.1), 1000]);
  });

  it('a non-integer JS number into an int input: DTypeError', () => {
    const i = T.iscalar('i');
    const g = th.function([i], i.mul(2), { name: 'ints' });
    const e = thrown(() => g(1.5));
    expect(e).toBeInstanceOf(th.DTypeError);
    expect(e.message).toMatch(/ints: bad argument 0 \('i'\): expected int32 values.*got 1\.5/);
    expect(e.message).toMatch(/allowInputDowncast/);
    expect(() => g(2 ** 40)).toThrow(th.DTypeError);
    expect(() => g(NaN)).toThrow(th.DTypeError);
    expect(Number(g(3))).toBe(6);
    expect(Number(g(-2147483648))).toBe(0); // int32 wraps: -2^31 * 2
  });

  it('ragged nested arrays: ValueError', () => {
    const e = thrown(() => f([[1, 2], [3]], [[1, 2], [3, 4]]));
    expect(e).toBeInstanceOf(th.ValueError);
    expect(e.message).toMatch(/addMatrices: bad argument 0 \('x'\): ragged/);
  });

  it('NaN and Infinity are data for float inputs', () => {
    const out = f([[NaN, Infinity, Infinity]], [[1, -Infinity, 1]]);
    expect(out.shape).toEqual([1, 3]);
    expect(out.get(0, 0)).toBeNaN();
    expect(out.get(0, 1)).toBeNaN(); // inf + -inf
    expect(out.get(0, 2)).toBe(Infinity);
    const v = T.fvector('v');
    const g = th.function([v], v.mul(2));
    const o = g([NaN, Infinity, -Infinity]);
    expect(o.get(0)).toBeNaN();
    expect(o.get(1)).toBe(Infinity);
    expect(o.get(2)).toBe(-Infinity);
  });

  it('strings and objects are refused: ValueError', () => {
    const v = T.fvector('v');
    const g = th.function([v], v.mul(2), { name: 'g' });
    const s = thrown(() => g('abc'));
    expect(s).toBeInstanceOf(th.ValueError);
    expect(s.message).toMatch(/g: bad argument 0 \('v'\): expected a float32 vector, got string "abc"/);
    expect(thrown(() => g(['a', 'b']))).toBeInstanceOf(th.ValueError);
    expect(thrown(() => g(new Date()))).toBeInstanceOf(th.ValueError);
    expect(thrown(() => g(null))).toBeInstanceOf(th.ValueError);
    const two = th.function([v, T.fvector('w')], v, { onUnusedInput: 'ignore' });
    expect(thrown(() => two({}, [1]))).toBeInstanceOf(th.ValueError);
    expect(thrown(() => two([1], new Map()))).toBeInstanceOf(th.ValueError);
  });
});

describe('errors at run time', () => {
  it('a shape mismatch inside an op: ShapeError naming the function, op, both shapes and where the node was built', () => {
    const x = T.dmatrix('x');
    const y = T.dmatrix('y');
    const z = x.add(y); const built = lineHere(); // prettier-ignore
    for (const mode of [undefined, asWritten]) {
      const f = th.function([x, y], z.mul(2), { name: 'addThem', mode });
      const e = thrown(() => f([[1, 2]], [[1, 2, 3]]));
      expect(e).toBeInstanceOf(th.ShapeError);
      expect(e.message).toMatch(/^addThem: /);
      expect(e.message).toMatch(/Elemwise\{.*add/); // Elemwise{add}, or a fused kernel containing the add
      expect(e.message).toContain('(1, 2)');
      expect(e.message).toContain('(1, 3)');
      expect(e.message).toContain('node built at');
      expect(e.message).toContain('errors.test.ts:');
    }
    // The graph as written points at the very line that built the failing node.
    const f = th.function([x, y], z.mul(2), { mode: asWritten });
    expect(thrown(() => f([[1, 2]], [[1, 2, 3]])).message).toContain(`errors.test.ts:${built}:`);
  });

  // A fused node carries the trace of the first operation it computes.
  it('a shape mismatch inside a fused kernel still points at the line that built the node', () => {
    const x = T.dmatrix('x');
    const y = T.dmatrix('y');
    const z = x.add(y); const built = lineHere(); // prettier-ignore
    const f = th.function([x, y], z.mul(2));
    expect(thrown(() => f([[1, 2]], [[1, 2, 3]])).message).toContain(`errors.test.ts:${built}:`);
  });

  it('a length-1 axis that is not broadcastable in the graph: ShapeError telling how to declare it', () => {
    const x = T.dmatrix('x');
    const y = T.dmatrix('y');
    const f = th.function([x, y], x.add(y));
    const e = thrown(() => f([[1, 2]], [[1, 2], [3, 4]]));
    expect(e).toBeInstanceOf(th.ShapeError);
    expect(e.message).toMatch(/not broadcastable in the graph; declare it broadcastable/);
  });

  it('a dot of unaligned shapes', () => {
    const a = T.dmatrix('a');
    const b = T.dmatrix('b');
    const f = th.function([a, b], T.dot(a, b));
    const e = thrown(() => f([[1, 2]], [[1, 2]]));
    expect(e).toBeInstanceOf(th.ShapeError);
    expect(e.message).toContain('not aligned');
    expect(e.message).toContain('errors.test.ts');
  });
});

describe('errors at compile time', () => {
  it('an input no output uses: UnusedInputError by default', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const e = thrown(() => th.function([x, y], x.mul(2), { name: 'unused' }));
    expect(e).toBeInstanceOf(th.UnusedInputError);
    expect(e.message).toMatch(/^unused: input 1 \('y'\) is not used to compute any output or update; pass onUnusedInput: 'warn' or 'ignore'/);
    expect(() => th.function([x, y], x.mul(2), { onUnusedInput: 'raise' })).toThrow(th.UnusedInputError);
  });

  it("onUnusedInput: 'warn' warns once and compiles; the unused input is still an argument", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const x = T.dvector('x');
    const y = T.dvector('y');
    const f = th.function([x, y], x.mul(2), { name: 'warned', onUnusedInput: 'warn' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/warned: input 1 \('y'\) is not used/);
    expect(f([1], [2]).toArray()).toEqual([2]);
    expect(() => f([1])).toThrow(th.InputError);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("onUnusedInput: 'ignore' is silent", () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const x = T.dvector('x');
    const y = T.dvector('y');
    const f = th.function([x, y], x.mul(2), { onUnusedInput: 'ignore' });
    expect(f([1], [2]).toArray()).toEqual([2]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('an input used only by an update is used', () => {
    const s = th.shared(0.0, 's');
    const x = T.dscalar('x');
    expect(() => th.function([x], [], { updates: [[s, x]] })).not.toThrow();
  });

  it('a bad onUnusedInput value is a CompileError', () => {
    const x = T.dvector('x');
    expect(() => th.function([x], x, { onUnusedInput: 'sometimes' as never })).toThrow(th.CompileError);
  });

  it('an output depending on a variable not given: MissingInputError naming it', () => {
    const x = T.dvector('x');
    const y = T.dvector('y');
    const e = thrown(() => th.function([x], x.add(y), { name: 'missing' }));
    expect(e).toBeInstanceOf(th.MissingInputError);
    expect(e.message).toMatch(/^missing: output 0 depends on 'y' \(TensorType\(float64, \(\?,\)\)\), which is not an input of the function/);
    expect(e.message).toMatch(/givens/);
    const second = thrown(() => th.function([x], [x, x.add(y)]));
    expect(second.message).toMatch(/output 1 depends on 'y'/);
    const s = th.shared(0.0, 's');
    const z = T.dscalar('z');
    const upd = thrown(() => th.function([x], x, { updates: [[s, z]] }));
    expect(upd).toBeInstanceOf(th.MissingInputError);
    expect(upd.message).toMatch(/an update depends on 'z'/);
    const unnamed = thrown(() => th.function([], T.dscalar().add(1)));
    expect(unnamed.message).toMatch(/<unnamed TensorType\(float64, \(\)\)>/);
  });

  it('a shared variable listed as an input: CompileError', () => {
    const s = th.shared([1.0], 's');
    const x = T.dvector('x');
    const e = thrown(() => th.function([x, s], x.add(s), { name: 'withShared' }));
    expect(e).toBeInstanceOf(th.CompileError);
    expect(e.message).toMatch(/^withShared: input 1 \('s'\) is a shared variable; shared variables are implicit inputs/);
  });

  it('a constant listed as an input: CompileError', () => {
    const c = T.constant(1.0);
    const e = thrown(() => th.function([c], c.add(1)));
    expect(e).toBeInstanceOf(th.CompileError);
    expect(e.message).toMatch(/input 0 .* is a constant/);
  });

  it('a duplicated input: CompileError naming both positions', () => {
    const x = T.dvector('x');
    const e = thrown(() => th.function([x, x], x, { name: 'dup' }));
    expect(e).toBeInstanceOf(th.CompileError);
    expect(e.message).toBe("dup: input 'x' is listed twice (positions 0 and 1)");
    expect(() => th.function([x, new th.In(x, { name: 'other' })], x)).toThrow(/listed twice/);
  });

  it('inputs and outputs that are not variables: CompileError', () => {
    const x = T.dvector('x');
    expect(() => th.function([1 as never], x)).toThrow(th.CompileError);
    expect(() => th.function([1 as never], x)).toThrow(/input 0 must be a tensor variable or In/);
    expect(() => th.function([x], ['a' as never])).toThrow(/output 0 must be a tensor variable or Out/);
    expect(() => th.function(x as never, x)).toThrow(/inputs must be a list/);
  });

  it('compile errors leave no trace in shared state', () => {
    const s = th.shared(1.0, 's');
    const x = T.dvector('x');
    expect(() => th.function([x], [], { updates: [[s, s.add(x)]] })).toThrow(th.CompileError);
    expect(Number(s.getValue())).toBe(1);
  });
});
