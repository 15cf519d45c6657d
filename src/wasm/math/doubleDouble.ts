/**
 * Error-free transformations on f64x2 lanes, for the one kernel that needs
 * more than double precision (pow): a sum or product as hi + lo exactly,
 * without fused multiply-add (Knuth's TwoSum, Dekker's split and product).
 */
import type { Local } from '../code.js';
import type { Expr, Vec } from './vec.js';

export interface Pair {
  readonly hi: Local;
  readonly lo: Local;
}

/** a + b = hi + lo exactly, for any a, b. */
export function twoSum(v: Vec, a: Expr, b: Expr): Pair {
  const aa = v.let(a);
  const bb = v.let(b);
  const hi = v.let(v.add(aa, bb));
  const bPart = v.let(v.sub(hi, aa));
  const lo = v.let(v.add(v.sub(aa, v.sub(hi, bPart)), v.sub(bb, bPart)));
  return { hi, lo };
}

/** a + b = hi + lo exactly, when |a| >= |b| (or a is 0). */
export function fastTwoSum(v: Vec, a: Expr, b: Expr): Pair {
  const aa = v.let(a);
  const bb = v.let(b);
  const hi = v.let(v.add(aa, bb));
  return { hi, lo: v.let(v.sub(bb, v.sub(hi, aa))) };
}

/** a = hi + lo with both halves of at most 26 significant bits (|a| < 2^996). */
function split(v: Vec, a: Local): Pair {
  const scaled = v.let(v.mul(a, 134217729)); // 2^27 + 1
  const hi = v.let(v.sub(scaled, v.sub(scaled, a)));
  return { hi, lo: v.let(v.sub(a, hi)) };
}

/** a·b = hi + lo exactly (barring overflow and underflow). */
export function twoProd(v: Vec, a: Local, b: Local): Pair {
  const hi = v.let(v.mul(a, b));
  const as = split(v, a);
  const bs = split(v, b);
  const err = v.add(
    v.add(v.add(v.sub(v.mul(as.hi, bs.hi), hi), v.mul(as.hi, bs.lo)), v.mul(as.lo, bs.hi)),
    v.mul(as.lo, bs.lo),
  );
  return { hi, lo: v.let(err) };
}
