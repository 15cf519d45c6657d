/** `th.printing` (Theano's `theano.printing`): debugprint (graph as a tree) and pp (graph as an expression). */
export { debugprint, printDebug, idLetters, type DebugPrintable, type DebugPrintOptions } from './debugprint.js';
export { pp, registerPrinter, type PpOptions, type PrintContext, type OpPrinter } from './pp.js';
export { atom, call, infix, literal, postfix, prefix, type ParenStyle, type Printed } from './syntax.js';
export { PRECEDENCE, INFIX_OPERATORS, PREFIX_OPERATORS, CALL_NAMES, REDUCTION_NAMES, type InfixOperator, type Associativity } from './operators.js';
