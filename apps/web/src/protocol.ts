// Messages between the page and the Keras worker.
import type { KerasSummary } from '@attnlens/forward';

export interface WorkerRequest {
  id: number;
  file: File;
}

export interface PageError {
  code: string;
  message: string;
  hint?: string;
}

export type WorkerReply = { summary: KerasSummary; error?: undefined } | { error: PageError; summary?: undefined };
