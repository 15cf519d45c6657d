/**
 * pp (Theano's `theano.printing.pp` / `pprint`): a graph as one compact
 * infix expression, `((w * x) + b)`, `exp(-x)`, `sum(x, axis=[0])`. Each op
 * class has a printer (tensor ops in tensorPrinters.ts; other layers add
 * theirs with `registerPrinter`); ops without one print as `Op{props}(args)`.
 */
import type { Apply } from '../graph/apply.js';
import { Op } from '../graph/op.js';
import type { Variable } from '../graph/variable.js';
import { ancestors } from '../graph/traversal.js';
import { constantText, safeString } from './labels.js';
import { atom, call, literal, postfix, type ParenStyle, type Printed } from './syntax.js';
import { TENSOR_PRINTERS } from './tensorPrinters.js';

export interface PpOptions {
  /** 'all' (default, Theano's look): `((w * x) + b)`; 'minimal': `w * x + b`. Both re-read as the same graph. */
  parens?: ParenStyle;
  /** Print named intermediate results by their name instead of their expression. */
  stopOnName?: boolean;
}

/** What a printer sees: the printed form of any variable below the node, and the style. */
export interface PrintContext {
  arg(v: Variable): Printed;
  readonly parens: ParenStyle;
}

/** Prints output `output` of `node`. */
export type OpPrinter = (node: Apply, output: Variable, context: PrintContext) => Printed;

type OpClass = abstract new (...args: never[]) => Op;

const printers = new Map<OpClass, OpPrinter>(TENSOR_PRINTERS);

/** Makes `pp` print nodes of `opClass` (and its subclasses) with `printer` (Theano's `pprint.assign`). */
export function registerPrinter(opClass: OpClass, printer: OpPrinter): void {
  printers.set(opClass, printer);
}

function printerFor(op: Op): OpPrinter | undefined {
  // Walk up the class chain, so subclasses (in-place variants, ...) print like their base.
  for (let c: unknown = op.constructor; typeof c === 'function' && c !== Op; c = Object.getPrototypeOf(c)) {
    const found = printers.get(c as OpClass);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Any op: `Op{props}(args)`, with `.k` for output k of a multi-output node. */
function fallback(node: Apply, output: Variable, context: PrintContext): Printed {
  const printed = call(safeString(node.op), node.inputs.map((i) => context.arg(i)));
  return node.outputs.length === 1 ? printed : postfix(printed, `.${output.index}`);
}

/** The expression computing `variable`, e.g. `((w * x) + b)`. */
export function pp(variable: Variable, options: PpOptions = {}): string {
  const printed = new Map<Variable, Printed>();
  const context: PrintContext = {
    arg: (v) => printed.get(v) ?? atom(safeString(v)),
    parens: options.parens ?? 'all',
  };
  // Inputs before the nodes using them (iterative: deep graphs must not overflow the stack);
  // each variable is printed once, however often it is used.
  for (const v of ancestors([variable])) {
    const node = v.owner;
    let p: Printed;
    if (node === null) p = v.isConstant() ? literal(constantText(v)) : atom(safeString(v));
    else if (options.stopOnName && v.name !== null && v !== variable) p = atom(v.name);
    else {
      const printer = printerFor(node.op) ?? fallback;
      try {
        p = printer(node, v, context);
      } catch {
        // A printer that cannot handle an unusual node must not hide the graph.
        p = fallback(node, v, context);
      }
    }
    printed.set(v, p);
  }
  return printed.get(variable)!.text;
}
