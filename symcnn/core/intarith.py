"""Exact integer arithmetic on symbolic sizes: ``FloorDiv`` and its canonical form.

SymPy keeps ``floor(floor(x/2)/2)`` nested and rewrites ``floor((H - 12)/4)`` as ``floor(H/4) - 3``.
symcnn owns the arithmetic instead. ``FloorDiv(num, den)`` is floor(num/den) for an integer-valued
``num`` and a positive integer ``den``; constructing one brings it into canonical form with these
rules (each proven against brute force in tests/test_intarith.py):

1. pull out terms whose coefficient is a multiple of ``den``:  ⌊(q·den·t + r)/den⌋ = q·t + ⌊r/den⌋
2. divide out a common factor g of all coefficients and ``den``:  ⌊(g·Y + r)/(g·n)⌋ = ⌊(Y + ⌊r/g⌋)/n⌋
3. compose a nested floor:  ⌊(⌊E/m⌋ + c)/n⌋ = ⌊(E + c·m)/(m·n)⌋

and ``canon(e)`` absorbs an additive constant: ⌊E/m⌋ + c = ⌊(E + c·m)/m⌋.
The printers show ⌊(X + m − 1)/m⌋ as ⌈X/m⌉ when that makes the constant smaller.

Owns: FloorDiv, canon, to_canonical (SymPy floor/ceiling to FloorDiv), ge (fast exact e ≥ k), display.
Never: call sympy.simplify (slow, and it does not reach this form).
"""

from __future__ import annotations

from math import gcd, lcm

from sympy import Add, Expr, Function, GreaterThan, Integer, cacheit, ceiling, false, floor, sympify, true
from sympy.logic.boolalg import Boolean

from .bounds import at_least
from .errors import RuleError


def _split(num: Expr) -> tuple[int, list[tuple[int, Expr]]] | None:
    """num as (constant, [(coefficient, term)]) with integer coefficients and integer-valued terms."""
    const, terms = num.as_coeff_add()
    if not const.is_Integer:
        return None
    out = []
    for t in terms:
        c, rest = t.as_coeff_Mul()
        if not c.is_Integer or rest.is_integer is not True:
            return None
        out.append((int(c), rest))
    return int(const), out


def _denominators(num: Expr) -> int:
    """lcm of the denominators of num's rational constant and coefficients (1 when all are integers)."""
    const, terms = num.as_coeff_add()
    den = const.q if const.is_Rational else 1
    for t in terms:
        c = t.as_coeff_Mul()[0]
        if c.is_Rational:
            den = lcm(den, c.q)
    return den


def _join(const: int, terms: list[tuple[int, Expr]]) -> Expr:
    return Add(Integer(const), *(Integer(c) * t for c, t in terms))


class FloorDiv(Function):
    """⌊num/den⌋ for integer-valued num and a positive integer den, kept in canonical form."""

    is_integer = True
    nargs = 2

    @cacheit
    def __new__(cls, num, den, evaluate: bool = True):
        # Function.__new__ without its generic parts (nargs normalised into a FiniteSet and an
        # evalf check on every new object): 3x faster, and FloorDiv is built on every layer.
        num, den = sympify(num), sympify(den)
        if evaluate:
            out = cls.eval(num, den)
            if out is not None:
                return out
        return Expr.__new__(cls, num, den)

    @classmethod
    def eval(cls, num, den):  # noqa: PLR0911,PLR0912 -- one return per rule reads best here
        if not den.is_Rational:
            return None
        if den.is_zero:
            raise RuleError(f"floor division of {num} by zero; a stride or divisor is 0",
                            fix="use a positive stride / divisor")
        if den.is_negative:                       # ⌊n/(-d)⌋ = ⌊(-n)/d⌋
            return cls(-num, -den)
        if not den.is_Integer:                    # ⌊n/(p/q)⌋ = ⌊(q·n)/p⌋
            return cls(num * den.q, Integer(den.p))
        m = int(den)
        if num.is_Number:
            return Integer(int(num) // m) if num.is_Integer else floor(num / den)
        scale = _denominators(num)
        if scale > 1:                             # ⌊(n/q)/m⌋ = ⌊n/(q·m)⌋: integer coefficients
            return cls(num * scale, Integer(m * scale))
        if m == 1:
            return canon(num) if num.is_integer else None
        parts = _split(num)
        if parts is None:
            return cls._compose(num, m)
        const, terms = parts
        # Rule 1: terms whose coefficient is a multiple of den leave the floor.
        outside = [(c // m, t) for c, t in terms if c % m == 0]
        if outside:
            inside = [(c, t) for c, t in terms if c % m]
            return _join(0, outside) + cls(_join(const, inside), den)
        # Rule 2: a common factor of every coefficient and den divides out.
        g = m
        for c, _ in terms:
            g = gcd(g, c)
        if g > 1:
            return cls(_join(const // g, [(c // g, t) for c, t in terms]), Integer(m // g))
        return cls._compose(num, m)

    @classmethod
    def _compose(cls, num: Expr, m: int) -> Expr | None:
        """Rule 3: ⌊(⌊E/n⌋ + c)/m⌋ = ⌊(E + c·n)/(n·m)⌋ for a lone nested floor (E may be real)."""
        const, terms = num.as_coeff_add()
        if not const.is_Integer:
            return None
        if len(terms) != 1 or not isinstance(terms[0], FloorDiv):
            return None
        inner = terms[0]
        e, n = inner.args
        if not (n.is_Integer and n > 0):
            return None
        return cls(e + const * n, Integer(m * int(n)))

    def _eval_is_nonnegative(self):
        num, den = self.args
        if den.is_positive:
            verdict = at_least(num, 0)         # ⌊n/d⌋ ≥ 0  ⟺  n ≥ 0
            if verdict is not NotImplemented:
                return verdict                 # None: it depends on the sizes
        if num.is_nonnegative:
            return True
        return None

    # --- display: ⌈X/m⌉ when it reads better than ⌊(X + m − 1)/m⌋ ---
    def display(self) -> tuple[str, Expr, Expr]:
        """('floor' | 'ceiling', numerator, denominator) of the nicer way to write this."""
        num, den = self.args
        if den.is_Integer:
            const = num.as_coeff_add()[0]
            alt = const - den + 1
            if const.is_Integer and abs(alt) < abs(const):
                return "ceiling", num - den + 1, den
        return "floor", num, den

    def _sympystr(self, printer) -> str:
        kind, num, den = self.display()
        return f"{kind}({_paren(printer._print(num), num)}/{_paren(printer._print(den), den)})"

    def _latex(self, printer) -> str:
        kind, num, den = self.display()
        left, right = (r"\lfloor", r"\rfloor") if kind == "floor" else (r"\lceil", r"\rceil")
        return rf"\left{left} \frac{{{printer._print(num)}}}{{{printer._print(den)}}} \right{right}"

    def _symcnn_text(self, printer) -> str:
        return printer._print_FloorDiv(self)

    def _eval_rewrite_as_floor(self, num, den, **kwargs):
        return floor(num / den)


def _paren(text: str, e: Expr) -> str:
    return text if (e.is_Atom and not (e.is_Number and e < 0)) else f"({text})"


def canon(e: Expr) -> Expr:
    """Canonical form of a size: ⌊E/m⌋ + c becomes ⌊(E + c·m)/m⌋. Cheap; call it on every size.

    The constant goes into the one floor with coefficient 1 (other terms stay outside, as rule 1
    would pull them out again); with no such floor, or several, ``e`` is returned unchanged.
    """
    e = sympify(e)
    if not isinstance(e, Add):
        return e
    const, rest = e.as_coeff_add()
    if not (const.is_Integer and const != 0):
        return e
    floors = [t for t in rest if isinstance(t, FloorDiv) and t.args[1].is_Integer]
    if len(floors) != 1:
        return e
    num, den = floors[0].args
    return Add(*(t for t in rest if t is not floors[0])) + FloorDiv(num + const * den, den)


def _floor_bound(e: Expr, k: int) -> Expr | None:
    """p with ``e ≥ k ⟺ p ≥ 0`` for e = ⌊n/d⌋ + c (d a positive integer or symbol), or e itself
    minus k when e has no floor; None for other forms."""
    const, rest = e.as_coeff_add()
    if not const.is_Integer:
        return None
    if len(rest) == 1 and isinstance(rest[0], FloorDiv):
        n, d = rest[0].args
        if not (d.is_positive and d.is_integer):
            return None
        return n - (k - const) * d              # ⌊n/d⌋ ≥ j  ⟺  n ≥ j·d  (d > 0)
    return None if e.has(FloorDiv) else e - k


def ge(e: Expr, k: int) -> Boolean:
    """``e >= k`` for a size: true, false, or the unevaluated relation when it depends on the sizes.

    Decided exactly and in microseconds (symcnn.core.bounds) for polynomials and ⌊polynomial/d⌋ + c in
    integer symbols bounded below; other forms, or what bounds cannot settle, go to SymPy. Where
    SymPy decides, the answer is the same; bounds also decides some SymPy leaves open (⌈H/2⌉ ≥ 1).
    """
    e = sympify(e)
    if e.is_Integer:
        return true if int(e) >= k else false
    p = _floor_bound(e, k)
    verdict = NotImplemented if p is None else at_least(p, 0)
    if verdict is NotImplemented:
        return e >= k
    if verdict is None:
        return GreaterThan(e, k, evaluate=False)
    return true if verdict else false


def to_canonical(e: Expr) -> Expr:
    """Rewrite SymPy's floor/ceiling (from user formulas) as FloorDiv, bottom-up."""
    e = sympify(e)
    if e.is_Integer or e.is_Symbol:
        return e
    if not e.has(floor, ceiling):
        return canon(e)

    def conv(arg: Expr, up: bool) -> Expr:
        num, den = arg.together().as_numer_denom()
        if den.is_Integer and den < 0:
            num, den = -num, -den
        if not (den.is_integer and den.is_positive):
            return ceiling(arg) if up else floor(arg)
        if not up:
            return FloorDiv(num, den)
        # ⌈n/d⌉ = ⌊(n + d − 1)/d⌋ for an integer n; for a real n, ⌈y⌉ = −⌊−y⌋.
        return FloorDiv(num + den - 1, den) if num.is_integer else -FloorDiv(-num, den)

    e = e.replace(lambda a: isinstance(a, floor), lambda a: conv(to_canonical(a.args[0]), False))
    e = e.replace(lambda a: isinstance(a, ceiling), lambda a: conv(to_canonical(a.args[0]), True))
    return canon(e)


__all__ = ["FloorDiv", "canon", "ge", "to_canonical"]
