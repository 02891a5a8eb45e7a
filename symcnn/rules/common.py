"""Small helpers shared by the rule families (not by the core).

Owns: ``exact_div``. Never: import torch or know about specific layers.
"""

from __future__ import annotations

from sympy import Expr, Mod

from ..core.intarith import FloorDiv


def exact_div(a: Expr, b: Expr) -> Expr:
    """a / b for a size the rule has already required to be divisible: the exact quotient when
    divisibility is provable (C·H / C = H), else ⌊a/b⌋, which equals it whenever the recorded
    divisibility condition holds."""
    if Mod(a, b) == 0:
        return a / b
    return FloorDiv(a, b)


__all__ = ["exact_div"]
