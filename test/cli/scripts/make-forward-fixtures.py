#!/usr/bin/python3
"""Expected values of test/cli/forward.test.ts: Keras 2.2.4 model files written in Keras's layout,
the ids a Keras Tokenizer gives, and the attention NumPy computes from them (float64, saved float32).

  /usr/bin/python3 test/cli/scripts/make-forward-fixtures.py   (Debian python3-numpy + python3-h5py)

The models and their forward pass are apps/cli/samples/han_keras.py (the GRU loop from
packages/layers/scripts/keras_ref.py, the Tokenizer copied from keras_preprocessing); nothing here
runs attnlens.
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', '..', 'apps', 'cli', 'samples'))
import han_keras as H  # noqa: E402

OUT = os.path.join(HERE, '..', 'fixtures', 'forward')
rng = np.random.default_rng(11)

TRAIN = ['The food was great and the staff were kind.', 'Slow service, cold food!', 'We waited an hour for cold soup.',
         'Great wine; great view.', 'The staff forgot our order', 'Kind staff and quick service', 'Never again.']
FLAT = ['The food was great!', 'Cold soup and a rude waiter (never again)', 'great great great great great great great staff', 'Zebra']
HAN = [['The food was great.', 'The staff were kind and quick'], ['Slow service.', 'Cold food!', 'Never again, we waited an hour for soup'],
       ['Great view'], ['Unheard words only']]
T, S, U, A, E = 6, 3, 4, 5, 6


def save(name, a, dtype=np.float32):
    np.save(os.path.join(OUT, name), np.asarray(a, dtype))


def main():
    os.makedirs(OUT, exist_ok=True)
    tok = H.Tokenizer(oov_token='<OOV>')
    tok.fit_on_texts(TRAIN)
    with open(os.path.join(OUT, 'tokenizer.json'), 'w', encoding='utf-8') as f:
        f.write(tok.to_json())
    V = len(tok.word_index) + 1
    w = H.random_weights(rng, V, E, U, A)

    # Flat: texts_to_sequences + pad_sequences(maxlen=T) with Keras's defaults (pre, pre).
    ids = H.pad_sequences(tok.texts_to_sequences(FLAT), maxlen=T)
    H.write_flat_h5(os.path.join(OUT, 'flat.h5'), w, T, U)
    H.write_flat_h5(os.path.join(OUT, 'flat-lambda.h5'), w, T, U, lam=True)
    a, x, probs = H.flat_forward(ids, w, U)
    with open(os.path.join(OUT, 'flat.txt'), 'w', encoding='utf-8') as f:
        f.write('\n'.join(FLAT) + '\n')
    save('flat-ids.npy', ids, np.int32)
    save('flat-attention.npy', a)
    save('flat-x.npy', x)
    save('flat-probs.npy', probs)
    bad = ids.copy()
    bad[1, -1] = V + 3  # an id past the Embedding's input_dim
    save('flat-ids-out-of-range.npy', bad, np.int32)

    # HAN: each sentence padded alone with pad_sequences(maxlen=T, padding='post', truncating='post'),
    # the first S sentences of a review (richliao's layout), all-zero sentences after.
    hids = np.zeros((len(HAN), S, T), np.int32)
    for i, sents in enumerate(HAN):
        for j, s in enumerate(sents[:S]):
            hids[i, j] = H.pad_sequences(tok.texts_to_sequences([s]), maxlen=T, padding='post', truncating='post')[0]
    H.write_han_h5(os.path.join(OUT, 'han.h5'), w, S, T, U)
    a1, a2, _, _, hprobs = H.han_forward(hids, w, U)
    with open(os.path.join(OUT, 'han.txt'), 'w', encoding='utf-8') as f:
        f.write('\n\n'.join('\n'.join(s for s in sents if s) for sents in HAN) + '\n')
    save('han-ids.npy', hids, np.int32)
    save('han-word.npy', a1)
    save('han-sentence.npy', a2)
    save('han-probs.npy', hprobs)
    print(json.dumps({'flat_ids': ids.tolist(), 'han_ids': hids.tolist()}))


if __name__ == '__main__':
    main()
