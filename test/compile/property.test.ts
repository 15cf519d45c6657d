/**
 * Property test: random broadcasting elementwise graphs, compiled with
 * th.function (optimized and not; default linker and the reference VM),
 * agree with a direct evaluation through `mapBroadcast` and the scalar ops'
 * reference functions — exactly for the graph as written, within a float
 * tolerance for the rewritten one — on two consecutive calls, so reused
 * buffers are exercised too.
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import * as th from '../../src/index.js';
import { mapBroadcast } from '../../src/ndarray/broadcast.js';
import type { NDArray } from '../../src/ndarray/ndarray.js';
import type { DType } from '../../src/ndarray/dtype.js';
import * as S from '../../src/scalar/ops.js';
import type { ScalarOp } from '../../src/scalar/scalarOp.js';
import type { TensorVariable } from '../../src/tensor/variable.js';
import { expectAllClose } from '../helpers/allclose.js';

const T = th.tensor;

const DTYPES = ['float32', 'float64', 'int32'] as const;
type Dt = (typeof DTYPES)[number];
const MAX_RANK = 3;

const UNARY = { tanh: S.tanh, abs: S.abs, neg: S.neg } as const;
const BINARY = { add: S.add, sub: S.sub, mul: S.mul, maximum: S.maximum, minimum: S.minimum } as const;
type UnName = keyof typeof UNARY | 'exp';
type BinName = keyof typeof BINARY;

type Expr =
  | { k: 'in'; i: number }
  | { k: 'const'; value: number; dtype: Dt }
  | { k: 'un'; op: UnName; a: Expr }
  | { k: 'bin'; op: BinName; a: Expr; b: Expr }
  /** op(a, a) with `a` built twice: two equal subgraphs for merge to find. */
  | { k: 'dup'; op: BinName; a: Expr }
  | { k: 'switch'; a: Expr; b: Expr; c: Expr; d: Expr };

interface InputSpec {
  dtype: Dt;
  rank: number;
  /** Broadcastable flag of each of the input's axes (the first `rank` entries are used). */
  bc: boolean[];
}

const exprArb = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', maxDepth: 4, withCrossShrink: true },
    { weight: 4, arbitrary: fc.record({ k: fc.constant('in' as const), i: fc.nat(2) }) },
    {
      weight: 1,
      arbitrary: fc.record({ k: fc.constant('const' as const), value: fc.integer({ min: -8, max: 8 }).map((v) => v / 4), dtype: fc.constantFrom(...DTYPES) }),
    },
    { weight: 2, arbitrary: fc.record({ k: fc.constant('un' as const), op: fc.constantFrom<UnName>('tanh', 'abs', 'neg', 'exp'), a: tie('expr') }) },
    {
      weight: 3,
      arbitrary: fc.record({ k: fc.constant('bin' as const), op: fc.constantFrom<BinName>('add', 'sub', 'mul', 'maximum', 'minimum'), a: tie('expr'), b: tie('expr') }),
    },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('dup' as const), op: fc.constantFrom<BinName>('add', 'mul', 'maximum'), a: tie('expr') }) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('switch' as const), a: tie('expr'), b: tie('expr'), c: tie('expr'), d: tie('expr') }) },
  ),
})).expr;

/** A root that is an operation (a bare input or constant compiles to no node at all). */
const rootArb: fc.Arbitrary<Expr> = fc.oneof(
  fc.record({ k: fc.constant('un' as const), op: fc.constantFrom<UnName>('tanh', 'abs', 'neg', 'exp'), a: exprArb }),
  fc.record({ k: fc.constant('bin' as const), op: fc.constantFrom<BinName>('add', 'sub', 'mul', 'maximum', 'minimum'), a: exprArb, b: exprArb }),
  fc.record({ k: fc.constant('dup' as const), op: fc.constantFrom<BinName>('add', 'mul', 'maximum'), a: exprArb }),
  fc.record({ k: fc.constant('switch' as const), a: exprArb, b: exprArb, c: exprArb, d: exprArb }),
);

const inputSpecArb: fc.Arbitrary<InputSpec> = fc.record({
  dtype: fc.constantFrom(...DTYPES),
  rank: fc.integer({ min: 0, max: MAX_RANK }),
  bc: fc.array(fc.boolean(), { minLength: MAX_RANK, maxLength: MAX_RANK }),
});

/** A built expression: its symbolic variable, and its reference value for given input data. */
interface Built {
  sym: TensorVariable;
  ref: (data: readonly NDArray[]) => NDArray;
}

/** The reference: numpy broadcasting, the scalar op's own function, the node's output dtype. */
function apply(op: ScalarOp, sym: TensorVariable, args: readonly NDArray[]): NDArray {
  const inDtypes = args.map((a) => a.dtype);
  const expected: DType = op.outputDtype(inDtypes);
  if (sym.dtype !== expected) throw new Error(`${op.name}(${inDtypes.join(', ')}): graph dtype ${sym.dtype}, scalar rule ${expected}`);
  return mapBroadcast(sym.dtype, args, op.impl(inDtypes, sym.dtype));
}

/** Builds `e`; every operation's result is also listed in `parts` (when given), innermost first. */
function build(e: Expr, inputs: readonly TensorVariable[], parts?: Built[]): Built {
  const built = buildNode(e, inputs, parts);
  if (parts !== undefined && built.sym.owner !== null) parts.push(built);
  return built;
}

function buildNode(e: Expr, inputs: readonly TensorVariable[], parts?: Built[]): Built {
  switch (e.k) {
    case 'in': {
      const i = e.i % inputs.length;
      return { sym: inputs[i]!, ref: (data) => data[i]! };
    }
    case 'const': {
      const value = th.array(e.value, { dtype: e.dtype });
      return { sym: T.constant(value), ref: () => value };
    }
    case 'un': {
      const a = build(e.a, inputs, parts);
      if (e.op === 'exp') {
        // exp guarded by tanh: finite values, so later subtractions make no NaNs.
        const t = T.tanh(a.sym);
        const sym = T.exp(t);
        return { sym, ref: (data) => apply(S.exp, sym, [apply(S.tanh, t, [a.ref(data)])]) };
      }
      const op = UNARY[e.op];
      const sym = { tanh: T.tanh, abs: T.abs, neg: T.neg }[e.op](a.sym);
      return { sym, ref: (data) => apply(op, sym, [a.ref(data)]) };
    }
    case 'bin':
    case 'dup': {
      const a = build(e.a, inputs, parts);
      const b = e.k === 'bin' ? build(e.b, inputs, parts) : build(e.a, inputs, parts);
      const sym = { add: T.add, sub: T.sub, mul: T.mul, maximum: T.maximum, minimum: T.minimum }[e.op](a.sym, b.sym);
      return { sym, ref: (data) => apply(BINARY[e.op], sym, [a.ref(data), b.ref(data)]) };
    }
    case 'switch': {
      const [a, b, c, d] = [e.a, e.b, e.c, e.d].map((x) => build(x, inputs, parts)) as [Built, Built, Built, Built];
      const cond = T.gt(a.sym, b.sym);
      const sym = T.switch(cond, c.sym, d.sym);
      return {
        sym,
        ref: (data) => apply(S.switchOp, sym, [apply(S.gt, cond, [a.ref(data), b.ref(data)]), c.ref(data), d.ref(data)]),
      };
    }
  }
}

/** Deterministic data for an input: small integers, or quarters (exact in float32). */
function makeData(spec: InputSpec, full: readonly number[], seed: number): NDArray {
  const shape = spec.bc.slice(0, spec.rank).map((b, j) => (b ? 1 : full[MAX_RANK - spec.rank + j]!));
  const size = shape.reduce((p, d) => p * d, 1);
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const flat = Array.from({ length: size }, () => {
    const v = Math.floor(next() * 25) - 12;
    return spec.dtype === 'int32' ? v : v / 4;
  });
  return th.array(flat, { dtype: spec.dtype }).reshape(shape);
}

const EXACT = { rtol: 0, atol: 0 };
const TOLERANCE: Record<Dt, { rtol: number; atol: number }> = {
  int32: EXACT,
  float32: { rtol: 1e-5, atol: 1e-4 },
  float64: { rtol: 1e-12, atol: 1e-12 },
};

/** The arbitraries of a random graph: its inputs' specs, its expression, the full shape and a data seed. */
const graphArbs = [
  fc.array(inputSpecArb, { minLength: 1, maxLength: 3 }),
  rootArb,
  fc.array(fc.integer({ min: 1, max: 3 }), { minLength: MAX_RANK, maxLength: MAX_RANK }),
  fc.integer(),
] as const;

describe('random elementwise graphs', () => {
  it('compiled functions (optimized and not) agree with the direct evaluation', () => {
    const noOpt = new th.Mode({ optimizer: null });
    const referenceVm = new th.Mode({ optimizer: null, linker: 'vm' });
    const mergeOnly = new th.Mode({ optimizer: null, including: ['merge'] });
    fc.assert(
      fc.property(
        ...graphArbs,
        (specs, expr, full, seed) => {
          const inputs = specs.map((s, i) => T.tensor(s.dtype, s.bc.slice(0, s.rank), `in${i}`));
          const { sym, ref } = build(expr, inputs);
          const opts = { onUnusedInput: 'ignore' as const };
          const fOpt = th.function(inputs, sym, opts);
          const fRef = th.function(inputs, sym, { ...opts, mode: noOpt });
          const fVm = th.function(inputs, sym, { ...opts, mode: referenceVm });
          for (const call of [0, 1]) {
            const data = specs.map((s, i) => makeData(s, full, seed + 7919 * i + 104729 * call));
            const expected = ref(data);
            const before = data.map((d) => d.toArray());
            for (const f of [fVm, fRef, fOpt]) {
              const out = f(...data);
              if (out.dtype !== sym.dtype) throw new Error(`output dtype ${out.dtype}, graph says ${sym.dtype}`);
              if (out.dtype !== expected.dtype) throw new Error(`output dtype ${out.dtype}, reference ${expected.dtype}`);
              // The graph as written runs the very same element functions: bit for bit. Rewrites may
              // regroup float math (that is their job), so the optimized graph gets a tolerance.
              expectAllClose(out, expected, f === fOpt ? TOLERANCE[out.dtype as Dt] : EXACT);
            }
            // The calls never write into their arguments.
            data.forEach((d, i) => expectAllClose(d, before[i]!, { rtol: 0, atol: 0 }));
          }
          // Merge alone never adds nodes (other rewrites may trade one node for two cheaper ones).
          const fMerge = th.function(inputs, sym, { ...opts, mode: mergeOnly });
          if (fMerge.maker.fgraph.applyNodes.size > fRef.maker.fgraph.applyNodes.size) throw new Error('merge made the graph larger');
        },
      ),
      { numRuns: 300, seed: 20240611 },
    );
  }, 20_000);

  it('random graphs with random seeds (smaller run)', () => {
    fc.assert(
      fc.property(...graphArbs, (specs, expr, full, seed) => {
        const inputs = specs.map((s, i) => T.tensor(s.dtype, s.bc.slice(0, s.rank), `in${i}`));
        const { sym, ref } = build(expr, inputs);
        const f = th.function(inputs, [sym, sym.mul(1)], { onUnusedInput: 'ignore' });
        const data = specs.map((s, i) => makeData(s, full, seed + 31 * i));
        const [out, out1] = f(...data);
        const expected = ref(data);
        expectAllClose(out!, expected, TOLERANCE[out!.dtype as Dt]);
        expectAllClose(out1!, expected, TOLERANCE[out!.dtype as Dt]);
      }),
      { numRuns: 100 },
    );
  }, 20_000);

  it('returning intermediates too (kernels with several outputs) gives the direct evaluation', () => {
    const referenceVm = new th.Mode({ optimizer: null, linker: 'vm' });
    fc.assert(
      fc.property(
        ...graphArbs,
        fc.nat(),
        (specs, expr, full, seed, pick) => {
          const inputs = specs.map((s, i) => T.tensor(s.dtype, s.bc.slice(0, s.rank), `in${i}`));
          const parts: Built[] = [];
          const root = build(expr, inputs, parts);
          // An intermediate returned as is, and read again by a second chain.
          const part = parts[pick % parts.length]!;
          const outs = [root.sym, part.sym, T.tanh(part.sym)];
          const opts = { onUnusedInput: 'ignore' as const };
          for (const f of [th.function(inputs, outs, opts), th.function(inputs, outs, { ...opts, mode: referenceVm })]) {
            for (const call of [0, 1]) {
              const data = specs.map((s, i) => makeData(s, full, seed + 7919 * i + 104729 * call));
              const [r, p, t] = f(...data);
              const tol = TOLERANCE[r!.dtype as Dt];
              expectAllClose(r!, root.ref(data), tol);
              const pv = part.ref(data);
              expectAllClose(p!, pv, TOLERANCE[p!.dtype as Dt]);
              expectAllClose(t!, mapBroadcast(t!.dtype, [pv], S.tanh.impl([pv.dtype], t!.dtype)), TOLERANCE[p!.dtype as Dt]);
            }
          }
        },
      ),
      { numRuns: 200, seed: 20261128 },
    );
  }, 20_000);

  it('on arrays large enough for the WASM kernels (and their threads), every linker agrees with the direct evaluation', () => {
    const linkers = ['wasm', 'js', 'vm'] as const;
    // Full shapes of 2,000 to 50,000 elements: past the 4 KB from which arrays live in the shared
    // memory, some past the size from which kernels split over threads.
    const bigShape = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 20, max: 60 }), fc.integer({ min: 50, max: 300 }));
    fc.assert(
      fc.property(graphArbs[0], graphArbs[1], bigShape, graphArbs[3], (specs, expr, full, seed) => {
        const inputs = specs.map((s, i) => T.tensor(s.dtype, s.bc.slice(0, s.rank), `in${i}`));
        const { sym, ref } = build(expr, inputs);
        const opts = { onUnusedInput: 'ignore' as const };
        const fs = linkers.flatMap((linker) => [
          th.function(inputs, [sym, sym.sum()], { ...opts, mode: new th.Mode({ linker }) }),
          th.function(inputs, [sym, sym.sum()], { ...opts, mode: new th.Mode({ linker, optimizer: null }) }),
        ]);
        for (const call of [0, 1]) {
          const data = specs.map((s, i) => makeData(s, full, seed + 7919 * i + 104729 * call));
          const expected = ref(data);
          for (const f of fs) {
            const [out, total] = f(...data);
            // WASM's exp and tanh are within a few ulp of the JS functions (float32 ones, when an
            // intermediate is float32); sums fold in another order.
            const tol = specs.some((sp) => sp.dtype === 'float32') ? TOLERANCE.float32 : TOLERANCE[out!.dtype as Dt];
            expectAllClose(out!, expected, tol);
            const want = expected.dtype === 'int32' ? { rtol: 0, atol: 0 } : { rtol: 1e-4, atol: 1e-3 };
            let sum = 0;
            for (const v of expected.flatData()) sum += Number(v);
            expectAllClose(total!, sum, want);
          }
        }
      }),
      { numRuns: 40, seed: 20261129 },
    );
  }, 60_000);
});
