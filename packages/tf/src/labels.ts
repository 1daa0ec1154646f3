// Token and length files: one example a line, tokens split on whitespace. A dump made
// of several tensors (TFRecord records, event images) takes its examples' lines in order.
import { fail } from '@attnlens/core';

export interface ExampleLabels {
  srcTokens?: string[][];
  tgtTokens?: string[][];
  srcLengths?: number[];
  tgtLengths?: number[];
}

/** One example a line (the last newline ends the last line; a blank line is an example with no tokens). */
export function parseTokenLines(text: string): string[][] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => {
    const t = l.trim();
    return t ? t.split(/\s+/) : [];
  });
}

/** Whitespace-separated non-negative integers (a text lengths file). */
export function parseLengths(text: string, file?: string): number[] {
  const words = text.trim() ? text.trim().split(/[\s,]+/) : [];
  return words.map((w, i) => {
    const n = Number(w);
    if (!Number.isInteger(n) || n < 0) fail('BAD_ARGUMENT', `value ${i} (${JSON.stringify(w)}) is not a length (a non-negative integer)`, { file, hint: 'a lengths file holds one count of valid steps per example' });
    return n;
  });
}

/**
 * What each label list is called in errors. The errors speak of the lists, not of CLI flags:
 * `details.option` names the list's option (srcTokens...) and the CLI adds its flag.
 */
export const LABEL_NAMES: Readonly<Record<keyof ExampleLabels, string>> = { srcTokens: 'the source tokens', tgtTokens: 'the target tokens', srcLengths: 'the source lengths', tgtLengths: 'the target lengths' };

/** Hands out the labels of the next examples, in order, for dumps made of several tensors. */
export class LabelCursor {
  private next = 0;
  constructor(private readonly labels: ExampleLabels, private readonly file?: string) {}

  get empty(): boolean {
    return !this.labels.srcTokens && !this.labels.tgtTokens && !this.labels.srcLengths && !this.labels.tgtLengths;
  }

  /** The labels of the next `n` examples; SHAPE_MISMATCH when a list has fewer lines left. */
  take(n: number, what: string): ExampleLabels {
    const out: ExampleLabels = {};
    for (const k of Object.keys(LABEL_NAMES) as (keyof ExampleLabels)[]) {
      const list = this.labels[k];
      if (!list) continue;
      if (this.next + n > list.length) {
        fail('SHAPE_MISMATCH', `${LABEL_NAMES[k]} give ${list.length} line${list.length === 1 ? '' : 's'} but the dump has more examples (${what} needs lines ${this.next + 1} to ${this.next + n})`, {
          file: this.file,
          hint: 'give one line per example, for every example in the file, in order',
          details: { option: k },
        });
      }
      (out as Record<string, unknown>)[k] = list.slice(this.next, this.next + n);
    }
    this.next += n;
    return out;
  }

  /** Every line must have been used. */
  finish(): void {
    for (const k of Object.keys(LABEL_NAMES) as (keyof ExampleLabels)[]) {
      const list = this.labels[k];
      if (list && list.length !== this.next) {
        fail('SHAPE_MISMATCH', `${LABEL_NAMES[k]} give ${list.length} line${list.length === 1 ? '' : 's'} but the dump has ${this.next} example${this.next === 1 ? '' : 's'}`, {
          file: this.file,
          hint: 'give one line per example, for every example in the file, in order',
          details: { option: k },
        });
      }
    }
  }
}
