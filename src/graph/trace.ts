/**
 * Creation traces: where in user code a node was built. Errors about a node
 * quote this, so a failure deep in a compiled function points back to the
 * line that created the offending expression.
 */
import { config } from '../config.js';

/** The folder holding theano-ts's own modules (src/ or dist/); its frames are left out of traces. */
const LIBRARY_URL = new URL('../', import.meta.url).href;
// Stacks name ES modules by URL or by file path, depending on the runtime and tools.
const LIBRARY_PATH = decodeURIComponent(new URL(LIBRARY_URL).pathname);
// Built-ins called by library code (`at Array.map (<anonymous>)`) are not user code either.
const isLibraryFrame = (line: string): boolean =>
  line.includes(LIBRARY_URL) ||
  line.includes(LIBRARY_PATH) ||
  line.includes('node:internal') || line.includes('/node_modules/') ||
  line.includes('(native)') ||
  line.endsWith('(<anonymous>)');

/**
 * How many frames to capture. Library frames come first and a node can be
 * built a dozen calls deep (x.mean(0) → trueDiv → Elemwise → dimshuffle →
 * Apply), so V8's default of 10 would often cut the user's frame off.
 */
const CAPTURE_FRAMES = 32;

export class CreationTrace {
  private readonly error: Error;
  private cached: string[] | undefined;

  constructor() {
    // Capturing is cheap in V8; the stack string is only formatted when read.
    const saved = Error.stackTraceLimit;
    if (typeof saved === 'number' && saved < CAPTURE_FRAMES) Error.stackTraceLimit = CAPTURE_FRAMES;
    try {
      this.error = new Error();
    } finally {
      if (typeof saved === 'number') Error.stackTraceLimit = saved;
    }
  }

  /** The first `limit` user frames (default `config.tracebackLimit`), innermost first, as "at fn (file:line:col)". */
  frames(limit = config.tracebackLimit): string[] {
    if (this.cached === undefined) {
      const lines = (this.error.stack ?? '').split('\n').slice(1);
      this.cached = lines.map((l) => l.trim()).filter((l) => l.startsWith('at ') && !isLibraryFrame(l));
    }
    return this.cached.slice(0, limit);
  }

  /** The frames without their "at " prefix, so messages can say "built at <frame>". */
  toString(): string {
    const frames = this.frames().map((f) => f.replace(/^at /, ''));
    return frames.length === 0 ? '(no user frame recorded)' : frames.join('\n    called from ');
  }
}
