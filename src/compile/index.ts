/** The compile layer: `function`, shared variables, In/Out, Mode, profiles. */
export { compileFunction, type CompiledFunction, type FunctionOptions, type FunctionMaker, type UpdatePairs, type GivenPairs } from './function.js';
export { shared, SharedVariable, type SharedOptions, type BorrowOption } from './shared.js';
export { In, Out, type InOptions, type InConstructor, type OutConstructor } from './io.js';
export { Mode, resolveMode, type ModeOptions, type LinkerName, type OptimizerName } from './mode.js';
export { ProfileStats } from './profile.js';
export { DebugModeError, DEBUG_MODE_TOLERANCE, DebugVM, debugLinker, type DebugLinkOptions } from './debugMode.js';
