// A strict little XML reader for the tests: enough to prove the SVG is well formed
// (balanced tags, quoted attributes, only the five entities and numeric ones) and
// to query elements. Not a general parser.
export interface El {
  name: string;
  attrs: Record<string, string>;
  children: (El | string)[];
}

const decodeEntities = (s: string) => {
  if (/&(?!amp;|lt;|gt;|quot;|#39;|#\d+;|#x[0-9a-f]+;)/i.test(s)) throw new Error(`bad entity in ${JSON.stringify(s.slice(0, 60))}`);
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
};

export function parseXml(src: string): El {
  let i = 0;
  const root: El = { name: '#root', attrs: {}, children: [] };
  const stack: El[] = [root];
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const text = src.slice(i, lt < 0 ? src.length : lt);
    if (text.trim()) stack[stack.length - 1]!.children.push(decodeEntities(text));
    if (lt < 0) break;
    const gt = src.indexOf('>', lt);
    if (gt < 0) throw new Error('unterminated tag');
    const tag = src.slice(lt + 1, gt);
    i = gt + 1;
    if (tag.startsWith('/')) {
      const el = stack.pop()!;
      if (el.name !== tag.slice(1).trim()) throw new Error(`</${tag.slice(1)}> closes <${el.name}>`);
      continue;
    }
    const self = tag.endsWith('/');
    const body = self ? tag.slice(0, -1) : tag;
    const m = /^([A-Za-z][\w:-]*)([\s\S]*)$/.exec(body);
    if (!m) throw new Error(`bad tag <${tag}>`);
    const attrs: Record<string, string> = {};
    let rest = m[2]!.trim();
    while (rest) {
      const a = /^([A-Za-z_:][\w:.-]*)="([^"<]*)"\s*/.exec(rest);
      if (!a) throw new Error(`bad attribute in <${m[1]}>: ${rest.slice(0, 40)}`);
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
      attrs[a[1]!] = decodeEntities(a[2]!);
      rest = rest.slice(a[0].length);
    }
    const el: El = { name: m[1]!, attrs, children: [] };
    stack[stack.length - 1]!.children.push(el);
    if (!self) stack.push(el);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1]!.name}>`);
  const els = root.children.filter((c): c is El => typeof c !== 'string');
  if (els.length !== 1) throw new Error('expected one root element');
  return els[0]!;
}

export function all(el: El, pred: (e: El) => boolean, out: El[] = []): El[] {
  if (pred(el)) out.push(el);
  for (const c of el.children) if (typeof c !== 'string') all(c, pred, out);
  return out;
}

export function text(el: El): string {
  return el.children.map((c) => (typeof c === 'string' ? c : c.name === 'title' ? '' : text(c))).join('');
}
