// One handler per family of formats. The CLI sniffs a file by content, then asks
// the handler that claims the sniffed format. Adapters plug in here and nowhere else.
import type { AttentionDocument, SniffedFormat, Tensor } from '@attnlens/core';
import type { SniffResult } from '@attnlens/core/node';

export interface InputFile {
  path: string;
  sniff: SniffResult;
  /** A folder the file may read other files from (HDF5 external storage/links); none by default. */
  allowExternal?: string;
}

export interface InspectReport {
  /** What `inspect --json` prints; `format` is always set. */
  json: { format: string } & Record<string, unknown>;
  /** What `inspect` prints for a person. */
  text: string;
}

/** Options `convert` (and `render`, `report`) pass through to a handler; each reads the ones it knows. */
export interface ConvertOptions {
  layout?: string;
  srcTokens?: string;
  tgtTokens?: string;
  srcLengths?: string;
  tgtLengths?: string;
  tag?: string;
  step?: number;
  array?: string;
  skipCorrupt?: boolean;
  warn?: (message: string) => void;
}

export interface FormatHandler {
  /** A short name for messages ("NumPy", "Keras", "TensorFlow"). */
  name: string;
  /** The sniffed formats it claims. */
  claims: readonly SniffedFormat[];
  inspect(input: InputFile): Promise<InspectReport>;
  /** One array or dataset by name (or the only one when name is undefined). */
  extract?(input: InputFile, name: string | undefined): Promise<Tensor>;
  /** Attention documents held in or derived from the file. */
  documents?(input: InputFile, opts: ConvertOptions): AsyncIterable<AttentionDocument>;
}

const handlers: FormatHandler[] = [];

export function registerFormat(h: FormatHandler): void {
  handlers.push(h);
}

export function handlerFor(format: SniffedFormat): FormatHandler | undefined {
  return handlers.find((h) => h.claims.includes(format));
}
