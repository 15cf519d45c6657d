/**
 * pp: exact strings for small graphs, and round trips — an expression
 * printed in either parenthesis style, re-read by a small parser that knows
 * Python's grammar (written here, independently of pp's table), must give
 * back the same graph.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as th from '../../src/index.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import { split, toy, ToyOp } from '../graph/toyOps.js';

const T = th.tensor;
const { pp } = th.printing;
const minimal = (v: th.graph.Variable): string => pp(v, { parens: 'minimal' });

describe('pp of small graphs', () => {
  const [w, x, b] = T.dscalars('w', 'x', 'b');
  const [m, n] = T.dmatrices('m', 'n');

  it("prints the seed's expressions", () => {
    expect(pp(w.mul(x).add(b))).toBe('((w * x) + b)');
    expect(minimal(w.mul(x).add(b))).toBe('w * x + b');
    const fx = T.fscalar('x');
    const sigmoid = T.constant(1).div(T.constant(1).add(T.exp(fx.neg())));
    expect(pp(sigmoid)).toBe('(1 / (1 + exp(-x)))');
    expect(pp(th.grad(sigmoid, fx))).toBe('-(-((1.0 * 1) / sqr(1 + exp(-x))) * exp(-x))');
  });

  it('prints operators with their symbols', () => {
    const cases: [TensorVariable, string][] = [
      [x.sub(b), '(x - b)'],
      [x.div(b), '(x / b)'],
      [x.intDiv(b), '(x // b)'],
      [x.mod(b), '(x % b)'],
      [x.pow(2), '(x ** 2.0)'],
      [x.neg(), '-x'],
      [x.lt(b), '(x < b)'],
      [x.le(b), '(x <= b)'],
      [x.gt(b), '(x > b)'],
      [x.ge(b), '(x >= b)'],
      [x.eq(b), '(x == b)'],
      [x.neq(b), '(x != b)'],
    ];
    for (const [v, text] of cases) expect(pp(v)).toBe(text);
    const [p, q] = T.bscalars('p', 'q');
    expect(pp(p.and(q).or(p.xor(q)))).toBe('((p & q) | (p ^ q))');
    expect(pp(p.invert())).toBe('~p');
  });

  it('prints calls, reductions, transposes, casts and switches', () => {
    expect(pp(x.neg().exp())).toBe('exp(-x)');
    expect(pp(m.sum(0))).toBe('sum(m, axis=[0])');
    expect(pp(m.sum())).toBe('sum(m)');
    expect(pp(m.sum([0, 1], { dtype: 'float32' }))).toBe("sum(m, dtype='float32')");
    expect(pp(T.tensor('float64', [null, null, null], 't').sum([0, 2]))).toBe('sum(t, axis=[0, 2])');
    expect(pp(m.T)).toBe('m.T');
    expect(pp(m.add(n).T)).toBe('(m + n).T');
    expect(minimal(m.add(n).T)).toBe('(m + n).T');
    expect(pp(m.dot(n.T))).toBe('dot(m, n.T)');
    expect(pp(m.dimshuffle(1, 'x', 0))).toBe('DimShuffle{1,x,0}(m)');
    expect(pp(m.astype('float32'))).toBe('cast{float32}(m)');
    expect(pp(T.switch(m.lt(n), m, n.add(1)))).toBe('switch(m < n, m, n + 1.0)');
    expect(pp(T.maximum(m, n))).toBe('maximum(m, n)');
    expect(pp(T.clip(x, 0, 1))).toBe('clip(x, 0.0, 1.0)');
    expect(pp(T.zerosLike(m))).toBe('fill(m, 0.0)');
  });

  it('leaves out the broadcasts Elemwise inserts, keeps those written by hand', () => {
    expect(pp(m.add(x))).toBe('(m + x)');
    expect(pp(m.add(x.dimshuffle('x', 'x')))).toBe('(m + x)');
    expect(pp(x.dimshuffle('x'))).toBe('DimShuffle{x}(x)');
  });

  it('prints constants by value, named and anonymous inputs by name and type', () => {
    expect(pp(x.mul(-1))).toBe('(x * -1.0)');
    expect(pp(T.constant(-2).pow(x))).toBe('((-2) ** x)');
    expect(pp(T.dvector().add(T.constant([1, 2, 3])))).toBe('(<TensorType(float64, (?,))> + [1 2 3])');
  });

  it('prints unknown ops as Op{props}(args), multi-output nodes with the output index', () => {
    const v = T.dvector('v');
    expect(pp(new ToyOp([1, 2], 'q').makeNode(v).outputs[0]!)).toBe('Toy{[1,2], "q"}(v)');
    const [a, c] = split.makeNode(v).outputs;
    expect(pp(toy.makeNode(a!, c!).outputs[0]!)).toBe('Toy{0, "toy"}(Split(v).0, Split(v).1)');
    expect(pp(T.shape(m))).toBe('Shape(m)');
  });

  it('expands named intermediates unless stopOnName', () => {
    const s = w.add(x);
    s.name = 's';
    expect(pp(s.mul(b))).toBe('((w + x) * b)');
    expect(pp(s.mul(b), { stopOnName: true })).toBe('(s * b)');
    expect(pp(s, { stopOnName: true })).toBe('(w + x)');
  });

  it('a registered printer takes over an op class and its subclasses', () => {
    class Doubled extends ToyOp {}
    th.printing.registerPrinter(Doubled, (node, _out, ctx) => th.printing.call('twice', [ctx.arg(node.inputs[0]!)]));
    class MoreDoubled extends Doubled {}
    const v = T.dvector('v');
    expect(pp(new MoreDoubled().makeNode(v.add(1)).outputs[0]!)).toBe('twice(v + 1.0)');
  });

  it('prints a very deep graph without overflowing the call stack', () => {
    let v = T.dscalar('x');
    for (let i = 0; i < 5000; i++) v = v.exp();
    expect(pp(v)).toBe(`${'exp('.repeat(5000)}x${')'.repeat(5000)}`);
  });
});

describe('pp parenthesises by precedence', () => {
  const [a, b, c, x] = T.dscalars('a', 'b', 'c', 'x');
  const cases: [string, TensorVariable, string, string][] = [
    ['(a - b) - c', a.sub(b).sub(c), '((a - b) - c)', 'a - b - c'],
    ['a - (b - c)', a.sub(b.sub(c)), '(a - (b - c))', 'a - (b - c)'],
    ['a + (b + c)', a.add(b.add(c)), '(a + (b + c))', 'a + (b + c)'],
    ['(a + b) * c', a.add(b).mul(c), '((a + b) * c)', '(a + b) * c'],
    ['a / (b * c)', a.div(b.mul(c)), '(a / (b * c))', 'a / (b * c)'],
    ['(a / b) * c', a.div(b).mul(c), '((a / b) * c)', 'a / b * c'],
    ['-(x ** 2)', x.pow(2).neg(), '-(x ** 2.0)', '-(x ** 2.0)'],
    ['(-x) ** 2', x.neg().pow(2), '((-x) ** 2.0)', '(-x) ** 2.0'],
    ['x ** (-a)', x.pow(a.neg()), '(x ** (-a))', 'x ** (-a)'],
    ['a ** (b ** c)', a.pow(b.pow(c)), '(a ** (b ** c))', 'a ** b ** c'],
    ['(a ** b) ** c', a.pow(b).pow(c), '((a ** b) ** c)', '(a ** b) ** c'],
    ['-(-x)', x.neg().neg(), '-(-x)', '-(-x)'],
    ['-(a * b)', a.mul(b).neg(), '-(a * b)', '-(a * b)'],
    ['(-a) * b', a.neg().mul(b), '(-a * b)', '-a * b'],
    ['(a < b) == (b < c)', a.lt(b).eq(b.lt(c)), '((a < b) == (b < c))', '(a < b) == (b < c)'],
    ['(a + b) < c', a.add(b).lt(c), '((a + b) < c)', 'a + b < c'],
  ];
  for (const [what, v, all, min] of cases) {
    it(what, () => {
      expect(pp(v)).toBe(all);
      expect(minimal(v)).toBe(min);
      expect(pp(parse(min, { a, b, c, x }))).toBe(all);
      expect(pp(parse(all, { a, b, c, x }))).toBe(all);
    });
  }
});

describe('pp round trips on random expressions', () => {
  type Expr = { leaf: string } | { op: string; args: Expr[] };
  const leaves = ['i', 'j', 'k', '2', '-3'];
  const binary = ['add', 'sub', 'mul', 'trueDiv', 'intDiv', 'mod', 'pow', 'lt', 'ge', 'eq', 'neq', 'and', 'or', 'xor'];
  const unary = ['neg', 'invert', 'exp', 'sqr'];
  const expr = fc.letrec<{ e: Expr }>((tie) => ({
    // Mostly binary nodes, so that operators of every precedence meet each other.
    e: fc.oneof(
      { maxDepth: 5, withCrossShrink: true },
      { arbitrary: fc.constantFrom(...leaves).map((leaf): Expr => ({ leaf })), weight: 2 },
      { arbitrary: fc.tuple(fc.constantFrom(...binary), tie('e'), tie('e')).map(([op, l, r]): Expr => ({ op, args: [l, r] })), weight: 4 },
      { arbitrary: fc.tuple(fc.constantFrom(...unary), tie('e')).map(([op, e]): Expr => ({ op, args: [e] })), weight: 1 },
    ),
  })).e;
  const [i, j, k] = T.lscalars('i', 'j', 'k');
  const env = { i, j, k };
  const ops = T as unknown as Record<string, (...args: unknown[]) => TensorVariable>;

  /** The graph of an expression, or null where the dtype rules refuse it (e.g. `-` on bools). */
  function build(e: Expr): TensorVariable | null {
    if ('leaf' in e) return e.leaf in env ? env[e.leaf as keyof typeof env] : T.constant(Number(e.leaf), null, 'int64');
    const args = e.args.map(build);
    if (args.some((a) => a === null)) return null;
    try {
      return ops[e.op]!(...args);
    } catch {
      return null;
    }
  }

  it('re-reading either style gives the same graph', () => {
    let checked = 0;
    fc.assert(
      fc.property(expr, (e) => {
        const v = build(e);
        if (v === null) return;
        checked++;
        const all = pp(v);
        expect(pp(parse(minimal(v), env))).toBe(all);
        expect(pp(parse(all, env))).toBe(all);
      }),
      { numRuns: 500 },
    );
    expect(checked).toBeGreaterThan(50);
  });
});

// ---- a parser for printed expressions, following Python's grammar ------------------

/**
 * Reads an expression as Python would (precedence climbing: comparisons,
 * |, ^, &, + -, * / // %, unary - ~, ** with a unary right operand, then
 * calls and `.T`), building the graph with `th.tensor`. Chained comparisons
 * (`a < b < c`) are refused: Python reads them as `a < b and b < c`.
 */
function parse(text: string, env: Record<string, TensorVariable>): TensorVariable {
  const tokens = text.match(/\d+(?:\.\d*)?(?:e[+-]?\d+)?|[A-Za-z_]\w*(?:\{[^}]*\})?|'[^']*'|\*\*|\/\/|<=|>=|==|!=|\S/g) ?? [];
  let pos = 0;
  const peek = (): string | undefined => tokens[pos];
  const next = (): string => {
    const t = tokens[pos++];
    if (t === undefined) throw new SyntaxError(`unexpected end of ${text}`);
    return t;
  };
  const expect_ = (t: string): void => {
    const got = next();
    if (got !== t) throw new SyntaxError(`expected ${t}, got ${got} in ${text}`);
  };
  const fn = T as unknown as Record<string, (...args: unknown[]) => TensorVariable>;
  const infixLevels: Record<string, string>[] = [
    { '|': 'or' },
    { '^': 'xor' },
    { '&': 'and' },
    { '+': 'add', '-': 'sub' },
    { '*': 'mul', '/': 'trueDiv', '//': 'intDiv', '%': 'mod' },
  ];
  const comparisons: Record<string, string> = { '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '!=': 'neq' };

  function comparison(): TensorVariable {
    const left = level(0);
    const op = comparisons[peek() ?? ''];
    if (op === undefined) return left;
    next();
    const right = level(0);
    if (comparisons[peek() ?? ''] !== undefined) throw new SyntaxError(`chained comparison in ${text}`);
    return fn[op]!(left, right);
  }
  function level(n: number): TensorVariable {
    if (n === infixLevels.length) return unaryExpr();
    let left = level(n + 1);
    for (let op = infixLevels[n]![peek() ?? '']; op !== undefined; op = infixLevels[n]![peek() ?? '']) {
      next();
      left = fn[op]!(left, level(n + 1));
    }
    return left;
  }
  function unaryExpr(): TensorVariable {
    if (peek() === '-') {
      next();
      return T.neg(unaryExpr());
    }
    if (peek() === '~') {
      next();
      return T.invert(unaryExpr());
    }
    return power();
  }
  function power(): TensorVariable {
    const base = primary();
    if (peek() !== '**') return base;
    next();
    return T.pow(base, unaryExpr());
  }
  function primary(): TensorVariable {
    let v = atomExpr();
    while (peek() === '.') {
      next();
      expect_('T');
      v = v.T;
    }
    return v;
  }
  function atomExpr(): TensorVariable {
    const t = next();
    if (t === '(') {
      const v = comparison();
      expect_(')');
      return v;
    }
    if (/^\d/.test(t)) return T.constant(Number(t), null, /[.e]/.test(t) ? 'float64' : 'int64');
    if (peek() !== '(') {
      const v = env[t];
      if (v === undefined) throw new SyntaxError(`unknown name ${t} in ${text}`);
      return v;
    }
    next();
    const args: TensorVariable[] = [];
    const keywords: Record<string, string> = {};
    while (peek() !== ')') {
      if (tokens[pos + 1] === '=') {
        const key = next();
        next();
        let value = '';
        if (peek() === '[') while (!value.endsWith(']')) value += next();
        else value = next();
        keywords[key] = value;
      } else args.push(comparison());
      if (peek() === ',') next();
    }
    next();
    const cast = /^cast\{(\w+)\}$/.exec(t);
    if (cast) return T.cast(args[0]!, cast[1] as th.DType);
    if (t === 'sum') {
      const axis = keywords.axis === undefined ? undefined : (JSON.parse(keywords.axis) as number[]);
      return T.sum(args[0]!, axis);
    }
    const f = fn[t];
    if (f === undefined) throw new SyntaxError(`unknown function ${t} in ${text}`);
    return f(...args);
  }

  const v = comparison();
  if (pos !== tokens.length) throw new SyntaxError(`trailing ${tokens.slice(pos).join(' ')} in ${text}`);
  return v;
}
