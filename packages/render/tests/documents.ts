// Documents the highlight tests draw: two models side by side, a hierarchical
// (HAN) document with an RTL sentence, and hostile tokens.
import type { AttentionDocument, AttentionMap } from '@attnlens/core';

export const TOKENS = ['The', 'tennis', 'match', 'was', 'great', ',', 'but', 'the', 'food', 'was', 'awful', '!'];
export const A = [0.02, 0.41, 0.08, 0.01, 0.22, 0.0, 0.03, 0.01, 0.06, 0.01, 0.14, 0.01];
export const B = [0.05, 0.18, 0.12, 0.02, 0.12, 0.01, 0.05, 0.02, 0.15, 0.02, 0.25, 0.01];
export const HOSTILE = ['<script>alert(1)</script>', '" onmouseover="window.__pwned=1', "<img src=x onerror='window.__pwned=2'>", "' onfocus='x", '&lt;b&gt;'];

export function sideBySide(): AttentionDocument {
  return {
    id: 'review 17', trueLabel: 'negative', predictedLabel: 'positive',
    maps: [
      { name: 'model A', shape: [12], weights: new Float32Array(A), colLabels: TOKENS },
      { name: 'model B', shape: [12], weights: new Float32Array(B), colLabels: TOKENS },
    ],
  };
}

export const SENTENCES = [['I', 'love', 'this', 'racket', '.'], ['Strings', 'broke', 'after', 'a', 'week', '.'], ['ממש', 'לא', 'שווה', '!']];
export const SENTENCE_W = [0.2, 0.65, 0.15];

export function hierarchical(): AttentionDocument {
  const children: AttentionMap[] = SENTENCES.map((s, i) => {
    const w = s.map((_, k) => (k + 1) * (i + 1));
    const sum = w.reduce((x, y) => x + y, 0);
    return { shape: [s.length], weights: new Float32Array(w.map((v) => v / sum)), colLabels: s };
  });
  return { id: 'review 18', trueLabel: 'negative', predictedLabel: 'negative', maps: [{ name: 'HAN', shape: [3], weights: new Float32Array(SENTENCE_W), children }] };
}

export function hostile(): AttentionDocument {
  const n = HOSTILE.length + 3;
  return {
    id: '<b>doc</b>', trueLabel: '<i>x</i>', predictedLabel: '"y"',
    maps: [{ name: '<script>name</script>', shape: [n], weights: new Float32Array([0.1, 0.2, 0.3, 0.15, 0.05, 0.1, 0.05, NaN]), colLabels: [...HOSTILE, 'שלום', 'עולם', 'end'], validCols: n - 1 }],
  };
}
