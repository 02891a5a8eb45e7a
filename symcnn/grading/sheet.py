"""The items of an answers sheet: what ``answers.load`` gives and the checker grades.

Owns: Answer, Answers, AnswersError, FIELDS, TOTAL_FIELDS, Entry, DTYPES, LAYOUTS, to_hwc, from_hwc.
Never: read files or TOML (answers.py and answerschema.py do), evaluate anything, trace the net.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ..core.errors import InputError, Where

FIELDS = ("output_shape", "input_shape", "params", "weights", "biases", "macs", "flops", "activations",
          "activation_bytes")
TOTAL_FIELDS = ("output_shape", "params", "macs", "flops", "activations", "activation_bytes")
Entry = int | str
DTYPES = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8}   # bytes per element
LAYOUTS = ("nchw", "hwc")   # how shapes are written: N×C×H×W (PyTorch), or the course notes' H×W×C


class AnswersError(InputError):
    """An answers file that cannot be used: bad TOML, unknown keys, malformed values."""


@dataclass(frozen=True, slots=True)
class Answer:
    """One graded item: ``layers.conv1.params`` = 34944 (line 7)."""

    key: str
    layer: str | None          # None for [total]
    field: str
    value: Entry | tuple[Entry, ...] | None   # a count (int, number or formula string), a shape
                                              # (tuple of entries), or None: left blank ("")
    line: int | None = None


@dataclass(slots=True)
class Answers:
    path: str
    items: list[Answer] = field(default_factory=list)
    input_shape: tuple[Entry, ...] | None = None
    input_line: int | None = None
    flops: str | None = None
    tolerance: Fraction = Fraction(0)   # relative; approximate answers (1.14 G) within it are right
    layout: str = "nchw"
    dtype: str = "float32"
    points: dict[str, float] = field(default_factory=dict)
    default_points: float = 1.0

    def where(self, line: int | None) -> Where:
        return Where(self.path, line)

    def points_for(self, a: Answer) -> float:
        return self.points.get(a.key, self.points.get(a.field, self.default_points))


def to_hwc(shape: tuple) -> tuple:
    """N×C×H×W as N×H×W×C (the course notes' order); shapes of rank < 3 stay as they are."""
    return (shape[0], *shape[2:], shape[1]) if len(shape) >= 3 else shape


def from_hwc(shape: tuple, rank: int) -> tuple:
    """A shape written H×W×C (with or without the batch) in PyTorch's order, for a tensor of ``rank``."""
    if rank < 3 or len(shape) not in (rank, rank - 1) or len(shape) < 2:
        return shape
    head = shape[:1] if len(shape) == rank else ()
    body = shape[len(head):]
    return (*head, body[-1], *body[:-1])


__all__ = ["DTYPES", "FIELDS", "LAYOUTS", "TOTAL_FIELDS", "Answer", "Answers", "AnswersError", "Entry",
           "from_hwc", "to_hwc"]
