/**
 * Mode: how a function is compiled — which graph rewrites run (`optimizer`)
 * and what executes the result (`linker`). Theano's `theano.Mode`.
 */
import { CompileError } from '../errors.js';
import { canGenerateCode } from '../link/js/renderKernel.js';

/**
 * 'js': generated JavaScript loops for elementwise work (the default where
 * the runtime allows `new Function`); 'vm': the reference interpreter,
 * running each node's `perform` in order.
 */
export type LinkerName = 'js' | 'vm';

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
}

const LINKERS: readonly string[] = ['js', 'vm'];

/** The default linker: generated code where the runtime permits it. */
export const DEFAULT_LINKER: LinkerName = canGenerateCode ? 'js' : 'vm';
const OPTIMIZERS: readonly (string | null)[] = ['fast_run', 'fast_compile', null];

export class Mode {
  readonly linker: LinkerName;
  readonly optimizer: OptimizerName;
  readonly including: readonly string[];
  readonly excluding: readonly string[];

  constructor({ linker = DEFAULT_LINKER, optimizer = 'fast_run', including = [], excluding = [] }: ModeOptions = {}) {
    if (!LINKERS.includes(linker)) {
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
    return { linker: this.linker, optimizer: this.optimizer, including: this.including, excluding: this.excluding };
  }

  toString(): string {
    const extra = [
      this.including.length > 0 ? `, including=[${this.including.join(', ')}]` : '',
      this.excluding.length > 0 ? `, excluding=[${this.excluding.join(', ')}]` : '',
    ].join('');
    return `Mode(linker=${this.linker}, optimizer=${this.optimizer}${extra})`;
  }
}

/** Theano's predefined mode names. */
const NAMED: Record<string, ModeOptions> = {
  FAST_RUN: { optimizer: 'fast_run' },
  FAST_COMPILE: { optimizer: 'fast_compile' },
};

/** A Mode from a Mode, one of Theano's names ('FAST_RUN', 'FAST_COMPILE'), or undefined (the default). */
export function resolveMode(mode: Mode | string | undefined): Mode {
  if (mode === undefined) return new Mode();
  if (mode instanceof Mode) return mode;
  const named = NAMED[mode];
  if (named === undefined) throw new CompileError(`unknown mode ${JSON.stringify(mode)}; use a Mode or one of ${Object.keys(NAMED).join(', ')}`);
  return new Mode(named);
}
