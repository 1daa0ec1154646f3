// Plain vocabularies: one token a line (id = its line's position), or a JSON token → id
// map. Text is split on whitespace only: a plain vocabulary does not say how its model
// split text, so nothing is guessed beyond it (lowercasing is an option).
import { fail } from '@attnlens/core';
import type { EncodeStats, TokenRecord, Vocabulary } from './records.js';

export interface PlainVocabularyOptions {
  /**
   * Id of the first line of a one-token-a-line vocabulary. Default 1: id 0 is reserved
   * for padding, as Keras reserves it (a word_index written out in order). Use 0 when the
   * first line is the padding token itself (BERT's vocab.txt, torchtext's itos).
   */
  firstId?: 0 | 1;
  /** Lowercase the text before looking words up. Default false. */
  lower?: boolean;
  /** The token unknown words become (it must be in the vocabulary); without it they are dropped, as Keras drops them. */
  oovToken?: string;
}

export class PlainVocabulary implements Vocabulary {
  readonly maxId: number;
  readonly oovId: number | undefined;
  private readonly lower: boolean;
  private readonly oovToken: string | undefined;

  constructor(
    readonly kind: 'token-lines' | 'token-map',
    readonly ids: ReadonlyMap<string, number>,
    readonly file: string | undefined,
    o: PlainVocabularyOptions,
  ) {
    let max = 0;
    for (const i of ids.values()) if (i > max) max = i;
    this.maxId = max;
    this.lower = o.lower ?? false;
    if (o.oovToken !== undefined) {
      this.oovId = ids.get(o.oovToken);
      if (this.oovId === undefined) fail('NOT_FOUND', `the OOV token ${JSON.stringify(o.oovToken)} is not in the vocabulary`, { file, hint: 'name a token the vocabulary holds (e.g. <unk> or [UNK]), or leave it out to drop unknown words' });
    }
    this.oovToken = o.oovToken;
  }

  describe(): string {
    return `${this.kind === 'token-lines' ? 'one token a line' : 'JSON token → id map'}, ${this.ids.size} tokens, ids up to ${this.maxId}; split on whitespace${this.lower ? ', lowercased' : ''}${this.oovToken !== undefined ? `, unknown words → ${JSON.stringify(this.oovToken)}` : ', unknown words dropped'}`;
  }

  encode(text: string, stats?: EncodeStats): TokenRecord[] {
    const out: TokenRecord[] = [];
    for (const original of text.split(/\s+/u)) {
      if (original === '') continue;
      const w = this.lower ? original.toLowerCase() : original;
      const id = this.ids.get(w);
      if (id !== undefined) out.push({ id, token: w, original });
      else if (this.oovId !== undefined) {
        if (stats) stats.oov++;
        out.push({ id: this.oovId, token: this.oovToken!, original });
      } else if (stats) stats.dropped++;
    }
    return out;
  }
}

/** One token a line; a final newline ends the last line; an empty line is an error (ids would shift). */
export function parseTokenLines(text: string, file: string | undefined, o: PlainVocabularyOptions = {}): PlainVocabulary {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const first = o.firstId ?? 1;
  const ids = new Map<string, number>();
  lines.forEach((tok, k) => {
    if (tok === '') fail('CORRUPT', `line ${k + 1} of the vocabulary is empty, and every line is a token whose id is its position`, { file, hint: 'remove the empty line (ids after it shift by one), or give a JSON token → id map' });
    if (ids.has(tok)) fail('CORRUPT', `token ${JSON.stringify(tok)} is on line ${ids.get(tok)! - first + 1} and again on line ${k + 1}`, { file, hint: 'a vocabulary lists each token once' });
    ids.set(tok, k + first);
  });
  if (ids.size === 0) fail('CORRUPT', 'the vocabulary is empty', { file });
  return new PlainVocabulary('token-lines', ids, file, o);
}

/** A JSON object token → non-negative integer id. */
export function tokenMapVocabulary(map: Record<string, unknown>, file: string | undefined, o: PlainVocabularyOptions = {}): PlainVocabulary {
  const ids = new Map<string, number>();
  for (const [tok, id] of Object.entries(map)) {
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) fail('CORRUPT', `maps ${JSON.stringify(tok)} to ${JSON.stringify(id)}, not to a non-negative integer id`, { file, hint: 'a token map is {"token": id, ...}' });
    ids.set(tok, id);
  }
  if (ids.size === 0) fail('CORRUPT', 'the token map is empty', { file });
  return new PlainVocabulary('token-map', ids, file, o);
}
