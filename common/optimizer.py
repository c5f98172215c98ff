"""Optimizers: ``update(params, grads)`` changes every parameter in place.

Row-sparse gradients (from embeddings) update only the touched rows, and the
optimizer state of only those rows ("lazy" updates, as PyTorch's SparseAdam and
TensorFlow's LazyAdam do). Dense gradients update everything.
"""
import inspect
import math

from common.np import np, to_cpu, to_gpu
from common.sparse import RowSparseGrad


class Optimizer:
    """Base class: subclasses define ``n_slots`` state arrays per parameter and ``_step``."""

    n_slots = 0

    def __init__(self, lr):
        self.lr = lr
        self.state = None
        self.iter = 0          # completed updates

    def hyperparameters(self):
        """The constructor's arguments other than lr, as stored in checkpoints."""
        names = [n for n in inspect.signature(type(self).__init__).parameters if n not in ("self", "lr")]
        return {n: getattr(self, n) for n in names}

    def state_dict(self):
        """Everything that continues this optimizer: class, lr, hyper-parameters, step count, slots."""
        return {"class": type(self).__name__, "lr": self.lr, "hyperparameters": self.hyperparameters(),
                "iter": self.iter, "slots": None if self.state is None else [to_cpu(s) for s in self.state]}

    def load_state_dict(self, state, where="checkpoint"):
        """Continue from ``state_dict()`` output (slots: a list aligned with the params, or None)."""
        if state["class"] != type(self).__name__:
            raise ValueError("%s holds the state of a %s optimizer, not %s"
                             % (where, state["class"], type(self).__name__))
        self.lr = state["lr"]
        for name, value in state["hyperparameters"].items():
            setattr(self, name, value)
        self.iter = state["iter"]
        slots = state.get("slots")
        self.state = None if slots is None else [to_gpu(s) for s in slots]
        self._begin_step()

    def update(self, params, grads):
        if len(params) != len(grads):
            raise ValueError("got %d params but %d grads" % (len(params), len(grads)))
        if self.state is None:
            # one (n_slots, *p.shape) array per parameter: sparse rows gather/scatter once
            self.state = [np.zeros((self.n_slots,) + p.shape, dtype=p.dtype) for p in params]
        elif len(self.state) != len(params):
            raise ValueError("optimizer was set up for %d params, now called with %d; "
                             "use a fresh optimizer per model" % (len(self.state), len(params)))
        self.iter += 1
        self._begin_step()
        for p, g, slots in zip(params, grads, self.state):
            self._update_one(p, g, slots)

    def _update_one(self, p, g, slots):
        if isinstance(g, RowSparseGrad):
            rows = g.rows
            p_rows = p.take(rows, axis=0)
            slot_rows = slots.take(rows, axis=1) if self.n_slots else slots
            self._step(p_rows, g.values, slot_rows)
            p[rows] = p_rows
            if self.n_slots:
                slots[:, rows] = slot_rows
        else:
            self._step(p, g, slots)

    def _begin_step(self):
        """Per-update preparation (Adam's bias-corrected step size); ``self.iter`` is already counted."""

    def _step(self, p, g, slots):
        raise NotImplementedError


class SGD(Optimizer):
    """p -= lr * g"""

    def __init__(self, lr=0.01):
        super().__init__(lr)

    def _step(self, p, g, slots):
        p -= self.lr * g


class Momentum(Optimizer):
    """v = momentum * v - lr * g ; p += v"""

    n_slots = 1

    def __init__(self, lr=0.01, momentum=0.9):
        super().__init__(lr)
        self.momentum = momentum

    def _step(self, p, g, slots):
        v = slots[0]
        v *= self.momentum
        v -= self.lr * g
        p += v


class Nesterov(Momentum):
    """Nesterov momentum in the form of Bengio et al. (2012), which PyTorch's ``nesterov=True`` matches:

    p += momentum^2 * v - (1 + momentum) * lr * g     (v from before this step)
    v = momentum * v - lr * g

    (The book's code updates v first and then uses the new v in the first line; that is not
    Nesterov's method: with lr 0.1, momentum 0.9 and g = 1 its first step is -0.271, not -0.19.)
    """

    def _step(self, p, g, slots):
        v = slots[0]
        mu = self.momentum
        p += mu * mu * v
        p -= (1 + mu) * self.lr * g
        v *= mu
        v -= self.lr * g


class AdaGrad(Optimizer):
    """h += g^2 ; p -= lr g / (sqrt(h) + eps)"""

    n_slots = 1

    def __init__(self, lr=0.01, eps=1e-7):
        super().__init__(lr)
        self.eps = eps

    def _step(self, p, g, slots):
        h = slots[0]
        h += g * g
        p -= self.lr * g / (np.sqrt(h) + self.eps)


class RMSprop(Optimizer):
    """h = rho h + (1 - rho) g^2 ; p -= lr g / (sqrt(h) + eps)"""

    n_slots = 1

    def __init__(self, lr=0.01, decay_rate=0.99, eps=1e-7):
        super().__init__(lr)
        self.decay_rate = decay_rate
        self.eps = eps

    def _step(self, p, g, slots):
        h = slots[0]
        h *= self.decay_rate
        h += (1 - self.decay_rate) * g * g
        p -= self.lr * g / (np.sqrt(h) + self.eps)


class Adam(Optimizer):
    """Adam (Kingma & Ba) with the bias correction folded into the step size."""

    n_slots = 2

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
        super().__init__(lr)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.lr_t = lr

    def _begin_step(self):
        if self.iter:
            self.lr_t = self.lr * math.sqrt(1 - self.beta2 ** self.iter) / (1 - self.beta1 ** self.iter)

    def _step(self, p, g, slots):
        m, v = slots[0], slots[1]
        tmp = np.subtract(g, m)
        tmp *= 1 - self.beta1
        m += tmp
        np.multiply(g, g, out=tmp)
        tmp -= v
        tmp *= 1 - self.beta2
        v += tmp
        np.sqrt(v, out=tmp)
        tmp += self.eps
        np.divide(m, tmp, out=tmp)
        tmp *= self.lr_t
        p -= tmp


OPTIMIZERS = {cls.__name__.lower(): cls for cls in (SGD, Momentum, Nesterov, AdaGrad, RMSprop, Adam)}
