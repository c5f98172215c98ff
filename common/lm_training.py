"""Epoch loop for language models: validate, keep the best checkpoint, decay lr on plateau."""
import math
import time

from common.util import eval_perplexity


def fit_with_validation(trainer, xs, ts, valid_corpus, max_epoch, batch_size=20, time_size=35,
                        max_grad=None, eval_interval=20, decay=4.0, checkpoint=None,
                        on_epoch=None, first_epoch=1, best=math.inf):
    """Train one epoch at a time with ``trainer`` (an RnnlmTrainer).

    After every epoch the validation perplexity is measured; an improvement on
    ``best`` saves ``checkpoint`` (if given), otherwise ``optimizer.lr`` is
    divided by ``decay``. ``first_epoch`` and ``best`` continue a resumed run.
    Returns a list of {'epoch', 'valid_ppl', 'lr', 'seconds'} records.
    """
    model, optimizer = trainer.model, trainer.optimizer
    history = []
    for epoch in range(first_epoch, first_epoch + max_epoch):
        start = time.time()
        trainer.fit(xs, ts, max_epoch=1, batch_size=batch_size, time_size=time_size,
                    max_grad=max_grad, eval_interval=eval_interval)
        model.reset_state()
        ppl = eval_perplexity(model, valid_corpus)
        model.reset_state()
        record = {"epoch": epoch, "valid_ppl": ppl, "lr": optimizer.lr, "seconds": time.time() - start}
        if ppl < best:
            best = ppl
            if checkpoint:
                model.save_params(checkpoint)
        else:
            optimizer.lr /= decay
        history.append(record)
        print("| epoch %d | valid perplexity %.2f | lr %g | %.0f s" % (epoch, ppl, record["lr"], record["seconds"]))
        if on_epoch:
            on_epoch(record)
    return history
