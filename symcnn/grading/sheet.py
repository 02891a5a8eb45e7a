"""The items of an answers sheet: what ``answers.load`` gives and the checker grades.

Owns: Answer, Answers, AnswersError, FIELDS, TOTAL_FIELDS, Entry.
Never: read files or TOML (answers.py and answerschema.py do), evaluate anything, trace the net.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.errors import InputError, Where

FIELDS = ("output_shape", "input_shape", "params", "weights", "biases", "macs", "flops")
TOTAL_FIELDS = ("output_shape", "params", "macs", "flops")
Entry = int | str


class AnswersError(InputError):
    """An answers file that cannot be used: bad TOML, unknown keys, malformed values."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One graded item: ``layers.conv1.params`` = 34944 (line 7)."""

    key: str
    layer: str | None          # None for [total]
    field: str
    value: Entry | tuple[Entry, ...]   # a count (int or formula string) or a shape (tuple of entries)
    line: int | None = None


@dataclass(slots=True)
class Answers:
    path: str
    items: list[Answer] = field(default_factory=list)
    input_shape: tuple[Entry, ...] | None = None
    input_line: int | None = None
    flops: str | None = None
    points: dict[str, float] = field(default_factory=dict)
    default_points: float = 1.0

    def where(self, line: int | None) -> Where:
        return Where(self.path, line)

    def points_for(self, a: Answer) -> float:
        return self.points.get(a.key, self.points.get(a.field, self.default_points))


__all__ = ["FIELDS", "TOTAL_FIELDS", "Answer", "Answers", "AnswersError", "Entry"]
