import { readFile } from 'node:fs/promises';
import { fail, type AttentionDocument } from '@attnlens/core';
import { fsError } from '@attnlens/core/node';

/**
 * A labels file: one sample a line, `id<TAB>true[<TAB>predicted]` (commas work too;
 * a header line starting with "id" is skipped). Returns a function that fills in the
 * labels a document lacks.
 */
export async function readLabels(path: string): Promise<(d: AttentionDocument) => AttentionDocument> {
  const text = await readFile(path, 'utf8').catch((e) => { throw fsError(e, path); });
  const byId = new Map<string, [string | undefined, string | undefined]>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || (i === 0 && /^id[\t,]/i.test(line))) return;
    const parts = line.split(line.includes('\t') ? '\t' : ',');
    if (parts.length < 2) fail('CORRUPT', `line ${i + 1} has no label: ${JSON.stringify(line.slice(0, 60))}`, { file: path, hint: 'write id<TAB>true_label[<TAB>predicted_label] on each line' });
    byId.set(parts[0]!, [parts[1] || undefined, parts[2]?.trim() || undefined]);
  });
  return (d) => {
    const l = byId.get(d.id);
    if (!l) return d;
    return { ...d, ...(d.trueLabel === undefined && l[0] !== undefined ? { trueLabel: l[0] } : {}), ...(d.predictedLabel === undefined && l[1] !== undefined ? { predictedLabel: l[1] } : {}) };
  };
}
