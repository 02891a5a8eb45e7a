"""Small helpers shared by the rule families (not by the core).

Owns: ``exact_div``, ``broadcast``, torch's argument checks (``is_int``, ``check_int``, ``check_bool``,
``check_dropout``) and exact shape checks of extra inputs (``need_rank``, ``same_shape``).
Never: import torch or know about specific layers.
"""

from __future__ import annotations

from sympy import Eq, Expr, Integer, Mod

from ..core.errors import RuleError
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


def is_int(v) -> bool:
    """torch's isinstance(v, int) for an argument (a SymPy integer or integer symbol; not a bool)."""
    return not isinstance(v, (bool, float, str)) and getattr(v, "is_integer", False) is True


def check_int(v, name: str) -> None:
    if not is_int(v):
        raise RuleError(f"{name}={v!r} should be of type int, got {type(v).__name__}", fix=f"give {name} as an int")
    require(v > 0, lambda: f"{name}={v} must be greater than zero", fix=f"use {name} >= 1")


def check_bool(v, name: str) -> None:
    if not isinstance(v, bool):
        raise RuleError(f"{name}={v!r} should be of type bool, got {type(v).__name__}",
                        fix=f"pass {name}=True or {name}=False")


def check_dropout(p) -> None:
    ok = not isinstance(p, (bool, str)) and p is not None and getattr(p, "is_number", isinstance(p, float))
    if not ok or not 0 <= p <= 1:
        raise RuleError(f"dropout={p!r} should be a number in range [0, 1] representing the probability of "
                        "an element being zeroed", fix="use a dropout between 0 and 1")


def need_rank(shape, ranks: tuple[int, int], what: str, name: str) -> None:
    if len(shape) not in ranks:
        raise RuleError(f"{name} expects {what} to be {ranks[0]}-D (unbatched) or {ranks[1]}-D (batched), got a "
                        f"{len(shape)}-D tensor of shape {fmt_shape(shape)}",
                        fix=f"reshape {what} (or drop it to start from zeros)")


def same_shape(got, want, what: str, fix: str) -> None:
    """torch's exact size check of a state tensor (hx, c_0): same rank and every size equal."""
    if len(got) != len(want):
        raise RuleError(f"{what} has shape {fmt_shape(got)} but should be {fmt_shape(want)}", fix=fix)
    for a, b in zip(got, want):
        require(Eq(a, b), lambda: f"{what} has shape {fmt_shape(got)} but should be {fmt_shape(want)}", fix=fix)


__all__ = ["broadcast", "check_bool", "check_dropout", "check_int", "exact_div", "is_int", "need_rank", "same_shape"]
