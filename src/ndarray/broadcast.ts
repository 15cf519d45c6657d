/**
 * Broadcasting (numpy's rules) and the strided elementwise loop that applies
 * a scalar function over broadcast operands.
 */
import { NDArray, shapeToString } from './ndarray.js';
import { storeConverter, type DType } from './dtype.js';
import { ShapeError } from '../errors.js';

/** numpy's broadcast of several shapes; throws ShapeError naming all of them when they do not fit. */
export function broadcastShapes(...shapes: (readonly number[])[]): number[] {
  const ndim = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    const lead = ndim - s.length;
    for (let i = 0; i < s.length; i++) {
      const d = s[i]!;
      const o = out[lead + i]!;
      if (d === o || d === 1) continue;
      if (o === 1) out[lead + i] = d;
      else throw new ShapeError(`shapes ${shapes.map(shapeToString).join(', ')} cannot be broadcast together`);
    }
  }
  return out;
}

/** Dtypes whose storage does not already convert on write (bool: x != 0; 64-bit ints: truncate). */
function needsConversion(dtype: DType): boolean {
  return dtype === 'bool' || dtype === 'int64' || dtype === 'uint64';
}

/**
 * out[i] = fn(inputs[0][i], inputs[1][i], ...) for every index of `out`.
 * Each input must already have `out`'s shape (broadcast views are fine).
 * Contiguous operands run a flat loop; others walk the strides.
 */
export function mapInto(out: NDArray, inputs: readonly NDArray[], fn: (...args: number[]) => number): void {
  for (const [j, a] of inputs.entries()) {
    if (a.ndim !== out.ndim || a.shape.some((d, i) => d !== out.shape[i])) {
      throw new ShapeError(`mapInto: input ${j} has shape ${shapeToString(a.shape)}, the output ${shapeToString(out.shape)}; broadcast it first`);
    }
  }
  const n = out.size;
  if (n === 0) return;
  const convert = needsConversion(out.dtype) ? storeConverter(out.dtype) : null;
  const dst = out.data;
  const srcs = inputs.map((a) => a.data);
  const k = inputs.length;
  const flat = out.isContiguous() && inputs.every((a) => a.isContiguous());
  if (flat) {
    const o = out.offset;
    const offs = inputs.map((a) => a.offset);
    if (k === 1) {
      const a = srcs[0]!;
      const oa = offs[0]!;
      if (convert) for (let i = 0; i < n; i++) dst[o + i] = convert(fn(a[oa + i]!));
      else for (let i = 0; i < n; i++) dst[o + i] = fn(a[oa + i]!);
    } else if (k === 2) {
      const a = srcs[0]!;
      const b = srcs[1]!;
      const oa = offs[0]!;
      const ob = offs[1]!;
      if (convert) for (let i = 0; i < n; i++) dst[o + i] = convert(fn(a[oa + i]!, b[ob + i]!));
      else for (let i = 0; i < n; i++) dst[o + i] = fn(a[oa + i]!, b[ob + i]!);
    } else {
      const args = new Array<number>(k);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < k; j++) args[j] = srcs[j]![offs[j]! + i]!;
        const v = fn(...args);
        dst[o + i] = convert ? convert(v) : v;
      }
    }
    return;
  }
  // Strided walk: an odometer over the outer axes, an inner loop along the last one.
  const nd = out.ndim;
  const shape = out.shape;
  const last = nd - 1;
  const inner = shape[last]!;
  const pos = [out.offset, ...inputs.map((a) => a.offset)];
  const strides = [out.strides, ...inputs.map((a) => a.strides)];
  const step = strides.map((s) => s[last]!);
  const counter = new Array<number>(nd).fill(0);
  const args = new Array<number>(k);
  const outer = n / inner;
  const [a, b, c] = srcs;
  const [sa, sb, sc] = step.slice(1);
  const so = step[0]!;
  for (let r = 0; r < outer; r++) {
    let po = pos[0]!;
    // Inner loops specialised by arity: no argument arrays for the common cases.
    if (k === 1) {
      for (let i = 0, pa = pos[1]!; i < inner; i++, po += so, pa += sa!) {
        const v = fn(a![pa]!);
        dst[po] = convert ? convert(v) : v;
      }
    } else if (k === 2) {
      for (let i = 0, pa = pos[1]!, pb = pos[2]!; i < inner; i++, po += so, pa += sa!, pb += sb!) {
        const v = fn(a![pa]!, b![pb]!);
        dst[po] = convert ? convert(v) : v;
      }
    } else if (k === 3) {
      for (let i = 0, pa = pos[1]!, pb = pos[2]!, pc = pos[3]!; i < inner; i++, po += so, pa += sa!, pb += sb!, pc += sc!) {
        const v = fn(a![pa]!, b![pb]!, c![pc]!);
        dst[po] = convert ? convert(v) : v;
      }
    } else {
      const p = pos.slice(1);
      for (let i = 0; i < inner; i++, po += so) {
        for (let j = 0; j < k; j++) {
          args[j] = srcs[j]![p[j]!]!;
          p[j]! += step[j + 1]!;
        }
        const v = fn(...args);
        dst[po] = convert ? convert(v) : v;
      }
    }
    for (let ax = last - 1; ax >= 0; ax--) {
      if (++counter[ax]! < shape[ax]!) {
        for (let j = 0; j <= k; j++) pos[j]! += strides[j]![ax]!;
        break;
      }
      counter[ax] = 0;
      for (let j = 0; j <= k; j++) pos[j]! -= strides[j]![ax]! * (shape[ax]! - 1);
    }
  }
}

/** Applies `fn` elementwise with numpy broadcasting into a new array of `dtype`. */
export function mapBroadcast(dtype: DType, inputs: readonly NDArray[], fn: (...args: number[]) => number): NDArray {
  const shape = broadcastShapes(...inputs.map((a) => a.shape));
  const out = NDArray.empty(dtype, shape);
  mapInto(out, inputs.map((a) => a.broadcastTo(shape)), fn);
  return out;
}
