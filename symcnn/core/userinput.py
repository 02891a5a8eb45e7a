"""Strict parsing of command-line values: ``--input`` shapes and ``--set NAME=VALUE`` substitutions.

Owns: parse_shape, parse_input / as_inputs (an input's shape and dtype, ``1x100``, ``1:long``),
parse_range / as_range (``1..512``), parse_sets, resolve_sets (check --set names against a trace, check its
constraints under the substituted values), and the rules for user symbol names.
Never: run user code, guess a value, or accept something it cannot parse exactly; every problem is
one InputError line.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

import sympy
from sympy import Expr, Integer, Symbol, sympify
from sympy.logic.boolalg import BooleanFalse

from . import symbols
from .errors import InputError
from .symbols import size_symbol

MAX_SIZE = 2**63 - 1          # torch sizes are int64
MAX_DIMS = 8
MAX_NAME = 32
MAX_TEXT = 400                # longer option values are rejected before any parsing
INPUT_SYMBOLS = frozenset("NCHWLT")
# every symbol of symbols.py that is not an input size is a layer hyper-parameter in the formulas (K, S, P, ...)
LAYER_SYMBOLS = frozenset(v.name for v in vars(symbols).values() if isinstance(v, Symbol)) - INPUT_SYMBOLS
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_INT = re.compile(r"[0-9]+\Z")


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def check_name(name: str, context: str) -> Symbol:
    """The size symbol for a user-given name, or an InputError saying why the name cannot be one."""
    if not _NAME.match(name) or len(name) > MAX_NAME:
        raise InputError(f"{context}: {_short(name)!r} is not a valid symbol name",
                         fix="use a letter followed by letters, digits or _ (e.g. H, W, H_in)")
    if name in LAYER_SYMBOLS:
        raise InputError(f"{context}: {name} is the symbol of a layer hyper-parameter in symcnn's formulas",
                         fix=f"name the size something else (e.g. {name}0 or H)")
    if name not in INPUT_SYMBOLS and (keyword.iskeyword(name) or name in vars(sympy)):
        raise InputError(f"{context}: {name} is a reserved name in SymPy or Python",
                         fix=f"name the size something else (e.g. {name}0 or H)")
    return size_symbol(name)


def _size(text: str, context: str) -> Integer:
    if not _INT.match(text):
        raise InputError(f"{context}: {_short(text)!r} is not a positive integer",
                         fix="give sizes as whole numbers >= 1 (e.g. 227) or as symbols (e.g. H)")
    v = int(text)
    if v < 1:
        raise InputError(f"{context}: size {v} is not positive", fix="give every size as an integer >= 1")
    if v > MAX_SIZE:
        raise InputError(f"{context}: size {_short(text)} is larger than 2**63 - 1",
                         fix="give a size PyTorch can represent")
    return Integer(v)


def parse_shape(text: str) -> tuple[Expr, ...]:
    """``1x3x227x227``, ``1,3,227,227``, ``1x3xHxW``, ``NxCxHxW`` (also ``(1, 3, 227, 227)``) to a shape.

    >>> parse_shape("1x3xHxW")
    (1, 3, H, W)
    """
    context = f"--input {_short(text)!r}"
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise InputError("--input is too long", fix=f"give at most {MAX_DIMS} sizes such as 1x3x227x227")
    body = text.strip()
    if len(body) >= 2 and (body[0], body[-1]) in (("(", ")"), ("[", "]")):
        body = body[1:-1].strip()
    if not body:
        raise InputError("--input is empty", fix="give a shape such as 1x3x227x227 or 1x3xHxW")
    # commas win: with commas a name may contain an x ("1,3,Hx,Wx"); else split on x, X, × or *
    parts = body.split(",") if "," in body else re.split(r"[xX×*]", body)
    if len(parts) > MAX_DIMS:
        raise InputError(f"{context} has {len(parts)} sizes", fix=f"give at most {MAX_DIMS} sizes")
    shape = []
    for raw in parts:
        part = raw.strip()
        if not part:
            raise InputError(f"{context} has an empty size", fix="write one size between each separator")
        if part[0].isdigit() or part[0] in "+-.":
            shape.append(_size(part, context))
        else:
            shape.append(check_name(part, context))
    return tuple(shape)


# dtype names as torch spells them (torch.long, torch.float32, ...) -> the canonical name
DTYPES = {"float": "float32", "float32": "float32", "half": "float16", "float16": "float16",
          "bfloat16": "bfloat16", "double": "float64", "float64": "float64", "long": "int64", "int64": "int64",
          "int": "int32", "int32": "int32", "short": "int16", "int16": "int16", "int8": "int8", "uint8": "uint8",
          "bool": "bool"}


@dataclass(frozen=True, slots=True)
class InputSpec:
    """One input of the model's forward: its shape and dtype (a torch dtype name, canonical)."""

    shape: tuple
    dtype: str = "float32"

    @property
    def integer(self) -> bool:
        return self.dtype.startswith(("int", "uint")) or self.dtype == "bool"


def parse_input(text: str) -> InputSpec:
    """``1x3x224x224``, ``1x100``, ``1:long`` (a dtype after a colon) to an InputSpec.

    >>> parse_input("4x16:long")
    InputSpec(shape=(4, 16), dtype='int64')
    """
    body, dtype = (text.rsplit(":", 1) + ["float32"])[:2] if isinstance(text, str) and ":" in text \
        else (text, "float32")
    name = str(dtype).strip().removeprefix("torch.")
    if name not in DTYPES:
        raise InputError(f"--input {_short(str(text))!r}: {_short(name)!r} is not a dtype",
                         fix=f"write a shape, then optionally :dtype with one of {', '.join(DTYPES)} "
                             "(e.g. --input 1x16:long)")
    return InputSpec(parse_shape(body), DTYPES[name])


def _shape_like(v) -> bool:
    return isinstance(v, (str, InputSpec)) or (isinstance(v, (tuple, list)) and all(
        isinstance(e, (int, str, Expr)) and not isinstance(e, bool) for e in v))


def as_inputs(value) -> list[InputSpec]:
    """The inputs a caller gives: one shape (``(1, 3, "H", "W")``, ``"1x3xHxW"``, an InputSpec) or a
    list of them (several inputs: one per argument of forward)."""
    if _shape_like(value) and not (isinstance(value, list) and value and all(isinstance(e, str) for e in value)):
        return [_one_input(value)]
    if isinstance(value, (tuple, list)) and value and all(_shape_like(v) for v in value):
        return [_one_input(v) for v in value]
    raise InputError(f"input {_short(repr(value))} is not a shape or a list of shapes",
                     fix="give a shape such as (1, 3, 224, 224), '1x3xHxW', or a list of them (one per input)")


def _one_input(v) -> InputSpec:
    if isinstance(v, InputSpec):
        return v
    if isinstance(v, str):
        return parse_input(v)
    shape = []
    for e in v:
        if isinstance(e, str):
            shape.extend(parse_shape(e))
        elif isinstance(e, Expr):   # a SymPy symbol (or expression): its names as size symbols
            where = f"input {_short(repr(tuple(v)))}"
            shape.append(e.xreplace({x: check_name(x.name, where) for x in e.free_symbols}))
        else:
            shape.append(_size(str(e), f"input {_short(repr(tuple(v)))}"))
    return InputSpec(tuple(shape))


def parse_range(text: str, option: str = "--range") -> range:
    """``1..512`` (both ends included) to ``range(1, 513)``."""
    m = re.fullmatch(r"\s*(\d+)\s*\.\.\s*(\d+)\s*", text or "") if isinstance(text, str) else None
    if not m or int(m.group(1)) < 0 or int(m.group(1)) > int(m.group(2)) or int(m.group(2)) > 100000:
        raise InputError(f"{option} {text!r} is not a range", fix=f"write FIRST..LAST, e.g. {option} 1..512")
    return range(int(m.group(1)), int(m.group(2)) + 1)


def as_range(value, option: str = "range") -> range:
    """A range of sizes as a caller gives it: ``range(1, 513)``, ``(1, 512)`` (both ends included) or
    ``"1..512"``."""
    if isinstance(value, range) and value.step == 1 and len(value):
        return parse_range(f"{value.start}..{value.stop - 1}", option)
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return parse_range(f"{value[0]}..{value[1]}", option)
    return parse_range(value, option)


def as_sets(values) -> dict[Symbol, Integer]:
    """Substitutions as a caller gives them: ``{"H": 224}`` or ``{H: 224}`` (checked as --set is)."""
    if not isinstance(values, dict):
        raise InputError(f"subs {_short(repr(values))} is not a dict",
                         fix="give the values of size symbols as a dict, e.g. subs={'H': 224, 'W': 224}")
    return parse_sets([f"{getattr(k, 'name', k)}={v}" for k, v in values.items()])


def parse_sets(items: tuple[str, ...] | list[str]) -> dict[Symbol, Integer]:
    """``("H=227", "W=227")`` to ``{H: 227, W: 227}``: names are size symbols, values positive integers."""
    subs: dict[Symbol, Integer] = {}
    for item in items:
        context = f"--set {_short(item)!r}"
        if len(item) > MAX_TEXT:
            raise InputError("--set value is too long", fix="write --set NAME=VALUE, e.g. --set H=227")
        if item.count("=") != 1:
            raise InputError(f"{context} is not NAME=VALUE", fix="write --set NAME=VALUE, e.g. --set H=227")
        name, value = (s.strip() for s in item.split("="))
        sym = check_name(name, context)
        val = _size(value, context)
        if sym in subs and subs[sym] != val:
            raise InputError(f"{context}: {name} is already set to {subs[sym]}", fix=f"give {name} only once")
        subs[sym] = val
    return subs


def resolve_sets(trace, subs: dict[Symbol, Integer]) -> dict[Symbol, Integer]:
    """Check --set names against the trace's input symbols and its constraints under the new values."""
    from .fmt import text

    if not subs:
        return subs
    known = trace.symbols
    for sym, val in subs.items():
        if sym not in known:
            have = ", ".join(sorted(s.name for s in known))
            listing = f"its symbols are {have}" if have else "its input has no symbols"
            raise InputError(f"--set {sym.name}={val}: {sym.name} is not a symbol of the input "
                             f"{_shape_text(trace.input_shape)}; {listing}",
                             fix="set only the symbols that appear in --input (e.g. --input 1x3xHxW --set H=227)")
    for c in trace.constraints:
        holds = sympify(c.condition.holds).subs(subs)
        if holds is False or isinstance(holds, BooleanFalse):
            values = ", ".join(f"{s.name}={v}" for s, v in subs.items())
            raise InputError(f"with {values} the net does not hold: {c.condition.what}; "
                             f"{_broken(c.condition.holds, subs, text)}",
                             fix=c.condition.fix or "choose sizes for which every layer is valid").located(c.where)
    return subs


def _broken(holds, subs, text) -> str:
    """'20·5·5 = 500 but must be 320' style detail of a relation that fails after substitution."""
    rel = sympify(holds)
    if hasattr(rel, "lhs") and hasattr(rel, "rhs"):
        lhs, rhs = rel.lhs.subs(subs), rel.rhs.subs(subs)
        need = {"==": "must equal", ">=": "must be ≥", "<=": "must be ≤", ">": "must be >", "<": "must be <",
                "!=": "must differ from"}.get(rel.rel_op, f"must be {rel.rel_op}")
        return f"{text(rel.lhs)} = {text(lhs)}, but {need} {text(rhs)}"
    return f"{text(rel)} is false"


def _shape_text(shape) -> str:
    from .fmt import text

    return "×".join(text(v) for v in shape)


__all__ = ["DTYPES", "InputSpec", "as_inputs", "as_range", "as_sets", "check_name", "parse_input", "parse_range",
           "parse_sets", "parse_shape", "resolve_sets"]
