"""The correct step of one graded item, with this net's numbers: ``⌊(227 − 11)/4⌋ + 1 = 55``,
``96·3·11·11 + 96 = 34,944``, ``|out|·(C_in/groups)·K = 290,400·3·121 = 105,415,200``. The words
come from [check.how] of the catalogue.

Owns: how, value_text.
Never: grade, read answers, or decide which mistake was made.
"""

from __future__ import annotations

from math import prod

from sympy import Expr

from ..core.fmt import number, text
from ..rules.base import numel
from .checkreport import say
from .sheet import to_hwc


def value_text(v) -> str:
    """A count as 1,135,256,096, a shape as 1×96×55×55."""
    if isinstance(v, tuple):
        return "×".join(text(x) if x.is_Atom else f"({text(x)})" for x in v)
    return number(v) if isinstance(v, Expr) else str(v)


def how(truth, layer: str | None, field: str, lang: str = "en", layout: str = "nchw") -> str:
    """The correct computation of item ``field`` of ``layer`` (None: the [total] item) in ``truth``;
    shapes in the sheet's ``layout``."""
    exp = truth.expected(layer, field)
    val = value_text(to_hwc(exp) if layout == "hwc" and isinstance(exp, tuple) else exp)
    if layer is None:
        if field in ("activations", "activation_bytes"):
            return say(lang, f"how.total_{field}", value=val, size=truth.size, dtype=truth.dtype)
        return say(lang, f"how.{field}", value=val, convention=truth.convention)
    steps = truth.steps_of(layer)
    st = steps[-1] if field == "output_shape" else steps[0]
    rule = st.rule
    if field == "activations":
        return say(lang, "how.activations", shape=value_text(tuple(st.output)), value=val)
    if field == "activation_bytes":
        return say(lang, "how.activation_bytes", elements=number(truth.expected(layer, "activations")),
                   size=truth.size, dtype=truth.dtype, value=val)
    if field == "output_shape" and rule is not None and getattr(rule, "p", None) is not None \
            and hasattr(rule, "k") and st.inputs:
        return _window_steps(st, rule) + f" → {val}"
    if field in ("params", "weights", "biases") and rule is not None and rule.parameters():
        terms = [("·".join(text(v) for v in s) or "1") for n, s in rule.parameters().items()
                 if field == "params" or (n == "bias") == (field == "biases")]
        return f"{' + '.join(terms) or '0'} = {val}"
    if field == "macs" and rule is not None and rule.family in ("conv", "linear") and st.inputs:
        if rule.family == "linear":
            return say(lang, "how.macs_linear", out=number(numel(st.output)),
                       in_features=text(rule.args["in_features"]), value=val)
        tr = hasattr(rule, "op")
        grid = st.inputs[0] if tr else st.output
        c = rule.c_out if tr else rule.c_in
        per = f"({text(c)}/{text(rule.groups)})" if rule.groups != 1 else text(c)
        return say(lang, "how.macs_transposed" if tr else "how.macs_conv", grid=number(numel(grid)), per=per,
                   kernel=text(prod(rule.k)), value=val)
    return say(lang, "how.field", field=say(lang, f"fields.{field}"), value=val)


def _window_steps(st, rule) -> str:
    """Each distinct axis of a conv/pool window: ⌊(L + 2·P − D·(K − 1) − 1)/S⌋ + 1 = out."""
    nd = len(rule.k)
    parts = []
    for L, k, s, p, d, o in zip(st.inputs[0][-nd:], rule.k, rule.s, rule.p, rule.d, st.output[-nd:]):
        if hasattr(rule, "op"):
            op = rule.op[0]
            f = f"({text(L)} − 1)·{s} − 2·{p} + {d}·({k} − 1) + {op} + 1 = {text(o)}"
        else:
            lb, rb = ("⌈", "⌉") if getattr(rule, "ceil_mode", False) else ("⌊", "⌋")
            f = f"{lb}({text(L)} + 2·{p} − {d}·({k} − 1) − 1)/{s}{rb} + 1 = {text(o)}"
        if f not in parts:
            parts.append(f)
    return "; ".join(parts)


__all__ = ["how", "value_text"]
