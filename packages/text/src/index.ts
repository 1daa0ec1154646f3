// @attnlens/text: text → token ids exactly as Keras's Tokenizer.texts_to_sequences and
// pad_sequences give them, plain vocabularies, sentence splits, token files. Browser-safe;
// file loading is in ./node.
export type { TokenRecord, EncodeStats, Vocabulary } from './records.js';
export { KERAS_FILTERS, KerasTokenizer, parseKerasTokenizer, textToWordSequence } from './keras-tokenizer.js';
export type { KerasTokenizerConfig, WordSequenceOptions } from './keras-tokenizer.js';
export { PlainVocabulary, parseTokenLines, tokenMapVocabulary } from './vocabulary.js';
export type { PlainVocabularyOptions } from './vocabulary.js';
export { checkIsText, parseVocabulary } from './load.js';
export { checkSide, padLength, padSequences, placement } from './pad.js';
export type { PadOptions, Placement, Side } from './pad.js';
export { checkSomethingKnown, encodeSentences, encodeTexts } from './encode.js';
export type { EncodedTexts, HierarchicalPadOptions } from './encode.js';
export { fileLines, lineBlocks, splitSentences } from './blocks.js';
export { parseSentenceTokens, parseTokens } from './token-files.js';
export { ORIGINAL_LABELS_META, addOriginals, originalLabels, setOriginalLabels } from './documents.js';
