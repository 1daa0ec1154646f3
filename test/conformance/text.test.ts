// @attnlens/text on a real Keras tokenizer (../shared/fixtures/real/sh2222222-mt, an
// EN→FR translation model's en_tokenizer.json: filters "", lower, no num_words). The
// expected ids were printed by packages/text/scripts/make-fixtures.py --encode (a copy of
// Keras's tokenizer_from_json and texts_to_sequences) when this test was written.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { encodeTexts, parseKerasTokenizer, type KerasTokenizer } from '@attnlens/text';
import { loadVocabulary } from '@attnlens/text/node';
import { describeReal, real } from '../helpers/shared.js';

const TEXTS = [
  'New Jersey is sometimes quiet during autumn, and it is snowy in April.',
  'The UNITED states is usually chilly in July .',
  'xyzzy paris!!',
  '',
  '  he saw a old yellow truck  ',
];
// make-fixtures.py --encode en_tokenizer.json TEXT...: with filters "" the words
// "autumn," "april." and "paris!!" are unknown and dropped, as Keras drops them.
const WANT = [[19, 25, 1, 10, 69, 6, 9, 5, 1, 57, 4], [7, 22, 23, 1, 11, 64, 4, 45, 3], [], [], [28, 131, 102, 113, 114, 103]];

describeReal('text: the real Keras tokenizer of sh2222222-mt', () => {
  const file = () => real('sh2222222-mt', 'en_tokenizer.json');

  it('word_index round-trips: every word encodes to its own index, and index_word is its inverse', async () => {
    const tok = (await loadVocabulary(file())) as KerasTokenizer;
    expect(tok.kind).toBe('keras-tokenizer');
    expect(tok.wordIndex.size).toBe(227);
    expect(tok.maxId).toBe(227);
    const config = (JSON.parse(readFileSync(file(), 'utf8')) as { config: { index_word: string } }).config;
    const indexWord = JSON.parse(config.index_word) as Record<string, string>;
    expect(Object.keys(indexWord)).toHaveLength(227);
    for (const [w, i] of tok.wordIndex) {
      expect(indexWord[String(i)]).toBe(w);
      expect(tok.encode(w).map((r) => r.id)).toEqual([i]);
    }
  });

  it('sentences map to the ids Keras gives', async () => {
    const tok = parseKerasTokenizer(JSON.parse(readFileSync(file(), 'utf8')), file());
    expect(TEXTS.map((t) => tok.encode(t).map((r) => r.id))).toEqual(WANT);
    const e = encodeTexts(TEXTS, tok, { maxlen: 12 });
    expect(Array.from(e.ids.subarray(0, 12))).toEqual([0, ...WANT[0]!]);
    expect(e.labels[1]!.slice(3)).toEqual(['the', 'united', 'states', 'is', 'usually', 'chilly', 'in', 'july', '.']);
    expect(e.originals[1]!.slice(3, 5)).toEqual(['The', 'UNITED']);
  });
});
