// Foundation "done when": `attnlens inspect` names the format of every file in
// ../shared/fixtures/real, by content. Every file goes through the CLI's own code
// path in-process (fast); a few go through the binary too.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { isAttnlensError } from '@attnlens/core';
import { openInput } from '../../apps/cli/dist/input.js';
import { cli, isCleanError } from '../helpers/cli.js';
import { describeReal, REAL } from '../helpers/shared.js';

const EXPECTED: Record<string, string> = {
  'coffeevampir3-safetensors/model.safetensors': 'safetensors',
  'epicawang-nmt/events.out.tfevents.1522936471.gpu-35': 'tfevents',
  'kevinlin19-thesis/model_attention.h5': 'keras-h5',
  'mayuefine-amps/att.h5': 'keras-h5',
  'mohanaadshakir-bcai/attention_net.pt': 'torch-zip',
  'mohanaadshakir-bcai/attention_weights.npy': 'npy',
  'mschongchulshin-fatigue/fatigue_life_model.h5': 'keras-h5',
  'stylianosioannou-inm706/attention_model.h5': 'keras-h5',
  'venkatesh-seq2seq/best_seq2seq.pt': 'torch-zip',
  'xingxiaoxuan-anomaly/attention_model.h5': 'keras-h5',
  'yaokui2018-sentiment/model_lstm.h5': 'keras-weights-h5',
  // A valid HDF5 superblock with nothing in it: the table says to refuse it clearly.
  'yaokui2018-sentiment/model_bilstm-self-attention.h5': 'unknown',
  'aslaskin-digit/model.keras': 'keras-zip',
  'barronalex-tacotron/test.npy': 'npy',
  'dobiasd-frugally-deep/lstm.h5': 'keras-h5',
  'dobiasd-frugally-deep/temp_stateful.h5': 'keras-h5',
  'eindh-at-conv-lstm/model_0025-0.0035.h5': 'keras-h5',
  'flamingjay-han-ids/events.out.tfevents.1591802914.DESKTOP-55K6GPV': 'tfevents',
  'flamingjay-han-ids/one_layer_best_model.hdf5': 'keras-h5',
  'flamingjay-han-ids/test_predicted.npy': 'npy',
  'negahead-chichat-nmt/events.out.tfevents.1536594755.ubuntu': 'tfevents',
  'praveena-lstm-attention/X_data.npy': 'npy',
  'praveena-lstm-attention/attention_weights.npy': 'npy',
  'praveena-lstm-attention/final_model.h5': 'keras-h5',
  'praveena-lstm-attention/final_model.keras': 'keras-zip',
  'sh2222222-mt/model.weights.h5': 'keras-weights-h5',
  'siddevkota-transformer/attn_weights.npy': 'npy',
  'suprobe-at-conv-lstm/model_0002-0.1149.h5': 'keras-h5',
  'yijing-sie-attention/attention.npy': 'npy', // a pickled object array: still named, refused on read
  'yijing-sie-attention/generated_logits-39.npy': 'npy',
};

function walk(d: string): string[] {
  return readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
}

describeReal('attnlens inspect names every real file', () => {
  it('by content, for every file in fixtures/real (text, CSV and JSON files are unknown)', async () => {
    const files = walk(REAL).map((f) => relative(REAL, f)).sort();
    expect(files.length).toBeGreaterThanOrEqual(45);
    for (const f of files) {
      const want = EXPECTED[f] ?? (/\.(csv|json|txt)$/.test(f) ? 'unknown' : `(no expectation for ${f})`);
      let got: string;
      try {
        const { input, handler } = await openInput(join(REAL, f));
        got = (await handler.inspect(input)).json.format;
      } catch (e) {
        if (!isAttnlensError(e) || e.code !== 'UNKNOWN_FORMAT') throw e;
        got = 'unknown';
      }
      expect(got, f).toBe(want);
    }
  });

  it('through the binary: --json for a Keras file, a clear error for a CSV', () => {
    const r = cli(['inspect', join(REAL, 'sh2222222-mt/model.weights.h5'), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).format).toBe('keras-weights-h5');
    const csv = cli(['inspect', join(REAL, 'suprobe-at-conv-lstm/data-urban_401190_1.csv')]);
    expect(isCleanError(csv)).toBe(true);
    expect(csv.stderr).toMatch(/data-urban_401190_1\.csv: not a format attnlens reads/);
  });
});
