// The viewer's wiring: open files (picker, drop, or the ones `attnlens view` preloads),
// tell them apart by content with core's sniff, and show each as a Keras structure or a
// set of documents. Everything is read in the page or its worker; nothing is sent anywhere.
import '@fontsource/noto-sans/400.css';
import '@fontsource/noto-sans/600.css';
import '@fontsource/noto-sans-arabic/400.css';
import '@fontsource/noto-sans-hebrew/400.css';
// CJK and emoji: unicode-range subsets kept as separate files, fetched only when used (src/fonts.ts).
import '@fontsource/noto-sans-sc/400.css';
// Hangul: Noto Sans SC holds only 80 of the 11172 syllables; KR, after SC so Chinese keeps SC's glyph forms, draws the rest.
import '@fontsource/noto-sans-kr/400.css';
import '@fontsource/noto-emoji/400.css';
import './style.css';
import { decodeJson, encodeJson, encodeStream, isAttnlensError, looksLikeAttnJson, readCentralNames, sniff, zipCentralDirectory, SNIFF_BYTES, ZIP_TAIL_BYTES, type AttentionDocument, type SniffedFormat } from '@attnlens/core';
import { torchSummaryOf, torchView } from './torch-view.js';
import { COLORMAPS, resolveScale } from '@attnlens/render';
import type { KerasSummary } from '@attnlens/forward';
import KerasWorker from './keras-worker.ts?worker&inline';
import { download, h } from './dom.js';
import { documentView, filterDocs, labelsOf, type DocFilter } from './docs-view.js';
import { figureFor, figureSvg, drawFigure, type Style } from './draw.js';
import { kerasView } from './keras-view.js';
import { documentStrings, redrawWhenFontsLoad } from './fonts.js';
import { alignmentFromNumpy, npzNames } from './alignment.js';
import { streamDocuments } from './file-ranges.js';
import type { ForwardInput, PageError, WorkerProgress, WorkerReply } from './protocol.js';
import { inspectNpyHeader } from '@attnlens/npy';
import { formatShape } from '@attnlens/core';

type Source = { name: string } & ({ kind: 'keras'; summary: KerasSummary; file: File } | { kind: 'torch'; summary: Awaited<ReturnType<typeof torchSummaryOf>> } | { kind: 'npy'; file: File; shape: number[]; dtype: string } | { kind: 'text'; file: File } | { kind: 'npz'; file: File; arrays: string[] } | { kind: 'docs'; docs: AttentionDocument[]; filter: DocFilter; current: number } | { kind: 'error'; error: PageError });

const sources: Source[] = [];
let selected = -1;
const prefs = { colormap: 'viridis', scale: 'map' as 'map' | 'shared' };
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { done: (r: WorkerReply) => void; progress?: (p: WorkerProgress['progress']) => void }>();
type Ask = { kind: 'summary'; file: File } | { kind: 'compute'; model: File; x: File; layer: string } | { kind: 'forward'; model: File; input: ForwardInput } | { kind: 'dump'; file: File; format: SniffedFormat };
function ask(req: Ask, progress?: (p: WorkerProgress['progress']) => void): Promise<WorkerReply> {
  if (!worker) {
    worker = new KerasWorker();
    worker.onmessage = (e: MessageEvent<(WorkerReply | WorkerProgress) & { id: number }>) => {
      const w = waiting.get(e.data.id);
      if ('progress' in e.data) return w?.progress?.(e.data.progress);
      w?.done(e.data);
      waiting.delete(e.data.id);
    };
  }
  const id = ++nextId;
  return new Promise((done) => {
    waiting.set(id, progress ? { done, progress } : { done });
    worker!.postMessage({ id, ...req });
  });
}

function asError(e: unknown, name: string): PageError {
  if (isAttnlensError(e)) return { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) };
  return { code: 'INTERNAL', message: `${name}: ${String(e)}` };
}

/** A zip is told apart by its entry names (core's zipCentralDirectory reads them from its tail). */
async function zipNames(file: File): Promise<string[] | undefined> {
  const bytes = async (a: number, b: number) => new Uint8Array(await file.slice(a, b).arrayBuffer());
  const cd = zipCentralDirectory(await bytes(Math.max(0, file.size - ZIP_TAIL_BYTES), file.size), file.size);
  if (cd && 'names' in cd) return cd.names;
  return cd && 'need' in cd ? readCentralNames(await bytes(cd.need[0], cd.need[1]), 65535) : undefined;
}

async function readSource(file: File): Promise<Source> {
  const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer());
  const format = sniff(head, head[0] === 0x50 && head[1] === 0x4b ? await zipNames(file) : undefined);
  if (format === 'pytorch' || format === 'safetensors') return { name: file.name, kind: 'torch', summary: await torchSummaryOf(file) };
  // A zip's entries are not in its first bytes: the worker reads its directory and opens a .keras archive.
  if (format === 'hdf5' || format === 'keras-zip' || format === 'zip') {
    const r = await ask({ kind: 'summary', file });
    return r.summary ? { name: file.name, kind: 'keras', summary: r.summary, file } : { name: file.name, kind: 'error', error: r.error ?? { code: 'INTERNAL', message: `${file.name}: no summary` } };
  }
  if (format === 'tensorproto' || format === 'tfrecord' || format === 'tfevents' || format === 'gzip') {
    // Read whole, as a documents file is: the maps it holds are what the page shows.
    const r = await ask({ kind: 'dump', file, format });
    return r.documents ? { name: file.name, kind: 'docs', docs: r.documents, filter: { query: '', label: '', misclassified: false, sort: 'file' }, current: 0 } : { name: file.name, kind: 'error', error: r.error ?? { code: 'INTERNAL', message: `${file.name}: no documents` } };
  }
  if (format === 'npz') return { name: file.name, kind: 'npz', file, arrays: await npzNames(file) };
  if (format === 'npy') {
    const info = inspectNpyHeader(head, file.name);
    if (info.unsupported) throw info.unsupported;
    return { name: file.name, kind: 'npy', file, shape: info.header!.shape, dtype: info.header!.dtype };
  }
  if (format === 'attnlens') {
    // The page holds the documents it lists; an .attn.pb is decoded chunk by chunk as it is read
    // (streamDocuments), so its bytes are never held whole beside them. JSON is parsed whole.
    const docs = looksLikeAttnJson(new TextDecoder().decode(head)) ? decodeJson(await file.text(), file.name).documents : await streamDocuments(file);
    return { name: file.name, kind: 'docs', docs, filter: { query: '', label: '', misclassified: false, sort: 'file' }, current: 0 };
  }
  // Text and tokenizers (a Keras tokenizer.json, a vocab.txt) are read when the model runs over them.
  if (format === 'unknown' && /\.(txt|json|vocab|tsv)$/i.test(file.name)) return { name: file.name, kind: 'text', file };
  return {
    name: file.name,
    kind: 'error',
    error: { code: 'UNSUPPORTED', message: `${file.name}: is ${format === 'unknown' ? 'not a format attnlens knows' : `a ${format} file`}; the page shows Keras HDF5 files and attention documents`, hint: format === 'unknown' || format === 'empty' ? 'open a Keras .h5/.weights.h5 or an .attn.pb/.attn.json file' : 'convert it to .attn.pb with attnlens convert, then open that' },
  };
}

async function openFiles(files: readonly File[]): Promise<void> {
  setStatus(`Opening ${files.length} file${files.length === 1 ? '' : 's'}…`, true);
  for (const f of files) {
    let s: Source;
    try {
      s = await readSource(f);
    } catch (e) {
      s = { name: f.name, kind: 'error', error: asError(e, f.name) };
    }
    sources.push(s);
    selected = sources.length - 1;
  }
  setStatus(`${sources.length} file${sources.length === 1 ? '' : 's'} open.`, false);
  render();
}

function setStatus(text: string, busy: boolean): void {
  $('status').textContent = text;
  document.body.dataset.busy = busy ? '1' : '0';
}

function sourceList(): HTMLElement {
  return h('ul', {}, ...sources.map((s, i) => {
    const b = h('button', { type: 'button', class: `source ${s.kind}`, 'aria-current': String(i === selected) }, s.name);
    b.addEventListener('click', () => {
      selected = i;
      render();
    });
    return h('li', {}, b);
  }));
}

function styleFor(s: Source & { kind: 'docs' }): Style {
  return { colormap: prefs.colormap, scale: prefs.scale === 'shared' ? resolveScale(s.docs.flatMap((d) => d.maps), 'auto') : 'auto' };
}

function select<T extends string>(label: string, value: T, options: readonly [T, string][], onChange: (v: T) => void): HTMLElement {
  const el = h('select', { 'aria-label': label }, ...options.map(([v, t]) => h('option', v === value ? { value: v, selected: '' } : { value: v }, t)));
  el.addEventListener('change', () => onChange(el.value as T));
  return h('label', {}, `${label} `, el);
}

function button(text: string, cls: string, onClick: () => void): HTMLButtonElement {
  const b = h('button', { type: 'button', class: cls }, text);
  b.addEventListener('click', onClick);
  return b;
}

function exportPng(doc: AttentionDocument, style: Style): void {
  // At one device pixel per CSS pixel, as the CLI's `render --format png` draws by default.
  const c = document.createElement('canvas');
  drawFigure(c, figureFor(doc), style, 1);
  c.toBlob((b) => b && download(b, `${doc.id}.png`), 'image/png');
}

function docsControls(s: Source & { kind: 'docs' }, doc: AttentionDocument | undefined, style: Style): HTMLElement {
  const search = h('input', { type: 'search', 'aria-label': 'Search sample ids', placeholder: 'search ids', value: s.filter.query });
  search.addEventListener('input', () => {
    s.filter.query = search.value;
    renderDocs(s, true);
  });
  const mis = h('input', s.filter.misclassified ? { type: 'checkbox', checked: '' } : { type: 'checkbox' });
  mis.addEventListener('change', () => {
    s.filter.misclassified = mis.checked;
    renderDocs(s);
  });
  return h(
    'div',
    { class: 'controls' },
    search,
    select('label', s.filter.label, [['', 'any label'], ...labelsOf(s.docs).map((l) => [l, l] as [string, string])], (v) => ((s.filter.label = v), renderDocs(s))),
    h('label', {}, mis, ' misclassified'),
    select('order', s.filter.sort, [['file', 'file order'], ['max', 'max attention']], (v) => ((s.filter.sort = v), renderDocs(s))),
    select('colour map', prefs.colormap, COLORMAPS.map((c) => [c, c] as [string, string]), (v) => ((prefs.colormap = v), renderDocs(s))),
    select('scale', prefs.scale, [['map', 'per map'], ['shared', 'shared']], (v) => ((prefs.scale = v), renderDocs(s))),
    doc ? button('PNG', 'export-png', () => exportPng(doc, style)) : null,
    doc ? button('SVG', 'export-svg', () => download(new Blob([figureSvg(doc, undefined, style)], { type: 'image/svg+xml' }), `${doc.id}.svg`)) : null,
    button('.attn.pb', 'export-pb', () => download(new Blob([encodeStream(s.docs) as BlobPart], { type: 'application/octet-stream' }), `${s.name.replace(/\.attn\.(pb|json)$/, '')}.attn.pb`)),
    button('.attn.json', 'export-json', () => download(new Blob([encodeJson(s.docs)], { type: 'application/json' }), `${s.name.replace(/\.attn\.(pb|json)$/, '')}.attn.json`)),
  );
}

const LIST_LIMIT = 500;

function renderDocs(s: Source & { kind: 'docs' }, keepFocus = false): void {
  const kept = filterDocs(s.docs, s.filter);
  if (!kept.includes(s.current) && kept.length) s.current = kept[0]!;
  const doc = kept.length ? s.docs[s.current] : undefined;
  const style = styleFor(s);
  const list = h('ol', { class: 'samples', 'aria-label': `samples (${kept.length} of ${s.docs.length})` }, ...kept.slice(0, LIST_LIMIT).map((i) => {
    const d = s.docs[i]!;
    const b = h('button', { type: 'button', class: 'sample', 'aria-current': String(i === s.current) }, d.id);
    b.addEventListener('click', () => {
      s.current = i;
      renderDocs(s);
    });
    return h('li', {}, b);
  }));
  const more = kept.length > LIST_LIMIT ? h('p', {}, `${kept.length - LIST_LIMIT} more: search or filter to find them`) : null;
  let body: HTMLElement;
  try {
    body = doc ? sideBySide(s, doc, style) : h('p', {}, 'No sample matches.');
    if (doc) {
      // The canvases were drawn before a CJK/emoji subset they need had loaded: draw again once it has.
      const shown = s.current;
      redrawWhenFontsLoad(documentStrings([doc, ...sameIdDocs(s, doc).map(([, d]) => d)]), () => {
        if (sources[selected] === s && s.current === shown) renderDocs(s, true);
      });
    }
  } catch (e) {
    body = errorView(asError(e, s.name));
  }
  const view = $('view');
  const focused = keepFocus ? (document.activeElement as HTMLInputElement | null) : null;
  const controls = docsControls(s, doc, style);
  view.replaceChildren(h('h2', {}, `${s.name}: ${s.docs.length} document${s.docs.length === 1 ? '' : 's'}`), controls, h('div', { class: 'docs' }, h('div', { class: 'list' }, list, more), body));
  if (focused?.type === 'search') {
    const again = controls.querySelector('input[type=search]') as HTMLInputElement;
    again.focus();
    again.setSelectionRange(again.value.length, again.value.length);
  }
}

/** The sample, and beside it the samples with the same id in the other open document files (two models on one test set). */
function sameIdDocs(s: Source & { kind: 'docs' }, doc: AttentionDocument): (readonly [string, AttentionDocument])[] {
  return sources.flatMap((o) => (o !== s && o.kind === 'docs' ? o.docs.filter((d) => d.id === doc.id).map((d) => [o.name, d] as const) : []));
}

function sideBySide(s: Source & { kind: 'docs' }, doc: AttentionDocument, style: Style): HTMLElement {
  const others = sameIdDocs(s, doc);
  if (!others.length) return documentView(doc, style);
  const column = (name: string, d: AttentionDocument) => h('div', { class: 'column' }, h('p', { class: 'column-source' }, name), documentView(d, style));
  return h('div', { class: 'columns' }, column(s.name, doc), ...others.map(([name, d]) => column(name, d)));
}

function errorView(e: PageError): HTMLElement {
  return h('div', { class: 'error', role: 'alert' }, h('p', {}, e.message), e.hint ? h('p', { class: 'hint' }, e.hint) : null);
}

function render(): void {
  $('sources').replaceChildren(sourceList());
  const s = sources[selected];
  if (!s) return;
  if (s.kind === 'docs') return renderDocs(s);
  if (s.kind === 'torch') return void $('view').replaceChildren(torchView(s.summary));
  if (s.kind === 'text') return void $('view').replaceChildren(h('article', {}, h('h2', {}, s.name), h('p', {}, `Text, ${s.file.size} bytes: the text a model runs over, or the tokenizer that makes it ids. Open the model too and run it from its page.`)));
  if (s.kind === 'npy') return void $('view').replaceChildren(h('article', {}, h('h2', {}, s.name), h('p', {}, `NumPy array ${formatShape(s.shape)}, ${s.dtype}. The saved input X of an attention layer (open the model too and compute from its page), token ids (run the model from its page), or an alignment dump:`), alignmentForm(s)));
  if (s.kind === 'npz') return void $('view').replaceChildren(h('article', {}, h('h2', {}, s.name), h('p', {}, `NumPy .npz holding ${s.arrays.length} array${s.arrays.length === 1 ? '' : 's'}: ${s.arrays.join(', ')}.`), alignmentForm(s)));
  $('view').replaceChildren(s.kind === 'keras' ? h('div', {}, forwardForm(s), computeForm(s), kerasView(s.summary)) : errorView(s.error));
}

const LAYOUTS: [string, string][] = [['', 'default (tbe for 3-D, te for 2-D)'], ['tbe', 'tbe'], ['bte', 'bte'], ['bet', 'bet'], ['te', 'te'], ['et', 'et']];

/** An .npy/.npz alignment_history as alignment documents (src/alignment.ts), token files optional. */
function alignmentForm(s: Source & { kind: 'npy' | 'npz' }): HTMLElement {
  const texts: [string, string][] = [['', 'none'], ...sources.flatMap((x, i) => (x.kind === 'text' ? [[String(i), x.name] as [string, string]] : []))];
  const o = { layout: '', array: s.kind === 'npz' ? s.arrays[0]! : '', src: '', tgt: '' };
  const fileOf = (i: string) => (i ? (sources[Number(i)] as Source & { kind: 'text' }).file : undefined);
  const go = button('Show as alignment maps', 'alignment', () => {
    const src = fileOf(o.src);
    const tgt = fileOf(o.tgt);
    const name = `alignments of ${s.name}${o.array ? `:${o.array}` : ''}`;
    void alignmentFromNumpy({ file: s.file, npz: s.kind === 'npz', layout: o.layout, ...(o.array ? { array: o.array } : {}), ...(src ? { srcTokens: src } : {}), ...(tgt ? { tgtTokens: tgt } : {}) })
      .then((documents) => showResult(name, { documents }), (e) => showResult(name, { error: asError(e, s.name) }));
  });
  return h(
    'section',
    { class: 'controls alignment-form' },
    s.kind === 'npz' ? select('array', o.array, s.arrays.map((a) => [a, a] as [string, string]), (v) => (o.array = v)) : null,
    select('layout', o.layout, LAYOUTS, (v) => (o.layout = v)),
    texts.length > 1 ? select('source tokens', o.src, texts, (v) => (o.src = v)) : null,
    texts.length > 1 ? select('target tokens', o.tgt, texts, (v) => (o.tgt = v)) : null,
    go,
  );
}

/** Push the worker's documents (or its error) as a new source and show it. */
function showResult(name: string, r: WorkerReply): void {
  sources.push(r.documents ? { name, kind: 'docs', docs: r.documents, filter: { query: '', label: '', misclassified: false, sort: 'file' }, current: 0 } : { name, kind: 'error', error: r.error! });
  selected = sources.length - 1;
  setStatus(`${sources.length} files open.`, false);
  render();
}

/** Run the model from its file over opened token ids (.npy) or text + tokenizer, up to its attention layers, in the worker. */
function forwardForm(s: Source & { kind: 'keras' }): HTMLElement | null {
  if (!(s.summary.forward.attention ?? []).some((a) => a.from_ids)) return null;
  const inputs = sources.flatMap((x, i) => (x.kind === 'npy' ? [[String(i), `ids ${x.name} ${formatShape(x.shape)}`]] : x.kind === 'text' ? [[String(i), `text ${x.name}`]] : []) as [string, string][]);
  const texts = sources.flatMap((x, i) => (x.kind === 'text' ? [[String(i), x.name] as [string, string]] : []));
  if (!inputs.length) return h('p', { class: 'forward-hint' }, 'Open token ids (.npy), or a text with its tokenizer (tokenizer.json or a vocabulary), beside this model to run it up to its attention layers here.');
  // Guessed from the names (a tokenizer or vocab file, the input any other), changed with the selects.
  const tokenizer = texts.find(([, n]) => /token|vocab/i.test(n))?.[0] ?? texts[0]?.[0] ?? '';
  const o = { input: (inputs.find(([i]) => i !== tokenizer) ?? inputs[0]!)[0], tokenizer, padding: 'pre' as 'pre' | 'post', truncating: 'pre' as 'pre' | 'post' };
  const side: [('pre' | 'post'), string][] = [['pre', 'pre'], ['post', 'post']];
  const bar = h('progress', { max: '1', value: '0', 'aria-label': 'forward progress', hidden: '' });
  const go = button('Run the model', 'forward', () => {
    const x = sources[Number(o.input)]!;
    const input: ForwardInput | undefined = x.kind === 'npy' ? { ids: x.file } : x.kind === 'text' && o.tokenizer && o.tokenizer !== o.input ? { text: x.file, tokenizer: (sources[Number(o.tokenizer)] as Source & { kind: 'text' }).file, padding: o.padding, truncating: o.truncating } : undefined;
    if (!input) return showResult(`${s.name} over ${x.name}`, { error: { code: 'BAD_ARGUMENT', message: `${x.name}: text needs a tokenizer to become ids`, hint: 'open the Keras tokenizer.json or a vocabulary too' } });
    go.disabled = true;
    bar.hidden = false;
    setStatus(`Running ${s.name} over ${x.name}…`, true);
    void ask({ kind: 'forward', model: s.file, input }, (p) => ((bar.max = p.total), (bar.value = p.done))).then((r) => showResult(`${s.name} over ${x.name}`, r));
  });
  return h(
    'section',
    { class: 'controls forward-form' },
    select('model input', o.input, inputs, (v) => (o.input = v)),
    texts.length ? select('tokenizer', o.tokenizer, texts, (v) => (o.tokenizer = v)) : null,
    select('padding', o.padding, side, (v) => (o.padding = v)),
    select('truncating', o.truncating, side, (v) => (o.truncating = v)),
    go,
    bar,
  );
}

/** Recompute an attention layer of the model over an opened .npy X (the layer's saved input), in the worker. */
function computeForm(s: Source & { kind: 'keras' }): HTMLElement | null {
  const layers = s.summary.attention_layers.map((a) => a.layer);
  const xs = sources.flatMap((x, i) => (x.kind === 'npy' ? [[String(i), `${x.name} ${formatShape(x.shape)}`] as [string, string]] : []));
  if (!layers.length) return null;
  if (!xs.length) return h('p', { class: 'compute-hint' }, "Open the saved input X of an attention layer (.npy) beside this model to compute its attention here.");
  let layer = layers[0]!;
  let xi = xs[0]![0];
  const bar = h('progress', { max: '1', value: '0', 'aria-label': 'compute progress', hidden: '' });
  const go = button('Compute attention', 'compute', () => {
    const x = sources[Number(xi)] as Source & { kind: 'npy' };
    go.disabled = true;
    bar.hidden = false;
    setStatus(`Computing ${layer} over ${x.name}…`, true);
    void ask({ kind: 'compute', model: s.file, x: x.file, layer }, (p) => ((bar.max = p.total), (bar.value = p.done))).then((r) => {
      const name = `${layer} over ${x.name}`;
      sources.push(r.documents ? { name, kind: 'docs', docs: r.documents, filter: { query: '', label: '', misclassified: false, sort: 'file' }, current: 0 } : { name, kind: 'error', error: r.error! });
      selected = sources.length - 1;
      setStatus(`${sources.length} files open.`, false);
      render();
    });
  });
  return h(
    'section',
    { class: 'controls compute-form' },
    select('attention layer', layer, layers.map((l) => [l, l] as [string, string]), (v) => (layer = v)),
    select('X', xi, xs, (v) => (xi = v)),
    go,
    bar,
  );
}

/** j/k or the arrow keys move through the samples the filter keeps. */
function step(delta: number): void {
  const s = sources[selected];
  if (s?.kind !== 'docs') return;
  const kept = filterDocs(s.docs, s.filter);
  const at = kept.indexOf(s.current);
  const next = kept[Math.min(kept.length - 1, Math.max(0, at + delta))];
  if (next !== undefined && next !== s.current) {
    s.current = next;
    renderDocs(s);
  }
}

document.addEventListener('keydown', (e) => {
  if ((e.target as HTMLElement).closest('input, select, textarea') || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === 'j' || e.key === 'ArrowDown' || e.key === 'ArrowRight') step(1);
  else if (e.key === 'k' || e.key === 'ArrowUp' || e.key === 'ArrowLeft') step(-1);
  else return;
  e.preventDefault();
});

function wireOpening(): void {
  const input = $<HTMLInputElement>('files');
  input.addEventListener('change', () => {
    void openFiles([...(input.files ?? [])]);
    input.value = '';
  });
  const drop = $('drop');
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.hidden = false;
  });
  document.addEventListener('dragleave', (e) => {
    if (!e.relatedTarget) drop.hidden = true;
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.hidden = true;
    void openFiles([...(e.dataTransfer?.files ?? [])]);
  });
}

/** `attnlens view FILES` serves the files it was given at ./files/N, listed in ./preload.json. */
async function preload(): Promise<void> {
  if (!location.protocol.startsWith('http')) return;
  const r = await fetch('./preload.json').catch(() => undefined);
  if (!r?.ok) return;
  const list = (await r.json()) as { name: string; url: string }[];
  const files = await Promise.all(list.map(async (f) => new File([await (await fetch(f.url)).blob()], f.name)));
  if (files.length) await openFiles(files);
}

wireOpening();
setStatus($('status').textContent ?? '', false);
void preload();
(window as unknown as { attnlens: unknown }).attnlens = { openFiles };
