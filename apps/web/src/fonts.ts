// Noto Sans SC (CJK: Chinese, Japanese kana, Korean hangul) and Noto Emoji are bundled as
// ~100 unicode-range subset files each (vite.config.ts), fetched only when text uses them.
// DOM text triggers those fetches by itself; canvas text does not wait for them (Chromium
// draws with a fallback, or the .notdef box, and does not redraw), so before trusting a
// drawn figure the page asks the FontFaceSet for the faces its text needs and redraws once
// they are in.

/** The families fetched on demand, as @attnlens/render's FONT_FAMILY names them. */
export const LAZY_FAMILIES = '"Noto Sans SC", "Noto Emoji"';

/**
 * The characters of `texts` that may live in a lazy subset. Latin, Greek, Cyrillic, Hebrew
 * and Arabic (below U+2000) come from the inlined Noto faces drawn first; asking the lazy
 * families for them would fetch their Latin subsets for nothing.
 */
function lazyChars(texts: Iterable<string>): string {
  const seen = new Set<string>();
  for (const t of texts) for (const ch of t) if (ch.codePointAt(0)! >= 0x2000 && !asked.has(ch)) seen.add(ch);
  return [...seen].join('');
}

/** Characters already asked for: each is waited for once, so a redraw never asks again (no loop). */
const asked = new Set<string>();

/**
 * Call `redraw` once the lazy font faces that `texts` need are loaded, if any of them is not
 * loaded yet; otherwise do nothing (what was drawn already used them).
 */
export function redrawWhenFontsLoad(texts: Iterable<string>, redraw: () => void): void {
  const chars = lazyChars(texts);
  const spec = `16px ${LAZY_FAMILIES}`;
  if (!chars) return;
  for (const ch of chars) asked.add(ch);
  if (document.fonts.check(spec, chars)) return;
  void document.fonts.load(spec, chars).then(redraw, redraw);
}

interface Labelled {
  name?: string;
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  children?: readonly Labelled[];
}

function mapStrings(m: Labelled, out: string[]): void {
  out.push(m.name ?? '', ...(m.rowLabels ?? []), ...(m.colLabels ?? []));
  for (const c of m.children ?? []) mapStrings(c, out);
}

/** Every id, label and token a drawn figure of these documents can show. */
export function documentStrings(docs: readonly { id: string; trueLabel?: string; predictedLabel?: string; maps: readonly Labelled[] }[]): string[] {
  const out: string[] = [];
  for (const d of docs) {
    out.push(d.id, d.trueLabel ?? '', d.predictedLabel ?? '');
    for (const m of d.maps) mapStrings(m, out);
  }
  return out;
}
