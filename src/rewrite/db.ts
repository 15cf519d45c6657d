/**
 * The rewrite database: every rewrite registered under a phase and tags, and
 * the query a Mode makes of it. Phases run in order — merge, canonicalize,
 * stabilize, specialize, fusion, a final merge, and inplace last (merging
 * two equal nodes after each got a destroying consumer would make both
 * consumers overwrite one buffer) — each running its node rewriters to a
 * fixed point. A mode's optimizer picks entries by
 * tag ('fast_run' takes every rewrite, 'fast_compile' the cheap ones);
 * `including` and `excluding` add or drop entries by name or tag.
 */
import type { FunctionGraph } from '../graph/fgraph.js';
import { CompileError } from '../errors.js';
import { equilibrium } from './equilibrium.js';
import type { GraphPass, NodeRewriter } from './rewriter.js';

export const PHASES = ['merge', 'canonicalize', 'stabilize', 'specialize', 'fusion', 'finalMerge', 'inplace'] as const;
export type Phase = (typeof PHASES)[number];

interface Entry {
  readonly name: string;
  readonly phase: Phase;
  readonly tags: ReadonlySet<string>;
  readonly rewriter?: NodeRewriter;
  readonly pass?: GraphPass;
}

export interface RewriteQuery {
  /** 'fast_run' (everything), 'fast_compile' (cheap rewrites), or null (nothing). */
  optimizer: 'fast_run' | 'fast_compile' | null;
  /** Names or tags of extra rewrites to run. */
  including?: readonly string[];
  /** Names or tags of rewrites to leave out. */
  excluding?: readonly string[];
}

/** What one pass did to a graph, for inspection and profiles. */
export interface PassReport {
  phase: Phase;
  pass: string;
  changes: number;
}

export class RewriteDB {
  private readonly entries: Entry[] = [];

  /** Registers a node rewriter; it runs to a fixed point with the others of its phase. */
  registerNode(rewriter: NodeRewriter, phase: Phase, tags: readonly string[] = ['fast_run']): void {
    this.add({ name: rewriter.name, phase, tags: new Set([rewriter.name, phase, ...tags]), rewriter });
  }

  /** Registers a whole-graph pass; it runs once, after the node rewriters of its phase. */
  registerPass(pass: GraphPass, phase: Phase, tags: readonly string[] = ['fast_run']): void {
    this.add({ name: pass.name, phase, tags: new Set([pass.name, phase, ...tags]), pass });
  }

  /** Every registered name, for error messages and documentation. */
  names(): string[] {
    return this.entries.map((e) => e.name);
  }

  /** The entries a query selects, in phase order. */
  select(query: RewriteQuery): Entry[] {
    const { optimizer, including = [], excluding = [] } = query;
    for (const t of [...including, ...excluding]) {
      if (!this.entries.some((e) => e.tags.has(t))) {
        throw new CompileError(`no rewrite or tag is called ${JSON.stringify(t)}; known rewrites: ${this.names().join(', ')}`);
      }
    }
    return this.entries.filter((e) => {
      const base = optimizer !== null && e.tags.has(optimizer);
      const wanted = base || including.some((t) => e.tags.has(t));
      return wanted && !excluding.some((t) => e.tags.has(t));
    });
  }

  /** Rewrites `fgraph` in place as `query` says; returns what each pass did. */
  optimize(fgraph: FunctionGraph, query: RewriteQuery): PassReport[] {
    const chosen = this.select(query);
    const reports: PassReport[] = [];
    for (const phase of PHASES) {
      const inPhase = chosen.filter((e) => e.phase === phase);
      const rewriters = inPhase.flatMap((e) => (e.rewriter ? [e.rewriter] : []));
      if (rewriters.length > 0) {
        const pass = equilibrium(phase, rewriters);
        reports.push({ phase, pass: pass.name, changes: pass.apply(fgraph) });
      }
      for (const e of inPhase) if (e.pass) reports.push({ phase, pass: e.pass.name, changes: e.pass.apply(fgraph) });
    }
    return reports;
  }

  private add(entry: Entry): void {
    if (this.entries.some((e) => e.name === entry.name)) throw new Error(`a rewrite named ${entry.name} is already registered`);
    this.entries.push(entry);
  }
}

/** The database `function()` uses. */
export const rewriteDB = new RewriteDB();
