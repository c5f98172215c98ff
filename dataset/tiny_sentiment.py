"""A tiny hand-written sentiment set: 58 training and 20 test phrases over 18 words.

From Victor Zhou's "An Introduction to Recurrent Neural Networks for Beginners"
(github.com/vzhou842/rnn-from-scratch, data.py, MIT licence). True = positive.
"""

TRAIN = {
    "good": True, "bad": False, "happy": True, "sad": False,
    "not good": False, "not bad": True, "not happy": False, "not sad": True,
    "very good": True, "very bad": False, "very happy": True, "very sad": False,
    "i am happy": True, "this is good": True, "i am bad": False, "this is bad": False,
    "i am sad": False, "this is sad": False, "i am not happy": False, "this is not good": False,
    "i am not bad": True, "this is not sad": True, "i am very happy": True,
    "this is very good": True, "i am very bad": False, "this is very sad": False,
    "this is very happy": True, "i am good not bad": True, "this is good not bad": True,
    "i am bad not good": False, "i am good and happy": True, "this is not good and not happy": False,
    "i am not at all good": False, "i am not at all bad": True, "i am not at all happy": False,
    "this is not at all sad": True, "this is not at all happy": False, "i am good right now": True,
    "i am bad right now": False, "this is bad right now": False, "i am sad right now": False,
    "i was good earlier": True, "i was happy earlier": True, "i was bad earlier": False,
    "i was sad earlier": False, "i am very bad right now": False, "this is very good right now": True,
    "this is very sad right now": False, "this was bad earlier": False,
    "this was very good earlier": True, "this was very bad earlier": False,
    "this was very happy earlier": True, "this was very sad earlier": False,
    "i was good and not bad earlier": True, "i was not good and not happy earlier": False,
    "i am not at all bad or sad right now": True, "i am not at all good or happy right now": False,
    "this was not happy and not good earlier": False,
}

TEST = {
    "this is happy": True, "i am good": True, "this is not happy": False, "i am not good": False,
    "this is not bad": True, "i am not sad": True, "i am very good": True, "this is very bad": False,
    "i am very sad": False, "this is bad not good": False, "this is good and happy": True,
    "i am not good and not happy": False, "i am not at all sad": True, "this is not at all good": False,
    "this is not at all bad": True, "this is good right now": True, "this is sad right now": False,
    "this is very bad right now": False, "this was good earlier": True,
    "i was not happy and not good earlier": False,
}


def load_data():
    """((train_texts, train_labels), (test_texts, test_labels)); labels are 1 positive / 0 negative."""
    def split(d):
        return list(d), [int(v) for v in d.values()]

    return split(TRAIN), split(TEST)
