"""The output-size steps of a layer: its window formula (one Calc per dim, dims with the same steps said
once), ceil_mode (rounded up, then PyTorch's last-window rule, the correction only when it applies),
padding='same' (D·(K − 1) split left and right, and why the size is kept). Each from the rule's own
functions (rules.base.ceil_window, rules.conv.same_padding), never a second copy.

Owns: Ceil, Same, size_steps, ceil_check, same_padding_steps. Never: write text (templates do).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sympy import Expr, Integer, Symbol, false, true

from ..core import fmt
from ..core.intarith import canon, ge
from ..core.symbols import D, K
from ..rules.base import ceil_window
from ..rules.conv import same_padding
from .general import dim_symbols
from .steps import Calc, CalcStep, DAdd, Why, calc


@dataclass(slots=True)
class Ceil:
    """ceil_mode on one axis: the count rounded up (the Calc), the start of the last window, where the
    right padding begins (H_in + P), and whether PyTorch drops that window (the count is then one less)."""

    start: Calc
    limit: Calc
    dropped: bool | None          # None: depends on the input size (the closed form decides)
    value: Expr
    minus: Expr = Integer(0)      # n − 1, written out, when the window is dropped


@dataclass(slots=True)
class Same:
    """padding='same' on the spatial axes that pad alike: D·(K − 1) in total (the Calc), split left and
    right, and each axis's size kept (output symbol, input symbol, value)."""

    total: Calc
    left: Expr
    right: Expr
    sizes: list = field(default_factory=list)


def _same_steps(a: Calc, b: Calc) -> bool:
    return [fmt.text(s.expr) for s in a.steps] == [fmt.text(s.expr) for s in b.steps]


def ceil_check(g, j: int, c: Calc, ins: tuple, first) -> Ceil:
    """ceil_mode's last-window check for output dim j (its count c, rounded up)."""
    i = j - (len(ins) - g.rule.nd)
    n, start, limit = ceil_window(ins[j], g.rule.k[i], g.rule.s[i], g.rule.p[i], g.rule.d[i])
    out = g.outputs[j]     # the last window starts at (H_out − 1)·S, H_out the count rounded up
    start_c = calc(None, start.xreplace({n - 1: out - 1}), {**g.values, out: c.value}, None, first | {out})
    at = g.values
    limit_c = calc(None, limit, at, None, first)
    dropped = ge(start_c.value - limit_c.value, 0)
    dropped = bool(dropped) if dropped in (true, false) else None
    return Ceil(start_c, limit_c, dropped, c.value - 1 if dropped else c.value, DAdd(c.value, Integer(-1)))


def same_padding_steps(g, lay, step) -> None:
    """padding='same': the padding each axis gets (axes that pad alike said once), and why the size is kept."""
    ins, outs = g.inputs[0], dim_symbols(len(step.output), g.rule.nd, "_out")
    for j in range(len(ins) - g.rule.nd, len(ins)):
        i = j - (len(ins) - g.rule.nd)
        k = g.rule.k[i] if isinstance(g.rule.k[i], Symbol) else K
        values = {**g.values, k: step.rule.k[i], D: step.rule.d[i]}
        total, left, right = (canon(e.xreplace(values)) for e in same_padding(k, D))
        known = next((q for q in lay.same if (q.total.value, q.left, q.right) == (total, left, right)), None)
        if known is None:
            known = Same(calc(None, same_padding(k, D)[0], values), left, right)
            lay.same.append(known)
        known.sizes.append((outs[j], ins[j], step.output[j]))


def size_steps(g, lay, step, first) -> None:
    """The output-size steps of every dim the rule computes (dims with the same steps said once)."""
    ceil_mode = bool(getattr(g.rule, "ceil_mode", False))
    ins = g.inputs[0]
    for j, (ge_, label) in enumerate(zip(g.result.shape, g.outputs)):
        if ge_.is_Atom:
            continue
        if ceil_mode and j >= len(ins) - g.rule.nd:
            i = j - (len(ins) - g.rule.nd)
            shown = ceil_window(ins[j], g.rule.k[i], g.rule.s[i], g.rule.p[i], g.rule.d[i])[0]
            c = calc(label, shown, g.values, None, first)
            check = ceil_check(g, j, c, ins, first)
            if check.dropped is None:   # depends on the size: the closed form of both steps
                check.value = step.output[j]
                if fmt.text(c.steps[-1].expr) != fmt.text(check.value):
                    c.steps.append(CalcStep(check.value, (Why("ceil_closed"),)))
            c.value = check.value
        else:
            c, check = calc(label, ge_, g.values, step.output[j], first), None
        twin = next((o for o in lay.sizes if _same_steps(o, c)), None)
        if twin is None:
            lay.sizes.append(c)
            lay.ceil.append(check)
        else:
            twin.also.append(c)


__all__ = ["Ceil", "Same", "ceil_check", "same_padding_steps", "size_steps"]
