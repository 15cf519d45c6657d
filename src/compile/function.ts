/**
 * `th.function` (Theano's `theano.function` / `pfunc`): turns inputs,
 * outputs, updates and givens into a FunctionGraph, rewrites it, links it to
 * an executor, and wraps the result in a callable that checks its arguments,
 * returns fresh arrays and applies updates atomically.
 */
import { FunctionGraph } from '../graph/fgraph.js';
import { cloneGraph, CloneTypeError } from '../graph/clone.js';
import { ancestors, graphInputs } from '../graph/traversal.js';
import { Variable } from '../graph/variable.js';
import { NDArray } from '../ndarray/ndarray.js';
import { isArrayLike } from '../ndarray/create.js';
import { CompileError, DTypeError, InputError, MissingInputError, ShapeError, TheanoError, UnusedInputError, ValueError } from '../errors.js';
import { TensorVariable, TensorConstant } from '../tensor/variable.js';
import { TensorType } from '../tensor/type.js';
import { asTensorVariable, type TensorLike } from '../tensor/asTensor.js';
import { link } from '../link/linkers.js';
import { reclaimAtSafePoint, releaseStorage } from '../wasm/arrays.js';
import { rewriteDB, type PassReport } from '../rewrite/index.js';
import { allowDestroying } from '../rewrite/inplace.js';
import { SharedVariable } from './shared.js';
import { In, Out } from './io.js';
import { Mode, resolveMode } from './mode.js';
import { ProfileStats } from './profile.js';
import { debugLinker } from './debugMode.js'; // DebugMode hook
import { linkContext } from './innerGraphs.js';

/** [shared variable, new value] pairs (a scan's updates map too; targets are checked to be shared variables). */
export type UpdatePairs =
  | ReadonlyMap<SharedVariable | Variable, TensorLike>
  | Iterable<readonly [SharedVariable | Variable, TensorLike]>;

export type GivenPairs = ReadonlyMap<Variable, TensorLike> | Iterable<readonly [Variable, TensorLike]>;

export interface FunctionOptions {
  /** How to compile: a Mode, or 'FAST_RUN' / 'FAST_COMPILE'. */
  mode?: Mode | string;
  /** [shared variable, new value expression] pairs applied after each call. */
  updates?: UpdatePairs;
  /** [variable, replacement] pairs substituted into the graph before compiling. */
  givens?: GivenPairs;
  /** Skip the `defaultUpdate` of all shared variables (true) or of those listed. */
  noDefaultUpdates?: boolean | readonly SharedVariable[];
  /** Allow graphs that already contain in-place (destructive) ops. */
  acceptInplace?: boolean;
  /** Name used in error messages and profiles. */
  name?: string;
  /** Givens must keep every type unchanged (true, default), or nodes are rebuilt for new types. */
  rebuildStrict?: boolean;
  /** Accept input values whose conversion loses precision (float64 data into float32 inputs, ...). */
  allowInputDowncast?: boolean;
  /** Record time per op and node: true, or a ProfileStats to add to. */
  profile?: boolean | ProfileStats;
  /** What to do with an input no output depends on. */
  onUnusedInput?: 'raise' | 'warn' | 'ignore';
}

/** What a compiled function was built from, for inspection (`f.maker.fgraph`). */
export interface FunctionMaker {
  readonly fgraph: FunctionGraph;
  readonly mode: Mode;
  readonly inputs: readonly In[];
  readonly outputs: readonly Out[];
  /** Shared variables read as implicit inputs, in the order they follow the explicit ones in the fgraph. */
  readonly sharedInputs: readonly SharedVariable[];
  /** The shared variables this function updates, in the order of its update outputs. */
  readonly updated: readonly SharedVariable[];
  /** What each rewrite pass changed while compiling. */
  readonly rewrites: readonly PassReport[];
}

export interface CompiledFunction<R> {
  (...args: unknown[]): R;
  readonly maker: FunctionMaker;
  readonly profile: ProfileStats | null;
  readonly functionName: string;
}

type InputSpec = TensorVariable | In;
type OutputSpec = TensorVariable | Out;

let anonymousCount = 0;

function toPairs<K, V>(what: string, pairs: ReadonlyMap<K, V> | Iterable<readonly [K, V]> | undefined, fail: (m: string) => never): [K, V][] {
  if (pairs === undefined) return [];
  return [...(pairs as Iterable<readonly [K, V]>)].map((p, i) => {
    if (!Array.isArray(p) || p.length !== 2) return fail(`${what}: pair ${i} must be [variable, expression], got ${String(p)}`);
    return [p[0], p[1]] as [K, V];
  });
}

const describeVar = (v: Variable): string => (v.name !== null ? `'${v.name}'` : `<unnamed ${v.type}>`);

/** Compiled-function calls in progress (one inside another: a user op's perform calling a function). */
let callDepth = 0;

/** Compiles a callable from symbolic inputs to outputs (Theano's `theano.function`). */
export function compileFunction(inputs: readonly InputSpec[], outputs: TensorVariable | Out, options?: FunctionOptions): CompiledFunction<NDArray>;
export function compileFunction(inputs: readonly InputSpec[], outputs?: readonly OutputSpec[] | null, options?: FunctionOptions): CompiledFunction<NDArray[]>;
export function compileFunction(
  inputs: readonly InputSpec[],
  outputs?: OutputSpec | readonly OutputSpec[] | null,
  options?: FunctionOptions,
): CompiledFunction<NDArray | NDArray[]>;
export function compileFunction(
  inputSpecs: readonly InputSpec[],
  outputSpecs: OutputSpec | readonly OutputSpec[] | null = [],
  options: FunctionOptions = {},
): CompiledFunction<NDArray | NDArray[]> {
  const started = performance.now();
  const name = options.name ?? `function#${++anonymousCount}`;
  const fail = (message: string, ErrorClass: new (m: string) => Error = CompileError): never => {
    throw new ErrorClass(`${name}: ${message}`);
  };
  const mode = resolveMode(options.mode);
  const onUnused = options.onUnusedInput ?? 'raise';
  if (!['raise', 'warn', 'ignore'].includes(onUnused)) fail(`onUnusedInput must be 'raise', 'warn' or 'ignore', got ${JSON.stringify(onUnused)}`);

  // ---- inputs ----
  if (!Array.isArray(inputSpecs)) fail(`inputs must be a list of variables, got ${typeof inputSpecs}`);
  const ins = inputSpecs.map((spec, i) => {
    const input = spec instanceof In ? spec : spec instanceof Variable ? new In(spec as TensorVariable) : null;
    if (input === null || !(input.variable instanceof TensorVariable)) {
      return fail(`input ${i} must be a tensor variable or In(...), got ${spec instanceof Variable ? spec.type : typeof spec}`);
    }
    const v = input.variable;
    if (v instanceof SharedVariable) {
      fail(`input ${i} (${describeVar(v)}) is a shared variable; shared variables are implicit inputs and cannot be listed — replace it via givens if you want to feed its value`);
    }
    if (v.isConstant()) fail(`input ${i} (${v}) is a constant; inputs must be symbolic variables`);
    if (input.hasDefault) {
      // A default that does not fit would otherwise fail only at the first call that relies on it.
      try {
        v.type.filter(input.value, { allowDowncast: options.allowInputDowncast ?? false });
      } catch (e) {
        fail(`the default value of input ${i} (${describeVar(v)}) does not fit its type: ${(e as Error).message}`);
      }
    }
    return input;
  });
  ins.forEach((a, i) => {
    const j = ins.findIndex((b) => b.variable === a.variable);
    if (j !== i) fail(`input ${describeVar(a.variable)} is listed twice (positions ${j} and ${i})`);
  });
  const names = new Map<string, number>();
  ins.forEach((a, i) => {
    if (a.name === null) return;
    if (names.has(a.name)) {
      // Two inputs with one name cannot be told apart in keyword calls; only positional calls work then.
      names.set(a.name, -1);
    } else names.set(a.name, i);
  });
  const inputVars = ins.map((a) => a.variable);
  const inputSet = new Set<Variable>(inputVars);

  // ---- outputs ----
  const single = outputSpecs !== null && !Array.isArray(outputSpecs);
  const outList = (outputSpecs === null ? [] : single ? [outputSpecs] : outputSpecs) as readonly unknown[];
  const outs = outList.map((spec, i) => {
    if (spec instanceof Out) return spec;
    if (spec instanceof TensorVariable) return new Out(spec);
    if (isArrayLike(spec)) return new Out(asTensorVariable(spec as TensorLike));
    return fail(`output ${i} must be a tensor variable or Out(...), got ${spec instanceof Variable ? spec.type : typeof spec}`);
  });

  // ---- updates ----
  const updatePairs: [SharedVariable, TensorVariable][] = [];
  for (const [given, expr] of toPairs('updates', options.updates, fail)) {
    if (!(given instanceof SharedVariable)) {
      const what: unknown = given;
      return fail(`updates must target shared variables; ${what instanceof Variable ? describeVar(what) : typeof what} is not one`);
    }
    const target = given;
    if (updatePairs.some(([t]) => t === target)) fail(`shared variable ${describeVar(target)} has two updates; give one update per variable`);
    const value = updateExpression(target, expr, fail);
    checkUpdateType(target, value, fail);
    updatePairs.push([target, value]);
  }

  // ---- givens ----
  const replace = new Map<Variable, Variable>();
  for (const [target, repl] of toPairs('givens', options.givens, fail)) {
    if (!((target as unknown) instanceof Variable)) fail(`givens must map variables, got ${typeof target}`);
    if (inputSet.has(target)) {
      fail(`givens replaces ${describeVar(target)}, which is an input of the function; remove it from the inputs or from givens`);
    }
    if (replace.has(target)) fail(`givens replaces ${describeVar(target)} twice`);
    const r = givenReplacement(target as TensorVariable, repl, fail);
    if ((options.rebuildStrict ?? true) && !target.type.equals(r.type)) {
      fail(`givens replaces ${describeVar(target)} of type ${target.type} by ${r} of type ${r.type}; the types must match (or pass rebuildStrict: false)`);
    }
    replace.set(target, r);
  }

  // ---- default updates (found in the graph, applied unless switched off) ----
  const skipDefaults = options.noDefaultUpdates ?? false;
  const wantsDefault = (s: SharedVariable) => s.defaultUpdate !== null && skipDefaults !== true && !(Array.isArray(skipDefaults) && skipDefaults.includes(s));
  // Roots of the graph as compiled, i.e. after givens: a variable that givens replace (and whatever
  // only it depends on) is not read by the function, so its default update does not apply.
  const replaced = new Set(replace.keys());
  const roots = () =>
    graphInputs([...outs.map((o) => o.variable), ...updatePairs.map(([, v]) => v), ...replace.values()], replaced).filter((v) => !replaced.has(v));
  for (let changed = true; changed; ) {
    changed = false;
    for (const v of roots()) {
      if (v instanceof SharedVariable && wantsDefault(v) && !updatePairs.some(([t]) => t === v)) {
        const value = asTensorVariable(v.defaultUpdate!, v.dtype);
        checkUpdateType(v, value, fail);
        updatePairs.push([v, value]);
        changed = true;
      }
    }
  }

  // ---- apply givens to outputs and updates ----
  let graphOutputs: Variable[] = [...outs.map((o) => o.variable), ...updatePairs.map(([, v]) => v)];
  if (replace.size > 0) {
    try {
      graphOutputs = cloneGraph(graphOutputs, { replace, strict: options.rebuildStrict ?? true }).outputs;
    } catch (e) {
      if (e instanceof CloneTypeError) fail(`givens: ${e.message}`);
      throw e;
    }
    // A non-strict rebuild can change an update's type (a float32 input replaced by a float64 one):
    // check again here, or the mismatch would only surface at the first call.
    updatePairs.forEach(([target], k) => checkUpdateType(target, graphOutputs[outs.length + k] as TensorVariable, fail));
  }

  // ---- implicit inputs, missing inputs, unused inputs ----
  const used = ancestors(graphOutputs, inputSet);
  const sharedInputs: SharedVariable[] = [];
  for (const v of used) {
    if (v.owner !== null || inputSet.has(v) || v.isConstant()) continue;
    if (v instanceof SharedVariable) {
      sharedInputs.push(v);
      continue;
    }
    // Look in the graph as compiled (after givens), not in the outputs as written.
    const which = graphOutputs.slice(0, outs.length).findIndex((o) => ancestors([o], inputSet).includes(v));
    const where = which >= 0 ? `output ${which}` : 'an update';
    fail(
      `${where} depends on ${describeVar(v)} (${v.type}), which is not an input of the function; ` +
        `add it to the inputs, or give it a value with givens`,
      MissingInputError,
    );
  }
  const usedSet = new Set(used);
  ins.forEach((a, i) => {
    if (usedSet.has(a.variable) || onUnused === 'ignore') return;
    const message = `input ${i} (${describeVar(a.variable)}) is not used to compute any output or update; pass onUnusedInput: 'warn' or 'ignore' to allow this`;
    if (onUnused === 'raise') fail(message, UnusedInputError);
    console.warn(`theano-ts: ${name}: ${message}`);
  });

  // ---- the function graph ----
  const fgraph = new FunctionGraph([...inputVars, ...sharedInputs], graphOutputs);
  if (!options.acceptInplace) {
    for (const node of fgraph.applyNodes) {
      if (Object.keys(node.op.destroyMap).length > 0) {
        fail(`the graph contains the in-place op ${node.op} (built ${node.trace}); pass acceptInplace: true to compile it`);
      }
    }
  }
  const unrewritten = mode.debug ? new FunctionGraph(fgraph.inputs, fgraph.outputs) : null; // DebugMode hook: a copy before rewriting
  // What the in-place rewrite may overwrite: mutable inputs, and shared variables through their own update.
  allowDestroying(fgraph, {
    mutableInputs: new Set(ins.filter((a) => a.mutable).map((a) => a.variable)),
    updates: new Map(updatePairs.map(([t], k) => [t, outs.length + k] as [Variable, number])),
  });
  const rewrites = rewriteDB.optimize(fgraph, { optimizer: mode.optimizer, including: mode.including, excluding: mode.excluding });

  const profile = options.profile instanceof ProfileStats ? options.profile : options.profile ? new ProfileStats(name) : null;
  const context = linkContext(mode); // how ops with inner graphs (scan) compile them
  const vm = unrewritten // DebugMode hook: checks every node, input and output (src/compile/debugMode.ts)
    ? debugLinker(fgraph, unrewritten, { functionName: name, linker: mode.linker, rewrites, nOutputs: outs.length, updated: updatePairs.map(([t]) => t), profile, context })
    : link(mode.linker, fgraph, profile, context);
  const maker: FunctionMaker = { fgraph, mode, inputs: ins, outputs: outs, sharedInputs, updated: updatePairs.map(([t]) => t), rewrites };
  if (profile) profile.compileSeconds += (performance.now() - started) / 1e3;

  const nOut = outs.length;
  // Storage that outputs and new shared values must never be handed out in: constants' (fixed per graph).
  const constantStorage = [...fgraph.variables].flatMap((v) => (v instanceof TensorConstant ? [v.data.data as object] : []));
  const nIn = ins.length;
  const runInputs: unknown[] = new Array(nIn + sharedInputs.length);
  // Graph inputs an in-place node overwrites (positions in runInputs): mutable inputs, and shared
  // variables whose storage then holds their new value.
  const destroyedInputs = fgraph.toposort().flatMap((node) =>
    Object.values(node.op.destroyMap)
      .flat()
      .map((i) => fgraph.inputs.indexOf(node.inputs[i]!))
      .filter((k) => k >= 0),
  );
  // Before the VM runs the in-place updates of shared variables, the other updates' values are checked,
  // so a value of a wrong run-time shape fails the call before any shared storage is overwritten.
  const checkUpdatesBeforeTail = (outputsSoFar: readonly unknown[]): void => {
    for (let k = 0; k < updatePairs.length; k++) {
      const v = outputsSoFar[nOut + k];
      if (v instanceof NDArray) checkUpdateValue(name, updatePairs[k]![0], v);
    }
  };
  const call = (...args: unknown[]): NDArray | NDArray[] => {
    const t0 = profile ? performance.now() : 0;
    if (callDepth === 0) reclaimAtSafePoint();
    callDepth++;
    try {
      return run(args, t0);
    } finally {
      callDepth--;
    }
  };
  const run = (args: unknown[], t0: number): NDArray | NDArray[] => {
    const values = bindArguments(name, ins, names, args, options.allowInputDowncast ?? false);
    for (let i = 0; i < nIn; i++) runInputs[i] = values[i];
    for (let k = 0; k < sharedInputs.length; k++) runInputs[nIn + k] = sharedInputs[k]!.container.value;
    // A value overwritten in place must be read by nothing else under another name (another argument,
    // or a shared variable holding the same storage through borrow), nor be storage the caller holds
    // (a shared value handed out or taken in with borrow): else it runs on a copy.
    for (const j of destroyedInputs) {
      const data = (runInputs[j] as NDArray).data;
      if ((j >= nIn && sharedInputs[j - nIn]!.lentStorage === data) || runInputs.some((v, i) => i !== j && (v as NDArray).data === data)) {
        runInputs[j] = (runInputs[j] as NDArray).copy();
      }
    }
    let results: NDArray[];
    try {
      results = vm.run(runInputs, checkUpdatesBeforeTail) as NDArray[];
    } catch (e) {
      // Errors from inside the graph name the op and node; add which function was running.
      if (e instanceof TheanoError && !e.message.startsWith(`${name}: `)) e.message = `${name}: ${e.message}`;
      throw e;
    }
    // Storage a returned array (unless borrowed) must not share: the caller's arrays, shared and
    // constant storage, another output (one variable listed twice, or two merged into one) and a
    // borrowed output's buffer, which the next call overwrites. Lists are short: linear search.
    const taken: object[] = [...constantStorage];
    for (let i = 0; i < nIn; i++) if (!ins[i]!.borrow) taken.push(values[i]!.data);
    for (let k = 0; k < sharedInputs.length; k++) taken.push((runInputs[nIn + k] as NDArray).data);
    for (let i = 0; i < nOut; i++) if (outs[i]!.borrow) taken.push(results[i]!.data);
    const escaped: NDArray[] = [];
    const own = (v: NDArray): NDArray => {
      const r = taken.includes(v.data) ? v.copy() : v;
      taken.push(r.data);
      escaped.push(r);
      return r;
    };
    const returned: NDArray[] = new Array(nOut);
    for (let i = 0; i < nOut; i++) returned[i] = outs[i]!.borrow ? results[i]! : own(results[i]!);
    // A shared variable owns its storage too: never the caller's array, another shared value
    // (old or new: two updates may compute the same expression), or an output.
    const newShared: NDArray[] = new Array(updatePairs.length);
    for (let k = 0; k < updatePairs.length; k++) {
      const [target] = updatePairs[k]!;
      const value = checkUpdateValue(name, target, results[nOut + k]!);
      // Updated in place: the new value is the variable's own storage, which nothing else took.
      const inPlace = value.data === (target.container.value as NDArray).data && destroyedInputs.length > 0 && !escaped.some((e) => e.data === value.data);
      if (inPlace) escaped.push(value);
      newShared[k] = inPlace ? value : own(value);
    }
    // Commit. Nothing above has touched shared state except in-place updates, which the VM runs last,
    // after checking their inputs, and which cannot fail once they start (rewrite/inplace.ts): a call
    // that throws leaves every shared value as it was.
    for (let k = 0; k < updatePairs.length; k++) {
      const target = updatePairs[k]![0];
      const old = target.container.value;
      target.container.value = newShared[k]!;
      if (old.data === newShared[k]!.data) continue;
      // The old value's storage, when a function committed it and nobody borrowed it, is reachable from
      // nothing else (own() gave it to this variable alone): its memory is reused now, not after a GC.
      if (target.committedStorage === old.data && target.lentStorage !== old.data) releaseStorage(old.data);
      target.committedStorage = newShared[k]!.data;
    }
    vm.release(escaped);
    if (profile) {
      profile.calls++;
      profile.callSeconds += (performance.now() - t0) / 1e3;
    }
    return single ? returned[0]! : returned;
  };
  Object.defineProperties(call, {
    maker: { value: maker, enumerable: true },
    profile: { value: profile, enumerable: true },
    functionName: { value: name, enumerable: true },
    name: { value: name },
  });
  return call as CompiledFunction<NDArray | NDArray[]>;
}

function checkUpdateType(target: SharedVariable, value: TensorVariable, fail: (m: string) => never): void {
  if (value.dtype !== target.dtype) {
    fail(
      `the update of shared variable ${describeVar(target)} (${target.type}) has dtype ${value.dtype}; ` +
        `an update must keep the variable's dtype — cast it with .astype('${target.dtype}')`,
    );
  }
  if (value.ndim !== target.ndim) {
    fail(`the update of shared variable ${describeVar(target)} (${target.type}) is ${value.ndim}-d (${value.type}); it must be ${target.ndim}-d`);
  }
  target.type.shape.forEach((d, i) => {
    const u = value.type.shape[i];
    if (d !== null && u !== null && u !== d) {
      fail(`the update of shared variable ${describeVar(target)} (${target.type}) has static shape ${value.type.shapeString()}; axis ${i} must have length ${d}`);
    }
  });
}

/** The value an update produced, checked against the shared variable's type before anything is committed. */
function checkUpdateValue(name: string, target: SharedVariable, value: NDArray): NDArray {
  try {
    return target.type.filter(value, { strict: true });
  } catch (e) {
    const Ctor = e instanceof DTypeError ? DTypeError : ShapeError;
    throw new Ctor(`${name}: the update of shared variable ${describeVar(target)} produced ${value.dtype} array of shape (${value.shape.join(', ')}): ${(e as Error).message}`);
  }
}

/**
 * The expression of an update as a tensor. A JS literal (`[[s, 0]]`) takes the
 * shared variable's type when its values fit it; NDArrays keep their dtype.
 */
function updateExpression(target: SharedVariable, expr: unknown, fail: (m: string) => never): TensorVariable {
  if (expr instanceof TensorVariable) return expr;
  const literal = !(expr instanceof Variable) && !(expr instanceof NDArray) && !ArrayBuffer.isView(expr) && isArrayLike(expr);
  try {
    if (!literal) return asTensorVariable(expr as TensorLike);
    const data = target.type.filter(expr);
    return new TensorConstant(new TensorType(data.dtype, data.shape), data);
  } catch (e) {
    return fail(`update of ${describeVar(target)}: ${(e as Error).message}`);
  }
}

function givenReplacement(target: TensorVariable, repl: unknown, fail: (m: string) => never): TensorVariable {
  if (repl instanceof TensorVariable) return repl;
  if (repl instanceof Variable) return fail(`givens: the replacement of ${describeVar(target)} must be a tensor, got ${repl.type}`);
  if (!isArrayLike(repl)) return fail(`givens: the replacement of ${describeVar(target)} must be a variable or a value, got ${typeof repl}`);
  // A value takes the type of the variable it stands for.
  try {
    return new TensorConstant(target.type, target.type.filter(repl));
  } catch (e) {
    return fail(`givens: the value given for ${describeVar(target)} does not fit its type: ${(e as Error).message}`);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * Matches call arguments to inputs: positional first, then a trailing object
 * of named arguments, then defaults; filters each through its input's type.
 */
function bindArguments(name: string, ins: readonly In[], names: ReadonlyMap<string, number>, args: readonly unknown[], allowDowncast: boolean): NDArray[] {
  const last = args.length > 0 ? args[args.length - 1] : undefined;
  // The common call, every input by position: no copies, no name lookups.
  if (args.length === ins.length && !isPlainObject(last)) {
    const values: NDArray[] = new Array(ins.length);
    for (let i = 0; i < ins.length; i++) values[i] = filterArgument(name, ins[i]!, i, args[i] === undefined ? defaultOf(name, ins, args, i) : args[i], allowDowncast);
    return values;
  }
  let positional = args;
  let named: Record<string, unknown> = {};
  if (isPlainObject(last)) {
    named = last as Record<string, unknown>;
    positional = args.slice(0, -1);
  }
  if (positional.length > ins.length) {
    throw new InputError(`${name}${signature(ins)} takes ${ins.length} argument${ins.length === 1 ? '' : 's'}, got ${positional.length}`);
  }
  const given: unknown[] = [...positional];
  for (const [key, value] of Object.entries(named)) {
    const i = names.get(key);
    if (i === undefined) {
      const known = [...names.keys()].filter((k) => names.get(k)! >= 0);
      throw new InputError(`${name}: unknown named argument '${key}'; named inputs are ${known.length ? known.map((k) => `'${k}'`).join(', ') : '(none)'}`);
    }
    if (i < 0) throw new InputError(`${name}: the name '${key}' belongs to several inputs; pass them by position`);
    if (i < positional.length) throw new InputError(`${name}: got two values for input ${i} ('${key}'), by position and by name`);
    given[i] = value;
  }
  return ins.map((input, i) => filterArgument(name, input, i, given[i] === undefined ? defaultOf(name, ins, given, i) : given[i], allowDowncast));
}

/** `(a, b, input2)`: the inputs' names, for messages. */
function signature(ins: readonly In[]): string {
  return `(${ins.map((a, i) => a.name ?? `input${i}`).join(', ')})`;
}

/** `argument 1 ('y')`, for messages. */
function argumentLabel(input: In, i: number): string {
  return `argument ${i}${input.name !== null ? ` ('${input.name}')` : ''}`;
}

/** The default of input i, not given in `given`; an InputError naming every missing argument when it has none. */
function defaultOf(name: string, ins: readonly In[], given: readonly unknown[], i: number): unknown {
  const input = ins[i]!;
  if (input.hasDefault) return input.value;
  const missing = ins.map((a, j) => (given[j] === undefined && !a.hasDefault ? (a.name ?? `input${j}`) : null)).filter((m) => m !== null);
  throw new InputError(`${name}${signature(ins)}: missing ${argumentLabel(input, i)}; ${missing.length} required argument${missing.length === 1 ? '' : 's'} not given: ${missing.join(', ')}`);
}

/** `value` through input i's type, its errors naming the function and the argument. */
function filterArgument(name: string, input: In, i: number, value: unknown, allowDowncast: boolean): NDArray {
  try {
    return input.variable.type.filter(value, allowDowncast ? DOWNCAST : NO_DOWNCAST);
  } catch (e) {
    if (e instanceof DTypeError || e instanceof ShapeError || e instanceof ValueError) {
      const Ctor = e.constructor as new (m: string) => TheanoError;
      throw new Ctor(`${name}: bad ${argumentLabel(input, i)}: ${e.message}`);
    }
    throw e;
  }
}

const DOWNCAST = Object.freeze({ allowDowncast: true });
const NO_DOWNCAST = Object.freeze({ allowDowncast: false });
