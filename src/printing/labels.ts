/**
 * How a root variable reads in printed graphs: its name, its value when it
 * is a small constant, or its type when it is an anonymous input. debugprint
 * and pp both use these, so a graph reads the same in either.
 */
import { constantData, type Variable } from '../graph/variable.js';
import { NDArray, shapeToString } from '../ndarray/ndarray.js';

/** Constants with at most this many elements print by value. */
const MAX_PRINTED_ELEMENTS = 8;
/** Non-array constants whose text is longer print by type. */
const MAX_PRINTED_CHARS = 40;

/** `String(x)`, or a neutral description if the object's `toString` throws (printing must never throw). */
export function safeString(x: unknown): string {
  try {
    return String(x);
  } catch {
    const ctor = (x as { constructor?: { name?: string } } | null)?.constructor?.name;
    return `<${ctor ?? typeof x}>`;
  }
}

/** A constant's value on one line (`1.0`, `[1 2 3]`), or its dtype and shape when it is large. */
export function constantText(v: Variable): string {
  const data = constantData(v);
  if (data instanceof NDArray) {
    if (data.size <= MAX_PRINTED_ELEMENTS) return safeString(data).replace(/\s+/g, ' ');
    return `TensorConstant{${data.dtype}, ${shapeToString(data.shape)}}`;
  }
  const text = safeString(data);
  return text.length <= MAX_PRINTED_CHARS ? text : `Constant{${safeString(v.type)}}`;
}

/** A root variable: a constant's value, else the name, else `<type>` (what `String(v)` gives). */
export function rootText(v: Variable): string {
  return v.isConstant() ? constantText(v) : safeString(v);
}
