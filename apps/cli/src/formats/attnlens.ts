import { mapCols, mapRows, type AttentionDocument } from '@attnlens/core';
import { readDocuments, readRange } from '@attnlens/core/node';
import type { FormatHandler } from './registry.js';

export const attnlensFormat: FormatHandler = {
  name: 'attnlens',
  claims: ['attnlens'],
  async inspect({ path, sniff }) {
    let count = 0;
    const shapes = new Map<string, number>();
    const first: AttentionDocument[] = [];
    for await (const d of readDocuments(path)) {
      count++;
      if (first.length < 3) first.push(d);
      for (const m of d.maps) {
        const k = `${m.shape.length === 2 ? `${mapRows(m)}x${mapCols(m)}` : `${mapCols(m)}`}${m.children?.length ? ' hierarchical' : ''}`;
        shapes.set(k, (shapes.get(k) ?? 0) + 1);
      }
    }
    const encoding = /^\s*\{/.test(new TextDecoder().decode(await readRange(path, 0, 16))) ? 'json' : 'pb';
    const json = {
      format: 'attnlens',
      encoding,
      size: sniff.size,
      documents: count,
      map_shapes: Object.fromEntries(shapes),
      first_ids: first.map((d) => d.id),
    };
    const text = [
      `${path}: attnlens documents (${encoding}), ${count} document${count === 1 ? '' : 's'}`,
      ...[...shapes].map(([k, n]) => `  ${n} map${n === 1 ? '' : 's'} of ${k}`),
    ].join('\n');
    return { json, text };
  },
  documents({ path }) {
    return readDocuments(path);
  },
};
