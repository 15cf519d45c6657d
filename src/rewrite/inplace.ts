/**
 * In-place elementwise and BLAS work (the destroy handler): an elementwise
 * node (or a Gemm, Gemv or Ger, over its first operand) may write its result
 * into the buffer of an input nothing else needs, saving an allocation and a
 * pass over fresh memory. Three kinds of input qualify:
 *
 * - an intermediate result used by this node alone, not an output of the
 *   function, produced by an op that owns its buffer (no view of another
 *   value), of the output's dtype and broadcast pattern;
 * - a function input declared `In(x, { mutable: true })`, on the same terms
 *   (one reader), or read elsewhere too when this node is a *tail* destroyer
 *   (below);
 * - a shared variable S, only by the node whose output is S's update value,
 *   always as a tail destroyer.
 *
 * A tail destroyer's output is read by nothing but the function's outputs,
 * so the VM's schedule (`schedule` in link/vm.ts) can run it after every
 * other node: after every other reader of the value it overwrites (and of
 * the views of that value), and after every node that could still fail.
 * Tail destroyers are float elementwise or BLAS nodes: before writing
 * anything they can only fail on input shapes, which the VM checks for the
 * whole tail (`Op.checkInputs`) before the first of them runs — so a call that throws
 * leaves shared values untouched (atomic updates without a backup copy).
 * A value overwritten by a tail destroyer is read by no other tail node,
 * and none of its views is an output or read by the destroyer itself.
 *
 * Never a constant, a function input that is not mutable, or a shared
 * variable outside its own update. The rewrite runs last (after the final
 * merge), so no later rewrite can add a reader of a destroyed value.
 */
import { Apply } from '../graph/apply.js';
import type { FunctionGraph } from '../graph/fgraph.js';
import type { Variable } from '../graph/variable.js';
import { isFloat } from '../ndarray/dtype.js';
import { Elemwise } from '../tensor/elemwise.js';
import { FusedElemwise } from '../tensor/fused.js';
import { IncSubtensor } from '../tensor/subtensor.js';
import { AdvancedIncSubtensor } from '../tensor/advancedSubtensor.js';
import { Gemm, Gemv, Ger } from '../tensor/blas.js';
import type { TensorType } from '../tensor/type.js';
import type { GraphPass } from './rewriter.js';

/** What the function layer lets the in-place rewrite overwrite among the graph's inputs. */
export interface DestroyPermissions {
  /** Function inputs declared `mutable`. */
  readonly mutableInputs: ReadonlySet<Variable>;
  /** Shared variable → the index of the graph output holding its new value. */
  readonly updates: ReadonlyMap<Variable, number>;
}

const permissionsOf = new WeakMap<FunctionGraph, DestroyPermissions>();

/** Declares which graph inputs of `fgraph` may be overwritten (called by `function()` before rewriting). */
export function allowDestroying(fgraph: FunctionGraph, permissions: DestroyPermissions): void {
  permissionsOf.set(fgraph, permissions);
}

/** The variable `v` is a view of, following viewMap chains (itself when it owns its buffer). */
export function viewBase(v: Variable): Variable {
  for (;;) {
    const owner = v.owner;
    const viewed = owner?.op.viewMap[v.index];
    if (owner === null || viewed === undefined || viewed.length === 0) return v;
    v = owner.inputs[viewed[0]!]!;
  }
}

/** `v` and every variable that views it, directly or through a chain of views. */
function viewClosure(fgraph: FunctionGraph, v: Variable): Variable[] {
  const out = [v];
  for (let k = 0; k < out.length; k++) {
    for (const c of fgraph.clients(out[k]!)) {
      if (c.node === 'output') continue;
      const node = c.node;
      node.outputs.forEach((o, j) => {
        if (node.op.viewMap[j]?.includes(c.index) && !out.includes(o)) out.push(o);
      });
    }
  }
  return out;
}

const sameLayout = (v: Variable, out: TensorType): boolean => {
  const t = v.type as TensorType;
  return t.dtype === out.dtype && t.broadcastable.join() === out.broadcastable.join();
};

/** Whether `node` is a tail destroyer candidate: its outputs are read only by the function's outputs. */
const onlyOutputs = (fgraph: FunctionGraph, node: Apply): boolean =>
  node.outputs.every((o) => fgraph.clients(o).every((c) => c.node === 'output'));

interface TailState {
  /** Variables (and view bases) read by chosen tail destroyers. */
  readonly reads: Set<Variable>;
  /** Graph inputs chosen tail destroyers overwrite. */
  readonly destroyed: Set<Variable>;
}

/** The index of an input `node` may overwrite (among `candidates`, default all), or null. */
function destroyableInput(fgraph: FunctionGraph, node: Apply, perms: DestroyPermissions | undefined, tail: TailState, candidates?: readonly number[]): number | null {
  const out = node.outputs[0]!.type as TensorType;
  // The shared variable this node updates comes first: overwriting it keeps its storage (and leaves
  // the intermediate's buffer to be reused by its producer on the next call).
  const order = candidates === undefined ? [...node.inputs.keys()] : [...candidates];
  const updates = perms?.updates;
  const isOwnUpdate = (i: number) => {
    const k = updates?.get(node.inputs[i]!);
    return k !== undefined && fgraph.outputs[k] === node.outputs[0];
  };
  order.sort((a, b) => Number(isOwnUpdate(b)) - Number(isOwnUpdate(a)));
  for (const i of order) {
    const v: Variable = node.inputs[i]!;
    if (!sameLayout(v, out)) continue;
    const clients = fgraph.clients(v);
    if (v.owner !== null) {
      if (v.owner.op.viewMap[v.index] !== undefined) continue; // a view: overwriting it would change what it views
      if (clients.length !== 1 || clients[0]!.node !== node) continue; // read elsewhere, or an output of the function
      if (tail.reads.has(v)) continue;
      return i;
    }
    if (v.isConstant() || perms === undefined || !fgraph.inputs.includes(v)) continue;
    const update = perms.updates.get(v);
    const mutable = perms.mutableInputs.has(v);
    if (!mutable && update === undefined) continue; // a caller's array or shared state: not ours
    if (update !== undefined) {
      // A shared variable: only by the node computing its update, which nothing else reads.
      const outClients = fgraph.clients(node.outputs[0]!);
      if (fgraph.outputs[update] !== node.outputs[0] || outClients.length !== 1) continue;
    }
    if (mutable && update === undefined && clients.length === 1 && clients[0]!.node === node && !tail.reads.has(v)) return i;
    if (!onlyOutputs(fgraph, node) || !isFloat(out.dtype) || tail.destroyed.has(v) || tail.reads.has(v)) continue;
    if (node.inputs.filter((u) => u === v).length !== 1) continue;
    // Every view of v is read only by nodes other than this one, and none is returned.
    const views = viewClosure(fgraph, v);
    const ok = views.every((w) => fgraph.clients(w).every((c) => c.node !== 'output' && (w === v || c.node !== node)));
    if (!ok || views.some((w) => tail.reads.has(w))) continue;
    // Nor may this node read what another tail destroyer overwrites.
    if (node.inputs.some((u) => tail.destroyed.has(viewBase(u)))) continue;
    tail.destroyed.add(v);
    for (const u of node.inputs) {
      tail.reads.add(u);
      tail.reads.add(viewBase(u));
    }
    return i;
  }
  return null;
}

export const inplaceElemwise: GraphPass = {
  name: 'inplaceElemwise',
  apply(fgraph: FunctionGraph): number {
    const perms = permissionsOf.get(fgraph);
    const tail: TailState = { reads: new Set(), destroyed: new Set() };
    let changed = 0;
    for (const node of fgraph.toposort()) {
      const op = node.op;
      let inplaceOp: Elemwise | FusedElemwise | Gemm | Gemv | Ger;
      if ((op instanceof Gemm || op instanceof Gemv || op instanceof Ger) && !op.inplace) {
        // The BLAS ops write over their first operand (Z, y or A) only.
        if (destroyableInput(fgraph, node, perms, tail, [0]) !== 0) continue;
        inplaceOp = op instanceof Gemm ? new Gemm(true) : op instanceof Gemv ? new Gemv(true) : new Ger(true);
      } else if (op instanceof Elemwise && op.inplace === null) {
        const i = destroyableInput(fgraph, node, perms, tail);
        if (i === null) continue;
        inplaceOp = new Elemwise(op.scalarOp, i);
      } else if (op instanceof FusedElemwise && op.inplace === null) {
        const i = destroyableInput(fgraph, node, perms, tail);
        if (i === null) continue;
        inplaceOp = new FusedElemwise(op.kernel, i);
      } else continue;
      const replacement = new Apply(inplaceOp, node.inputs, node.outputs.map((o) => o.type), node.trace);
      fgraph.replaceAll(node.outputs.map((o, k) => [o, replacement.outputs[k]!] as const), 'inplaceElemwise');
      changed++;
    }
    return changed;
  },
};

/**
 * IncSubtensor and AdvancedIncSubtensor (set or inc of a region, or of
 * the entries an index array picks) writing into its x when x is an
 * intermediate value only it reads and whose buffer its producer owns (not
 * a view) — gradients of indexing are `incSubtensor(zeros, g)`, and the
 * zeros need not be copied.
 */
export const inplaceIncSubtensor: GraphPass = {
  name: 'inplaceIncSubtensor',
  apply(fgraph: FunctionGraph): number {
    let changed = 0;
    for (const node of fgraph.toposort()) {
      const op = node.op;
      if (!(op instanceof IncSubtensor || op instanceof AdvancedIncSubtensor) || op.inplace) continue;
      const x = node.inputs[0]!;
      if (x.owner === null || x.owner.op.viewMap[x.index] !== undefined || Object.keys(x.owner.op.destroyMap).length > 0) continue;
      const clients = fgraph.clients(x);
      if (clients.length !== 1 || clients[0]!.node !== node || clients[0]!.index !== 0) continue;
      const inplaceOp = op instanceof IncSubtensor ? new IncSubtensor(op.entries, op.set, true) : new AdvancedIncSubtensor(op.entries, op.set, true);
      const replacement = new Apply(inplaceOp, node.inputs, node.outputs.map((o) => o.type), node.trace);
      fgraph.replace(node.outputs[0]!, replacement.outputs[0]!, 'inplaceIncSubtensor');
      changed++;
    }
    return changed;
  },
};
