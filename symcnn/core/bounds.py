"""Exact, fast decisions of ``p ≥ b`` for integer polynomials in integer symbols bounded below.

Sizes are positive integers, paddings non-negative ones, so a validity condition such as
``L + 2P − D(K − 1) − 1 ≥ 0`` is a question about a polynomial over {x ≥ lo}. SymPy's assumption
system answers it in milliseconds (most of a deep net's trace went there); this answers in
microseconds, and only what it can prove:

- every coefficient ≥ 0: p grows in every symbol, so its least value is at the lower bounds;
- every coefficient ≤ 0: likewise its greatest value;
- mixed: if some symbol appears only in positive terms and another only in negative ones, p takes
  values on both sides of any bound (grow that symbol with the others held at max(lo, 1)).

Owns: at_least(p, bound) -> True | False | None (both possible) | NotImplemented (cannot tell).
Never: guess. NotImplemented sends the caller back to SymPy.
"""

from __future__ import annotations

from sympy import Expr


def _lower(x) -> int | None:
    if not (x.is_Symbol and x.is_integer):
        return None
    if x.is_positive:
        return 1
    if x.is_nonnegative:
        return 0
    return None


def _linear(p: Expr):
    """The common case, without expand(): p = c + Σ a·x with integer a, c and symbols x."""
    const, terms = p.as_coeff_add()
    if not const.is_Integer:
        return None
    out = []
    for t in terms:
        a, x = t.as_coeff_Mul()
        if not (a.is_Integer and x.is_Symbol and _lower(x) is not None):
            return None
        out.append((int(a), {x: 1}))
    return int(const), out


def _monomials(p: Expr):
    """p as (constant, [(coefficient, {symbol: exponent})]) with integer coefficients, or None."""
    fast = _linear(p)
    if fast is not None:
        return fast
    const, out = 0, []
    for term, c in p.expand().as_coefficients_dict().items():
        if not c.is_Integer:
            return None
        if term == 1:
            const += int(c)
            continue
        powers = {}
        for base, e in term.as_powers_dict().items():
            if not (e.is_Integer and e > 0) or _lower(base) is None:
                return None
            powers[base] = int(e)
        out.append((int(c), powers))
    return const, out


def at_least(p: Expr, bound: int):
    """Is ``p ≥ bound`` for every admissible value of its symbols (True), for none (False), for some
    but not all (None)? NotImplemented when p is not such a polynomial or the rules above don't settle it."""
    if p.is_Integer:
        return int(p) >= bound
    parts = _monomials(p)
    if parts is None:
        return NotImplemented
    const, monos = parts
    at_lo = const
    for c, powers in monos:
        v = c
        for x, e in powers.items():
            v *= _lower(x) ** e
        at_lo += v
    if all(c >= 0 for c, _ in monos):
        return True if at_lo >= bound else (None if monos else False)
    if all(c <= 0 for c, _ in monos):
        return False if at_lo < bound else None
    signs: dict = {}
    for c, powers in monos:
        for x in powers:
            signs.setdefault(x, set()).add(c > 0)
    up = any(s == {True} for s in signs.values())
    down = any(s == {False} for s in signs.values())
    return None if up and down else NotImplemented


__all__ = ["at_least"]
