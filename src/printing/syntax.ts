/**
 * Building pretty-printed expressions: each printed piece carries how
 * tightly it binds, and combining pieces adds parentheses exactly where the
 * operator table says they are needed to re-read the same graph.
 */
import { PRECEDENCE, type InfixOperator } from './operators.js';

/** A printed (sub)expression and the precedence of its outermost operator. */
export interface Printed {
  readonly text: string;
  readonly precedence: number;
  /** The text without the parentheses the 'all' style put around it (used where nothing can bind to it). */
  readonly bare?: string;
}

/**
 * 'all' (Theano's look): every infix operation in parentheses, `((w * x) + b)`,
 * except as a whole call argument, `exp(a + b)`; 'minimal': only the
 * parentheses precedence needs, `w * x + b`.
 */
export type ParenStyle = 'all' | 'minimal';

const paren = (p: Printed): string => `(${p.text})`;
const wrapBelow = (p: Printed, needed: number): string => (p.precedence < needed ? paren(p) : p.text);

/** Something that never needs parentheses: a name, a call, a value. */
export function atom(text: string): Printed {
  return { text, precedence: PRECEDENCE.atom };
}

/** A constant's text: negative numbers bind like a prefix minus (`(-1.0) ** 2`, not `-1.0 ** 2`). */
export function literal(text: string): Printed {
  return { text, precedence: text.startsWith('-') ? PRECEDENCE.unary : PRECEDENCE.atom };
}

/** `a op b`, each side parenthesised if it binds looser than the side allows. */
export function infix(op: InfixOperator, left: Printed, right: Printed, style: ParenStyle): Printed {
  const leftNeeds = op.associativity === 'left' ? op.precedence : op.precedence + 1;
  const rightNeeds = op.associativity === 'right' ? op.precedence : op.precedence + 1;
  const text = `${wrapBelow(left, leftNeeds)} ${op.symbol} ${wrapBelow(right, rightNeeds)}`;
  return style === 'all' ? { text: `(${text})`, precedence: PRECEDENCE.atom, bare: text } : { text, precedence: op.precedence };
}

/**
 * `-x`. Any operand other than an atom is parenthesised, even where Python
 * would not need it: `-(x ** 2)` and `-(-x)` say what they mean at a glance.
 */
export function prefix(symbol: string, operand: Printed): Printed {
  return { text: `${symbol}${wrapBelow(operand, PRECEDENCE.atom)}`, precedence: PRECEDENCE.unary };
}

/** `x.T`, `f(x).1`: a suffix on an atom. */
export function postfix(operand: Printed, suffix: string): Printed {
  return atom(`${wrapBelow(operand, PRECEDENCE.atom)}${suffix}`);
}

/** `name(a, b, key=value)`; an argument needs no parentheses of its own: `exp(a + b)`. */
export function call(name: string, args: readonly Printed[], keywords: readonly (readonly [string, string])[] = []): Printed {
  return atom(`${name}(${[...args.map((a) => a.bare ?? a.text), ...keywords.map(([k, v]) => `${k}=${v}`)].join(', ')})`);
}
