"""Naming the mistake behind a wrong answer: which known mistake reproduces the given value (in
this step, in an earlier layer, or in every layer), whether it follows from the student's own
earlier wrong answer, and otherwise how far off it is. Also the exact value comparisons grading uses.

Owns: Diagnoser (mixed into check._Context), equal, full, free, batch_only, show.
Never: trace a net, print, or write a word in Python (checkreport fills the catalogue's messages).
"""

from __future__ import annotations

from sympy import Integer

from ..rules.base import numel
from .answers import Answer
from .checkreport import Item, diagnosis, how_far, say
from .equiv import _num
from .mistakes import ANY, Scenario
from .truth import Truth


class Diagnoser:
    """The diagnosis half of a grading context: needs ``self.g`` (the Grader), ``self.num`` (the
    numeric Truth or None) and ``self.answers``."""

    def _diagnose(self, it: Item, a: Answer, given, truth: Truth | None = None) -> None:
        truth = truth or self.num
        exp = truth.expected(a.layer, a.field)
        if equal(given, exp):
            return
        found: dict[str, str | None] = {}
        if isinstance(exp, tuple) and batch_only(given, exp):
            found["off_by_batch"] = None
        if isinstance(exp, tuple) and len(exp) >= 3 and equal(given, (exp[0], *exp[2:], exp[1])):
            found["channels_last"] = None
        for mid, origin, value in truth.alternatives(a.layer, a.field):
            hit = (given != exp and given != 0) if value is ANY else equal(given, value)
            if hit and (mid not in found or (found[mid] is not None and origin is None)):
                found[mid] = origin
        if not found and isinstance(exp, tuple) and truth is self.num:
            found.update(self._carried(a, given, exp))
        if not found and a.field == "macs" and a.layer and truth is self.num:
            found.update(self._macs_from_own_shape(a, given, exp))
        if any(o is None for o in found.values()):   # a mistake in this very step explains it best
            found = {m: o for m, o in found.items() if o is None}
        lang = self.g.lang
        it.diagnosis.extend(diagnosis(mid, origin, lang) for mid, origin in found.items())
        if it.note is not None:
            return
        if not found and not isinstance(exp, tuple) and exp != 0:
            it.note = how_far(given, exp, lang)
        elif not found and isinstance(exp, tuple):
            bad = [str(i) for i, (x, y) in enumerate(zip(full(given, exp), exp)) if x != y]
            if bad:
                it.note = say(lang, "wrong_dims", dims=", ".join(bad))

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
                if b.layer is None or b.layer not in self.num.layers or not isinstance(b.value, tuple) \
                        or not all(isinstance(v, int) for v in b.value):
                    continue
                src = self._step_of(b.layer, b.field)
                truth = self.num.expected(b.layer, b.field)
                shape = full(tuple(Integer(v) for v in b.value), truth)
                if src is not None and src >= 0 and len(shape) == len(truth) and not equal(shape, truth):
                    self._wrong.append((src, b.layer, shape))
        return self._wrong

    def _macs_from_own_shape(self, a: Answer, given, exp) -> dict:
        """Are these MACs right for the student's own (wrong) output shape of the same conv/linear layer?"""
        idx = self.num.layers[a.layer]
        step = self.num.trace.steps[idx[-1]]
        if len(idx) != 1 or step.rule is None or step.rule.family not in ("conv", "linear") \
                or hasattr(step.rule, "op"):
            return {}
        for b in self.answers.items:
            if b.layer == a.layer and b.field == "output_shape" and all(isinstance(v, int) for v in b.value):
                shape = full(tuple(Integer(v) for v in b.value), tuple(step.output))
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
    return _num(given) == _num(exp)


def batch_only(given: tuple, exp: tuple) -> bool:
    if len(given) == len(exp) + 1:
        return equal(given[1:], exp) or equal(given[:-1], exp)
    return len(given) == len(exp) and len(exp) > 1 and given[0] != exp[0] and equal(given[1:], exp[1:])


def show(v) -> str:
    return f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)


__all__ = ["Diagnoser", "batch_only", "equal", "free", "full", "show"]
