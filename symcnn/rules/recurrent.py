"""Recurrent layers: RNN, LSTM, GRU (stacked, bidirectional, LSTM projections); their cells are in cells.py.

G gates per hidden unit: RNN 1, GRU 3, LSTM 4. torch keeps two bias vectors per gate set (b_ih and
b_hh). Inputs are (L, N, input_size), (N, L, input_size) with batch_first, or unbatched
(L, input_size); a cell takes (N, input_size) or (input_size,). Layer l ≥ 1 takes the D·h_out
features of the layer below (D = 2 when bidirectional, h_out = proj_size or hidden_size).
MACs (symcnn's `mac`): per time step, layer and direction, each gate's input matmul (h × in_l) and
hidden matmul (h × h_out), plus the projection (p × h) of an LSTM with proj_size; bias additions,
nonlinearities and elementwise gate products are not counted.
Owns: these rules and torch's checks for them. Never: import torch.
"""

from __future__ import annotations

from sympy import Eq, Integer

from ..core.errors import RuleError
from ..core.symbols import F_in, Hid, N_layers
from .base import TORCH_DOCS, Result, Rule, fmt_shape, require, rule
from .common import check_bool, check_dropout, check_int, is_int, need_rank, same_shape

GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}   # weight rows per hidden unit


class _Recurrent(Rule):
    """RNN, LSTM and GRU: the shared arithmetic of torch's RNNBase."""

    family = "recurrent"
    legend = {"input_size": F_in, "hidden_size": Hid, "num_layers": N_layers}
    mode = ""

    def _setup(self, input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
               proj_size=0):
        check_dropout(dropout)
        check_bool(bias, "bias")
        check_bool(batch_first, "batch_first")
        check_int(input_size, "input_size")
        check_int(hidden_size, "hidden_size")
        check_int(num_layers, "num_layers")
        if proj_size != 0:
            check_int(proj_size, "proj_size")
            require(proj_size < hidden_size, lambda: f"proj_size={proj_size} has to be smaller than "
                    f"hidden_size={hidden_size}", fix=f"use a proj_size below {hidden_size}, or 0 for none")
        self.G = Integer(GATES[self.mode])
        self.x, self.h, self.layers, self.bias = input_size, hidden_size, num_layers, bias
        self.batch_first, self.D, self.p = batch_first, Integer(2 if bidirectional else 1), proj_size
        self.h_out = proj_size if proj_size != 0 else hidden_size

    def layer_input(self, layer):
        """in_l: input_size for layer 0, D·h_out above it."""
        return self.x if layer == 0 else self.D * self.h_out

    def parameters(self):
        p, G, h = {}, self.G, self.h
        if not isinstance(self.layers, Integer):
            return p   # a symbolic num_layers (the general formula) has no tensor names; see weights
        for layer in range(int(self.layers)):
            for suffix in ("", "_reverse")[:int(self.D)]:
                p[f"weight_ih_l{layer}{suffix}"] = (G * h, self.layer_input(layer))
                p[f"weight_hh_l{layer}{suffix}"] = (G * h, self.h_out)
                if self.bias:
                    p[f"bias_ih_l{layer}{suffix}"] = (G * h,)
                    p[f"bias_hh_l{layer}{suffix}"] = (G * h,)
                if self.p != 0:
                    p[f"weight_hr_l{layer}{suffix}"] = (self.p, h)
        return p

    def param_groups(self):
        """Layer 0 (once per direction) and the layers above it (num_layers − 1 per direction)."""
        G, h = self.G, self.h

        def tensors(layer, x_in):
            t = [(f"weight_ih_l{layer}", (G * h, x_in)), (f"weight_hh_l{layer}", (G * h, self.h_out))]
            if self.bias:
                t += [(f"bias_ih_l{layer}", (G * h,)), (f"bias_hh_l{layer}", (G * h,))]
            if self.p != 0:
                t.append((f"weight_hr_l{layer}", (self.p, h)))
            return t
        groups = [("layer0", tensors(0, self.x), self.D)]
        if self.layers != 1:
            groups.append(("above", tensors("1" if self.layers == 2 else "k", self.D * self.h_out),
                           self.D * (self.layers - 1)))
        return groups

    def _per_direction(self, x_in):
        """Weights of one layer and direction whose input has x_in features: G·h·(x_in + h_out) + h·p."""
        return self.G * self.h * (x_in + self.h_out) + self.h * self.p

    @property
    def weights(self):
        above = self._per_direction(self.D * self.h_out)
        return self.D * (self._per_direction(self.x) + (self.layers - 1) * above)

    @property
    def biases(self):
        return self.layers * self.D * 2 * self.G * self.h if self.bias else Integer(0)

    general_ranks = (3,)

    def dim_names(self, rank, index):
        if index > 0:
            return ()   # hx does not change sizes or counts: the general formula takes the input only
        feat = "F_out" if index < 0 else "F_in"
        if rank == 2:
            return ("L", feat)
        return ("N", "L", feat) if self.batch_first else ("L", "N", feat)

    def forward(self, x, hx=None):
        name = self.name
        if len(x) not in (2, 3):
            raise RuleError(f"{name} expects a 2-D (unbatched) or 3-D (batched) input, got a {len(x)}-D input of "
                            f"shape {fmt_shape(x)}", fix="reshape the input to (L, N, input_size), or (N, L, "
                            "input_size) with batch_first=True")
        batched = len(x) == 3
        if batched:
            L, n = (x[1], x[0]) if self.batch_first else (x[0], x[1])
        else:
            L, n = x[0], Integer(1)
        require(Eq(x[-1], self.x), lambda: f"input's last dimension is {x[-1]} but input_size={self.x} (input "
                f"shape {fmt_shape(x)})", fix=f"set input_size={x[-1]}, or change the features of the input")
        lead = (n,) if batched else ()
        states = self.state_shapes(lead)
        if hx is not None:
            self.check_hx(hx, states, batched)
        seq = (n, L) if self.batch_first and batched else ((L, n) if batched else (L,))
        out = (*seq, self.D * self.h_out)
        steps = n * L * self.D
        above = self.layers - 1
        terms = {"input": steps * self.G * self.h * (self.x + above * self.D * self.h_out),
                 "hidden": steps * self.layers * self.G * self.h * self.h_out}
        if self.p != 0:
            terms["proj"] = steps * self.layers * self.h * self.p
        macs = steps * (self._per_direction(self.x) + above * self._per_direction(self.D * self.h_out))
        nest = (0, (1, 2)) if len(states) == 2 else None
        return Result(out, macs, extra_shapes=states, nest=nest, detail={"terms": terms, "L": L, "N": n})

    def state_shapes(self, lead):
        """h_n (and c_n for an LSTM): (num_layers·D, N, h_out), (num_layers·D, N, hidden_size)."""
        return ((self.layers * self.D, *lead, self.h_out),)

    def check_hx(self, hx, states, batched: bool) -> None:
        if not isinstance(hx[0], tuple) if hx else True:
            hx = (hx,)
        fix = f"give h_0 the shape {fmt_shape(states[0])} (num_layers·num_directions, N, h_out)"
        if len(hx) != len(states):
            raise RuleError(f"{self.name} takes hx as {'a tuple (h_0, c_0)' if len(states) == 2 else 'one tensor'}, "
                            f"got {len(hx)} tensors", fix=fix)
        for got, want, label in zip(hx, states, ("h_0", "c_0")):
            need_rank(got, (2, 3), label, self.name)
            if (len(got) == 3) != batched:
                raise RuleError(f"{label} is {len(got)}-D but the input is {'batched 3-D' if batched else 'unbatched 2-D'}"
                                f": {label} must be {3 if batched else 2}-D", fix=fix)
            same_shape(got, want, f"{label}", fix)


@rule("nn.RNN", nd=0)
class RNN(_Recurrent):
    """Elman RNN, h_t = tanh(W_ih x_t + b_ih + W_hh h_(t−1) + b_hh) (or relu), stacked num_layers deep.

    Parameters per layer and direction: W_ih (h × in_l), W_hh (h × h), b_ih, b_hh (h each).
    MACs: N·L·D·Σ_l h·(in_l + h): per time step one input and one hidden matmul (bias additions not counted).
    """

    reference = TORCH_DOCS + "torch.nn.RNN.html"

    def setup(self, input_size, hidden_size, num_layers=1, nonlinearity="tanh", bias=True, batch_first=False,
              dropout=0.0, bidirectional=False, device=None, dtype=None):
        if nonlinearity not in ("tanh", "relu"):
            raise RuleError(f"Unknown nonlinearity {nonlinearity!r}", fix="select 'tanh' or 'relu'")
        self.mode, self.nonlinearity = "RNN", nonlinearity
        self._setup(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)


@rule("nn.LSTM", nd=0)
class LSTM(_Recurrent):
    """Long short-term memory: input, forget, cell and output gates (4 gates), stacked num_layers deep;
    with proj_size the hidden state is projected by W_hr to proj_size features.

    Parameters per layer and direction: W_ih (4h × in_l), W_hh (4h × h_out), b_ih, b_hh (4h each),
    W_hr (p × h) with proj_size: 4·(h·in_l + h·h_out + 2h) + p·h.
    MACs: N·L·D·Σ_l (4h·(in_l + h_out) + h·p): per time step each gate's input and hidden matmul and
    the projection (bias additions and the elementwise gate products not counted).
    """

    reference = TORCH_DOCS + "torch.nn.LSTM.html"
    mode = "LSTM"

    def setup(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
              bidirectional=False, proj_size=0, device=None, dtype=None):
        if proj_size != 0 and not is_int(proj_size):
            raise RuleError(f"proj_size={proj_size!r} should be an int", fix="give proj_size as an int")
        if proj_size != 0:
            require(proj_size >= 0, lambda: f"proj_size={proj_size} should be a positive integer or zero to "
                    "disable projections", fix="use proj_size >= 0")
        self._setup(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional, proj_size)

    def state_shapes(self, lead):
        return ((self.layers * self.D, *lead, self.h_out), (self.layers * self.D, *lead, self.h))


@rule("nn.GRU", nd=0)
class GRU(_Recurrent):
    """Gated recurrent unit: reset, update and new gates (3 gates), stacked num_layers deep.

    Parameters per layer and direction: W_ih (3h × in_l), W_hh (3h × h), b_ih, b_hh (3h each).
    MACs: N·L·D·Σ_l 3h·(in_l + h): per time step each gate's input and hidden matmul (bias additions and
    elementwise gate products not counted).
    """

    reference = TORCH_DOCS + "torch.nn.GRU.html"
    mode = "GRU"

    def setup(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
              bidirectional=False, device=None, dtype=None):
        self._setup(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional)


__all__ = ["GRU", "LSTM", "RNN"]
