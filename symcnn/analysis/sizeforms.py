"""Closed descriptions of input sizes: a one-size condition solved for its size, a set of sizes in words.

``closed_form``: c·⌊(aH + b)/m⌋ + e ≥ 0 (and >, ≤, <) solved for H ("H ≥ 16"); ``eq_closed``: an
equation with its common factor divided out ("a·b = 16"); ``describe``: a set of sizes in lo..hi as
"H ≥ 16", "H ≡ 4 (mod 16)" or runs; ``ranges``/``fmt_ranges``: runs of consecutive sizes.
validity.py (conditions, size tables) and the ``inputs`` command use them.

Owns: closed_form, eq_closed, describe, ranges, fmt_ranges.
Never: import torch, trace a net, evaluate a condition at sizes (validity.py does), or print.
"""

from __future__ import annotations

import math
from fractions import Fraction

from sympy import Eq, Ge, Gt, Le, Lt, gcd

from ..core import fmt
from ..core.intarith import FloorDiv, canon
from ..core.said import said


def eq_closed(c) -> str | None:
    """20·a·b = 320 -> 'a·b = 16' (the common integer factor divided out)."""
    if not isinstance(c, Eq) or not c.rhs.is_Integer:
        return None
    coeff, _rest = c.lhs.as_coeff_Mul()
    g = gcd(coeff, c.rhs) if coeff.is_Integer else 1
    return f"{fmt.text(c.lhs / g)} = {fmt.text(c.rhs / g)}" if g not in (0, 1) else None


def closed_form(c) -> str | None:
    """c·⌊(aH + b)/m⌋ + e ≥ 0 (or >, ≤, <; c > 0) solved for H; None when not of that form."""
    if not isinstance(c, (Ge, Gt, Le, Lt)) or len(c.free_symbols) != 1:
        return None
    (h,) = c.free_symbols
    e = canon(c.lhs - c.rhs) if isinstance(c, (Ge, Gt)) else canon(c.rhs - c.lhs)
    need = 1 if isinstance(c, (Gt, Lt)) else 0          # integer-valued: e > 0 ⟺ e ≥ 1
    floors = e.atoms(FloorDiv)
    if len(floors) == 1:
        (f,) = floors
        coeff, rest = e.coeff(f), canon(e - e.coeff(f) * f)
        num, m = f.args
        if not (coeff.is_Integer and coeff != 0 and rest.is_Integer and m.is_Integer):
            return None
        if coeff > 0:   # coeff·F + rest ≥ need ⟺ F ≥ ⌈(need − rest)/coeff⌉ ⟺ num ≥ that·m
            lin, need = num, math.ceil(Fraction(int(need - rest), int(coeff))) * int(m)
        else:           # F ≤ q = ⌊(rest − need)/|coeff|⌋ ⟺ num ≤ (q + 1)·m − 1
            q = math.floor(Fraction(int(rest - need), int(-coeff)))
            lin, need = -num, -((q + 1) * int(m) - 1)
    elif floors:
        return None
    else:
        lin = e
    poly = lin.as_poly(h) if lin.is_polynomial(h) else None
    if poly is None or poly.degree() != 1:
        return None
    a, b = poly.all_coeffs()
    if not (a.is_Integer and b.is_Integer):
        return None
    if a > 0:
        return f"{h} ≥ {math.ceil(Fraction(need - int(b), int(a)))}"
    return f"{h} ≤ {math.floor(Fraction(need - int(b), int(a)))}"


def ranges(values) -> list[tuple[int, int]]:
    """Sorted ints as (first, last) runs: [28, 29, 30, 31, 40] -> [(28, 31), (40, 40)]."""
    out: list[tuple[int, int]] = []
    for v in sorted(values):
        if out and v == out[-1][1] + 1:
            out[-1] = (out[-1][0], v)
        else:
            out.append((v, v))
    return out


def fmt_ranges(values) -> str:
    """Runs of sizes, '28..31, 40', or "none" (said in the output's language)."""
    return ", ".join(f"{a}" if a == b else f"{a}..{b}" for a, b in ranges(values)) or said("inputs.said.empty", "none")


def describe(name: str, values, lo: int, hi: int) -> str:
    """A closed description of a set of sizes in lo..hi: 'H ≥ 16', 'H ≥ 188, H ≡ 4 (mod 16)', or runs;
    the phrases in words ("every H") are said in the output's language (core/said.py)."""
    vals = sorted(set(values))
    if not vals:
        return said("inputs.said.none_in", f"no {name} in {lo}..{hi}", name=name, a=lo, b=hi)
    first = vals[0]
    if vals == list(range(first, hi + 1)):
        return f"{name} ≥ {first}" if first > lo else said("inputs.said.every", f"every {name}", name=name)
    span = hi - first + 1
    for p in range(2, max(2, span // 3) + 1):
        res = {v % p for v in vals}
        if all((v % p in res) == (v in set(vals)) for v in range(first, hi + 1)):
            rs = ", ".join(str(r) for r in sorted(res))
            low = f"{name} ≥ {first}, " if first > lo and any(v % p in res for v in range(lo, first)) else ""
            return f"{low}{name} mod {p} ∈ {{{rs}}}" if len(res) > 1 else f"{low}{name} ≡ {rs} (mod {p})"
    return f"{name} ∈ {{{fmt_ranges(vals)}}}"


__all__ = ["closed_form", "describe", "eq_closed", "fmt_ranges", "ranges"]
