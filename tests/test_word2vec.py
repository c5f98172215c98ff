"""CBOW and skip-gram with negative sampling (ch04): whole-model gradients, contexts, training, analogies.

The layers and the sampler are tested in test_negative_sampling.py."""
import numpy
import pytest

from ch04.cbow import CBOW
from ch04.skip_gram import SkipGram
from common.gradcheck import check_model
from common.negative_sampling import NegativeSamplingLoss
from common.optimizer import Adam
from common.text import analogy_accuracy, create_contexts_target
from common.trainer import Trainer
from tests.helpers import freeze_sampler, ids, randn


@pytest.mark.parametrize("cls, options", [(CBOW, {}), (SkipGram, {}), (SkipGram, {"shared_negatives": True})])
def test_whole_model_gradient(rng, cls, options):
    corpus = ids(rng, 15, 200)
    contexts, target = create_contexts_target(corpus, 2)
    model = cls(15, 5, 2, corpus, sample_size=3, rng=rng, seed=1, dtype="d", **options)
    for p in model.params:
        p[...] = randn(rng, *p.shape)
    freeze_sampler(model.ns_loss.sampler)
    errors = check_model(model, [contexts[:6], target[:6]])
    assert max(errors.values()) < 1e-6, errors


def test_cbow_learns_a_tiny_corpus():
    """Words used in the same contexts end up closer than unrelated words."""
    rng = numpy.random.default_rng(0)
    text = []
    for _ in range(400):
        animal = rng.choice(["cat", "dog"])
        fruit = rng.choice(["apple", "pear"])
        text += ["the", animal, "runs", "fast", ".", "i", "eat", "an", fruit, "today", "."]
    vocab = {w: i for i, w in enumerate(dict.fromkeys(text))}
    corpus = numpy.array([vocab[w] for w in text])
    contexts, target = create_contexts_target(corpus, 2)
    model = CBOW(len(vocab), 10, 2, corpus, rng=rng, seed=0)
    trainer = Trainer(model, Adam(0.01), seed=0, verbose=False)
    trainer.fit(contexts, target, max_epoch=5, batch_size=50, eval_interval=None)
    assert trainer.epoch_losses[-1] < trainer.epoch_losses[0]
    W = model.word_vecs / numpy.linalg.norm(model.word_vecs, axis=1, keepdims=True)
    v = lambda w: W[vocab[w]]
    assert v("cat") @ v("dog") > v("cat") @ v("apple")
    assert v("apple") @ v("pear") > v("apple") @ v("dog")


def test_analogy_accuracy_on_planted_vectors():
    words = ["king", "queen", "man", "woman", "paris", "france", "rome", "italy"]
    w2i = {w: i for i, w in enumerate(words)}
    base = numpy.eye(8)[:, :6] * 0
    royal, male, female, capital = numpy.eye(6)[0], numpy.eye(6)[1], numpy.eye(6)[2], numpy.eye(6)[3]
    vecs = numpy.array([royal + male, royal + female, male, female,
                        capital + numpy.eye(6)[4], numpy.eye(6)[4], capital + numpy.eye(6)[5], numpy.eye(6)[5]]) + base
    sections = {"family": [("man", "king", "woman", "queen")],
                "capital": [("paris", "france", "rome", "italy"), ("paris", "france", "oslo", "norway")]}
    report = analogy_accuracy(vecs, w2i, sections)
    assert report["family"] == (1, 1, 1)
    assert report["capital"] == (1, 1, 2)
    assert report["total"] == (2, 2, 3)


def test_book_scoring_favours_long_vectors():
    from common.text import analogy
    words = ["a", "b", "c", "short", "long"]
    w2i = {w: i for i, w in enumerate(words)}
    vecs = numpy.array([[1.0, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1.0], [0, 3, 2.0]])
    # b - a + c = (0, 1, 1): 'short' is exactly that direction, 'long' is longer but less aligned
    assert analogy("a", "b", "c", w2i, dict(enumerate(words)), vecs, method="3cosadd", verbose=False)[0][0] == "short"
    assert analogy("a", "b", "c", w2i, dict(enumerate(words)), vecs, method="book", verbose=False)[0][0] == "long"


def test_dynamic_window_keeps_contexts_within_the_drawn_distance():
    from common.text import dynamic_window
    contexts = numpy.arange(12 * 6).reshape(12, 6)             # window 3: offsets -3 -2 -1 1 2 3
    out = dynamic_window(contexts, 3, numpy.random.default_rng(0))
    for row, orig in zip(out, contexts):
        kept = row != -1
        reach = kept.sum() // 2
        assert 1 <= reach <= 3
        numpy.testing.assert_array_equal(kept, numpy.abs([-3, -2, -1, 1, 2, 3]) <= reach)
        numpy.testing.assert_array_equal(row[kept], orig[kept])


def skip_gram_with_known_negatives(rng, contexts):
    """A float64 SkipGram whose K = 2 negatives of the p-th (target, context) pair are 2p % V, (2p + 1) % V."""
    V = 12
    model = SkipGram(V, 4, contexts.shape[1] // 2, ids(rng, V, 300), sample_size=2, rng=rng, seed=0, dtype="d")
    for p in model.params:
        p[...] = randn(rng, *p.shape)
    model.ns_loss.sampler.get_negative_sample = lambda t: numpy.arange(2 * len(t)).reshape(-1, 2) % V
    return model


def test_skip_gram_loss_sums_every_pair_and_averages_over_rows(rng):
    contexts, target = numpy.array([[1, 4], [2, 3], [0, 5]]), numpy.array([6, 7, 8])
    model = skip_gram_with_known_negatives(rng, contexts)
    W_in, W_out = model.params
    sig = lambda x: 1 / (1 + numpy.exp(-x))
    expected, p = 0.0, 0
    for n in range(3):
        for c in contexts[n]:
            h = W_in[target[n]]
            expected -= numpy.log(sig(W_out[c] @ h))
            expected -= sum(numpy.log(sig(-(W_out[k % 12] @ h))) for k in (2 * p, 2 * p + 1))
            p += 1
    assert model.forward(contexts, target) == pytest.approx(expected / 3, rel=1e-12)


def test_empty_context_slots_add_nothing(rng):
    """Rows with contexts (a, -1) give exactly the loss and gradients of the pairs that are there."""
    contexts, target = numpy.array([[1, -1], [2, 3], [-1, 5]]), numpy.array([6, 7, 8])
    model = skip_gram_with_known_negatives(rng, contexts)
    loss = model.forward(contexts, target)
    model.backward()
    grads = [g.to_dense() for g in model.grads]
    # the four pairs that are there, through the loss layer alone, scaled from their mean to the 3 rows'
    W_in, W_out = model.params
    pair_target, pair_context = numpy.array([6, 7, 7, 8]), numpy.array([1, 2, 3, 5])
    layer = NegativeSamplingLoss(W_out, ids(rng, 12, 300), sample_size=2)
    layer.sampler.get_negative_sample = model.ns_loss.sampler.get_negative_sample
    assert loss == pytest.approx(layer.forward(W_in[pair_target], pair_context) * 4 / 3, rel=1e-12)
    dh = layer.backward(4 / 3)
    dW_in = numpy.zeros_like(W_in)
    numpy.add.at(dW_in, pair_target, dh)
    numpy.testing.assert_allclose(grads[0], dW_in, rtol=1e-10, atol=1e-14)
    numpy.testing.assert_allclose(grads[1], layer.grads[0].to_dense(), rtol=1e-10, atol=1e-14)
    assert max(check_model(model, [contexts, target]).values()) < 1e-6


@pytest.mark.parametrize("shared", [False, True])
def test_skip_gram_rejects_a_batch_without_pairs(rng, shared):
    contexts = numpy.full((2, 2), -1)
    model = skip_gram_with_known_negatives(rng, contexts)
    model.shared_negatives = shared
    with pytest.raises(ValueError, match="no \\(target, context\\) pair"):
        model.forward(contexts, numpy.array([1, 2]))


def test_shared_negatives_score_each_context_against_the_target(rng):
    """SkipGram(shared_negatives=True): every present context's W_in row against W_out[target] and the row's
    K negatives, by hand; the gradients by hand for a context named twice and for the rows left alone."""
    contexts, target = numpy.array([[1, -1, 4, 4], [2, 3, 9, 0], [-1, -1, 5, -1]]), numpy.array([6, 7, 8])
    negatives = numpy.array([[10, 11], [0, 11], [10, 1]])
    model = skip_gram_with_known_negatives(rng, contexts)
    model.shared_negatives = True
    model.ns_loss.sampler.get_negative_sample = lambda t: negatives
    W_in, W_out = model.params
    log_sig = lambda x: -numpy.log1p(numpy.exp(-x))
    expected = 0.0
    for n in range(3):
        for c in contexts[n][contexts[n] >= 0]:
            expected -= log_sig(W_out[target[n]] @ W_in[c]) + log_sig(-(W_out[negatives[n]] @ W_in[c])).sum()
    assert model.forward(contexts, target) == pytest.approx(expected / 3, rel=1e-12)
    model.backward()
    dW_in, dW_out = (g.to_dense() for g in model.grads)
    assert set(numpy.flatnonzero(numpy.abs(dW_in).sum(axis=1))) == {0, 1, 2, 3, 4, 5, 9}
    assert set(numpy.flatnonzero(numpy.abs(dW_out).sum(axis=1))) == {0, 1, 6, 7, 8, 10, 11}
    sig = lambda x: 1 / (1 + numpy.exp(-x))
    d4 = (sig(W_out[6] @ W_in[4]) - 1) * W_out[6] + sum(sig(W_out[k] @ W_in[4]) * W_out[k] for k in (10, 11))
    numpy.testing.assert_allclose(dW_in[4], 2 * d4 / 3, rtol=1e-12)      # 4 is named twice in row 0
    assert max(check_model(model, [contexts, target]).values()) < 1e-6


def test_shared_negatives_are_kept_in_a_checkpoint(rng, tmp_path):
    from common.checkpoint import load_model
    model = SkipGram(12, 4, 2, ids(rng, 12, 300), rng=rng, seed=0, shared_negatives=True)
    path = model.save_params(str(tmp_path / "sg.npz"))
    assert load_model(path).shared_negatives is True


def test_bad_word_vector_files_give_one_clear_line(tmp_path):
    from common.input_checks import InputError
    from common.text import load_word_vectors
    numpy.save(tmp_path / "single.npy", numpy.ones(3))
    (tmp_path / "notes.npz").write_text("not vectors")
    numpy.savez(tmp_path / "other.npz", something=numpy.ones(2))
    with pytest.raises(InputError, match="single.npy is not a word-vector file: it is a single .npy array"):
        load_word_vectors(str(tmp_path / "single.npy"))
    with pytest.raises(InputError, match="notes.npz is not a word-vector file: it is not an .npz archive"):
        load_word_vectors(str(tmp_path / "notes.npz"))
    with pytest.raises(InputError, match="other.npz holds no word vectors"):
        load_word_vectors(str(tmp_path / "other.npz"))
    with pytest.raises(FileNotFoundError, match="word-vector file not found"):
        load_word_vectors(str(tmp_path / "missing.npz"))


def test_cbow_leaves_missing_contexts_out_of_the_mean(rng):
    """Row (a, -1, b, -1) is the mean of W_in[a] and W_in[b]: loss and gradients by hand, then numerically."""
    V = 12
    contexts = numpy.array([[1, -1, 4, -1], [2, 3, 9, 9], [-1, -1, 5, -1]])
    target = numpy.array([6, 7, 8])
    model = CBOW(V, 4, 2, ids(rng, V, 300), sample_size=2, rng=rng, seed=0, dtype="d")
    for p in model.params:
        p[...] = randn(rng, *p.shape)
    negatives = numpy.array([[0, 10], [11, 0], [10, 11]])
    model.ns_loss.sampler.get_negative_sample = lambda t: negatives
    W_in, W_out = model.params
    h = numpy.stack([(W_in[1] + W_in[4]) / 2, (W_in[2] + W_in[3] + 2 * W_in[9]) / 4, W_in[5]])
    log_sig = lambda x: -numpy.log1p(numpy.exp(-x))
    expected = -sum(log_sig(W_out[target[n]] @ h[n]) + log_sig(-W_out[negatives[n]] @ h[n]).sum()
                    for n in range(3)) / 3
    assert model.forward(contexts, target) == pytest.approx(expected, rel=1e-12)
    model.backward()
    dW_in = model.grads[0].to_dense()
    assert set(numpy.flatnonzero(numpy.abs(dW_in).sum(axis=1))) == {1, 2, 3, 4, 5, 9}
    numpy.testing.assert_allclose(dW_in[9], 2 * dW_in[2], rtol=1e-12)      # 9 is named twice in row 1
    assert max(check_model(model, [contexts, target]).values()) < 1e-6


def test_cbow_rejects_a_row_without_contexts_and_ids_below_minus_one(rng):
    model = CBOW(12, 4, 1, ids(rng, 12, 300), sample_size=2, rng=rng, seed=0)
    with pytest.raises(ValueError, match="row 1 of contexts is all -1"):
        model.forward(numpy.array([[1, -1], [-1, -1]]), numpy.array([2, 3]))
    with pytest.raises(IndexError, match=r"contexts out of range: values must lie in \[-1, 12\)"):
        model.forward(numpy.array([[1, -2], [3, 4]]), numpy.array([2, 3]))
