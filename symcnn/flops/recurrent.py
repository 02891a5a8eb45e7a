"""How each counting tool counts RNN, LSTM, GRU and their cells (see sequence.py for the whole story).

Owns: RNN_COUNTS, CELL_COUNTS, LSTM_ATEN (tool name -> Count) and the shared helpers of the sequence
conventions (rule, with_bias, _layers_sum, _s01). Never: import torch or a tool.
"""

from __future__ import annotations

from sympy import Integer, Piecewise, nan

from ..rules.base import numel
from .base import Count, zero
from .ops import Op

RNNS = ("nn.RNN", "nn.LSTM", "nn.GRU")
CELLS = ("nn.RNNCell", "nn.LSTMCell", "nn.GRUCell")
EXTRA = {"RNN": 1, "GRU": 7, "LSTM": 10}   # ptflops/calflops: elementwise ops per hidden unit and step


def rule(op: Op):
    return op.step.rule


def with_bias(op: Op) -> int:
    return int(rule(op).bias)


def _layers_sum(op: Op, per_input, per_layer=lambda: 0):
    """Σ over layers of per_input(in_l) + per_layer(): layer 0 has input_size, the others D·h_out."""
    r = rule(op)
    return per_input(r.x) + (r.layers - 1) * per_input(r.D * r.h_out) + r.layers * per_layer()


def _s01(op: Op):
    """input.shape[0]·input.shape[1]: N·L batched, L·input_size unbatched (the tools read it so)."""
    return op.x[0] * op.x[1] if len(op.x) > 1 else op.x[0]


# --- RNN / LSTM / GRU ------------------------------------------------------------------------------

def _thop_cell(op: Op, i):
    r = rule(op)
    base = r.h * (i + r.h) + r.h + 2 * r.h * with_bias(op)
    return {"RNN": base, "GRU": 3 * base + 4 * r.h, "LSTM": 4 * base + 4 * r.h}[r.mode]


def _thop_rnn(op: Op):
    r = rule(op)
    return _s01(op) * r.D * (_thop_cell(op, r.x) + (r.layers - 1) * _thop_cell(op, r.D * r.h))


def _pt_rnn(op: Op):
    r = rule(op)
    gh = r.G * r.h
    per = _layers_sum(op, lambda i: gh * i, lambda: gh * r.h_out + EXTRA[r.mode] * r.h + 2 * gh * with_bias(op))
    return _s01(op) * r.D * per / op.b


def _cf_rnn(op: Op):
    r = rule(op)
    gh = r.G * r.h
    per = _layers_sum(op, lambda i: 2 * gh * i - gh,
                      lambda: 2 * gh * r.h_out - gh + EXTRA[r.mode] * r.h + 2 * gh * with_bias(op))
    return _s01(op) * r.D * per


def _aten_rnn(op: Op):
    r = rule(op)
    if r.mode == "LSTM" and r.p == 0:
        return Integer(0)
    batched = len(op.x) == 3
    n = (op.x[0] if r.batch_first else op.x[1]) if batched else Integer(1)
    L = (op.x[1] if r.batch_first else op.x[0]) if batched else op.x[0]
    steps = n * L * r.D
    c0 = Piecewise((0, (n > 1) & (L > 1)), (1, True)) if batched and r.batch_first else 1
    bias = steps * r.G * r.h * (r.layers + (r.layers - 1) + c0) * with_bias(op)
    return op.plain + bias


_ONEDNN = ("ptflops' aten backend sees an LSTM without proj_size as one aten.mkldnn_rnn_layer (oneDNN on "
           "CPU), which it does not count")
RNN_COUNTS = {
    "torchinfo": Count("prod(output[0].shape[:2])·(all parameters, biases included): N·L·P batched, "
                       "L·D·h_out·P unbatched (its 'weight'-named-parameter rule)",
                       lambda op: numel(op.y[:2]) * rule(op).params,
                       bug="torchinfo multiplies every parameter of every layer by N·L (by L·D·h_out unbatched): "
                           "a parameter sweep per time step, with the biases"),
    "fvcore": zero("0: fvcore has no handle for aten::rnn_tanh / rnn_relu / lstm / gru (it warns)"),
    "thop": Count("s0·s1·D·[C(input_size) + (num_layers − 1)·C(D·h)] with C(i) = h(i + h) + h + 2h·bias "
                  "(×3 + 4h GRU, ×4 + 4h LSTM); s0·s1 = input.shape[0]·shape[1]; proj_size ignored", _thop_rnn,
                  bug="thop ignores proj_size and, for an unbatched input, multiplies by L·input_size",
                  when=lambda op: rule(op).p != 0 or len(op.x) == 2),
    "ptflops": Count("s0·s1·D·Σ_l (G·h·in_l + G·h·h_out + X·h + 2G·h·bias) / batch, X = 1/7/10 "
                     "(RNN/GRU/LSTM), W_hr ignored", _pt_rnn,
                     bug="ptflops divides by the model's first input dimension, which is not the batch size "
                         "here (a sequence-first or unbatched input)",
                     when=lambda op: len(op.x) == 2 or not rule(op).batch_first),
    "ptflops-aten": Count("the aten mm/addmm of the decomposed layer: plain MACs + the biases torch adds with "
                          "addmm (b_hh every step; b_ih when the input is contiguous)", _aten_rnn),
    "calflops": zero("0: calflops' RNN hook fills only its FLOPs"),
    "calflops-flops": Count("s0·s1·D·Σ_l [(2G·h·in_l − G·h) + (2G·h·h_out − G·h) + X·h + 2G·h·bias]", _cf_rnn),
    "torchscan": zero("0: torchscan has no formula for recurrent layers (the metric is marked partial)"),
    "torchscan-flops": zero("0: torchscan has no formula for recurrent layers (the metric is marked partial)"),
}


LSTM_ATEN = Count("the aten mm/addmm of the decomposed layer (plain MACs + the biases added with addmm) "
                  "with proj_size; 0 without", _aten_rnn, bug=_ONEDNN, when=lambda op: rule(op).p == 0)


def _cell_unbatched(op: Op) -> bool:
    return len(op.x) == 1


def _crash_unbatched(fn):
    return lambda op: nan if _cell_unbatched(op) else fn(op)


def _pt_cell(op: Op):
    r = rule(op)
    gh = r.G * r.h
    return op.x[0] * (gh * r.x + gh * r.h + EXTRA[r.mode] * r.h + 2 * gh * with_bias(op)) / op.b


def _cf_cell(op: Op):
    r = rule(op)
    gh = r.G * r.h
    return op.x[0] * (2 * gh * r.x + 2 * gh * r.h - 2 * gh + EXTRA[r.mode] * r.h + 2 * gh * with_bias(op))


_CELL_CRASH = "{tool} crashes (IndexError: inp.shape[1]) on an unbatched cell input"
CELL_COUNTS = {
    "torchinfo": Count("prod(output.shape[:2])·(all parameters): N·h·P batched, h·P unbatched (its "
                       "'weight'-named-parameter rule)", lambda op: numel(op.y[:2]) * rule(op).params,
                       bug="torchinfo multiplies every parameter by N·h (by h unbatched)"),
    "fvcore": Count("N·G·h·(input_size + h): two aten::linear, biases ignored", lambda op: op.plain),
    "thop": Count("input.shape[0]·C(input_size), C as for the RNNs (input.shape[0] = input_size unbatched)",
                  lambda op: op.x[0] * _thop_cell(op, rule(op).x)),
    "ptflops": Count("N·(G·h·input_size + G·h·h + X·h + 2G·h·bias) / batch", _crash_unbatched(_pt_cell),
                     bug=_CELL_CRASH.format(tool="ptflops"), when=_cell_unbatched),
    "ptflops-aten": Count("N·(all parameters): two addmm with both biases (mm without bias)",
                          lambda op: (op.x[0] if len(op.x) == 2 else 1) * rule(op).params),
    "calflops": zero("0: calflops' RNN hook fills only its FLOPs"),
    "calflops-flops": Count("N·(2G·h·input_size + 2G·h·h − 2G·h + X·h + 2G·h·bias)", _crash_unbatched(_cf_cell),
                            bug=_CELL_CRASH.format(tool="calflops"), when=_cell_unbatched),
    "torchscan": RNN_COUNTS["torchscan"], "torchscan-flops": RNN_COUNTS["torchscan-flops"],
}
