// One entry for every vocabulary file: a Keras Tokenizer JSON, a JSON token → id map, or
// one token a line, told apart by content.
import { fail } from '@attnlens/core';
import { parseKerasTokenizer } from './keras-tokenizer.js';
import type { Vocabulary } from './records.js';
import { parseTokenLines, tokenMapVocabulary, type PlainVocabularyOptions } from './vocabulary.js';

/** Fails on a binary file (a NUL byte, or mostly undecodable UTF-8) given where text is meant. */
export function checkIsText(text: string, what: string, file?: string): void {
  const head = text.slice(0, 1 << 16);
  let bad = 0;
  for (const c of head) if (c === '\uFFFD') bad++;
  if (head.includes('\u0000') || bad > head.length / 10) fail('UNKNOWN_FORMAT', `is a binary file, not ${what}`, { file, hint: `give ${what} as UTF-8 text` });
}

/** The options apply to plain vocabularies; a Keras Tokenizer carries its own. */
export function parseVocabulary(text: string, file?: string, o: PlainVocabularyOptions = {}): Vocabulary {
  checkIsText(text, 'a tokenizer or vocabulary', file);
  const body = text.replace(/^\uFEFF/, '');
  const head = body.trimStart();
  if (!head.startsWith('{') && !head.startsWith('"')) return parseTokenLines(body, file, o);
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch (e) {
    // A first line starting with a quote may be the token '"' of a token-a-line file.
    if (head.startsWith('"')) return parseTokenLines(body, file, o);
    return fail('CORRUPT', `looks like JSON but does not parse: ${(e as Error).message}`, { file, hint: 'give a Keras tokenizer.to_json() file, a JSON {"token": id} map, or one token a line' });
  }
  if (typeof v === 'string' || (isObject(v) && isObject(v.config))) return parseKerasTokenizer(v, file);
  if (isObject(v) && isObject(v.model) && ('vocab' in v.model || 'type' in v.model)) {
    fail('UNSUPPORTED', 'is a Hugging Face tokenizers file (WordPiece/BPE), which attnlens does not apply', { file, hint: 'give a Keras Tokenizer JSON, a JSON {"token": id} map, or one token a line' });
  }
  if (isObject(v)) return tokenMapVocabulary(v, file, o);
  return fail('CORRUPT', 'is JSON but neither a Keras tokenizer nor a {"token": id} map', { file, hint: 'give a Keras tokenizer.to_json() file, a JSON {"token": id} map, or one token a line' });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
