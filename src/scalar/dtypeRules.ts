/**
 * Output-dtype rules of the scalar ops, matching PyTensor's table
 * (`shared/golden/pytensor-dtype-rules.json`): numpy promotion for
 * arithmetic, float results for math functions (8/16-bit ints → float32,
 * wider → float64), floatX for true division of integers, bool for
 * comparisons.
 */
import { config } from '../config.js';
import { DTypeError } from '../errors.js';
import { isFloat, resultType, upgradeToFloat, type DType } from '../ndarray/dtype.js';

export type DTypeRule = (inputs: readonly DType[]) => DType;

/** numpy promotion of all inputs (add, mul, maximum, ...). */
export const upcast: DTypeRule = (ins) => resultType(...ins);

/**
 * A math function's result: always a float. As PyTensor's `upgrade_to_float`,
 * each input is upgraded first and the floats are then promoted, so
 * arctan2(int16, uint16) is float32 (promoting first would give int32 → float64).
 */
export const upcastToFloat: DTypeRule = (ins) => resultType(...ins.map(upgradeToFloat));

/** True division: the promoted dtype if it is a float; `config.floatX` when every input is discrete (PyTensor's TrueDiv). */
export const trueDivDtype: DTypeRule = (ins) => {
  const d = resultType(...ins);
  return isFloat(d) ? d : config.floatX;
};

/** Comparisons, isnan, isinf. */
export const boolResult: DTypeRule = () => 'bool';

/** Refuses bool inputs (numpy has no boolean negative or subtract). */
export function noBool(opName: string, hint: string, rule: DTypeRule): DTypeRule {
  return (ins) => {
    if (ins.every((d) => d === 'bool')) throw new DTypeError(`${opName} is not defined for bool inputs; ${hint}`);
    return rule(ins);
  };
}

/** Refuses float inputs (bitwise operations). */
export function discreteOnly(opName: string, rule: DTypeRule): DTypeRule {
  return (ins) => {
    const bad = ins.find(isFloat);
    if (bad !== undefined) throw new DTypeError(`${opName} needs bool or integer inputs, got ${ins.join(' and ')}`);
    return rule(ins);
  };
}

/** Promotion of every input but the first (the condition of `switch`). */
export const upcastAfterFirst: DTypeRule = (ins) => resultType(...ins.slice(1));

/** pow of two bools is int8 in Theano; otherwise promotion. */
export const powDtype: DTypeRule = (ins) => (ins.every((d) => d === 'bool') ? 'int8' : resultType(...ins));
