"""Numerical gradient checking (float64, central differences).

``check_layer`` builds the scalar loss L = sum(forward(*inputs) * R) for a
fixed random R, runs the layer's backward with R, and compares every analytic
gradient (inputs and params) against central differences. It returns, per
array, the relative error ||a - n|| / (||a|| + ||n||) of the analytic gradient a
against the numerical one n.
"""
import copy

import numpy

from common.checkpoint import param_names, walk
from common.gradients import ParamGroups
from common.rng import rng_state, set_rng_state
from common.sparse import to_dense


def numerical_gradient(f, x, eps=1e-6):
    """Central-difference gradient of the scalar function f() w.r.t. array x (changed in place)."""
    grad = numpy.zeros_like(x, dtype=numpy.float64)
    it = numpy.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        fp = f()
        x[i] = old - eps
        fm = f()
        x[i] = old
        grad[i] = (fp - fm) / (2 * eps)
        it.iternext()
    return grad


def relative_error(analytic, numeric):
    """||a - n|| / (||a|| + ||n||) of an analytic gradient a against a numerical one n."""
    analytic = numpy.asarray(analytic, dtype=numpy.float64)
    numeric = numpy.asarray(numeric, dtype=numpy.float64)
    scale = max(numpy.linalg.norm(analytic) + numpy.linalg.norm(numeric), 1e-12)
    return float(numpy.linalg.norm(analytic - numeric) / scale)


def check_model(model, inputs, eps=1e-6, **forward_kwargs):
    """Gradient-check a whole model: loss = model.forward(*inputs, **forward_kwargs); model.backward().

    Shared and tied weights (the same array, or a transposed view of it) are checked once, against
    the sum of the gradients of all their uses, which is what the optimizer receives. The loss is
    made a deterministic function of the parameters: every forward starts from the same dropout
    stream and sampler states, and stateful recurrent layers from a zero state.
    Returns {parameter name: relative error}, one entry per distinct parameter.
    """
    groups = ParamGroups(model.params).groups
    names = param_names(model)
    frozen = _random_states(model)

    def loss():
        _restore_random_states(model, frozen)
        return float(model.forward(*inputs, **forward_kwargs))

    loss()
    model.backward()
    _, merged = ParamGroups(model.params).merge(model.grads)
    analytic = [numpy.array(to_dense(g), dtype=numpy.float64) for g in merged]
    return {names[owner]: relative_error(a, numerical_gradient(loss, model.params[owner], eps))
            for (owner, _), a in zip(groups, analytic)}


def _random_states(model):
    """Dropout stream and sampler states, to replay the same random draws in every forward."""
    samplers = [obj for _, obj in walk(model) if hasattr(obj, "state_dict") and obj is not model
                and not isinstance(obj, (list, tuple, dict))]
    return rng_state(), [(obj, copy.deepcopy(obj.state_dict())) for obj in samplers]


def _restore_random_states(model, frozen):
    stream, samplers = frozen
    set_rng_state(stream)
    for obj, state in samplers:
        obj.load_state_dict(copy.deepcopy(state))
    if hasattr(model, "reset_state"):
        model.reset_state()


def check_layer(layer, inputs, grad_inputs=None, seed=0, eps=1e-6, backward_args=()):
    """Gradient-check a layer with float64 ``inputs`` (a list of arrays).

    grad_inputs: which inputs get a gradient from backward (default: the float ones).
    Returns {name: relative error} for every checked input and parameter.
    """
    rng = numpy.random.default_rng(seed)
    if grad_inputs is None:
        grad_inputs = [numpy.issubdtype(x.dtype, numpy.floating) for x in inputs]
    out = layer.forward(*inputs)
    outs = out if isinstance(out, tuple) else (out,)
    weights = [rng.standard_normal(o.shape) for o in outs]

    def loss():
        o = layer.forward(*inputs)
        o = o if isinstance(o, tuple) else (o,)
        return sum(float((a * w).sum()) for a, w in zip(o, weights))

    loss()
    d = layer.backward(*(tuple(weights) if len(weights) > 1 else (weights[0],)), *backward_args)
    d_inputs = d if isinstance(d, tuple) else (d,)
    analytic = {}
    k = 0
    for i, flag in enumerate(grad_inputs):
        if flag:
            analytic["input%d" % i] = numpy.array(d_inputs[k], dtype=numpy.float64)
            k += 1
    for j, g in enumerate(layer.grads):
        analytic["param%d" % j] = numpy.array(to_dense(g), dtype=numpy.float64)
    errors = {}
    for i, flag in enumerate(grad_inputs):
        if flag:
            errors["input%d" % i] = relative_error(analytic["input%d" % i], numerical_gradient(loss, inputs[i], eps))
    for j, p in enumerate(layer.params):
        errors["param%d" % j] = relative_error(analytic["param%d" % j], numerical_gradient(loss, p, eps))
    return errors
