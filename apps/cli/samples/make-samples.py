#!/usr/bin/env python3
"""Writes the bundled sample that `attnlens demo` renders (run with Debian's python3-numpy + python3-h5py).

samples/han/   a richliao-style Hierarchical Attention Network for review sentiment, saved the
               way Keras 2.2.4 `model.save('model.h5')` lays it out (FORMATS.md §1.1, §1.6 worked
               example): word-level AttLayer `att_layer_1` inside `time_distributed_1`, sentence-level
               `att_layer_2`, plus the outputs of the layers before each attention layer
               (what `Model(inputs, outputs=model.layers[k].output).predict(x)` gives), tokens,
               lengths and labels.
samples/nmt/   an `alignment_history.stack()` dump of a toy English→Chinese seq2seq decoder,
               [decoder_steps, batch, encoder_steps], with source/target tokens and lengths.

The "model" is not trained: weights are random and the encoder outputs are built so that
sentiment words point along the attention's preferred direction, which makes the attention
look the way a trained HAN's does. Deterministic (fixed seed); the files are a few KB.
"""
import json
import zlib
import os
import numpy as np
import h5py

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

S, T = 3, 10           # sentences per review, words per sentence (padded)
F, A = 16, 12          # word encoder output (BiGRU 8+8), attention dim
F2, A2 = 16, 12        # sentence encoder output, attention dim


def attlayer_params(f, a):
    W = rng.normal(0, 0.4, (f, a)).astype(np.float32)
    b = rng.normal(0, 0.05, (a,)).astype(np.float32)
    u = rng.normal(0, 1.0, (a, 1)).astype(np.float32)
    return W, b, u


W1, b1, u1 = attlayer_params(F, A)
W2, b2, u2 = attlayer_params(F2, A2)


def preferred(W, u):
    d = W @ u.reshape(-1)  # the direction that raises tanh(xW+b)·u fastest near 0
    return (d / np.linalg.norm(d)).astype(np.float32)


d_word, d_sent = preferred(W1, u1), preferred(W2, u2)
polarity_axis = rng.normal(0, 1, F).astype(np.float32)
polarity_axis -= polarity_axis @ d_word * d_word
polarity_axis /= np.linalg.norm(polarity_axis)


def word_vector(tok, pos):
    h = zlib.crc32(tok.encode("utf-8"))  # stable across runs, unlike hash()
    v = np.random.default_rng(h).normal(0, 0.35, F).astype(np.float32)
    v += rng.normal(0, 0.05, F).astype(np.float32) * (pos + 1) / T  # a little context, as a GRU mixes
    clean = tok.strip("<>/b")
    if tok in POSITIVE or clean in POSITIVE:
        v += 1.2 * d_word + 1.5 * polarity_axis
    elif tok in NEGATIVE or clean in NEGATIVE:
        v += 1.2 * d_word - 1.5 * polarity_axis
    return v


def attend(x, W, b, u, n):
    s = np.tanh(x[:n] @ W + b) @ u.reshape(-1)
    e = np.exp(s)
    return e / (e.sum() + 1e-7)


N = len(REVIEWS)
word_x = rng.normal(0, 0.3, (N, S, T, F)).astype(np.float32)  # padding steps hold noise, as unmasked GRUs emit
word_len = np.zeros((N, S), np.int32)
sent_count = np.zeros(N, np.int32)
sent_x = rng.normal(0, 0.3, (N, S, F2)).astype(np.float32)
sentences_txt, records = [], []
for i, (label, sents) in enumerate(REVIEWS):
    sent_count[i] = len(sents)
    score = 0.0
    for j in range(S):
        toks = sents[j].split() if j < len(sents) else []
        toks = toks[:T]
        sentences_txt.append(" ".join(toks))
        word_len[i, j] = len(toks)
        for t, tok in enumerate(toks):
            word_x[i, j, t] = word_vector(tok, t)
        if toks:
            a = attend(word_x[i, j], W1, b1, u1, len(toks))
            sv = (a[:, None] * word_x[i, j, : len(toks)]).sum(0)
            pol = float(sv @ polarity_axis)
            score += pol
            sent_x[i, j] = rng.normal(0, 0.2, F2) + (1.6 * abs(pol)) * d_sent
    predicted = "pos" if score > 0 else "neg"
    if i == 9:
        predicted = "pos"  # the sarcastic review fools the model
    records.append({"id": f"review-{i:02d}", "true": label, "predicted": predicted, "sentences": [s.split()[:T] for s in sents]})


def write_keras_h5(path):
    """Keras 2.2.4 full save of the richliao HAN (FORMATS.md §1.1, §1.6)."""
    str_dt = None  # h5py writes numpy bytes_ as fixed-length NUL-padded ASCII, as Keras 2.2.4 did
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = np.bytes_("2.2.4")
        f.attrs["backend"] = np.bytes_("tensorflow")
        config = {
            "class_name": "Model",
            "config": {
                "name": "han",
                "layers": [
                    {"class_name": "InputLayer", "name": "input_2", "config": {"batch_input_shape": [None, S, T], "dtype": "int32", "name": "input_2"}},
                    {"class_name": "TimeDistributed", "name": "time_distributed_1", "config": {"name": "time_distributed_1", "layer": {"class_name": "Model", "config": {"name": "sent_encoder", "layers": [
                        {"class_name": "Embedding", "name": "embedding_1", "config": {"input_dim": 2000, "output_dim": 8, "mask_zero": True}},
                        {"class_name": "Bidirectional", "name": "bidirectional_1", "config": {"layer": {"class_name": "GRU", "config": {"units": 8, "return_sequences": True}}, "merge_mode": "concat"}},
                        {"class_name": "AttLayer", "name": "att_layer_1", "config": {"name": "att_layer_1", "trainable": True}}]}}}},
                    {"class_name": "Bidirectional", "name": "bidirectional_2", "config": {"layer": {"class_name": "GRU", "config": {"units": 8, "return_sequences": True}}, "merge_mode": "concat"}},
                    {"class_name": "AttLayer", "name": "att_layer_2", "config": {"name": "att_layer_2", "trainable": True}},
                    {"class_name": "Dense", "name": "dense_1", "config": {"units": 2, "activation": "softmax", "kernel_regularizer": None, "dropout": float("nan")}},
                ],
            },
        }
        f.attrs["model_config"] = np.bytes_(json.dumps(config))  # json.dumps writes NaN bare, as Keras did
        mw = f.create_group("model_weights")
        names = ["input_2", "time_distributed_1", "bidirectional_2", "att_layer_2", "dense_1"]
        mw.attrs["layer_names"] = np.array([np.bytes_(n) for n in names])
        mw.attrs["backend"] = np.bytes_("tensorflow")
        mw.attrs["keras_version"] = np.bytes_("2.2.4")

        def layer(name, weights):
            g = mw.create_group(name)
            if not weights:
                g.attrs["weight_names"] = np.array([], dtype=np.float64)  # what h5py makes of an empty list
                return
            g.attrs["weight_names"] = np.array([np.bytes_(w) for w, _ in weights])
            for wname, value in weights:
                g.create_dataset(wname, data=value)

        gru = lambda pre, fin, u: [
            (f"{pre}/kernel:0", rng.normal(0, 0.3, (fin, 3 * u)).astype(np.float32)),
            (f"{pre}/recurrent_kernel:0", rng.normal(0, 0.3, (u, 3 * u)).astype(np.float32)),
            (f"{pre}/bias:0", np.zeros(3 * u, np.float32)),
        ]
        layer("input_2", [])
        layer("time_distributed_1", [("embedding_1/embeddings:0", rng.normal(0, 0.1, (60, 8)).astype(np.float32))]
              + gru("bidirectional_1/forward_gru_1", 8, 8) + gru("bidirectional_1/backward_gru_1", 8, 8)
              + [("att_layer_1/W:0", W1), ("att_layer_1/b:0", b1), ("att_layer_1/u:0", u1)])
        layer("bidirectional_2", gru("bidirectional_2/forward_gru_2", F, 8) + gru("bidirectional_2/backward_gru_2", F, 8))
        layer("att_layer_2", [("att_layer_2/W:0", W2), ("att_layer_2/b:0", b2), ("att_layer_2/u:0", u2)])
        layer("dense_1", [("dense_1/kernel:0", rng.normal(0, 0.3, (F2, 2)).astype(np.float32)), ("dense_1/bias:0", np.zeros(2, np.float32))])


han = os.path.join(HERE, "han")
os.makedirs(han, exist_ok=True)
write_keras_h5(os.path.join(han, "model.h5"))
np.save(os.path.join(han, "word_inputs.npy"), word_x.reshape(N * S, T, F))   # input of att_layer_1, one row per sentence
np.save(os.path.join(han, "word_lengths.npy"), word_len.reshape(N * S))
np.save(os.path.join(han, "sentence_inputs.npy"), sent_x)                    # input of att_layer_2
np.save(os.path.join(han, "sentence_counts.npy"), sent_count)
with open(os.path.join(han, "sentences.txt"), "w", encoding="utf-8") as f:
    f.write("\n".join(sentences_txt) + "\n")                                  # one sentence a line, N*S lines
with open(os.path.join(han, "reviews.json"), "w", encoding="utf-8") as f:
    json.dump(records, f, ensure_ascii=False, indent=1)
with open(os.path.join(han, "tokens.json"), "w", encoding="utf-8") as f:
    json.dump([r["sentences"] for r in records], f, ensure_ascii=False)      # nested: sample > sentence > word
with open(os.path.join(han, "labels.tsv"), "w", encoding="utf-8") as f:
    # keyed by sample index, the ids `attnlens compute` gives its documents
    f.write("id\ttrue\tpredicted\n" + "".join(f"{i}\t{r['true']}\t{r['predicted']}\n" for i, r in enumerate(records)))

# ---- NMT alignment dump -----------------------------------------------------------------
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
