"""Recurrent cells: RNNCell, LSTMCell, GRUCell, one time step of an RNN, LSTM or GRU.

Input (N, input_size) or unbatched (input_size,); the state h (and c) has hidden_size features.
MACs (symcnn's `mac`): each gate's input matmul (h × input_size) and hidden matmul (h × h) per sample;
bias additions, nonlinearities and elementwise gate products are not counted.
Owns: these rules and torch's checks for them. Never: import torch.
"""

from __future__ import annotations

from sympy import Eq, Integer

from ..core.errors import RuleError
from ..core.symbols import F_in, Hid
from .base import TORCH_DOCS, Result, Rule, fmt_shape, require, rule
from .common import need_rank, same_shape
from .recurrent import GATES


class _Cell(Rule):
    """One time step of an RNN/LSTM/GRU: input (N, input_size) or unbatched (input_size,)."""

    family = "recurrent"
    legend = {"input_size": F_in, "hidden_size": Hid}
    mode = ""

    def setup(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        """torch's LSTMCell / GRUCell arguments (RNNCell adds nonlinearity)."""
        self._setup(input_size, hidden_size, bias)

    def _setup(self, input_size, hidden_size, bias):
        self.G = Integer(GATES[self.mode])
        self.x, self.h, self.bias = input_size, hidden_size, bool(bias)
        self.layers, self.D, self.p, self.h_out = Integer(1), Integer(1), Integer(0), hidden_size

    def parameters(self):
        gh = self.G * self.h
        p = {"weight_ih": (gh, self.x), "weight_hh": (gh, self.h)}
        if self.bias:
            p["bias_ih"], p["bias_hh"] = (gh,), (gh,)
        return p

    general_ranks = (2,)

    def dim_names(self, rank, index):
        if index > 0:
            return ()
        feat = "h" if index < 0 else "F_in"
        return ("N", feat) if rank == 2 else (feat,)

    def forward(self, x, hx=None):
        need_rank(x, (1, 2), "the input", self.name)
        require(Eq(x[-1], self.x), lambda: f"input's last dimension is {x[-1]} but input_size={self.x} (input "
                f"shape {fmt_shape(x)})", fix=f"set input_size={x[-1]}")
        batched = len(x) == 2
        state = (x[0], self.h) if batched else (self.h,)
        n = x[0] if batched else Integer(1)
        states = (state, state) if self.mode == "LSTM" else (state,)
        if hx is not None:
            hx = hx if hx and isinstance(hx[0], tuple) else (hx,)
            if len(hx) != len(states):
                raise RuleError(f"{self.name} takes hx as {'a tuple (h_0, c_0)' if len(states) == 2 else 'one tensor'}"
                                f", got {len(hx)} tensors", fix=f"give h_0 the shape {fmt_shape(state)}")
            for got, label in zip(hx, ("h_0", "c_0")):
                need_rank(got, (1, 2), label, self.name)
                same_shape(got, state, label, f"give {label} the shape {fmt_shape(state)}")
        gh = self.G * self.h
        terms = {"input": n * gh * self.x, "hidden": n * gh * self.h}
        return Result(state, n * gh * (self.x + self.h), extra_shapes=states[1:],
                      detail={"terms": terms, "L": Integer(1), "N": n})


@rule("nn.RNNCell", nd=0)
class RNNCell(_Cell):
    """One Elman RNN step, h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu).

    Parameters: W_ih (h × x), W_hh (h × h), b_ih, b_hh. MACs: N·h·(x + h) (bias additions not counted).
    """

    reference = TORCH_DOCS + "torch.nn.RNNCell.html"
    mode = "RNN"

    def setup(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        self.nonlinearity = nonlinearity
        self._setup(input_size, hidden_size, bias)

    def forward(self, x, hx=None):
        if self.nonlinearity not in ("tanh", "relu"):
            raise RuleError(f"Unknown nonlinearity {self.nonlinearity!r}", fix="select 'tanh' or 'relu'")
        return super().forward(x, hx)


@rule("nn.LSTMCell", nd=0)
class LSTMCell(_Cell):
    """One LSTM step (4 gates); returns (h', c').

    Parameters: W_ih (4h × x), W_hh (4h × h), b_ih, b_hh (4h each). MACs: N·4h·(x + h) (bias additions and
    elementwise gate products not counted).
    """

    reference = TORCH_DOCS + "torch.nn.LSTMCell.html"
    mode = "LSTM"


@rule("nn.GRUCell", nd=0)
class GRUCell(_Cell):
    """One GRU step (3 gates).

    Parameters: W_ih (3h × x), W_hh (3h × h), b_ih, b_hh (3h each). MACs: N·3h·(x + h) (bias additions and
    elementwise gate products not counted).
    """

    reference = TORCH_DOCS + "torch.nn.GRUCell.html"
    mode = "GRU"


__all__ = ["GRUCell", "LSTMCell", "RNNCell"]
