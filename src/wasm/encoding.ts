/**
 * Byte-level encoding of WebAssembly's binary format: LEB128 integers,
 * little-endian floats, length-prefixed vectors and names. Everything the
 * module builder writes goes through here.
 */

/** A growable byte buffer with the primitive encoders of the binary format. */
export class ByteWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  get length(): number {
    return this.len;
  }

  byte(b: number): this {
    if (this.len === this.buf.length) this.grow(1);
    this.buf[this.len++] = b & 0xff;
    return this;
  }

  bytes(src: ArrayLike<number>): this {
    this.grow(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
    return this;
  }

  /** Unsigned LEB128 of a non-negative integer below 2^32. */
  u32(n: number): this {
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`u32 out of range: ${n}`);
    do {
      let b = n % 128;
      n = Math.floor(n / 128);
      if (n !== 0) b |= 0x80;
      this.byte(b);
    } while (n !== 0);
    return this;
  }

  /**
   * An unsigned LEB128 always 5 bytes long (the format allows padding):
   * a placeholder patched later with `patchU32`.
   */
  paddedU32(n: number): this {
    for (let k = 0; k < 4; k++) this.byte(((n >>> (7 * k)) & 0x7f) | 0x80);
    return this.byte((n >>> 28) & 0x0f);
  }

  /** Overwrites the 5-byte LEB128 written by `paddedU32` at `at`. */
  patchU32(at: number, n: number): void {
    for (let k = 0; k < 4; k++) this.buf[at + k] = ((n >>> (7 * k)) & 0x7f) | 0x80;
    this.buf[at + 4] = (n >>> 28) & 0x0f;
  }

  /** Signed LEB128 of an integer in [-2^31, 2^32) (i32 constants are taken modulo 2^32). */
  s32(n: number): this {
    if (!Number.isInteger(n) || n < -0x80000000 || n > 0xffffffff) throw new RangeError(`i32 out of range: ${n}`);
    return this.s64(BigInt(n | 0));
  }

  /** Signed LEB128 of a 64-bit integer. */
  s64(n: bigint): this {
    n = BigInt.asIntN(64, n);
    for (;;) {
      const b = Number(n & 0x7fn);
      n >>= 7n;
      const done = (n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0);
      this.byte(done ? b : b | 0x80);
      if (done) return this;
    }
  }

  f32(x: number): this {
    const v = new DataView(new ArrayBuffer(4));
    v.setFloat32(0, x, true);
    return this.bytes(new Uint8Array(v.buffer));
  }

  f64(x: number): this {
    const v = new DataView(new ArrayBuffer(8));
    v.setFloat64(0, x, true);
    return this.bytes(new Uint8Array(v.buffer));
  }

  /** A UTF-8 name with its byte length in front. */
  name(s: string): this {
    const utf8 = new TextEncoder().encode(s);
    return this.u32(utf8.length).bytes(utf8);
  }

  /** Another writer's bytes with their length in front (a section or function body). */
  sized(inner: ByteWriter): this {
    return this.u32(inner.length).bytes(inner.finish());
  }

  /** The bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private grow(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }
}
