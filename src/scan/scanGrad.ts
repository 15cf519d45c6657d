/**
 * The gradient of a Scan: another Scan running the steps backwards.
 *
 * At forward step t the body maps (sequence taps x, recurrent taps y_{t-d},
 * non-sequences w) to (new recurrent values y_t, per-step outputs z_t). Going
 * back from t = n-1 to 0, the backward body recomputes step t's forward body
 * and takes its L-operator with the gradients reaching y_t and z_t:
 *   - y_t's gradient = the cost's gradient on trace entry t plus what later
 *     steps sent back through their taps; those arrive in carries: carry e of
 *     output j holds what is owed so far to y_j at step (t - e), so the new
 *     carry e is the old carry e + 1 plus step t's gradient on tap -(e + 1);
 *   - each non-sequence's gradient is summed over the steps (an accumulator);
 *   - each sequence tap's gradient is a per-step output, added into the
 *     sequence's gradient at the entries the taps read.
 * After the loop the carries are the gradients of the initial values. The
 * backward body reads the forward traces reversed, so its steps run forward
 * over them; with `truncateGradient = k` it runs min(n, k) steps, and the
 * initial values get no gradient unless all n steps were covered.
 */
import type { Apply } from '../graph/apply.js';
import { FunctionGraph } from '../graph/fgraph.js';
import { cloneGraph } from '../graph/clone.js';
import { disconnected, NullGradient, type InputGradient } from '../graph/gradientTerms.js';
import type { Variable } from '../graph/variable.js';
import { isFloat } from '../ndarray/dtype.js';
import { Lop } from '../gradient/rop.js';
import { add, cast, eq, minimum, mul, sub, zerosLike } from '../tensor/math.js';
import { shapeI } from '../tensor/shape.js';
import { incSubtensor, slice } from '../tensor/subtensor.js';
import { TensorType } from '../tensor/type.js';
import type { TensorVariable } from '../tensor/variable.js';
import { delays, Scan, seqSpan, type ScanSpec } from './scanOp.js';

const floatVar = (v: Variable) => isFloat((v.type as TensorType).dtype);
/** A variable with a leading axis of length 1 added (an initial buffer of one value). */
const asBuffer = (v: TensorVariable) => v.dimshuffle('x', ...v.type.shape.map((_, ax) => ax));
/** A variable standing for one entry (along the first axis) of a value of type `t`. */
const entry = (t: TensorType, name: string) => new TensorType(t.dtype, t.shape.slice(1)).makeVariable(name) as TensorVariable;

export function scanGrad(op: Scan, node: Apply, outputGradients: readonly Variable[]): InputGradient[] {
  const s = op.spec;
  const where = `the gradient of ${op}`;
  if (s.until) {
    const reason = `${where}: a loop stopped by th.until has a number of steps known only at run time; gradients through it are not supported (node built at ${node.trace})`;
    return node.inputs.map((_, i) => (i === 0 ? disconnected : new NullGradient(reason)));
  }
  const nSeqs = s.seqTaps.length;
  const nRec = s.outputTaps.length;
  const ds = delays(s);
  const n = node.inputs[0] as TensorVariable;
  const seqs = node.inputs.slice(1, 1 + nSeqs) as TensorVariable[];
  const inits = node.inputs.slice(1 + nSeqs, 1 + nSeqs + nRec) as TensorVariable[];
  const nonSeqs = node.inputs.slice(1 + nSeqs + nRec) as TensorVariable[];
  const traces = node.outputs.slice(0, nRec) as TensorVariable[];
  const gTraces = outputGradients.slice(0, nRec) as TensorVariable[];
  const gPerStep = outputGradients.slice(nRec) as TensorVariable[];
  // Only float values carry gradients; a float recurrent output whose trace is not kept cannot be differentiated.
  const recFloat = traces.map(floatVar);
  const lost = recFloat.findIndex((f, j) => f && !s.keepTrace[j]);
  if (lost >= 0) {
    const reason = `${where}: recurrent output ${lost} keeps only its last values (a shared variable updated in the loop), so gradients cannot flow back through its steps (node built at ${node.trace})`;
    return node.inputs.map((_, i) => (i === 0 ? disconnected : new NullGradient(reason)));
  }
  const perFloat = node.outputs.slice(nRec).map(floatVar);
  const seqFloat = seqs.map(floatVar);
  const nonSeqFloat = nonSeqs.map(floatVar);

  // ---- the forward body's inputs, grouped ----
  const fwd = op.inner.inputs as TensorVariable[];
  let at = 0;
  const fwdSeqTaps = s.seqTaps.map((taps) => taps.map(() => fwd[at++]!));
  const fwdRecTaps = s.outputTaps.map((taps) => taps.map(() => fwd[at++]!));
  const fwdNonSeqs = nonSeqs.map(() => fwd[at++]!);

  // ---- the backward body ----
  const gRows = traces.map((t, j) => entry(t.type, `g_out${j}[t]`));
  const gPerRows = node.outputs.slice(nRec).map((z, p) => entry((z as TensorVariable).type, `g_z${p}[t]`));
  const seqRows = fwdSeqTaps.map((taps) => taps.map((v) => v.type.makeVariable(v.name) as TensorVariable));
  const recRows = fwdRecTaps.map((taps) => taps.map((v) => v.type.makeVariable(v.name) as TensorVariable));
  const ws = fwdNonSeqs.map((v) => v.type.makeVariable(v.name) as TensorVariable);
  const carries = traces.map((t, j) => Array.from({ length: recFloat[j] ? ds[j]! : 0 }, (_, e) => entry(t.type, `carry${j}_${e}`)));
  const accs = nonSeqs.map((w, k) => (nonSeqFloat[k] ? (w.type.makeVariable(`acc_${w.name ?? k}`) as TensorVariable) : null));

  const replace = new Map<Variable, Variable>();
  fwdSeqTaps.forEach((taps, i) => taps.forEach((v, k) => replace.set(v, seqRows[i]![k]!)));
  fwdRecTaps.forEach((taps, j) => taps.forEach((v, k) => replace.set(v, recRows[j]![k]!)));
  fwdNonSeqs.forEach((v, k) => replace.set(v, ws[k]!));
  const recomputed = cloneGraph(op.inner.outputs.slice(0, nRec + s.nPerStep), { replace }).outputs as TensorVariable[];
  const fs: TensorVariable[] = [];
  const points: TensorVariable[] = [];
  recomputed.forEach((y, j) => {
    if (j < nRec && recFloat[j]) {
      fs.push(y);
      points.push(add(gRows[j]!, carries[j]![0]!));
    } else if (j >= nRec && perFloat[j - nRec]) {
      fs.push(y);
      points.push(gPerRows[j - nRec]!);
    }
  });
  const wrt: TensorVariable[] = [
    ...seqRows.flatMap((taps, i) => (seqFloat[i] ? taps : [])),
    ...recRows.flatMap((taps, j) => (recFloat[j] ? taps : [])),
    ...ws.filter((_, k) => nonSeqFloat[k]),
  ];
  const grads = fs.length > 0 && wrt.length > 0 ? (Lop(fs, wrt, points, { disconnectedInputs: 'ignore' }) as TensorVariable[]) : [];
  const gradOf = new Map<Variable, TensorVariable>(wrt.map((v, k) => [v, grads[k]!]));

  const newCarries = carries.map((cs, j) =>
    cs.map((c, e) => {
      const later = e + 1 < cs.length ? cs[e + 1]! : null;
      const tap = s.outputTaps[j]!.indexOf(-(e + 1));
      const fromStep = tap >= 0 ? gradOf.get(recRows[j]![tap]!)! : null;
      if (later && fromStep) return add(later, fromStep);
      return later ?? fromStep ?? zerosLike(c);
    }),
  );
  const newAccs = accs.map((a, k) => (a === null ? null : add(a, gradOf.get(ws[k]!)!)));
  const seqGrads = seqRows.flatMap((taps, i) => (seqFloat[i] ? taps.map((v) => gradOf.get(v)!) : []));
  // The forward values of step t are stored in the forward outputs: the backward body reads them there
  // instead of recomputing them (gradients like tanh's use the output), so usually nothing is recomputed.
  const nowRows = recomputed.map((y, j) => y.type.makeVariable(j < nRec ? `out${j}[t]` : `z${j - nRec}[t]`) as TensorVariable);
  const stored = new Map<Variable, Variable>(recomputed.flatMap((y, j) => (y.owner !== null ? [[y, nowRows[j]!] as const] : [])));
  const bodyOutputs = cloneGraph([...newCarries.flat(), ...newAccs.filter((a): a is TensorVariable => a !== null), ...seqGrads], { replace: stored }).outputs;

  // ---- the backward scan: sequences reversed so its steps run forward ----
  const m = s.truncateGradient > 0 ? minimum(n, s.truncateGradient) : n;
  const usedSeqs = seqs.map((seq, i) => {
    const { before, after } = seqSpan(s.seqTaps[i]!);
    const span = before + after;
    if (!s.goBackwards) return seq.at(slice(0, add(n, span))).at('::-1');
    return seq.at(slice(sub(shapeI(seq, 0), add(n, span)), null));
  });
  const bSeqs: TensorVariable[] = [];
  const bSeqTaps: number[][] = [];
  const bSeqRows: TensorVariable[] = [];
  traces.forEach((_, j) => {
    if (!recFloat[j]) return;
    bSeqs.push(gTraces[j]!.at('::-1'));
    bSeqTaps.push([0]);
    bSeqRows.push(gRows[j]!);
  });
  node.outputs.slice(nRec).forEach((_, p) => {
    if (!perFloat[p]) return;
    bSeqs.push(gPerStep[p]!.at('::-1'));
    bSeqTaps.push([0]);
    bSeqRows.push(gPerRows[p]!);
  });
  seqs.forEach((_, i) => {
    const { after } = seqSpan(s.seqTaps[i]!);
    bSeqs.push(usedSeqs[i]!);
    bSeqTaps.push(s.seqTaps[i]!.map((k) => after - k));
    bSeqRows.push(...seqRows[i]!);
  });
  traces.forEach((trace, j) => {
    // Tap d reads y_{t-d}; tap 0 reads y_t itself.
    bSeqs.push(trace.at('::-1'));
    bSeqTaps.push([...s.outputTaps[j]!.map((d) => -d), 0]);
    bSeqRows.push(...recRows[j]!, nowRows[j]!);
  });
  node.outputs.slice(nRec).forEach((z, p) => {
    bSeqs.push((z as TensorVariable).at('::-1'));
    bSeqTaps.push([0]);
    bSeqRows.push(nowRows[nRec + p]!);
  });
  const recStates = [...carries.flat(), ...accs.filter((a): a is TensorVariable => a !== null)];
  const bInits = [
    ...traces.flatMap((trace, j) => carries[j]!.map(() => asBuffer(zerosLike(trace.at(0))))),
    ...nonSeqs.flatMap((w, k) => (nonSeqFloat[k] ? [asBuffer(zerosLike(w))] : [])),
  ];
  const bInner = new FunctionGraph([...bSeqRows, ...recStates, ...ws], bodyOutputs);
  const bSpec: ScanSpec = {
    seqTaps: bSeqTaps,
    outputTaps: recStates.map(() => [-1]),
    // Whole traces, so the gradient can be differentiated again; when only the final values are read
    // (the usual case) the scanKeepLast rewrite keeps just those.
    keepTrace: recStates.map(() => true),
    nPerStep: seqGrads.length,
    nNonSeqs: ws.length,
    until: false,
    goBackwards: false,
    truncateGradient: -1,
    name: `${s.name ?? `scan${op.scanId}`}_grad`,
    mode: s.mode,
    profile: null,
    allowGc: s.allowGc,
  };
  const back = new Scan(bInner, bSpec).makeNode(m, ...bSeqs, ...bInits, ...nonSeqs).outputs as TensorVariable[];
  const finals = back.slice(0, recStates.length).map((w) => w.at(-1));
  const perStepGrads = back.slice(recStates.length);

  // ---- the gradients of the inputs ----
  const result: InputGradient[] = [disconnected];
  let g = 0;
  seqs.forEach((seq, i) => {
    if (!seqFloat[i]) {
      result.push(disconnected);
      return;
    }
    const { before } = seqSpan(s.seqTaps[i]!);
    let total = zerosLike(seq);
    for (const k of s.seqTaps[i]!) {
      const steps = perStepGrads[g++]!; // backward order: forward steps n-1, n-2, ...
      const off = k + before;
      if (!s.goBackwards) total = incSubtensor(total.at(slice(add(sub(n, m), off), add(n, off))), steps.at('::-1'));
      else {
        const start = sub(sub(shapeI(seq, 0), n), off);
        total = incSubtensor(total.at(slice(start, add(start, m))), steps);
      }
    }
    result.push(total);
  });
  let c = 0;
  const whole = s.truncateGradient > 0 ? cast(eq(m, n), 'int8') : null; // did the backward loop reach step 0?
  inits.forEach((init, j) => {
    if (!recFloat[j]) {
      result.push(disconnected);
      return;
    }
    let total = zerosLike(init);
    for (let e = 0; e < ds[j]!; e++) {
      const r = ds[j]! - 1 - e;
      const carried = finals[c++]!;
      const owed = add(whole === null ? carried : mul(carried, whole), gTraces[j]!.at(r));
      total = incSubtensor(total.at(r), owed);
    }
    result.push(total);
  });
  let a = carries.flat().length;
  nonSeqs.forEach((_, k) => result.push(nonSeqFloat[k] ? finals[a++]! : disconnected));
  return result;
}
