/**
 * FunctionGraph: the mutable graph between a function's inputs and outputs
 * that compilation works on. It owns a copy of the user's nodes (so rewrites
 * never touch the user's graph), knows every variable's clients, and offers
 * `replace`, the one edit rewrites make.
 */
import type { Apply } from './apply.js';
import type { Variable } from './variable.js';
import { cloneGraph } from './clone.js';
import { toposort as toposortBetween } from './traversal.js';

/** A use of a variable: input `index` of `node`, or output `index` of the graph. */
export type Client = { node: Apply; index: number } | { node: 'output'; index: number };

/** Observers of graph edits (e.g. the in-place checker); every hook is optional. */
export interface GraphFeature {
  onAttach?(fgraph: FunctionGraph): void;
  onImport?(fgraph: FunctionGraph, node: Apply, reason: string): void;
  onPrune?(fgraph: FunctionGraph, node: Apply, reason: string): void;
  onChangeInput?(fgraph: FunctionGraph, client: Client, old: Variable, replacement: Variable, reason: string): void;
}

export class GraphError extends Error {
  override name = 'GraphError';
}

export class FunctionGraph {
  readonly inputs: Variable[];
  readonly outputs: Variable[];
  readonly applyNodes = new Set<Apply>();
  readonly variables = new Set<Variable>();
  private readonly clientMap = new Map<Variable, Client[]>();
  private readonly features: GraphFeature[] = [];

  /**
   * @param clone copy the nodes between inputs and outputs (default), so the
   *   caller's graph stays untouched. Inputs are kept as they are.
   */
  constructor(inputs: readonly Variable[], outputs: readonly Variable[], { clone = true } = {}) {
    const seen = new Set<Variable>();
    for (const i of inputs) {
      if (seen.has(i)) throw new GraphError(`input ${i} is given twice`);
      seen.add(i);
    }
    this.inputs = [...inputs];
    if (clone) {
      const replace = new Map(inputs.map((i) => [i, i] as [Variable, Variable]));
      outputs = cloneGraph(outputs, { replace }).outputs;
    }
    this.outputs = [...outputs];
    for (const i of this.inputs) this.setupVariable(i);
    for (const node of toposortBetween(this.inputs, this.outputs)) this.importNode(node, 'init');
    this.outputs.forEach((o, index) => {
      this.setupVariable(o);
      this.clientMap.get(o)!.push({ node: 'output', index });
    });
  }

  /** The uses of `v` in this graph (empty for variables not in it). */
  clients(v: Variable): readonly Client[] {
    return this.clientMap.get(v) ?? [];
  }

  attachFeature(feature: GraphFeature): void {
    this.features.push(feature);
    feature.onAttach?.(this);
  }

  /** The nodes in an order where every node comes after the nodes it depends on. */
  toposort(): Apply[] {
    return toposortBetween(this.inputs, this.outputs);
  }

  /**
   * Makes every client of `old` use `replacement` instead, importing the
   * nodes `replacement` needs and dropping the ones nothing uses any more.
   * The two must have equal types, or with `refine` the replacement's may be
   * stricter (a static length where `old` has none): a rewrite that knows
   * more than the graph it replaces.
   */
  replace(old: Variable, replacement: Variable, reason = 'replace', { refine = false } = {}): void {
    if (old === replacement) return;
    if (refine ? !old.type.isSuper(replacement.type) : !old.type.equals(replacement.type)) {
      throw new GraphError(`cannot replace ${old} (${old.type}) by ${replacement} (${replacement.type}): types differ [${reason}]`);
    }
    if (!this.variables.has(old)) throw new GraphError(`cannot replace ${old}: it is not in this graph [${reason}]`);
    // The clients to redirect are those `old` has now: when `replacement` is
    // computed from `old` (x → f(x)), the node importing it adds a client of
    // `old` that must keep reading `old`, or the graph would get a cycle.
    const clients = [...this.clients(old)];
    this.importVariable(replacement, reason);
    for (const client of clients) this.changeInput(client, replacement, reason, { refine });
  }

  /** `replace` for several pairs in order. */
  replaceAll(pairs: Iterable<readonly [Variable, Variable]>, reason = 'replace'): void {
    for (const [old, replacement] of pairs) this.replace(old, replacement, reason);
  }

  /** Points one use of a variable at `replacement` (of the same type, or a stricter one with `refine`). */
  changeInput(client: Client, replacement: Variable, reason = 'changeInput', { refine = false } = {}): void {
    let old: Variable;
    if (client.node === 'output') {
      old = this.outputs[client.index]!;
      this.outputs[client.index] = replacement;
    } else {
      old = client.node.inputs[client.index]!;
      if (refine ? !old.type.isSuper(replacement.type) : !old.type.equals(replacement.type)) {
        throw new GraphError(`cannot change input ${client.index} of ${client.node.op} from ${old.type} to ${replacement.type} [${reason}]`);
      }
      client.node.inputs[client.index] = replacement;
    }
    this.importVariable(replacement, reason);
    this.clientMap.get(replacement)!.push(client);
    const remaining = this.clientMap.get(old)!.filter((c) => !(c.node === client.node && c.index === client.index));
    this.clientMap.set(old, remaining);
    for (const f of this.features) f.onChangeInput?.(this, client, old, replacement, reason);
    if (remaining.length === 0) this.pruneVariable(old, reason);
  }

  /** Throws if client lists and node sets disagree with the graph's edges. */
  checkIntegrity(): void {
    const expected = new Set(this.toposort());
    for (const node of expected) if (!this.applyNodes.has(node)) throw new GraphError(`node ${node} is used but not imported`);
    for (const node of this.applyNodes) {
      if (!expected.has(node)) throw new GraphError(`node ${node} is imported but unused`);
      node.inputs.forEach((input, index) => {
        if (!this.clients(input).some((c) => c.node === node && c.index === index)) {
          throw new GraphError(`input ${index} of ${node} lacks its client entry`);
        }
      });
    }
  }

  private setupVariable(v: Variable): void {
    if (!this.clientMap.has(v)) {
      this.clientMap.set(v, []);
      this.variables.add(v);
    }
  }

  private importVariable(v: Variable, reason: string): void {
    if (this.variables.has(v)) return;
    for (const node of toposortBetween(this.variables, [v])) this.importNode(node, reason);
    this.setupVariable(v);
  }

  private importNode(node: Apply, reason: string): void {
    if (this.applyNodes.has(node)) return;
    this.applyNodes.add(node);
    node.inputs.forEach((input, index) => {
      this.setupVariable(input);
      this.clientMap.get(input)!.push({ node, index });
    });
    for (const o of node.outputs) this.setupVariable(o);
    for (const f of this.features) f.onImport?.(this, node, reason);
  }

  /**
   * Drops the node owning `v` once none of its outputs has a client, and so
   * on upwards; roots left without clients (other than the graph's inputs)
   * leave the graph too. Iterative: pruning a long chain must not overflow
   * the call stack.
   */
  private pruneVariable(v: Variable, reason: string): void {
    const stack = [v];
    while (stack.length > 0) {
      const u = stack.pop()!;
      if (this.inputs.includes(u) || this.clients(u).length > 0) continue;
      const node = u.owner;
      if (node === null) {
        this.variables.delete(u);
        this.clientMap.delete(u);
        continue;
      }
      if (!this.applyNodes.has(node)) continue;
      if (node.outputs.some((o) => this.clients(o).length > 0)) continue;
      this.applyNodes.delete(node);
      for (const o of node.outputs) {
        this.variables.delete(o);
        this.clientMap.delete(o);
      }
      for (const f of this.features) f.onPrune?.(this, node, reason);
      for (let index = node.inputs.length - 1; index >= 0; index--) {
        const input = node.inputs[index]!;
        const remaining = this.clients(input).filter((c) => !(c.node === node && c.index === index));
        if (this.clientMap.has(input)) this.clientMap.set(input, remaining);
        if (remaining.length === 0) stack.push(input);
      }
    }
  }
}
