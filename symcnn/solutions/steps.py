"""Arithmetic steps of a worked solution, generated from the expression tree of a rule's formula.

Given a general formula (the rule called with symbols) and the values of its symbols, ``calc``
substitutes the values without evaluating, then evaluates the tree bottom-up, one floor level at a
time, so every intermediate value shows: ⌊(227 + 2·0 − 1·(11 − 1) − 1)/4⌋ + 1 = ⌊216/4⌋ + 1 =
54 + 1 = 55. With symbolic values the same procedure shows how a floor composes with the previous
layer's floor, naming the canonical rule of symcnn.core.intarith that applies.

Owns: the display nodes (unevaluated sums, products and floors with their own printing), ``calc``,
``Calc``/``CalcStep``, ``nested`` (a composition of per-layer maps kept unevaluated).
Never: decide wording (the step reasons are ids; the message catalogues word them), know layers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import gcd

from sympy import Add, Basic, Expr, Integer, Mod, Mul, Pow, sympify

from ..core.intarith import FloorDiv, canon


# --- display nodes: unevaluated, printed in the order of the general formula -----------------
class _Node(Basic):
    """Base of display nodes. Printing: text (symcnn.core.fmt), LaTeX, and a SymPy-parsable string."""

    is_commutative = True

    def _symcnn_text(self, printer) -> str:
        return self._show(printer, "text")

    def _sympystr(self, printer) -> str:
        return self._show(printer, "sympy")

    def _latex(self, printer) -> str:
        return self._show(printer, "latex")


def _neg(e) -> bool:
    if isinstance(e, DMul):
        return e.args[0].is_Number and e.args[0] < 0
    if isinstance(e, (DAdd, DFloor, DPow)):
        return False
    return bool(getattr(e, "could_extract_minus_sign", lambda: False)())


def _negate(e):
    if isinstance(e, DMul):
        c = -e.args[0]
        rest = e.args[1:]
        return DMul(*rest) if c == 1 and len(rest) > 1 else (rest[0] if c == 1 else DMul(c, *rest))
    return -e


class DAdd(_Node):
    def _show(self, printer, how):
        out = printer._print(self.args[0])
        for t in self.args[1:]:
            if _neg(t):
                out += " - " + _wrap(printer, _negate(t), how, add=True)
            else:
                out += " + " + printer._print(t)
        return out


class DMul(_Node):
    def _show(self, printer, how):
        num = [a for a in self.args if not (isinstance(a, DPow) and a.args[1] == -1)]
        den = [a.args[0] for a in self.args if isinstance(a, DPow) and a.args[1] == -1]
        sign = ""
        if num and num[0].is_Number and num[0] < 0 and len(num) > 1:
            sign, num = "-", ([-num[0]] if num[0] != -1 else []) + num[1:]
        dot = {"text": "·", "latex": " \\cdot ", "sympy": "*"}[how]
        top = dot.join(_wrap(printer, a, how) for a in num) if num else "1"
        if not den:
            return sign + top
        bottom = dot.join(_wrap(printer, a, how) for a in den)
        if how == "latex":
            return sign + rf"\frac{{{top}}}{{{bottom}}}"
        top = top if len(num) == 1 else f"({top})"
        bottom = bottom if len(den) == 1 and den[0].is_Atom else f"({bottom})"
        return f"{sign}{top}/{bottom}"


class DPow(_Node):
    def _show(self, printer, how):
        b, e = self.args
        base = _wrap(printer, b, how, power=True)
        if how == "latex":
            return f"{base}^{{{printer._print(e)}}}"
        return f"{base}{'**' if how == 'sympy' else '^'}{printer._print(e)}"


class DFloor(_Node):
    def _show(self, printer, how):
        num, den = (printer._print(a) for a in self.args)
        if how == "latex":
            return rf"\left\lfloor \frac{{{num}}}{{{den}}} \right\rfloor"
        num = num if self.args[0].is_Atom else f"({num})"
        den = den if self.args[1].is_Atom else f"({den})"
        return f"⌊{num}/{den}⌋" if how == "text" else f"floor({num}/{den})"


class DMod(_Node):
    def _show(self, printer, how):
        a, b = (_wrap(printer, x, how, power=True) for x in self.args)
        return {"text": f"{a} mod {b}", "latex": rf"{a} \bmod {b}", "sympy": f"Mod({a}, {b})"}[how]


def _wrap(printer, e, how, add=False, power=False) -> str:
    s = printer._print(e)
    compound = isinstance(e, (DAdd, Add)) or (isinstance(e, (DMul, Mul)) and power)
    if (e.is_Number and e < 0) or compound or (power and isinstance(e, (DPow, Pow))):
        return rf"\left({s}\right)" if how == "latex" else f"({s})"
    return s


_DISPLAY = {Add: DAdd, Mul: DMul, Pow: DPow, FloorDiv: DFloor, Mod: DMod}


def _factor_rank(f: Expr) -> int:
    """Factors of a product as a person writes them: numbers, the batch N, sizes, then the rest."""
    if f.is_Number:
        return 0
    name = getattr(f, "name", "")
    if name.startswith("N"):
        return 1
    if name.endswith(("_in", "_out")):
        return 2
    return 3


def _order(node: Expr, first: frozenset) -> tuple:
    """Terms of a sum as a person writes them: input sizes first, then other positive terms, then
    subtracted terms, then the constant (L + 2·P − D·(K − 1) − 1)."""
    if isinstance(node, Mul):
        return tuple(sorted(node.args, key=_factor_rank))
    if not isinstance(node, Add):
        return node.args

    def key(t):
        neg = t.could_extract_minus_sign()
        return (t.is_Number, neg, not (t.free_symbols & first))

    return tuple(sorted(node.args, key=key))


# --- steps ---------------------------------------------------------------------------------
@dataclass(slots=True)
class CalcStep:
    """One line of a calculation: ``= expr``, with the reasons (ids) that lead to it."""

    expr: Expr
    why: tuple[str, ...] = ()


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


def _floor_rule(num: Expr, den: Expr) -> str | None:
    """Which canonical rule of intarith evaluates ⌊num/den⌋ (an id for the message catalogue)."""
    if num.is_Integer and den.is_Integer:
        return "floor"
    if den == 1:
        return "floor_by_one"
    if not den.is_Integer:
        return None
    m = int(den)
    const, terms = num.as_coeff_add()
    if any(isinstance(t, FloorDiv) for t in terms):
        return "compose"
    coeffs = [t.as_coeff_Mul()[0] for t in terms]
    if any(c.is_Integer and int(c) % m == 0 for c in coeffs):
        return "pull_out"
    g = m
    for c in coeffs:
        g = gcd(g, int(c)) if c.is_Integer else 1
    return "common_factor" if g > 1 else None


def _build(node, values, level, memo, first, why):
    if node in values:
        return values[node]
    if not node.args:
        return node
    args = [_build(a, values, level, memo, first, why) for a in _order(node, first)]
    h = memo[node]
    if h <= level:
        if isinstance(node, FloorDiv) and h == level:
            r = _floor_rule(*args)
            if r:
                why.append(r)
        return node.func(*args)
    cls = _DISPLAY.get(node.func)
    if cls is None:
        return node.func(*args, evaluate=False)
    if cls is DMul:  # keep a product as one flat line
        flat = []
        for a in args:
            flat.extend(a.args if isinstance(a, DMul) else (a,))
        args = flat
    return cls(*args)


def calc(label, general: Expr, values: dict, result: Expr | None = None, first=frozenset()) -> Calc:
    """Substitute ``values`` into ``general`` and evaluate it step by step, innermost floors first.
    ``result`` is the value the engine computed; the last step always equals it (canonical form)."""
    general = sympify(general)
    memo: dict = {}
    top = _heights(general, memo)
    levels = {-1, top}
    for n, h in memo.items():
        if isinstance(n, FloorDiv):
            levels |= {h - 1, h}
    steps: list[CalcStep] = []
    shown: set[str] = set()
    from ..core.fmt import text

    for level in sorted(levels):
        why: list[str] = []
        value = _build(general, values, level, memo, first, why)
        s = text(value)
        if s in shown:
            continue
        shown.add(s)
        steps.append(CalcStep(value, tuple(dict.fromkeys(why)) or (("substitute",) if level < 0 else ("arithmetic",))))
    final = canon(value)
    if result is not None and text(canon(result)) != text(final):
        final = canon(result)
    if text(final) != text(value):
        steps.append(CalcStep(final, ("absorb",) if canon(value) == final else ("simplify",)))
    return Calc(label, shown_form(general, first), steps, final)


def shown_form(general: Expr, first=frozenset()) -> Expr:
    """The general formula as a display tree, its terms in the order a person writes them."""
    general = sympify(general)
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
    if isinstance(e, _Node):
        args = [evaluate(a) for a in e.args]
        f = {DAdd: Add, DMul: Mul, DPow: Pow, DFloor: FloorDiv, DMod: Mod}[type(e)]
        return canon(f(*args))
    if not e.args:
        return e
    return e.func(*(evaluate(a) for a in e.args))


__all__ = ["Calc", "CalcStep", "DAdd", "DFloor", "DMul", "DPow", "calc", "evaluate", "nested", "shown_form"]
