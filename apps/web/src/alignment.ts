// A stacked alignment_history saved with NumPy (.npy, or one array of an .npz) as alignment
// documents, as `attnlens convert` makes them: @attnlens/npy decodes, @attnlens/tf's
// iterateAlignmentDocuments lays out and checks the axes (LAYOUT_HELP).
import { fail, type AttentionDocument, type Tensor } from '@attnlens/core';
import { decodeNpy, decodeNpz } from '@attnlens/npy';
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

/** The array names of an .npz (read whole: its arrays are what the page shows). */
export async function npzNames(file: File): Promise<string[]> {
  return [...decodeNpz(new Uint8Array(await file.arrayBuffer()), file.name).keys()];
}

async function arrayOf(file: File, npz: boolean, array: string | undefined): Promise<Tensor> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (!npz) return decodeNpy(bytes, file.name);
  const arrays = decodeNpz(bytes, file.name);
  const name = array ?? (arrays.size === 1 ? [...arrays.keys()][0]! : fail('BAD_ARGUMENT', `holds ${arrays.size} arrays (${[...arrays.keys()].join(', ')}); pick one`, { file: file.name }));
  return arrays.get(name) ?? fail('NOT_FOUND', `has no array ${name}`, { file: file.name, hint: `its arrays: ${[...arrays.keys()].join(', ')}` });
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
