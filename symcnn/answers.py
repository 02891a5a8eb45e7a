"""Reading an answers file (TOML, with the standard library's tomllib) into checked ``Answer`` items.

    [input]                 # optional
    shape = [1, 3, 227, 227]
    [options]               # optional
    flops = "mac"           # FLOPs convention of the flops fields
    [layers.conv1]
    output_shape = [1, 96, 55, 55]     # or "96x55x55", "1x96x55x55", entries may be formulas
    params = 34944                     # or a formula string over the input symbols
    [total]
    params = 62378344
    [points]
    default = 1
    "layers.conv1.params" = 2          # or a field name: params = 2

Every problem (bad TOML, unknown table or field, wrong type, NaN, huge or empty values) is one
AnswersError naming the file and TOML line; the checks of the tables and values, and the line
numbers, are in answerschema.py. Layer names and formulas are checked later against the traced net
(check.py).

Owns: the item model (Answer, Answers, AnswersError, FIELDS, TOTAL_FIELDS), load, loads.
Never: evaluate anything from the file (formulas stay strings here), trace the net.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError, Where

FIELDS = ("output_shape", "input_shape", "params", "weights", "biases", "macs", "flops")
TOTAL_FIELDS = ("output_shape", "params", "macs", "flops")
MAX_BYTES = 1_000_000
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


def load(path: str | Path) -> Answers:
    """Read and check an answers file. Raises AnswersError with the file and line."""
    p = Path(path)
    try:
        if p.is_dir():
            raise AnswersError(f"{path} is a directory", fix="give an answers .toml file")
        if p.stat().st_size > MAX_BYTES:
            raise AnswersError(f"{path} is larger than {MAX_BYTES} bytes",
                               fix="split or shorten the answers file")
        data = p.read_bytes()
    except FileNotFoundError:
        raise AnswersError(f"{path}: no such file", fix="give the path of an answers .toml file") from None
    except OSError as e:
        raise AnswersError(f"{path} cannot be read: {e.strerror}",
                           fix="check the file's permissions") from None
    try:
        text = data.decode("utf-8-sig")   # a BOM (Windows editors) is not part of the TOML
    except UnicodeDecodeError as e:
        raise AnswersError(f"{path}: not UTF-8 text (byte {e.start})", fix="save the file as UTF-8") from None
    return loads(text, str(path))


def loads(text: str, path: str = "<answers>") -> Answers:
    """Parse answers from TOML text; ``path`` is used in messages."""
    # imported here, not at the top: answerschema imports the model above
    from .answerschema import duplicate_line, read

    try:
        doc = tomllib.loads(text)
    except RecursionError:   # tomllib recurses once per nested [ or {
        raise AnswersError("invalid TOML: values nested too deeply", where=Where(path),
                           fix="write plain numbers, strings and lists of sizes") from None
    except tomllib.TOMLDecodeError as e:
        msg = str(e)
        m = re.search(r"\(at line (\d+), column \d+\)", msg)
        line = int(m.group(1)) if m else duplicate_line(text)
        what = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", msg) or "invalid TOML"
        fix = ("each key and table may appear once; remove the second one" if "overwrite" in msg
               else 'write key = value lines under [tables], strings in "quotes"')
        raise AnswersError(f"invalid TOML: {what[0].lower() + what[1:]}", where=Where(path, line),
                           fix=fix) from None
    return read(doc, text, path)


__all__ = ["FIELDS", "TOTAL_FIELDS", "Answer", "Answers", "AnswersError", "load", "loads"]
