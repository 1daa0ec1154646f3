// @attnlens/text/node: vocabularies and texts from files.
import { readFile } from 'node:fs/promises';
import { fsError } from '@attnlens/core/node';
import { parseVocabulary } from './load.js';
import type { Vocabulary } from './records.js';
import type { PlainVocabularyOptions } from './vocabulary.js';

export * from './index.js';

/** A text file as UTF-8, errors naming the file. */
export async function readTextFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw fsError(e, path);
  }
}

/** A Keras tokenizer JSON, a JSON token → id map or one token a line, by content. */
export async function loadVocabulary(path: string, o: PlainVocabularyOptions = {}): Promise<Vocabulary> {
  return parseVocabulary(await readTextFile(path), path, o);
}
