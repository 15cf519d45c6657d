/**
 * The typed errors theano-ts raises. Each message says what was expected and
 * what was given; errors about a node also carry where it was built.
 */

/** Base class of every error theano-ts raises on purpose. */
export class TheanoError extends Error {
  override name = 'TheanoError';
}

/** Shapes that do not fit together: broadcasting, reshapes, products, static shapes. */
export class ShapeError extends TheanoError {
  override name = 'ShapeError';
}

/** A dtype an operation cannot take, or a conversion that would lose information. */
export class DTypeError extends TheanoError {
  override name = 'DTypeError';
}

/** A value that cannot become an array: ragged nesting, non-numeric entries. */
export class ValueError extends TheanoError {
  override name = 'ValueError';
}

/** A bad argument to a compiled function: count, name, rank, dtype, shape. */
export class InputError extends TheanoError {
  override name = 'InputError';
}

/** An output depends on a variable that is neither an input, a constant nor a shared variable. */
export class MissingInputError extends TheanoError {
  override name = 'MissingInputError';
}

/** An input the outputs do not depend on (see `onUnusedInput`). */
export class UnusedInputError extends TheanoError {
  override name = 'UnusedInputError';
}

/** A graph that cannot be compiled as asked: bad updates, givens, outputs or options. */
export class CompileError extends TheanoError {
  override name = 'CompileError';
}
