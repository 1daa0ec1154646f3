// A stacked alignment_history saved with NumPy (.npy, or one array of an .npz) as alignment
// documents, as `attnlens convert` makes them: @attnlens/npy reads it by ranges, @attnlens/tf's
// iterateAlignmentDocuments lays out and checks the axes (LAYOUT_HELP).
import { fail, type AttentionDocument, type Tensor } from '@attnlens/core';
import { decodeNpy, npyHeaderAt, npzEntriesAt, readNpzEntry } from '@attnlens/npy';
import { fileReadAt, npyFileRows } from './file-ranges.js';
import { alignmentDocuments, parseTokenLines } from '@attnlens/tf';

export interface AlignmentInput {
  file: File;
  npz: boolean;
  /** The .npz array to read (default: the only one). */
  array?: string;
  /** '' for the default (tbe for 3-D, te for 2-D). */
  layout: string;
  srcTokens?: File;
  tgtTokens?: File;
}

/** The array names of an .npz, from its central directory (read by ranges, no array read). */
export async function npzNames(file: File): Promise<string[]> {
  return [...(await npzEntriesAt(fileReadAt(file), file.size, file.name)).keys()];
}

/**
 * The array, read by ranges: an .npy's data range (its header first), or the one .npz entry
 * named (the zip's central directory first). The maps made from it hold all of it anyway.
 */
async function arrayOf(file: File, npz: boolean, array: string | undefined): Promise<Tensor> {
  const read = fileReadAt(file);
  if (!npz) {
    const info = await npyHeaderAt(read, 0, file.size, file.name);
    // A 0-d array has no rows; decodeNpy reads its one value and alignmentDocuments says what shape it needs.
    if (info.header?.shape.length === 0) return decodeNpy(await read(0, file.size), file.name);
    const rows = await npyFileRows(file);
    return rows.readRows(0, rows.rows);
  }
  const entries = await npzEntriesAt(read, file.size, file.name);
  const names = [...entries.keys()];
  const name = array ?? (names.length === 1 ? names[0]! : fail('BAD_ARGUMENT', `holds ${names.length} arrays (${names.join(', ')}); pick one`, { file: file.name }));
  const entry = entries.get(name) ?? fail('NOT_FOUND', `has no array ${name}`, { file: file.name, hint: `its arrays: ${names.join(', ')}` });
  return readNpzEntry(read, entry, file.size, file.name);
}

export async function alignmentFromNumpy(a: AlignmentInput): Promise<AttentionDocument[]> {
  const t = await arrayOf(a.file, a.npz, a.array);
  const tokens = async (f?: File) => (f ? parseTokenLines(await f.text()) : undefined);
  const [srcTokens, tgtTokens] = [await tokens(a.srcTokens), await tokens(a.tgtTokens)];
  return alignmentDocuments(t, {
    file: a.file.name,
    ...(a.layout ? { layout: a.layout } : {}),
    ...(a.array ? { layer: a.array } : {}),
    ...(srcTokens ? { srcTokens } : {}),
    ...(tgtTokens ? { tgtTokens } : {}),
    provenance: { sourceFormat: a.npz ? 'npz' : 'npy', fileName: a.file.name, framework: 'tensorflow' },
  });
}
