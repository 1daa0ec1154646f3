// `attnlens forward` and the forward path of `attnlens compute` (attention from the model's
// inputs: ids or text), end to end. Every expected value comes from
// test/cli/scripts/make-forward-fixtures.py: Keras 2.2.4 files written in Keras's layout, the
// ids of a copy of Keras's Tokenizer and pad_sequences, and the forward pass in NumPy float64
// (apps/cli/samples/han_keras.py with packages/layers/scripts/keras_ref.py); rerun it to
// regenerate test/cli/fixtures/forward/.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeJson, toFloat64, type AttentionDocument } from '@attnlens/core';
import { tensor } from '@attnlens/core';
import { readNpyFile, writeNpyFile } from '@attnlens/npy/node';
import { cli, isCleanError } from '../helpers/cli.js';
import { describeReal, real, REPO } from '../helpers/shared.js';
import { maxAbsDiff } from '../helpers/numbers.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-cli-forward-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fx = (f: string) => join(REPO, 'test', 'cli', 'fixtures', 'forward', f);
const p = (f: string) => join(dir, f);
const want = async (f: string) => toFloat64(await readNpyFile(fx(f)));
const docsOf = (f: string): AttentionDocument[] => decodeJson(readFileSync(f, 'utf8')).documents;
// float32 outputs of a float32 forward pass against NumPy's float64 one.
const TOL = 1e-5;

const flatWeights = (docs: AttentionDocument[]) => docs.flatMap((d) => Array.from(d.maps[0]!.weights));
const hanWeights = (docs: AttentionDocument[]) => ({
  sentence: docs.flatMap((d) => Array.from(d.maps[0]!.weights)),
  word: docs.flatMap((d) => d.maps[0]!.children!.flatMap((c) => Array.from(c.weights))),
});

describe('attnlens forward', () => {
  it('writes the model output, and any layer\'s output, as NumPy computes them', async () => {
    const r = cli(['forward', fx('flat.h5'), '--inputs', fx('flat-ids.npy'), '--out', p('probs.npy')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('float32 (4, 2) (output of layer dense_1)');
    expect(maxAbsDiff(toFloat64(await readNpyFile(p('probs.npy'))), await want('flat-probs.npy'))).toBeLessThan(TOL);
    const x = cli(['forward', fx('flat.h5'), '--inputs', fx('flat-ids.npy'), '--layer', 'bidirectional_1', '--batch-size', '3', '--out', p('x.npy')]);
    expect(x.code, x.stderr).toBe(0);
    const got = await readNpyFile(p('x.npy'));
    expect(got.shape).toEqual([4, 6, 8]);
    expect(maxAbsDiff(toFloat64(got), await want('flat-x.npy'))).toBeLessThan(TOL);
    const h = cli(['forward', fx('han.h5'), '--inputs', fx('han-ids.npy'), '--out', p('han-probs.npy')]);
    expect(h.code, h.stderr).toBe(0);
    expect(maxAbsDiff(toFloat64(await readNpyFile(p('han-probs.npy'))), await want('han-probs.npy'))).toBeLessThan(TOL);
  });

  it('refuses bad inputs clearly', () => {
    const two = cli(['forward', fx('flat.h5'), '--inputs', `${fx('flat-ids.npy')},${fx('flat-ids.npy')}`, '--out', p('y.npy')]);
    expect(isCleanError(two), two.stderr).toBe(true);
    expect(two.stderr).toMatch(/takes 1 input .* but 2 were given/);
    const lam = cli(['forward', fx('flat-lambda.h5'), '--inputs', fx('flat-ids.npy'), '--out', p('y.npy')]);
    expect(isCleanError(lam), lam.stderr).toBe(true);
    expect(lam.stderr).toMatch(/lambda_1 \(Lambda\) cannot be run from the file.*att_layer_1/);
    const range = cli(['forward', fx('flat.h5'), '--inputs', fx('flat-ids-out-of-range.npy'), '--out', p('y.npy')]);
    expect(isCleanError(range), range.stderr).toBe(true);
    expect(range.stderr).toMatch(/token id 30 .* outside the embedding's vocabulary \[0, 27\)/);
    const npz = cli(['forward', fx('flat.h5'), '--inputs', fx('flat-ids.npy'), '--out', p('y.attn.pb')]);
    expect(isCleanError(npz), npz.stderr).toBe(true);
    expect(cli(['forward', fx('flat.h5'), '--inputs', fx('flat-ids.npy'), '--layer', 'nope', '--out', p('y.npy')]).stderr).toMatch(/no layer nope/);
  });
});

describe('attnlens compute from the forward pass', () => {
  it('ids of a flat model: the attention NumPy computes, masked as Keras masked (mask_zero)', async () => {
    const r = cli(['compute', '--model', fx('flat.h5'), '--ids', fx('flat-ids.npy'), '--out', p('flat.attn.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('4 documents (layer att_layer_1, attlayer, from the forward pass)');
    const docs = docsOf(p('flat.attn.json'));
    expect(maxAbsDiff(flatWeights(docs), await want('flat-attention.npy'))).toBeLessThan(TOL);
    expect(Array.from(docs[0]!.maps[0]!.weights.slice(0, 2))).toEqual([0, 0]); // pre-padding, masked
    expect(docs[0]!.provenance).toMatchObject({ framework: 'keras', frameworkVersion: '2.2.4', fileName: 'flat.h5' });
    expect(docs[0]!.provenance!.note).toMatch(/forward pass of the model over flat-ids\.npy/);
  });

  it('text and a Keras tokenizer: the same ids, tokens as the model saw them, the words as written kept', async () => {
    const r = cli(['compute', '--model', fx('flat.h5'), '--text', fx('flat.txt'), '--tokenizer', fx('tokenizer.json'), '--out', p('flat-text.attn.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('(4, 6) ids');
    const docs = docsOf(p('flat-text.attn.json'));
    expect(maxAbsDiff(flatWeights(docs), await want('flat-attention.npy'))).toBeLessThan(TOL);
    // "Cold soup and a rude waiter (never again)": the last 6 of its words (truncating 'pre'), 3 unknown.
    expect(docs[1]!.maps[0]!.colLabels).toEqual(['and', '<OOV>', '<OOV>', '<OOV>', 'never', 'again']);
    expect(JSON.parse(docs[1]!.maps[0]!.meta!.original_col_labels!)).toEqual(['and', 'a', 'rude', 'waiter', 'never', 'again']);
    expect(docs[0]!.maps[0]!.colLabels).toEqual(['', '', 'the', 'food', 'was', 'great']);
  });

  it('a HAN from ids (N, S, T) and from text: both levels as hierarchical documents', async () => {
    const r = cli(['compute', '--model', fx('han.h5'), '--ids', fx('han-ids.npy'), '--out', p('han.attn.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('4 hierarchical documents (words: time_distributed_1/att_layer_1; sentences: att_layer_2');
    const got = hanWeights(docsOf(p('han.attn.json')));
    expect(maxAbsDiff(got.word, await want('han-word.npy'))).toBeLessThan(TOL);
    expect(maxAbsDiff(got.sentence, await want('han-sentence.npy'))).toBeLessThan(TOL);
    const t = cli(['compute', '--model', fx('han.h5'), '--text', fx('han.txt'), '--tokenizer', fx('tokenizer.json'), '--padding', 'post', '--truncating', 'post', '--out', p('han-text.attn.json')]);
    expect(t.code, t.stderr).toBe(0);
    const docs = docsOf(p('han-text.attn.json'));
    const fromText = hanWeights(docs);
    expect(maxAbsDiff(fromText.word, await want('han-word.npy'))).toBeLessThan(TOL);
    expect(maxAbsDiff(fromText.sentence, await want('han-sentence.npy'))).toBeLessThan(TOL);
    expect(docs[1]!.maps[0]!.children![2]!.colLabels).toEqual(['never', 'again', 'we', 'waited', 'an', 'hour']);
    expect(docs[2]!.maps[0]!.colLabels).toEqual(['great view', '', '']);
  });

  it('a HAN from raw text split into sentences, the split shown', () => {
    writeFileSync(p('raw.txt'), 'The food was great. The staff were kind and quick\nSlow service. Cold food! Never again, we waited an hour for soup\nGreat view\nUnheard words only\n');
    const r = cli(['compute', '--model', fx('han.h5'), '--text', p('raw.txt'), '--tokenizer', fx('tokenizer.json'), '--split-sentences', '--padding', 'post', '--truncating', 'post', '--out', p('raw.attn.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('sample 1: «Slow service.» «Cold food!» «Never again, we waited an hour for soup»');
    const a = docsOf(p('raw.attn.json'));
    const b = docsOf(p('han-text.attn.json'));
    expect(hanWeights(a)).toEqual(hanWeights(b));
  });

  it('a plain vocabulary (one token a line, in word_index order) gives the Keras tokenizer\'s ids, so the same attention', async () => {
    const wi = JSON.parse(JSON.parse(readFileSync(fx('tokenizer.json'), 'utf8')).config.word_index) as Record<string, number>;
    writeFileSync(p('vocab.txt'), Object.entries(wi).sort((a, b) => a[1] - b[1]).map(([w]) => w).join('\n') + '\n');
    writeFileSync(p('plain.txt'), 'the food was great\n<OOV> and never again\n');
    const r = cli(['compute', '--model', fx('flat.h5'), '--text', p('plain.txt'), '--tokenizer', p('vocab.txt'), '--out', p('plain.attn.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('one token a line, 26 tokens, ids up to 26; split on whitespace, unknown words dropped');
    const docs = docsOf(p('plain.attn.json'));
    expect(maxAbsDiff(docs[0]!.maps[0]!.weights, (await want('flat-attention.npy')).subarray(0, 6))).toBeLessThan(TOL);
    expect(docs[1]!.maps[0]!.colLabels).toEqual(['', '', '<OOV>', 'and', 'never', 'again']);
    writeFileSync(p('plain-upper.txt'), 'The FOOD was Great\nzebra and never again\n');
    const lo = cli(['compute', '--model', fx('flat.h5'), '--text', p('plain-upper.txt'), '--tokenizer', p('vocab.txt'), '--lower', '--oov-token', '<OOV>', '--out', p('plain2.attn.json')]);
    expect(lo.code, lo.stderr).toBe(0);
    const lower = docsOf(p('plain2.attn.json'));
    expect(maxAbsDiff(lower[0]!.maps[0]!.weights, (await want('flat-attention.npy')).subarray(0, 6))).toBeLessThan(TOL);
    expect(lower[1]!.maps[0]!.colLabels).toEqual(['', '', '<OOV>', 'and', 'never', 'again']);
    expect(maxAbsDiff(lower[1]!.maps[0]!.weights, docs[1]!.maps[0]!.weights)).toBe(0);
    const kt = cli(['compute', '--model', fx('flat.h5'), '--text', fx('flat.txt'), '--tokenizer', fx('tokenizer.json'), '--lower', '--out', p('plain3.attn.json')]);
    expect(isCleanError(kt), kt.stderr).toBe(true);
    expect(kt.stderr).toMatch(/a Keras tokenizer carries its own settings/);
  });

  it('--pad-id masks padding ids instead of Keras\'s masks: a HAN\'s empty sentences drop out of the sentence level', async () => {
    const r = cli(['compute', '--model', fx('han.h5'), '--ids', fx('han-ids.npy'), '--pad-id', '0', '--out', p('han-pad.attn.json')]);
    expect(r.code, r.stderr).toBe(0);
    const got = hanWeights(docsOf(p('han-pad.attn.json')));
    // The word level had mask_zero already; the sentence level had no mask, so masking the
    // all-padding sentences renormalises NumPy's weights over the others (up to K.epsilon()).
    expect(maxAbsDiff(got.word, await want('han-word.npy'))).toBeLessThan(TOL);
    const ids = await readNpyFile(fx('han-ids.npy'));
    const sent = await want('han-sentence.npy');
    const [N, S, T] = ids.shape as [number, number, number];
    const expected: number[] = [];
    for (let n = 0; n < N; n++) {
      const valid = Array.from({ length: S }, (_, s) => Array.from({ length: T }, (_, t) => Number(ids.data[(n * S + s) * T + t])).some((v) => v !== 0));
      const total = valid.reduce((a, v, s) => a + (v ? sent[n * S + s]! : 0), 0);
      for (let s = 0; s < S; s++) expected.push(valid[s] ? sent[n * S + s]! / total : 0);
    }
    expect(maxAbsDiff(got.sentence, expected)).toBeLessThan(1e-5);
  });

  it('refuses every bad input with one clear line', () => {
    const cases: [string[], RegExp][] = [
      [['--model', fx('flat.h5'), '--text', fx('flat.txt'), '--out', p('z.attn.pb')], /--text needs --tokenizer/],
      [['--model', fx('flat.h5'), '--text', fx('flat.txt'), '--tokenizer', p('missing.json'), '--out', p('z.attn.pb')], /missing\.json: no such file/],
      [['--model', fx('flat-lambda.h5'), '--ids', fx('flat-ids.npy'), '--out', p('z.attn.pb')], /lambda_1 \(Lambda\) cannot be run from the file/],
      [['--model', fx('flat.h5'), '--ids', fx('flat-ids-out-of-range.npy'), '--out', p('z.attn.pb')], /outside the embedding's vocabulary/],
      [['--model', fx('flat.h5'), '--ids', fx('han-ids.npy'), '--out', p('z.attn.pb')], /model input .* \(N, 6\) but the array given is \(4, 3, 6\)/],
      // ids of the wrong shape: the ids file is named (what to fix), the model in the hint
      [['--model', join(REPO, 'apps', 'cli', 'samples', 'han', 'model.h5'), '--ids', fx('flat-ids.npy'), '--out', p('z.attn.pb')], /flat-ids\.npy: the model input input_2 is \(N, 3, 10\) but the array given is \(4, 6\) \(hint: .*the model is .*model\.h5\)/],
      [['--model', fx('flat.h5'), '--text', p('unknown.txt'), '--tokenizer', fx('tokenizer.json'), '--out', p('z.attn.pb')], /unknown\.txt: none of the 3 words of the text is in the vocabulary \(every one became the OOV token\)/],
      [['--model', fx('flat.h5'), '--ids', fx('flat-ids.npy'), '--out', p('z.npy')], /written as documents/],
      [['--ids', fx('flat-ids.npy'), '--out', p('z.attn.pb')], /give --model FILE/],
      [['--model', fx('flat.h5'), '--ids', fx('flat-ids.npy'), '--sentence-layer', 'att_layer_1', '--out', p('z.attn.pb')], /sentence-level layer was named/],
      [['--model', fx('flat.h5'), '--text', fx('flat.txt'), '--tokenizer', fx('tokenizer.json'), '--padding', 'middle', '--out', p('z.attn.pb')], /padding "middle" is neither pre nor post/],
      [['--model', fx('flat.h5'), '--inputs', fx('flat-x.npy'), '--text', fx('flat.txt'), '--out', p('z.attn.pb')], /--text run.* the model, which --inputs \(X given\) skips/],
      [['--model', fx('flat.h5'), '--text', fx('flat.txt'), '--tokenizer', fx('tokenizer.json'), '--maxlen', '100000000000', '--out', p('z.attn.pb')], /a length of 100000000000 does not fit the model, which takes 6 \(hint: leave the length out: it defaults to what the model takes \(--maxlen T\)\)/],
      [['--model', fx('flat.h5'), '--text', fx('flat.h5'), '--tokenizer', fx('flat.h5'), '--out', p('z.attn.pb')], /flat\.h5: is a binary file, not a tokenizer or vocabulary/],
      [['--model', fx('flat.h5'), '--ids', fx('flat-ids.npy'), '--tokens', fx('flat.txt'), '--lengths', fx('flat-ids.npy'), '--out', p('z.attn.pb')], /--tokens, --lengths go with saved X/],
    ];
    writeFileSync(p('unknown.txt'), 'zebra quagga okapi\n');
    for (const [args, re] of cases) {
      const r = cli(['compute', ...args]);
      expect(isCleanError(r), `${args.join(' ')}: ${r.stderr}`).toBe(true);
      expect(r.stderr).toMatch(re);
    }
  });
});

describe('attnlens inspect: what the forward pass can run', () => {
  it('names the layer in the way, and says when attention comes from ids alone', () => {
    const lam = cli(['inspect', fx('flat-lambda.h5')]);
    expect(lam.code, lam.stderr).toBe(0);
    expect(lam.stdout).toContain('forward pass: 5 of 6 layers run from the file; these cannot:\n  lambda_1 (Lambda): a Lambda layer holds Python code');
    expect(lam.stdout).toMatch(/attention att_layer_1 \(recompute\): not from the model's inputs: layer lambda_1 \(Lambda\) is in the way/);
    const han = JSON.parse(cli(['inspect', fx('han.h5'), '--json']).stdout);
    expect(han.forward.runs).toBe(true);
    expect(han.forward.attention).toEqual([
      { layer: 'time_distributed_1/att_layer_1', kind: 'recompute', from_inputs: true, from_ids: true, why: null },
      { layer: 'att_layer_2', kind: 'recompute', from_inputs: true, from_ids: true, why: null },
    ]);
  });
});

describeReal('attention made of built-in layers, on a real model (xingxiaoxuan-anomaly)', () => {
  it('inspect lists it as reachable from the inputs, and compute writes its softmax maps, rows summing to 1', async () => {
    const model = real('xingxiaoxuan-anomaly', 'attention_model.h5');
    const j = JSON.parse(cli(['inspect', model, '--json']).stdout);
    expect(j.forward.attention).toEqual([expect.objectContaining({ layer: 'dense_1', kind: 'softmax-weighting', from_inputs: true, from_ids: false })]);
    const x = new Float32Array(5 * 24 * 3).map((_, i) => Math.sin(i * 0.37));
    await writeNpyFile(p('anomaly-in.npy'), tensor('float32', [5, 24, 3], x));
    const r = cli(['compute', '--model', model, '--model-inputs', p('anomaly-in.npy'), '--out', p('anomaly.attn.json')]);
    expect(r.code, r.stderr).toBe(0);
    const docs = docsOf(p('anomaly.attn.json'));
    expect(docs).toHaveLength(5);
    const m = docs[0]!.maps[0]!;
    expect(m).toMatchObject({ layer: 'dense_1', variant: 'softmax-weighting' });
    const [rows, cols] = m.shape as [number, number];
    expect(m.shape).toHaveLength(2);
    for (let i = 0; i < rows; i++) expect(Math.abs(m.weights.slice(i * cols, (i + 1) * cols).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
  });
});

describeReal('a real HAN-style model run from its float inputs to its AttLayer (flamingjay-han-ids)', () => {
  it('recomputes att_layer_1 from the forward pass; each map sums to 1 as exp/(Σ+ε) normalises', async () => {
    const x = new Float32Array(3 * 10 * 196).map((_, i) => Math.cos(i * 0.113) * 0.5);
    await writeNpyFile(p('fj-in.npy'), tensor('float32', [3, 10, 196], x));
    const r = cli(['compute', '--model', real('flamingjay-han-ids', 'one_layer_best_model.hdf5'), '--model-inputs', p('fj-in.npy'), '--out', p('fj.attn.json')]);
    expect(r.code, r.stderr).toBe(0);
    const docs = docsOf(p('fj.attn.json'));
    expect(docs.map((d) => d.maps[0]!.shape)).toEqual([[10], [10], [10]]);
    for (const d of docs) expect(Math.abs(d.maps[0]!.weights.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
  });
});

describeReal('a weights-only real file runs with its to_json() architecture (yaokui2018-sentiment)', () => {
  it('forward --config gives the model output; without it the error says to pass the config', async () => {
    const R = (f: string) => real('yaokui2018-sentiment', f);
    const ids = new Int32Array(2 * 100).map((_, i) => (i * 37) % 8307);
    await writeNpyFile(p('yk-ids.npy'), tensor('int32', [2, 100], ids));
    const r = cli(['forward', R('model_lstm.h5'), '--config', R('model_lstm.json'), '--inputs', p('yk-ids.npy'), '--out', p('yk.npy')]);
    expect(r.code, r.stderr).toBe(0);
    const out = await readNpyFile(p('yk.npy'));
    expect(out.shape[0]).toBe(2);
    expect(Array.from(toFloat64(out)).every(Number.isFinite)).toBe(true);
    const bare = cli(['forward', R('model_lstm.h5'), '--inputs', p('yk-ids.npy'), '--out', p('yk2.npy')]);
    expect(isCleanError(bare), bare.stderr).toBe(true);
    expect(bare.stderr).toMatch(/weights only .* model\.to_json\(\)/);
  });
});
