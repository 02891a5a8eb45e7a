"""Small helpers shared by the rule families (not by the core).

Owns: ``exact_div``, ``broadcast``. Never: import torch or know about specific layers.
"""

from __future__ import annotations

from sympy import Eq, Expr, Integer, Mod

from ..core.fmt import text
from ..core.intarith import FloorDiv
from .base import fmt_shape, require


def exact_div(a: Expr, b: Expr) -> Expr:
    """a / b for a size the rule has already required to be divisible: the exact quotient when
    divisibility is provable (C·H / C = H), else ⌊a/b⌋, which equals it whenever the recorded
    divisibility condition holds."""
    if Mod(a, b) == 0:
        return a / b
    return FloorDiv(a, b)


def broadcast(a: tuple, b: tuple, op: str) -> tuple:
    """torch's broadcast shape of a and b (trailing dims aligned, a size 1 stretches); a pair of sizes
    that may differ symbolically is required equal."""
    n = max(len(a), len(b))
    a2, b2 = (Integer(1),) * (n - len(a)) + tuple(a), (Integer(1),) * (n - len(b)) + tuple(b)
    out = []
    for i, (x, y) in enumerate(zip(a2, b2)):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            require(Eq(x, y), f"{op}: shapes {fmt_shape(a)} and {fmt_shape(b)} do not match at dim {i} "
                    f"({text(x)} vs {text(y)})", fix="make both operands the same size (crop, pad or "
                    "change the channels)")
            out.append(x)
    return tuple(out)


__all__ = ["broadcast", "exact_div"]
