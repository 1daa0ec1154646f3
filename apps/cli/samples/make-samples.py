#!/usr/bin/env python3
"""Writes the bundled sample that `attnlens demo` renders (run with Debian's python3-numpy + python3-h5py).

samples/han/   a richliao-style Hierarchical Attention Network for review sentiment, saved the
               way Keras 2.2.4 `model.save('model.h5')` lays it out (FORMATS.md §1.1, §1.6 worked
               example; han_keras.py): Embedding(mask_zero) → BiGRU → AttLayer `att_layer_1` inside
               `time_distributed_1`, then BiGRU → AttLayer `att_layer_2` → Dense, with runnable
               weights; its Keras tokenizer.json, the review text (reviews.txt), the ids they give,
               the outputs of the layers before each attention layer (what
               `Model(inputs, outputs=model.layers[k].output).predict(x)` gives), the attention the
               NumPy forward pass computes, tokens, lengths and labels.
samples/nmt/   an `alignment_history.stack()` dump of a toy English→Chinese seq2seq decoder,
               [decoder_steps, batch, encoder_steps], with source/target tokens and lengths.

The model is not trained: its weights are random, except the attention context vectors u,
chosen from the real encoder states so that sentiment words and sentences draw the attention
the way a trained HAN's does. Deterministic (fixed seed); the files are a few KB.
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import han_keras as H  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(20261121)

REVIEWS = [
    ("pos", ["the acting was superb and the story moving", "i loved every minute", "go see it"]),
    ("neg", ["a dull script with wooden dialogue", "i was bored after ten minutes"]),
    ("pos", ["brilliant direction", "the soundtrack is wonderful and the cast delightful"]),
    ("neg", ["the plot made no sense", "terrible pacing and awful jokes", "avoid"]),
    ("pos", ["这 部 电影 非常 好看", "演员 表演 精彩"]),
    ("neg", ["剧情 无聊", "浪费 时间"]),
    ("pos", ["a charming little film", "funny and warm"]),
    ("neg", ["the worst sequel so far", "lazy and predictable"]),
    ("pos", ["great fun for the whole family", "the kids loved it"]),
    ("neg", ["oh great another two hours of noise", "just what i wanted"]),  # sarcasm: the model gets it wrong
    ("pos", ["not bad at all", "surprisingly good ending"]),
    ("neg", ["beautiful photography cannot save a boring story"]),
    ("pos", ["סרט נהדר", "the music is beautiful"]),
    ("neg", ["فيلم ممل جدا", "poor sound and weak plot"]),
    ("pos", ["an absolute masterpiece", "stunning visuals and a clever script", "highly recommended"]),
    ("neg", ["i wanted to like it", "but it was painfully slow"]),
    ("pos", ["<b>bold</b> and fresh", "a joy 😀"]),
    ("neg", ["disappointing", "the trailer was better than the film"]),
    ("pos", ["excellent performances all round"]),
    ("neg", ["confusing messy and far too long", "skip it"]),
]
POSITIVE = set("superb moving loved brilliant wonderful delightful charming funny warm great fun good masterpiece stunning clever recommended excellent joy beautiful fresh bold 好看 精彩 נהדר 😀".split())
NEGATIVE = set("dull wooden bored terrible awful avoid worst lazy predictable boring disappointing confusing messy poor weak slow painfully nonsense 无聊 浪费 ممل skip noise".split())

S, T = 3, 10           # sentences per review, words per sentence (padded, as the model takes them)
E, U, A = 8, 8, 12     # embedding size, GRU units per direction (BiGRU 8+8), attention dim


def sentiment_direction(uit, is_sentiment):
    """A context vector u that points from the other steps' tanh(x·W + b) to the sentiment words':
    the weights are random, u is chosen so that the attention looks the way a trained HAN's does."""
    d = uit[is_sentiment].mean(0) - uit[~is_sentiment].mean(0)
    return (3.0 * d / np.linalg.norm(d)).astype(np.float32).reshape(-1, 1)


sentences = [sents for _, sents in REVIEWS]
tok = H.Tokenizer(oov_token="<OOV>")
tok.fit_on_texts([s for sents in sentences[:-2] for s in sents])  # the last two reviews hold words it never saw
N, V = len(REVIEWS), len(tok.word_index) + 1
ids = np.zeros((N, S, T), np.int32)
for i, sents in enumerate(sentences):
    for j, sent in enumerate(sents[:S]):  # richliao's layout: first S sentences, words padded and cut 'post'
        ids[i, j] = H.pad_sequences(tok.texts_to_sequences([sent]), maxlen=T, padding="post", truncating="post")[0]
w = H.random_weights(rng, V, E, U, A)
index_word = {i: wd for wd, i in tok.word_index.items()}
is_sent_word = np.vectorize(lambda i: index_word.get(int(i), "").strip("<>/b") in POSITIVE | NEGATIVE)(ids)
# Choose u at each level from the real encoder states, then run the whole model in NumPy.
_, _, hx, _, _ = H.han_forward(ids, w, U)
valid = ids != 0
w["att1"]["u"] = sentiment_direction(np.tanh(hx[valid] @ w["att1"]["W"] + w["att1"]["b"]), is_sent_word[valid])
_, _, _, h2, _ = H.han_forward(ids, w, U)
has_sentiment = is_sent_word.any(axis=2)
w["att2"]["u"] = sentiment_direction(np.tanh(h2.reshape(N * S, -1) @ w["att2"]["W"] + w["att2"]["b"]), has_sentiment.reshape(-1))
word_att, sent_att, word_x, sent_x, probs = H.han_forward(ids, w, U)

word_len = valid.sum(axis=2).astype(np.int32)
sent_count = np.array([min(len(s), S) for s in sentences], np.int32)
model_words = [[[index_word[int(i)] for i in ids[n, j] if i] for j in range(S)] for n in range(N)]
# The Dense head is not trained: the predicted labels are scripted, with the model's two
# mistakes a trained one makes too (the sarcastic review 9, the mixed review 11).
records = [{"id": f"review-{i:02d}", "true": label, "predicted": ("pos" if i in (9, 11) else label), "sentences": model_words[i][:len(sents)]}
           for i, (label, sents) in enumerate(REVIEWS)]

han = os.path.join(HERE, "han")
os.makedirs(han, exist_ok=True)
H.write_han_h5(os.path.join(han, "model.h5"), w, S, T, U)
with open(os.path.join(han, "tokenizer.json"), "w", encoding="utf-8") as f:
    f.write(tok.to_json())                                                    # tokenizer.to_json(), as Keras saves it
with open(os.path.join(han, "reviews.txt"), "w", encoding="utf-8") as f:
    f.write("\n\n".join("\n".join(sents) for sents in sentences) + "\n")     # one sentence a line, a blank line between reviews
np.save(os.path.join(han, "ids.npy"), ids)                                    # what the tokenizer and pad_sequences give: (N, S, T)
np.save(os.path.join(han, "word_inputs.npy"), word_x.reshape(N * S, T, -1).astype(np.float32))  # input of att_layer_1, one row per sentence
np.save(os.path.join(han, "word_lengths.npy"), word_len.reshape(N * S))
np.save(os.path.join(han, "sentence_inputs.npy"), sent_x.astype(np.float32))  # input of att_layer_2
np.save(os.path.join(han, "sentence_counts.npy"), sent_count)
np.save(os.path.join(han, "expected_word_attention.npy"), word_att.astype(np.float32))       # NumPy's forward pass, for checking
np.save(os.path.join(han, "expected_sentence_attention.npy"), sent_att.astype(np.float32))
with open(os.path.join(han, "sentences.txt"), "w", encoding="utf-8") as f:
    f.write("\n".join(" ".join(model_words[n][j]) for n in range(N) for j in range(S)) + "\n")  # one sentence a line, N*S lines
with open(os.path.join(han, "reviews.json"), "w", encoding="utf-8") as f:
    json.dump(records, f, ensure_ascii=False, indent=1)
with open(os.path.join(han, "tokens.json"), "w", encoding="utf-8") as f:
    json.dump([r["sentences"] for r in records], f, ensure_ascii=False)      # nested: sample > sentence > word
with open(os.path.join(han, "labels.tsv"), "w", encoding="utf-8") as f:
    # keyed by sample index, the ids `attnlens compute` gives its documents
    f.write("id\ttrue\tpredicted\n" + "".join(f"{i}\t{r['true']}\t{r['predicted']}\n" for i, r in enumerate(records)))

# ---- NMT alignment dump -----------------------------------------------------------------
# The generator state the NMT sample was first drawn from (after the first HAN sample's
# draws), so that alignment_history.npy stays byte for byte what the tests were written on.
rng = np.random.default_rng()
rng.bit_generator.state = {"bit_generator": "PCG64", "state": {"state": 217831872845236063819392201600561015321, "inc": 250840921127099092103077693568286424819}, "has_uint32": 0, "uinteger": 0}
PAIRS = [
    ("the cat sat on the mat", "猫 坐 在 垫子 上"),
    ("i like green tea", "我 喜欢 绿茶"),
    ("where is the train station", "火车站 在 哪里"),
    ("thank you very much", "非常 感谢 你"),
]
B = len(PAIRS)
src = [p[0].split() + ["</s>"] for p in PAIRS]
tgt = [p[1].split() + ["</s>"] for p in PAIRS]
Te, Td = max(map(len, src)), max(map(len, tgt)) + 2  # TF keeps writing rows after a sequence ends
align = np.zeros((Td, B, Te), np.float32)
for bi in range(B):
    ls, lt = len(src[bi]), len(tgt[bi])
    for t in range(Td):
        centre = (t + 0.5) * ls / lt if t < lt else ls - 1
        logits = -((np.arange(Te) - centre) ** 2) / 1.2 + rng.normal(0, 0.3, Te)
        logits[ls:] = -np.inf
        e = np.exp(logits - logits[:ls].max())
        align[t, bi] = e / e.sum()
nmt = os.path.join(HERE, "nmt")
os.makedirs(nmt, exist_ok=True)
np.save(os.path.join(nmt, "alignment_history.npy"), align)
np.save(os.path.join(nmt, "src_lengths.npy"), np.array([len(s) for s in src], np.int32))
np.save(os.path.join(nmt, "tgt_lengths.npy"), np.array([len(t) for t in tgt], np.int32))
with open(os.path.join(nmt, "src.txt"), "w", encoding="utf-8") as f:
    f.write("\n".join(" ".join(s) for s in src) + "\n")
with open(os.path.join(nmt, "tgt.txt"), "w", encoding="utf-8") as f:
    f.write("\n".join(" ".join(t) for t in tgt) + "\n")
print("wrote", han, nmt)
