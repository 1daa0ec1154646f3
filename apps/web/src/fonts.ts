// Noto Sans SC (CJK: Chinese, Japanese kana, 80 hangul syllables), Noto Sans KR (all of
// hangul) and Noto Emoji are bundled as ~100 unicode-range subset files each
// (vite.config.ts), fetched only when text uses them.
// DOM text triggers those fetches by itself; canvas text does not wait for them (Chromium
// draws with a fallback, or the .notdef box, and does not redraw), so before trusting a
// drawn figure the page asks the FontFaceSet for the faces its text needs and redraws once
// they are in.

/** The families fetched on demand, in @attnlens/render's FONT_FAMILY order. */
const LAZY_FAMILY_LIST = ['Noto Sans SC', 'Noto Sans KR', 'Noto Emoji'] as const;
export const LAZY_FAMILIES = LAZY_FAMILY_LIST.map((f) => `"${f}"`).join(', ');

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
  void loadInOrder(chars).then(redraw, redraw);
}

/**
 * Load, family by family in FONT_FAMILY order, the faces for the characters no earlier family
 * covers. `document.fonts.load` with the whole family list would fetch every family's subsets
 * for the text (KR and SC both cover the common hanzi), though only the first is drawn.
 */
async function loadInOrder(chars: string): Promise<void> {
  let rest = [...chars];
  for (const family of LAZY_FAMILY_LIST) {
    if (!rest.length) return;
    const faces = await document.fonts.load(`16px "${family}"`, rest.join(''));
    rest = rest.filter((ch) => !faces.some((f) => inRange(f.unicodeRange, ch.codePointAt(0)!)));
  }
}

/** Is the code point in a CSS unicode-range ("U+4e00-4e01, U+4e03, U+1f6??")? */
function inRange(range: string, cp: number): boolean {
  return range.split(',').some((part) => {
    const [a = '', b] = part.trim().replace(/^U\+/i, '').split('-');
    const lo = parseInt(a.replace(/\?/g, '0'), 16);
    const hi = parseInt((b ?? a).replace(/\?/g, 'f'), 16);
    return lo <= cp && cp <= hi;
  });
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
