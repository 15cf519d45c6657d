/**
 * Loads of integer and bool elements as float lanes, for kernels that read
 * such an input only through a cast to their float dtype (`x.astype('float32')
 * / 255` on uint8 images, a bool mask times a float tensor): the conversion
 * happens in the load, so the kernel still runs in float lanes. Values
 * convert exactly (every int of 32 bits or less fits a float64) or with one
 * rounding to nearest (int32 to float32), as the JS cast does.
 */
import type { Code } from '../../wasm/code.js';
import type { DType } from '../../ndarray/dtype.js';
import type { PlainOp } from '../../wasm/opcodes.js';

/** Input dtypes a kernel can read converted to its float dtype. */
export const CONVERTIBLE: ReadonlySet<DType> = new Set(['bool', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32']);

/** Bytes per element of a convertible dtype. */
export function convertibleBytes(dtype: DType): number {
  return dtype === 'int32' || dtype === 'uint32' ? 4 : dtype === 'int16' || dtype === 'uint16' ? 2 : 1;
}

const signed = (dtype: DType) => dtype === 'int8' || dtype === 'int16' || dtype === 'int32';
const sign = (dtype: DType) => (signed(dtype) ? 's' : 'u');

/** One element at the address on the stack, pushed as a float of the kernel's lane type. */
export function loadConvertedScalar(c: Code, dtype: DType, float: 'float32' | 'float64'): void {
  const bytes = convertibleBytes(dtype);
  c.mem(bytes === 4 ? 'i32.load' : bytes === 2 ? `i32.load16_${sign(dtype)}` : `i32.load8_${sign(dtype)}`);
  c.op(`${float === 'float32' ? 'f32' : 'f64'}.convert_i32_${bytes === 4 ? sign(dtype) : 's'}` as PlainOp);
}

/**
 * A vector of lanes (4 for float32, 2 for float64) of elements from the
 * address on the stack, converted: loaded at their width, widened to 32-bit
 * integers, then converted.
 */
export function loadConvertedVector(c: Code, dtype: DType, float: 'float32' | 'float64'): void {
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
