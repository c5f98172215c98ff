"""Smoke tests: the benchmark scripts and their reference implementations run on tiny inputs."""
import importlib.util
import os

import numpy
import pytest

from benchmarks import bench_word2vec, gemm_floor
from benchmarks.book_word2vec import BookCBOW
from tests.conftest import needs_ptb


def tiny_corpus():
    return numpy.random.default_rng(0).integers(0, 50, 3000)


def test_book_style_cbow_learns_and_matches_our_loss_scale():
    numpy.random.seed(0)
    corpus = tiny_corpus()
    contexts = numpy.stack([corpus[i - 2:i + 3][[0, 1, 3, 4]] for i in range(2, 402)])
    target = corpus[2:402]
    model = BookCBOW(50, 8, 2, corpus)
    first = model.train_step(contexts[:50], target[:50], "adam", 0.01)
    for _ in range(60):
        last = model.train_step(contexts[:50], target[:50], "adam", 0.01)
    assert 6 * 0.6 < first < 6 * 0.75        # K + 1 = 6 binary losses of about log 2 at the start
    assert last < first


def test_word2vec_benchmark_times_both_implementations():
    corpus = tiny_corpus()
    rates = bench_word2vec.time_scratchnlp(corpus, 50, iters=5, batch=10, window=2, hidden=8,
                                           optimizer="sgd", lr=1.0, repeats=2)
    assert len(rates) == 2 and min(rates) > 0
    assert bench_word2vec.time_book(corpus, 50, iters=3, batch=10, window=2, hidden=8, optimizer="sgd", lr=1.0) > 0
    rates = bench_word2vec.time_scratchnlp(corpus, 50, iters=5, batch=10, window=2, hidden=8, optimizer="sgd",
                                           lr=1.0, repeats=1, model="skipgram", dynamic_window=True)
    assert rates[0] > 0
    rates = bench_word2vec.time_scratchnlp(corpus, 50, iters=5, batch=10, window=2, hidden=8, optimizer="sgd",
                                           lr=1.0, repeats=1, contiguous=True)
    assert rates[0] > 0
    with pytest.raises(SystemExit):
        bench_word2vec.main(["--batch-order", "sorted"])


def test_word2vec_benchmark_times_hogwild_workers_over_a_whole_epoch(capsys):
    corpus = tiny_corpus()
    rate = bench_word2vec.time_workers(corpus, 50, batch=10, window=2, hidden=8, lr=1.0, workers=2)
    assert rate > 0
    with pytest.raises(SystemExit):
        bench_word2vec.main(["--workers", "2", "--optimizer", "adam"])
    assert "--workers 2 needs --optimizer sgd" in capsys.readouterr().err


def test_gensim_evaluate_counts_as_gensim_does(tmp_path, capsys):
    pytest.importorskip("gensim")
    from benchmarks import gensim_evaluate
    from common.text import save_word_vectors
    from dataset import analogy
    questions = [q for qs in analogy.load_questions().values() for q in qs][:40]
    words = sorted({w for q in questions for w in q})
    rng = numpy.random.default_rng(0)
    vecs = rng.standard_normal((len(words), 8)).astype(numpy.float32)
    a, b, c, d = (words.index(w) for w in questions[0])
    vecs[d] = vecs[b] - vecs[a] + vecs[c]                   # at least one question answered
    path = save_word_vectors(str(tmp_path / "v.npz"), vecs, dict(enumerate(words)))
    gensim_evaluate.main([path])
    out = capsys.readouterr().out
    counts = [part.split("=")[0].strip().split()[-3:] for part in out.split(";")]
    assert counts[0] == counts[1] and counts[0][0] != "0"


def test_word2vec_benchmark_refuses_to_time_more_targets_than_the_corpus_has():
    corpus = tiny_corpus()                   # a rate over a short run would be counted as the full request
    n_targets = len(corpus) - 2 * 2          # window 2: the first and last two words have no full window
    steps = n_targets // 10 + 1
    with pytest.raises(ValueError, match="need %d targets, but the corpus has %d" % (steps * 10, n_targets)):
        bench_word2vec.time_scratchnlp(corpus, 50, iters=steps, batch=10, window=2, hidden=8,
                                       optimizer="sgd", lr=1.0, repeats=1)
    with pytest.raises(SystemExit):
        bench_word2vec.main(["--iters", "0"])


def test_gemm_floor_lists_every_product_of_a_step():
    products = gemm_floor.step_products(H=100, layers=1)
    flops = sum(2 * m * k * n * count for _, m, k, n, count in products)
    # output layer: 3 products of 700 x 100 x 10,000; LSTM: 4 batched + 2 x 35 per-step products
    assert flops == 3 * 2 * 700 * 100 * 10000 + 4 * 2 * 700 * 100 * 400 + 2 * 35 * 2 * 20 * 100 * 400


def test_gemm_floor_counts_the_end_to_end_jobs_products():
    # an evaluation batch is forward only: scores, and per layer the input projection and T per-step products
    products = gemm_floor.eval_products(H=100, layers=1)
    assert [p[1:] for p in products] == [(350, 100, 10000, 1), (350, 100, 400, 1), (10, 100, 400, 35)]
    # the attention model's weights give the shapes: LSTM [Wx; Wh] (D + H, 4H), output (2H, V)
    from ch08.attention_seq2seq import AttentionSeq2seq
    model = AttentionSeq2seq(59, 16, 256, rng=numpy.random.default_rng(0))
    Wx, Wh, _ = model.encoder.lstm.params
    lstm_W = (Wx.shape[0] + Wh.shape[0], Wh.shape[1])
    affine_W = model.decoder.affine.params[0].shape
    step = dict((label, (m, k, n, count)) for label, m, k, n, count in gemm_floor.attention_step_products())
    assert step["LSTM [x, h] W, per step"] == (128,) + lstm_W + (39,)
    assert step["output scores"] == (1280,) + affine_W + (1,)


def test_gemm_floor_sums_numpys_and_pytorchs_seconds_apart():
    S = gemm_floor.Seconds
    both = S(1.0, 0.5) * 3 + S(0.25, 0.25)
    assert (both.numpy, both.torch) == (3.25, 1.75)
    assert "PyTorch's products 1.8 s, NumPy / PyTorch 1.86" in str(both)
    numpy_only = both + S(1.0, None)               # one product not timed in PyTorch: no PyTorch sum
    assert (numpy_only.numpy, numpy_only.torch) == (4.25, None) and str(numpy_only) == "4.2 s"
    total, flops, merged = gemm_floor.products_seconds([("a", 2, 3, 4, 5), ("b", 2, 3, 4, 1)], 1, {})
    assert total.torch is None and total.numpy > 0 and flops == 2 * 2 * 3 * 4 * 6
    assert merged["a"].numpy == pytest.approx(5 * merged["b"].numpy)      # one shape, timed once


def test_gemm_floor_times_the_same_products_in_pytorch():
    torch = pytest.importorskip("torch")
    timed = {}
    total, _, _ = gemm_floor.products_seconds([("a", 8, 16, 32, 2)], 3, timed, torch)
    assert total.numpy > 0 and total.torch > 0
    assert timed[8, 16, 32].torch == pytest.approx(total.torch / 2)


@needs_ptb
def test_gemm_floor_knows_ptbs_sizes():
    from dataset import ptb
    assert {part: len(ptb.load_data(part)[0]) for part in gemm_floor.PTB_IDS} == gemm_floor.PTB_IDS


@pytest.mark.parametrize("form", ["buffered-lstm", "plain-affine", "one-thread-rows", "max-softmax"])
def test_every_speed_path_form_computes_the_same_step(form):
    """Each form the speed-path benchmark times against the library gives the library's loss and gradients."""
    import numpy
    from benchmarks.speed_paths import FORMS, step_outputs
    from ch06.better_rnnlm import BetterRnnlm
    rng = numpy.random.default_rng(0)
    xs, ts = rng.integers(0, 30, (20, 6)), rng.integers(0, 30, (20, 6))     # N T = 120 rows: Affine stacks
    make = lambda: BetterRnnlm(30, 8, 8, rng=numpy.random.default_rng(1), dtype="d")      # noqa: E731
    library, other = step_outputs(make, xs, ts), step_outputs(make, xs, ts, FORMS[form])
    assert len(library) == len(other) == 1 + 9
    assert abs(float(library[0]) - numpy.log(30)) < 0.1          # a loss near log V at the start
    for a, b in zip(library, other):
        numpy.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-15)


def test_speed_path_forms_change_what_they_say_and_undo_it():
    import numpy
    import common.time_layers
    from benchmarks.speed_paths import FORMS
    from ch06.rnnlm import Rnnlm
    from common.parallel import for_row_blocks
    from common.time_layers import TimeLSTM
    model = Rnnlm(30, 8, 8, rng=numpy.random.default_rng(1))
    affine, lstm = model.layers[-1], model.layers[1]
    xs = numpy.random.default_rng(0).integers(0, 30, (20, 6))
    with FORMS["plain-affine"](model):
        model.forward(xs, xs)
        assert affine.stacked is False
    model.forward(xs, xs)
    assert affine.stacked is True                                 # 120 rows >= 2 D
    with FORMS["buffered-lstm"](model):
        assert type(lstm).__name__ == "BufferedTimeLSTM"
    assert type(lstm) is TimeLSTM
    with FORMS["one-thread-rows"](model):
        assert common.time_layers.for_row_blocks is not for_row_blocks
    assert common.time_layers.for_row_blocks is for_row_blocks
    library_exp_rows = common.time_layers._exp_rows
    with FORMS["max-softmax"](model):
        assert common.time_layers._exp_rows is not library_exp_rows
        model.forward(xs, xs)
    assert common.time_layers._exp_rows is library_exp_rows
    from ch08.attention_seq2seq import AttentionSeq2seq
    seq = AttentionSeq2seq(13, 4, 16, rng=numpy.random.default_rng(1))               # 4 D <= H: stacked
    question, answer = numpy.random.default_rng(0).integers(0, 13, (2, 5)), numpy.random.default_rng(1).integers(0, 13, (2, 4))
    with FORMS["unstacked-lstm"](seq):
        seq.forward(question, answer)
        assert seq.encoder.lstm.stacked is False
    seq.forward(question, answer)
    assert seq.encoder.lstm.stacked is True and seq.decoder.lstm.stacked is True


def test_the_unstacked_form_computes_the_attention_models_step():
    import numpy
    from benchmarks.speed_paths import FORMS, step_outputs
    from ch08.attention_seq2seq import AttentionSeq2seq
    rng = numpy.random.default_rng(0)
    xs, ts = rng.integers(0, 13, (6, 7)), rng.integers(0, 13, (6, 5))
    make = lambda: AttentionSeq2seq(13, 4, 16, rng=numpy.random.default_rng(1), dtype="d")      # noqa: E731
    library, other = step_outputs(make, xs, ts), step_outputs(make, xs, ts, FORMS["unstacked-lstm"])
    assert abs(float(library[0]) - numpy.log(13)) < 0.2
    for a, b in zip(library, other):
        numpy.testing.assert_allclose(b, a, rtol=1e-10, atol=1e-13)


def test_rnnlm_benchmark_step_trains_the_model():
    from benchmarks.bench_rnnlm import scratchnlp_step
    step = scratchnlp_step("rnnlm", 16, 4)
    before = [p.copy() for p in step.model.params]
    step()
    step()
    after = step.model.params
    assert all(numpy.isfinite(p).all() for p in after)
    assert all(not numpy.array_equal(a, b) for a, b in zip(before, after))    # SGD moved every parameter


def test_floor_arm_runs_the_step_products_at_the_benchmark_batch():
    from benchmarks.bench_rnnlm import floor_step

    products = gemm_floor.step_products(16, 1, batch=4)
    assert products[0][1:] == (4 * 35, 16, 10000, 1)            # output scores: (N*T, H) x (H, V)
    assert products[-1][1:] == (4, 4 * 16, 16, 35)              # dh Wh^T: one (N, 4H) x (4H, H) per step
    floor_step("rnnlm", 16, 4)()


def test_harness_runs_each_arm_in_its_own_process_and_reports_memory():
    from benchmarks.harness import median_ratio, round_robin
    size = ["--models", "rnnlm", "--hidden", "32", "--batch", "8", "--steps", "1"]
    arms = {"a": ("benchmarks.bench_rnnlm", ["--arm", "scratchnlp"] + size),
            "b": ("benchmarks.bench_rnnlm", ["--arm", "book"] + size)}
    res = round_robin(arms, rounds=1, gap=0.0)
    assert set(res) == {"a", "b"} and res["a"][0]["ms"] > 0 and res["a"][0]["rss_mb"] > 10
    assert (res["a"][0]["H"], res["a"][0]["N"]) == (32, 8)
    assert median_ratio(res, "a", "b") > 0


def test_round_robin_rotates_the_order_of_the_arms():
    from benchmarks.harness import round_robin
    calls = []
    arms = {"a": ("m", ["1"]), "b": ("m", ["2"]), "c": ("m", ["3"])}
    res = round_robin(arms, rounds=4, gap=0.0, run=lambda mod, argv: calls.append(argv[0]) or {"ms": len(calls)})
    assert calls == list("123" "231" "312" "123")
    assert [r["ms"] for r in res["a"]] == [1, 6, 8, 10]          # each arm keeps its own rounds in order


def test_ratios_are_taken_within_each_round_and_their_median_reported():
    from benchmarks.harness import median_ratio, round_ratios
    res = {"a": [{"ms": 2.0}, {"ms": 9.0}, {"ms": 4.0}], "b": [{"ms": 1.0}, {"ms": 3.0}, {"ms": 8.0}]}
    assert round_ratios(res, "a", "b") == [2.0, 3.0, 0.5]
    assert median_ratio(res, "a", "b") == 2.0        # the ratio of the medians (4 / 3) would differ


BENCHMARKS = ["bench_rnnlm", "bench_word2vec", "end_to_end", "gemm_floor", "gensim_reference", "packed_gemm", "speed_paths",
              "torch_jobs"]


@pytest.mark.parametrize("name", BENCHMARKS)
def test_benchmark_help_names_the_command_and_shows_defaults(name, capsys):
    module = importlib.import_module("benchmarks." + name)
    with pytest.raises(SystemExit) as exit_info:
        module.main(["--help"])
    assert exit_info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())          # help wraps lines anywhere
    assert out.startswith("usage: python -m benchmarks.%s" % name)
    assert "(default: " in out and "%(default)" not in out


@pytest.mark.parametrize("name, argv", [("bench_rnnlm", ["--rounds", "0"]), ("bench_rnnlm", ["--gap", "-1"]),
                                        ("bench_rnnlm", ["--hidden", "0"]), ("bench_word2vec", ["--lr", "0"]),
                                        ("gemm_floor", ["--repeats", "0"]),
                                        ("end_to_end", ["--rounds", "0"]), ("end_to_end", ["--gap", "-1"]), ("gensim_reference", ["--epochs", "0"]),
                                        ("speed_paths", ["--steps", "-2"]), ("packed_gemm", ["--calls", "0"])])
def test_benchmarks_refuse_values_that_would_time_nothing(name, argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        importlib.import_module("benchmarks." + name).main(argv)
    assert exit_info.value.code == 2
    assert "must be" in capsys.readouterr().err


def test_packed_gemm_times_numpy_alone_when_mkl_is_absent():
    from benchmarks.packed_gemm import time_recurrent_product
    times, difference = time_recurrent_product(3, 8, calls=2, repeats=1, mkl=None)
    assert set(times) == {"numpy"} and times["numpy"] > 0 and difference == 0.0


def test_packed_gemm_refuses_an_mkl_path_that_does_not_exist(capsys):
    from benchmarks import packed_gemm
    with pytest.raises(SystemExit) as exit_info:
        packed_gemm.main(["--mkl", "/nonexistent/libmkl_rt.so", "--batch", "2", "--hidden", "4"])
    assert exit_info.value.code == 2
    assert "--mkl /nonexistent/libmkl_rt.so: no such file" in capsys.readouterr().err


def test_packed_gemm_refuses_a_file_that_is_not_mkl(tmp_path, capsys):
    from benchmarks import packed_gemm
    fake = tmp_path / "libmkl_rt.so"
    fake.write_text("not a library")
    with pytest.raises(SystemExit) as exit_info:
        packed_gemm.main(["--mkl", str(fake), "--batch", "2", "--hidden", "4"])
    assert exit_info.value.code == 2
    assert "%s cannot be used as MKL's libmkl_rt" % fake in capsys.readouterr().err


def test_mkl_products_packed_or_not_equal_numpys():
    from benchmarks.packed_gemm import Mkl, find_mkl
    path = find_mkl()
    if path is None:
        pytest.skip("libmkl_rt not installed (pip install mkl); MKL is optional, used by this benchmark only")
    mkl = Mkl(path, threads=1)
    rng = numpy.random.default_rng(0)
    a = rng.standard_normal((5, 7), dtype=numpy.float32)
    b = rng.standard_normal((7, 12), dtype=numpy.float32)
    out = numpy.full((5, 12), numpy.nan, dtype=numpy.float32)
    mkl.product(a, b, out)
    numpy.testing.assert_allclose(out, a @ b, rtol=1e-5, atol=1e-5)
    out[:] = numpy.nan
    mkl.packed_product(a, mkl.packed(b, 5), out)
    numpy.testing.assert_allclose(out, a @ b, rtol=1e-5, atol=1e-5)


def test_rnnlm_benchmark_prints_the_ratio_of_every_round(monkeypatch, capsys):
    from benchmarks import bench_rnnlm
    ours, torch_ms = iter([90.0, 110.0, 80.0]), iter([100.0, 100.0, 100.0])

    def fake_rounds(arms, rounds, gap):
        times = {"scratchnlp": ours, "torch": torch_ms}
        return {arm: [{"ms": next(times[arm]) if arm in times else 50.0, "rss_mb": 1.0} for _ in range(rounds)]
                for arm in arms}

    monkeypatch.setattr(bench_rnnlm, "round_robin", fake_rounds)
    monkeypatch.setattr(bench_rnnlm.importlib.util, "find_spec", lambda name: object())   # as if torch were there
    bench_rnnlm.main(["--models", "rnnlm", "--rounds", "3", "--no-book"])
    out = capsys.readouterr().out
    assert "us/torch by round: 0.900 1.100 0.800 (median 0.900)" in out


def test_end_to_end_alternates_the_arms_and_takes_each_rounds_ratio(capsys):
    from benchmarks import end_to_end
    times = {"scratchnlp": iter([9.0, 8.0, 30.0]), "pytorch": iter([10.0, 10.0, 10.0])}
    order = []

    def arm(name):
        def run(argv):
            order.append(name)
            return dict(total=next(times[name]), train=5.0, eval=1.0, metric="accuracy", value=0.5)
        return run

    results = end_to_end.measure("seq2seq", [], [], rounds=3, gap=0, arms={a: arm(a) for a in times})
    assert order == ["scratchnlp", "pytorch", "pytorch", "scratchnlp", "scratchnlp", "pytorch"]
    summary = end_to_end.summarise("seq2seq", results)
    assert summary["ratio"] == 0.9 and (summary["low"], summary["high"]) == (0.8, 3.0)   # median of 0.9, 0.8, 3.0
    assert "ratio 0.900" in capsys.readouterr().out


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="PyTorch is not installed")
def test_end_to_end_runs_both_arms_of_a_job_as_processes(capsys):
    from benchmarks import end_to_end
    from tests.conftest import has_data
    if not has_data("dlfs2_seq/addition.txt"):
        pytest.skip("the addition set is not available")
    [summary] = end_to_end.main(["--jobs", "seq2seq", "--rounds", "1", "--gap", "0", "--quick"])
    assert summary["metric"] == "accuracy" and 0 < summary["ours"]["train"] < summary["ours"]["total"]
    assert 0 < summary["theirs"]["train"] < summary["theirs"]["total"]
    out = capsys.readouterr().out
    assert "| seq2seq | 1 |" in out and out.startswith(summary["machine"] + "\n")


def test_benchmarks_name_the_machine_they_ran_on():
    from benchmarks.harness import machine
    line = machine()
    assert line.startswith("machine: ") and "%d cores; NumPy %s" % (os.cpu_count(), numpy.__version__) in line
    if importlib.util.find_spec("threadpoolctl") is not None:
        assert " kernels, " in line                          # the BLAS and the kernels it chose at run time
    assert ("PyTorch " in line) == (importlib.util.find_spec("torch") is not None)
