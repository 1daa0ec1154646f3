import { fail } from '@attnlens/core';

// Python's json.dumps writes the bare tokens NaN, Infinity and -Infinity (allow_nan
// defaults to True; FORMATS.md §1.1), which JSON.parse rejects. Outside strings they are
// swapped for sentinel strings, then revived as numbers.
const SENTINEL = '\u0000attnlens:';
const TOKENS = ['-Infinity', 'Infinity', 'NaN'] as const;
const VALUES: Record<string, number> = { '-Infinity': -Infinity, Infinity: Infinity, NaN: NaN };

/** JSON.parse for text written by Python's json module (model_config, config.json). */
export function parsePythonJson(text: string, what = 'JSON', file?: string): unknown {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    if (c !== 0x4e && c !== 0x49 && c !== 0x2d) continue; // N, I, -
    const tok = TOKENS.find((t) => text.startsWith(t, i));
    if (!tok) continue;
    out += text.slice(last, i) + JSON.stringify(SENTINEL + tok);
    i += tok.length - 1;
    last = i + 1;
  }
  out += text.slice(last);
  try {
    return JSON.parse(out, (_k, v: unknown) => (typeof v === 'string' && v.startsWith(SENTINEL) ? VALUES[v.slice(SENTINEL.length)] : v));
  } catch (e) {
    return fail('CORRUPT', `${what} is not valid JSON (${(e as Error).message})`, {
      file,
      hint: 'the file was damaged or written by a tool attnlens does not know; its weights may still be readable',
    });
  }
}
