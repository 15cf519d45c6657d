/**
 * Profiling of compiled functions (`profile: true`): calls and time per
 * function, per op and per node, printed as a table by `summary()`.
 */
import type { Apply } from '../graph/apply.js';

interface Row {
  calls: number;
  seconds: number;
}

export class ProfileStats {
  readonly name: string;
  compileSeconds = 0;
  calls = 0;
  /** Wall time inside calls, including argument checks and updates. */
  callSeconds = 0;
  private readonly nodes = new Map<Apply, Row>();

  constructor(name: string) {
    this.name = name;
  }

  /** Records one run of `node` taking `seconds`. */
  recordNode(node: Apply, seconds: number): void {
    let row = this.nodes.get(node);
    if (row === undefined) {
      row = { calls: 0, seconds: 0 };
      this.nodes.set(node, row);
    }
    row.calls++;
    row.seconds += seconds;
  }

  /** Time per op (equal ops added together), slowest first. */
  opTable(): { op: string; calls: number; seconds: number; share: number }[] {
    const byOp = new Map<string, Row>();
    for (const [node, row] of this.nodes) {
      const k = String(node.op);
      const acc = byOp.get(k) ?? { calls: 0, seconds: 0 };
      acc.calls += row.calls;
      acc.seconds += row.seconds;
      byOp.set(k, acc);
    }
    return this.sorted([...byOp].map(([op, row]) => ({ op, ...row })));
  }

  /** Time per node, slowest first. */
  nodeTable(): { node: string; calls: number; seconds: number; share: number }[] {
    return this.sorted([...this.nodes].map(([node, row]) => ({ node: String(node), ...row })));
  }

  /** A printable report: totals, then the op and node tables. */
  summary(limit = 20): string {
    const fmt = (s: number) => `${(s * 1e3).toFixed(3)} ms`;
    const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
    const lines = [
      `Function profile: ${this.name}`,
      `  compile time: ${fmt(this.compileSeconds)}`,
      `  calls: ${this.calls}, time in calls: ${fmt(this.callSeconds)}` +
        (this.calls > 0 ? ` (${((this.callSeconds / this.calls) * 1e6).toFixed(1)} us per call)` : ''),
      '',
      'Ops (time share, total, calls, op):',
      ...this.opTable()
        .slice(0, limit)
        .map((r) => `  ${pct(r.share)}  ${fmt(r.seconds).padStart(12)}  ${String(r.calls).padStart(8)}  ${r.op}`),
      '',
      'Nodes (time share, total, calls, node):',
      ...this.nodeTable()
        .slice(0, limit)
        .map((r) => `  ${pct(r.share)}  ${fmt(r.seconds).padStart(12)}  ${String(r.calls).padStart(8)}  ${r.node}`),
    ];
    return lines.join('\n');
  }

  toString(): string {
    return this.summary();
  }

  private sorted<R extends Row>(rows: R[]): (R & { share: number })[] {
    const total = rows.reduce((s, r) => s + r.seconds, 0);
    return rows.map((r) => ({ ...r, share: total > 0 ? r.seconds / total : 0 })).sort((a, b) => b.seconds - a.seconds);
  }
}
