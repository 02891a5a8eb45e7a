"""Reading an answers file (TOML, with the standard library's tomllib) into checked ``Answer`` items.

    [input]                 # optional
    shape = [1, 3, 227, 227]
    [options]               # optional
    flops = "mac"           # FLOPs convention of the flops fields
    tolerance = 0.01        # approximate answers (1.14 G) within 1% are right; default 0 (exact)
    [layers.conv1]
    output_shape = [1, 96, 55, 55]     # or "96x55x55", "1x96x55x55", entries may be formulas
    params = 34944                     # or "34,944", "34.9 K" (approximate), a formula string
    macs = ""                          # left blank: graded as "no answer"
    [total]
    params = 62378344
    [points]
    default = 1
    "layers.conv1.params" = 2          # or a field name: params = 2

The whole format, with every field and option, is docs/answers.md. Every problem (bad TOML, unknown
table or field, wrong type, NaN, huge values) is one AnswersError naming the file and TOML line (and
column for syntax errors); the checks of the tables and values are in answerschema.py, the line
numbers and TOML syntax errors in tomllines.py. Layer names, numbers and formulas are read later
against the traced net (check.py).

Owns: load, loads (the item model, Answer, Answers, AnswersError, is in sheet.py and re-exported here).
Never: evaluate anything from the file (numbers and formulas stay strings here), trace the net.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from ..core.errors import Where
from .answerschema import TomlFloat, read
from .sheet import FIELDS, TOTAL_FIELDS, Answer, Answers, AnswersError
from .tomllines import toml_error

MAX_BYTES = 1_000_000


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
    try:
        doc = tomllib.loads(text, parse_float=TomlFloat)
    except RecursionError:   # tomllib recurses once per nested [ or {
        raise AnswersError("invalid TOML: values nested too deeply", where=Where(path),
                           fix="write plain numbers, strings and lists of sizes") from None
    except tomllib.TOMLDecodeError as e:
        raise toml_error(e, text, path) from None
    return read(doc, text, path)


__all__ = ["FIELDS", "TOTAL_FIELDS", "Answer", "Answers", "AnswersError", "load", "loads"]
