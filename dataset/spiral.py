"""Three interleaved spirals (book chapter 1): x (300, 2) float32, t (300, 3) one-hot int32."""
import numpy


def load_data(seed=1984, n_per_class=100, n_classes=3):
    """The book's 3-class spiral: x (300, 2) float32 and one-hot t (300, 3)."""
    rng = numpy.random.RandomState(seed)
    N, C = n_per_class, n_classes
    x = numpy.zeros((N * C, 2), dtype=numpy.float32)
    t = numpy.zeros((N * C, C), dtype=numpy.int32)
    for j in range(C):
        for i in range(N):
            rate = i / N
            radius = 1.0 * rate
            theta = j * 4.0 + 4.0 * rate + rng.randn() * 0.2
            ix = N * j + i
            x[ix] = numpy.array([radius * numpy.sin(theta), radius * numpy.cos(theta)]).flatten()
            t[ix, j] = 1
    return x, t
