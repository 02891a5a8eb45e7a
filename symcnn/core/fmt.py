"""Formatting of SymPy expressions for people: Unicode text, LaTeX, and the exact SymPy string.

Owns: ``text`` (terminal), ``latex`` (for templates), ``sympy_str`` (JSON), ``number`` (62,378,344).
Never: decide wording; templates do that.
"""

from __future__ import annotations

import re
from functools import lru_cache, wraps

from sympy import Integer, sympify
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

_UNARY_MINUS = re.compile(r"(^|[(\[\s⌊⌈·,^/])-")


class _TextPrinter(StrPrinter):
    """Like SymPy's str printer, but with ⌊ ⌋, ⌈ ⌉, ·, − and ≥ for people."""

    printmethod = "_symcnn_text"

    def _print_FloorDiv(self, e):
        kind, num, den = e.display()
        left, right = ("⌊", "⌋") if kind == "floor" else ("⌈", "⌉")
        n, d = self._print(num), self._print(den)
        if not num.is_Atom:
            n = f"({n})"
        if not den.is_Atom:
            d = f"({d})"
        return f"{left}{n}/{d}{right}"

    def _print_floor(self, e):
        return f"⌊{self._print(e.args[0])}⌋"

    def _print_ceiling(self, e):
        return f"⌈{self._print(e.args[0])}⌉"

    def _print_Mul(self, e):
        return super()._print_Mul(e).replace("*", "·")

    def _print_Pow(self, e, rational=False):
        return super()._print_Pow(e, rational).replace("**", "^")


def _memo(render):
    """Cache a printer by expression (SymPy expressions are immutable and hashable): a summary or a
    derivation prints the same sizes many times, and SymPy's printers take ~0.1 ms an expression."""
    cached = lru_cache(maxsize=8192)(render)

    @wraps(render)
    def show(e) -> str:
        e = sympify(e)
        if isinstance(e, Integer):
            return render(e)
        try:
            return cached(e)
        except TypeError:  # unhashable (a list, a Matrix): print it directly
            return render(e)

    return show


@_memo
def text(e) -> str:
    """Unicode rendering for terminals: ⌊(H − 12)/4⌋."""
    if isinstance(e, Integer):
        s = str(int(e))
    else:
        s = _TextPrinter().doprint(e)
        s = s.replace(" - ", " − ").replace(">=", "≥").replace("<=", "≤")
    return _UNARY_MINUS.sub("\\1−", s)


@_memo
def latex(e) -> str:
    """LaTeX math (without $): \\left\\lfloor \\frac{H - 12}{4} \\right\\rfloor."""
    if isinstance(e, Integer):
        return str(int(e))
    return LatexPrinter({"mul_symbol": "dot"}).doprint(e)


@_memo
def sympy_str(e) -> str:
    """The exact expression as a string ``sympy.sympify`` parses back: floor((H - 12)/4)."""
    if isinstance(e, Integer):
        return str(int(e))
    return StrPrinter().doprint(e)


def number(e) -> str:
    """62378344 -> '62,378,344'; symbolic values fall back to ``text``."""
    e = sympify(e)
    if isinstance(e, Integer):
        return f"{int(e):,}"
    return text(e)


def jsonable(e) -> int | str:
    """A JSON value: an int when the value is a number, else the exact SymPy string."""
    e = sympify(e)
    if isinstance(e, Integer):
        return int(e)
    return sympy_str(e)


__all__ = ["jsonable", "latex", "number", "sympy_str", "text"]
