"""What an answers file may contain, and where each key is: the checks behind ``answers.loads``.

``read(doc, text, path)`` walks the TOML document (tables [input], [options], [layers.NAME],
[total], [points]) and turns every allowed value into an ``Answer``; anything else (unknown table or
field, wrong type, NaN, huge or empty values, too many items) is one AnswersError with the file and
TOML line (tomllib keeps no line numbers: tomllines.locate finds them in the text).

Owns: read, TomlFloat, TABLES, OPTIONS, SHAPE_FIELDS and the limits MAX_VALUE, MAX_SIZE,
MAX_ITEMS.
Never: open files (answers.load does), evaluate anything (formulas stay strings), trace the net.
"""

from __future__ import annotations

import difflib
import math
import re
from fractions import Fraction

from ..core.errors import Where
from ..core.formula_parse import split_shape
from .numbers import read_tolerance
from .sheet import DTYPES, FIELDS, TOTAL_FIELDS, Answer, Answers, AnswersError, Entry
from .tomllines import locate

SHAPE_FIELDS = ("output_shape", "input_shape")
TABLES = ("input", "options", "layers", "total", "points")
OPTIONS = ("flops", "tolerance", "layout", "dtype")
_LAYOUT_NAMES = {"nchw": "nchw", "chw": "nchw", "hwc": "hwc", "nhwc": "hwc"}


class TomlFloat(str):
    """A TOML float as written in the file (tomllib's ``parse_float``): 34944.0 is exact, 1.135e9 is a
    rounded figure, and a Python float would lose which one the student wrote."""

MAX_VALUE = 10**30
MAX_SIZE = 10**7
MAX_ITEMS = 2000


def read(doc: dict, text: str, path: str) -> Answers:
    """The checked answers of a parsed TOML document ``doc`` (``text`` gives the line numbers)."""
    return _Reader(text, path).read(doc)


# --- the reader -----------------------------------------------------------------------------------

def _suggest(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.5)
    return f"did you mean {close[0]!r}? " if close else ""


class _Reader:
    def __init__(self, text: str, path: str):
        self.lines = locate(text)
        self.path = path

    def line(self, *key: str) -> int | None:
        for n in range(len(key), 0, -1):
            if key[:n] in self.lines:
                return self.lines[key[:n]]
            below = [no for k, no in self.lines.items() if k[:n] == key[:n]]
            if below:
                return min(below)
        return None

    def fail(self, key: tuple[str, ...], what: str, fix: str) -> None:
        raise AnswersError(what, fix=fix, where=Where(self.path, self.line(*key)))

    def read(self, doc: dict) -> Answers:
        out = Answers(self.path)
        for name, value in doc.items():
            if name not in TABLES:
                self.fail((name,), f"unknown table or key {name!r}",
                          f"{_suggest(name, TABLES)}use [input], [options], [layers.NAME], [total], [points]")
            if not isinstance(value, dict):
                self.fail((name,), f"{name!r} must be a table ([{name}]), not a {_type(value)}",
                          f"write [{name}] on its own line and the values under it")
        self._input(doc.get("input", {}), out)
        self._options(doc.get("options", {}), out)
        for layer, fields in self._layers(doc.get("layers", {}), ("layers",)):
            for fname, value in fields.items():
                self._item(out, ("layers", *layer), ".".join(layer), fname, value, FIELDS)
        for fname, value in doc.get("total", {}).items():
            self._item(out, ("total",), None, fname, value, TOTAL_FIELDS)
        self._points(doc.get("points", {}), out)
        if len(out.items) > MAX_ITEMS:
            self.fail((), f"has {len(out.items)} answers, more than {MAX_ITEMS}", "split the answers file")
        return out

    def _layers(self, table: dict, key: tuple[str, ...]):
        """Yield (layer-name parts, fields); [layers.features.0] is read as the layer 'features.0'."""
        for name, value in table.items():
            if not isinstance(value, dict):
                self.fail((*key, name),
                          f"[layers] entry {name!r} must be a table of fields, not a {_type(value)}",
                          f"write [layers.{name}] and its fields (params = ...) under it")
            here = (*key, name)
            if not value:
                self.fail(here, f"layer {'.'.join(here[1:])!r} has no answers",
                          "give at least one field or remove it")
            for k, v in value.items():
                if isinstance(v, dict) and k in FIELDS:
                    self.fail((*here, k), f"{'.'.join((*here, k))} is a table",
                              "give a whole number or a formula string (a shape as a list)")
            plain = {k: v for k, v in value.items() if not isinstance(v, dict)}
            nested = {k: v for k, v in value.items() if isinstance(v, dict)}
            if plain:
                yield here[1:], plain
            for sub, v in nested.items():
                yield from self._layers({sub: v}, here)

    def _item(self, out: Answers, table: tuple[str, ...], layer, fname: str, value, allowed) -> None:
        key = (*table, fname)
        where = f"[{'.'.join(table)}]"
        if fname not in allowed:
            self.fail(key, f"unknown field {fname!r} in {where}",
                      f"{_suggest(fname, allowed)}the fields are {', '.join(allowed)}")
        if fname in SHAPE_FIELDS:
            v = self._shape(key, value)
        else:
            v = self._count(key, value)
        out.items.append(Answer(".".join((table[0], layer, fname)) if layer else f"total.{fname}",
                                layer, fname, v, self.line(*key)))

    def _count(self, key, value) -> Entry | None:
        name = ".".join(key)
        if isinstance(value, bool):
            self.fail(key, f"{name} is a boolean ({str(value).lower()})",
                      "give a whole number or a formula string")
        if isinstance(value, TomlFloat):   # a TOML float, kept as written: 34944.0 exact, 1.135e9 approximate
            if value.lstrip("+-") in ("nan", "inf"):
                self.fail(key, f"{name} is {value.lstrip('+')}", "give a whole number or a formula string")
            return str(value)
        if isinstance(value, int):
            if abs(value) > MAX_VALUE:
                self.fail(key, f"{name} is too large ({len(str(abs(value)))} digits)",
                          "check the number; counts above 10^30 are not plausible")
            return value
        if isinstance(value, str):
            if not value.strip():
                return None   # left blank: graded as "no answer"
            if len(value) > 400:
                self.fail(key, f"{name} is longer than 400 characters", "simplify the formula")
            return value.strip()
        self.fail(key, f"{name} is a {_type(value)}", "give a whole number or a formula string")
        raise AssertionError  # unreachable

    def _shape(self, key, value) -> tuple[Entry, ...] | None:
        name = ".".join(key)
        if isinstance(value, str) and not isinstance(value, TomlFloat):
            if not value.strip():
                return None   # left blank: graded as "no answer"
            value = split_shape(value)
        if not isinstance(value, list) or not value:
            what = "an empty list" if value == [] else f"a {_type(value)}"
            self.fail(key, f"{name} must be a list of sizes, not {what}",
                      'write [1, 96, 55, 55] or "96x55x55"')
        if len(value) > 8:
            self.fail(key, f"{name} has {len(value)} sizes", "give at most 8 sizes")
        sizes = tuple(self._count(key, v) for v in value)
        if None in sizes:
            self.fail(key, f"{name} has an empty size", 'give every size: [1, 96, 55, 55] or "96x55x55"')
        return sizes

    def _input(self, table: dict, out: Answers) -> None:
        for name in table:
            if name != "shape":
                self.fail(("input", name), f"unknown key {name!r} in [input]",
                          "the only key is shape = [1, 3, 227, 227]")
        if "shape" in table:
            shape = self._shape(("input", "shape"), table["shape"])
            if shape is None:
                self.fail(("input", "shape"), "[input] shape is empty",
                          "give the input shape, e.g. [1, 3, 227, 227], or remove the line")
            for v in shape:
                if isinstance(v, int) and not 1 <= v <= MAX_SIZE:
                    self.fail(("input", "shape"), f"input shape has the size {v}",
                              f"sizes must be positive and at most {MAX_SIZE:,}")
                if isinstance(v, str) and not re.fullmatch(r"[A-Za-z_][A-Za-z_0-9]*|\d+", v):
                    self.fail(("input", "shape"), f"input size {v!r} is not a number or a symbol name",
                              "write numbers or names such as H and W: [1, 3, \"H\", \"W\"]")
            out.input_shape = tuple(int(v) if isinstance(v, str) and v.isdigit() else v for v in shape)
            out.input_line = self.line("input", "shape")

    def _options(self, table: dict, out: Answers) -> None:
        from ..flops.conventions import CONVENTIONS, ORDER

        for name, value in table.items():
            key = ("options", name)
            if name == "flops":
                if not isinstance(value, str) or value not in CONVENTIONS:
                    self.fail(key, f"unknown FLOPs convention {value!r}", f"use one of: {', '.join(ORDER)}")
                out.flops = value
            elif name == "tolerance":
                out.tolerance = self._tolerance(key, value)
            elif name == "layout":
                v = _LAYOUT_NAMES.get(value.lower()) if isinstance(value, str) else None
                if v is None:
                    self.fail(key, f"unknown layout {value!r}",
                              'use "nchw" (shapes as PyTorch prints them, N×C×H×W) or "hwc" (H×W×C)')
                out.layout = v
            elif name == "dtype":
                v = value.removeprefix("torch.") if isinstance(value, str) else None
                if v not in DTYPES:
                    self.fail(key, f"unknown dtype {value!r}", f"use one of: {', '.join(DTYPES)}")
                out.dtype = v
            else:
                self.fail(key, f"unknown option {name!r}",
                          f"{_suggest(name, OPTIONS)}the options are {', '.join(OPTIONS)}")

    def _tolerance(self, key, value) -> Fraction:
        """A relative tolerance: 0.01, or "1%"."""
        t = read_tolerance(value)
        if t is None:
            self.fail(key, f"tolerance must be a relative error from 0 to below 1, not {value!r}",
                      'write e.g. tolerance = 0.01 or tolerance = "1%" (0: exact answers only)')
        return t

    def _points(self, table: dict, out: Answers) -> None:
        for name, value in table.items():
            if isinstance(value, dict):
                self.fail(("points", name), f"[points] entry {name!r} is a table",
                          'quote item keys: "layers.conv1.params" = 2')
            if isinstance(value, TomlFloat):
                value = float(value)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or value < 0 or value > 10**6:
                self.fail(("points", name),
                          f"points for {name!r} must be a number from 0 to 10^6, not {value!r}",
                          "write e.g. params = 2")
            if name == "default":
                out.default_points = float(value)
            elif name in FIELDS or name.startswith(("layers.", "total.")):
                out.points[name] = float(value)
            else:
                self.fail(("points", name), f"unknown [points] key {name!r}",
                          'use default, a field name (params = 2) or an item key ("layers.conv1.params" = 2)')
        known = {a.key for a in out.items}
        for name in out.points:
            if "." in name and name not in known:
                self.fail(("points", name), f"[points] names {name!r}, which is not answered in this file",
                          f"{_suggest(name, known)}use the key of an answered item")


def _type(v) -> str:
    return {dict: "table", list: "list", str: "string", bool: "boolean", int: "number", float: "number",
            TomlFloat: "number"}.get(type(v), "value of another kind")


__all__ = ["MAX_ITEMS", "MAX_SIZE", "MAX_VALUE", "OPTIONS", "SHAPE_FIELDS", "TABLES", "TomlFloat", "read"]
