"""The extra pieces of a worked solution for the sequence layers (RNN/LSTM/GRU and cells, attention,
Transformer layers), as data: which equations define the layer, every learnable tensor with its shape
in symbols and in numbers, grouped as the counts repeat (layer 0 and the layers above, per direction;
one group per sub-layer), each matmul of the MACs step by step, attention's per-head sizes, and a
composite layer's sub-layer calls.

Owns: Sequence, Group, TensorRow, Head, PartRow, sequence(step, general). Never: write text (templates
do; the equations are in templates/equations.toml), or compute a count any other way than the rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sympy import Expr, Integer

from ..rules.base import numel
from ..tracing.tracedata import Step
from .steps import Calc, calc

FAMILIES = ("recurrent", "attention", "transformer")


@dataclass(slots=True)
class TensorRow:
    name: str
    shape: tuple            # in symbols (the general rule)
    values: tuple           # this layer's sizes
    numel: Expr


@dataclass(slots=True)
class Group:
    label: str              # "layer0", "above" (catalogue words) or a sub-layer's name ("self_attn")
    tensors: list[TensorRow]
    each: Expr              # parameters of one occurrence
    count: Calc             # how many times it occurs (directions, layers), general and value
    total: Expr


@dataclass(slots=True)
class Head:
    """Attention: n_h heads of E/n_h features; the query/key/value of one head and its score matrix."""
    heads: Expr
    head_dim: Calc
    q: tuple
    k: tuple
    scores: tuple


@dataclass(slots=True)
class PartRow:
    name: str
    type: str
    count: Expr
    params: Expr
    macs: Expr


@dataclass(slots=True)
class Sequence:
    kind: str                                  # the key of its equations in templates/equations.toml
    groups: list[Group] = field(default_factory=list)
    terms: list[tuple[str, Calc]] = field(default_factory=list)   # (catalogue key, the matmul's MACs)
    head: Head | None = None
    parts: list[PartRow] = field(default_factory=list)


def kind(rule) -> str:
    """The equations of a rule: rnn_tanh, rnn_relu, lstm, lstm_proj, gru, mha, sdpa, encoder_layer ..."""
    mode = getattr(rule, "mode", "")
    if mode == "RNN":
        return f"rnn_{rule.nonlinearity}"
    if mode == "LSTM":
        return "lstm_proj" if rule.p != 0 else "lstm"
    if mode == "GRU":
        return "gru"
    names = {"nn.MultiheadAttention": "mha", "F.scaled_dot_product_attention": "sdpa",
             "nn.TransformerEncoderLayer": "encoder_layer", "nn.TransformerDecoderLayer": "decoder_layer",
             "nn.TransformerEncoder": "encoder", "nn.TransformerDecoder": "decoder", "nn.Transformer": "transformer"}
    key = names[rule.key]
    if key.endswith("_layer") and rule.norm_first:
        key += "_pre"
    return key


def _groups(rule, grule, values: dict) -> list[Group]:
    out = []
    general = grule.param_groups() if grule is not None else None
    for i, (label, tensors, count) in enumerate(rule.param_groups()):
        if not tensors:
            continue
        gl = general[i] if general is not None and i < len(general) else (label, tensors, count)
        rows = [TensorRow(n, tuple(gs), tuple(s), numel(s)) for (n, s), (_, gs) in zip(tensors, gl[1])]
        each = sum((r.numel for r in rows), Integer(0))
        out.append(Group(label, rows, each, calc(None, gl[2], values, count), each * count))
    return out


def sequence(step: Step, general) -> Sequence | None:
    """The sequence-layer pieces of a step's worked solution (None for other layers)."""
    rule = step.rule
    if rule is None or rule.family not in FAMILIES or step.result is None:
        return None
    g_rule = general.rule if general is not None else None
    values = general.values if general is not None else {}
    seq = Sequence(kind(rule), _groups(rule, g_rule, values))
    terms = step.result.detail.get("terms", {})
    g_terms = general.result.detail.get("terms", {}) if general is not None else {}
    for key, value in terms.items():
        seq.terms.append((key, calc(None, g_terms.get(key, value), values, value)))
    if rule.key == "nn.MultiheadAttention":
        c = step.result.detail["call"]
        gh = g_rule.E / g_rule.heads if g_rule is not None else rule.head_dim
        seq.head = Head(rule.heads, calc(None, gh, values, rule.head_dim), (c["L"], rule.head_dim),
                        (c["S_eff"], rule.head_dim), (c["L"], c["S_eff"]))
    for p in step.result.detail.get("parts", ()):
        if p.rule.params != 0 or p.result.macs != 0:
            seq.parts.append(PartRow(p.name, p.rule.key.split(".", 1)[-1], p.count, p.rule.params, p.result.macs))
    return seq


__all__ = ["Group", "Head", "PartRow", "Sequence", "TensorRow", "sequence"]
