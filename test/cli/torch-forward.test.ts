// `attnlens compute --model FILE.pt --ids IDS.npy` (and --text with a plain vocabulary) on
// PyTorch state_dicts that are a standard chain, run as a user would. The expected weights are
// torch 1.13's own forward passes over the same ids (packages/torch/scripts/make-forward-fixtures.py).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeJson, type AttentionDocument } from '@attnlens/core';
import { decodeNpy } from '@attnlens/npy';
import { cli, isCleanError } from '../helpers/cli.js';
import { REPO } from '../helpers/shared.js';

const fx = (name: string) => join(REPO, 'packages', 'torch', 'tests', 'fixtures', name);
const npy = (name: string) => decodeNpy(readFileSync(fx(name)));
const dir = mkdtempSync(join(tmpdir(), 'attnlens-torch-forward-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function maxErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

function compute(args: string[], out: string): AttentionDocument[] {
  const r = cli(['compute', ...args, '--out', out]);
  expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  expect(r.code, r.stderr).toBe(0);
  return decodeJson(readFileSync(out, 'utf8')).documents;
}

const flatWeights = (docs: AttentionDocument[]) => docs.flatMap((d) => Array.from(d.maps[0]!.weights));

describe('compute --model FILE.pt runs the chain forward from ids', () => {
  it.each([
    ['bilstm2', [], 'packed'], ['bilstm2', ['--no-packed'], 'unpacked'], ['bigru2-param', ['--packed'], 'packed'], ['bigru2-param', ['--no-packed'], 'unpacked'],
  ])('%s %s: as torch computed it (%s)', (name, flags, mode) => {
    const docs = compute(['--model', fx(`fwd-${name}.pt`), '--ids', fx(`fwd-${name}-ids.npy`), ...flags], join(dir, `${name}-${mode}.attn.json`));
    expect(docs).toHaveLength(5);
    expect(maxErr(flatWeights(docs), npy(`fwd-${name}-${mode}.npy`).data as Float32Array)).toBeLessThan(1e-5);
    expect(docs[0]!.provenance?.framework).toBe('pytorch');
    expect(docs[0]!.provenance?.note).toMatch(mode === 'packed' ? /as pack_padded_sequence skips it/ : /unpacked/);
  });

  it.each(['packed', 'unpacked'])('a HAN (%s): sentence maps with the word maps as children', (mode) => {
    const docs = compute(['--model', fx('fwd-han.pt'), '--ids', fx(`fwd-han-ids-${mode}.npy`), ...(mode === 'packed' ? [] : ['--no-packed'])], join(dir, `han-${mode}.attn.json`));
    expect(docs).toHaveLength(4);
    expect(maxErr(flatWeights(docs), npy(`fwd-han-${mode}-sentence.npy`).data as Float32Array)).toBeLessThan(1e-5);
    const words = docs.flatMap((d) => d.maps[0]!.children!.flatMap((c) => Array.from(c.weights)));
    expect(maxErr(words, npy(`fwd-han-${mode}-word.npy`).data as Float32Array)).toBeLessThan(1e-5);
  });

  it('--text with a plain vocabulary (one token a line, ids from 1) gives the same ids and weights, tokens as labels', () => {
    const vocab = Array.from({ length: 22 }, (_, i) => `w${i + 1}`);
    writeFileSync(join(dir, 'vocab.txt'), `${vocab.join('\n')}\n`);
    const ids = npy('fwd-gru-ids.npy');
    const rows = Array.from({ length: 5 }, (_, n) => Array.from({ length: 7 }, (_, t) => Number(ids.data[n * 7 + t])).filter((v) => v !== 0).map((v) => `w${v}`));
    writeFileSync(join(dir, 'texts.txt'), `${rows.map((r) => r.join(' ')).join('\n')}\n`);
    const docs = compute(['--model', fx('fwd-gru.pt'), '--text', join(dir, 'texts.txt'), '--tokenizer', join(dir, 'vocab.txt'), '--padding', 'post', '--maxlen', '7'], join(dir, 'text.attn.json'));
    expect(maxErr(flatWeights(docs), npy('fwd-gru-packed.npy').data as Float32Array)).toBeLessThan(1e-5);
    expect(docs[2]!.maps[0]!.colLabels?.slice(0, 3)).toEqual(rows[2]);
  });

  it('--text for a HAN: one sentence a line, a blank line between samples', () => {
    writeFileSync(join(dir, 'vocab-han.txt'), `${Array.from({ length: 22 }, (_, i) => `w${i + 1}`).join('\n')}\n`);
    const ids = npy('fwd-han-ids-packed.npy');
    const at = (n: number, s: number, t: number) => Number(ids.data[(n * 3 + s) * 5 + t]);
    const samples = Array.from({ length: 4 }, (_, n) => Array.from({ length: 3 }, (_, s) => Array.from({ length: 5 }, (_, t) => at(n, s, t)).filter((v) => v !== 0).map((v) => `w${v}`).join(' ')).filter(Boolean).join('\n'));
    writeFileSync(join(dir, 'han.txt'), `${samples.join('\n\n')}\n`);
    const docs = compute(['--model', fx('fwd-han.pt'), '--text', join(dir, 'han.txt'), '--tokenizer', join(dir, 'vocab-han.txt'), '--padding', 'post', '--truncating', 'post', '--maxlen', '5', '--max-sentences', '3'], join(dir, 'han-text.attn.json'));
    expect(maxErr(flatWeights(docs), npy('fwd-han-packed-sentence.npy').data as Float32Array)).toBeLessThan(1e-5);
    expect(docs[0]!.maps[0]!.children![1]!.colLabels?.slice(0, 2)).toEqual(samples[0]!.split('\n')[1]!.split(' ').slice(0, 2));
  });

  it('inspect says whether the attention can be computed from ids, and why not', () => {
    expect(cli(['inspect', fx('fwd-gru.pt')]).stdout).toMatch(/from token ids: yes, the chain Embedding\(23, 6\) embedding → GRU\(6→5\) rnn → score head \(5→1\) attention\.attn/);
    const j = JSON.parse(cli(['inspect', fx('fwd-noemb.pt'), '--json']).stdout);
    expect(j.from_ids.computable).toBe(false);
    expect(j.from_ids.why).toMatch(/^no Embedding/);
  });

  it('refuses clearly what it cannot run', () => {
    const between = cli(['compute', '--model', fx('fwd-between.pt'), '--ids', fx('fwd-gru-ids.npy'), '--out', join(dir, 'x.attn.pb')]);
    expect(isCleanError(between)).toBe(true);
    expect(between.stderr).toMatch(/cannot be run from token ids: module proj .* does not say whether forward\(\) applies it/);
    const rank = cli(['compute', '--model', fx('fwd-gru.pt'), '--ids', fx('fwd-han-ids-packed.npy'), '--out', join(dir, 'x.attn.pb')]);
    expect(isCleanError(rank)).toBe(true);
    expect(rank.stderr).toMatch(/the ids are \(4, 3, 5\), but this model takes \(samples, steps\)/);
    const keras = cli(['compute', '--model', join(REPO, 'apps', 'cli', 'samples', 'han', 'model.h5'), '--ids', fx('fwd-han-ids-packed.npy'), '--no-packed', '--out', join(dir, 'x.attn.pb')]);
    expect(isCleanError(keras)).toBe(true);
    expect(keras.stderr).toMatch(/--packed and --no-packed say how a PyTorch model ran its RNNs/);
    const savedX = cli(['compute', '--model', fx('fwd-gru.pt'), '--inputs', fx('att-x.npy'), '--no-packed', '--out', join(dir, 'x.attn.pb')]);
    expect(isCleanError(savedX)).toBe(true);
    expect(savedX.stderr).toMatch(/--no-packed runs the model/);
  });
});
