// The browser side of report/index.html. This function is never called in Node:
// reportClientScript inlines its source, called with @attnlens/render's own functions
// (highlightClientSource), so the page needs no network and no build step, and TypeScript
// still checks it. It must stay self-contained: no imports, no closures over module scope.
//
// What a token, a right-to-left run and a sentence bar look like is render's highlight model
// (buildHighlight), not this file's: colours are render's colour maps as step tables
// (colorSteps) at render's scalePosition of the weight, runs are render's resolveDirections and
// directionRuns, bar lengths render's barFraction, labels render's displayToken and clipText,
// hover values render's formatWeight. This file only places them in the table.
import { highlightClientSource, type barFraction, type clipText, type displayToken, type formatWeight, type ColorSteps, type directionRuns, type resolveDirections, type scalePosition, type stepIndex } from '@attnlens/render';

/** Render's functions as the page receives them (see highlightClientSource). */
export interface HighlightKit {
  scalePosition: typeof scalePosition;
  formatWeight: typeof formatWeight;
  displayToken: typeof displayToken;
  clipText: typeof clipText;
  MAX_LABEL_CHARS: number;
  stepIndex: typeof stepIndex;
  barFraction: typeof barFraction;
  resolveDirections: typeof resolveDirections;
  directionRuns: typeof directionRuns;
}

/** The page's script: the client, called with render's functions. */
export function reportClientScript(): string {
  return `(${reportClient.toString()})(${highlightClientSource()});`;
}

/* eslint-disable */
export function reportClient(kit: HighlightKit): void {
  type Compact = {
    s: number[]; // shape
    w: (number | string)[]; // weights, row-major, 4 significant digits; "NaN" for NaN
    t?: string[]; // column tokens
    r?: string[]; // row tokens
    n?: number; // valid cols
    m?: number; // valid rows
    h?: string; // heatmap href
    c?: Compact[]; // children (hierarchical)
    lo: number; // scale min
    hi: number; // scale max
    e?: string; // error for this cell
  };
  type Row = [string, string | null, string | null, (Compact | null)[], string | null];
  type Meta = [string, string | null, string | null, number, number, number]; // id, true, pred, max weight, chunk, flags(1=bad)

  const cfg = JSON.parse(document.getElementById('attnlens-config')!.textContent!) as {
    columns: string[]; steps: ColorSteps; sentenceSteps: ColorSteps; pageSize: number; chunks: number; inline: Row[][] | null;
  };
  const meta = JSON.parse(document.getElementById('attnlens-meta')!.textContent!) as Meta[];
  const chunks: (Row[] | undefined)[] = new Array(cfg.chunks);
  const waiting = new Map<number, (() => void)[]>();
  if (cfg.inline) cfg.inline.forEach((c, i) => (chunks[i] = c));
  (window as any).__attnlensChunk = (k: number, rows: Row[]) => {
    chunks[k] = rows;
    (waiting.get(k) || []).forEach((f) => f());
    waiting.delete(k);
  };
  function loadChunk(k: number): Promise<void> {
    if (chunks[k]) return Promise.resolve();
    return new Promise((resolve) => {
      const list = waiting.get(k);
      if (list) return void list.push(resolve);
      waiting.set(k, [resolve]);
      const s = document.createElement('script');
      s.src = `data/chunk-${String(k).padStart(5, '0')}.js`;
      s.onerror = () => resolve();
      document.head.appendChild(s);
    });
  }

  const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
  const body = $('rows');
  const state = { page: 0, label: '', pred: '', mis: false, bad: false, minMax: 0, q: '' };

  /** The step of the colour map for weight w on [lo, hi], as render's Colorizer picks it; -1 for NaN/Inf. */
  function colour(steps: ColorSteps, w: number, lo: number, hi: number): number {
    const t = kit.scalePosition({ min: lo, max: hi }, w);
    return t === t ? kit.stepIndex(steps.at, t) : -1;
  }
  function el(tag: string, cls?: string, text?: string): HTMLElement {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text; // always text: tokens are never parsed as HTML
    return e;
  }
  /** A token as render shows it (newlines, tabs and empty tokens made visible), and its label, cut to MAX_LABEL_CHARS with '…'. */
  function shown(token: string): { full: string; label: string } {
    const full = kit.displayToken(token);
    return { full, label: kit.clipText(full, kit.MAX_LABEL_CHARS) };
  }
  /** A line of tokens, each in its own <bdi>: a right-to-left override inside one never reorders the others. */
  function line(cls: string, prefix: string, toks: string[]): HTMLElement {
    const div = el('div', cls, prefix);
    toks.forEach((t, i) => {
      if (i) div.appendChild(document.createTextNode(' '));
      const { full, label } = shown(t);
      const b = el('bdi', undefined, label);
      if (label !== t) b.title = full;
      div.appendChild(b);
    });
    return div;
  }
  /** A line of coloured tokens; runs against the line's direction are wrapped with their own dir, as render's HTML does. */
  function tokens(c: Compact, row: number): HTMLElement {
    const wrap = el('span', 'tokens');
    const cols = c.s.length === 2 ? c.s[1]! : c.s[0]!;
    const n = c.n ?? cols;
    const spans: HTMLElement[] = [];
    for (let i = 0; i < n; i++) {
      const w = +c.w[row * cols + i]!; // NaN arrives as the string "NaN"
      const tok = c.t ? c.t[i]! : String(i);
      const k = colour(cfg.steps, w, c.lo, c.hi);
      const { full, label } = shown(tok);
      const span = el('span', k < 0 ? 'tok nan' : 'tok', label);
      if (k >= 0) {
        span.style.background = cfg.steps.bg[k]!;
        span.style.color = cfg.steps.fg[k]!;
      }
      span.title = `${full}: ${kit.formatWeight(w, 4)}`;
      span.dataset.w = String(w);
      spans.push(span);
    }
    const { base, dirs } = kit.resolveDirections(spans.map((x) => x.textContent!));
    wrap.dir = base;
    for (const r of kit.directionRuns(dirs)) {
      let into = wrap;
      if (r.dir !== base) {
        into = el('span', r.dir);
        into.dir = r.dir;
        wrap.appendChild(into);
        wrap.appendChild(document.createTextNode(' '));
      }
      for (let i = r.start; i < r.end; i++) {
        into.appendChild(spans[i]!);
        into.appendChild(document.createTextNode(' '));
      }
    }
    return wrap;
  }
  function cell(c: Compact | null): HTMLElement {
    const td = el('td', 'attn');
    if (!c) return td;
    if (c.e) {
      td.appendChild(el('span', 'err', c.e));
      return td;
    }
    if (c.c && c.c.length) {
      const n = c.n ?? c.c.length;
      for (let s = 0; s < n; s++) {
        const line = el('div', 'sent');
        const bar = el('span', 'bar');
        const w = +c.w[s]!;
        const inner = el('span', 'fill');
        const scale = { min: c.lo, max: c.hi };
        inner.style.width = `${(kit.barFraction(scale, w) * 100).toFixed(1)}%`;
        const k = colour(cfg.sentenceSteps, w, c.lo, c.hi);
        if (k >= 0) inner.style.background = cfg.sentenceSteps.bg[k]!;
        bar.appendChild(inner);
        bar.title = `sentence ${s + 1}: ${kit.formatWeight(w, 4)}`;
        line.appendChild(bar);
        line.appendChild(tokens(c.c[s]!, 0));
        td.appendChild(line);
      }
    } else if (c.s.length === 2) {
      if (c.r) td.appendChild(line('src', '', (c.t || []).slice(0, c.n ?? c.s[1])));
      if (c.r) td.appendChild(line('tgt', '→ ', c.r.slice(0, c.m ?? c.s[0])));
    } else td.appendChild(tokens(c, 0));
    if (c.h) {
      const a = el('a', 'hm') as HTMLAnchorElement;
      a.href = c.h;
      a.target = '_blank';
      if (c.s.length === 2) {
        const img = el('img') as HTMLImageElement;
        img.loading = 'lazy';
        img.src = c.h;
        img.alt = 'heatmap';
        a.appendChild(img);
      } else a.textContent = 'heatmap';
      td.appendChild(a);
    }
    return td;
  }

  function filtered(): Meta[] {
    const q = state.q.toLowerCase();
    return meta.filter(
      (m) =>
        (!state.label || m[1] === state.label) &&
        (!state.pred || m[2] === state.pred) &&
        (!state.mis || (m[1] !== null && m[2] !== null && m[1] !== m[2])) &&
        (!state.bad || m[5] & 1) &&
        (m[3] >= state.minMax || m[5] & 1) &&
        (!q || m[0].toLowerCase().includes(q)),
    );
  }

  let renderToken = 0;
  async function render(): Promise<void> {
    const token = ++renderToken;
    const list = filtered();
    const pages = Math.max(1, Math.ceil(list.length / cfg.pageSize));
    state.page = Math.min(state.page, pages - 1);
    const slice = list.slice(state.page * cfg.pageSize, (state.page + 1) * cfg.pageSize);
    await Promise.all([...new Set(slice.map((m) => m[4]))].map(loadChunk));
    if (token !== renderToken) return;
    const index = new Map<string, Row>();
    for (const k of new Set(slice.map((m) => m[4]))) for (const r of chunks[k] || []) index.set(r[0], r);
    const frag = document.createDocumentFragment();
    for (const m of slice) {
      const r = index.get(m[0]);
      const tr = el('tr', m[5] & 1 ? 'row bad' : m[1] !== null && m[2] !== null && m[1] !== m[2] ? 'row mis' : 'row');
      tr.dataset.id = m[0];
      tr.appendChild(el('td', 'id', m[0]));
      const lab = el('td', 'labels');
      if (m[1] !== null) lab.appendChild(el('span', 'true', m[1]));
      if (m[2] !== null) lab.appendChild(el('span', 'pred', m[2]));
      tr.appendChild(lab);
      if (r) {
        if (r[4]) {
          const td = el('td', 'attn') as HTMLTableCellElement;
          td.colSpan = cfg.columns.length;
          td.appendChild(el('span', 'err', r[4]));
          tr.appendChild(td);
        } else for (let i = 0; i < cfg.columns.length; i++) tr.appendChild(cell(r[3][i] ?? null));
      }
      frag.appendChild(tr);
    }
    body.replaceChildren(frag);
    $('count').textContent = `${list.length} of ${meta.length} samples`;
    $('page').textContent = `page ${state.page + 1} / ${pages}`;
    ($('prev') as HTMLButtonElement).disabled = state.page === 0;
    ($('next') as HTMLButtonElement).disabled = state.page >= pages - 1;
  }

  const set = (k: keyof typeof state, v: any) => {
    (state as any)[k] = v;
    if (k !== 'page') state.page = 0;
    void render();
  };
  $('f-label').addEventListener('change', (e) => set('label', (e.target as HTMLSelectElement).value));
  $('f-pred').addEventListener('change', (e) => set('pred', (e.target as HTMLSelectElement).value));
  $('f-mis').addEventListener('change', (e) => set('mis', (e.target as HTMLInputElement).checked));
  $('f-bad').addEventListener('change', (e) => set('bad', (e.target as HTMLInputElement).checked));
  $('f-max').addEventListener('input', (e) => {
    const v = Number((e.target as HTMLInputElement).value);
    $('f-max-v').textContent = v.toFixed(2);
    set('minMax', v);
  });
  $('f-q').addEventListener('input', (e) => set('q', (e.target as HTMLInputElement).value));
  $('prev').addEventListener('click', () => set('page', state.page - 1));
  $('next').addEventListener('click', () => set('page', state.page + 1));
  void render();
}
