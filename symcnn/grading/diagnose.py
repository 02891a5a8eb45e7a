"""Naming the mistake behind a wrong answer: which known mistake reproduces the given value (in
this step, in an earlier layer, or in every layer), which FLOPs convention it is, whether it is the
exact value rounded, whether it follows from the student's own earlier wrong answer, and otherwise
how far off it is. Also the value comparisons grading uses (exact, or within an approximate
answer's own rounding and the sheet's tolerance).

Owns: Diagnoser (mixed into check._Context), correct, equal, matches, full, free, batch_only, show.
Never: trace a net, print, or write a word in Python (checkreport fills the catalogue's messages).
"""

from __future__ import annotations

from fractions import Fraction

from sympy import Integer

from ..rules.base import numel
from .answers import Answer
from .checkreport import Item, convention_words, diagnosis, how_far, say
from .equiv import _num
from .mistakes_count import ANY
from .mistakes_shape import Scenario
from .numbers import ROUNDED, Approx, rounded_to
from .sheet import to_hwc
from .truth import Truth

OWN_CONVENTIONS = ("mul", "mac", "flop", "flop+bias")


class Diagnoser:
    """The diagnosis half of a grading context: needs ``self.g`` (the Grader), ``self.num`` (the
    numeric Truth or None), ``self.answers``, the sheet's ``self.tolerance`` and ``self.layout``, and
    ``self._nchw`` (a shape answer in PyTorch's order)."""

    def _diagnose(self, it: Item, a: Answer, given, truth: Truth | None = None) -> None:
        truth = truth or self.num
        exp = truth.expected(a.layer, a.field)
        tol = self.tolerance
        if matches(given, exp, tol) and not isinstance(given, Approx):
            return
        lang = self.g.lang
        found: dict[str, str | None] = {}
        values: dict[str, dict] = {}
        numeric = not isinstance(exp, tuple) and not free(exp) and not free(given) and exp != 0
        if numeric and isinstance(given, Approx):   # a rounded figure near the truth: rounded, nothing else
            self._rounded(found, values, given, exp)
        if isinstance(exp, tuple) and batch_only(given, exp):
            found["off_by_batch"] = None
        if isinstance(exp, tuple) and len(exp) >= 3 and not found:
            if self.layout == "nchw" and equal(given, to_hwc(exp)):
                found["channels_last"] = None
            elif self.layout == "hwc" and equal(to_hwc(full(given, exp)), exp):
                found["channels_first"] = None
        if a.field == "flops" and not found:
            other = [n for n, v in truth.convention_values(a.layer, a.field).items()
                     if n != truth.convention and v != exp and matches(given, v, tol)]
            own = [n for n in other if n in OWN_CONVENTIONS]
            other = own or other   # symcnn's own names (flop = 2·MACs) say it best; else the tools
            if other:
                found["flops_convention"] = None
                values["flops_convention"] = {"matched": ", ".join(other),
                                              "asked": convention_words(lang, truth.convention)}
        for mid, origin, value in ([] if "rounded" in found else truth.alternatives(a.layer, a.field)):
            hit = (given != exp and given != 0) if value is ANY else matches(given, value, tol)
            if hit and (mid not in found or (found[mid] is not None and origin is None)):
                found[mid] = origin
        if numeric and not found and not isinstance(given, Approx):   # 62,400,000 for 62,378,344
            self._rounded(found, values, given, exp)
        if "flops_convention" in found:   # names the factor 2 and more: which count it is
            found.pop("macs_vs_flops", None)
        if "bytes_per_element" in found:
            values["bytes_per_element"] = {"size": truth.size, "dtype": truth.dtype}
        if not found and isinstance(exp, tuple) and truth is self.num:
            found.update(self._carried(a, given, exp))
        if not found and a.field == "macs" and a.layer and truth is self.num:
            found.update(self._macs_from_own_shape(a, given, exp))
        if any(o is None for o in found.values()):   # a mistake in this very step explains it best
            found = {m: o for m, o in found.items() if o is None}
        it.diagnosis.extend(diagnosis(mid, origin, lang, truth.family(a.layer if origin is None else origin),
                                      **values.get(mid, {})) for mid, origin in found.items())
        if it.note is not None:
            return
        if not found and not isinstance(exp, tuple) and exp != 0:
            it.note = how_far(_num(given.value) if isinstance(given, Approx) else given, exp, lang)
        elif not found and isinstance(exp, tuple):
            bad = [str(i) for i, (x, y) in enumerate(zip(full(given, exp), exp)) if x != y]
            if bad:
                it.note = say(lang, "wrong_dims", dims=", ".join(bad))

    def _rounded(self, found: dict, values: dict, given, exp) -> None:
        off = _rounding(given, exp)
        if off is None:
            return
        lang, tol = self.g.lang, self.tolerance
        found["rounded"] = None
        asked = say(lang, "asks_within", tolerance=_percent(tol)) if tol else say(lang, "asks_exact")
        values["rounded"] = {"off": _percent(off, signed=True), "asked": asked}

    def _step_of(self, layer: str, fld: str) -> int | None:
        """The step whose output a shape answer states (input_shape: the producing step)."""
        tr = self.num.trace
        idx = self.num.layers[layer]
        if fld == "output_shape":
            return idx[-1]
        first = tr.steps[idx[0]]
        return first.parents[0] if first.parents else None

    def _wrong_shapes(self) -> list[tuple[int, str, tuple]]:
        """(step, layer, full shape) of every wrong numeric shape answer in this file (computed once)."""
        if not hasattr(self, "_wrong"):
            self._wrong = []
            for b in self.answers.items:
                if b.layer is None or b.layer not in self.num.layers or len(self.num.layers[b.layer]) != 1 \
                        or (own := self._own_shape(b)) is None:
                    continue
                src = self._step_of(b.layer, b.field)
                truth = self.num.expected(b.layer, b.field)
                shape = full(own, truth)
                if src is not None and src >= 0 and len(shape) == len(truth) and not equal(shape, truth):
                    self._wrong.append((src, b.layer, shape))
        return self._wrong

    def _own_shape(self, b: Answer) -> tuple | None:
        """Another answer of this sheet that is a shape of whole numbers, in PyTorch's order (else None)."""
        if not isinstance(b.value, tuple) or not all(isinstance(v, int) for v in b.value):
            return None
        rank = len(self.num.expected(b.layer, b.field))
        return self._nchw(tuple(Integer(v) for v in b.value), rank)

    def _macs_from_own_shape(self, a: Answer, given, exp) -> dict:
        """Are these MACs right for the student's own (wrong) output shape of the same conv/linear layer?"""
        idx = self.num.layers[a.layer]
        step = self.num.trace.steps[idx[-1]]
        if len(idx) != 1 or step.rule is None or step.rule.family not in ("conv", "linear") \
                or hasattr(step.rule, "op"):
            return {}
        for b in self.answers.items:
            if b.layer == a.layer and b.field == "output_shape" and (shape := self._own_shape(b)) is not None:
                shape = full(shape, tuple(step.output))
                true = numel(step.output)
                if len(shape) == len(step.output) and true != 0 and equal(given, exp * numel(shape) / true):
                    return {"carried_forward": f"{a.layer}.output_shape"}
        return {}

    def _carried(self, a: Answer, given: tuple, exp: tuple) -> dict:
        """Is this wrong shape what the true rules give from the student's own (wrong) earlier shape?"""
        target = self._step_of(a.layer, a.field) if a.layer else None
        if target is None:
            return {}
        earlier = [w for w in self._wrong_shapes() if w[0] < target]
        if not earlier:
            return {}
        src, layer, shape = max(earlier, key=lambda w: w[0])
        sc = Scenario(self.num.trace, "carried_forward", src, seed=shape, memo=self.num._memo)
        if target in sc.changed and equal(given, sc.changed[target][0]):
            return {"carried_forward": layer}
        return {}


def _frac(v) -> Fraction:
    return Fraction(int(v.p), int(v.q)) if hasattr(v, "p") else Fraction(v)


def _rounding(given, exp) -> Fraction | None:
    """The relative error of a rounded answer (an approximate one within 1% or its own rounding, or a
    whole number that is the exact value rounded to fewer digits); None if it is not one."""
    if isinstance(given, Approx):
        off = (given.value - _frac(exp)) / _frac(exp)
        return off if abs(off) <= ROUNDED or given.close(_frac(exp), Fraction(0)) else None
    if getattr(given, "is_Integer", False) and getattr(exp, "is_Integer", False) \
            and rounded_to(int(exp), int(given)):
        return (_frac(given) - _frac(exp)) / _frac(exp)
    return None


def _percent(x: Fraction, signed: bool = False) -> str:
    return f"{float(x) * 100:{'+' if signed else ''}.2g}%"


def correct(given, exp, tolerance: Fraction) -> bool:
    """Right under the sheet: exactly, or (approximate answers, and whole numbers that are the exact
    value rounded) within the relative ``tolerance``."""
    if isinstance(given, Approx):
        return not free(exp) and not isinstance(exp, tuple) and given.within(_frac(exp), tolerance)
    if equal(given, exp):
        return True
    return bool(tolerance) and _rounding(given, exp) is not None and \
        abs(_frac(given) - _frac(exp)) <= tolerance * abs(_frac(exp))


def matches(given, value, tolerance: Fraction = Fraction(0)) -> bool:
    """Does the answer give ``value``: exactly, or an approximate answer within its own rounding or
    the tolerance."""
    if isinstance(given, Approx):
        return not isinstance(value, tuple) and not free(value) and given.close(_frac(value), tolerance)
    return equal(given, value)


def free(v) -> bool:
    return any(getattr(x, "free_symbols", None) for x in (v if isinstance(v, tuple) else (v,)))


def full(given: tuple, exp: tuple) -> tuple:
    return (exp[0], *given) if len(given) == len(exp) - 1 else given


def equal(given, exp) -> bool:
    if isinstance(exp, tuple) or isinstance(given, tuple):
        if not (isinstance(exp, tuple) and isinstance(given, tuple)):
            return False
        if len(given) == len(exp) - 1:
            exp = exp[1:]
        return len(given) == len(exp) and all(equal(x, y) for x, y in zip(given, exp))
    if isinstance(given, Approx) or isinstance(exp, Approx):
        return False
    return _num(given) == _num(exp)


def batch_only(given: tuple, exp: tuple) -> bool:
    if len(given) == len(exp) + 1:
        return equal(given[1:], exp) or equal(given[:-1], exp)
    return len(given) == len(exp) and len(exp) > 1 and given[0] != exp[0] and equal(given[1:], exp[1:])


def show(v) -> str:
    return f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)


__all__ = ["Diagnoser", "batch_only", "correct", "equal", "free", "full", "matches", "show"]
