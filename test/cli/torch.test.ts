// `attnlens inspect`, `extract`, `convert` (and `compute --model FILE.pt`) on PyTorch and
// safetensors files, run as a user would. Values come from torch 1.13 (packages/torch/scripts/make-fixtures.py).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeJson, float16ToFloat32 } from '@attnlens/core';
import { decodeNpy } from '@attnlens/npy';
import { cli, isCleanError } from '../helpers/cli.js';
import { REPO } from '../helpers/shared.js';

const fx = (name: string) => join(REPO, 'packages', 'torch', 'tests', 'fixtures', name);
const expected = JSON.parse(readFileSync(fx('expected.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'attnlens-torch-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('attnlens inspect on PyTorch files', () => {
  it.each([
    ['layouts-zip.pt', 'torch-zip'], ['layouts-v2.pt', 'torch-zip'], ['layouts-legacy.pt', 'torch-legacy'], ['dtypes.safetensors', 'safetensors'],
  ])('%s --json: format %s and every tensor with name, dtype, shape', (file, format) => {
    const r = cli(['inspect', fx(file), '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.format).toBe(format);
    const want = file.endsWith('.safetensors') ? expected.safetensors : expected.layouts;
    for (const [name, w] of Object.entries(want as Record<string, { shape: number[] }>)) {
      expect(j.tensors.find((t: { name: string }) => t.name === name)?.shape, name).toEqual(w.shape);
    }
  });

  it('the text says where a view lies in its storage', () => {
    const r = cli(['inspect', fx('layouts-zip.pt')]);
    expect(r.stdout).toMatch(/column +float32 \(3,\) +\(offset 2, strides \(4,\), storage 2 shared by 3 tensors\)/);
    expect(r.stdout).toMatch(/rnn\.weight_hh_l0 +float32 \(2, 4\) +\(offset 12, storage 3 shared by 2 tensors\)/);
  });

  it('a checkpoint: tensors by path, the epoch and losses summarised, foreign objects kept', () => {
    const r = cli(['inspect', fx('checkpoint.pt')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('model_state_dict/fc.weight');
    expect(r.stdout).toContain('optimizer_state_dict/state/0/exp_avg');
    expect(r.stdout).toMatch(/epoch: 7\n/);
    expect(r.stdout).toContain('losses: list of 3: 1.5, 0.75, 0.125');
    expect(r.stdout).toContain('vocab: torchtext.vocab.Vocab, kept as a placeholder');
  });

  it('attention layers and unrecognised ones, with the reason', () => {
    const j = JSON.parse(cli(['inspect', fx('att-han.pt'), '--json']).stdout);
    expect(j.attention_layers.map((a: { layer: string; level: string; variant: string }) => [a.layer, a.level, a.variant])).toEqual([
      ['word_attention', 'word', 'attlayer'], ['sentence_attention', 'sentence', 'attlayer'],
    ]);
    const u = JSON.parse(cli(['inspect', fx('att-unrecognised.pt'), '--json']).stdout);
    expect(u.attention_layers).toEqual([]);
    expect(u.unrecognised_attention.map((x: { layer: string }) => x.layer).sort()).toEqual(['decoder.attention', 'mha']);
  });

  it.each(Object.entries(expected.hostile as Record<string, { global: string; marker: string }>))('%s: refused naming the global, and no marker appears', (file, h) => {
    const cwd = mkdtempSync(join(dir, 'hostile-'));
    const cmds = [['inspect', fx(file)]];
    if (file === 'hostile-os-system.pt') cmds.push(['extract', fx(file), '--out', join(cwd, 'x.npy')], ['convert', fx(file), '--to', join(cwd, 'x.attn.pb')]);
    for (const cmd of cmds) {
      const r = cli(cmd, { cwd });
      expect(isCleanError(r), r.stderr).toBe(true);
      expect(r.stderr).toContain(h.global);
    }
    expect(existsSync(join(cwd, h.marker))).toBe(false);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('damaged files are one clear line', () => {
    for (const f of ['truncated-zip.pt', 'truncated-legacy.pt', 'bad-header-long.safetensors', 'bad-header-json.safetensors']) {
      const r = cli(['inspect', fx(f)]);
      expect(isCleanError(r), `${f}: ${r.stderr}`).toBe(true);
    }
  });
});

describe('attnlens extract and convert', () => {
  it('extract: bfloat16 becomes float32, float16 and int64 stay, W.t() comes out C-order', () => {
    const cases = [['bf16', 'float32'], ['half', 'float16'], ['steps', 'int64'], ['transposed', 'float32']] as const;
    for (const [name, dtype] of cases) {
      const out = join(dir, `${name}.npy`);
      const r = cli(['extract', fx('layouts-legacy.pt'), '--array', name, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      const t = decodeNpy(new Uint8Array(readFileSync(out)));
      expect(t.dtype).toBe(dtype);
      const vals = dtype === 'float16' ? Array.from(t.data as Uint16Array, float16ToFloat32) : dtype === 'int64' ? Array.from(t.data as BigInt64Array, String) : Array.from(t.data as Float32Array);
      expect(vals).toEqual(expected.layouts[name].values);
    }
  });

  it('extract without --array from a state_dict says which names there are', () => {
    const r = cli(['extract', fx('att-linear.pt'), '--out', join(dir, 'x.npy')]);
    expect(isCleanError(r)).toBe(true);
    expect(r.stderr).toContain('attn.weight');
  });

  it.each(['alignments.pt', 'alignments.safetensors'])('convert %s --layout bte: one document per batch item, torch\'s values', (file) => {
    const out = join(dir, `${file}.attn.json`);
    const r = cli(['convert', fx(file), '--layout', 'bte', '--to', out]);
    expect(r.code, r.stderr).toBe(0);
    const { documents } = decodeJson(readFileSync(out, 'utf8'));
    expect(documents).toHaveLength(2);
    expect(documents[0]!.provenance).toMatchObject({ framework: 'pytorch', sourceFormat: file.endsWith('.pt') ? 'torch-zip' : 'safetensors' });
    const got = documents.flatMap((d) => Array.from(d.maps[0]!.weights));
    expect(got).toEqual(expected.alignments.values.map((v: number) => Math.fround(v)));
  });
});

describe('attnlens compute --model FILE.pt', () => {
  const maxErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    expect(a.length).toBe(b.length);
    let m = 0;
    for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
    return m;
  };
  const npy = (p: string) => decodeNpy(new Uint8Array(readFileSync(p)));

  it.each([
    ['att-linear.pt', 'attn', 'att-linear.expected.npy'],
    ['att-linear.safetensors', 'attn', 'att-linear.expected.npy'],
    ['att-sequential.pt', 'attention', 'att-sequential.expected.npy'],
    ['att-param.pt', 'word', 'att-param.expected.npy'],
  ])('%s --layer %s: torch\'s masked softmax attention', (file, layer, want) => {
    const out = join(dir, `${file}.npy`);
    const r = cli(['compute', '--model', fx(file), '--layer', layer, '--inputs', fx('att-x.npy'), '--lengths', fx('att-lengths.npy'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(maxErr(npy(out).data as Float32Array, npy(fx(want)).data as Float32Array)).toBeLessThan(1e-6);
  });

  it('the only attention module is taken without --layer, and documents say it came from PyTorch', () => {
    const out = join(dir, 'linear.attn.json');
    const r = cli(['compute', '--model', fx('att-linear.pt'), '--inputs', fx('att-x.npy'), '--lengths', fx('att-lengths.npy'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const { documents } = decodeJson(readFileSync(out, 'utf8'));
    expect(documents).toHaveLength(3);
    expect(documents[0]!.provenance).toMatchObject({ framework: 'pytorch', sourceFormat: 'torch-zip', fileName: 'att-linear.pt' });
  });

  it('hierarchical: word and sentence levels of a HAN state_dict, as torch computed them', () => {
    const out = join(dir, 'han.attn.json');
    const r = cli(['compute', '--model', fx('att-han.pt'), '--inputs', fx('att-han-wx.npy'), '--lengths', fx('att-han-wlengths.npy'),
      '--sentence-inputs', fx('att-han-sx.npy'), '--sentence-lengths', fx('att-han-slengths.npy'), '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const { documents } = decodeJson(readFileSync(out, 'utf8'));
    expect(documents).toHaveLength(3);
    const sent = npy(fx('att-han-sentence.expected.npy')).data as Float32Array;
    const word = npy(fx('att-han-hword.expected.npy')).data as Float32Array;
    const S = 4;
    const T = 6;
    for (let n = 0; n < 3; n++) {
      const m = documents[n]!.maps[0]!;
      expect(maxErr(Array.from(m.weights).slice(0, S), Array.from(sent.subarray(n * S, n * S + m.weights.length)))).toBeLessThan(1e-6);
      for (const [s, child] of (m.children ?? []).entries()) {
        expect(maxErr(Array.from(child.weights), Array.from(word.subarray((n * S + s) * T, (n * S + s) * T + child.weights.length)))).toBeLessThan(1e-6);
      }
    }
  });

  it('Bahdanau and multi-head attention are refused with the reason', () => {
    const r = cli(['compute', '--model', fx('att-unrecognised.pt'), '--inputs', fx('att-x.npy'), '--out', join(dir, 'u.npy')]);
    expect(isCleanError(r), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/Bahdanau|MultiheadAttention/);
    const named = cli(['compute', '--model', fx('att-unrecognised.pt'), '--layer', 'mha', '--inputs', fx('att-x.npy'), '--out', join(dir, 'u.npy')]);
    expect(named.stderr).toMatch(/layer mha looks like attention but attnlens cannot recompute it: nn.MultiheadAttention.*hint: attnlens recomputes a Linear\(H, 1\) score head/);
  });
});
