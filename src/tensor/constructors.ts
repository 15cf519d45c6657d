/**
 * Symbolic variable constructors (Theano's `T.scalar`, `T.fmatrix`,
 * `T.dmatrices`, ...). Unprefixed forms use `config.floatX`; the prefixes
 * are b (int8), w (int16), i (int32), l (int64), f (float32), d (float64).
 */
import { config } from '../config.js';
import type { DType } from '../ndarray/dtype.js';
import { TensorType, type StaticDim } from './type.js';
import type { TensorVariable } from './variable.js';

/** Static shapes of the named kinds: null = any length, 1 = broadcastable. */
const KINDS = {
  scalar: [],
  vector: [null],
  row: [1, null],
  col: [null, 1],
  matrix: [null, null],
  tensor3: [null, null, null],
  tensor4: [null, null, null, null],
  tensor5: [null, null, null, null, null],
} as const satisfies Record<string, readonly StaticDim[]>;

type Kind = keyof typeof KINDS;

/**
 * A symbolic tensor: `T.tensor('float32', [null, null], 'x')`. `shape` takes
 * static lengths (null for unknown) or Theano's broadcastable booleans.
 */
export function tensor(dtype: DType, shape: readonly (StaticDim | boolean)[], name: string | null = null): TensorVariable {
  return new TensorType(dtype, shape).makeVariable(name);
}

/** An unprefixed constructor: (name?, dtype = floatX). */
const single =
  (kind: Kind) =>
  (name: string | null = null, dtype: DType = config.floatX): TensorVariable =>
    tensor(dtype, KINDS[kind], name);

/** A dtype-prefixed constructor (`fmatrix`): (name?) — the prefix fixes the dtype. */
const prefixed =
  (kind: Kind, dtype: DType) =>
  (name: string | null = null): TensorVariable =>
    tensor(dtype, KINDS[kind], name);

/** `names` as given, or n unnamed variables for a count, or a comma/space-separated list in one string. */
function expandNames(args: readonly (string | number)[]): (string | null)[] {
  if (args.length === 1 && typeof args[0] === 'number') return new Array<null>(args[0]).fill(null);
  if (args.length === 1 && typeof args[0] === 'string' && /[,\s]/.test(args[0])) {
    return args[0].split(/[,\s]+/).filter((s) => s.length > 0);
  }
  return args.map(String);
}

type Many<N extends readonly unknown[]> = { [K in keyof N]: TensorVariable };

const plural =
  (kind: Kind, fixed?: DType) =>
  <N extends (string | number)[]>(...names: N): Many<N> & TensorVariable[] =>
    expandNames(names).map((n) => tensor(fixed ?? config.floatX, KINDS[kind], n)) as Many<N> & TensorVariable[];

// (name?, dtype = floatX)
export const scalar = single('scalar');
export const vector = single('vector');
export const row = single('row');
export const col = single('col');
export const matrix = single('matrix');
export const tensor3 = single('tensor3');
export const tensor4 = single('tensor4');
export const tensor5 = single('tensor5');

export const scalars = plural('scalar');
export const vectors = plural('vector');
export const rows = plural('row');
export const cols = plural('col');
export const matrices = plural('matrix');
export const tensor3s = plural('tensor3');
export const tensor4s = plural('tensor4');
export const tensor5s = plural('tensor5');

// int8
export const bscalar = prefixed('scalar', 'int8');
export const bvector = prefixed('vector', 'int8');
export const brow = prefixed('row', 'int8');
export const bcol = prefixed('col', 'int8');
export const bmatrix = prefixed('matrix', 'int8');
export const btensor3 = prefixed('tensor3', 'int8');
export const btensor4 = prefixed('tensor4', 'int8');
export const btensor5 = prefixed('tensor5', 'int8');
export const bscalars = plural('scalar', 'int8');
export const bvectors = plural('vector', 'int8');
export const bmatrices = plural('matrix', 'int8');
// int16
export const wscalar = prefixed('scalar', 'int16');
export const wvector = prefixed('vector', 'int16');
export const wrow = prefixed('row', 'int16');
export const wcol = prefixed('col', 'int16');
export const wmatrix = prefixed('matrix', 'int16');
export const wtensor3 = prefixed('tensor3', 'int16');
export const wtensor4 = prefixed('tensor4', 'int16');
export const wtensor5 = prefixed('tensor5', 'int16');
export const wscalars = plural('scalar', 'int16');
export const wvectors = plural('vector', 'int16');
export const wmatrices = plural('matrix', 'int16');
// int32
export const iscalar = prefixed('scalar', 'int32');
export const ivector = prefixed('vector', 'int32');
export const irow = prefixed('row', 'int32');
export const icol = prefixed('col', 'int32');
export const imatrix = prefixed('matrix', 'int32');
export const itensor3 = prefixed('tensor3', 'int32');
export const itensor4 = prefixed('tensor4', 'int32');
export const itensor5 = prefixed('tensor5', 'int32');
export const iscalars = plural('scalar', 'int32');
export const ivectors = plural('vector', 'int32');
export const irows = plural('row', 'int32');
export const icols = plural('col', 'int32');
export const imatrices = plural('matrix', 'int32');
// int64
export const lscalar = prefixed('scalar', 'int64');
export const lvector = prefixed('vector', 'int64');
export const lrow = prefixed('row', 'int64');
export const lcol = prefixed('col', 'int64');
export const lmatrix = prefixed('matrix', 'int64');
export const ltensor3 = prefixed('tensor3', 'int64');
export const ltensor4 = prefixed('tensor4', 'int64');
export const ltensor5 = prefixed('tensor5', 'int64');
export const lscalars = plural('scalar', 'int64');
export const lvectors = plural('vector', 'int64');
export const lrows = plural('row', 'int64');
export const lcols = plural('col', 'int64');
export const lmatrices = plural('matrix', 'int64');
// float32
export const fscalar = prefixed('scalar', 'float32');
export const fvector = prefixed('vector', 'float32');
export const frow = prefixed('row', 'float32');
export const fcol = prefixed('col', 'float32');
export const fmatrix = prefixed('matrix', 'float32');
export const ftensor3 = prefixed('tensor3', 'float32');
export const ftensor4 = prefixed('tensor4', 'float32');
export const ftensor5 = prefixed('tensor5', 'float32');
export const fscalars = plural('scalar', 'float32');
export const fvectors = plural('vector', 'float32');
export const frows = plural('row', 'float32');
export const fcols = plural('col', 'float32');
export const fmatrices = plural('matrix', 'float32');
export const ftensor3s = plural('tensor3', 'float32');
export const ftensor4s = plural('tensor4', 'float32');
// float64
export const dscalar = prefixed('scalar', 'float64');
export const dvector = prefixed('vector', 'float64');
export const drow = prefixed('row', 'float64');
export const dcol = prefixed('col', 'float64');
export const dmatrix = prefixed('matrix', 'float64');
export const dtensor3 = prefixed('tensor3', 'float64');
export const dtensor4 = prefixed('tensor4', 'float64');
export const dtensor5 = prefixed('tensor5', 'float64');
export const dscalars = plural('scalar', 'float64');
export const dvectors = plural('vector', 'float64');
export const drows = plural('row', 'float64');
export const dcols = plural('col', 'float64');
export const dmatrices = plural('matrix', 'float64');
export const dtensor3s = plural('tensor3', 'float64');
export const dtensor4s = plural('tensor4', 'float64');
