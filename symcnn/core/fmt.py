"""Formatting of SymPy expressions for people: Unicode text, LaTeX, MathML, and the exact SymPy string.

Two families: ``text`` and ``latex`` print integers as SymPy does (error messages, answers); the
document printers ``shown``, ``tex`` and ``mathml`` (worked solutions, tables, reports: the filters
of symcnn/core/render.py) group every integer of four or more digits by thousands (62,378,344,
``62{,}378{,}344``), inside expressions too, so a total never mixes 16,000 and 16500.

Owns: ``text`` (terminal), ``latex``, ``shown``, ``tex``, ``mathml`` (presentation MathML, without the
``<math>`` element), ``sympy_str`` (JSON), ``number`` (62,378,344), ``grouped``, ``jsonable``.
Never: decide wording; templates do that.
"""

from __future__ import annotations

import re
from functools import lru_cache, wraps

from sympy import Integer, sympify
from sympy.printing.latex import LatexPrinter
from sympy.printing.mathml import MathMLPresentationPrinter
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


def grouped(n: int) -> str:
    """62378344 -> '62,378,344' (no separator below 1,000)."""
    return f"{int(n):,}"


class _ShownPrinter(_TextPrinter):
    """The text printer of documents: integers grouped by thousands."""

    def _print_Integer(self, e):
        return grouped(e)


def tex_parens(s: str) -> str:
    """LaTeX parentheses a line may break inside: \\bigl( \\bigr) around a fraction, else ( )
    (\\left( \\right) would make one unbreakable box of a long factor)."""
    return rf"\bigl({s}\bigr)" if r"\frac" in s else f"({s})"


def tex_floor(kind: str, num: str, den: str) -> str:
    """⌊num/den⌋ (or ⌈ ⌉) in LaTeX: a fraction, or, when the numerator is long, num/den on one line
    between \\bigl\\lfloor and \\bigr\\rfloor, so that the line may break inside it."""
    left, right = (r"\lfloor", r"\rfloor") if kind == "floor" else (r"\lceil", r"\rceil")
    if len(num) > 90:
        return rf"\bigl{left} {tex_parens(num)}/{den} \bigr{right}"
    return rf"\left{left} \frac{{{num}}}{{{den}}} \right{right}"


_DELIM = re.compile(r"\\(left|right)(\\[a-z]+|.)")


def breakable_parens(tex: str) -> str:
    """Every \\left( … \\right) of SymPy's LaTeX as ``tex_parens``: a line may then break inside it."""
    if r"\left(" not in tex:
        return tex
    out, stack, last = [], [], 0
    for m in _DELIM.finditer(tex):
        if m.group(1) == "left":
            stack.append((m, len(out)))
            out.append(tex[last:m.start()])
        else:
            opened, at = stack.pop()
            out.append(tex[last:m.start()])
            if opened.group(2) == "(" and m.group(2) == ")":
                inner = "".join(out[at + 1:])
                del out[at + 1:]
                out.append(tex_parens(inner))
            else:
                inner = "".join(out[at + 1:])
                del out[at + 1:]
                out.append(opened.group(0) + inner + m.group(0))
        last = m.end()
    out.append(tex[last:])
    return "".join(out)


class _TexPrinter(LatexPrinter):
    """The LaTeX printer of documents: · for products, integers grouped by thousands (12{,}345),
    breakable parentheses (``tex_parens``)."""

    printmethod = "_latex"

    def _print_Integer(self, e):
        return grouped(e).replace(",", "{,}")

    def doprint(self, expr) -> str:
        return breakable_parens(super().doprint(expr))

    def _print_FloorDiv(self, e):
        kind, num, den = e.display()
        return tex_floor(kind, self._print(num), self._print(den))


class _MathMLPrinter(MathMLPresentationPrinter):
    """Presentation MathML: ⌊ ⌋ / ⌈ ⌉ around a fraction, · for products, − for minus, grouped integers.
    Display nodes (symcnn.solutions.steps) print themselves through ``element``, ``op`` and ``fenced``."""

    printmethod = "_mathml_presentation"

    def mathml_tag(self, e):
        """SymPy writes < and > raw into the XML (it writes entities unescaped): escape them."""
        tag = super().mathml_tag(e)
        return {"<": "&lt;", ">": "&gt;"}.get(tag, tag)

    def _print_Integer(self, e):
        if e < 0:
            return self.element("mrow", self.op("−"), self.element("mn", grouped(-e)))
        return self.element("mn", grouped(e))

    def _print_int(self, e):
        return self._print_Integer(Integer(e))

    def _print_FloorDiv(self, e):
        kind, num, den = e.display()
        return self.floor(kind, self._print(num), self._print(den))

    # --- building blocks, also used by display nodes ------------------------------------------
    def element(self, tag: str, *children):
        el = self.dom.createElement(tag)
        for c in children:
            el.appendChild(self.dom.createTextNode(c) if isinstance(c, str) else c)
        return el

    def op(self, symbol: str):
        return self.element("mo", symbol)

    def fenced(self, inner, left: str = "(", right: str = ")"):
        return self.element("mrow", self.op(left), inner, self.op(right))

    def floor(self, kind: str, num, den):
        left, right = ("⌊", "⌋") if kind == "floor" else ("⌈", "⌉")
        return self.fenced(self.element("mfrac", num, den), left, right)


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


def _unicode(printer, e, integer: str) -> str:
    if isinstance(e, Integer):
        s = integer
    else:
        s = printer.doprint(e).replace(" - ", " − ").replace(">=", "≥").replace("<=", "≤")
    return _UNARY_MINUS.sub("\\1−", s)


@_memo
def text(e) -> str:
    """Unicode rendering for terminals: ⌊(H − 12)/4⌋."""
    return _unicode(_TextPrinter(), e, str(int(e)) if isinstance(e, Integer) else "")


@_memo
def latex(e) -> str:
    """LaTeX math (without $): \\left\\lfloor \\frac{H - 12}{4} \\right\\rfloor."""
    if isinstance(e, Integer):
        return str(int(e))
    return LatexPrinter({"mul_symbol": "dot"}).doprint(e)


@_memo
def shown(e) -> str:
    """``text`` for documents: integers grouped by thousands inside expressions too (16,500)."""
    return _unicode(_ShownPrinter(), e, grouped(e) if isinstance(e, Integer) else "")


@_memo
def tex(e) -> str:
    """``latex`` for documents: integers grouped by thousands (16{,}500), products with \\cdot."""
    if isinstance(e, Integer):
        return grouped(e).replace(",", "{,}")
    return _TexPrinter({"mul_symbol": "dot", "long_frac_ratio": 20}).doprint(e)


@_memo
def mathml(e) -> str:
    """Presentation MathML of ``e`` (the content of a ``<math>`` element)."""
    out = _MathMLPrinter({"mul_symbol": "dot"}).doprint(e)
    return out.replace("<mo>-</mo>", "<mo>&#8722;</mo>")


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


__all__ = ["grouped", "jsonable", "latex", "mathml", "number", "shown", "sympy_str", "tex", "tex_floor", "tex_parens", "text"]
