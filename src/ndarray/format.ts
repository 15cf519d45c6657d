/**
 * Printing arrays the way numpy 2.x does: `formatArray(a, 'str')` is
 * `str(a)` and `formatArray(a, 'repr')` is `repr(a)`, with numpy's default
 * print options (precision 8, floatmode 'maxprec', suppress=False,
 * threshold 1000, edgeitems 3, linewidth 75, sign '-').
 *
 * The layout code is a port of `numpy/_core/arrayprint.py` (`_formatArray`,
 * `_extendLine`, `FloatingFormat`, `IntegerFormat`, `BoolFormat`,
 * `_array_repr_implementation`); numpy's Dragon4 digit generation is
 * reproduced with the shortest round-tripping digits (the engine's own for
 * float64, an exact search over float32's rounding interval for float32)
 * plus exact BigInt decimal expansion wherever numpy rounds a value to
 * `precision` digits. The expected strings in test/ndarray/format-cases.json
 * were printed by numpy 2.4.
 *
 * Deliberate difference from numpy 2: a 0-d float array prints its value as
 * Python prints a float (`repr(float(x))`): `array(5.0, dtype=float32)` and
 * `5.0` rather than numpy 2's `array(5., dtype=float32)`. For float32 the
 * digits are the shortest that round-trip in float32 (`0.1`, not
 * `0.10000000149011612`), laid out with Python's rules: scientific when the
 * decimal exponent is < -4 or >= 16 (`1e-05`, `1e+16`), otherwise positional
 * with at least one fractional digit. (numpy's own float32 scalar `str`
 * switches to scientific from 1e6, e.g. `1e+06`; we print `1000000.0`.)
 * This matches the printed results of the project's seed document, e.g.
 * `[array(5.0, dtype=float32), array(6.0, dtype=float32)]`.
 */
import type { NDArray } from './ndarray.js';
import type { DType } from './dtype.js';

// numpy's default print options.
const PRECISION = 8;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 75;

/** The dtypes whose repr carries no `dtype=` (numpy's `_typelessdata`: int_, float64, bool). */
const IMPLIED_DTYPES: ReadonlySet<DType> = new Set<DType>(['int64', 'float64', 'bool']);

/** numpy's `str(a)` (mode 'str') or `repr(a)` (mode 'repr') of `a`. */
export function formatArray(a: NDArray, mode: 'str' | 'repr'): string {
  if (a.ndim === 0) return formatZeroD(a, mode);

  const repr = mode === 'repr';
  const prefix = repr ? 'array(' : '';
  const separator = repr ? ', ' : ' ';
  // array2string: the repr's closing ')' counts against the line width.
  const lineWidth = LINE_WIDTH - (repr ? 1 : 0);
  const summarise = a.size > THRESHOLD;

  let body: string;
  if (a.size === 0) {
    body = '[]';
  } else {
    const format = makeFormatter(a.dtype, shownValues(a, summarise));
    body = layout(a, format, separator, prefix, lineWidth, summarise);
  }
  if (!repr) return body;

  // Shape and dtype are appended when the printed values do not imply them.
  const extras: string[] = [];
  if ((a.size === 0 && !(a.ndim === 1 && a.shape[0] === 0)) || summarise) {
    extras.push(`shape=${pythonTuple(a.shape)}`);
  }
  if (!IMPLIED_DTYPES.has(a.dtype) || a.size === 0) extras.push(`dtype=${a.dtype}`);
  if (extras.length === 0) return `${prefix}${body})`;

  const head = `${prefix}${body},`;
  const tail = `${extras.join(', ')})`;
  // The extras go on a new line when they would push the last line past the width.
  const lastLineLength = head.length - (head.lastIndexOf('\n') + 1);
  const spacer = lastLineLength + tail.length + 1 > LINE_WIDTH ? '\n' + ' '.repeat(prefix.length) : ' ';
  return head + spacer + tail;
}

/* ------------------------------------------------------------------------ */
/* 0-d arrays                                                               */
/* ------------------------------------------------------------------------ */

function formatZeroD(a: NDArray, mode: 'str' | 'repr'): string {
  const v = a.data[a.offset]!;
  let text: string;
  if (a.dtype === 'bool') text = v !== 0 ? 'True' : 'False';
  else if (a.dtype === 'float32' || a.dtype === 'float64') text = pythonFloatRepr(v, a.dtype === 'float32');
  else text = integerString(v);
  if (mode === 'str') return text;
  return IMPLIED_DTYPES.has(a.dtype) ? `array(${text})` : `array(${text}, dtype=${a.dtype})`;
}

/** Python's `repr(float(x))`, with float32's shortest digits when `f32` (see the file header). */
function pythonFloatRepr(x: number, f32: boolean): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x < 0 ? '-inf' : 'inf';
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  if (x === 0) return `${sign}0.0`;
  const d = shortestDecimal(Math.abs(x), f32);
  if (d.exp < -4 || d.exp >= 16) {
    const mantissa = d.digits.length > 1 ? `${d.digits[0]}.${d.digits.slice(1)}` : d.digits;
    return `${sign}${mantissa}e${exponentString(d.exp, 2)}`;
  }
  const { int, frac } = positionalParts(d);
  return `${sign}${int}.${frac === '' ? '0' : frac}`;
}

/* ------------------------------------------------------------------------ */
/* Layout (numpy's _formatArray)                                            */
/* ------------------------------------------------------------------------ */

/**
 * The indices printed along an axis of length `n`: all of them, or the
 * first and last `EDGE_ITEMS` when summarising (numpy's `_leading_trailing`).
 */
function shownIndices(n: number, summarise: boolean): number[] {
  if (summarise && n > 2 * EDGE_ITEMS) {
    const out: number[] = [];
    for (let i = 0; i < EDGE_ITEMS; i++) out.push(i);
    for (let i = n - EDGE_ITEMS; i < n; i++) out.push(i);
    return out;
  }
  return Array.from({ length: n }, (_, i) => i);
}

/** The values that will be printed; numpy sizes the columns from these alone. */
function shownValues(a: NDArray, summarise: boolean): number[] {
  const out: number[] = [];
  const visit = (axis: number, pos: number): void => {
    if (axis === a.ndim) {
      out.push(a.data[pos]!);
      return;
    }
    for (const i of shownIndices(a.shape[axis]!, summarise)) visit(axis + 1, pos + i * a.strides[axis]!);
  };
  visit(0, a.offset);
  return out;
}

function layout(
  a: NDArray,
  format: (x: number) => string,
  separator: string,
  prefix: string,
  lineWidth: number,
  summarise: boolean,
): string {
  // Continuation lines align under the first element: skip "[" and the prefix.
  const firstIndent = ' ' + ' '.repeat(prefix.length);
  const sepTrimmed = separator.trimEnd();

  const recurse = (axis: number, pos: number, hangingIndent: string, currWidth: number): string => {
    if (axis === a.ndim) return format(a.data[pos]!);

    // Nested rows sit one column further right (after their "["), and each
    // level's closing "]" takes one column from the width.
    const nextIndent = hangingIndent + ' ';
    const nextWidth = currWidth - 1;
    const n = a.shape[axis]!;
    const stride = a.strides[axis]!;
    const showSummary = summarise && n > 2 * EDGE_ITEMS;
    const leading = showSummary ? EDGE_ITEMS : 0;
    const trailing = showSummary ? EDGE_ITEMS : n;
    const child = (i: number): string => recurse(axis + 1, pos + i * stride, nextIndent, nextWidth);
    let s = '';

    if (axis === a.ndim - 1) {
      // Last axis: elements on one line, wrapped when they would pass the width.
      const elemWidth = currWidth - Math.max(sepTrimmed.length, 1);
      let line = hangingIndent;
      const extend = (word: string): void => {
        // Never wrap a line holding nothing but the indent: it would not help.
        if (line.length + word.length > elemWidth && line.length > hangingIndent.length) {
          s += line.trimEnd() + '\n';
          line = hangingIndent;
        }
        line += word;
      };
      for (let i = 0; i < leading; i++) {
        extend(child(i));
        line += separator;
      }
      if (showSummary) {
        extend('...');
        line += separator;
      }
      for (let i = trailing; i > 1; i--) {
        extend(child(n - i));
        line += separator;
      }
      extend(child(n - 1));
      s += line;
    } else {
      // Outer axes: one sub-array per line, with a blank line between 2-d
      // blocks, two between 3-d blocks, and so on.
      const lineSep = sepTrimmed + '\n'.repeat(a.ndim - axis - 1);
      for (let i = 0; i < leading; i++) s += hangingIndent + child(i) + lineSep;
      if (showSummary) s += hangingIndent + '...' + lineSep;
      for (let i = trailing; i > 1; i--) s += hangingIndent + child(n - i) + lineSep;
      s += hangingIndent + child(n - 1);
    }
    return '[' + s.slice(hangingIndent.length) + ']';
  };

  return recurse(0, a.offset, firstIndent, lineWidth);
}

/** A shape as Python prints a tuple: `(3,)`, `(2, 0)`. */
function pythonTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/* ------------------------------------------------------------------------ */
/* Element formatters                                                       */
/* ------------------------------------------------------------------------ */

/** A function printing one element, padded to the common width of `values`. */
function makeFormatter(dtype: DType, values: readonly number[]): (x: number) => string {
  if (dtype === 'bool') {
    // " True" is padded to the width of "False" so columns align.
    return (x) => (x !== 0 ? ' True' : 'False');
  }
  if (dtype === 'float32' || dtype === 'float64') return floatFormatter(values, dtype === 'float32');
  // Integers: right-aligned to the longer of the largest and smallest value.
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const width = Math.max(integerString(hi).length, integerString(lo).length);
  return (x) => integerString(x).padStart(width, ' ');
}

/** Decimal digits of an integral value; int64/uint64 beyond 2^53 print every digit of the stored double. */
function integerString(v: number): string {
  if (Number.isSafeInteger(v) || !Number.isInteger(v)) return String(v + 0); // + 0: -0 prints as 0
  return BigInt(v).toString();
}

/** One finite value split the way numpy's FloatingFormat measures it. */
interface FloatParts {
  sign: string;
  int: string;
  frac: string;
  /** Decimal exponent in scientific mode. */
  exp: number;
}

/**
 * numpy's FloatingFormat: chooses positional or scientific notation for the
 * whole array, then pads every value to a common width (right-padding
 * fractions with spaces in positional mode, with zeros in scientific mode).
 */
function floatFormatter(values: readonly number[], f32: boolean): (x: number) => string {
  // numpy evaluates these tests in the array's own precision: for float32 the
  // 1e-4 bound becomes float32(1e-4), and the max/min ratio is a float32
  // quotient. numpy 2.4 sets the large-value cutoff to 10**min(8, decimal
  // digits of the type): 1e8 for float64 but 1e6 for float32.
  const cutoffMax = f32 ? 1e6 : 1e8;
  const cutoffMin = f32 ? Math.fround(1e-4) : 1e-4;
  const finite = values.filter((v) => Number.isFinite(v));
  let maxAbs = 0;
  let minAbs = Infinity;
  for (const v of finite) {
    const m = Math.abs(v);
    if (m === 0) continue;
    if (m > maxAbs) maxAbs = m;
    if (m < minAbs) minAbs = m;
  }
  let scientific = false;
  if (maxAbs > 0) {
    const ratio = f32 ? Math.fround(maxAbs / minAbs) : maxAbs / minAbs;
    scientific = maxAbs >= cutoffMax || minAbs < cutoffMin || ratio > 1000;
  }

  const parts = (x: number): FloatParts => (scientific ? scientificParts(x, f32) : positionalFloatParts(x, f32));
  const all = finite.map(parts);
  let padLeft = 0;
  let padRight = 0;
  let precision = 0; // fractional digits every scientific mantissa is padded to
  let expDigits = 2; // exponent digits, at least 2 as in C's printf
  for (const p of all) {
    padLeft = Math.max(padLeft, p.sign.length + p.int.length);
    precision = Math.max(precision, p.frac.length);
    expDigits = Math.max(expDigits, String(Math.abs(p.exp)).length);
  }
  padRight = scientific ? expDigits + 2 + precision : precision;
  if (finite.length === 0) padLeft = padRight = 0;

  // nan and inf are right-aligned in the full width, which they may widen.
  if (finite.length !== values.length) {
    const negInf = values.some((v) => v === -Infinity) ? 1 : 0;
    padLeft = Math.max(padLeft, 3 - (padRight + 1), 3 + negInf - (padRight + 1));
  }
  const width = padLeft + padRight + 1;

  return (x: number): string => {
    if (Number.isNaN(x)) return 'nan'.padStart(width, ' ');
    if (!Number.isFinite(x)) return (x < 0 ? '-inf' : 'inf').padStart(width, ' ');
    if (scientific) {
      // Every mantissa gets `precision` fractional digits. numpy's Dragon4
      // (min_digits) makes up a shorter value with further true digits of the
      // value, not zeros: float32 1e-45 prints as 1.4012985e-45 next to 1.1754944e-38.
      const p = scientificParts(x, f32, precision);
      const left = (p.sign + p.int).padStart(padLeft, ' ');
      return `${left}.${p.frac.padEnd(precision, '0')}e${exponentString(p.exp, expDigits)}`;
    }
    const p = parts(x);
    return `${(p.sign + p.int).padStart(padLeft, ' ')}.${p.frac.padEnd(padRight, ' ')}`;
  };
}

/** Positional digits: shortest round-trip, rounded to at most PRECISION fractional digits. */
function positionalFloatParts(x: number, f32: boolean): FloatParts {
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const m = Math.abs(x);
  const d = m === 0 ? ZERO : limitDigits(m, shortestDecimal(m, f32), -PRECISION);
  return { sign, ...positionalParts(d), exp: 0 };
}

/**
 * Scientific digits: shortest round-trip, rounded to at most PRECISION digits
 * after the point; when `minFrac` is given and the shortest digits are fewer,
 * the value's exact digits rounded to `minFrac` places instead (zero-free
 * padding, as numpy's min_digits).
 */
function scientificParts(x: number, f32: boolean, minFrac = 0): FloatParts {
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const m = Math.abs(x);
  if (m === 0) return { sign, int: '0', frac: '', exp: 0 };
  const s = shortestDecimal(m, f32);
  const d = s.digits.length - 1 < minFrac ? roundExact(m, s.exp - minFrac) : limitDigits(m, s, s.exp - PRECISION);
  return { sign, int: d.digits[0]!, frac: d.digits.slice(1), exp: d.exp };
}

/** `e-05`, `e+100`: sign and at least `minDigits` digits. */
function exponentString(exp: number, minDigits: number): string {
  return (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(minDigits, '0');
}

/* ------------------------------------------------------------------------ */
/* Decimal digits of doubles                                                */
/* ------------------------------------------------------------------------ */

/**
 * A non-negative decimal `d0.d1d2... × 10^exp`: `digits` has no leading or
 * trailing zeros, except for zero itself ('0', exp 0).
 */
interface Decimal {
  digits: string;
  exp: number;
}

const ZERO: Decimal = { digits: '0', exp: 0 };

/** The decimal `n × 10^lastExp` for a string of digits `n`, normalised. */
function normalise(n: string, lastExp: number): Decimal {
  const lead = n.search(/[1-9]/);
  if (lead < 0) return ZERO;
  let digits = n.slice(lead);
  const trimmed = digits.replace(/0+$/, '');
  lastExp += digits.length - trimmed.length;
  digits = trimmed;
  return { digits, exp: lastExp + digits.length - 1 };
}

/** Parses a JS number string: "123.456", "1e-7", "1.2345e+21", "0.000001". */
function parseNumberString(s: string): Decimal {
  const [mantissa, e = '0'] = s.split('e') as [string, string?];
  const point = mantissa.indexOf('.');
  const fracDigits = point < 0 ? 0 : mantissa.length - point - 1;
  return normalise(mantissa.replace('.', ''), Number(e) - fracDigits);
}

/** `d` (> 0) as the integer `d / 10^lastExp`; `lastExp` must not exceed d's last digit's place. */
function scaled(d: Decimal, lastExp: number): bigint {
  return BigInt(d.digits) * 10n ** BigInt(d.exp - (d.digits.length - 1) - lastExp);
}

/**
 * The shortest digits that read back as `m` (> 0, finite) in its own
 * precision, the closest such when there is a choice and the even one on a
 * tie — what numpy's Dragon4 prints in 'unique' mode. For float64 that is
 * what the engine prints (`Number.prototype.toString` is specified so).
 */
function shortestDecimal(m: number, f32: boolean): Decimal {
  return f32 ? shortestFloat32(m) : parseNumberString(String(m));
}

/**
 * float32's shortest digits, searched for digit counts 1..9 (9 always
 * suffice). All comparisons are exact: a decimal reads back as `m` when it
 * lies inside m's float32 rounding interval, whose bounds are exact doubles.
 */
function shortestFloat32(m: number): Decimal {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, m);
  const bits = view.getUint32(0);
  const biased = (bits >>> 23) & 0xff;
  const fraction = bits & 0x7fffff;
  const ulpExp = biased === 0 ? -149 : biased - 150; // m = mantissa * 2^ulpExp
  const mantissaEven = (fraction & 1) === 0; // on the bound, round-half-even keeps m
  // Just above a power of two the gap below m is half the gap above.
  const lowGap = fraction === 0 && biased > 1 ? 2 ** (ulpExp - 1) : 2 ** ulpExp;
  const low = exactDecimal(m - lowGap / 2);
  const high = exactDecimal(m + 2 ** ulpExp / 2);
  const exact = exactDecimal(m);
  const exactLast = exact.exp - (exact.digits.length - 1);

  for (let p = 1; p <= 9; p++) {
    // The correctly rounded p-digit decimal can fall just outside a lopsided
    // interval while its neighbour on the other side falls inside: try both.
    const near = parseNumberString(m.toExponential(p - 1));
    const lastExp = near.exp - (p - 1);
    const n = BigInt(near.digits.padEnd(p, '0'));
    const common = Math.min(lastExp, exactLast, low.exp - (low.digits.length - 1), high.exp - (high.digits.length - 1));
    const unit = 10n ** BigInt(lastExp - common);
    const lo = scaled(low, common);
    const hi = scaled(high, common);
    const target = scaled(exact, common);
    let best: bigint | null = null;
    let bestErr = 0n;
    for (const c of [n - 1n, n, n + 1n]) {
      if (c <= 0n) continue;
      const v = c * unit;
      const inside = mantissaEven ? v >= lo && v <= hi : v > lo && v < hi;
      if (!inside) continue;
      const err = v > target ? v - target : target - v;
      if (best === null || err < bestErr || (err === bestErr && c % 2n === 0n)) {
        best = c;
        bestErr = err;
      }
    }
    if (best !== null) return normalise(best.toString(), lastExp);
  }
  return exact; // unreachable: 9 digits always identify a float32
}

/** The exact decimal value of the finite double `m` >= 0 (doubles are dyadic, so it terminates). */
function exactDecimal(m: number): Decimal {
  if (m === 0) return ZERO;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, m);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (biased === 0) {
    e2 = -1074; // subnormal
  } else {
    mantissa |= 1n << 52n;
    e2 = biased - 1075;
  }
  if (e2 >= 0) return normalise((mantissa << BigInt(e2)).toString(), 0);
  // mantissa / 2^k = mantissa * 5^k / 10^k
  return normalise((mantissa * 5n ** BigInt(-e2)).toString(), e2);
}

/**
 * `shortest` when it has no digit below 10^lastExp, else `m`'s exact value
 * rounded half-to-even at 10^lastExp: Dragon4 stops at the precision cutoff
 * and rounds the true value there, not the shortest digits.
 */
function limitDigits(m: number, shortest: Decimal, lastExp: number): Decimal {
  if (shortest.exp - (shortest.digits.length - 1) >= lastExp) return shortest;
  return roundExact(m, lastExp);
}

/** The exact value of the finite double `m` >= 0 rounded half-to-even to a multiple of 10^lastExp. */
function roundExact(m: number, lastExp: number): Decimal {
  const exact = exactDecimal(m);
  const keep = exact.exp - lastExp + 1; // digits at or above 10^lastExp
  if (keep >= exact.digits.length) return exact;
  const head = keep > 0 ? exact.digits.slice(0, keep) : '';
  const rest = keep >= 0 ? exact.digits.slice(keep) : '0'.repeat(-keep) + exact.digits;
  const first = rest.charCodeAt(0) - 48;
  let up: boolean;
  if (first !== 5) up = first > 5;
  else if (rest.length > 1) up = true; // digits are trailing-zero free: more than half
  else up = head !== '' && (head.charCodeAt(head.length - 1) - 48) % 2 === 1; // a tie: to even
  const rounded = BigInt(head === '' ? '0' : head) + (up ? 1n : 0n);
  return normalise(rounded.toString(), lastExp);
}

/** Integer and fractional digit strings of a decimal written positionally. */
function positionalParts(d: Decimal): { int: string; frac: string } {
  if (d.digits === '0') return { int: '0', frac: '' };
  if (d.exp < 0) return { int: '0', frac: '0'.repeat(-d.exp - 1) + d.digits };
  return { int: d.digits.slice(0, d.exp + 1).padEnd(d.exp + 1, '0'), frac: d.digits.slice(d.exp + 1) };
}
