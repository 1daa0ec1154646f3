// The engine and `attnlens compute` against the real cases in ../shared/fixtures/expected:
// real Keras layers (eindH's AttentionWithContext, FlamingJay's AttLayer), a deterministic
// X, valid lengths, and the attention han_ref.py computes in float64.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PNG } from 'pngjs';
import { decodeJson, tensor, toFloat64, type Tensor } from '@attnlens/core';
import { sha256File } from '@attnlens/core/node';
import { readNpyFile, writeNpyFile } from '@attnlens/npy/node';
import { openKeras } from '@attnlens/keras/node';
import { computeAttention, maskFromLengths, prepareKernel, type Variant } from '@attnlens/attention';
import { cli, isCleanError } from '../helpers/cli.js';
import { describeReal, expected, real } from '../helpers/shared.js';
import { maxAbsDiff } from '../helpers/numbers.js';

const CASES = [
  { name: 'eindh-awc', model: 'eindh-at-conv-lstm/model_0025-0.0035.h5', layer: 'attention_with_context_1', variant: 'awc-tf' as Variant, keras: '2.3.1' },
  { name: 'flamingjay-attlayer', model: 'flamingjay-han-ids/one_layer_best_model.hdf5', layer: 'att_layer_1', variant: 'attlayer' as Variant, keras: '2.2.4' },
];

describeReal('attention: the real cases in ../shared/fixtures/expected', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'attnlens-conf-attention-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of CASES) {
    describe(c.name, () => {
      const e = (f: string) => expected(c.name, f);
      let want: Float64Array;
      let wantMasked: Float64Array;
      let lengths: Tensor;
      let X: Tensor;
      beforeAll(async () => {
        want = toFloat64(await readNpyFile(e('attention.npy')));
        wantMasked = toFloat64(await readNpyFile(e('attention_masked.npy')));
        lengths = await readNpyFile(e('lengths.npy'));
        X = await readNpyFile(e('X.npy'));
      });

      it('the case is what case.json says', () => {
        const meta = JSON.parse(readFileSync(e('case.json'), 'utf8'));
        expect(meta.variant).toBe(c.variant);
        expect([...X.shape]).toEqual(meta.X_shape);
      });

      it('engine: reproduces attention.npy and attention_masked.npy to 1e-6 (SIMD and JS kernels)', async () => {
        const kf = await openKeras(real(c.model));
        try {
          const info = kf.attentionLayers.find((i) => i.layer === c.layer)!;
          expect(info.variant).toBe(c.variant);
          const k = prepareKernel({ variant: info.variant, W: kf.readWeight(info.weights.W), b: kf.readWeight(info.weights.b!), u: kf.readWeight(info.weights.u!) });
          for (const backend of ['auto', 'js'] as const) {
            expect(maxAbsDiff(computeAttention(k, X, undefined, { backend }), want)).toBeLessThan(1e-6);
            expect(maxAbsDiff(computeAttention(k, X, maskFromLengths(lengths), { backend }), wantMasked)).toBeLessThan(1e-6);
          }
        } finally {
          kf.close();
        }
      });

      it('compute --model (layer found automatically): unmasked and masked to 1e-6', async () => {
        const out = join(dir, `${c.name}-model.npy`);
        let r = cli(['compute', '--model', real(c.model), '--inputs', e('X.npy'), '--out', out]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(r.stdout).toContain(`layer ${c.layer}, ${c.variant}, eps normalisation`);
        let got = await readNpyFile(out);
        expect(got.dtype).toBe('float32');
        expect([...got.shape]).toEqual([X.shape[0], X.shape[1]]);
        expect(maxAbsDiff(got.data as Float32Array, want)).toBeLessThan(1e-6);
        const outM = join(dir, `${c.name}-model-masked.npy`);
        r = cli(['compute', '--model', real(c.model), '--layer', c.layer, '--inputs', e('X.npy'), '--lengths', e('lengths.npy'), '--out', outM]);
        expect(r.code).toBe(0);
        got = await readNpyFile(outM);
        expect(maxAbsDiff(got.data as Float32Array, wantMasked)).toBeLessThan(1e-6);
      });

      it('compute --weights W.npy,b.npy,u.npy: unmasked and masked to 1e-6', async () => {
        const weights = ['W', 'b', 'u'].map((k) => e(`${k}.npy`)).join(',');
        const out = join(dir, `${c.name}-weights.npy`);
        let r = cli(['compute', '--weights', weights, '--inputs', e('X.npy'), '--out', out]);
        expect(r.code).toBe(0);
        // A square W is taken as awc-tf, and the command says so.
        if (c.variant === 'awc-tf') expect(r.stderr).toMatch(/warning: .*W is square \(15, 15\): taking it as AttentionWithContext trained on TensorFlow/);
        else expect(r.stderr).toBe('');
        expect(maxAbsDiff((await readNpyFile(out)).data as Float32Array, want)).toBeLessThan(1e-6);
        const outM = join(dir, `${c.name}-weights-masked.npy`);
        r = cli(['compute', '--weights', weights, '--variant', c.variant, '--inputs', e('X.npy'), '--lengths', e('lengths.npy'), '--out', outM]);
        expect(r.code).toBe(0);
        expect(r.stderr).toBe('');
        expect(maxAbsDiff((await readNpyFile(outM)).data as Float32Array, wantMasked)).toBeLessThan(1e-6);
      });

      it('compute with --mask and with --ids/--pad-id gives the masked result', async () => {
        const [N, T] = [X.shape[0]!, X.shape[1]!];
        const L = toFloat64(lengths);
        const m = new Uint8Array(N * T);
        const ids = new Int32Array(N * T);
        for (let n = 0; n < N; n++) for (let t = 0; t < T; t++) {
          m[n * T + t] = t < L[n]! ? 1 : 0;
          ids[n * T + t] = t < L[n]! ? 3 + ((n * 7 + t) % 50) : 0;
        }
        const maskPath = join(dir, `${c.name}-mask.npy`);
        const idsPath = join(dir, `${c.name}-ids.npy`);
        await writeNpyFile(maskPath, tensor('bool', [N, T], m));
        await writeNpyFile(idsPath, tensor('int32', [N, T], ids));
        for (const [i, args] of [['--mask', maskPath], ['--ids', idsPath, '--pad-id', '0'], ['--ids', idsPath]].entries()) {
          const out = join(dir, `${c.name}-out-${i}.npy`);
          const r = cli(['compute', '--model', real(c.model), '--inputs', e('X.npy'), ...args, '--out', out]);
          expect(r.stderr).toBe('');
          expect(r.code).toBe(0);
          expect(maxAbsDiff((await readNpyFile(out)).data as Float32Array, wantMasked)).toBeLessThan(1e-6);
        }
      });

      it('compute to .attn.json: documents with tokens, lengths and provenance', async () => {
        const [N, T] = [X.shape[0]!, X.shape[1]!];
        const L = toFloat64(lengths);
        const tokens = Array.from({ length: N }, (_, n) => Array.from({ length: L[n]! }, (_, t) => `w${n}_${t}`).join(' ')).join('\n') + '\n';
        const tokPath = join(dir, `${c.name}-tokens.txt`);
        (await import('node:fs')).writeFileSync(tokPath, tokens);
        const out = join(dir, `${c.name}.attn.json`);
        const r = cli(['compute', '--model', real(c.model), '--inputs', e('X.npy'), '--lengths', e('lengths.npy'), '--tokens', tokPath, '--out', out]);
        expect(r.code).toBe(0);
        const docs = decodeJson(readFileSync(out, 'utf8')).documents;
        expect(docs.length).toBe(N);
        const sha = await sha256File(real(c.model));
        for (let n = 0; n < N; n++) {
          const d = docs[n]!;
          const m = d.maps[0]!;
          expect(m.shape).toEqual([T]);
          expect(m.layer).toBe(c.layer);
          expect(m.variant).toBe(c.variant);
          expect(m.validCols ?? T).toBe(L[n]);
          expect(m.colLabels!.slice(0, L[n]!)).toEqual(Array.from({ length: L[n]! }, (_, t) => `w${n}_${t}`));
          expect(maxAbsDiff(m.weights, wantMasked.subarray(n * T, (n + 1) * T))).toBeLessThan(1e-6);
          expect(d.provenance).toMatchObject({ sourceFormat: 'keras-h5', framework: 'keras', frameworkVersion: c.keras, sha256: sha, fileName: c.model.split('/')[1] });
        }
      });
    });
  }

  it('refuses the AT-Conv-LSTM model, whose only attention layer has no W, b, u', () => {
    const r = cli(['compute', '--model', real('suprobe-at-conv-lstm/model_0002-0.1149.h5'), '--inputs', expected('eindh-awc', 'X.npy'), '--out', join(dir, 'x.npy')]);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toMatch(/model_0002-0\.1149\.h5: has no attention layer attnlens can recompute \(attention_layer_1: .*att_weight0/);
  });

  it("refuses X from one case against the other case's layer, naming both shapes", () => {
    const r = cli(['compute', '--model', real('eindh-at-conv-lstm/model_0025-0.0035.h5'), '--inputs', expected('flamingjay-attlayer', 'X.npy'), '--out', join(dir, 'x.npy')]);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toContain("X is (5, 10, 24) but W is (15, 15): X's last axis (F = 24) must equal W's axis 1 (x·Wᵀ) = 15");
  });

  it('recomputes the Keras 3 Dense(1) score layer (linear, softmax): rows sum to 1', async () => {
    const x = tensor('float32', [4, 50, 64], Float32Array.from({ length: 4 * 50 * 64 }, (_, i) => Math.sin(i * 0.37)));
    const xp = join(dir, 'praveena-x.npy');
    await writeNpyFile(xp, x);
    const out = join(dir, 'praveena.npy');
    const r = cli(['compute', '--model', real('praveena-lstm-attention/final_model.h5'), '--inputs', xp, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('linear, softmax normalisation');
    const a = (await readNpyFile(out)).data as Float32Array;
    for (let n = 0; n < 4; n++) {
      let s = 0;
      for (let t = 0; t < 50; t++) s += a[n * 50 + t]!;
      expect(Math.abs(s - 1)).toBeLessThan(1e-5);
    }
  });
});

// The two layers no han_ref variant fits, recomputed from their REAL weights through the CLI
// and compared with test/conformance/scripts/real-attention.py, which read those weights
// with h5py and ran packages/attention/scripts/variants_ref.py (NumPy, float64) on its X.
const REAL_CASES = [
  { name: 'mayuefine', variant: 'per-feature', normalise: 'eps' },
  { name: 'mschongchulshin', variant: 'step-bias', normalise: 'softmax' },
] as const;
const realCase = (name: string, f: string) => join(import.meta.dirname, 'fixtures', 'real-attention', name, f);

describeReal('attention: the per-feature and per-step-bias layers of the real corpus', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'attnlens-conf-variants-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of REAL_CASES) {
    it(`${c.name}: compute --model finds the ${c.variant} layer and matches NumPy to 1e-6, unmasked and masked`, async () => {
      const meta = JSON.parse(readFileSync(realCase(c.name, 'case.json'), 'utf8'));
      // the weights the script read are the ones in the file (their float64 sums, as h5py saw them)
      const kf = await openKeras(real(meta.file));
      try {
        const sum = (p: string) => toFloat64(kf.readWeight(p)).reduce((s, v) => s + v, 0);
        expect(Math.abs(sum(meta.W) - meta.W_sum)).toBeLessThan(1e-9);
        expect(Math.abs(sum(meta.b) - meta.b_sum)).toBeLessThan(1e-9);
        expect(kf.attentionLayers.map((a) => [a.layer, a.variant, a.weights.W, a.weights.b])).toEqual([[meta.layer, c.variant, meta.W, meta.b]]);
      } finally {
        kf.close();
      }
      for (const [suffix, extra, want] of [['', [], 'attention.npy'], ['-masked', ['--lengths', realCase(c.name, 'lengths.npy')], 'attention_masked.npy']] as const) {
        const out = join(dir, `${c.name}${suffix}.npy`);
        const r = cli(['compute', '--model', real(meta.file), '--inputs', realCase(c.name, 'X.npy'), ...extra, '--out', out]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(r.stdout).toContain(`layer ${meta.layer}, ${c.variant}, ${c.normalise} normalisation`);
        const got = await readNpyFile(out);
        expect([...got.shape]).toEqual(meta.attention_shape);
        const d = maxAbsDiff(got.data as Float32Array, toFloat64(await readNpyFile(realCase(c.name, want))));
        expect(d, `${c.name}${suffix}: max |Δ| ${d}`).toBeLessThan(1e-6);
      }
    });
  }

  it('compute --weights with the real arrays: step-bias and per-feature guessed from the shapes (the square W with a warning), or named by --variant', async () => {
    for (const c of REAL_CASES) {
      const meta = JSON.parse(readFileSync(realCase(c.name, 'case.json'), 'utf8'));
      const kf = await openKeras(real(meta.file));
      const [wp, bp] = [join(dir, `${c.name}-W.npy`), join(dir, `${c.name}-b.npy`)];
      try {
        await writeNpyFile(wp, kf.readWeight(meta.W));
        await writeNpyFile(bp, kf.readWeight(meta.b));
      } finally {
        kf.close();
      }
      const want = toFloat64(await readNpyFile(realCase(c.name, 'attention.npy')));
      for (const extra of [[], ['--variant', c.variant]]) {
        const out = join(dir, `${c.name}-bare${extra.length}.npy`);
        const r = cli(['compute', '--weights', `${wp},${bp}`, ...extra, '--inputs', realCase(c.name, 'X.npy'), '--out', out]);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain(`${c.variant}, ${c.normalise} normalisation`);
        const warned = c.variant === 'per-feature' && extra.length === 0;
        expect(r.stderr).toBe(warned ? `attnlens: warning: ${wp}: W is square (64, 64) and there is no u: taking it as per-feature attention (exp(tanh(x·W + b)) over time for each feature, a (T, F) map); give u as well (W, b, u) for AttentionWithContext (--weights W.npy,b.npy,u.npy)\n` : '');
        expect(maxAbsDiff((await readNpyFile(out)).data as Float32Array, want)).toBeLessThan(1e-6);
      }
    }
  });

  it('mschongchulshin: X whose T is not the 50 steps of its per-step bias is refused, naming both', () => {
    const r = cli(['compute', '--model', real('mschongchulshin-fatigue/fatigue_life_model.h5'), '--inputs', realCase('mayuefine', 'X.npy'), '--out', join(dir, 'x.npy')]);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toContain("X is (3, 12, 64) with T = 12 steps, but the layer's per-step bias b is (50, 1): it was built for T = 50");
  });

  it('mayuefine to .attn.json: the per-step mean beside the 12×64 map, and both render', async () => {
    const out = join(dir, 'mayuefine.attn.json');
    const tokens = join(dir, 'peptides.txt');
    writeFileSync(tokens, ['G L F D I V K K V V G A', 'K W K L F K K', 'R R'].join('\n') + '\n');
    const r = cli(['compute', '--model', real('mayuefine-amps/att.h5'), '--inputs', realCase('mayuefine', 'X.npy'), '--lengths', realCase('mayuefine', 'lengths.npy'), '--tokens', tokens, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { documents } = decodeJson(readFileSync(out, 'utf8'));
    expect(documents).toHaveLength(3);
    const want = toFloat64(await readNpyFile(realCase('mayuefine', 'attention_masked.npy')));
    const [mean, grid] = documents[1]!.maps;
    expect(mean).toMatchObject({ name: 'attention_layer_7 (mean over features)', shape: [12], validCols: 7, variant: 'per-feature' });
    expect(mean!.colLabels!.slice(0, 8)).toEqual(['K', 'W', 'K', 'L', 'F', 'K', 'K', '']);
    expect(grid).toMatchObject({ name: 'attention_layer_7 (per feature)', shape: [12, 64], validRows: 7, rowTitle: 'step', colTitle: 'feature' });
    expect(maxAbsDiff(grid!.weights, want.subarray(12 * 64, 2 * 12 * 64))).toBeLessThan(1e-6);
    for (let t = 0; t < 12; t++) {
      let s = 0;
      for (let f = 0; f < 64; f++) s += want[(12 + t) * 64 + f]!;
      expect(Math.abs(mean!.weights[t]! - s / 64)).toBeLessThan(1e-6);
    }
    // the renderers take both maps as they are: a 7-row heatmap (padding trimmed), highlighted tokens
    const { renderHeatmap, renderHighlightPng } = await import('@attnlens/render/node');
    const { highlightHtml } = await import('@attnlens/render');
    const heat = renderHeatmap(grid!, { pixelRatio: 1 });
    const png = PNG.sync.read(heat.png);
    expect(png.width).toBe(heat.layout.width);
    expect(png.height).toBe(heat.layout.height);
    expect(heat.layout.height).toBeLessThan(heat.layout.width); // 7 rows of 64 columns
    const hl = PNG.sync.read(renderHighlightPng(documents[1]!));
    expect(hl.width).toBeGreaterThan(0);
    const html = highlightHtml(documents[1]!);
    for (const t of ['K', 'W', 'L', 'F']) expect(html).toContain(`>${t}<`);
  });
});
