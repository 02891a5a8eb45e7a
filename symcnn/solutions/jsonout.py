"""The JSON document of a traced net (``derive --json`` and ``summary --json``), and the rendering of
the summary table (templates/summary.*). Schema: docs/schema.json, described in docs/json.md.

Every value is a JSON integer when it is a number, else a string that ``sympy.sympify`` parses back
to the exact expression (floor, ceiling, Max, Min, Piecewise as SymPy names them), given the size
symbols listed under "symbols" as ``Symbol(name, integer=True, positive=True)``.

Owns: document(trace, ...), dumps(doc), parse_value, render_summary(trace, ...) (the table's data is
symcnn.solutions.summary.rows). Never: trace, parse user input, or catch errors; it only reads a Trace.
"""

from __future__ import annotations

import json

from sympy import Expr, Integer, sympify

from .. import __version__
from ..core import fmt
from ..core.intarith import to_canonical
from ..flops import conventions
from ..tracing.tracedata import Step, Trace
from .summary import Values, _counted, constraints, rows


def _js(e) -> int | str:
    return fmt.jsonable(e)


def _shape(values: Values, shape) -> list[int | str]:
    return [_js(v) for v in values.shape(shape)]


def layer(step: Step, values: Values, convention: str) -> dict:
    first = step.inputs[0] if step.inputs else ()
    doc = {
        "name": step.name,
        "type": step.type,
        "key": step.key,
        "line": step.where.line if step.where is not None and step.where.line else None,
        "input_shape": _shape(values, first),
        "output_shape": _shape(values, step.output),
        "params": _js(values(_counted(step, step.params))),
        "weights": _js(values(_counted(step, step.weights))),
        "biases": _js(values(_counted(step, step.biases))),
        "macs": _js(values(step.macs)),
        "flops": _js(values(conventions.flops(step, convention))),
    }
    if len(step.inputs) > 1:
        doc["inputs"] = [_shape(values, s) for s in step.inputs]
    if not step.first_call:
        doc["shared"] = True
    return doc


def document(trace: Trace, *, convention: str = conventions.DEFAULT, subs: dict | None = None) -> dict:
    """The JSON document (a dict) of issue 5 for a trace, with --set values substituted."""
    conventions.convention(convention)  # unknown name -> InputError
    values = Values(dict(subs or {}))
    free = sorted({s.name for s in trace.symbols} - {s.name for s in values.subs})
    return {
        "symcnn": __version__,
        "model": trace.model,
        "source": trace.source,
        "backend": trace.backend,
        "input_shape": _shape(values, trace.input_shape),
        "symbols": free,
        "flops_convention": convention,
        "layers": [layer(s, values, convention) for s in trace.steps],
        "constraints": [fmt.sympy_str(c) for c in constraints(trace, values)],
        "total": {
            "params": _js(values(trace.total_params)),
            "macs": _js(values(trace.total_macs)),
            "flops": _js(values(conventions.total(trace, convention))),
        },
        "output_shape": _shape(values, trace.output_shape),
    }


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def parse_value(value: int | str, symbols: list[str] | tuple[str, ...] = ()) -> Expr:
    """Read a JSON value back into the exact (canonical) expression: the inverse of fmt.jsonable."""
    if isinstance(value, int):
        return Integer(value)
    from ..core.symbols import size_symbol

    names = {n: size_symbol(n) for n in symbols}
    return to_canonical(sympify(value, locals=names))


def render_summary(trace: Trace, *, fmt: str = "text", lang: str = "en", convention: str | None = None,
                   subs: dict | None = None, standalone: bool = True, layout: str = "nchw") -> str:
    """The summary of a trace in text, markdown, latex, html (templates/summary.*) or json (``document``).

    ``convention=None`` means the default FLOPs convention and no FLOPs column.
    """
    if fmt == "json":
        return dumps(document(trace, convention=convention or conventions.DEFAULT, subs=subs))
    from ..core.render import render

    ctx = rows(trace, convention=convention or conventions.DEFAULT, subs=subs)   # solutions.summary
    return render("summary", fmt, lang, None, **ctx, show_flops=convention is not None, standalone=standalone,
                  layout=layout)


__all__ = ["document", "dumps", "layer", "parse_value", "render_summary"]
