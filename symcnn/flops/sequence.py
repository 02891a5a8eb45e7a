"""How each counting tool counts the sequence layers: RNN/LSTM/GRU, their cells, MultiheadAttention,
F.scaled_dot_product_attention and the Transformer layers (those are counted as the sum of their
sub-layers, see Convention.count; the entries here are where a tool departs from that sum).

Measured with torch 2.13.0+cpu, torchinfo 1.8.0, fvcore 0.1.5.post20221221, thop 0.1.1.post2209072238,
ptflops 0.7.5, torchscan 0.2.0 and calflops 0.3.2 (read in their sources, checked on 148 single-layer
configurations and the nets of tests/flops/nets/seq_*.py). A count that a tool cannot give (it
crashes, or the number depends on tensor values) is NaN, and its words say why.
Owns: table(tool), bias_adds (recurrent.py and attention.py hold the entries).
Never: import torch or a tool.
"""

from __future__ import annotations

from sympy import Integer

from .attention import ENCODER_COUNTS, MHA, MHA_COUNTS, SDPA, SDPA_COUNTS, TRANSFORMER_COUNTS, call, nested
from .base import Count
from .ops import Op
from .recurrent import CELL_COUNTS, CELLS, LSTM_ATEN, RNN_COUNTS, RNNS, rule, with_bias


def bias_adds(op: Op):
    """Bias additions of a recurrent or attention layer (symcnn's flop+bias): an RNN adds b_ih and b_hh
    per gate, time step, layer and direction; attention adds the in-projection biases to Q, K, V and
    out_proj's bias to the output."""
    r = rule(op)
    if op.kind == "attention":
        if op.step.key != MHA:
            return Integer(0)
        c = call(op)
        return with_bias(op) * c["N"] * r.E * (2 * c["L"] + 2 * c["S"])
    d = op.step.result.detail
    return with_bias(op) * d["N"] * d["L"] * r.D * r.layers * 2 * r.G * r.h


def table(tool: str) -> dict[str, Count]:
    """The entries of one tool's table for the sequence layers."""
    out: dict[str, Count] = {}
    for keys, counts in ((RNNS, RNN_COUNTS), (CELLS, CELL_COUNTS), ((MHA,), MHA_COUNTS), ((SDPA,), SDPA_COUNTS),
                         (("nn.TransformerEncoder",), ENCODER_COUNTS), (("nn.Transformer",), TRANSFORMER_COUNTS)):
        if tool in counts:
            out.update({k: counts[tool] for k in keys})
    if tool == "ptflops-aten":
        out["nn.LSTM"] = LSTM_ATEN
    return out


__all__ = ["bias_adds", "nested", "table"]
