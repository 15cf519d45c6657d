/**
 * Loads of integer, bool and other-width float elements as float lanes, for
 * kernels that read such an input only through a cast to their float dtype
 * (`x.astype('float32') / 255` on uint8 images, a bool mask times a float
 * tensor), or, for a float32 input in a float64 kernel, anywhere (it is
 * promoted exactly, as JS arithmetic promotes it): the conversion happens in
 * the load, so the kernel still runs in one lane type. Values convert
 * exactly (every int of 32 bits or less fits a float64) or with one
 * rounding to nearest (int32 and float64 to float32), as the JS cast does.
 */
import type { Code } from '../../wasm/code.js';
import type { DType } from '../../ndarray/dtype.js';
import type { PlainOp } from '../../wasm/opcodes.js';

/** Input dtypes a kernel can read converted to its float dtype (the other float width included). */
export const CONVERTIBLE: ReadonlySet<DType> = new Set(['bool', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'float32', 'float64']);

/** Bytes per element of a convertible dtype. */
export function convertibleBytes(dtype: DType): number {
  if (dtype === 'float64') return 8;
  return dtype === 'int32' || dtype === 'uint32' || dtype === 'float32' ? 4 : dtype === 'int16' || dtype === 'uint16' ? 2 : 1;
}

const signed = (dtype: DType) => dtype === 'int8' || dtype === 'int16' || dtype === 'int32';
const sign = (dtype: DType) => (signed(dtype) ? 's' : 'u');

/** One element at the address on the stack, pushed as a float of the kernel's lane type. */
export function loadConvertedScalar(c: Code, dtype: DType, float: 'float32' | 'float64'): void {
  if (dtype === 'float32' || dtype === 'float64') {
    c.mem(dtype === 'float32' ? 'f32.load' : 'f64.load').op(dtype === 'float32' ? 'f64.promote_f32' : 'f32.demote_f64');
    return;
  }
  const bytes = convertibleBytes(dtype);
  c.mem(bytes === 4 ? 'i32.load' : bytes === 2 ? `i32.load16_${sign(dtype)}` : `i32.load8_${sign(dtype)}`);
  c.op(`${float === 'float32' ? 'f32' : 'f64'}.convert_i32_${bytes === 4 ? sign(dtype) : 's'}` as PlainOp);
}

/**
 * A vector of lanes (4 for float32, 2 for float64) of elements from the
 * address `pushAddress` pushes, converted: integers loaded at their width,
 * widened to 32 bits, then converted; floats promoted, or demoted (rounded
 * to nearest) two by two.
 */
export function loadConvertedVector(c: Code, dtype: DType, float: 'float32' | 'float64', pushAddress: () => void): void {
  if (dtype === 'float32') {
    pushAddress();
    c.mem('v128.load64_zero').op('f64x2.promote_low_f32x4');
    return;
  }
  if (dtype === 'float64') {
    for (const at of [0, 16]) {
      pushAddress();
      c.mem('v128.load', at, 0).op('f32x4.demote_f64x2_zero');
    }
    c.shuffle([0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23]);
    return;
  }
  pushAddress();
  const bytes = convertibleBytes(dtype);
  const lanes = float === 'float32' ? 4 : 2;
  const span = bytes * lanes;
  // The lanes' bytes in the low end of a vector.
  if (span === 16) c.mem('v128.load', 0, 0);
  else if (span === 8) c.mem('v128.load64_zero');
  else if (span === 4) c.mem('v128.load32_zero');
  else c.mem('i32.load16_u', 0, 0).op('i32x4.splat'); // two bytes: only the low lanes matter
  if (bytes === 1) c.op(`i16x8.extend_low_i8x16_${sign(dtype)}` as PlainOp);
  if (bytes <= 2) c.op(`i32x4.extend_low_i16x8_${sign(dtype)}` as PlainOp);
  // Widened values fit int32 whatever their signedness; only a uint32 needs the unsigned conversion.
  const how = bytes === 4 ? sign(dtype) : 's';
  c.op((float === 'float32' ? `f32x4.convert_i32x4_${how}` : `f64x2.convert_low_i32x4_${how}`) as PlainOp);
}
