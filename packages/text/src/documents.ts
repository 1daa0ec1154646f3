// How documents carry the words as they stood in the text. A map's colLabels are the
// tokens as the model saw them (the OOV token for an unknown word); when any of them
// differs from the text, the map's meta holds the original words under
// ORIGINAL_LABELS_META as a JSON array aligned with colLabels. meta is an existing
// map<string, string> of the format, so no schema change and old readers still work.
import type { AttentionDocument, AttentionMap } from '@attnlens/core';
import type { EncodedTexts } from './encode.js';

export const ORIGINAL_LABELS_META = 'original_col_labels';

/** Records `originals` in `map` when they differ from its labels. */
export function setOriginalLabels(map: AttentionMap, originals: readonly string[]): void {
  const labels = map.colLabels;
  if (!labels || labels.length !== originals.length || originals.every((w, t) => w === labels[t])) return;
  map.meta = { ...map.meta, [ORIGINAL_LABELS_META]: JSON.stringify(originals) };
}

/** The original words of a map, or its labels when none were recorded. */
export function originalLabels(map: AttentionMap): string[] | undefined {
  const raw = map.meta?.[ORIGINAL_LABELS_META];
  if (raw === undefined) return map.colLabels;
  try {
    const v: unknown = JSON.parse(raw);
    if (Array.isArray(v) && v.every((w) => typeof w === 'string')) return v as string[];
  } catch {
    // A hand-edited meta that is not JSON: fall back to the labels.
  }
  return map.colLabels;
}

/**
 * Adds the originals of `enc` to documents made from it: flat documents take sequence
 * `first + i`; hierarchical ones (a sentence map with one child per sentence) take
 * sequences n·S + s for their children.
 */
export function addOriginals(docs: readonly AttentionDocument[], enc: EncodedTexts, first = 0): void {
  const hier = enc.shape.length === 3;
  const S = hier ? enc.shape[1]! : 1;
  docs.forEach((d, i) => {
    const n = first + i;
    for (const m of d.maps) {
      if (hier) m.children?.forEach((c, s) => setOriginalLabels(c, enc.originals[n * S + s] ?? []));
      else setOriginalLabels(m, enc.originals[n] ?? []);
    }
  });
}
