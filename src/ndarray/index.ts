/** The NDArray runtime: dtypes, arrays, creation, broadcasting, printing. */
export { NDArray, contiguousStrides, shapeSize, shapeToString, type NestedArray } from './ndarray.js';
export { array, zeros, ones, full, empty, arange, isArrayLike, type ArrayLike, type ArrayOptions } from './create.js';
export * from './dtype.js';
export { broadcastShapes, mapInto, mapBroadcast } from './broadcast.js';
export { allocate, setAllocator, heapAllocator, type Allocator } from './allocator.js';
export { formatArray } from './format.js';
