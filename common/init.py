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


def recurrent_layer(layer_class, D, H, rng=None, dtype="f", **kwargs):
    """A recurrent Time layer (TimeRNN, TimeLSTM, TimeGRU) with the book's initial weights:
    Wx (D, G*H) and Wh (H, G*H) Xavier, b (G*H,) zeros, G = ``layer_class.n_gates``."""
    G = layer_class.n_gates
    return layer_class(xavier(D, G * H, rng, dtype), xavier(H, G * H, rng, dtype), zeros(G * H, dtype=dtype), **kwargs)
