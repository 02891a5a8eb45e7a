"""Deciding whether a formula answer equals the true closed form for every valid input of a net.

First the canonical forms are compared (``expand`` of the difference, when the degree is small);
then the formula is evaluated exactly at valid inputs: sizes where every constraint the trace
recorded holds (each layer's output ≥ 1, a fixed Linear in_features ...), the batch at 1 first and
the other sizes equal and growing, so the first input where the two differ (the counterexample a
student reads) is the smallest plain one. Valid inputs are computed once per symbolic trace.

Owns: Symbolic (same, points), compare, value_at.
Never: parse text or read answers files.
"""

from __future__ import annotations

import random
from fractions import Fraction

from sympy import Expr, Integer, Pow, Rational, expand, sympify

from ..core.formula_parse import evaluate
from .truth import Truth

MAX_POINTS = 400
MAX_DEGREE = 16


class Symbolic:
    """Equivalence of formulas over the valid inputs of a symbolically traced net."""

    def __init__(self, truth: Truth, hint: dict):
        self.truth = truth
        tr = truth.trace
        self.symbols = sorted(set().union(*(getattr(v, "free_symbols", set()) for v in tr.input_shape)),
                              key=lambda s: s.name)
        self.hint = hint
        shape = tr.input_shape
        self.batch = getattr(shape[0], "free_symbols", set()) if len(shape) >= 3 else set()
        self._points: list[dict] | None = None

    def points(self) -> list[dict]:
        if self._points is None:
            conds = [c.condition.holds for c in self.truth.trace.constraints]
            hi = max([64] + [min(2 * int(v), 512) for v in self.hint.values()])
            k = len(self.symbols)
            # batch 1 first, then 2, each with the other sizes equal and growing; then everything equal
            batches = (1, 2) if self.batch else (None,)
            cands = [tuple(b if s in self.batch else v for s in self.symbols) for b in batches
                     for v in range(1, hi + 1)]
            cands = list(dict.fromkeys(cands + [(v,) * k for v in range(1, hi + 1)]))
            if k > 1:
                rnd = random.Random(0)
                cands += [tuple(rnd.randint(1, hi) for _ in range(k)) for _ in range(MAX_POINTS)]
            self._points = []
            for c in cands:
                env = dict(zip(self.symbols, c))
                if all(_ok(h, env) for h in conds):
                    self._points.append(env)
        return self._points

    def same(self, given: Expr, expected: Expr) -> tuple[bool, dict | None]:
        """(equal?, counterexample {symbol: value, 'expected': e, 'given': g} when not)."""
        ok, at = self.first_difference(given, expected)
        if at is None:
            return ok, None
        _, env, e, g = at
        return False, {**{s.name: v for s, v in env.items()}, "expected": e, "given": g}

    def first_difference(self, given: Expr, expected: Expr) -> tuple[bool, tuple | None]:
        """(equal?, (index of the first valid input where they differ, that input, expected, given))."""
        if not given.free_symbols and not expected.free_symbols:
            return given == expected, None
        if _degree(given) <= MAX_DEGREE and expand(given - expected) == 0:
            return True, None
        for i, env in enumerate(self.points()):
            e, g = _try(expected, env), _try(given, env)
            if e is None:
                continue
            if g != e:
                return False, (i, env, e, g)
        return bool(self.points()), None


def _degree(e) -> int:
    """A bound on the polynomial degree of e (sum of the exponents of its powers): expand stays cheap."""
    return sum(int(p.exp) for p in e.atoms(Pow) if p.exp.is_Integer and p.exp > 0)


def _try(e, env):
    try:
        return evaluate(e, env)
    except (ZeroDivisionError, KeyError, ValueError, TypeError, OverflowError):
        return None


def _ok(h, env) -> bool:
    return _try(h, env) is True


def _num(v) -> Expr:
    return v if isinstance(v, Expr) else sympify(v)


def compare(given, exp, eq: Symbolic) -> tuple[bool, dict | None]:
    """(equal for every valid input?, counterexample). For a shape, the counterexample is the first
    valid input (in Symbolic.points' order: batch 1, small sizes) where some size differs."""
    if isinstance(exp, tuple) or isinstance(given, tuple):
        if not (isinstance(exp, tuple) and isinstance(given, tuple)):
            return False, None
        if len(given) == len(exp) - 1:
            exp = exp[1:]
        if len(given) != len(exp):
            return False, None
        ok, first = True, None
        for x, y in zip(given, exp):
            same, at = eq.first_difference(_num(x), _num(y))
            ok = ok and same
            if at is not None and (first is None or at[0] < first[0]):
                first = at
        if ok or first is None:
            return ok, None
        _, env, e, g = first
        return False, {**{s.name: v for s, v in env.items()}, "expected": e, "given": g}
    return eq.same(_num(given), _num(exp))


def value_at(given, env: dict):
    """The given answer at the concrete input (None if it cannot be evaluated)."""
    def one(e):
        v = _try(e, env)
        return Integer(v) if isinstance(v, int) else (Rational(v.numerator, v.denominator)
                                                       if isinstance(v, Fraction) else None)
    if isinstance(given, tuple):
        vals = tuple(one(e) for e in given)
        return None if any(v is None for v in vals) else vals
    return one(given)


__all__ = ["Symbolic", "compare", "value_at"]
