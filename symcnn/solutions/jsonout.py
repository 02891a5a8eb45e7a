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
from ..flops import memory as mem
from ..tracing.tracedata import Step, Trace, _total
from .summary import Values, _counted, constraints


def _js(e) -> int | str:
    return fmt.jsonable(e)


def _shape(values: Values, shape) -> list[int | str]:
    return [_js(v) for v in values.shape(shape)]


def layer(step: Step, values: Values, convention: str, size: int = mem.DTYPES[mem.DEFAULT_DTYPE]) -> dict:
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
        "activation_bytes": _js(values(mem.activation_bytes(step, size))),
    }
    if len(step.inputs) > 1:
        doc["inputs"] = [_shape(values, s) for s in step.inputs]
    if not step.first_call:
        doc["shared"] = True
    return doc


def modules(trace: Trace, values: Values, convention: str, depth: int | None = None,
            keep: list[int] | None = None, size: int = mem.DTYPES[mem.DEFAULT_DTYPE]) -> list[dict]:
    """The containers (modules with children, the model itself left out) down to ``depth``, each with
    its parameters and its descendants' (each parameter once), and the MACs, FLOPs and activation bytes
    (elements × ``size``) of every call inside it; with ``keep`` (a --layer filter) only those holding a
    kept call."""
    from .depth import Tree

    if not trace.modules:
        return []
    tree, kept = Tree(trace), None if keep is None else set(keep)
    out = []
    for m in trace.modules:
        if not m.name or m.leaf or (depth is not None and m.depth > depth):
            continue
        inside = [trace.steps[i] for i in sorted(m.steps)]
        if kept is not None and not kept.intersection(m.steps):
            continue
        out.append({"name": m.name, "type": m.type, "depth": m.depth, "calls": m.calls,
                    "params": _js(values(tree.params(m.name))),
                    "trainable_params": _js(values(tree.params(m.name, True))),
                    "macs": _js(values(_total([s.macs for s in inside]))),
                    "flops": _js(values(_total([conventions.flops(s, convention) for s in inside]))),
                    "activation_bytes": _js(values(_total([mem.activation_bytes(s, size) for s in inside])))})
    return out


def memory(m: mem.Memory, values: Values) -> dict:
    """The "memory" object: the convention, the dtype and the four figures in bytes."""
    return {"convention": m.convention, "dtype": m.dtype, "input_bytes": _js(values(m.input_bytes)),
            "forward_backward_bytes": _js(values(m.forward_backward_bytes)),
            "params_bytes": _js(values(m.params_bytes)), "total_bytes": _js(values(m.total_bytes))}


def document(trace: Trace, *, convention: str = conventions.DEFAULT, subs: dict | None = None,
             memory_convention: str = mem.DEFAULT, dtype: str = mem.DEFAULT_DTYPE, depth: int | None = None,
             keep: list[int] | None = None, layers: tuple[str, ...] = ()) -> dict:
    """The JSON document (a dict) of issue 5 for a trace, with --set values substituted; ``memory_convention``
    and ``dtype`` choose the memory figures (symcnn.flops.memory); ``depth`` limits "modules", ``keep``
    (the steps a --layer filter keeps) "layers" and "modules" (the totals stay over the whole net;
    "layer_filter" lists the patterns)."""
    conventions.convention(convention)  # unknown name -> InputError
    m = mem.memory(trace, memory_convention, dtype)
    size = mem.dtype_size(dtype)
    values = Values(dict(subs or {}))
    free = sorted({s.name for s in trace.symbols} - {s.name for s in values.subs})
    kept = None if keep is None else set(keep)
    doc = {
        "symcnn": __version__,
        "model": trace.model,
        "source": trace.source,
        "backend": trace.backend,
        "input_shape": _shape(values, trace.input_shape),
        "input_shapes": [_shape(values, shape) for shape in trace.input_shapes],   # each input of forward
        "symbols": free,
        "flops_convention": convention,
        "layers": [layer(s, values, convention, size) for s in trace.steps if kept is None or s.index in kept],
        "modules": modules(trace, values, convention, depth, keep, size),
        "constraints": [fmt.sympy_str(c) for c in constraints(trace, values)],
        "total": {
            "params": _js(values(trace.total_params)),
            "trainable_params": _js(values(trace.trainable_params)),
            "non_trainable_params": _js(values(trace.non_trainable_params)),
            "macs": _js(values(trace.total_macs)),
            "flops": _js(values(conventions.total(trace, convention))),
        },
        "memory": memory(m, values),
        "output_shape": _shape(values, trace.output_shape),
    }
    if keep is not None:
        doc["layer_filter"] = list(layers)
    return doc


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
                   subs: dict | None = None, standalone: bool = True, layout: str = "nchw",
                   memory_convention: str = mem.DEFAULT, dtype: str = mem.DEFAULT_DTYPE,
                   columns: tuple[str, ...] | None = None, depth: int | None = None,
                   layers: tuple[str, ...] = ()) -> str:
    """The summary of a trace in text, markdown, latex, html (templates/summary.*) or json (``document``).

    ``convention=None`` means the default FLOPs convention and no FLOPs column (unless ``columns`` names
    it); ``columns``: the --columns names (symcnn.solutions.table.COLUMNS), None the default; ``depth``:
    module rows down to that depth (None: every call); ``layers``: --layer globs (totals stay whole).
    """
    from .select import select
    from .table import columns as pick
    from .table import rows

    cols = pick(columns, flops=convention is not None)
    keep = select(trace, layers)
    if fmt == "json":
        return dumps(document(trace, convention=convention or conventions.DEFAULT, subs=subs,
                              memory_convention=memory_convention, dtype=dtype, depth=depth, keep=keep,
                              layers=layers))
    from ..core.render import render

    ctx = rows(trace, convention=convention or conventions.DEFAULT, subs=subs, columns=cols, depth=depth,
               keep=keep, memory_convention=memory_convention, dtype=dtype)
    return render("summary", fmt, lang, None, **ctx, show_flops="flops" in cols, standalone=standalone,
                  layout=layout)


__all__ = ["document", "dumps", "layer", "memory", "modules", "parse_value", "render_summary"]
