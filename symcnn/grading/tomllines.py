"""Where things are in the text of an answers file, and tomllib's errors as plain sentences.

tomllib keeps no line numbers and reports some errors "at end of document" (a key given twice, a
list never closed), so this module reads the text itself: ``locate`` maps every key and table to
its line, ``duplicate_line`` finds the key given twice, ``open_list`` finds the ``[`` of a list that
is never closed, and ``toml_error`` turns a TOMLDecodeError into one AnswersError with
file:line:column and words a student understands ("a list [ is not closed" rather than "Invalid value").

Owns: locate, duplicate_line, open_list, toml_error.
Never: parse values or check what a sheet may contain (answerschema.py does), open files.
"""

from __future__ import annotations

import re
import tomllib

from ..core.errors import Where
from .sheet import AnswersError

_KEY = r'(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|\'[^\']*\')'
_DOTTED = rf"\s*{_KEY}(?:\s*\.\s*{_KEY})*\s*"
_HEADER = re.compile(rf"^\s*\[\[?({_DOTTED})\]\]?\s*(#.*)?$")
_ASSIGN = re.compile(rf"^({_DOTTED})=")


def _split_key(dotted: str) -> tuple[str, ...]:
    parts = re.findall(_KEY, dotted)
    return tuple(p[1:-1] if p[:1] in "\"'" else p for p in parts)


def duplicate_line(text: str) -> int | None:
    """Line of the first key or table given twice (tomllib reports those 'at end of document')."""
    seen: set = set()
    table: tuple[str, ...] = ()
    for no, line in enumerate(text.splitlines(), 1):
        if m := _HEADER.match(line):
            table = _split_key(m.group(1))
            key = ("[", *table)
        elif m := _ASSIGN.match(line):
            key = (*table, *_split_key(m.group(1)))
        else:
            continue
        if key in seen:
            return no
        seen.add(key)
    return None


def locate(text: str) -> dict[tuple[str, ...], int]:
    """Key path -> line number, for tables and assignments (best effort; multi-line strings skipped)."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_multi = None
    for no, line in enumerate(text.splitlines(), 1):
        if in_multi:
            if in_multi in line:
                in_multi = None
            continue
        if m := _HEADER.match(line):
            table = _split_key(m.group(1))
            lines.setdefault(table, no)
        elif m := _ASSIGN.match(line):
            lines.setdefault(table + _split_key(m.group(1)), no)
            rest = line[m.end():]
            for q in ('"""', "'''"):
                if rest.count(q) == 1:
                    in_multi = q
    return lines


def open_list(text: str) -> tuple[int, int] | None:
    """(line, column) of the ``[`` of a value list that is never closed: the text ends, or a
    [table] header or a ``key =`` line starts, while it is open. Strings and comments are skipped."""
    opened: list[tuple[int, int]] = []
    after_equals = False
    for no, line in enumerate(text.splitlines(), 1):
        if opened and (_HEADER.match(line) or _ASSIGN.match(line.strip())):
            return opened[0]
        if not opened:
            after_equals = False
        i, quote = 0, None
        while i < len(line):
            ch = line[i]
            if quote:
                if ch == "\\" and quote == '"':
                    i += 1
                elif ch == quote:
                    quote = None
            elif ch in "\"'":
                quote = ch
            elif ch == "#":
                break
            elif ch == "=" and not opened:
                after_equals = True
            elif ch == "[" and (opened or after_equals):
                opened.append((no, i + 1))
            elif ch == "]" and opened:
                opened.pop()
                if not opened:
                    after_equals = False
            i += 1
    return opened[0] if opened else None


# tomllib's messages as plain sentences (and the fix for each); unknown ones are kept, lower-cased
_PLAIN = {
    "Invalid statement": ("this line is neither key = value nor a [table]",
                          'write key = value lines under [tables], strings in "quotes"'),
    "Expected ']' at the end of a table declaration": ("a [table] header has no closing ]",
                                                       "write the table as [layers.conv1]"),
    "Expected '=' after a key in a key/value pair": ("a key has no = after it",
                                                     'write key = value, e.g. params = 34944'),
    "Invalid initial character for a key part": ("a key starts with a character a key cannot start with",
                                                  'quote unusual names: [layers."F.max_pool2d#1"]'),
    "Unclosed inline table": ("a { table } is not closed", "close it with }, or write a [table] instead"),
    "Unterminated string": ("a string has no closing quote", 'close it with " on the same line'),
    "Illegal character '\\n'": ("a string has no closing quote before the end of the line",
                                'close it with " on the same line'),
    "Expected newline or end of document after a statement": (
        "a value is followed by more text on its line",
        'one key = value per line; put numbers written with commas or spaces in quotes: "34,944"'),
    "Invalid value": ("a value is not a number, a \"string\", a [list] or true/false",
                      'write numbers as 34944 and anything else in quotes: "34,944", "1.14 G", "1x96x55x55"'),
}


def toml_error(e: tomllib.TOMLDecodeError, text: str, path: str) -> AnswersError:
    """One AnswersError for a TOML syntax error, at file:line:column."""
    msg = str(e)
    m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
    line, col = (int(m.group(1)), int(m.group(2))) if m else (None, None)
    what = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", msg) or "Invalid TOML"
    if "overwrite" in msg or "twice" in msg:
        line, col = line or duplicate_line(text), None if line is None else col
        if m := re.fullmatch(r"Cannot declare \((.*)\) twice", what):
            name = ".".join(part.strip(" ',\"") for part in m.group(1).split(","))
            what = f"the table [{name}] is given twice"
        else:
            what = "a key is given twice (cannot overwrite a value)"
        return AnswersError(f"invalid TOML: {what}", where=Where(path, line, col),
                            fix="each key and table may appear once; remove the second one")
    at = open_list(text)
    if at is not None and (what in ("Unclosed array", "Invalid value") or line is None or at[0] <= line):
        return AnswersError("invalid TOML: a list [ is not closed", where=Where(path, *at),
                            fix="close the list with ], e.g. shape = [1, 3, 227, 227]")
    default = (what[0].lower() + what[1:], 'write key = value lines under [tables], strings in "quotes"')
    plain, fix = _PLAIN.get(what, default)
    return AnswersError(f"invalid TOML: {plain}", where=Where(path, line, col), fix=fix)


__all__ = ["duplicate_line", "locate", "open_list", "toml_error"]
