// `attnlens compute` end to end, without the shared corpus: bare W,b,u arrays and the
// attention they must give, both written by test/cli/scripts/make-compute-fixtures.py
// with the NumPy reference ../shared/reference/han_ref.py (rerun it to regenerate
// test/cli/fixtures/compute/), and the small HAN model that
// packages/attention/scripts/make-fixtures.py saves the way Keras 2.2.4 does.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJson, decodeStream, tensor, toFloat64, type Tensor } from '@attnlens/core';
import { encodeNpy } from '@attnlens/npy';
import { readNpyFile, writeNpyFile } from '@attnlens/npy/node';
import { openKeras } from '@attnlens/keras/node';
import { cli, isCleanError } from '../helpers/cli.js';
import { REPO } from '../helpers/shared.js';
import { maxAbsDiff } from '../helpers/numbers.js';

const dir = mkdtempSync(join(tmpdir(), 'attnlens-cli-compute-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HAN = join(REPO, 'packages', 'attention', 'tests', 'fixtures', 'han');
const han = (f: string) => join(HAN, f);
const FIX = join(REPO, 'test', 'cli', 'fixtures', 'compute');
const fx = (f: string) => join(FIX, f);
const p = (f: string) => join(dir, f);

// The fixtures' AttLayer: F = 6, A = 4; X (N=5, T=7, F); lengths 7, 3, 0, 5, 1.
const F = 6;
const N = 5;
const T = 7;
const weights = `${fx('W.npy')},${fx('b.npy')},${fx('u.npy')}`;
/** What NumPy computed for one case (float64). */
const want = async (name: string) => toFloat64(await readNpyFile(fx(`expected_${name}.npy`)));
// The CLI writes float32 weights: the float64 reference to within float32 rounding.
const TOL = 1e-6;

describe('attnlens compute', () => {
  it('--weights to .npy: float32 (N, T), unmasked and with --lengths', async () => {
    let r = cli(['compute', '--weights', weights, '--inputs', fx('X.npy'), '--out', p('a.npy')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${p('a.npy')}: float32 (5, 7) (attlayer, eps normalisation)\n`);
    const a = await readNpyFile(p('a.npy'));
    expect(a.dtype).toBe('float32');
    expect([...a.shape]).toEqual([5, 7]);
    expect(maxAbsDiff(a.data as Float32Array, await want('plain'))).toBeLessThan(TOL);
    r = cli(['compute', '--weights', weights, '--inputs', fx('X.npy'), '--lengths', fx('L.npy'), '--normalise', 'softmax', '--out', p('m.npy')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(attlayer, softmax normalisation)'); // within 1e-7 of eps here: sum + 1e-7 vs sum
    const m = (await readNpyFile(p('m.npy'))).data as Float32Array;
    expect(maxAbsDiff(m, await want('softmax_masked'))).toBeLessThan(TOL);
    for (let t = 0; t < T; t++) expect(m[2 * T + t]).toBe(0); // length 0: all zeros
  });

  it('--weights W.npy,,u.npy: a layer without bias', async () => {
    const r = cli(['compute', '--weights', `${fx('W.npy')},,${fx('u.npy')}`, '--inputs', fx('X.npy'), '--out', p('nb.npy')]);
    expect(r.code).toBe(0);
    const got = (await readNpyFile(p('nb.npy'))).data as Float32Array;
    expect(maxAbsDiff(got, await want('nobias'))).toBeLessThan(TOL);
  });

  it('to .attn.pb with text tokens, one per valid step: labels, validCols, provenance', async () => {
    writeFileSync(p('tok.txt'), 'a b c d e f g\nh i j\n\nk l m n o\np\n');
    const r = cli(['compute', '--weights', weights, '--inputs', fx('X.npy'), '--lengths', fx('L.npy'), '--tokens', p('tok.txt'), '--out', p('d.attn.pb')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/5 documents of 7 steps/);
    const docs = decodeStream(readFileSync(p('d.attn.pb'))).documents;
    expect(docs.map((d) => d.id)).toEqual(['0', '1', '2', '3', '4']);
    expect(docs[1]!.maps[0]).toMatchObject({ shape: [7], colLabels: ['h', 'i', 'j', '', '', '', ''], validCols: 3, variant: 'attlayer' });
    expect(docs[2]!.maps[0]!.validCols).toBe(0);
    expect(docs[0]!.provenance).toMatchObject({ sourceFormat: 'npy', fileName: 'W.npy,b.npy,u.npy', generator: expect.stringMatching(/^attnlens /) });
    expect(docs[0]!.provenance!.sha256).toMatch(/^[0-9a-f]{64}$/);
    const masked = await want('masked');
    for (let n = 0; n < N; n++) expect(maxAbsDiff(docs[n]!.maps[0]!.weights, masked.subarray(n * T, (n + 1) * T))).toBeLessThan(TOL);
  });

  it('--ids with --pad-id masks padding anywhere; JSON tokens line up with the valid steps', async () => {
    const ids = (await readNpyFile(fx('ids.npy'))).data as Int32Array; // pad id 9 at every third step
    const valid = (n: number) => Array.from({ length: T }, (_, t) => ids[n * T + t] !== 9);
    const tokens = Array.from({ length: N }, (_, n) => valid(n).flatMap((v, t) => (v ? [`t${t}`] : [])));
    writeFileSync(p('tok.json'), JSON.stringify(tokens));
    const r = cli(['compute', '--weights', weights, '--inputs', fx('X.npy'), '--ids', fx('ids.npy'), '--pad-id', '9', '--tokens', p('tok.json'), '--out', p('ids.attn.json')]);
    expect(r.code).toBe(0);
    const docs = decodeJson(readFileSync(p('ids.attn.json'), 'utf8')).documents;
    const expected = await want('ids');
    for (let n = 0; n < N; n++) {
      const m = docs[n]!.maps[0]!;
      expect(maxAbsDiff(m.weights, expected.subarray(n * T, (n + 1) * T))).toBeLessThan(TOL);
      expect(m.colLabels).toEqual(valid(n).map((v, t) => (v ? `t${t}` : '')));
      valid(n).forEach((v, t) => v || expect(m.weights[t]).toBe(0));
    }
  });

  it('--weights w.npy,b.npy without u is a linear score head (softmax by default)', async () => {
    const r = cli(['compute', '--weights', `${fx('wl.npy')},${fx('bl.npy')}`, '--inputs', fx('X.npy'), '--lengths', fx('L.npy'), '--out', p('lin.npy')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(linear, softmax normalisation)');
    const got = (await readNpyFile(p('lin.npy'))).data as Float32Array;
    expect(maxAbsDiff(got, await want('linear_masked'))).toBeLessThan(TOL);
    for (let n = 0; n < N; n++) {
      const sum = got.slice(n * T, (n + 1) * T).reduce((a, v) => a + v, 0);
      expect(sum).toBeCloseTo(n === 2 ? 0 : 1, 6);
    }
  });

  it('(N, S, T, F) inputs give (N, S, T) weights', async () => {
    const r = cli(['compute', '--weights', weights, '--inputs', fx('x4.npy'), '--out', p('x4o.npy')]);
    expect(r.code).toBe(0);
    const o = await readNpyFile(p('x4o.npy'));
    expect([...o.shape]).toEqual([2, 3, T]);
    expect(maxAbsDiff(o.data as Float32Array, await want('x4'))).toBeLessThan(TOL);
  });

  it('hierarchical from a Keras HAN: word layer inside TimeDistributed and sentence layer found by their inputs, both levels exact', async () => {
    writeFileSync(p('han-tok.txt'), 'the food was good\ngreat staff\nok\n\nslow slow service\nwe waited an hour\n');
    const r = cli(['compute', '--model', han('han.h5'), '--inputs', han('X_word.npy'), '--sentence-inputs', han('X_sentence.npy'), '--lengths', han('word_lengths.npy'), '--tokens', p('han-tok.txt'), '--out', p('han.attn.json')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('words: layer time_distributed_1/att_layer_1, attlayer, eps normalisation; sentences: layer att_layer_2');
    const docs = decodeJson(readFileSync(p('han.attn.json'), 'utf8')).documents;
    const word = toFloat64(await readNpyFile(han('expected_word.npy')));
    const sent = toFloat64(await readNpyFile(han('expected_sentence.npy')));
    expect(docs.length).toBe(2);
    for (let n = 0; n < 2; n++) {
      const top = docs[n]!.maps[0]!;
      expect(top).toMatchObject({ name: 'sentence attention', shape: [3], layer: 'att_layer_2', variant: 'attlayer' });
      expect(maxAbsDiff(top.weights, sent.subarray(n * 3, n * 3 + 3))).toBeLessThan(1e-6);
      for (let s = 0; s < 3; s++) {
        const c = top.children![s]!;
        expect(c.layer).toBe('time_distributed_1/att_layer_1');
        expect(maxAbsDiff(c.weights, word.subarray((n * 3 + s) * 4, (n * 3 + s + 1) * 4))).toBeLessThan(1e-6);
      }
    }
    expect(docs[0]!.maps[0]!.children![0]!.colLabels).toEqual(['the', 'food', 'was', 'good']);
    expect(docs[1]!.maps[0]!.children![1]).toMatchObject({ colLabels: ['we', 'waited', 'an', 'hour'] });
    expect(docs[1]!.maps[0]!.children![2]).toMatchObject({ validCols: 0, colLabels: ['', '', '', ''] });
    expect(docs[0]!.provenance).toMatchObject({ sourceFormat: 'keras-h5', framework: 'keras', frameworkVersion: '2.2.4', fileName: 'han.h5' });
  });

  it('hierarchical from bare arrays with --sentence-weights gives the same as from the model', async () => {
    // Write the HAN's weights out as bare arrays, then recompute from them.
    const kf = await openKeras(han('han.h5'));
    try {
      for (const [lvl, path] of [['w', 'model_weights/time_distributed_1/att_layer_1'], ['s', 'model_weights/att_layer_2/att_layer_2']] as const) {
        for (const x of ['W', 'b', 'u']) await writeNpyFile(p(`han-${lvl}-${x}.npy`), kf.readWeight(`${path}/${x}:0`));
      }
    } finally {
      kf.close();
    }
    const ws = (lvl: string) => ['W', 'b', 'u'].map((x) => p(`han-${lvl}-${x}.npy`)).join(',');
    const r = cli(['compute', '--weights', ws('w'), '--sentence-weights', ws('s'), '--inputs', han('X_word.npy'), '--sentence-inputs', han('X_sentence.npy'), '--lengths', han('word_lengths.npy'), '--out', p('han2.attn.json')]);
    expect(r.code).toBe(0);
    const docs = decodeJson(readFileSync(p('han2.attn.json'), 'utf8')).documents;
    const word = toFloat64(await readNpyFile(han('expected_word.npy')));
    const sent = toFloat64(await readNpyFile(han('expected_sentence.npy')));
    expect(docs.length).toBe(2);
    for (let n = 0; n < 2; n++) {
      const top = docs[n]!.maps[0]!;
      expect(maxAbsDiff(top.weights, sent.subarray(n * 3, n * 3 + 3))).toBeLessThan(1e-6);
      expect(top.children!.length).toBe(3);
      top.children!.forEach((c, s) => expect(maxAbsDiff(c.weights, word.subarray((n * 3 + s) * 4, (n * 3 + s + 1) * 4))).toBeLessThan(1e-6));
    }
  });

  it('lists the candidates and stops when a model has several attention layers and no --layer', () => {
    const r = cli(['compute', '--model', han('han.h5'), '--inputs', han('X_word.npy'), '--out', p('x.npy')]);
    expect(isCleanError(r), r.stderr).toBe(true);
    expect(r.stderr).toContain('han.h5: has 2 attention layers: time_distributed_1/att_layer_1 (attlayer, W 6×4), att_layer_2 (attlayer, W 5×3) (hint: choose one by name (--layer NAME))');
    // The nested layer by its full name, or by its own name when that is unique.
    for (const name of ['time_distributed_1/att_layer_1', 'att_layer_1']) {
      const ok = cli(['compute', '--model', han('han.h5'), '--layer', name, '--inputs', han('X_word.npy'), '--out', p('word.npy')]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain('layer time_distributed_1/att_layer_1, attlayer');
    }
  });

  describe('bad input: one clear line, non-zero exit', () => {
    const bad: [string, () => Promise<string[]> | string[], RegExp, number?][] = [
      ['neither --model nor --weights', () => ['--inputs', fx('X.npy'), '--out', p('o.npy')], /say where the attention layer is: --model FILE or --weights/, 2],
      ['both --model and --weights', () => ['--model', han('han.h5'), '--weights', weights, '--inputs', fx('X.npy'), '--out', p('o.npy')], /either --model or --weights, not both/, 2],
      ['two masks', () => ['--weights', weights, '--inputs', fx('X.npy'), '--lengths', fx('L.npy'), '--mask', fx('L.npy'), '--out', p('o.npy')], /give one of --lengths, --mask/, 2],
      ['an output name that says nothing', () => ['--weights', weights, '--inputs', fx('X.npy'), '--out', p('o.csv')], /o\.csv: cannot tell what to write from the name o\.csv/, 2],
      ['an unknown variant', () => ['--weights', weights, '--variant', 'luong', '--inputs', fx('X.npy'), '--out', p('o.npy')], /--variant "luong" is not a variant attnlens knows \(hint: use one of awc-tf, awc-th, attlayer, linear[,)]/, 2],
      ['a variant that does not fit W', () => ['--weights', weights, '--variant', 'awc-th', '--inputs', fx('X.npy'), '--out', p('o.npy')], /W\.npy: awc-th needs a square W \(F, F\), but W is \(6, 4\)/],
      ['X whose F does not fit W', () => ['--weights', weights, '--inputs', p('x5.npy'), '--out', p('o.npy')], /x5\.npy: X is \(2, 3, 5\) but W is \(6, 4\): X's last axis \(F = 5\) must equal W's axis 0 \(x·W\) = 6 \(hint: .*check the layer chosen, or the variant .* \(--layer NAME and --variant\)\)/],
      // the package names the option (details.option), the CLI's printer adds its flags
      ['token ids given as X', () => ['--weights', weights, '--inputs', p('xint.npy'), '--out', p('o.npy')], /xint\.npy: X \(2, 3, 6\) has dtype int32.*\(hint: give token ids as the ids \(with their padding id\), not as X \(--ids and --pad-id\)\)/],
      ['lengths longer than T', () => ['--weights', weights, '--inputs', fx('X.npy'), '--lengths', p('L9.npy'), '--out', p('o.npy')], /L9\.npy: lengths\[1\] = 9 is longer than T = 7 \(lengths is \(5,\), X is \(5, 7, 6\)\)/],
      ['negative lengths', () => ['--weights', weights, '--inputs', fx('X.npy'), '--lengths', p('Lneg.npy'), '--out', p('o.npy')], /Lneg\.npy: lengths \(5,\) holds -2 at \[3\]/, 2],
      ['lengths for another batch', () => ['--weights', weights, '--inputs', fx('X.npy'), '--lengths', p('L3.npy'), '--out', p('o.npy')], /L3\.npy: lengths is \(3,\) but X is \(5, 7, 6\): need one length per sequence \(5\)/],
      ['a mask of the wrong shape', () => ['--weights', weights, '--inputs', fx('X.npy'), '--mask', p('M.npy'), '--out', p('o.npy')], /M\.npy: mask is \(5, 6\) but X is \(5, 7, 6\)/],
      ['NaN in X', () => ['--weights', weights, '--inputs', p('xnan.npy'), '--out', p('o.npy')], /xnan\.npy: X \(5, 7, 6\) holds NaN at \[3, 2, 1\]/],
      ['a missing X', () => ['--weights', weights, '--inputs', p('nope.npy'), '--out', p('o.npy')], /nope\.npy: no such file/],
      ['a missing layer', () => ['--model', han('han.h5'), '--layer', 'att_layer_9', '--inputs', han('X_word.npy'), '--out', p('o.npy')], /han\.h5: has no layer named att_layer_9/],
      ['a layer that is not attention', () => ['--model', han('han.h5'), '--layer', 'dense_1', '--inputs', han('X_word.npy'), '--out', p('o.npy')], /layer dense_1 is not an attention layer attnlens can recompute \(hint: attention layers: time_distributed_1\/att_layer_1.* \(--layer NAME\)\)/],
      ['too many tokens for T', () => ['--weights', weights, '--inputs', fx('X.npy'), '--tokens', p('tok-long.txt'), '--out', p('o.attn.json')], /tok-long\.txt: sample 0 has 8 tokens but X has only T = 7 steps/],
      ['tokens for fewer samples than X', () => ['--weights', weights, '--inputs', fx('X.npy'), '--tokens', p('tok-short.txt'), '--out', p('o.attn.json')], /tok-short\.txt: has tokens for 2 samples but X \(5, 7, 6\) has 5/],
      ['tokens that do not match the valid steps', () => ['--weights', weights, '--inputs', fx('X.npy'), '--lengths', fx('L.npy'), '--tokens', p('tok-bad.txt'), '--out', p('o.attn.json')], /tok-bad\.txt: sample 1 has 2 tokens but X has T = 7 steps of which 3 are valid/],
      ['tokens with an .npy output', () => ['--weights', weights, '--inputs', fx('X.npy'), '--tokens', p('tok-any.txt'), '--out', p('o.npy')], /tokens label documents/, 2],
      ['hierarchical to .npy', () => ['--weights', weights, '--sentence-weights', weights, '--inputs', han('X_word.npy'), '--sentence-inputs', han('X_sentence.npy'), '--out', p('o.npy')], /hierarchical attention writes documents/, 2],
      ['hierarchical inputs that disagree', () => ['--model', han('han.h5'), '--inputs', p('hw.npy'), '--sentence-inputs', han('X_sentence.npy'), '--out', p('o.attn.json')], /hw\.npy: word-level X is \(3, 4, 4, 6\) but sentence-level X is \(2, 3, 5\): both must have 2 samples of 3 sentences/],
      ['--pad-id without --ids', () => ['--weights', weights, '--inputs', fx('X.npy'), '--pad-id', '0', '--out', p('o.npy')], /--pad-id needs --ids/, 2],
      ['a --pad-id that is not an integer', () => ['--weights', weights, '--inputs', fx('X.npy'), '--ids', fx('ids.npy'), '--pad-id', 'x', '--out', p('o.npy')], /--pad-id must be an integer token id/, 2],
      ['a file of several arrays where one is meant', () => ['--weights', weights, '--inputs', fx('X.npy'), '--lengths', p('two.npy'), '--out', p('o.npy')], /two\.npy: holds 2 arrays saved one after another \(0, 1\); say which one \(hint: compute reads one array per option/],
      ['an output folder that does not exist', () => ['--weights', weights, '--inputs', fx('X.npy'), '--out', p('no/such/dir/o.attn.pb')], /o\.attn\.pb: the folder .*no\/such\/dir does not exist/],
      ['u that does not fit W', () => ['--weights', `${fx('W.npy')},${fx('b.npy')},${p('b5.npy')}`, '--inputs', fx('X.npy'), '--out', p('o.npy')], /W\.npy: u is \(5,\) but W \(6, 4\) gives A = 4/],
    ];
    beforeAll(async () => {
      await writeNpyFile(p('x5.npy'), tensor('float32', [2, 3, 5], new Float32Array(30)));
      await writeNpyFile(p('xint.npy'), tensor('int32', [2, 3, 6], new Int32Array(36)));
      await writeNpyFile(p('L9.npy'), tensor('int32', [5], Int32Array.from([7, 9, 1, 1, 1])));
      await writeNpyFile(p('Lneg.npy'), tensor('int32', [5], Int32Array.from([7, 1, 1, -2, 1])));
      await writeNpyFile(p('L3.npy'), tensor('int32', [3], Int32Array.from([1, 1, 1])));
      await writeNpyFile(p('M.npy'), tensor('bool', [5, 6], new Uint8Array(30)));
      await writeNpyFile(p('b5.npy'), tensor('float32', [5], new Float32Array(5)));
      await writeNpyFile(p('hw.npy'), tensor('float32', [3, 4, 4, 6], new Float32Array(288)));
      const X = await readNpyFile(fx('X.npy'));
      const xn = (X.data as Float32Array).slice();
      xn[(3 * T + 2) * F + 1] = NaN;
      await writeNpyFile(p('xnan.npy'), tensor('float32', [N, T, F], xn) as Tensor);
      const L = await readNpyFile(fx('L.npy'));
      writeFileSync(p('two.npy'), Buffer.concat([encodeNpy(L), encodeNpy(L)]));
      writeFileSync(p('tok-any.txt'), 'a\n');
      writeFileSync(p('tok-long.txt'), 'a b c d e f g h\na\nb\nc\nd\n');
      writeFileSync(p('tok-short.txt'), 'a\nb\n');
      writeFileSync(p('tok-bad.txt'), 'a b c d e f g\nh i\n\nk l m n o\np\n');
    });
    for (const [what, args, msg, code] of bad) {
      it(what, async () => {
        const r = cli(['compute', ...(await args())]);
        expect(isCleanError(r), r.stderr).toBe(true);
        expect(r.stderr).toMatch(msg);
        expect(r.code).toBe(code ?? 1);
      });
    }
  });
});
