/**
 * `th.scan` (Theano's `scan`): loops written as a step function over
 * symbolic variables. `fn` is called once, on placeholder variables standing
 * for one step's slices of the sequences, the previous values of the
 * recurrent outputs and the non-sequences; what it returns becomes the body
 * of a Scan node (scanOp.ts), compiled once with the function that uses it.
 *
 * Arguments of `fn`, in order: each sequence's taps (in the order given),
 * each recurrent output's taps, then the non-sequences. It returns the
 * outputs (one variable or a list), or `{ outputs, updates, until }`, or a
 * list whose last element is `th.until(cond)`. Outputs are matched with
 * `outputsInfo`: null means "not fed back" (computed at every step), a value
 * is the initial value of an output fed back at the next step (tap -1), and
 * `{ initial, taps: [-2, -1] }` feeds back several earlier steps (`initial`
 * then holds the first 2 values along a leading axis, oldest first).
 *
 * Returns `[outputs, updates]`: each output stacked over the steps (one
 * variable when there is one output, unless `returnList`), and the updates
 * of shared variables the body updated, to pass to `th.function`.
 */
import type { Apply } from '../graph/apply.js';
import { FunctionGraph } from '../graph/fgraph.js';
import { cloneGraph } from '../graph/clone.js';
import { graphInputs } from '../graph/traversal.js';
import { Variable } from '../graph/variable.js';
import { DTypeError, ShapeError } from '../errors.js';
import { NDArray } from '../ndarray/ndarray.js';
import { asTensorVariable, type TensorLike } from '../tensor/asTensor.js';
import { cast, maximum, minimum, sub } from '../tensor/math.js';
import { shapeI } from '../tensor/shape.js';
import { TensorType } from '../tensor/type.js';
import { TensorVariable } from '../tensor/variable.js';
import { Scan, seqSpan, type ScanSpec } from './scanOp.js';

/** A stop condition returned by a step function: the loop ends after the step where it is true (do-while). */
export class Until {
  constructor(readonly condition: TensorVariable) {}
}

/** `th.until(cond)`: return it from `fn` (last in the list, or as `until`) to stop the loop early. */
export function until(condition: TensorLike): Until {
  const c = asTensorVariable(condition);
  if (c.ndim !== 0) throw new ShapeError(`until: the condition must be a scalar (0-d), got ${c} of type ${c.type}; reduce it first (e.g. T.all(...))`);
  return new Until(c);
}

/** A sequence with taps: `{ input: xs, taps: [-1, 0] }` gives fn xs[t-1] and xs[t]. */
export interface SequenceInfo {
  input: TensorLike;
  taps?: readonly number[];
}

/** A recurrent output with several taps: `{ initial, taps: [-2, -1] }`. */
export interface OutputInfo {
  initial?: TensorLike | null;
  taps?: readonly number[];
}

export type UpdatePairsLike = ReadonlyMap<Variable, TensorLike> | Iterable<readonly [Variable, TensorLike]>;

/** What `fn` may return. */
export type StepResult =
  | TensorVariable
  | Until
  | readonly (TensorVariable | Until)[]
  | { outputs?: TensorVariable | readonly TensorVariable[]; updates?: UpdatePairsLike; until?: TensorLike | Until };

export interface ScanOptions {
  fn: (...args: TensorVariable[]) => StepResult;
  sequences?: TensorLike | SequenceInfo | readonly (TensorLike | SequenceInfo)[];
  outputsInfo?: TensorLike | OutputInfo | null | readonly (TensorLike | OutputInfo | null | undefined)[];
  nonSequences?: TensorLike | readonly TensorLike[];
  /** The number of steps; required without sequences. With sequences, they must be long enough. */
  nSteps?: TensorLike;
  /** Back-propagate through the last this-many steps only (-1: all). */
  truncateGradient?: number;
  /** Walk the sequences from their end. */
  goBackwards?: boolean;
  /** How the body is compiled: a th.Mode or a mode name (default: the mode of the function using the scan). */
  mode?: unknown;
  name?: string;
  /** Profile the body: its ProfileStats is `th.scanProfile(output)` once a function using the scan is compiled. */
  profile?: boolean;
  /** Drop the body's buffers after each loop (true) or keep them for the next call (false, the default: faster). Buffers are always reused from step to step. */
  allowGc?: boolean;
  /** Every variable fn uses must come from its arguments (no outside variables, shared ones included). */
  strict?: boolean;
  /** Return a list of outputs even when there is one. */
  returnList?: boolean;
}

/** What scan returns: the outputs (a list when there are several or `returnList`) and the updates. */
export type ScanResult = [TensorVariable | TensorVariable[], Map<Variable, TensorVariable>];

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Variable) && !(v instanceof NDArray) && !ArrayBuffer.isView(v);

/** A JS array of values (not one array literal): it holds a variable, an NDArray or a spec object. */
function isList(v: unknown): v is readonly unknown[] {
  return Array.isArray(v) && v.some((e) => e instanceof Variable || e instanceof NDArray || isPlainObject(e) || e === null || e === undefined);
}

function listOf<T>(v: T | readonly T[] | undefined | null, emptyIfNull = true): T[] {
  if (v === undefined || (v === null && emptyIfNull)) return [];
  return isList(v) ? [...(v as readonly T[])] : [v as T];
}

/** The type of one entry along the first axis. */
const entryType = (t: TensorType) => new TensorType(t.dtype, t.shape.slice(1));

const describe = (v: Variable) => (v.name !== null ? `'${v.name}'` : `${v}`);

function checkTaps(what: string, taps: readonly number[], negative: boolean): void {
  if (taps.length === 0) throw new TypeError(`scan: ${what} has no taps`);
  for (const t of taps) {
    if (!Number.isInteger(t)) throw new TypeError(`scan: ${what} has a tap ${t}; taps are integers`);
    if (negative && t >= 0) throw new TypeError(`scan: ${what} has tap ${t}; an output can only read earlier steps (negative taps, -1 for the previous one)`);
  }
  if (new Set(taps).size !== taps.length) throw new TypeError(`scan: ${what} repeats a tap in [${taps.join(', ')}]`);
}

export function scan(options: ScanOptions): ScanResult {
  const { fn } = options;
  const name = options.name ?? null;
  const where = name !== null ? `scan '${name}'` : 'scan';
  if (typeof fn !== 'function') throw new TypeError(`${where}: fn must be a function, got ${typeof fn}`);
  const truncate = options.truncateGradient ?? -1;
  if (!Number.isInteger(truncate) || (truncate < 1 && truncate !== -1)) throw new TypeError(`${where}: truncateGradient must be -1 or a positive integer, got ${truncate}`);

  // ---- sequences ----
  const seqs = listOf(options.sequences).map((s, i) => {
    const info = isPlainObject(s) ? (s as unknown as SequenceInfo) : { input: s as TensorLike };
    if (isPlainObject(s) && !('input' in s)) throw new TypeError(`${where}: sequence ${i} is an object without 'input'`);
    const input = asTensorVariable(info.input);
    if (input.ndim === 0) throw new ShapeError(`${where}: sequence ${i} (${describe(input)}) is 0-d; a sequence is looped over along its first axis`);
    const taps = [...(info.taps ?? [0])];
    checkTaps(`sequence ${i}`, taps, false);
    return { input, taps };
  });

  // ---- outputs info ----
  const infos = listOf(options.outputsInfo as unknown, true).map((o, j) => {
    if (o === null || o === undefined) return null;
    const info = isPlainObject(o) ? (o as OutputInfo) : { initial: o as TensorLike };
    if (info.initial === null || info.initial === undefined) {
      if (info.taps !== undefined && info.taps.length > 0) throw new TypeError(`${where}: outputsInfo[${j}] has taps but no initial value`);
      return null;
    }
    const taps = [...(info.taps ?? [-1])];
    checkTaps(`outputsInfo[${j}]`, taps, true);
    const initial = asTensorVariable(info.initial);
    const single = taps.length === 1 && taps[0] === -1;
    if (!single && initial.ndim === 0) {
      throw new ShapeError(`${where}: outputsInfo[${j}] has taps [${taps.join(', ')}], so its initial value needs a leading axis of ${-Math.min(...taps)} earlier values; got a 0-d value`);
    }
    // Taps [-1]: the initial value is one step's value; other taps: a leading axis of earlier values.
    const stateType = single ? initial.type : entryType(initial.type);
    return { initial, taps, single, stateType };
  });

  const nonSeqs = listOf(options.nonSequences).map((v) => asTensorVariable(v));

  // ---- the step function's arguments ----
  const args: TensorVariable[] = [];
  const seqArgs = seqs.map(({ input, taps }) =>
    taps.map((k) => {
      const v = entryType(input.type).makeVariable(input.name !== null ? `${input.name}[t${k < 0 ? k : k > 0 ? `+${k}` : ''}]` : null) as TensorVariable;
      args.push(v);
      return v;
    }),
  );
  const tapArgs = infos.map((info, j) =>
    info === null
      ? []
      : info.taps.map((d) => {
          const v = info.stateType.makeVariable(`out${j}[t${d}]`) as TensorVariable;
          args.push(v);
          return v;
        }),
  );
  const nonSeqArgs = nonSeqs.map((v) => {
    const a = v.isConstant() ? v : (v.type.makeVariable(v.name) as TensorVariable);
    args.push(a);
    return a;
  });

  // ---- what it returns ----
  const { outputs, updates, stop } = parseStepResult(where, fn(...args));
  // Shared variables with a default update used by the body (random streams) advance at every step, as in
  // Theano: their default updates join the body's updates unless fn updates them itself.
  for (let added = true; added; ) {
    added = false;
    const roots = graphInputs([...outputs, ...updates.map(([, e]) => e).filter((e): e is TensorVariable => e instanceof TensorVariable), ...(stop ? [stop] : [])]);
    for (const v of roots) {
      const update = (v as { defaultUpdate?: unknown }).defaultUpdate;
      if (update instanceof Variable && !updates.some(([t]) => t === v)) {
        updates.push([v, update as TensorVariable]);
        added = true;
      }
    }
  }
  if (infos.length > 0 && outputs.length !== infos.length) {
    throw new TypeError(`${where}: fn returned ${outputs.length} output${outputs.length === 1 ? '' : 's'} but outputsInfo describes ${infos.length}`);
  }
  const outInfos = infos.length > 0 ? infos : outputs.map(() => null);
  outputs.forEach((out, j) => {
    const info = outInfos[j];
    if (info === null || info === undefined) return;
    const want = info.stateType;
    if (out.dtype !== want.dtype) {
      throw new DTypeError(
        `${where}: output ${j} of fn has dtype ${out.dtype}, but its initial value in outputsInfo[${j}] is ${want.dtype}; ` +
          `a recurrent output keeps one dtype — cast the initial value (.astype('${out.dtype}')) or the output`,
      );
    }
    if (out.ndim !== want.ndim) throw new ShapeError(`${where}: output ${j} of fn is ${out.ndim}-d (${out.type}), but its initial value in outputsInfo[${j}] gives ${want.ndim}-d steps (${want})`);
    out.type.shape.forEach((d, ax) => {
      const w = want.shape[ax];
      if (d !== null && w !== null && w !== undefined && d !== w) {
        throw new ShapeError(`${where}: output ${j} of fn has static shape ${out.type.shapeString()}, but its initial value gives ${want.shapeString()}; axis ${ax} differs`);
      }
    });
  });
  const updatePairs = updates.map(([target, expr], k) => {
    if (target.owner !== null || target.isConstant() || !(target instanceof TensorVariable)) {
      throw new TypeError(`${where}: update ${k} targets ${describe(target)}, which is not a shared variable`);
    }
    const value = asTensorVariable(expr as TensorLike, target.dtype);
    if (value.dtype !== target.dtype || value.ndim !== target.ndim) {
      throw new DTypeError(`${where}: the update of ${describe(target)} (${target.type}) is ${value.type}; an update keeps the variable's dtype and rank`);
    }
    return [target, value] as const;
  });

  // ---- the inner graph ----
  const recurrent = outputs.flatMap((out, j) => (outInfos[j] ? [{ out, info: outInfos[j]!, j }] : []));
  const perStep = outputs.flatMap((out, j) => (outInfos[j] ? [] : [{ out, j }]));
  // Shared variables the body updates are recurrent outputs with tap -1; the update is their last value.
  const sharedArgs = updatePairs.map(([target]) => target.type.makeVariable(target.name) as TensorVariable);
  const innerOutputs: Variable[] = [...recurrent.map((r) => r.out), ...updatePairs.map(([, v]) => v), ...perStep.map((p) => p.out), ...(stop ? [stop] : [])];
  const declared = new Set<Variable>([...args, ...sharedArgs]);
  const replace = new Map<Variable, Variable>(updatePairs.map(([target], k) => [target, sharedArgs[k]!]));
  const free = graphInputs(innerOutputs, new Set(replace.keys())).filter((v) => !declared.has(v) && !v.isConstant() && !replace.has(v));
  if (options.strict && free.length > 0) {
    throw new TypeError(
      `${where} (strict): fn uses ${free.map(describe).join(', ')}, which ${free.length === 1 ? 'is' : 'are'} not among its arguments; pass ${free.length === 1 ? 'it' : 'them'} in nonSequences`,
    );
  }
  const freeArgs = free.map((v) => v.type.makeVariable(v.name));
  free.forEach((v, k) => replace.set(v, freeArgs[k]!));
  const body = replace.size > 0 ? cloneGraph(innerOutputs, { replace }).outputs : innerOutputs;
  const recurrentTaps = [...tapArgs.filter((t) => t.length > 0)];
  const innerInputs = [...seqArgs.flat(), ...recurrentTaps.flat(), ...sharedArgs, ...nonSeqArgs.filter((v) => !v.isConstant()), ...freeArgs];
  const inner = new FunctionGraph(innerInputs, body);

  const spec: ScanSpec = {
    seqTaps: seqs.map((s) => s.taps),
    outputTaps: [...recurrent.map((r) => r.info.taps), ...updatePairs.map(() => [-1])],
    keepTrace: [...recurrent.map(() => true), ...updatePairs.map(() => false)],
    nPerStep: perStep.length,
    nNonSeqs: nonSeqArgs.filter((v) => !v.isConstant()).length + freeArgs.length,
    until: stop !== null,
    goBackwards: options.goBackwards ?? false,
    truncateGradient: truncate,
    name,
    mode: options.mode ?? null,
    profile: options.profile === true ? { stats: null } : null,
    allowGc: options.allowGc ?? false,
  };

  // ---- the outer node ----
  let nSteps: TensorVariable;
  if (options.nSteps !== undefined && options.nSteps !== null) {
    nSteps = asTensorVariable(options.nSteps, 'int64');
    if (nSteps.ndim !== 0 || !/int/.test(nSteps.dtype)) throw new TypeError(`${where}: nSteps must be an integer scalar, got ${nSteps.type}`);
    nSteps = cast(nSteps, 'int64');
  } else {
    if (seqs.length === 0) throw new TypeError(`${where}: without sequences the number of steps is unknown; give nSteps`);
    // As many steps as the shortest sequence allows with its taps (never fewer than 0).
    nSteps = seqs
      .map(({ input, taps }) => {
        const { before, after } = seqSpan(taps);
        const length = shapeI(input, 0);
        return before + after > 0 ? maximum(sub(length, before + after), 0) : length;
      })
      .reduce((a, b) => minimum(a, b));
    nSteps = cast(nSteps, 'int64');
  }
  const inits = [
    ...recurrent.map(({ info }) => (info.single ? info.initial.dimshuffle('x', ...info.initial.type.shape.map((_, ax) => ax)) : info.initial)),
    ...updatePairs.map(([target]) => target.dimshuffle('x', ...target.type.shape.map((_, ax) => ax))),
  ];
  const node = new Scan(inner, spec).makeNode(nSteps, ...seqs.map((s) => s.input), ...inits, ...nonSeqs.filter((v) => !v.isConstant()), ...free);
  const traces = node.outputs as TensorVariable[];

  const results: TensorVariable[] = new Array(outputs.length);
  recurrent.forEach(({ j, info }, r) => {
    const d = -Math.min(...info.taps);
    results[j] = traces[r]!.at(`${d}:`);
  });
  perStep.forEach(({ j }, p) => (results[j] = traces[recurrent.length + updatePairs.length + p]!));
  const updateMap = new Map<Variable, TensorVariable>();
  updatePairs.forEach(([target], k) => updateMap.set(target, traces[recurrent.length + k]!.at(-1)));
  const single = results.length === 1 && !options.returnList;
  return [single ? results[0]! : results, updateMap];
}

/** The outputs, updates and stop condition of what `fn` returned. */
function parseStepResult(where: string, r: StepResult): { outputs: TensorVariable[]; updates: [Variable, TensorLike][]; stop: TensorVariable | null } {
  let outputs: TensorVariable[] = [];
  let updates: [Variable, TensorLike][] = [];
  let stop: TensorVariable | null = null;
  const asOutput = (v: unknown, k: number): TensorVariable => {
    if (v instanceof TensorVariable) return v;
    if (v instanceof Variable) throw new TypeError(`${where}: output ${k} of fn is ${v.type}, not a tensor`);
    try {
      return asTensorVariable(v as TensorLike);
    } catch {
      throw new TypeError(`${where}: fn must return tensor variables (or { outputs, updates, until }); output ${k} is ${typeof v}`);
    }
  };
  if (r instanceof Until) stop = r.condition;
  else if (Array.isArray(r)) {
    const items = [...r];
    if (items.length > 0 && items[items.length - 1] instanceof Until) stop = (items.pop() as Until).condition;
    if (items.some((x) => x instanceof Until)) throw new TypeError(`${where}: th.until(...) must be the last element of what fn returns`);
    outputs = items.map(asOutput);
  } else if (isPlainObject(r)) {
    const o = r as Exclude<StepResult, TensorVariable | Until | readonly unknown[]>;
    for (const key of Object.keys(o)) if (!['outputs', 'updates', 'until'].includes(key)) throw new TypeError(`${where}: fn returned an object with an unknown key '${key}'; use outputs, updates and until`);
    outputs = o.outputs === undefined ? [] : Array.isArray(o.outputs) ? o.outputs.map(asOutput) : [asOutput(o.outputs, 0)];
    if (o.updates !== undefined) {
      const pairs = o.updates instanceof Map ? [...o.updates] : [...(o.updates as Iterable<readonly [Variable, TensorLike]>)];
      updates = pairs.map((p, k) => {
        if (!Array.isArray(p) || p.length !== 2 || !(p[0] instanceof Variable)) throw new TypeError(`${where}: update ${k} must be a [sharedVariable, expression] pair`);
        return [p[0], p[1]];
      });
    }
    if (o.until !== undefined) stop = o.until instanceof Until ? o.until.condition : until(o.until).condition;
  } else outputs = [asOutput(r, 0)];
  if (stop !== null && stop.ndim !== 0) throw new ShapeError(`${where}: the until condition must be a scalar, got ${stop.type}`);
  if (outputs.length === 0 && updates.length === 0) throw new TypeError(`${where}: fn returned no outputs and no updates`);
  return { outputs, updates, stop };
}

/** The profile of the body of the scan computing `output` (made with `profile: true`), or null. */
export function scanProfile(output: Variable): unknown {
  for (let v: Variable | null = output; v !== null && v.owner !== null; ) {
    const node: Apply = v.owner;
    if (node.op instanceof Scan) return node.op.profile;
    v = node.inputs[0] ?? null;
  }
  return null;
}
