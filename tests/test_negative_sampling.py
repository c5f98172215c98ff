"""common/negative_sampling.py: EmbeddingDot and NegativeSamplingLoss (gradients and forward values)
and the unigram sampler (its distribution, exclusion of the target, seeding and saved state)."""
import math

import numpy
import pytest

from common.negative_sampling import EmbeddingDot, NegativeSamplingLoss, UnigramSampler, alias_table
from tests.helpers import assert_gradients, close, freeze_sampler, ids, randn, sigmoid


def test_embedding_dot_book_example():
    W = numpy.arange(21, dtype=numpy.float64).reshape(7, 3)
    h = numpy.arange(9, dtype=numpy.float64).reshape(3, 3)
    out = EmbeddingDot(W).forward(h, numpy.array([0, 3, 1]))
    numpy.testing.assert_array_equal(out, [5, 122, 86])


def test_embedding_dot_gradient(rng):
    assert_gradients(EmbeddingDot(randn(rng, 7, 3)), [randn(rng, 4, 3), numpy.array([0, 3, 3, 6])],
                     grad_inputs=[True, False])


def test_negative_sampling_loss_gradient(rng):
    corpus = ids(rng, 12, 300)
    layer = NegativeSamplingLoss(randn(rng, 12, 4), corpus, sample_size=3, seed=0)
    freeze_sampler(layer.sampler)
    assert_gradients(layer, [randn(rng, 5, 4), ids(rng, 12, 5)], grad_inputs=[True, False])


def test_negative_sampling_loss_rejects_targets_that_do_not_match_h(rng):
    layer = NegativeSamplingLoss(randn(rng, 12, 4), ids(rng, 12, 300), sample_size=3, seed=0)
    with pytest.raises(ValueError, match=r"h must be \(N, H\) or \(N, C, H\) and target \(N,\), got h \(5, 4\) "
                                         r"and target \(5, 2\)"):
        layer.forward(randn(rng, 5, 4), ids(rng, 12, 5, 2))
    with pytest.raises(ValueError, match=r"got h \(5, 3, 4\) and target \(4,\)"):
        layer.forward(randn(rng, 5, 3, 4), ids(rng, 12, 4))
    with pytest.raises(ValueError, match=r"present must be \(N, C\) = \(5, 3\), got \(5, 2\)"):
        layer.forward(randn(rng, 5, 3, 4), ids(rng, 12, 5), numpy.ones((5, 2), bool))


def test_sampler_distribution_matches_power_075():
    corpus = numpy.repeat(numpy.arange(3), [70, 29, 1])
    sampler = UnigramSampler(corpus, 0.75, 2, seed=0)
    numpy.testing.assert_allclose(sampler.word_p, [0.64196878, 0.33150408, 0.02652714], rtol=1e-6)
    # with target 2 everywhere, negatives follow p restricted to {0, 1}
    neg = sampler.get_negative_sample(numpy.full(50000, 2))
    freq = numpy.bincount(neg.ravel(), minlength=3) / neg.size
    numpy.testing.assert_allclose(freq[:2], sampler.word_p[:2] / sampler.word_p[:2].sum(), atol=0.01)
    assert freq[2] == 0


@pytest.mark.parametrize("seed", [0, 1])
def test_alias_table_reproduces_the_distribution_exactly(seed):
    p = numpy.random.default_rng(seed).random(300) ** 4
    p /= p.sum()
    accept, alias = alias_table(p)
    # word i keeps its own column with prob accept[i] / V and receives the rest of every column aliased to it
    implied = accept / len(p) + numpy.bincount(alias, weights=(1 - accept) / len(p), minlength=len(p))
    numpy.testing.assert_allclose(implied, p, atol=1e-15)


def test_sampler_never_returns_the_target_and_is_seeded():
    corpus = numpy.array([0, 1, 2, 3, 4, 1, 2, 3])
    target = numpy.array([1, 3, 0] * 1000)
    a = UnigramSampler(corpus, 0.75, 4, seed=7).get_negative_sample(target)
    b = UnigramSampler(corpus, 0.75, 4, seed=7).get_negative_sample(target)
    assert a.shape == (3000, 4)
    assert not (a == target[:, None]).any()
    numpy.testing.assert_array_equal(a, b)
    many = UnigramSampler(corpus, 0.75, 2, seed=1).get_negative_sample(numpy.array([[1, 2], [3, 4]]))
    assert many.shape == (2, 2, 2) and not (many == numpy.array([[1, 2], [3, 4]])[..., None]).any()


@pytest.mark.parametrize("on_device", [False, True])
def test_sampler_draws_follow_p_on_host_and_on_device(on_device):
    """The device path (the GPU backend's default) runs here with NumPy standing in for CuPy."""
    corpus = numpy.repeat(numpy.arange(3), [70, 29, 1])
    sampler = UnigramSampler(corpus, 0.75, 2, seed=0, pool_size=4096, on_device=on_device)
    assert sampler.on_device == on_device
    neg = sampler.get_negative_sample(numpy.full(50000, 2))       # 25 refills of the pool
    freq = numpy.bincount(neg.ravel(), minlength=3) / neg.size
    numpy.testing.assert_allclose(freq[:2], sampler.word_p[:2] / sampler.word_p[:2].sum(), atol=0.01)
    assert freq[2] == 0 and neg.dtype == numpy.int64
    assert not numpy.array_equal(sampler._fresh_draws(1000), sampler._fresh_draws(1000))   # every refill is new


@pytest.mark.parametrize("on_device", [False, True])
def test_sampler_state_continues_the_same_draws(on_device):
    corpus = numpy.array([0, 1, 2, 3, 4, 1, 2, 3])
    target = numpy.array([1, 3, 0] * 30)
    make = lambda seed: UnigramSampler(corpus, 0.75, 4, seed=seed, pool_size=100, on_device=on_device)
    a = make(7)
    a.get_negative_sample(target)
    state = a.state_dict()
    expected = [a.get_negative_sample(target) for _ in range(5)]           # crosses several refills
    b = make(99)                                                          # another seed: the state decides
    b.load_state_dict(state)
    for want in expected:
        got = b.get_negative_sample(target)
        numpy.testing.assert_array_equal(got, want)
        assert not (got == target[:, None]).any()
    numpy.testing.assert_array_equal(make(7).get_negative_sample(target), make(7).get_negative_sample(target))
    assert not numpy.array_equal(make(7).get_negative_sample(target), make(8).get_negative_sample(target))


def test_sampler_state_says_where_its_draws_are_made():
    corpus = numpy.array([0, 1, 2, 3, 4, 1, 2, 3])
    device = UnigramSampler(corpus, 0.75, 4, seed=1, on_device=True)
    host = UnigramSampler(corpus, 0.75, 4, seed=1)
    assert "refills" in device.state_dict() and "rng" in host.state_dict()
    host.load_state_dict(device.state_dict())                 # a run saved on the GPU continues its stream
    assert host.on_device
    target = numpy.arange(5)
    numpy.testing.assert_array_equal(host.get_negative_sample(target), device.get_negative_sample(target))


def test_embedding_dot_is_a_row_by_row_dot_product(rng, shape):
    N, T, D, H = shape
    W = rng.standard_normal((7, H))
    h, rows = rng.standard_normal((N, H)), rng.integers(0, 7, N)
    close(EmbeddingDot(W).forward(h, rows), [sum(W[rows[n], k] * h[n, k] for k in range(H)) for n in range(N)])


def test_negative_sampling_loss_with_known_negatives(rng):
    V, H, N, K = 8, 3, 4, 2
    W = rng.standard_normal((V, H))
    layer = NegativeSamplingLoss(W, numpy.arange(V).repeat(3), sample_size=K, seed=0)
    negatives = numpy.array([[1, 2], [3, 4], [5, 6], [7, 0]])
    layer.sampler.get_negative_sample = lambda target: negatives
    h, target = rng.standard_normal((N, H)), numpy.array([0, 1, 2, 3])
    ref = 0.0
    for n in range(N):
        ref -= math.log(sigmoid(W[target[n]] @ h[n]))
        for k in range(K):
            ref -= math.log(sigmoid(-(W[negatives[n, k]] @ h[n])))
    assert layer.forward(h, target) == pytest.approx(ref / N, rel=1e-12)


@pytest.mark.parametrize("present", [None, numpy.array([[1, 0, 1], [1, 1, 1], [0, 0, 1], [0, 0, 0], [1, 1, 0]], bool)])
def test_negative_sampling_loss_gradient_with_several_vectors_per_target(rng, present):
    """h (N, C, H): C vectors share their row's target and K negatives; missing ones (present 0) add nothing."""
    layer = NegativeSamplingLoss(randn(rng, 12, 4), ids(rng, 12, 300), sample_size=3, seed=0)
    freeze_sampler(layer.sampler)
    h, target = randn(rng, 5, 3, 4), numpy.array([1, 1, 7, 2, 11])
    inputs = [h, target] if present is None else [h, target, present]
    assert_gradients(layer, inputs, grad_inputs=[True] + [False] * (len(inputs) - 1))
    if present is not None:
        layer.forward(h, target, present)
        dh = layer.backward()
        assert not dh[~present].any()


def test_several_vectors_per_target_with_known_negatives(rng):
    """The loss by hand: every present vector against its row's target and the row's K negatives; with
    C = 1 it is the (N, H) form's loss."""
    V, H, K = 8, 3, 2
    W = rng.standard_normal((V, H))
    layer = NegativeSamplingLoss(W, numpy.arange(V).repeat(3), sample_size=K, seed=0)
    negatives = numpy.array([[3, 4], [5, 6], [7, 0]])
    layer.sampler.get_negative_sample = lambda target: negatives
    h, target = rng.standard_normal((3, 4, H)), numpy.array([0, 1, 2])
    present = numpy.array([[1, 1, 0, 1], [0, 0, 1, 0], [1, 1, 1, 1]], bool)
    ref = 0.0
    for n in range(3):
        for c in numpy.flatnonzero(present[n]):
            ref -= math.log(sigmoid(W[target[n]] @ h[n, c]))
            for k in range(K):
                ref -= math.log(sigmoid(-(W[negatives[n, k]] @ h[n, c])))
    assert layer.forward(h, target, present) == pytest.approx(ref / 3, rel=1e-12)
    assert layer.forward(h[:, :1], target) == pytest.approx(layer.forward(h[:, 0], target), rel=1e-14)


@pytest.mark.parametrize("form", ["one vector per target", "several vectors per target"])
def test_negative_sampling_loss_matches_pytorch(rng, form):
    """Loss and the gradients of h and W against PyTorch's autograd of -logsigmoid, known negatives."""
    torch = pytest.importorskip("torch")
    V, H, N, C, K = 9, 4, 5, 3, 3
    W = rng.standard_normal((V, H))
    layer = NegativeSamplingLoss(W, numpy.arange(V).repeat(3), sample_size=K, seed=0)
    negatives = rng.integers(0, V, (N, K))
    layer.sampler.get_negative_sample = lambda target: negatives
    target = numpy.array([0, 4, 4, 8, 2])
    several = form == "several vectors per target"
    h = rng.standard_normal((N, C, H) if several else (N, H))
    present = rng.random((N, C)) < 0.7 if several else None
    loss = layer.forward(h, target, present) if several else layer.forward(h, target)
    dh = layer.backward()
    th, tW = torch.tensor(h, requires_grad=True), torch.tensor(W, requires_grad=True)
    rows = tW[torch.from_numpy(numpy.concatenate([target[:, None], negatives], axis=1))]      # (N, 1 + K, H)
    vectors = th if several else th[:, None, :]                                              # (N, C, H)
    scores = torch.einsum("nch,nmh->ncm", vectors, rows)
    labels = torch.ones_like(scores)
    labels[..., 1:] = -1
    per_vector = -torch.nn.functional.logsigmoid(labels * scores).sum(dim=2)                 # (N, C)
    if several:
        per_vector = per_vector * torch.from_numpy(present)
    expected = per_vector.sum() / N
    expected.backward()
    assert loss == pytest.approx(expected.item(), rel=1e-12)
    numpy.testing.assert_allclose(dh, th.grad.numpy(), rtol=1e-10, atol=1e-14)
    numpy.testing.assert_allclose(layer.grads[0].to_dense(), tW.grad.numpy(), rtol=1e-10, atol=1e-14)
