"""Display nodes: sums, products, powers, floors, ceilings and mods kept unevaluated, printed in the
order of the general formula in text, LaTeX, MathML and a SymPy-parsable string (symcnn.core.fmt's
printers call them). ``CeilDiv`` is ⌈num/den⌉ kept as a division.

Owns: CeilDiv, DAdd, DMul, DPow, DFloor, DCeil, DMod. Never: evaluate (steps.evaluate does), know layers.
"""

from __future__ import annotations

from sympy import Add, Basic, Function, Integer, Mod, Mul, Pow

from ..core.fmt import tex_floor, tex_parens
from ..core.intarith import FloorDiv


class CeilDiv(Function):
    """⌈num/den⌉ kept as a division (⌈10/4⌉, not ⌈5/2⌉): the form ceil_mode's count is written in."""

    is_integer = True
    nargs = 2

    @classmethod
    def eval(cls, num, den):
        if num.is_Integer and den.is_Integer and den > 0:
            return Integer(-(-int(num) // int(den)))
        return None

    def _eval_rewrite_as_FloorDiv(self, num, den, **kwargs):
        return FloorDiv(num + den - 1, den)


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

    def _mathml_presentation(self, printer):
        return self._show(printer, "mathml")


def _ml_row(printer, parts):
    """MathML: an mrow of printed expressions and operators (str)."""
    return printer.element("mrow", *(printer.op(p) if isinstance(p, str) else p for p in parts))


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
        if how == "mathml":
            parts = [printer._print(self.args[0])]
            for t in self.args[1:]:
                parts += ["−", _wrap(printer, _negate(t), how, add=True)] if _neg(t) else ["+", _wrap(printer, t, how, add=True)]
            return _ml_row(printer, parts)
        out = printer._print(self.args[0])
        for t in self.args[1:]:
            if _neg(t):
                out += " - " + _wrap(printer, _negate(t), how, add=True)
            else:
                out += " + " + _wrap(printer, t, how, add=True)
        return out


class DMul(_Node):
    def _show(self, printer, how):
        num = [a for a in self.args if not (isinstance(a, DPow) and a.args[1] == -1)]
        den = [a.args[0] for a in self.args if isinstance(a, DPow) and a.args[1] == -1]
        sign = ""
        if num and num[0].is_Number and num[0] < 0 and len(num) > 1:
            sign, num = "-", ([-num[0]] if num[0] != -1 else []) + num[1:]
        if how == "mathml":
            def row(items):
                parts = []
                for a in items:
                    parts += ["·", _wrap(printer, a, how)] if parts else [_wrap(printer, a, how)]
                return _ml_row(printer, parts) if len(parts) > 1 else parts[0]
            top_ml = row(num) if num else printer.element("mn", "1")
            body = printer.element("mfrac", top_ml, row(den)) if den else top_ml
            return _ml_row(printer, ["−", body]) if sign else body
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
        if how == "mathml":
            return printer.element("msup", base, printer._print(e))
        if how == "latex":
            return f"{base}^{{{printer._print(e)}}}"
        return f"{base}{'**' if how == 'sympy' else '^'}{printer._print(e)}"


class DFloor(_Node):
    """⌊num/den⌋, unevaluated."""

    kind = "floor"

    def _show(self, printer, how):
        num, den = (printer._print(a) for a in self.args)
        if how == "mathml":
            return printer.floor(self.kind, num, den)
        if how == "latex":
            return tex_floor(self.kind, num, den)
        num = num if self.args[0].is_Atom else f"({num})"
        den = den if self.args[1].is_Atom else f"({den})"
        if how == "sympy":
            return f"{self.kind}({num}/{den})"
        return ("⌊{}/{}⌋" if self.kind == "floor" else "⌈{}/{}⌉").format(num, den)


class DCeil(DFloor):
    """⌈num/den⌉, unevaluated."""

    kind = "ceiling"


class DMod(_Node):
    def _show(self, printer, how):
        a, b = (_wrap(printer, x, how, power=True) for x in self.args)
        if how == "mathml":
            return _ml_row(printer, [a, "mod", b])
        return {"text": f"{a} mod {b}", "latex": rf"{a} \bmod {b}", "sympy": f"Mod({a}, {b})"}[how]


def _wrap(printer, e, how, add=False, power=False):
    s = printer._print(e)
    compound = isinstance(e, (DAdd, Add)) or (isinstance(e, (DMul, Mul)) and power)
    if (e.is_Number and e < 0) or compound or (power and isinstance(e, (DPow, Pow))):
        if how == "mathml":
            return printer.fenced(s)
        return tex_parens(s) if how == "latex" else f"({s})"
    return s


# the display node of each SymPy node that calc writes unevaluated; the divisions whose levels it shows
DISPLAY = {Add: DAdd, Mul: DMul, Pow: DPow, FloorDiv: DFloor, CeilDiv: DCeil, Mod: DMod}
DIVISIONS = (FloorDiv, CeilDiv)


__all__ = ["DISPLAY", "DIVISIONS", "CeilDiv", "DAdd", "DCeil", "DFloor", "DMod", "DMul", "DPow"]
