/**
 * Symbolic constructors: every one of them gives the dtype its prefix says
 * (floatX when unprefixed, read at call time) and the static shape its kind
 * says; names, plural forms with names, counts and 'a,b' strings.
 */
import { describe, it, expect, afterEach } from 'vitest';
import * as C from '../../src/tensor/constructors.js';
import * as T from '../../src/tensor/index.js';
import { TensorVariable } from '../../src/tensor/variable.js';
import { config } from '../../src/config.js';
import { DTypeError } from '../../src/errors.js';
import type { DType } from '../../src/ndarray/dtype.js';

const PREFIX: Record<string, DType | 'floatX'> = {
  '': 'floatX',
  b: 'int8',
  w: 'int16',
  i: 'int32',
  l: 'int64',
  f: 'float32',
  d: 'float64',
};

const KIND: Record<string, (number | null)[]> = {
  scalar: [],
  vector: [null],
  row: [1, null],
  col: [null, 1],
  matrix: [null, null],
  tensor3: [null, null, null],
  tensor4: [null, null, null, null],
  tensor5: [null, null, null, null, null],
};

const PLURAL: Record<string, string> = {
  scalars: 'scalar',
  vectors: 'vector',
  rows: 'row',
  cols: 'col',
  matrices: 'matrix',
  tensor3s: 'tensor3',
  tensor4s: 'tensor4',
  tensor5s: 'tensor5',
};

/** [prefix, kind, plural?] of a constructor name, or null for `tensor` itself. */
function parse(name: string): { dtype: DType | 'floatX'; kind: string; plural: boolean } | null {
  for (const [p, dtype] of Object.entries(PREFIX)) {
    if (!name.startsWith(p)) continue;
    const rest = name.slice(p.length);
    if (rest in KIND) return { dtype, kind: rest, plural: false };
    if (rest in PLURAL) return { dtype, kind: PLURAL[rest]!, plural: true };
  }
  return null;
}

type Single = (name?: string | null, dtype?: DType) => TensorVariable;
type Plural = (...names: (string | number)[]) => TensorVariable[];

const constructors = Object.entries(C).filter(([name]) => name !== 'tensor') as [string, Single | Plural][];

describe('every constructor', () => {
  const saved = config.floatX;
  afterEach(() => {
    config.floatX = saved;
  });

  it('has a recognisable name', () => {
    for (const [name] of constructors) expect(parse(name), name).not.toBeNull();
    expect(constructors.length).toBeGreaterThanOrEqual(90);
  });

  it('gives its dtype and static shape (singles: named; plurals: one per name)', () => {
    for (const floatX of ['float64', 'float32'] as const) {
      config.floatX = floatX;
      for (const [name, make] of constructors) {
        const { dtype, kind, plural } = parse(name)!;
        const want = dtype === 'floatX' ? floatX : dtype;
        const vars = plural ? (make as Plural)('p', 'q') : [(make as Single)('p')];
        expect(vars, name).toHaveLength(plural ? 2 : 1);
        vars.forEach((v, i) => {
          expect(v, name).toBeInstanceOf(TensorVariable);
          expect(v.dtype, `${name} with floatX=${floatX}`).toBe(want);
          expect(v.staticShape, name).toEqual(KIND[kind]);
          expect(v.broadcastable, name).toEqual(KIND[kind]!.map((d) => d === 1));
          expect(v.name, name).toBe(['p', 'q'][i]);
          expect(v.owner).toBeNull();
        });
      }
    }
  });

  it('the common spellings exist', () => {
    const names = new Set(constructors.map(([n]) => n));
    for (const p of Object.keys(PREFIX)) {
      for (const kind of Object.keys(KIND)) expect(names.has(`${p}${kind}`), `${p}${kind}`).toBe(true);
      for (const plural of ['scalars', 'vectors', 'matrices']) expect(names.has(`${p}${plural}`), `${p}${plural}`).toBe(true);
    }
  });
});

describe('single constructors', () => {
  const saved = config.floatX;
  afterEach(() => {
    config.floatX = saved;
  });

  it('name defaults to null', () => {
    expect(T.matrix().name).toBeNull();
    expect(T.dvector().name).toBeNull();
    expect(T.scalar(null).name).toBeNull();
  });

  it('unprefixed forms read config.floatX when called, not when imported', () => {
    expect(T.matrix('a').dtype).toBe('float64');
    config.floatX = 'float32';
    const m = T.matrix('m');
    const s = T.scalar();
    const vs = T.vectors('u', 'v');
    expect(m.dtype).toBe('float32');
    expect(s.dtype).toBe('float32');
    expect(vs.map((v) => v.dtype)).toEqual(['float32', 'float32']);
    // Prefixed ones do not follow floatX.
    expect(T.dmatrix().dtype).toBe('float64');
    expect(T.imatrix().dtype).toBe('int32');
    config.floatX = 'float64';
    expect(T.matrix().dtype).toBe('float64');
    // Variables made before keep their dtype.
    expect(m.dtype).toBe('float32');
  });

  it('unprefixed forms take an explicit dtype', () => {
    const x = T.scalar('input', 'float32');
    expect(x.dtype).toBe('float32');
    expect(x.name).toBe('input');
    expect(T.matrix('m', 'int8').dtype).toBe('int8');
    expect(T.row('r', 'bool').staticShape).toEqual([1, null]);
    expect(T.tensor3(null, 'uint8').dtype).toBe('uint8');
  });

  it('every call makes a new variable', () => {
    const a = T.dmatrix('x');
    const b = T.dmatrix('x');
    expect(a).not.toBe(b);
    expect(a.id).not.toBe(b.id);
    expect(a.type.equals(b.type)).toBe(true);
  });
});

describe('T.tensor', () => {
  it('takes a dtype, a static shape and a name', () => {
    const x = T.tensor('float32', [null, 3, 1], 'x');
    expect(x.dtype).toBe('float32');
    expect(x.staticShape).toEqual([null, 3, 1]);
    expect(x.broadcastable).toEqual([false, false, true]);
    expect(x.name).toBe('x');
    expect(T.tensor('int64', []).name).toBeNull();
  });

  it("takes Theano's broadcastable pattern", () => {
    const x = T.tensor('float64', [true, false, true]);
    expect(x.staticShape).toEqual([1, null, 1]);
    expect(x.type.equals(T.dcol().type)).toBe(false);
    expect(T.tensor('float64', [false, true]).type.equals(T.dcol().type)).toBe(true);
  });

  it('refuses unknown dtypes', () => {
    expect(() => T.tensor('complex64' as DType, [null])).toThrow(DTypeError);
    expect(() => T.matrix('m', 'float16' as DType)).toThrow(DTypeError);
  });
});

describe('plural constructors', () => {
  it('make one variable per name, in order', () => {
    const [a, b, c] = T.dscalars('a', 'b', 'c');
    expect([a!.name, b!.name, c!.name]).toEqual(['a', 'b', 'c']);
    expect(a!.dtype).toBe('float64');
    expect(a).not.toBe(b);
  });

  it('a count makes that many unnamed variables', () => {
    const vs = T.fmatrices(3);
    expect(vs).toHaveLength(3);
    for (const v of vs) {
      expect(v.name).toBeNull();
      expect(v.dtype).toBe('float32');
      expect(v.ndim).toBe(2);
    }
    expect(new Set(vs).size).toBe(3);
    expect(T.ivectors(0)).toEqual([]);
  });

  it("a comma or space separated string names several ('a,b', 'a, b', 'a b')", () => {
    const [x, y] = T.dmatrices('x,y');
    expect([x!.name, y!.name]).toEqual(['x', 'y']);
    expect(T.scalars('a, b ,c').map((v) => v.name)).toEqual(['a', 'b', 'c']);
    expect(T.lvectors('p q').map((v) => v.name)).toEqual(['p', 'q']);
    expect(T.lvectors('p q').map((v) => v.dtype)).toEqual(['int64', 'int64']);
    expect(T.rows('r1,r2').map((v) => v.staticShape)).toEqual([
      [1, null],
      [1, null],
    ]);
  });

  it('a single plain name makes one variable', () => {
    const vs = T.dvectors('only');
    expect(vs).toHaveLength(1);
    expect(vs[0]!.name).toBe('only');
  });

  it('no arguments make none', () => {
    expect(T.dscalars()).toEqual([]);
  });
});
