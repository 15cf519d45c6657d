/**
 * Mode: how a function is compiled — which graph rewrites run (`optimizer`)
 * and what executes the result (`linker`). Theano's `theano.Mode`.
 *
 * `debug: true` (or the mode name 'DebugMode') is Theano's DebugMode: the
 * function runs its rewritten graph node by node and checks, on every call,
 * each node's result (generated kernel or `perform`) against a second run
 * of the op's reference `perform`, that no node changed an input it does not
 * declare it destroys, and the outputs and updates against the reference VM
 * running the graph before rewriting; the first discrepancy raises a
 * `DebugModeError` naming the op, the node, the worst element and where the
 * node was built (see src/compile/debugMode.ts). Slow by design.
 */
import { CompileError } from '../errors.js';
import { DEFAULT_LINKER, LINKERS, type LinkerName } from '../link/linkers.js';

/**
 * 'wasm': WebAssembly SIMD kernels over arrays in the shared memory, split
 * over threads, with generated JS loops for the rest (the default where
 * WebAssembly SIMD and shared memory exist); 'js': generated JavaScript
 * loops for elementwise work; 'vm': the reference interpreter, running each
 * node's `perform` in order.
 */
export type { LinkerName };

/**
 * 'fast_run': every rewrite (the default); 'fast_compile': only the cheap
 * ones; null: none (the graph runs as written).
 */
export type OptimizerName = 'fast_run' | 'fast_compile' | null;

export interface ModeOptions {
  linker?: LinkerName;
  optimizer?: OptimizerName | 'None';
  /** Names or tags of rewrites to run in addition to the optimizer's (e.g. 'stabilize'). */
  including?: readonly string[];
  /** Names or tags of rewrites to leave out (e.g. 'constantFolding', 'specialize'). */
  excluding?: readonly string[];
  /** DebugMode: check every node, input and output on every call (slow; see DebugModeError). */
  debug?: boolean;
}

export { DEFAULT_LINKER };
const OPTIMIZERS: readonly (string | null)[] = ['fast_run', 'fast_compile', null];

export class Mode {
  readonly linker: LinkerName;
  readonly optimizer: OptimizerName;
  readonly including: readonly string[];
  readonly excluding: readonly string[];
  readonly debug: boolean;

  constructor({ linker = DEFAULT_LINKER, optimizer = 'fast_run', including = [], excluding = [], debug = false }: ModeOptions = {}) {
    if (!LINKERS.includes(linker as LinkerName)) {
      throw new CompileError(`unknown linker ${JSON.stringify(linker)}; available: ${LINKERS.map((l) => `'${l}'`).join(', ')}`);
    }
    const opt = optimizer === 'None' ? null : optimizer;
    if (!OPTIMIZERS.includes(opt)) {
      throw new CompileError(`unknown optimizer ${JSON.stringify(optimizer)}; expected 'fast_run', 'fast_compile' or null`);
    }
    this.linker = linker;
    this.optimizer = opt;
    this.including = Object.freeze([...including]);
    this.excluding = Object.freeze([...excluding]);
    if (typeof debug !== 'boolean') throw new CompileError(`debug must be true or false, got ${JSON.stringify(debug)}`);
    this.debug = debug;
  }

  /** This mode with more rewrites (Theano's `mode.including(...)`). */
  withIncluding(...tags: string[]): Mode {
    return new Mode({ ...this.options(), including: [...this.including, ...tags] });
  }

  /** This mode without some rewrites (Theano's `mode.excluding(...)`). */
  withExcluding(...tags: string[]): Mode {
    return new Mode({ ...this.options(), excluding: [...this.excluding, ...tags] });
  }

  private options(): ModeOptions {
    return { linker: this.linker, optimizer: this.optimizer, including: this.including, excluding: this.excluding, debug: this.debug };
  }

  toString(): string {
    const extra = [
      this.including.length > 0 ? `, including=[${this.including.join(', ')}]` : '',
      this.excluding.length > 0 ? `, excluding=[${this.excluding.join(', ')}]` : '',
      this.debug ? ', debug=true' : '',
    ].join('');
    return `Mode(linker=${this.linker}, optimizer=${this.optimizer}${extra})`;
  }
}

/** Theano's predefined mode names. */
const NAMED: Record<string, ModeOptions> = {
  FAST_RUN: { optimizer: 'fast_run' },
  FAST_COMPILE: { optimizer: 'fast_compile' },
  DebugMode: { optimizer: 'fast_run', debug: true },
};

/** A Mode from a Mode, one of Theano's names ('FAST_RUN', 'FAST_COMPILE', 'DebugMode'), or undefined (the default). */
export function resolveMode(mode: Mode | string | undefined): Mode {
  if (mode === undefined) return new Mode();
  if (mode instanceof Mode) return mode;
  const named = NAMED[mode];
  if (named === undefined) throw new CompileError(`unknown mode ${JSON.stringify(mode)}; use a Mode or one of ${Object.keys(NAMED).join(', ')}`);
  return new Mode(named);
}
