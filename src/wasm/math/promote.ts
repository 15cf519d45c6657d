/**
 * Runs an f64x2 kernel on the four lanes of an f32x4: both halves promoted
 * (exact), computed in double, demoted (one rounding to float32). For the
 * functions whose float32 forms are not worth their own polynomials (sin,
 * cos, pow): twice the f64x2 cost, and within 1 ulp of correctly rounded
 * wherever the f64 kernel is accurate to a few ulps of double.
 */
import type { Local } from '../code.js';
import { Vec } from './vec.js';

/** Lanes 2 and 3 of an f32x4 moved to lanes 0 and 1 (the rest don't matter). */
const HIGH_HALF = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];
/** Low 8 bytes of the first operand, then low 8 bytes of the second. */
const CONCAT_LOW = [0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23];

/** An `Expr` for a value the code above has left on the stack. */
const ALREADY_PUSHED = (): void => undefined;

export function viaF64(v: Vec, x: Local, kernel: (w: Vec, x: Local) => Local, y?: Local): Local {
  return viaF64N(v, y === undefined ? [x] : [x, y], (w, args) => kernel(w, args[0]!));
}

/** The same for kernels of several operands. */
export function viaF64N(v: Vec, args: readonly Local[], kernel: (w: Vec, args: readonly Local[]) => Local): Local {
  const c = v.c;
  const w = new Vec(c, 'f64x2', v.options);
  const half = (high: boolean) =>
    args.map((a) => {
      c.get(a);
      if (high) c.get(a).shuffle(HIGH_HALF);
      c.op('f64x2.promote_low_f32x4');
      return w.let(ALREADY_PUSHED);
    });
  const low = kernel(w, half(false));
  const high = kernel(w, half(true));
  c.get(low).op('f32x4.demote_f64x2_zero');
  c.get(high).op('f32x4.demote_f64x2_zero');
  c.shuffle(CONCAT_LOW);
  return v.let(ALREADY_PUSHED);
}
