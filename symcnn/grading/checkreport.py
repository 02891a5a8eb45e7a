"""What grading an answers file yields: Report, Item, Diagnosis (data), and the catalogue lookups
that fill an item's diagnosis messages and notes in the grader's language.

Every word comes from the [check] and [mistakes] tables of templates/i18n/<lang>.toml; this module
only picks the message and fills in its {placeholders} (number formats included, e.g. {diff:+,}).

Owns: Diagnosis, Item, Report, say, how_far.
Never: grade, print, choose an output format, or write a word in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sympy import Rational

from ..core.render import catalogue


@dataclass(frozen=True, slots=True)
class Diagnosis:
    id: str
    message: str
    origin: str | None = None   # the layer where it was made, if not this item's ("all": every layer)


@dataclass(slots=True)
class Item:
    key: str
    expected: object
    given: object
    correct: bool
    points: float
    max_points: float
    diagnosis: list[Diagnosis] = field(default_factory=list)
    note: str | None = None      # counterexample, or how far off when no mistake reproduces it
    how: str | None = None       # the correct step
    line: int | None = None
    raw: object = None           # the answer as written (int, formula string, a list; None: left blank)
    layer: str | None = None     # the layer's name (None: a [total] item)
    field: str = ""


@dataclass(slots=True)
class Report:
    path: str
    items: list[Item] = field(default_factory=list)
    error: str | None = None     # the file could not be graded (one line)
    # what it was graded against (a Truth: the traced net, its FLOPs convention): the worked steps
    # of its feedback are derived from it (feedback.render_report)
    truth: object = field(default=None, repr=False, compare=False)

    @property
    def score(self) -> float:
        return sum(i.points for i in self.items)

    @property
    def max_score(self) -> float:
        return sum(i.max_points for i in self.items)

    @property
    def all_correct(self) -> bool:
        return self.error is None and all(i.correct for i in self.items)


def say(lang: str, key: str, **values) -> str:
    """The [check] message ``key`` of ``lang`` ("how.params": a nested table) with its values filled in."""
    msg = catalogue(lang)["check"]
    for part in key.split("."):
        msg = msg[part]
    return msg.format(**values)


def diagnosis(mid: str, origin: str | None, lang: str, family: str | None = None, **values) -> Diagnosis:
    """Mistake ``mid`` made at ``origin`` (None: in this item's own step; "all": in every layer), in the
    wording for layer ``family`` (conv, linear ...) when the catalogue has one; ``values`` fill the
    message's {placeholders}."""
    from .mistakes import message

    msg = message(mid, lang, family)
    if mid == "carried_forward":
        msg = msg.format(layer=origin)
    elif values:
        msg = msg.format(**values)
    if mid != "carried_forward" and origin == "all":
        msg = say(lang, "in_every_layer", message=msg)
    elif mid != "carried_forward" and origin is not None:
        msg = say(lang, "follows_from", origin=origin, message=msg)
    return Diagnosis(mid, msg, origin)


def convention_words(lang: str, name: str) -> str:
    """A FLOPs convention's name, with what it counts where the catalogue says: 'mac (multiply-...)'."""
    what = catalogue(lang).get("conventions", {}).get(name)
    return say(lang, "asks_convention", name=name, what=what) if what else name


def how_far(given, exp, lang: str) -> str | None:
    """'off by -656 (-0.11%)', or 'off by +1,135,256,096 (2 × the expected value)'."""
    d = given - exp
    if not (given.is_Rational and exp.is_Rational) or not (d.is_Integer or not given.is_Integer):
        return None
    d = round(d)
    ratio = float(Rational(given, exp))
    if abs(ratio - 1) < 0.1:
        return say(lang, "off_by_percent", diff=int(d), percent=(ratio - 1) * 100)
    return say(lang, "off_by_ratio", diff=int(d), ratio=ratio)


__all__ = ["Diagnosis", "Item", "Report", "convention_words", "diagnosis", "how_far", "say"]
