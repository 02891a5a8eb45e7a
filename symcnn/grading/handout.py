"""Answer sheets a TA hands out: the blank sheet for students (``symcnn check NET.py --template``)
and the filled answer key (``--key``), for the layers and fields the TA picks.

The sheet is data (``Handout``: its tables and items, every value already a TOML literal) rendered
by ``templates/check/sheet.toml.j2`` with the [check.sheet] words of the catalogue, so each item
carries a comment saying what it asks, in which unit and convention. The key grades 100% and the
blank sheet is rejected item by item with "no answer" (tests/grading/test_handout.py checks both
on every bundled example).

Owns: Handout, SheetTable, SheetItem, handout, render_sheet, DEFAULT_FIELDS.
Never: grade, read answers, or write a word in Python (the template and the catalogue do).
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field

from ..core.errors import InputError
from ..core.fmt import sympy_str, text
from ..core.render import environment
from .sheet import DTYPES, FIELDS, TOTAL_FIELDS, to_hwc
from .truth import Truth

DEFAULT_FIELDS = ("output_shape", "params", "macs")
_BARE = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True, slots=True)
class SheetItem:
    field: str
    value: str            # a TOML literal: "" on a blank sheet, 34_944, [1, 96, 55, 55], "floor((H - 7)/4)"
    order: str = ""       # a shape's order: nchw, hwc, or flat (rank < 3); "" for a count


@dataclass(slots=True)
class SheetTable:
    header: str           # layers.conv1, layers."F.max_pool2d#1", total
    name: str | None      # the layer's name (None: [total])
    type: str | None = None
    line: int | None = None
    items: list[SheetItem] = field(default_factory=list)


@dataclass(slots=True)
class Handout:
    net: str
    model: str
    input: str            # 1×3×227×227
    input_toml: str       # [1, 3, 227, 227]
    key: bool
    convention: str
    dtype: str
    layout: str
    symbols: str          # the input symbols a formula may use ("H, W"), or ""
    options: dict[str, str] = field(default_factory=dict)   # [options] key -> TOML literal
    tables: list[SheetTable] = field(default_factory=list)

    @property
    def size(self) -> int:
        return DTYPES[self.dtype]


def _literal(v) -> str:
    """A TOML literal of an expected value: an int, a formula string, or a list of them."""
    if isinstance(v, tuple):
        return "[" + ", ".join(_literal(x) for x in v) + "]"
    if getattr(v, "is_Integer", False):
        return f"{int(v):_}" if abs(v) >= 10_000 else str(int(v))   # TOML reads 62_378_344
    return json.dumps(sympy_str(v), ensure_ascii=False)


def _key(name: str) -> str:
    return name if _BARE.fullmatch(name) else json.dumps(name, ensure_ascii=False)


def _layers(truth: Truth, wanted: list[str] | None) -> list[str]:
    """The display names (name#n for a layer called several times) of the chosen layers, in call order."""
    names = [truth.display[st.index] for st in truth.trace.steps]
    if wanted is None:
        return names
    out: list[str] = []
    for w in wanted:
        if w not in truth.layers:
            close = difflib.get_close_matches(w, names, n=1, cutoff=0.4)
            hint = f"did you mean {close[0]!r}? " if close else ""
            shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
            raise InputError(f"--layers: no layer {w!r} in this net", fix=f"{hint}the layers are: {shown}")
        out += [truth.display[i] for i in truth.layers[w] if truth.display[i] not in out]
    return [n for n in names if n in out]


def handout(truth: Truth, *, key: bool = False, fields=DEFAULT_FIELDS, layers: list[str] | None = None,
            totals: bool = True, layout: str = "nchw", net: str = "net.py") -> Handout:
    """The sheet of ``truth``'s net: every chosen layer with every chosen field (a field that has no
    value for a layer, such as the input shape of a layer without one, is left out)."""
    bad = [f for f in fields if f not in FIELDS]
    if bad:
        close = difflib.get_close_matches(bad[0], FIELDS, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise InputError(f"--fields: unknown field {bad[0]!r}",
                         fix=f"{hint}the fields are {', '.join(FIELDS)}")
    tr = truth.trace
    syms = sorted({s.name for v in tr.input_shape for s in getattr(v, "free_symbols", set())})
    h = Handout(net, tr.model, "×".join(text(v) for v in tr.input_shape), _literal(tuple(tr.input_shape)),
                key, truth.convention, truth.dtype, layout, ", ".join(syms))
    if "flops" in fields:
        h.options["flops"] = json.dumps(truth.convention)
    if layout != "nchw":
        h.options["layout"] = json.dumps(layout)
    if {"activations", "activation_bytes"} & set(fields):
        h.options["dtype"] = json.dumps(truth.dtype)

    def item(layer, f):
        v = truth.expected(layer, f)
        order = ""
        if isinstance(v, tuple):
            if not v:
                return None
            order = layout if len(v) >= 3 else "flat"
            v = to_hwc(v) if layout == "hwc" else v
        return SheetItem(f, _literal(v) if key else '""', order)

    for name in _layers(truth, layers):
        st = truth.steps_of(name)[0]
        t = SheetTable(f"layers.{_key(name)}", name, st.type, st.where.line if st.where else None)
        t.items = [it for f in fields if (it := item(name, f)) is not None]
        h.tables.append(t)
    total = [f for f in fields if f in TOTAL_FIELDS]
    if totals and total:
        items = [it for f in total if (it := item(None, f)) is not None]
        h.tables.append(SheetTable("total", None, items=items))
    return h


def render_sheet(h: Handout, lang: str = "en") -> str:
    """The sheet as TOML text, every item with its comment in ``lang``."""
    return environment("text", lang).get_template("check/sheet.toml.j2").render(h=h)


__all__ = ["DEFAULT_FIELDS", "Handout", "SheetItem", "SheetTable", "handout", "render_sheet"]
