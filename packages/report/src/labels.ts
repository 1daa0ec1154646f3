import { fail, type AttentionDocument } from '@attnlens/core';

/** Labels by sample id: [true, predicted], either missing. */
export type LabelTable = Map<string, [string | undefined, string | undefined]>;

/**
 * A labels file's text: one sample a line, `id<TAB>true[<TAB>predicted]` (commas work too;
 * a header line starting with "id" is skipped). `file` names the source in errors.
 */
export function parseLabels(text: string, file: string): LabelTable {
  const byId: LabelTable = new Map();
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || (i === 0 && /^id[\t,]/i.test(line))) return;
    const parts = line.split(line.includes('\t') ? '\t' : ',');
    if (parts.length < 2) fail('CORRUPT', `line ${i + 1} has no label: ${JSON.stringify(line.slice(0, 60))}`, { file, hint: 'write id<TAB>true_label[<TAB>predicted_label] on each line' });
    byId.set(parts[0]!, [parts[1] || undefined, parts[2]?.trim() || undefined]);
  });
  return byId;
}

/** A function that fills in the labels a document lacks from the table (labels the document has win). */
export function labelFiller(byId: LabelTable): (d: AttentionDocument) => AttentionDocument {
  return (d) => {
    const l = byId.get(d.id);
    if (!l) return d;
    return { ...d, ...(d.trueLabel === undefined && l[0] !== undefined ? { trueLabel: l[0] } : {}), ...(d.predictedLabel === undefined && l[1] !== undefined ? { predictedLabel: l[1] } : {}) };
  };
}
