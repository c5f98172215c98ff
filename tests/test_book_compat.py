"""The book's calls, chapter by chapter, with the argument shapes and types its scripts pass.

These are not the book's scripts: each test makes the calls a chapter of the book makes of
``common`` and ``dataset`` (the same names, positional arguments and dtypes: int32 one-hot
rows, one-hot labels, lists of arrays, ``Affine(embed_W.T, b)`` for tying, ``.pkl`` weight
files) and pins what comes back.
"""
import os
import pickle

import numpy
import pytest

from tests.conftest import needs_ptb


# --- chapter 1: a two-layer net on the spiral, the book's Trainer -----------------------------

class BookStyleModel:
    """What the book's models share: ``layers`` then ``loss_layer``, params/grads gathered from them."""

    def gather(self):
        self.params, self.grads = [], []
        for layer in self.layers:
            self.params += layer.params
            self.grads += layer.grads

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def forward(self, x, t):
        return self.loss_layer.forward(self.predict(x), t)

    def backward(self, dout=1):
        dout = self.loss_layer.backward(dout)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout


class BookTwoLayerNet(BookStyleModel):
    """Built as the book's chapter 1 builds its net: layers in a list, params/grads gathered."""

    def __init__(self, input_size, hidden_size, output_size, seed=0):
        from common.layers import Affine, Sigmoid, SoftmaxWithLoss
        rng = numpy.random.RandomState(seed)
        W1, b1 = 0.01 * rng.randn(input_size, hidden_size), numpy.zeros(hidden_size)
        W2, b2 = 0.01 * rng.randn(hidden_size, output_size), numpy.zeros(output_size)
        self.layers = [Affine(W1, b1), Sigmoid(), Affine(W2, b2)]
        self.loss_layer = SoftmaxWithLoss()
        self.gather()
        self.owned = [W1, b1, W2, b2]


def test_ch01_spiral_and_trainer_as_the_book_calls_them(capsys):
    from common.optimizer import SGD
    from common.trainer import Trainer
    from dataset import spiral

    x, t = spiral.load_data()
    assert x.shape == (300, 2) and t.shape == (300, 3) and t.dtype == numpy.int32     # one-hot labels
    model = BookTwoLayerNet(input_size=2, hidden_size=10, output_size=3)
    assert all(p is q for p, q in zip(model.params, model.owned))          # the caller's arrays, no copies
    trainer = Trainer(model, SGD(lr=1.0))
    trainer.fit(x, t, 30, 30, eval_interval=10)                            # max_epoch, batch_size positional
    out = capsys.readouterr().out.splitlines()
    # the book's lines: at iteration 1 of every epoch (10 iterations, eval_interval 10), no other line
    assert len(out) == 30 and all("iter 1 / 10" in line for line in out)
    assert out[0].startswith("| epoch 1 |") and out[-1].startswith("| epoch 30 |")
    assert len(trainer.loss_list) == 30 and trainer.current_epoch == 30 and trainer.eval_interval == 10
    assert trainer.loss_list[0] == pytest.approx(numpy.log(3), abs=0.01)   # the first iteration alone
    assert trainer.loss_list[-1] < 0.9 * trainer.loss_list[1]              # it learns
    trainer.plot(ylim=(0, 2))                                              # the book's keyword call
    trainer.plot((0, 2))                                                   # and positional: ylim first


# --- chapter 2: counting, PPMI, similarity -----------------------------------------------------

def book_ppmi(C, eps=1e-8):
    """The book's PPMI, element by element (the definition, for comparison)."""
    N, S = C.sum(), C.sum(axis=0)
    M = numpy.zeros(C.shape, dtype=numpy.float32)
    for i in range(C.shape[0]):
        for j in range(C.shape[1]):
            M[i, j] = max(0, numpy.log2(C[i, j] * N / (S[j] * S[i]) + eps))
    return M


def test_ch02_count_method_calls(capsys):
    from common.util import cos_similarity, create_co_matrix, most_similar, ppmi, preprocess

    corpus, word_to_id, id_to_word = preprocess("You say goodbye and I say hello.")
    assert list(corpus) == [0, 1, 2, 3, 4, 1, 5, 6] and id_to_word[6] == "."
    C = create_co_matrix(corpus, len(word_to_id), window_size=1)
    assert C.dtype.kind == "i" and C[0].tolist() == [0, 1, 0, 0, 0, 0, 0]
    assert cos_similarity(C[word_to_id["you"]], C[word_to_id["i"]]) == pytest.approx(0.70710678, abs=1e-7)
    W = ppmi(C, verbose=True)                                              # the book's call
    assert "100.0% done" in capsys.readouterr().out
    numpy.testing.assert_allclose(W, book_ppmi(C), atol=1e-6)
    assert W.dtype == numpy.float32 and W[0, 1] == pytest.approx(1.807, abs=1e-3)
    most_similar("you", word_to_id, id_to_word, C, top=5)
    out = capsys.readouterr().out
    assert "[query] you" in out and " goodbye: 0.707106" in out


# --- chapter 3: int32 one-hot contexts into MatMul --------------------------------------------

def test_ch03_one_hot_int32_contexts_into_matmul():
    from common.layers import MatMul, SoftmaxWithLoss
    from common.util import convert_one_hot, create_contexts_target, preprocess

    corpus, word_to_id, _ = preprocess("You say goodbye and I say hello.")
    V = len(word_to_id)
    contexts, target = create_contexts_target(corpus, window_size=1)
    contexts, target = convert_one_hot(contexts, V), convert_one_hot(target, V)
    assert contexts.shape == (6, 2, V) and target.shape == (6, V) and contexts.dtype == numpy.int32
    rng = numpy.random.RandomState(0)
    W_in, W_out = (0.01 * rng.randn(V, 5)).astype("f"), (0.01 * rng.randn(5, V)).astype("f")
    in0, in1, out = MatMul(W_in), MatMul(W_in), MatMul(W_out)              # one W_in, shared by identity
    h = 0.5 * (in0.forward(contexts[:, 0]) + in1.forward(contexts[:, 1]))
    assert h.dtype == numpy.float32                                        # int rows are read as W's dtype
    numpy.testing.assert_allclose(h, 0.5 * (W_in[corpus[:-2]] + W_in[corpus[2:]]), rtol=1e-6)
    loss_layer = SoftmaxWithLoss()
    loss = loss_layer.forward(out.forward(h), target)                      # one-hot int labels
    assert loss == pytest.approx(numpy.log(V), abs=1e-3)
    dh = out.backward(loss_layer.backward(1)) * 0.5
    in1.backward(dh)
    in0.backward(dh)
    numpy.testing.assert_allclose(in0.grads[0], contexts[:, 0].T @ dh, rtol=1e-5)
    assert in0.params[0] is in1.params[0] is W_in
    x_list = contexts[:, 0].tolist()                                       # a list of rows works too
    numpy.testing.assert_array_equal(MatMul(W_in).forward(x_list), in0.forward(contexts[:, 0]))


# --- chapter 4: Embedding and SigmoidWithLoss as EmbeddingDot uses them ----------------------

def test_ch04_embedding_dot_calls():
    from common.layers import Embedding, SigmoidWithLoss

    rng = numpy.random.RandomState(0)
    W = (0.01 * rng.randn(20, 4)).astype("f")
    embed = Embedding(W)
    h = rng.randn(3, 4).astype("f")
    idx = numpy.array([1, 5, 1], dtype=numpy.int32)
    target_W = embed.forward(idx)
    score = numpy.sum(target_W * h, axis=1)
    loss_layer = SigmoidWithLoss()
    loss = loss_layer.forward(score, numpy.ones(3, dtype=numpy.int32))      # int labels, as the book passes
    assert loss == pytest.approx(numpy.mean(numpy.log1p(numpy.exp(-score.astype(float)))), rel=1e-5)
    dscore = loss_layer.backward(1)
    embed.backward(dscore.reshape(-1, 1) * h)
    assert embed.params[0] is W
    dense = embed.grads[0].to_dense()
    numpy.testing.assert_allclose(dense[1], dscore[0] * h[0] + dscore[2] * h[2], rtol=1e-5)
    assert not dense[[0, 2, 3, 4]].any()


# --- chapters 5 and 6: Time layers, RnnlmTrainer, clipping, tying, perplexity, .pkl -----------

class BookRnnlm(BookStyleModel):
    """The book's chapter 6 Rnnlm, layer by layer, with optional tying as BetterRnnlm does it."""

    def __init__(self, V, D, H, tie=False, seed=0):
        from common.time_layers import TimeAffine, TimeEmbedding, TimeLSTM, TimeSoftmaxWithLoss
        rng = numpy.random.RandomState(seed)
        embed_W = (rng.randn(V, D) / 100).astype("f")
        lstm_Wx = (rng.randn(D, 4 * H) / numpy.sqrt(D)).astype("f")
        lstm_Wh = (rng.randn(H, 4 * H) / numpy.sqrt(H)).astype("f")
        lstm_b = numpy.zeros(4 * H).astype("f")
        affine_W = embed_W.T if tie else (rng.randn(H, V) / numpy.sqrt(H)).astype("f")
        affine_b = numpy.zeros(V).astype("f")
        self.layers = [TimeEmbedding(embed_W), TimeLSTM(lstm_Wx, lstm_Wh, lstm_b, stateful=True),
                       TimeAffine(affine_W, affine_b)]
        self.loss_layer = TimeSoftmaxWithLoss()
        self.lstm_layer = self.layers[1]
        self.gather()

    def reset_state(self):
        self.lstm_layer.reset_state()


class BookRnnlmModel(BookRnnlm):
    """The same, on the library's BaseModel (save_params / load_params), as the book's classes are."""

    def __new__(cls, *args, **kwargs):
        from common.base_model import BaseModel
        model_cls = type("Rnnlm", (BookRnnlm, BaseModel), {})
        return model_cls(*args, **kwargs)


def test_ch05_rnnlm_trainer_get_batch_and_fit(capsys):
    from common.optimizer import SGD
    from common.trainer import RnnlmTrainer

    corpus = numpy.arange(1000) % 37
    xs, ts = corpus[:-1], corpus[1:]
    model = BookRnnlm(37, 8, 8)
    trainer = RnnlmTrainer(model, SGD(0.1))
    trainer.time_idx = 0
    batch_x, batch_t = trainer.get_batch(xs, ts, 4, 5)
    jump = len(xs) // 4
    assert batch_x.shape == (4, 5) and batch_x.dtype == numpy.int32 and trainer.time_idx == 5
    assert batch_x[:, 0].tolist() == [xs[i * jump] for i in range(4)]
    numpy.testing.assert_array_equal(trainer.get_batch(xs, ts, 4, 5)[1], ts[(numpy.arange(4)[:, None] * jump + 5 + numpy.arange(5))])
    trainer = RnnlmTrainer(model, SGD(0.1))
    trainer.fit(xs, ts, max_epoch=2, batch_size=4, time_size=5, max_grad=0.25, eval_interval=20)
    lines = capsys.readouterr().out.splitlines()
    max_iters = len(xs) // (4 * 5)
    assert max_iters == 49 and len(lines) == 6                             # iterations 1, 21, 41 of 2 epochs
    assert "perplexity" in lines[0] and "iter 1 / 49" in lines[0] and "iter 41 / 49" in lines[-1]
    assert len(trainer.ppl_list) == 6 and trainer.ppl_list[0] == pytest.approx(37, rel=0.1)
    assert trainer.time_idx == 2 * max_iters * 5


def test_ch06_tying_by_identity_is_merged_by_remove_duplicate():
    from common.trainer import remove_duplicate
    from common.util import clip_grads

    model = BookRnnlm(30, 6, 6, tie=True)
    embed_W = model.params[0]
    assert model.params[4].base is embed_W                                 # Affine keeps the transposed view
    xs = numpy.random.RandomState(1).randint(0, 30, (2, 4))
    model.forward(xs, numpy.roll(xs, 1, axis=1))
    model.backward()
    dense_embed = model.grads[0].to_dense()
    expected = dense_embed + model.grads[4].T
    params, grads = remove_duplicate(model.params, model.grads)
    assert len(params) == 5 and params[0] is embed_W
    numpy.testing.assert_allclose(grads[0], expected, rtol=1e-6)
    clip_grads(grads, 0.25)                                                # in place, the book's signature
    assert numpy.sqrt(sum(float((g ** 2).sum()) for g in grads)) == pytest.approx(0.25, rel=1e-4)


def test_ch06_dropout_takes_the_books_train_flg():
    from common.layers import Dropout
    from common.time_layers import TimeDropout

    x = numpy.ones((200, 50), dtype="f")
    layer = Dropout(0.5)
    assert layer.forward(x, train_flg=False) is x                          # the book's call at test time
    y = layer.forward(x, True)
    assert set(numpy.unique(y)) == {0.0, 2.0} and 0.4 < y.mean() / 2 < 0.6
    drop = TimeDropout(0.5)
    drop.train_flg = False                                                 # the book's attribute
    assert drop.forward(x[None]) is not None and (drop.forward(x[None]) == 1).all()


@needs_ptb
def test_ch06_eval_perplexity_of_a_book_pkl(tmp_path, monkeypatch):
    """save_params() / load_params() with no name use <ClassName>.pkl in the working folder, the
    book's pickled list of float16 arrays, which eval_perplexity then scores."""
    from common.util import eval_perplexity
    from dataset import ptb

    corpus, word_to_id, _ = ptb.load_data("test")
    assert corpus.dtype.kind == "i" and len(word_to_id) == 10000
    monkeypatch.chdir(tmp_path)
    trained = BookRnnlmModel(10000, 8, 8, seed=0)
    trained.save_params()
    assert os.listdir(tmp_path) == ["Rnnlm.pkl"]
    with open("Rnnlm.pkl", "rb") as f:
        arrays = pickle.load(f)                                            # what the book's own code reads
    assert [a.dtype for a in arrays] == [numpy.float16] * 6 and arrays[1].shape == (8, 32)
    fresh = BookRnnlmModel(10000, 8, 8, seed=1)
    fresh.load_params()
    for p, a in zip(fresh.params, arrays):
        numpy.testing.assert_array_equal(p, a.astype("f"))
    fresh.reset_state()
    ppl = eval_perplexity(fresh, corpus[:2001])
    assert ppl == pytest.approx(10000, rel=0.05)                           # untrained: about uniform


def test_the_books_pickle_list_loads_into_the_librarys_rnnlm(tmp_path):
    from ch06.rnnlm import Rnnlm

    rng = numpy.random.default_rng(0)
    shapes = [(50, 4), (4, 20), (5, 20), (20,), (5, 50), (50,)]
    arrays = [rng.standard_normal(s).astype(numpy.float16) for s in shapes]
    path = str(tmp_path / "Rnnlm.pkl")
    with open(path, "wb") as f:
        pickle.dump(arrays, f)                                             # as the book's save_params writes
    model = Rnnlm(50, 4, 5)
    model.load_params(path)
    for p, a in zip(model.params, arrays):
        assert p.dtype == numpy.float32
        numpy.testing.assert_array_equal(p, a.astype(numpy.float32))
    with pytest.raises(Exception, match="array 1 has shape \\(4, 20\\) but the model's parameter 1 is \\(4, 24\\)"):
        Rnnlm(50, 4, 6).load_params(path)


class _RunsCode:
    """A pickle that would call os.system when unpickled by pickle.load."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, ("touch %s" % self.marker,))


def test_a_pickle_that_would_run_code_is_refused_and_nothing_runs(tmp_path):
    from common.book_pickle import BookPickleError, read_book_pickle
    from ch06.rnnlm import Rnnlm

    marker = tmp_path / "ran"
    path = str(tmp_path / "Rnnlm.pkl")
    with open(path, "wb") as f:
        pickle.dump([numpy.zeros(3, dtype=numpy.float16), _RunsCode(marker)], f)
    with pytest.raises(BookPickleError, match=r"refused: it is a pickle that asks for (posix|os)\.system"):
        read_book_pickle(path)
    with pytest.raises(BookPickleError, match="refused"):
        Rnnlm(50, 4, 5).load_params(path)
    assert not marker.exists()
    with open(path, "wb") as f:                                             # an object array is refused too
        pickle.dump([numpy.array([{"a": 1}], dtype=object)], f)
    with pytest.raises(BookPickleError, match="only arrays of numbers"):
        read_book_pickle(path)
    with open(path, "wb") as f:
        f.write(b"\x80\x04not a pickle at all")
    with pytest.raises(BookPickleError, match="not a readable pickle"):
        read_book_pickle(path)
    with pytest.raises(FileNotFoundError, match="No file"):
        read_book_pickle(str(tmp_path / "missing.pkl"))


@needs_ptb
def test_convert_book_weights_makes_a_checkpoint_the_commands_read(tmp_path, capsys):
    from ch08 import convert_book_weights
    from common.checkpoint import load_model, read_checkpoint

    source = BookRnnlmModel(10000, 6, 7, seed=3)
    pkl = source.save_params(str(tmp_path / "Rnnlm.pkl"))
    convert_book_weights.main([pkl])
    assert "wrote %s" % pkl[:-4] + ".npz" in capsys.readouterr().out
    model = load_model(pkl[:-4] + ".npz")
    assert type(model).__name__ == "Rnnlm" and model.params[2].shape == (7, 28)
    for p, q in zip(model.params, source.params):
        numpy.testing.assert_array_equal(p, q.astype(numpy.float16).astype("f"))
    word_to_id, id_to_word = read_checkpoint(pkl[:-4] + ".npz").vocab()
    assert id_to_word[0] == "aer" and len(word_to_id) == 10000                # PTB's vocabulary, by its size
    with pytest.raises(SystemExit) as exit_info:                           # nothing is overwritten
        convert_book_weights.main([pkl])
    assert exit_info.value.code == 2 and "exists" in capsys.readouterr().err


# --- chapters 7 and 8: sequence data, eval_seq2seq, softmax over time -------------------------

def test_ch07_sequence_get_vocab_returns_the_last_loaded_file():
    from dataset import sequence

    (x_train, t_train), (x_test, t_test) = sequence.load_data("date.txt")
    char_to_id, id_to_char = sequence.get_vocab()                          # the book's call, after date.txt
    assert len(char_to_id) == 59 and x_train.shape == (45000, 29) and t_test.shape == (5000, 11)
    assert char_to_id is sequence.char_to_id and id_to_char[char_to_id["_"]] == "_"
    (x_train, _), _ = sequence.load_data("addition.txt")
    assert len(sequence.get_vocab()[0]) == 13 == len(char_to_id)           # the same dicts, refilled
    assert x_train.shape == (45000, 7)


class EchoModel:
    """generate() as the book's seq2seq models return it: a list of Python ints."""

    def __init__(self, answer):
        self.answer = answer

    def generate(self, xs, start_id, sample_size):
        assert xs.shape == (1, 3) and sample_size == len(self.answer)
        return list(self.answer)


def test_ch07_eval_seq2seq(capsys):
    from common.util import eval_seq2seq

    id_to_char = {0: "_", 1: "1", 2: "+", 3: "2", 4: "3", 5: " "}
    question = numpy.array([[1, 2, 3]])                                    # x_test[[i]]: (1, T_in)
    correct = numpy.array([[0, 4, 5]])                                     # "_3 "
    assert eval_seq2seq(EchoModel([4, 5]), question, correct, id_to_char) == 1
    assert capsys.readouterr().out == ""
    assert eval_seq2seq(EchoModel([1, 5]), question, correct, id_to_char, verbose=True, is_reverse=True) == 0
    assert capsys.readouterr().out.splitlines() == ["Q 2+1", "T 3 ", "X 1 ", "---"]
    eval_seq2seq(EchoModel([4, 5]), question, correct, id_to_char, True)
    assert capsys.readouterr().out.splitlines()[2] == "O 3 "


def test_ch08_softmax_and_the_books_function_names():
    from common.functions import cross_entropy_error, relu, sigmoid, softmax
    from common.layers import Softmax
    from common.time_layers import Simple_TimeAffine, Simple_TimeSoftmaxWithLoss, TimeAffine, TimeSoftmaxWithLoss

    a = numpy.array([[0.0, 1.0, 2.0], [1.0, 1.0, 1.0]])                     # (N, T) attention scores
    layer = Softmax()
    p = layer.forward(a)
    numpy.testing.assert_allclose(p[0], [0.09003057, 0.24472847, 0.66524096], rtol=1e-7)
    dp = numpy.array([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    numpy.testing.assert_allclose(layer.backward(dp)[0], p[0, 0] * (numpy.eye(3)[0] - p[0]), rtol=1e-7)
    assert relu(numpy.array([-1.0, 2.0])).tolist() == [0.0, 2.0]
    assert sigmoid(numpy.array([0.0]))[0] == 0.5
    y = softmax(numpy.array([[2.0, 1.0, 0.1]]))
    assert cross_entropy_error(y, numpy.array([0])) == pytest.approx(0.4170300, abs=1e-6)
    assert cross_entropy_error(y, numpy.array([[1, 0, 0]])) == pytest.approx(0.4170300, abs=1e-6)
    assert Simple_TimeSoftmaxWithLoss is TimeSoftmaxWithLoss and Simple_TimeAffine is TimeAffine


def test_the_books_optimizers_update_lists_in_place():
    from common.optimizer import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop

    for cls in (SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam):
        W = numpy.ones((2, 2), dtype="f")
        params, grads = [W], [numpy.full((2, 2), 0.5, dtype="f")]
        cls(lr=0.1).update(params, grads)
        assert params[0] is W and (W < 1).all(), cls.__name__


def test_the_books_config_and_np_modules():
    from common import config
    from common.np import np

    assert config.GPU is False and np is numpy


def test_analogy_takes_the_books_answer_argument(capsys):
    from common.util import analogy

    words = ["a", "b", "c", "d"]
    vecs = numpy.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.2, 2.0]])
    analogy("a", "b", "c", {w: i for i, w in enumerate(words)}, dict(enumerate(words)), vecs, 1, "d")
    out = capsys.readouterr().out
    assert "[analogy] a:b = c:?" in out and "==>d:" in out and " d: " in out


def test_the_books_chapter_file_names_find_the_same_classes():
    """A reader who looks for a class under the book's file name finds it (the core's own object)."""
    import common.attention
    import common.negative_sampling
    from ch04.negative_sampling_layer import EmbeddingDot, NegativeSamplingLoss, UnigramSampler
    from ch06.better_rnnlm import BetterRnnlm
    from ch06.rnnlm import Rnnlm
    from ch07.rnnlm_gen import BetterRnnlmGen, RnnlmGen
    from ch08.attention_layer import Attention, AttentionWeight, TimeAttention, WeightSum
    assert (EmbeddingDot, NegativeSamplingLoss, UnigramSampler) == (
        common.negative_sampling.EmbeddingDot, common.negative_sampling.NegativeSamplingLoss,
        common.negative_sampling.UnigramSampler)
    assert (Attention, AttentionWeight, TimeAttention, WeightSum) == (
        common.attention.Attention, common.attention.AttentionWeight, common.attention.TimeAttention,
        common.attention.WeightSum)
    assert issubclass(RnnlmGen, Rnnlm) and issubclass(BetterRnnlmGen, BetterRnnlm)
