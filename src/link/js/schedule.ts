/**
 * The whole run of a function rendered as one generated JavaScript function:
 * each variable a local, each node a direct call of its thunk with a
 * preallocated argument list — no loop over steps, no slot array, one
 * try/catch for the whole run. It keeps `VM.run`'s contract exactly: tail
 * destroyers' inputs are checked and `beforeTail` called before the first
 * of them overwrites anything, and failures are reported by the plan.
 *
 * Like the kernels, the source is made only of generator-chosen identifiers
 * and integers (slot and step numbers); thunks, cells and constants come in
 * as values.
 */
import type { RunFunction, SchedulePlan } from '../vm.js';

type RunFactory = (plan: SchedulePlan) => RunFunction;

/** Renders `plan` into one function with `VM.run`'s contract. */
export function renderSchedule(plan: SchedulePlan): RunFunction {
  const { steps, inputSlots, outputSlots, constantSlots, tailStart } = plan;
  const head: string[] = ['"use strict";', 'const steps = plan.steps;'];
  constantSlots.forEach(([slot], k) => head.push(`const s${slot} = plan.constantSlots[${k}][1];`));
  steps.forEach((step, k) => {
    head.push(`const t${k} = steps[${k}].thunk, c${k} = steps[${k}].cells, a${k} = new Array(${step.inputSlots.length});`);
  });

  const body: string[] = [];
  inputSlots.forEach((slot, i) => body.push(`  const s${slot} = inputs[${i}];`));
  const computed = steps.flatMap((s) => s.outputSlots);
  // Outputs handed to `beforeTail` may not be computed yet (a tail destroyer's): declared up front, undefined.
  if (computed.length > 0) body.push(`  let ${computed.map((s) => `s${s}`).join(', ')};`);
  body.push('  let step = -1;', '  try {');
  steps.forEach((step, k) => {
    if (k === tailStart) {
      body.push('    step = -1;');
      for (let j = tailStart; j < steps.length; j++) body.push(`    plan.checkStep(${j}, [${steps[j]!.inputSlots.map((s) => `s${s}`).join(', ')}]);`);
      body.push(`    if (beforeTail !== undefined) beforeTail([${outputSlots.map((s) => `s${s}`).join(', ')}]);`);
    }
    body.push(`    step = ${k};`);
    step.inputSlots.forEach((s, i) => body.push(`    a${k}[${i}] = s${s};`));
    body.push(`    t${k}(a${k}, c${k});`);
    step.outputSlots.forEach((s, o) => body.push(`    s${s} = c${k}[${o}].value;`));
  });
  body.push('  } catch (e) {', '    throw plan.failure(step, e);', '  }');
  body.push(`  return [${outputSlots.map((s) => `s${s}`).join(', ')}];`);

  const source = [...head, 'return function run(inputs, beforeTail) {', ...body, '};'].join('\n');
  const factory = new Function('plan', source) as RunFactory;
  return factory(plan);
}
