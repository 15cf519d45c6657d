/** The graph layer: types, variables, nodes, ops and the mutable function graph. */
export { Type, type FilterOptions } from './type.js';
export { Variable, Constant, constantData } from './variable.js';
export { Apply } from './apply.js';
export { Op, type OutputCell, type SymbolicShape } from './op.js';
export { disconnected, NullGradient, type Disconnected, type InputGradient } from './gradientTerms.js';
export { FunctionGraph, GraphError, type Client, type GraphFeature } from './fgraph.js';
export { ancestors, graphInputs, toposort } from './traversal.js';
export { cloneGraph, CloneTypeError, type CloneOptions } from './clone.js';
export { CreationTrace } from './trace.js';
