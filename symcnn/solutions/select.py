"""``--layer PATTERN``: which traced calls a layer filter keeps (summary, derive, the JSON).

A pattern is an fnmatch glob (``*``, ``?``, ``[...]``; case-sensitive). A call is kept when a pattern
matches one of its names: its display name (``layer1.0.relu#2``), its dotted name (``layer1.0.relu``),
its name inside the innermost module that made it (``layer1.0.add#1`` for a residual add written in
``layer1.0``'s forward), or the name of a module it runs inside (``layer3.1`` keeps every call of that
block; ``layer3.1.*`` does too, through the qualified names).

Owns: names(trace), select(trace, patterns). Never: format text, or decide totals (they stay over the
whole net; the callers say so).
"""

from __future__ import annotations

import difflib
from fnmatch import fnmatchcase

from ..core.errors import InputError
from ..tracing.tracedata import Trace
from .summary import display_names


def _containers(trace: Trace) -> dict[int, list[str]]:
    """Step index -> the names of the modules (root excluded) whose calls produced it, outermost first."""
    out: dict[int, list[str]] = {}
    for m in getattr(trace, "modules", None) or ():
        if not m.name:
            continue
        for i in m.steps:
            out.setdefault(i, []).append(m.name)
    for chain in out.values():
        chain.sort(key=lambda n: n.count("."))
    return out


def names(trace: Trace) -> dict[int, tuple[str, ...]]:
    """Step index -> every name a pattern may match for it (see the module docstring)."""
    labels = display_names(trace.steps)
    inside = _containers(trace)
    out = {}
    for s in trace.steps:
        own = [labels[s.index], s.name]
        chain = [n for n in inside.get(s.index, ()) if n != s.name]
        if chain and not s.name.startswith(chain[-1] + "."):
            own.append(f"{chain[-1]}.{labels[s.index]}")   # a functional call inside a module's forward
        out[s.index] = tuple(dict.fromkeys([*own, *chain]))
    return out


def select(trace: Trace, patterns: tuple[str, ...] | list[str]) -> list[int] | None:
    """The indices of the steps the patterns keep, in call order; None when no pattern is given.

    Raises InputError when a pattern matches nothing, with a few close names.
    >>> select(trace, ["layer3.1.*"])  # doctest: +SKIP
    [120, 121, ...]
    """
    if not patterns:
        return None
    table = names(trace)
    kept: set[int] = set()
    for pat in patterns:
        if not pat.strip():
            raise InputError("--layer is empty", fix="give a layer name or a glob, e.g. --layer 'layer3.1.*'")
        hit = {i for i, ns in table.items() if any(fnmatchcase(n, pat) for n in ns)}
        if not hit:
            raise InputError(f"--layer {pat!r} matches no layer", fix=_suggest(pat, table))
        kept |= hit
    return sorted(kept)


def _suggest(pat: str, table: dict[int, tuple[str, ...]]) -> str:
    every = list(dict.fromkeys(n for ns in table.values() for n in ns))
    close = difflib.get_close_matches(pat, every, n=4, cutoff=0.5)
    if not close:   # a glob rarely resembles a name: compare its literal head
        head = pat.split("*", 1)[0].split("?", 1)[0].split("[", 1)[0]
        close = [n for n in every if head and n.startswith(head[: max(1, len(head) - 1)])][:4]
    if not close:
        close = every[:4]
    shown = ", ".join(close)
    return f"give a name of `symcnn summary` (e.g. {shown}) or a glob such as 'layer1.*'"


__all__ = ["names", "select"]
