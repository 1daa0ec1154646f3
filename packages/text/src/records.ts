// The record every vocabulary produces for each word of a text, and the one interface
// the Keras Tokenizer and plain vocabularies share.

/**
 * One step the model sees: its id, the token as the model saw it (the OOV token when the
 * word was unknown, the lowercased word when the tokenizer lowers) and the word as it
 * stood in the text, for display.
 */
export interface TokenRecord {
  id: number;
  token: string;
  original: string;
}

/** What encoding one text found beside its records. */
export interface EncodeStats {
  /** Words of the text that have no id and were dropped (Keras drops them when there is no oov_token). */
  dropped: number;
  /** Words replaced by the OOV token. */
  oov: number;
}

export interface Vocabulary {
  /** 'keras-tokenizer', 'token-lines' or 'token-map'. */
  readonly kind: 'keras-tokenizer' | 'token-lines' | 'token-map';
  /** The largest id encode() can return (the Embedding's input_dim must exceed it). */
  readonly maxId: number;
  /** The id of the OOV token, if unknown words map to one. */
  readonly oovId: number | undefined;
  /** The file it came from, for messages. */
  readonly file?: string;
  /** One line on what it is and how it splits text. */
  describe(): string;
  /** The records of one text, in order; `stats`, when given, is incremented. */
  encode(text: string, stats?: EncodeStats): TokenRecord[];
}

export function emptyStats(): EncodeStats {
  return { dropped: 0, oov: 0 };
}
