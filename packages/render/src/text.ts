import type { MeasureText } from './canvas-api.js';

/**
 * Font stack used everywhere. In Node, `registerFonts()` (./node) registers the
 * bundled Noto families under these names; a browser uses whichever it has, then
 * the common system fonts for CJK, Arabic, Hebrew and emoji.
 */
export const FONT_FAMILY =
  '"Noto Sans", "Noto Sans SC", "Noto Sans KR", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Emoji", ' +
  '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", ' +
  '"Segoe UI", Roboto, "Helvetica Neue", Arial, "Apple Color Emoji", "Segoe UI Emoji", "Noto Color Emoji", sans-serif';

/** A CSS/canvas font shorthand. */
export function fontSpec(px: number, family: string = FONT_FAMILY, weight: number | 'normal' | 'bold' = 'normal'): string {
  return `${weight === 'normal' ? '' : `${weight} `}${px}px ${family}`;
}

/** Strong right-to-left characters and strong characters (exported for highlightClientSource, which inlines them). */
export const RTL_STRONG = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}\p{Script=Hanifi_Rohingya}\p{Script=Yezidi}]/u;
export const STRONG = /[\p{L}\p{Mc}]/u;

export type Direction = 'ltr' | 'rtl';

/** Direction of a token from its first strong character (as `dir="auto"` decides); undefined when it has none (digits, punctuation, emoji). */
export function textDirection(text: string): Direction | undefined {
  for (const ch of text) {
    if (RTL_STRONG.test(ch)) return 'rtl';
    if (STRONG.test(ch)) return 'ltr';
  }
  return undefined;
}

/** Does the text contain any right-to-left character? */
export function hasRtl(text: string): boolean {
  return RTL_STRONG.test(text);
}

/**
 * Resolve each token's direction the way the bidi algorithm treats whole words:
 * neutral tokens take the direction of their neighbours when both sides agree,
 * else the base direction. Returns the base direction (the first strong token's,
 * or ltr) and one direction per token.
 */
export function resolveDirections(tokens: readonly string[], base?: Direction): { base: Direction; dirs: Direction[] } {
  const own = tokens.map(textDirection);
  const b: Direction = base ?? own.find((d) => d !== undefined) ?? 'ltr';
  const dirs: Direction[] = new Array(tokens.length);
  let i = 0;
  while (i < own.length) {
    const d = own[i];
    if (d !== undefined) {
      dirs[i++] = d;
      continue;
    }
    let j = i;
    while (j < own.length && own[j] === undefined) j++;
    const before = i > 0 ? dirs[i - 1] : b;
    const after = j < own.length ? own[j]! : b;
    const fill = before === after ? before! : b;
    for (let k = i; k < j; k++) dirs[k] = fill;
    i = j;
  }
  return { base: b, dirs };
}

/** Maximal runs of equal direction: [start, end) index pairs. */
export function directionRuns(dirs: readonly Direction[]): { dir: Direction; start: number; end: number }[] {
  const runs: { dir: Direction; start: number; end: number }[] = [];
  for (let i = 0; i < dirs.length; i++) {
    const last = runs[runs.length - 1];
    if (last && last.dir === dirs[i]) last.end = i + 1;
    else runs.push({ dir: dirs[i]!, start: i, end: i + 1 });
  }
  return runs;
}

/**
 * Visual order of a line of tokens (indices into the line): rule L2 of the Unicode
 * bidi algorithm at word level, so an RTL run reads right to left inside an LTR line
 * (and vice versa).
 */
export function visualOrder(dirs: readonly Direction[], base: Direction): number[] {
  const levels = dirs.map((d) => (base === 'ltr' ? (d === 'rtl' ? 1 : 0) : d === 'rtl' ? 1 : 2));
  const order = dirs.map((_, i) => i);
  const maxLevel = Math.max(0, ...levels);
  const minOdd = base === 'ltr' ? 1 : 1;
  for (let lvl = maxLevel; lvl >= minOdd; lvl--) {
    let i = 0;
    while (i < order.length) {
      if (levels[order[i]!]! >= lvl) {
        let j = i;
        while (j < order.length && levels[order[j]!]! >= lvl) j++;
        const seg = order.slice(i, j).reverse();
        order.splice(i, j - i, ...seg);
        i = j;
      } else i++;
    }
  }
  return order;
}

/**
 * Longest label drawn, in grapheme clusters: longer ones are cut with '…' before any
 * text is measured. A crafted 1 MB token once took minutes to lay out (every measure
 * and the ellipsis search ran over the whole string); no label is readable past this.
 */
export const MAX_LABEL_CHARS = 200;
/** Longest full text kept for a tooltip or SVG <title> (longer ends in '…'). */
export const MAX_TITLE_CHARS = 2000;

/** `s` cut to at most `max` grapheme clusters plus '…'; only the first few thousand code units are ever looked at. */
export function clipText(s: string, max: number): string {
  if (s.length <= max) return s;
  // a cluster is rarely over 8 code units; look at no more than that many, so the cost is bounded by `max`
  const g = graphemes(s.slice(0, max * 8));
  return g.length > max || s.length > max * 8 ? g.slice(0, max).join('') + '…' : s;
}

/**
 * How a raw token is shown: newlines and tabs become visible marks and an empty
 * token shows as ∅, so that every token has a visible label. At most MAX_TITLE_CHARS
 * long (the full text tooltips show); labels cut it further to MAX_LABEL_CHARS.
 */
export function displayToken(token: unknown): string {
  const s = clipText(typeof token === 'string' ? token : String(token ?? ''), MAX_TITLE_CHARS);
  if (s === '') return '∅';
  // eslint-disable-next-line no-control-regex
  return s.replace(/\r\n|\n|\r/g, '¶').replace(/\t/g, '⇥').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
}

/** A grapheme segmenter where Intl has one (a function so that highlightClientSource can inline it). */
export function graphemeSegmenter(): { segment(s: string): Iterable<{ segment: string }> } | undefined {
  return typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : undefined;
}
const segmenter = graphemeSegmenter();

/** Grapheme clusters (so an ellipsis never cuts an emoji or a combining mark in half). */
export function graphemes(s: string): string[] {
  return segmenter ? Array.from(segmenter.segment(s), (x) => x.segment) : Array.from(s);
}

/** `text` shortened with '…' to fit maxWidth; `full` tells whether it was cut. */
export function ellipsize(text: string, maxWidth: number, font: string, measure: MeasureText): { text: string; cut: boolean } {
  const clipped = clipText(text, MAX_LABEL_CHARS);
  if (clipped === text && measure(text, font) <= maxWidth) return { text, cut: false };
  const g = graphemes(clipped.endsWith('…') && clipped !== text ? clipped.slice(0, -1) : clipped);
  let lo = 0;
  let hi = g.length;
  // largest k such that the first k clusters plus '…' fit
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(g.slice(0, mid).join('') + '…', font) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return { text: g.slice(0, Math.max(1, lo)).join('') + '…', cut: true };
}

const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Extended_Pictographic}\u3000-\u303f\uff00-\uffef]/u;
const MARK = /[\p{M}\u200b-\u200f\ufe00-\ufe0f]/u;
const NARROW = /[ijlI.,:;'|!`()[\]{}\s]/;

/**
 * A width estimate for text in a sans-serif font, for SVG (no canvas to measure
 * with): wide CJK/emoji = 1 em, narrow Latin ≈ 0.3 em, capitals ≈ 0.68 em, others ≈ 0.57 em.
 * It errs wide so that the viewer's real font fits the space laid out for it.
 */
export function estimateTextWidth(text: string, font: string): number {
  const m = /(\d+(?:\.\d+)?)px/.exec(font);
  const px = m ? Number(m[1]) : 12;
  let em = 0;
  for (const ch of text) {
    if (MARK.test(ch)) continue;
    if (WIDE.test(ch)) em += 1;
    else if (NARROW.test(ch)) em += 0.32;
    else if (/[A-Z0-9MW@%&]/.test(ch)) em += 0.68;
    else em += 0.58;
  }
  return em * px;
}

/**
 * `text` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE (U+2068, U+2069), for
 * canvas, which has no markup: an override or embedding inside a label (U+202E) ends at
 * the label, and the label's own direction comes from its first strong character. Both
 * marks are default-ignorable, so they draw nothing and measure 0 wide.
 */
export function isolateBidi(text: string): string {
  return `\u2068${text}\u2069`;
}

/** Escape for HTML/XML text and attribute values: & < > " ' (all five, always). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}
