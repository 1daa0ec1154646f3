#!/usr/bin/python3
"""Expected ids for @attnlens/text, from a faithful copy of Keras's own code.

Debian has no Keras, so the functions below are copied from
keras-team/keras-preprocessing (the code Keras 2.2-2.3 and tf.keras ship):
  keras_preprocessing/text.py, commit b15497b20f0e4ed4ee1883dae15a94312a5b1dff:
    text_to_word_sequence          lines 26-60
    Tokenizer.__init__             (the class's constructor, document_count argument)
    Tokenizer.fit_on_texts         (word_counts, sort by count, oov_token forced to index 1)
    Tokenizer.texts_to_sequences_generator (`if num_words and i >= num_words` branch)
    Tokenizer.get_config / to_json (dicts dumped as JSON strings inside the JSON)
  keras_preprocessing/sequence.py, commit 04b019ddc13ac37cd0b76e3a191e2c40f1ebf430:
    pad_sequences                  lines 19-102
Python 2 branches are left out (Python 3 only). Run with Debian's python3:
  /usr/bin/python3 packages/text/scripts/make-fixtures.py
It writes packages/text/tests/fixtures/{tok-*.json,cases.json}.
  /usr/bin/python3 packages/text/scripts/make-fixtures.py --encode TOKENIZER.json TEXT...
prints the ids of each TEXT under a saved tokenizer (tokenizer_from_json, then
texts_to_sequences): the expected values of test/conformance/text.test.ts.
"""
import json
import os
from collections import OrderedDict, defaultdict

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures')
FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(text, filters=FILTERS, lower=True, split=" "):
    if lower:
        text = text.lower()
    translate_dict = dict((c, split) for c in filters)
    translate_map = str.maketrans(translate_dict)
    text = text.translate(translate_map)
    seq = text.split(split)
    return [i for i in seq if i]


class Tokenizer(object):
    def __init__(self, num_words=None, filters=FILTERS, lower=True, split=' ',
                 char_level=False, oov_token=None, document_count=0):
        self.word_counts = OrderedDict()
        self.word_docs = defaultdict(int)
        self.filters = filters
        self.split = split
        self.lower = lower
        self.num_words = num_words
        self.document_count = document_count
        self.char_level = char_level
        self.oov_token = oov_token
        self.index_docs = defaultdict(int)
        self.word_index = dict()
        self.index_word = dict()

    def _seq(self, text):
        if self.char_level or isinstance(text, list):
            if self.lower:
                if isinstance(text, list):
                    text = [text_elem.lower() for text_elem in text]
                else:
                    text = text.lower()
            return text
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts):
        for text in texts:
            self.document_count += 1
            seq = self._seq(text)
            for w in seq:
                if w in self.word_counts:
                    self.word_counts[w] += 1
                else:
                    self.word_counts[w] = 1
            for w in set(seq):
                self.word_docs[w] += 1
        wcounts = list(self.word_counts.items())
        wcounts.sort(key=lambda x: x[1], reverse=True)
        if self.oov_token is None:
            sorted_voc = []
        else:
            sorted_voc = [self.oov_token]
        sorted_voc.extend(wc[0] for wc in wcounts)
        self.word_index = dict(list(zip(sorted_voc, list(range(1, len(sorted_voc) + 1)))))
        self.index_word = dict((c, w) for w, c in self.word_index.items())
        for w, c in list(self.word_docs.items()):
            self.index_docs[self.word_index[w]] = c

    def texts_to_sequences(self, texts):
        num_words = self.num_words
        oov_token_index = self.word_index.get(self.oov_token)
        out = []
        for text in texts:
            seq = self._seq(text)
            vect = []
            for w in seq:
                i = self.word_index.get(w)
                if i is not None:
                    if num_words and i >= num_words:
                        if oov_token_index is not None:
                            vect.append(oov_token_index)
                    else:
                        vect.append(i)
                elif self.oov_token is not None:
                    vect.append(oov_token_index)
            out.append(vect)
        return out

    def get_config(self):
        return {
            'num_words': self.num_words,
            'filters': self.filters,
            'lower': self.lower,
            'split': self.split,
            'char_level': self.char_level,
            'oov_token': self.oov_token,
            'document_count': self.document_count,
            'word_counts': json.dumps(self.word_counts),
            'word_docs': json.dumps(self.word_docs),
            'index_docs': json.dumps(self.index_docs),
            'index_word': json.dumps(self.index_word),
            'word_index': json.dumps(self.word_index),
        }

    def to_json(self, **kwargs):
        return json.dumps({'class_name': self.__class__.__name__, 'config': self.get_config()}, **kwargs)


def pad_sequences(sequences, maxlen=None, dtype='int32', padding='pre', truncating='pre', value=0.):
    lengths = [len(x) for x in sequences]
    num_samples = len(sequences)
    if maxlen is None:
        maxlen = np.max(lengths)
    sample_shape = tuple()
    for s in sequences:
        if len(s) > 0:
            sample_shape = np.asarray(s).shape[1:]
            break
    x = (np.ones((num_samples, maxlen) + sample_shape) * value).astype(dtype)
    for idx, s in enumerate(sequences):
        if not len(s):
            continue
        if truncating == 'pre':
            trunc = s[-maxlen:]
        elif truncating == 'post':
            trunc = s[:maxlen]
        else:
            raise ValueError('Truncating type "%s" not understood' % truncating)
        trunc = np.asarray(trunc, dtype=dtype)
        if padding == 'post':
            x[idx, :len(trunc)] = trunc
        elif padding == 'pre':
            x[idx, -len(trunc):] = trunc
        else:
            raise ValueError('Padding type "%s" not understood' % padding)
    return x


# Training texts: repeated words so that counts order the index; punctuation, case,
# apostrophes, unicode (final sigma across punctuation, dotted I, ß, CJK, emoji, NBSP).
TRAIN = [
    'The food was great, the service was slow.',
    'Great food!!! Great... GREAT? the best; the end',
    "Don't go there: it's overpriced (really) & loud.",
    'ΟΔΟΣ.ΑΒ and ΟΔΟΣ are Greek; İstanbul, Straße, café — naïve.',
    '很好 吃 😀 tab\there new\nline a\u00a0b',
    'the the the food food service',
]
# Texts to convert: known, unknown, cut by num_words, empty, only punctuation.
TEST = [
    'The food was GREAT',
    'Unknown words everywhere, the food!',
    "don't DON'T Don't it's",
    'ΟΔΟΣ.ΑΒ ΟΔΟΣ οδος İSTANBUL straße CAFÉ',
    '很好 😀 a\u00a0b tab\there',
    '',
    '!!! ... ???',
    'the service service the end best',
]

CASES = [
    ('default', {}),
    ('oov', {'oov_token': '<OOV>'}),
    ('num-words', {'num_words': 5}),
    ('num-words-oov', {'num_words': 5, 'oov_token': '<OOV>'}),
    ('no-lower-no-filters', {'lower': False, 'filters': ''}),
    ('split-comma', {'split': ',', 'filters': '!.?'}),
    ('char-level', {'char_level': True, 'oov_token': 'UNK'}),
    ('char-level-num-words', {'char_level': True, 'num_words': 8, 'lower': False}),
]

PADS = [
    {},
    {'maxlen': 3},
    {'maxlen': 6, 'padding': 'post'},
    {'maxlen': 2, 'truncating': 'post'},
    {'maxlen': 4, 'padding': 'post', 'truncating': 'post', 'value': 7},
]


# Samples of sentences for a HAN: each sentence padded alone with pad_sequences, a
# sample's first S sentences kept and all-zero sentences after them (richliao's
# textClassifierHATT.py fills data[i, j, k] for j < MAX_SENTS the same way).
HAN_SAMPLES = [
    ['The food was great.', 'The service was slow!', 'Unknown.', 'the end'],
    ['Great food'],
    ['', 'best best best best best the'],
]


def hierarchical(tok):
    out = []
    for S, T, kw in [(3, 4, {}), (2, 3, {'padding': 'post', 'truncating': 'post'}), (4, 5, {'padding': 'post'})]:
        data = np.zeros((len(HAN_SAMPLES), S, T), dtype='int32')
        for i, sents in enumerate(HAN_SAMPLES):
            for j, sent in enumerate(sents[:S]):
                data[i, j] = pad_sequences(tok.texts_to_sequences([sent]), maxlen=T, **kw)[0]
        out.append({'S': S, 'T': T, 'options': kw, 'samples': HAN_SAMPLES, 'ids': data.tolist()})
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = []
    for name, kw in CASES:
        tok = Tokenizer(**kw)
        tok.fit_on_texts(TRAIN)
        fname = 'tok-%s.json' % name
        with open(os.path.join(OUT, fname), 'w', encoding='utf-8') as f:
            f.write(tok.to_json())
        seqs = tok.texts_to_sequences(TEST)
        pads = []
        for p in PADS:
            if all(len(s) == 0 for s in seqs) and 'maxlen' not in p:
                continue
            pads.append({'options': p, 'ids': pad_sequences(seqs, **p).tolist()})
        words = [list(tok._seq(t)) for t in TEST]
        cases.append({'name': name, 'tokenizer': fname, 'texts': TEST, 'words': words, 'sequences': seqs, 'pads': pads})
    # A to_json() result saved with json.dump (a JSON string holding the JSON).
    tok = Tokenizer(oov_token='<OOV>')
    tok.fit_on_texts(TRAIN)
    with open(os.path.join(OUT, 'tok-double-encoded.json'), 'w', encoding='utf-8') as f:
        json.dump(tok.to_json(), f)
    with open(os.path.join(OUT, 'cases.json'), 'w', encoding='utf-8') as f:
        json.dump({'generator': 'packages/text/scripts/make-fixtures.py', 'cases': cases, 'hierarchical': hierarchical(tok)}, f, ensure_ascii=False, indent=1)
    print('wrote %d cases to %s' % (len(cases), OUT))


def tokenizer_from_json(json_string):
    """keras_preprocessing/text.py tokenizer_from_json (the file's last function)."""
    tokenizer_config = json.loads(json_string)
    config = tokenizer_config.get('config')
    word_counts = json.loads(config.pop('word_counts'))
    word_docs = json.loads(config.pop('word_docs'))
    index_docs = json.loads(config.pop('index_docs'))
    index_docs = {int(k): v for k, v in index_docs.items()}
    index_word = json.loads(config.pop('index_word'))
    index_word = {int(k): v for k, v in index_word.items()}
    word_index = json.loads(config.pop('word_index'))
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = word_counts
    tokenizer.word_docs = word_docs
    tokenizer.index_docs = index_docs
    tokenizer.word_index = word_index
    tokenizer.index_word = index_word
    return tokenizer


if __name__ == '__main__':
    import sys
    if len(sys.argv) > 2 and sys.argv[1] == '--encode':
        with open(sys.argv[2], encoding='utf-8') as f:
            tok = tokenizer_from_json(f.read())
        print(json.dumps({'size': len(tok.word_index), 'ids': tok.texts_to_sequences(sys.argv[3:])}))
    else:
        main()
