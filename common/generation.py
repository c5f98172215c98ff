"""Text generation from a stateful language model (book 7.1, plus greedy, top-k and beam search).

The model must offer ``predict(xs (N, T)) -> scores (N, T, V)``, ``reset_state()``,
``get_state()`` and ``set_state(state)`` (``common.sequential.Sequential`` does).
"""
import numpy

from common.functions import log_softmax
from common.np import np, to_cpu


def prime(model, ids):
    """Feed the start ids through the model; returns the scores (V,) after the last one."""
    x = np.asarray(numpy.asarray(ids, dtype=numpy.int32).reshape(1, -1))
    return to_cpu(model.predict(x)[0, -1]).astype(numpy.float64)


def _next_distribution(scores, temperature, top_k, skip_ids):
    logits = scores.copy()
    if skip_ids:
        logits[list(skip_ids)] = -numpy.inf
    if top_k:
        kth = numpy.partition(logits, -top_k)[-top_k]
        logits[logits < kth] = -numpy.inf
    logits = logits / temperature
    p = numpy.exp(logits - logits.max())
    return p / p.sum()


def generate(model, start_ids, length, strategy="sample", temperature=1.0, top_k=None,
             skip_ids=(), rng=None):
    """Continue ``start_ids`` (a list of ids) to ``length`` ids in total.

    strategy 'sample' draws from softmax(scores / temperature), restricted to the
    ``top_k`` best ids when given; 'greedy' takes the arg-max. ``skip_ids`` are
    never produced: their probability is set to zero before drawing, so the
    state is not advanced on a discarded word.
    """
    if strategy not in ("sample", "greedy"):
        raise ValueError("strategy must be 'sample' or 'greedy', got %r" % strategy)
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    rng = rng or numpy.random.default_rng()
    word_ids = list(start_ids)
    if not word_ids:
        raise ValueError("give at least one start id")
    # stateful models are fed only the new id; context models (Transformer) re-read the history
    contextual = hasattr(model, "next_scores")
    advance = (lambda new: to_cpu(model.next_scores(word_ids)).astype(numpy.float64)) if contextual \
        else (lambda new: prime(model, new))
    scores = advance(word_ids)
    while len(word_ids) < length:
        p = _next_distribution(scores, temperature, top_k, skip_ids)
        nxt = int(p.argmax()) if strategy == "greedy" else int(rng.choice(len(p), p=p))
        word_ids.append(nxt)
        scores = advance([nxt])
    return word_ids


def sample_text(model, prime, length, token_to_id, id_to_token, temperature=0.8, seed=None, separator=""):
    """Text of ``length`` tokens after the string ``prime`` (tokens of it not in the vocabulary are
    dropped; an empty prime starts from id 0), sampled at ``temperature``: for character models."""
    if hasattr(model, "reset_state"):
        model.reset_state()
    start = [token_to_id[c] for c in prime if c in token_to_id] or [0]
    ids = generate(model, start, len(start) + length, temperature=temperature, rng=numpy.random.default_rng(seed))
    return separator.join(id_to_token[i] for i in ids)


def beam_search(model, start_ids, length, beam_width=5, skip_ids=()):
    """Most probable continuation found by beam search.

    Returns (ids, log_prob): ``ids`` has ``length`` ids including ``start_ids``;
    ``log_prob`` is the summed log-probability of the generated part. Beams are
    run as one batch of size ``beam_width``; states follow their beams.
    """
    model.reset_state()
    scores = prime(model, start_ids)
    base_state = model.get_state()
    beams = [(list(start_ids), 0.0)]
    logp_rows = log_softmax(scores[None, :])
    for step in range(length - len(start_ids)):
        candidates = []
        for b, (ids, total) in enumerate(beams):
            logp = logp_rows[b].copy()
            if skip_ids:
                logp[list(skip_ids)] = -numpy.inf
            for nxt in numpy.argsort(-logp)[:beam_width]:
                candidates.append((total + float(logp[nxt]), b, int(nxt)))
        candidates.sort(key=lambda c: -c[0])
        chosen = candidates[:beam_width]
        parents = [c[1] for c in chosen]
        beams = [(beams[b][0] + [nxt], total) for total, b, nxt in chosen]
        if step == 0:
            state = [(_rows(h, [0] * len(chosen)), _rows(c, [0] * len(chosen))) for h, c in base_state]
        else:
            state = [(_rows(h, parents), _rows(c, parents)) for h, c in model.get_state()]
        model.set_state(state)
        x = np.asarray(numpy.array([[nxt] for _, _, nxt in chosen], dtype=numpy.int32))
        logp_rows = log_softmax(to_cpu(model.predict(x)[:, -1]).astype(numpy.float64))
    best_ids, best_total = beams[0]
    return best_ids, best_total


def _rows(state, rows):
    return None if state is None else state[np.asarray(rows)]
