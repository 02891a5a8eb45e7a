"""Arithmetic steps of a worked solution, generated from the expression tree of a rule's formula.

Given a general formula (the rule called with symbols) and the values of its symbols, ``calc``
substitutes the values without evaluating, then evaluates the tree bottom-up, one floor level at a
time, so every intermediate value shows: ⌊(227 + 2·0 − 1·(11 − 1) − 1)/4⌋ + 1 = ⌊216/4⌋ + 1 =
54 + 1 = 55, the division checked (216 = 4·54: exact; 218 = 4·54 + 2: round down). A sum without
floors ((H_in − 1)·S − 2·P + D·(K − 1) + P_out + 1) is evaluated one level of the tree at a time.
Trivial factors (·1, /1, + 0, 2·0) stay in the substitution line and are gone from the next one.
With symbolic values the same procedure shows how a floor composes with the previous layer's floor,
naming the canonical rule of symcnn.core.intarith that applies.

Owns: ``calc``, ``Calc``/``CalcStep``/``Why``, ``shown_form``, ``nested`` (a composition of per-layer maps
kept unevaluated), ``evaluate``; the display nodes they build live in symcnn.solutions.display.
Never: decide wording (the step reasons are ids; the message catalogues word them), know layers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import gcd

from sympy import Add, Expr, Integer, Mod, Mul, Pow, ceiling, sympify

from ..core.intarith import FloorDiv, canon
from .display import DISPLAY, DIVISIONS, CeilDiv, DAdd, DCeil, DFloor, DMod, DMul, DPow, _Node

_TERMS = ("P", "D", "K", "S", "P_out")   # after the input size, terms in the order of PyTorch's docs


def _factor_rank(f: Expr, first: frozenset) -> int:
    """Factors of a product as a person writes them: numbers, the batch N, sizes (or a sum of an input
    size, (H_in − 1)·S), then the rest."""
    if f.is_Number:
        return 0
    name = getattr(f, "name", "")
    if name.startswith("N"):
        return 1
    if name.endswith(("_in", "_out")) or (f.free_symbols & first and not f.is_Symbol):
        return 2
    return 3


def _order(node: Expr, first: frozenset) -> tuple:
    """Terms of a sum as a person writes them: input sizes first, then the terms of padding, dilation
    and kernel, stride, output padding (as PyTorch's docs write them), positive before subtracted, then
    the constant: L + 2·P − D·(K − 1) − 1, (L − 1)·S − 2·P + D·(K − 1) + P_out + 1."""
    if isinstance(node, Mul):
        return tuple(sorted(node.args, key=lambda f: _factor_rank(f, first)))
    if not isinstance(node, Add):
        return node.args

    def key(t):
        names = [n if n in _TERMS else n.rsplit("_", 1)[0] for n in (s.name for s in t.free_symbols)]
        rank = min((_TERMS.index(n) for n in names if n in _TERMS), default=len(_TERMS))   # P_H ranks as P
        return (t.is_Number, not (t.free_symbols & first), rank, t.could_extract_minus_sign())

    return tuple(sorted(node.args, key=key))


# --- steps ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Why:
    """A reason for a step: an id of the catalogue's [why] table, and the expressions of its equation
    when it has one (216 = 4·54 for an exact division, 218 = 4·54 + 2 when the floor drops 2)."""

    id: str
    eq: tuple = ()


@dataclass(slots=True)
class CalcStep:
    """One line of a calculation: ``= expr``, with the reasons that lead to it."""

    expr: Expr
    why: tuple[Why, ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(w.id for w in self.why)


@dataclass(slots=True)
class Calc:
    """A computed quantity: its general formula, the substitution, the steps and the value."""

    label: Expr | None          # left-hand side: H_out, weights symbol... (None: templates name it)
    general: Expr | None
    steps: list[CalcStep] = field(default_factory=list)
    value: Expr = Integer(0)
    at: Expr | None = None      # the value after --set substitution, when that was asked for
    also: list = field(default_factory=list)  # (label, value, at) of other dims with the same steps

    @property
    def substituted(self) -> Expr | None:
        return self.steps[0].expr if self.steps else None


def _heights(e: Expr, memo: dict) -> int:
    if e in memo:
        return memo[e]
    h = 0 if not e.args else 1 + max(_heights(a, memo) for a in e.args)
    memo[e] = h
    return h


def _division(node, num: Expr, den: Expr) -> Why | None:
    """Why ⌊num/den⌋ (or ⌈num/den⌉) evaluates as it does: an integer division is checked (exact, or
    the remainder it drops), a symbolic one names the canonical rule of intarith that applies."""
    if num.is_Integer and den.is_Integer:
        q, r = divmod(int(num), int(den))
        if r == 0:
            return Why("exact", (num, DMul(den, Integer(q))))
        return Why("floor" if node is FloorDiv else "ceil", (num, DAdd(DMul(den, Integer(q)), Integer(r))))
    if den == 1:   # already said on the line before, where the division by 1 went (``_tidy``)
        return None
    if not den.is_Integer or node is not FloorDiv:
        return None
    m = int(den)
    const, terms = num.as_coeff_add()
    if any(isinstance(t, FloorDiv) for t in terms):
        return Why("compose")
    coeffs = [t.as_coeff_Mul()[0] for t in terms]
    if any(c.is_Integer and int(c) % m == 0 for c in coeffs):
        return Why("pull_out")
    g = m
    for c in coeffs:
        g = gcd(g, int(c)) if c.is_Integer else 1
    return Why("common_factor") if g > 1 else None


def _tidy(cls, args: list, why: list):
    """After the substitution line: a product drops its factors 1, a sum its terms 0, a division by 1
    is its numerator (the trivial factors of the general formula at these values)."""
    if cls is DMul:
        kept = [a for a in args if a != 1]
        if len(kept) != len(args):
            return kept[0] if len(kept) == 1 else (DMul(*kept) if kept else Integer(1))
    elif cls is DAdd:
        kept = [a for a in args if a != 0]
        if len(kept) != len(args):
            return kept[0] if len(kept) == 1 else (DAdd(*kept) if kept else Integer(0))
    elif cls in (DFloor, DCeil) and args[1] == 1:
        why.append(Why("floor_by_one"))
        return args[0]
    return cls(*args)


def _build(node, values, level, memo, first, why):
    if node in values:
        return values[node]
    if not node.args:
        return node
    args = [_build(a, values, level, memo, first, why) for a in _order(node, first)]
    h = memo[node]
    if h <= level:
        if isinstance(node, DIVISIONS) and h == level:
            r = _division(node.func, *args)
            if r:
                why.append(r)
        return node.func(*args)
    cls = DISPLAY.get(node.func)
    if cls is None:
        return node.func(*args, evaluate=False)
    if cls is DMul:  # keep a product as one flat line
        flat = []
        for a in args:
            flat.extend(a.args if isinstance(a, DMul) else (a,))
        args = flat
    return _tidy(cls, args, why) if level >= 0 else cls(*args)


def _ceil_divisions(e: Expr) -> Expr:
    """ceiling(a/b) as CeilDiv(a, b), so the division shows (⌈10/4⌉ rather than ⌈5/2⌉)."""
    if isinstance(e, ceiling):
        num, den = e.args[0].as_numer_denom()
        return CeilDiv(_ceil_divisions(num), den)
    return e.func(*(_ceil_divisions(a) for a in e.args)) if e.args else e


def _levels(general: Expr, memo: dict) -> list[int]:
    """The tree levels at which a line is written: the substitution (-1), each division's numerator and
    the division itself, the whole; a sum without divisions one level at a time."""
    top = _heights(general, memo)
    levels = {-1, top}
    divisions = [h for n, h in memo.items() if isinstance(n, DIVISIONS)]
    for h in divisions:
        levels |= {h - 1, h}
    if not divisions and isinstance(general, Add):
        levels |= set(range(1, top))
    return sorted(levels)


def calc(label, general: Expr, values: dict, result: Expr | None = None, first=frozenset()) -> Calc:
    """Substitute ``values`` into ``general`` and evaluate it step by step, innermost floors first.
    ``result`` is the value the engine computed; the last step always equals it (canonical form)."""
    general = _ceil_divisions(sympify(general))
    memo: dict = {}
    steps: list[CalcStep] = []
    shown: set[str] = set()
    from ..core.fmt import text

    for level in _levels(general, memo):
        why: list[Why] = []
        value = _build(general, values, level, memo, first, why)
        s = text(value)
        if s in shown:
            continue
        shown.add(s)
        steps.append(CalcStep(value, tuple(dict.fromkeys(why)) or (Why("substitute" if level < 0 else "arithmetic"),)))
    final = canon(value)
    if result is not None and text(canon(result)) != text(final):
        final = canon(result)
    if text(final) != text(value):
        absorb = canon(value) == final
        if absorb and len(steps) > 2 and steps[-1].ids == ("arithmetic",):
            steps.pop()   # ⌊(H − 4)/2⌋ − 5 + 1 = ⌊(H − 12)/2⌋: the constant moves in at once
        steps.append(CalcStep(final, (Why("absorb" if absorb else "simplify"),)))
    return Calc(label, shown_form(general, first), steps, final)


def shown_form(general: Expr, first=frozenset()) -> Expr:
    """The general formula as a display tree, its terms in the order a person writes them."""
    general = _ceil_divisions(sympify(general))
    memo: dict = {}
    _heights(general, memo)
    return _build(general, {}, -1, memo, first, [])


def nested(inner: Expr, outer: Expr, x: Expr) -> Expr:
    """outer(x) with x replaced by ``inner``, keeping floors unevaluated so the composition shows:
    ⌊(⌊(H − 4)/2⌋ − 4)/2⌋ rather than the canonical ⌊(H − 12)/4⌋."""
    if outer == x:
        return inner
    if not outer.args:
        return outer
    args = [nested(inner, a, x) for a in outer.args]
    if isinstance(outer, FloorDiv):
        return DFloor(*args) if not all(a.is_Integer for a in args) else outer.func(*args)
    if isinstance(outer, Add) and any(isinstance(a, _Node) for a in args):
        return DAdd(*sorted(args, key=lambda t: t.is_Number))
    if isinstance(outer, Mul) and any(isinstance(a, _Node) for a in args):
        return DMul(*args)
    return outer.func(*args)


def evaluate(e: Expr) -> Expr:
    """The value of a display tree (display nodes evaluated back into canonical SymPy)."""
    if isinstance(e, (DCeil, CeilDiv)):
        num, den = (evaluate(a) for a in e.args)
        return canon(FloorDiv(num + den - 1, den))
    if isinstance(e, _Node):
        args = [evaluate(a) for a in e.args]
        f = {DAdd: Add, DMul: Mul, DPow: Pow, DFloor: FloorDiv, DMod: Mod}[type(e)]
        return canon(f(*args))
    if not e.args:
        return e
    return e.func(*(evaluate(a) for a in e.args))


__all__ = ["Calc", "CalcStep", "CeilDiv", "DAdd", "DCeil", "DFloor", "DMul", "DPow", "Why", "calc", "evaluate", "nested",
           "shown_form"]
