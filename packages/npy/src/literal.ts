// The .npy header is a Python dict literal that NumPy reads with ast.literal_eval
// (FORMATS.md §3). A regex (as npyjs uses) misreads double quotes, `L` suffixes and
// structured descrs, so this is a small recursive-descent parser for exactly the
// literals such a header can hold: dicts, tuples, lists, strings, ints, True/False/None.

export type PyValue = string | number | boolean | null | PyTuple | PyValue[] | PyDict;
/** A tuple, told apart from a list so that `shape` must be one. */
export class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
/** A dict with string keys, in source order. */
export class PyDict {
  constructor(readonly entries: [string, PyValue][]) {}
  get(key: string): PyValue | undefined {
    return this.entries.find(([k]) => k === key)?.[1];
  }
}

export class PyLiteralError extends Error {
  constructor(message: string, readonly column: number) {
    super(message);
  }
}

// Deep enough for any structured descr NumPy writes, small enough that a hostile
// header cannot blow the stack.
const MAX_DEPTH = 64;

/** Parse one Python literal; the whole text must be consumed (surrounding whitespace allowed). */
export function parsePyLiteral(text: string): PyValue {
  let i = 0;
  const err = (msg: string): never => {
    throw new PyLiteralError(msg, i + 1);
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const value = (depth: number): PyValue => {
    if (depth > MAX_DEPTH) err('nested too deeply');
    ws();
    const c = text[i];
    if (c === undefined) return err('unexpected end of header');
    if (c === '{') return dict(depth);
    if (c === '(') return seq(')', depth);
    if (c === '[') return seq(']', depth);
    if (c === "'" || c === '"') return str();
    if ((c === 'u' || c === 'b' || c === 'U' || c === 'B') && (text[i + 1] === "'" || text[i + 1] === '"')) {
      i++;
      return str();
    }
    if (c === '-' || c === '+' || (c >= '0' && c <= '9')) return int();
    const word = /^[A-Za-z_]\w*/.exec(text.slice(i, i + 32))?.[0];
    if (word === 'True' || word === 'False' || word === 'None') {
      i += word.length;
      return word === 'None' ? null : word === 'True';
    }
    return err(`unexpected ${word ? `name ${word}` : `character ${JSON.stringify(c)}`}`);
  };
  const str = (): string => {
    const q = text[i++]!;
    let out = '';
    for (;;) {
      const c = text[i];
      if (c === undefined || c === '\n') return err('unterminated string');
      i++;
      if (c === q) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[i++];
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"' };
      if (e !== undefined && e in simple) out += simple[e];
      else if (e === 'x' || e === 'u' || e === 'U') {
        const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = text.slice(i, i + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) err('bad escape in string');
        out += String.fromCodePoint(parseInt(hex, 16));
        i += len;
      } else err('bad escape in string');
    }
  };
  const int = (): number => {
    const m = /^[-+]?\d+[lL]?/.exec(text.slice(i, i + 40));
    if (!m) return err('bad number');
    const digits = m[0].replace(/[lL]$/, '');
    // Only integers occur in a header; a float or a huge integer is not a shape NumPy wrote.
    if (/[.eEjJ]/.test(text[i + m[0].length] ?? '')) err('only integers are allowed here');
    i += m[0].length;
    const n = Number(digits);
    if (!Number.isSafeInteger(n)) err(`integer ${digits} is too large`);
    return n;
  };
  const seq = (close: ')' | ']', depth: number): PyValue => {
    i++;
    const items: PyValue[] = [];
    let sawComma = false;
    for (;;) {
      ws();
      if (text[i] === close) {
        i++;
        break;
      }
      items.push(value(depth + 1));
      ws();
      if (text[i] === ',') {
        i++;
        sawComma = true;
        continue;
      }
      if (text[i] === close) {
        i++;
        break;
      }
      err(`expected , or ${close}`);
    }
    if (close === ']') return items;
    // `(5)` is just 5 in Python; `(5,)` is a 1-tuple.
    if (items.length === 1 && !sawComma) return items[0]!;
    return new PyTuple(items);
  };
  const dict = (depth: number): PyDict => {
    i++;
    const entries: [string, PyValue][] = [];
    for (;;) {
      ws();
      if (text[i] === '}') {
        i++;
        break;
      }
      const k = value(depth + 1);
      if (typeof k !== 'string') err('dict keys must be strings');
      ws();
      if (text[i] !== ':') err('expected :');
      i++;
      entries.push([k as string, value(depth + 1)]);
      ws();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        break;
      }
      err('expected , or }');
    }
    return new PyDict(entries);
  };
  const v = value(0);
  ws();
  if (i < text.length) err('unexpected text after the literal');
  return v;
}

/** Python's repr of a parsed literal (for messages and structured descrs). */
export function pyRepr(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (v instanceof PyTuple) return `(${v.items.map(pyRepr).join(', ')}${v.items.length === 1 ? ',' : ''})`;
  if (v instanceof PyDict) return `{${v.entries.map(([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`).join(', ')}}`;
  return `[${v.map(pyRepr).join(', ')}]`;
}
