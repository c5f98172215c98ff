"""Is another form of the LSTM worth keeping? Times whole training steps of Rnnlm and BetterRnnlm
with the library's TimeLSTM (common/time_layers.py, one equation per line) and with a variant, in
alternation, and checks whether the two give bit-identical losses and gradients:

- ``fused``: the 1/2 of the sigmoid gates folded into Wh and the inputs once per forward, and the
  recursion-free derivatives of all steps computed before the backward loop;
- ``reoriented``: the same code with the per-step recurrent products turned around, h Wh computed as
  (Wh^T h^T)^T and da Wh^T as (Wh da^T)^T (OpenBLAS runs these alone 6-10% faster at N 20, H 650).

    python -m benchmarks.lstm_forms --rounds 5 [--form fused|reoriented]

The library keeps another form only if it is at least 10% faster on a whole step.
"""
import time

import numpy

from ch06.better_rnnlm import BetterRnnlm
from ch06.rnnlm import Rnnlm
from common.cli import parser, positive_int
from common.np import np, seed
from common.optimizer import SGD
from common.time_layers import TimeLSTM
from common.training import Stepper
from dataset import ptb


class FusedTimeLSTM(TimeLSTM):
    """LSTM with fused gates in the book's order f, g, i, o.

    c_t = f * c_{t-1} + g * i ;  h_t = o * tanh(c_t)
    """

    def _gate_constants(self, H, dtype):
        """Per-column constants for the fused gate activation, (4H,) each.

        act = tanh(a * scale) * scale + shift (``TimeLSTM._activation_constants``). The derivative
        from the output y is d_act/da = y * (one_minus - y) + offset: y (1 - y) for sigmoid gates,
        1 - y^2 for g.
        """
        key = (H, dtype)
        if getattr(self, "_gate_key", None) != key:
            scale, shift = self._activation_constants(H, dtype)
            one_minus = np.ones(4 * H, dtype=dtype)
            one_minus[H:2 * H] = 0
            self._gate_consts = (scale, shift, one_minus, 1 - one_minus)
            self._gate_key = key
        return self._gate_consts

    def _steps_forward(self, X, h, c0):
        T, N, G = X.shape
        H = G // 4
        scale, shift, _, _ = self._gate_constants(H, X.dtype)
        X *= scale                                   # X is our own (T, N, 4H) projection
        Wh_scaled = self.params[1] * scale
        c = c0
        gates = np.empty_like(X)                     # activated f, g, i, o
        cs = np.empty((T, N, H), dtype=X.dtype)
        tanh_cs = np.empty_like(cs)
        hs = np.empty_like(cs)
        for t in range(T):
            act = np.matmul(h, Wh_scaled, out=gates[t])
            act += X[t]
            np.tanh(act, out=act)
            act *= scale
            act += shift
            f, g, i, o = act[:, :H], act[:, H:2 * H], act[:, 2 * H:3 * H], act[:, 3 * H:]
            c = np.multiply(f, c, out=cs[t])
            c += g * i
            np.tanh(c, out=tanh_cs[t])
            h = np.multiply(o, tanh_cs[t], out=hs[t])
        self.c = cs[-1]
        self.lstm_cache = (gates, cs, tanh_cs, c0)
        return hs

    def _steps_backward(self, dhs, dc_last):
        Wh_T = self._hidden_weights_transposed()     # the same contiguous copy as the readable form
        gates, cs, tanh_cs, c0 = self.lstm_cache
        T, N, H = cs.shape
        _, _, one_minus, offset = self._gate_constants(H, gates.dtype)
        # everything that does not depend on the recursion, for all T steps at once
        d_act = (one_minus - gates) * gates + offset               # (T, N, 4H)
        o_dtanh = (1 - tanh_cs * tanh_cs) * gates[:, :, 3 * H:]   # (T, N, H)
        c_prev = np.concatenate([c0[None], cs[:-1]], axis=0)
        dX = np.empty_like(gates)
        dh = np.zeros((N, H), dtype=cs.dtype)
        dc = np.zeros_like(dh) if dc_last is None else dc_last
        for t in reversed(range(T)):
            act = gates[t]
            f, g, i = act[:, :H], act[:, H:2 * H], act[:, 2 * H:3 * H]
            dh_t = dhs[t] + dh
            ds = dh_t * o_dtanh[t]
            ds += dc
            da = dX[t]
            np.multiply(ds, c_prev[t], out=da[:, :H])
            np.multiply(ds, i, out=da[:, H:2 * H])
            np.multiply(ds, g, out=da[:, 2 * H:3 * H])
            np.multiply(dh_t, tanh_cs[t], out=da[:, 3 * H:])
            da *= d_act[t]
            dc = ds * f
            dh = da @ Wh_T
        self.dh, self.dc = dh, dc
        self.grads[1][...] = self._previous_h().reshape(T * N, H).T @ dX.reshape(T * N, 4 * H)
        return dX


class _TimesTransposed:
    """An operand for ``x @ it`` or ``np.matmul(x, it, out=...)`` that computes x M as (M^T x^T)^T,
    given M^T stored contiguously."""

    def __init__(self, M_T):
        self.M_T = M_T

    def __array_ufunc__(self, ufunc, method, x, other, out=None, **kwargs):
        if ufunc is not np.matmul or other is not self:
            return NotImplemented
        product = (self.M_T @ x.T).T
        if out is None:
            return product
        out[0][...] = product
        return out[0]


class ReorientedTimeLSTM(TimeLSTM):
    """TimeLSTM whose loops multiply by Wh (forward) and Wh^T (backward) with the operands swapped."""

    def _steps_forward(self, X, h, c):
        Wh = self.params[1]
        self.params[1] = _TimesTransposed(np.ascontiguousarray(Wh.T))     # the loop reads h @ params[1]
        try:
            return super()._steps_forward(X, h, c)
        finally:
            self.params[1] = Wh

    def _hidden_weights_transposed(self, start=0, stop=None):
        return _TimesTransposed(self.params[1][:, start:stop])             # the loop reads da @ this


FORMS = {"fused": FusedTimeLSTM, "reoriented": ReorientedTimeLSTM}


def use_form(model, cls):
    for layer in model.layers:
        if isinstance(layer, TimeLSTM):
            layer.__class__ = cls


def step_seconds(model, xs, ts, steps):
    stepper = Stepper(model, SGD(0.1))
    start = time.perf_counter()
    for _ in range(steps):
        model.forward(xs, ts)
        stepper.step(0.25)
    return (time.perf_counter() - start) / steps


def step_outputs(make, xs, ts, cls):
    """The loss and every gradient of one training step of ``make()`` with its LSTMs in form ``cls``."""
    seed(0)
    model = make()
    use_form(model, cls)
    loss = model.forward(xs, ts)
    model.backward()
    return [numpy.asarray(loss)] + [numpy.array(getattr(g, "values", g)) for g in model.grads]


def identical(make, xs, ts, form):
    """Loss and every gradient of one step, readable vs ``form``, compared bit for bit."""
    pairs = zip(step_outputs(make, xs, ts, TimeLSTM), step_outputs(make, xs, ts, form))
    return all(numpy.array_equal(a, b) for a, b in pairs)


def main(argv=None):
    p = parser("benchmarks.lstm_forms", __doc__, dry_run=False)
    p.add_argument("--rounds", type=positive_int, default=5, help="alternating rounds (the median is reported)")
    p.add_argument("--steps", type=positive_int, default=5, help="training steps timed per round and form")
    p.add_argument("--form", choices=sorted(FORMS), default="fused", help="the variant timed against the readable form")
    args = p.parse_args(argv)
    form = FORMS[args.form]
    corpus, word_to_id, _ = ptb.load_data("train")
    V = len(word_to_id)
    xs, ts = np.asarray(corpus[:700].reshape(20, 35)), np.asarray(corpus[1:701].reshape(20, 35))
    models = {"Rnnlm (LSTM 100)": lambda: Rnnlm(V, 100, 100, rng=numpy.random.default_rng(0)),
              "BetterRnnlm (2 x LSTM 650)": lambda: BetterRnnlm(V, 650, 650, rng=numpy.random.default_rng(0))}
    print("%-28s %12s %12s %8s %10s" % ("model (batch 20, T 35)", "readable ms", args.form + " ms", "ratio",
                                         "identical"))
    for name, make in models.items():
        same = identical(make, xs, ts, form)
        times = {TimeLSTM: [], form: []}
        built = {}
        for cls in times:
            built[cls] = make()
            use_form(built[cls], cls)
            step_seconds(built[cls], xs, ts, 1)                  # warm-up
        for _ in range(args.rounds):
            for cls in times:
                time.sleep(0.3)                                  # let BLAS threads settle between arms
                times[cls].append(step_seconds(built[cls], xs, ts, args.steps))
        readable, other = (1000 * float(numpy.median(times[c])) for c in (TimeLSTM, form))
        print("%-28s %12.1f %12.1f %8.3f %10s" % (name, readable, other, readable / other, same))


if __name__ == "__main__":
    main()
