"""The data of a receptive-field report, and the exact forms its numbers are kept in.

``Field`` is one spatial axis of one layer's field (size, jump, left edge u of unit 0's field);
``LayerField`` a step's fields (or None with a note: the whole input / not applicable);
``FieldReport`` every step's, with the ``Equivalent`` single convolution of the last defined one.
``canon`` merges floors that differ by a whole number, so symbolic offsets stay readable. rf.py
computes the fields (the conventions are in its docstring); rfdoc.py and templates show them.

Owns: Field, LayerField, Equivalent, FieldReport, canon, rational.
Never: import torch, compute a field from a layer (rf.py does), print, or format text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sympy import Expr, Rational, sympify

from ..core.intarith import FloorDiv
from ..core.intarith import canon as _canon_raw


def canon(e) -> Expr:
    """Canonical form, with floors that differ by a whole number merged: ⌊(H − 60)/16⌋ − ⌊(H − 124)/16⌋
    is 4 (a symbolic UNet's crop offsets). Kept only when it removes floors."""
    e = _canon_raw(e)
    floors = e.atoms(FloorDiv) if isinstance(e, Expr) else set()
    reps = {}
    for f in floors:
        num, den = f.args
        c, rest = num.as_coeff_Add()
        if c.is_Integer and den.is_Integer and den > 0 and not 0 <= c < den:
            reps[f] = FloorDiv(rest + c % den, den) + c // den
    if not reps:
        return e
    out = _canon_raw(e.xreplace(reps))
    return out if len(out.atoms(FloorDiv)) < len(floors) else e


@dataclass(frozen=True, slots=True)
class Field:
    """One spatial axis of one layer: field size, jump, left edge u of unit 0's field."""

    rf: Expr
    jump: Expr
    left: Expr

    @property
    def start(self) -> Expr:
        """Centre of unit 0's field in input coordinates (pixel i at i)."""
        return canon(self.left + (self.rf - 1) / 2)


@dataclass(slots=True)
class LayerField:
    """The field of one step: ``axes`` is None when it is the whole input / not applicable."""

    index: int
    name: str
    type: str
    axes: tuple[Field, ...] | None
    exact: bool = True
    note: str | None = None
    path: tuple[int, ...] = ()     # step indices from the input to here along the largest field
    layer: dict[str, Any] | None = None  # per-axis k_eff, s, p of a windowed layer (for derivations)


@dataclass(frozen=True, slots=True)
class Equivalent:
    """The single convolution with the same field: kernel = rf, stride = jump, padding = −u."""

    kernel: tuple[Expr, ...]
    stride: tuple[Expr, ...]
    padding: tuple[Expr, ...]


@dataclass(slots=True)
class FieldReport:
    axis_names: tuple[str, ...]
    layers: list[LayerField] = field(default_factory=list)

    def last(self) -> LayerField | None:
        """The last layer that still has a defined field (the one the equivalent conv describes)."""
        for lf in reversed(self.layers):
            if lf.axes is not None:
                return lf
        return None

    def equivalent(self, lf: LayerField | None = None) -> Equivalent | None:
        lf = lf or self.last()
        if lf is None or lf.axes is None or not lf.exact:
            return None
        return Equivalent(tuple(a.rf for a in lf.axes), tuple(a.jump for a in lf.axes),
                          tuple(canon(-a.left) for a in lf.axes))

    def by_name(self, name: str) -> LayerField:
        for lf in self.layers:
            if lf.name == name:
                return lf
        raise KeyError(name)


def rational(e) -> Expr:
    """An exact value for display: an Integer, a Rational, or the expression."""
    e = sympify(e)
    return Rational(e) if e.is_Rational else e


__all__ = ["Equivalent", "Field", "FieldReport", "LayerField", "canon", "rational"]
