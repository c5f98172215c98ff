"""The book's ``ch08/attention_layer.py`` names: WeightSum, AttentionWeight, Attention and TimeAttention.

The layers are part of the core and live in ``common/attention.py`` (their forward and backward,
with shapes); this module only gives them the book's file name, so that
``from ch08.attention_layer import TimeAttention`` finds them. The models built from them are in
``ch08/attention_seq2seq.py``.
"""
from common.attention import Attention, AttentionWeight, TimeAttention, WeightSum

__all__ = ["Attention", "AttentionWeight", "TimeAttention", "WeightSum"]
