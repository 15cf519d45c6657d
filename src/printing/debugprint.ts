/**
 * debugprint (Theano's `theano.printing.debugprint`): a graph as an indented
 * tree, one line per variable, in PyTensor's layout. A node gets an id
 * (`[id A]`, `[id B]`, ...) where it first appears; met again, it prints as
 * its op and id over a `···` line instead of being expanded twice. For a
 * compiled function it prints every output of the optimized graph and says
 * which shared variable each update output replaces. The bodies of ops with
 * inner graphs (scan) follow under "Inner graphs:", as in PyTensor.
 */
import { Apply } from '../graph/apply.js';
import { FunctionGraph } from '../graph/fgraph.js';
import { Variable } from '../graph/variable.js';
import { toposort } from '../graph/traversal.js';
import type { CompiledFunction } from '../compile/function.js';
import { rootText, safeString } from './labels.js';

/** What debugprint takes: variables, nodes (all their outputs), function graphs, compiled functions. */
export type DebugPrintable = Variable | Apply | FunctionGraph | CompiledFunction<unknown>;

export interface DebugPrintOptions {
  /** Append each variable's type: `<TensorType(float64, (?, ?))>` (Theano's `print_type`). */
  printType?: boolean;
  /** How many levels to print; 1 prints only the outputs. Unlimited when absent or negative. */
  depth?: number;
  /** 'id': `[id A]` (default); 'int': `[id 0]`; 'none': no ids (Theano's `id_type`). */
  idsStyle?: 'id' | 'int' | 'none';
  /** Do not expand variables that have a name (Theano's `stop_on_name`). */
  stopOnName?: boolean;
  /** Append each node's position in the toposort; default true for functions and function graphs. */
  printTopoIndex?: boolean;
  /** Append the op's destroy map (` d={0: [0]}`) to in-place nodes. */
  printDestroyMap?: boolean;
  /** Append the op's view map (` v={0: [0]}`) to view nodes. */
  printViewMap?: boolean;
}

/** One tree to print: an output, and the toposort of the graph it belongs to (for positions). */
interface Root {
  variable: Variable;
  topo: ReadonlyMap<Apply, number> | null;
}

/** "Updates:" lines of compiled functions: the shared variable and the output holding its new value. */
interface UpdateLine {
  target: Variable;
  value: Variable;
}

/** A line still to print, with the indentation of its own line and of its children's lines. */
interface Frame {
  variable: Variable;
  prefix: string;
  childPrefix: string;
  level: number;
  topo: ReadonlyMap<Apply, number> | null;
}

/** The inner graph of an op that runs one (scan's body), or null. */
function innerGraph(node: Apply): FunctionGraph | null {
  const inner = (node.op as { inner?: unknown }).inner;
  return inner instanceof FunctionGraph ? inner : null;
}

/** Theano's `char_from_number`: A..Z, then BA, BB, ... (base 26 with A as the zero digit). */
export function idLetters(n: number): string {
  let s = '';
  do {
    s = String.fromCharCode(65 + (n % 26)) + s;
    n = Math.floor(n / 26);
  } while (n > 0);
  return s;
}

/** True for what `th.function` returns: a callable with a `maker` holding the optimized graph. */
function isCompiledFunction(x: unknown): x is CompiledFunction<unknown> {
  if (typeof x !== 'function') return false;
  const maker = (x as { maker?: { fgraph?: unknown } }).maker;
  return maker !== undefined && maker.fgraph instanceof FunctionGraph;
}

function positions(fgraph: FunctionGraph): Map<Apply, number> {
  return new Map(fgraph.toposort().map((node, i) => [node, i]));
}

/** The trees (and update lines) that `what` asks for, in order. */
function collect(what: DebugPrintable | readonly DebugPrintable[], withTopo: boolean | undefined): { roots: Root[]; updates: UpdateLine[] } {
  const roots: Root[] = [];
  const updates: UpdateLine[] = [];
  const items = Array.isArray(what) ? (what as readonly DebugPrintable[]) : [what as DebugPrintable];
  for (const item of items) {
    if (item instanceof Variable) {
      roots.push({ variable: item, topo: null });
    } else if (item instanceof Apply) {
      for (const o of item.outputs) roots.push({ variable: o, topo: null });
    } else if (item instanceof FunctionGraph) {
      const topo = withTopo === false ? null : positions(item);
      for (const o of item.outputs) roots.push({ variable: o, topo });
    } else if (isCompiledFunction(item)) {
      const { fgraph, outputs, updated } = item.maker;
      const topo = withTopo === false ? null : positions(fgraph);
      for (const o of fgraph.outputs) roots.push({ variable: o, topo });
      // The update outputs follow the function's own outputs, in the order of `updated`.
      updated.forEach((target, k) => {
        const value = fgraph.outputs[outputs.length + k];
        if (value !== undefined) updates.push({ target, value });
      });
    } else {
      throw new TypeError(`debugprint cannot print ${item === null ? 'null' : typeof item}; give variables, Apply nodes, FunctionGraphs or compiled functions`);
    }
  }
  if (withTopo === true) {
    // Asked for positions on plain variables: number the nodes of the graph they form together.
    const order = new Map(toposort([], roots.map((r) => r.variable)).map((node, i) => [node, i]));
    for (const r of roots) r.topo ??= order;
  }
  return { roots, updates };
}

/** Formats `[id A]`-style ids, giving each node (or root variable) one the first time it is seen. */
class IdTable {
  private readonly ids = new Map<Apply | Variable, string>();

  constructor(private readonly style: 'id' | 'int' | 'none') {}

  /** The id of a variable's node (or of the variable itself when it is a root), with a leading space. */
  of(v: Variable): string {
    if (this.style === 'none') return '';
    const key = v.owner ?? v;
    let id = this.ids.get(key);
    if (id === undefined) {
      const n = this.ids.size;
      id = `[id ${this.style === 'int' ? n : idLetters(n)}]`;
      this.ids.set(key, id);
    }
    return ` ${id}`;
  }
}

const mapText = (m: Readonly<Record<number, readonly number[]>>): string =>
  `{${Object.entries(m)
    .map(([k, v]) => `${k}: [${v.join(', ')}]`)
    .join(', ')}}`;

/** The text of a variable's own line, without the tree prefix. */
function lineOf(v: Variable, ids: IdTable, options: DebugPrintOptions, topo: ReadonlyMap<Apply, number> | null): string {
  const type = options.printType ? ` <${safeString(v.type)}>` : '';
  const name = v.name !== null ? ` '${v.name}'` : '';
  const node = v.owner;
  if (node === null) {
    // A constant prints its value; its name (if any) follows, as for computed variables.
    return `${rootText(v)}${ids.of(v)}${type}${v.isConstant() ? name : ''}`;
  }
  const output = node.outputs.length === 1 ? '' : `.${v.index}`;
  const destroy = options.printDestroyMap && Object.keys(node.op.destroyMap).length > 0 ? ` d=${mapText(node.op.destroyMap)}` : '';
  const view = options.printViewMap && Object.keys(node.op.viewMap).length > 0 ? ` v=${mapText(node.op.viewMap)}` : '';
  const position = topo?.get(node);
  return `${safeString(node.op)}${output}${ids.of(v)}${type}${name}${destroy}${view}${position === undefined ? '' : ` ${position}`}`;
}

/**
 * The graph(s) as text, one line per variable (no trailing newline):
 * ```
 * Elemwise{add} [id A] 'z'
 *  ├─ Elemwise{mul} [id B]
 *  │  ├─ w [id C]
 *  │  └─ x [id D]
 *  └─ b [id E]
 * ```
 */
export function debugprint(what: DebugPrintable | readonly DebugPrintable[], options: DebugPrintOptions = {}): string {
  const { roots, updates } = collect(what, options.printTopoIndex);
  const depth = options.depth === undefined || options.depth < 0 ? Infinity : options.depth;
  const ids = new IdTable(options.idsStyle ?? 'id');
  const expanded = new Set<Apply>();
  const lines: string[] = [];
  // Ops with inner graphs (scan), in the order met; their bodies print after the outer trees.
  const withInner: Apply[] = [];
  const tree = (root: Variable, prefix: string, childPrefix: string, topo: ReadonlyMap<Apply, number> | null): void => {
    // Depth-first with an explicit stack (deep graphs must not overflow the call stack);
    // children are pushed last-first so they pop in order.
    const stack: Frame[] = [{ variable: root, prefix, childPrefix, level: 1, topo }];
    while (stack.length > 0) {
      const frame = stack.pop()!;
      const { variable, level } = frame;
      lines.push(frame.prefix + lineOf(variable, ids, options, frame.topo));
      const node = variable.owner;
      if (node === null || node.inputs.length === 0 || level >= depth) continue;
      if (expanded.has(node) || (options.stopOnName && variable.name !== null)) {
        lines.push(`${frame.childPrefix} └─ ···`);
        continue;
      }
      expanded.add(node);
      if (innerGraph(node) !== null) withInner.push(node);
      for (let i = node.inputs.length - 1; i >= 0; i--) {
        const last = i === node.inputs.length - 1;
        stack.push({
          variable: node.inputs[i]!,
          prefix: frame.childPrefix + (last ? ' └─ ' : ' ├─ '),
          childPrefix: frame.childPrefix + (last ? '   ' : ' │ '),
          level: level + 1,
          topo: frame.topo,
        });
      }
    }
  };
  for (const root of roots) {
    if (depth < 1) break;
    tree(root.variable, '', '', root.topo);
  }
  if (withInner.length > 0) {
    lines.push('', 'Inner graphs:');
    for (let k = 0; k < withInner.length; k++) {
      const node = withInner[k]!;
      lines.push('', `${safeString(node.op)}${ids.of(node.outputs[0]!)}`);
      for (const out of innerGraph(node)!.outputs) tree(out, ' ← ', '   ', null);
    }
  }
  if (updates.length > 0) {
    const label = (v: Variable): string =>
      v.owner === null ? `${rootText(v)}${ids.of(v)}` : `${safeString(v.owner.op)}${v.owner.outputs.length === 1 ? '' : `.${v.index}`}${ids.of(v)}`;
    lines.push('', 'Updates:');
    for (const { target, value } of updates) lines.push(` ${label(target)} ← ${label(value)}`);
  }
  return lines.join('\n');
}

/** `debugprint`, also written to the console (Theano's default of printing to stdout); returns the text. */
export function printDebug(what: DebugPrintable | readonly DebugPrintable[], options: DebugPrintOptions = {}): string {
  const text = debugprint(what, options);
  console.log(text);
  return text;
}
