"""Is a speed path worth its lines? Times whole training steps of Rnnlm (the README job's model) and
BetterRnnlm as the library runs them and with one form changed, in alternation, and says whether the
two give bit-identical losses and gradients. The forms:
- ``buffered-lstm``: the TimeLSTM the library ran before (commit ae68dfc; not in the library now),
  every line written into buffers made once per pass and the four gate activations taken in one
  ``tanh`` of the (N, 4H) row, against the readable ``LSTM.step`` / ``LSTM.step_backward``.
- ``plain-affine``: the library's Affine without its ``stacked`` speed path (y = x W + b, then the
  bias and its gradient in passes of their own).
- ``one-thread-rows``: the library's row-block threads (``common.parallel.for_row_blocks``, used by
  the Time softmax loss and Affine's bias) replaced by one call over all rows.
- ``unstacked-lstm``: TimeLSTM without its ``stacked`` path for small inputs (4 D <= H), which only
  the seq2seq and attention models take: time it with ``--models seq2seq attention``.
- ``max-softmax``: the Time softmax loss with every row shifted by its maximum, as the book writes it,
  instead of only the rows whose plain sums are unsafe (``common.time_layers._exp_rows``). The two
  round differently, so "identical" is False; tests/test_time_layers.py compares them.

    python -m benchmarks.speed_paths --rounds 5 [--form buffered-lstm|plain-affine|one-thread-rows|unstacked-lstm|
                                             max-softmax]
                                     [--models rnnlm better seq2seq attention]

A ratio above 1 means the library's form is the faster. A speed path stays in the library only if
it saves at least 5% of a README job's whole step; a faster form goes in only under the same rule.
"""
import contextlib
import time

import numpy

import common.layers
import common.parallel
import common.time_layers
from benchmarks.harness import machine
from ch06.better_rnnlm import BetterRnnlm
from ch06.rnnlm import Rnnlm
from common.checkpoint import walk
from common.cli import parser, positive_int
from common.layers import Affine
from common.np import np
from common.optimizer import SGD
from common.rng import seed
from common.time_layers import TimeLSTM
from common.time_layers import _exp_rows as _library_exp_rows
from common.training_loop import Stepper
from dataset import ptb


class BufferedTimeLSTM(TimeLSTM):
    """TimeLSTM as the library ran it before its steps were written as ``LSTM.step`` (commit ae68dfc):
    every line into buffers made once per pass (``out=``), and the four gate activations in one
    ``tanh`` over the whole (N, 4H) row, since sigmoid(a) = 0.5 tanh(0.5 a) + 0.5."""

    @staticmethod
    def _activation_constants(H, dtype):
        """(4H,) scale and shift with act = tanh(a * scale) * scale + shift: 0.5, 0.5 on f, i, o; 1, 0 on g."""
        scale = np.full(4 * H, 0.5, dtype=dtype)
        scale[H:2 * H] = 1
        shift = np.full(4 * H, 0.5, dtype=dtype)
        shift[H:2 * H] = 0
        return scale, shift

    def _steps_forward(self, X, h, c, hs):
        Wh = self.params[1]
        T, N, G = X.shape
        H = G // 4
        scale, shift = self._activation_constants(H, X.dtype)
        gates = np.empty_like(X)
        cs = np.empty((T + 1, N, H), dtype=X.dtype)
        cs[0] = c
        tanh_cs = np.empty((T, N, H), dtype=X.dtype)
        g_i = np.empty((N, H), dtype=X.dtype)
        for t in range(T):
            act = np.matmul(h, Wh, out=gates[t])
            act += X[t]
            act *= scale
            np.tanh(act, out=act)
            act *= scale
            act += shift
            f, g, i, o = act[:, :H], act[:, H:2 * H], act[:, 2 * H:3 * H], act[:, 3 * H:]
            c = np.multiply(f, cs[t], out=cs[t + 1])
            c += np.multiply(g, i, out=g_i)
            tanh_c = np.tanh(c, out=tanh_cs[t])
            h = np.multiply(o, tanh_c, out=hs[t])
        self.c = cs[-1]
        return gates, cs, tanh_cs

    def _steps_backward(self, dhs, dc_last):
        WhT = self._hidden_weights_transposed()
        gates, cs, tanh_cs = self.step_caches
        T, N, H = tanh_cs.shape
        dtype = gates.dtype
        dX = np.empty_like(gates)
        dh = np.zeros((N, H), dtype=dtype)
        dc = np.zeros((N, H), dtype=dtype) if dc_last is None else np.array(dc_last, dtype=dtype)
        dh_t, ds = np.empty((N, H), dtype=dtype), np.empty((N, H), dtype=dtype)
        d_act = np.empty((N, 4 * H), dtype=dtype)
        for t in reversed(range(T)):
            act = gates[t]
            f, g, i, o = act[:, :H], act[:, H:2 * H], act[:, 2 * H:3 * H], act[:, 3 * H:]
            tanh_c = tanh_cs[t]
            np.add(dhs[t], dh, out=dh_t)
            np.multiply(tanh_c, tanh_c, out=ds)
            np.subtract(1, ds, out=ds)
            ds *= o
            ds *= dh_t
            ds += dc
            np.subtract(1, act, out=d_act)
            d_act *= act
            d_g = d_act[:, H:2 * H]
            np.multiply(g, g, out=d_g)
            np.subtract(1, d_g, out=d_g)
            da = dX[t]
            np.multiply(ds, cs[t], out=da[:, :H])
            np.multiply(ds, i, out=da[:, H:2 * H])
            np.multiply(ds, g, out=da[:, 2 * H:3 * H])
            np.multiply(dh_t, tanh_c, out=da[:, 3 * H:])
            da *= d_act
            np.multiply(ds, f, out=dc)
            np.matmul(da, WhT, out=dh)
        self.dh, self.dc = dh, dc
        np.matmul(self._previous_h().T, dX.reshape(T * N, 4 * H), out=self.grads[1])
        return dX


@contextlib.contextmanager
def buffered_lstm(model):
    """The model's TimeLSTM layers run as BufferedTimeLSTM."""
    layers = [layer for layer in model.layers if type(layer) is TimeLSTM]
    for layer in layers:
        layer.__class__ = BufferedTimeLSTM
    try:
        yield
    finally:
        for layer in layers:
            layer.__class__ = TimeLSTM


@contextlib.contextmanager
def without_stacked_path(model, cls):
    """The model's ``cls`` layers (Affine, TimeLSTM) never take their ``stacked`` speed path."""
    layers = [layer for _, layer in walk(model) if isinstance(layer, cls)]
    for layer in layers:
        layer.stacked_path = False
    try:
        yield
    finally:
        for layer in layers:
            del layer.stacked_path


def plain_affine(model):
    """The model's Affine layers never take their stacked path."""
    return without_stacked_path(model, Affine)


def _one_call(fn, n_rows, n_cols, **_):
    fn(0, n_rows)


@contextlib.contextmanager
def one_thread_rows(model):
    """Row-block work runs as one call over all rows, on the calling thread."""
    modules = (common.layers, common.time_layers)
    for module in modules:
        module.for_row_blocks = _one_call
    try:
        yield
    finally:
        for module in modules:
            module.for_row_blocks = common.parallel.for_row_blocks


def _exp_rows_shifted_by_max(x, e, sums):
    """``_exp_rows`` as the library ran it until commit d87fd14: each block's maximum, then its exp and sums."""
    m = np.empty_like(sums)

    def block(a, b):
        x[a:b].max(axis=1, keepdims=True, out=m[a:b])
        np.exp(np.subtract(x[a:b], m[a:b], out=e[a:b]), out=e[a:b])
        e[a:b].sum(axis=1, keepdims=True, out=sums[a:b])

    common.parallel.for_row_blocks(block, x.shape[0], x.shape[1])
    return m


@contextlib.contextmanager
def max_softmax(model):
    """The Time softmax loss takes every row's maximum (the book's form)."""
    common.time_layers._exp_rows = _exp_rows_shifted_by_max
    try:
        yield
    finally:
        common.time_layers._exp_rows = _library_exp_rows


def unstacked_lstm(model):
    """The model's TimeLSTM layers never take their stacked path."""
    return without_stacked_path(model, TimeLSTM)


FORMS = {"buffered-lstm": buffered_lstm, "plain-affine": plain_affine, "one-thread-rows": one_thread_rows,
         "unstacked-lstm": unstacked_lstm, "max-softmax": max_softmax}


@contextlib.contextmanager
def library_form(model):
    """The library as it is."""
    yield


def step_seconds(model, xs, ts, steps):
    stepper = Stepper(model, SGD(0.1))
    start = time.perf_counter()
    for _ in range(steps):
        model.forward(xs, ts)
        stepper.step(0.25)
    return (time.perf_counter() - start) / steps


def step_outputs(make, xs, ts, form=library_form):
    """The loss and every gradient of one training step of ``make()`` run in ``form``."""
    seed(0)
    model = make()
    with form(model):
        loss = model.forward(xs, ts)
        model.backward()
    return [numpy.asarray(loss)] + [numpy.array(getattr(g, "values", g)) for g in model.grads]


def identical(make, xs, ts, form):
    """Loss and every gradient of one step, the library's form vs ``form``, compared bit for bit."""
    pairs = zip(step_outputs(make, xs, ts), step_outputs(make, xs, ts, form))
    return all(numpy.array_equal(a, b) for a, b in pairs)


def language_model(big):
    """(make, xs, ts): Rnnlm or BetterRnnlm on one PTB batch of 20 x 35, the README jobs' shape."""
    corpus, word_to_id, _ = ptb.load_data("train")
    V = len(word_to_id)
    xs, ts = np.asarray(corpus[:700].reshape(20, 35)), np.asarray(corpus[1:701].reshape(20, 35))
    if big:
        return (lambda: BetterRnnlm(V, 650, 650, rng=numpy.random.default_rng(0))), xs, ts
    return (lambda: Rnnlm(V, 100, 100, rng=numpy.random.default_rng(0))), xs, ts


def sequence_model(attention):
    """(make, xs, ts): the ch07 Seq2seq on addition or the ch08 AttentionSeq2seq on dates, a batch of 128
    reversed questions, as their scripts train them."""
    from ch07.seq2seq import Seq2seq
    from ch08.attention_seq2seq import AttentionSeq2seq
    from dataset import sequence
    name = "date.txt" if attention else "addition.txt"
    (x, t), _ = sequence.load_data(name)
    V = len(sequence.get_vocab(name)[0])
    xs, ts = np.asarray(x[:128, ::-1].copy()), np.asarray(t[:128])
    if attention:
        return (lambda: AttentionSeq2seq(V, 16, 256, rng=numpy.random.default_rng(0))), xs, ts
    return (lambda: Seq2seq(V, 16, 128, rng=numpy.random.default_rng(0))), xs, ts


MODELS = {"rnnlm": ("Rnnlm (LSTM 100)", lambda: language_model(False)),
          "better": ("BetterRnnlm (2 x LSTM 650)", lambda: language_model(True)),
          "seq2seq": ("Seq2seq (N 128, H 128)", lambda: sequence_model(False)),
          "attention": ("AttentionSeq2seq (N 128)", lambda: sequence_model(True))}


def main(argv=None):
    p = parser("benchmarks.speed_paths", __doc__, dry_run=False)
    p.add_argument("--rounds", type=positive_int, default=5, help="alternating rounds (the median is reported)")
    p.add_argument("--steps", type=positive_int, default=5, help="training steps timed per round and form")
    p.add_argument("--form", choices=sorted(FORMS), default="buffered-lstm",
                   help="the form timed against the library's")
    p.add_argument("--models", nargs="+", choices=sorted(MODELS), default=["rnnlm", "better"],
                   help="the models whose training steps are timed")
    args = p.parse_args(argv)
    print(machine())
    models = {MODELS[name][0]: MODELS[name][1]() for name in args.models}
    arms = {"library": library_form, args.form: FORMS[args.form]}
    print("%-28s %12s %16s %8s %10s" % ("model", "library ms", args.form + " ms", "ratio",
                                         "identical"))
    for name, (make, xs, ts) in models.items():
        same = identical(make, xs, ts, arms[args.form])
        built = {arm: make() for arm in arms}
        times = {arm: [] for arm in arms}
        for arm, form in arms.items():
            with form(built[arm]):
                step_seconds(built[arm], xs, ts, 1)              # warm-up
        for _ in range(args.rounds):
            for arm, form in arms.items():
                time.sleep(0.3)                                  # let BLAS threads settle between arms
                with form(built[arm]):
                    times[arm].append(step_seconds(built[arm], xs, ts, args.steps))
        library, other = (1000 * float(numpy.median(times[arm])) for arm in arms)
        print("%-28s %12.1f %16.1f %8.3f %10s" % (name, library, other, other / library, same))


if __name__ == "__main__":
    main()
