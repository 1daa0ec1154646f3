// Messages between the page and the Keras worker.
import type { AttentionDocument, SniffedFormat } from '@attnlens/core';
import type { KerasSummary } from '@attnlens/forward';

export type WorkerRequest =
  | { id: number; kind: 'summary'; file: File }
  /** Recompute one attention layer of `model` over X, the saved input of that layer (an .npy). */
  | { id: number; kind: 'compute'; model: File; x: File; layer: string }
  /** Run `model` from its file over its inputs up to its attention layers (a HAN: both levels). */
  | { id: number; kind: 'forward'; model: File; input: ForwardInput }
  /** A TensorFlow dump (TensorProto, TFRecord, event file; GZIP or not) as alignment documents. */
  | { id: number; kind: 'dump'; file: File; format: SniffedFormat };

/** The model's inputs: token ids (.npy), or text with the Keras tokenizer JSON or plain vocabulary that makes them ids. */
export type TextInput = { text: File; tokenizer: File; padding: 'pre' | 'post'; truncating: 'pre' | 'post' };
export type ForwardInput = { ids: File } | TextInput;

export interface PageError {
  code: string;
  message: string;
  hint?: string;
}

export type WorkerReply =
  | { summary: KerasSummary; error?: undefined; documents?: undefined }
  | { documents: AttentionDocument[]; error?: undefined; summary?: undefined }
  | { error: PageError; summary?: undefined; documents?: undefined };

/** Sent while a compute runs: sequences done of all. */
export interface WorkerProgress {
  id: number;
  progress: { done: number; total: number };
}
