/**
 * How a generated kernel reads one input along a row, and steps any operand
 * (outputs included) along it; shared by the elementwise and reducing
 * renderers. Elements are adjacent in memory (one vector load), a stride
 * apart (a transposed or reversed view: gathered lane by lane) or the same
 * for the whole row (loaded once, splatted), and stored in the kernel's
 * float dtype or in an integer, bool or other float dtype it converts as it
 * loads (convertLoad.ts).
 */
import type { Code, Local } from '../../wasm/code.js';
import type { DType } from '../../ndarray/dtype.js';
import type { Layout } from './renderKernel.js';
import { convertibleBytes, loadConvertedScalar, loadConvertedVector } from './convertLoad.js';

export class InputReader {
  /** Bytes per element in memory. */
  readonly bytes: number;

  /**
   * `source`: the input's dtype when it is read converted, else null;
   * `stride`: the local holding its element stride in bytes when it is
   * gathered, else undefined (adjacent elements).
   */
  constructor(
    private readonly c: Code,
    private readonly L: Layout,
    private readonly float: 'float32' | 'float64',
    private readonly source: DType | null,
    private readonly stride: Local | undefined,
  ) {
    this.bytes = source === null ? L.bytes : convertibleBytes(source);
  }

  /** Pushes the vector of elements starting at the address in `at`. */
  vector(at: Local): void {
    const { c, L, source } = this;
    if (this.stride !== undefined) {
      c.get(at);
      this.one(false);
      for (let l = 1; l < L.lanes; l++) {
        c.get(at).get(this.stride);
        if (l > 1) c.i32(l).op('i32.mul');
        c.op('i32.add');
        this.scalar();
        c.lane(`${L.shape}.replace_lane`, l);
      }
    } else if (source !== null) loadConvertedVector(c, source, this.float, () => c.get(at));
    else c.get(at).mem('v128.load', 0, 0);
  }

  /** Pushes the element at the address on the stack as a vector: in lane 0 (others zero or equal), or in every lane. */
  one(splat: boolean): void {
    if (this.source === null) this.c.mem(splat ? this.L.splat : this.L.loadZero);
    else {
      loadConvertedScalar(this.c, this.source, this.float);
      this.c.op(`${this.L.shape}.splat`);
    }
  }

  /** Pushes the element at the address on the stack as a scalar of the kernel's float dtype. */
  private scalar(): void {
    if (this.source === null) this.c.mem(this.L.load);
    else loadConvertedScalar(this.c, this.source, this.float);
  }

  /** Pushes the distance in bytes covered by `elements` elements along the row (`elements` a count, or a local). */
  span(elements: number | Local): void {
    const { c } = this;
    if (typeof elements === 'number') {
      if (this.stride === undefined) c.i32(elements * this.bytes);
      else if (elements === 1) c.get(this.stride);
      else c.get(this.stride).i32(elements).op('i32.mul');
      return;
    }
    c.get(elements);
    if (this.stride === undefined) c.i32(this.bytes);
    else c.get(this.stride);
    c.op('i32.mul');
  }
}
