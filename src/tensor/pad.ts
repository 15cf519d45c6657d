/**
 * numpy's `pad` for the modes 'constant', 'edge', 'reflect' and
 * 'symmetric'. Constant padding writes x into a filled array; the other
 * modes gather, axis after axis, with an index that maps each padded
 * position to the position of x it repeats — so gradients flow back
 * (accumulating where a value is repeated) through the indexing ops.
 */
import { ShapeError, ValueError } from '../errors.js';
import { asTensorVariable, type TensorLike } from './asTensor.js';
import { arange } from './arange.js';
import { alloc } from './alloc.js';
import { take } from './advancedSubtensor.js';
import { add, clip, ge, maximum, mod, sub, switch_ } from './math.js';
import { shapeI } from './shape.js';
import { setSubtensor, slice, type Index } from './subtensor.js';
import type { TensorVariable } from './variable.js';

export type PadMode = 'constant' | 'edge' | 'reflect' | 'symmetric';

/** numpy's pad widths: n, [before, after], or one [before, after] per axis. */
function widths(ndim: number, pad: number | readonly [number, number] | readonly (readonly [number, number])[]): [number, number][] {
  const check = (v: number) => {
    if (!Number.isInteger(v) || v < 0) throw new ValueError(`pad: widths are non-negative integers, got ${v}`);
    return v;
  };
  if (typeof pad === 'number') return Array.from({ length: ndim }, () => [check(pad), check(pad)]);
  if (pad.length === 2 && typeof pad[0] === 'number') return Array.from({ length: ndim }, () => [check(pad[0] as number), check(pad[1] as number)]);
  if (pad.length !== ndim) throw new ShapeError(`pad: give one [before, after] pair per axis (${ndim}), got ${pad.length}`);
  return (pad as readonly (readonly [number, number])[]).map(([a, b]) => [check(a), check(b)]);
}

/** x padded along each axis (`pad(x, 2)`, `pad(x, [[1, 0], [2, 2]], { mode: 'reflect' })`). */
export function pad(
  x: TensorLike,
  padWidth: number | readonly [number, number] | readonly (readonly [number, number])[],
  { mode = 'constant', constantValue = 0 }: { mode?: PadMode; constantValue?: TensorLike } = {},
): TensorVariable {
  const v = asTensorVariable(x);
  const w = widths(v.ndim, padWidth);
  if (mode === 'constant') {
    const shape = v.type.shape.map((_, ax) => add(shapeI(v, ax), w[ax]![0] + w[ax]![1]));
    const filled = alloc(asTensorVariable(constantValue, v.dtype).astype(v.dtype), ...shape);
    const region: Index[] = w.map(([before], ax) => slice(before, add(before, shapeI(v, ax))));
    return setSubtensor(filled.at(...region), v);
  }
  if (!['edge', 'reflect', 'symmetric'].includes(mode)) throw new ValueError(`pad: mode must be 'constant', 'edge', 'reflect' or 'symmetric', got ${JSON.stringify(mode)}`);
  let out = v;
  w.forEach(([before, after], ax) => {
    if (before === 0 && after === 0) return;
    const n = shapeI(v, ax);
    // Position j of the padded axis, relative to x's first entry: -before .. n + after - 1.
    const j = arange(-before, add(n, after));
    let index: TensorVariable;
    if (mode === 'edge') index = clip(j, 0, sub(n, 1));
    else if (mode === 'reflect') {
      // Period 2(n - 1), the edge entries not repeated: 0 1 2 1 0 1 2 ...
      const period = maximum(sub(add(n, n), 2), 1); // a single entry repeats itself
      const r = mod(j, period);
      index = switch_(ge(r, n), sub(period, r), r);
    } else {
      // Period 2n, the edge entries repeated: 0 1 2 2 1 0 0 1 ...
      const period = add(n, n);
      const r = mod(j, period);
      index = switch_(ge(r, n), sub(sub(period, 1), r), r);
    }
    out = take(out, index, ax);
  });
  return out;
}
