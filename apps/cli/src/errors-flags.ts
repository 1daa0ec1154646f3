// Package errors name no CLI flag: where the fix is a choice, they set `details.option` to a
// neutral option name ('layer', 'sentenceLayer', 'variant', 'maxlen', …) and say the fix in
// plain words. The CLI's error printer (main.ts) adds the flag that makes that choice here.
import { AttnlensError } from '@attnlens/core/tensor';

/** Option name → the flag (with its argument) that sets it. */
export const OPTION_FLAGS: Readonly<Record<string, string>> = {
  layer: '--layer NAME',
  sentenceLayer: '--sentence-layer NAME',
  variant: '--variant',
  sentenceVariant: '--sentence-variant',
  normalise: '--normalise',
  weights: '--weights W.npy,b.npy,u.npy',
  sentenceWeights: '--sentence-weights W.npy,b.npy,u.npy',
  maxlen: '--maxlen T',
  maxSentences: '--max-sentences S',
  splitSentences: '--split-sentences',
  firstId: '--first-id',
  lower: '--lower',
  oovToken: '--oov-token',
  padding: '--padding',
  truncating: '--truncating',
  padId: '--pad-id',
  batchSize: '--batch-size',
  array: '--array NAME',
  allowExternal: '--allow-external DIR',
};

/** The flags of `details.option` (one name or several); a name not in the table becomes --its-kebab-case. */
export function optionFlags(option: unknown): string[] {
  const names = Array.isArray(option) ? option : [option];
  return names.filter((n): n is string => typeof n === 'string' && n !== '').map((n) => OPTION_FLAGS[n] ?? `--${n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
}

/** The error with its hint ending in the flags that make its choice, e.g. "choose one by name (--layer NAME)"; unchanged without `details.option`. */
export function withFlags(e: AttnlensError): AttnlensError {
  const flags = optionFlags(e.details?.option);
  if (!flags.length) return e;
  const text = flags.join(' and ');
  const hint = e.hint ? `${e.hint} (${text})` : `use ${text}`;
  return new AttnlensError({ code: e.code, message: e.reason, ...(e.file !== undefined ? { file: e.file } : {}), hint, ...(e.details ? { details: e.details } : {}), cause: e });
}
