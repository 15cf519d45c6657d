/**
 * A one-function module that applies a vector-math emitter over arrays in
 * the shared memory: `map(out, in0, [in1,] count)` computes
 * out[i] = f(in0[i], in1[i]) for count elements (a multiple of the lane
 * count), byte addresses 16-aligned. Used by the tests and the benchmark to
 * run each emitter exactly as a kernel renderer would, inside a loop body.
 */
import { ModuleBuilder } from '../module.js';
import { instantiate, MEMORY_IMPORT } from '../memory.js';
import { vectorMath, type MathFunction, type MathOptions, type Shape } from './index.js';

export type MapKernel = (out: number, ...inputsThenCount: number[]) => void;

export function buildMathMap(fn: MathFunction, shape: Shape, arity: 1 | 2, options: MathOptions = {}): MapKernel {
  const m = new ModuleBuilder().importMemory(MEMORY_IMPORT);
  const { code: c } = m.func('map', Array<'i32'>(arity + 2).fill('i32'));
  const [out, ...rest] = c.params;
  const inputs = rest.slice(0, arity);
  const count = rest[arity]!;
  const end = c.local('i32');
  const offset = c.local('i32');
  const operands = inputs.map(() => c.local('v128'));
  c.get(count).i32(shape === 'f64x2' ? 8 : 4).op('i32.mul').set(end);
  const emit = vectorMath(fn, shape, options);
  c.forRange(offset, 0, end, 16, () => {
    inputs.forEach((p, i) => c.get(p).get(offset).op('i32.add').mem('v128.load').set(operands[i]!));
    c.get(out!).get(offset).op('i32.add');
    emit(c, operands);
    c.mem('v128.store');
  });
  const exports = instantiate(new WebAssembly.Module(m.encode()));
  return exports['map'] as MapKernel;
}
