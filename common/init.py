"""Weight initialisers (float32 by default, as in the book)."""
import numpy

from common.np import np, to_gpu


def randn(*shape, scale=1.0, rng=None, dtype="f"):
    """Normal(0, scale^2) samples of ``shape`` from ``rng`` (NumPy's global generator if None), on the device."""
    rng = rng or numpy.random
    return to_gpu((rng.standard_normal(shape) * scale).astype(dtype))


def xavier(n_in, n_out, rng=None, dtype="f"):
    """The book's simplified Xavier: randn(n_in, n_out) / sqrt(n_in)."""
    return randn(n_in, n_out, scale=1.0 / numpy.sqrt(n_in), rng=rng, dtype=dtype)


def zeros(*shape, dtype="f"):
    """Zeros of ``shape`` on the device."""
    return np.zeros(shape, dtype=dtype)


def recurrent_layer(layer_class, D, H, rng=None, dtype="f", init="xavier", forget_bias=0.0, **kwargs):
    """A recurrent Time layer (TimeRNN, TimeLSTM, TimeGRU) with initial weights.

    init 'xavier' (the book's): Wx (D, G*H) and Wh (H, G*H) Xavier, b (G*H,) zeros, G = ``layer_class.n_gates``.
    init 'irnn' (Le et al. 2015, for TimeRNN): Wh = I, b = 0, Wx ~ N(0, 0.001^2), and a ReLU activation.
    forget_bias (TimeLSTM): the starting bias of the forget gate (1.0 in Jozefowicz et al. 2015; the book: 0).
    """
    G = layer_class.n_gates
    if init == "irnn":
        if G != 1:
            raise ValueError("the IRNN initialisation is for TimeRNN, not %s" % layer_class.__name__)
        Wx = randn(D, H, scale=0.001, rng=rng, dtype=dtype)
        return layer_class(Wx, np.asarray(numpy.eye(H, dtype=dtype)), zeros(H, dtype=dtype), activation="relu", **kwargs)
    if init != "xavier":
        raise ValueError("init must be 'xavier' or 'irnn', got %r" % init)
    b = zeros(G * H, dtype=dtype)
    if forget_bias:
        if G != 4:
            raise ValueError("forget_bias is for TimeLSTM (whose first gate block is the forget gate)")
        b[:H] = forget_bias
    return layer_class(xavier(D, G * H, rng, dtype), xavier(H, G * H, rng, dtype), b, **kwargs)
