"""Where the stand-in's modules were built and defined in net.py: the site of a layer's construction
(kept cheap: the line number is looked up only when an error needs it) and a class's definition line.

Owns: _site, _site_where, _line_table, _class_line. Never: build modules or record steps.
"""

from __future__ import annotations

import re
import sys
import types
from bisect import bisect_right
from functools import lru_cache

from ...core.errors import Where
from .. import record as rec


def _site() -> tuple | None:
    """(display name, code, instruction offset) of the innermost net.py frame. Cheap: the line number
    is found only if an error needs it (f_lineno scans the code, which made a 10,000-layer
    nn.Sequential(...) expression quadratic)."""
    s = rec.session()
    f = sys._getframe(2) if s is not None else None
    while f is not None:
        if f.f_code.co_filename == s.filename:
            return s.display, f.f_code, f.f_lasti
        f = f.f_back
    return None


def _site_where(site: tuple | None) -> Where | None:
    if site is None:
        return None
    display, code, lasti = site
    starts, lines = _line_table(code)
    i = bisect_right(starts, lasti) - 1
    return Where(display, lines[i] if i >= 0 else None)


@lru_cache(maxsize=64)
def _line_table(code: types.CodeType) -> tuple[list[int], list[int | None]]:
    """(bytecode offsets, line numbers) of a code object, built once: a 10,000-layer nn.Sequential
    is one huge expression, and scanning its lines for every layer would be quadratic."""
    rows = list(code.co_lines())
    return [start for start, _, _ in rows], [line for _, _, line in rows]


def _class_line(cls: type) -> Where | None:
    """Where net.py defines ``cls`` (for errors raised when no net.py frame is on the stack)."""
    s = rec.session()
    if s is None:
        return None
    m = re.search(rf"^[ \t]*class[ \t]+{re.escape(cls.__name__)}\b", s.source, re.MULTILINE)
    return Where(s.display, s.source.count("\n", 0, m.start()) + 1 if m else None)
