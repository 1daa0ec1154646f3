// Argument checks shared by every kernel: a wrong length or a bad size is an
// AttnlensError that says which argument of which kernel was wrong, never an
// out-of-bounds read that silently yields NaN or zeros.
import { fail } from '@attnlens/core';

/** A positive (or, with `allowZero`, non-negative) integer size. */
export function checkSize(kernel: string, name: string, v: number, allowZero = true): void {
  if (!Number.isInteger(v) || v < (allowZero ? 0 : 1)) {
    fail('BAD_ARGUMENT', `${kernel}: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${v}`);
  }
}

/** `arr` holds exactly `expected` values, described by `shape` in the message. */
export function checkLength(kernel: string, name: string, arr: ArrayLike<number>, expected: number, shape: string): void {
  if (arr.length !== expected) {
    fail('SHAPE_MISMATCH', `${kernel}: ${name} has ${arr.length} values but its shape ${shape} needs ${expected}`, {
      hint: `pass ${name} with shape ${shape}`,
      details: { kernel, argument: name, length: arr.length, expected },
    });
  }
}

export function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** A shape of non-negative integers; returns its element count. */
export function checkShape(kernel: string, name: string, shape: readonly number[]): number {
  if (!Array.isArray(shape) || shape.length === 0) fail('BAD_ARGUMENT', `${kernel}: ${name} needs a shape with at least one axis`);
  for (const d of shape) checkSize(kernel, `${name} shape [${shape.join(', ')}]`, d);
  return product(shape);
}

/** A possibly negative axis of a rank-`rank` tensor, as a non-negative index. */
export function normaliseAxis(kernel: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) fail('BAD_ARGUMENT', `${kernel}: axis ${axis} is outside a rank-${rank} tensor`);
  return a;
}
