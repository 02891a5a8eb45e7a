"""The ``symcnn rf`` command (registered lazily by main.py), and the template helpers inputs.py shares.

``rf``: receptive field, jump and start of every layer, the equivalent single conv, and (Markdown,
LaTeX) the forward and backward recursions with the places where the course notes' shortcut formulas
give a different number.

Owns: the click command, the data (context) its output is rendered from, ``render`` (a template of
templates/<name>); the words are in templates/rf and the [rf] section of
templates/i18n/<lang>.toml.
Never: compute fields itself (rf.py does), write words, catch bare Exception.
"""

from __future__ import annotations

import json

import click
from sympy import Integer, sympify

from ..core import fmt
from .options import emit, format_options, load_trace, net_options


def render(name: str, out, **ctx) -> str:
    """templates/<name>.<fmt>.j2 in the shared environment of render.py (filters, words t.*), with the
    output's style and layout."""
    from ..core.render import render as render_template

    return render_template(name, out.fmt, out.lang, None, style=out.style, layout=out.layout, **ctx)


def _per_axis(values):
    vals = [fmt.jsonable(v) for v in values]
    return vals[0] if len(set(map(str, vals))) == 1 else vals


# ----------------------------------------------------------------------------------- rf
def rf_context(report) -> dict:
    """The data of rf.*.j2: per-axis values as expressions (the templates print them), no words."""
    from ..analysis.rfreport import rational

    rows, seen = [], set()
    for lf in report.layers:
        note = "" if lf.note in seen else lf.note or ""      # a repeated note is said once
        seen.add(lf.note)
        key = getattr(note, "key", None)     # rf.Note: said in the output's language by the template
        row = {"name": lf.name, "type": lf.type, "note": note, "why": key, "args": dict(getattr(note, "args", {})),
               "exact": lf.exact, "status": None, "rf": None, "jump": None, "start": None}
        if lf.axes is None:
            row["status"] = "whole" if lf.note and "whole input" in lf.note else "na"
        else:
            row.update(rf=tuple(a.rf for a in lf.axes), jump=tuple(rational(a.jump) for a in lf.axes),
                       start=tuple(a.start for a in lf.axes))
        rows.append(row)
    last = report.last()
    eq = report.equivalent()
    values = [v for r in rows for k in ("rf", "jump", "start") for v in r[k] or ()]
    ctx = {"axes": report.axis_names, "rows": rows, "last": last.name if last else None,
           "symbolic": any(getattr(v, "free_symbols", None) for v in values),
           "equivalent": None, "forward": [], "backward": [], "notes": [], "path": []}
    by_index = {lf.index: lf for lf in report.layers}
    if last is not None and len(last.path) < sum(1 for lf in report.layers if lf.index <= last.index):
        # a DAG (or skipped layers): the layers with a window along the path of the largest field
        ctx["path"] = [by_index[i].name for i in last.path if i in by_index and by_index[i].layer]
    if eq is not None:
        ctx["equivalent"] = {k: getattr(eq, k) for k in ("kernel", "stride", "padding")}
    if last is not None:
        ctx.update(_recursions(report, last))
    return ctx


def _recursions(report, last) -> dict:
    """Forward and backward recursions along the path of the largest field (first axis), each step
    written out as an expression tree (r = r_prev + (K − 1)·j), and where the course notes' shortcut
    formulas give other numbers."""
    from ..solutions.steps import DAdd, DMul

    by_index = {lf.index: lf for lf in report.layers}
    layers = [by_index[i] for i in last.path if i in by_index and by_index[i].layer]
    fwd, back, notes = [], [], []
    r, j, shortcut = Integer(1), Integer(1), Integer(1)
    differs = False
    for n, lf in enumerate(layers):
        a = lf.layer["axes"][0]
        if lf.layer["transposed"]:
            fwd.append({"name": lf.name, "transposed": True, "s": a["s"]})
            return {"forward": fwd, "backward": [], "notes": notes}
        k, s = a["k_eff"], a["s"]
        new = r + (k - 1) * j
        fwd.append({"name": lf.name, "transposed": False, "steps": (DAdd(r, DMul(DAdd(k, Integer(-1)), j)), new)})
        shortcut = shortcut * s + (k - s)
        gap = sympify(shortcut - new)
        # say where the course notes' shortcut first goes wrong, and what it gives at the end
        if gap.is_zero is False and (not differs or n == len(layers) - 1):
            notes.append({"kind": "shortcut", "name": lf.name, "shortcut": shortcut, "field": new,
                          "first": not differs})
            differs = True
        elif gap.is_zero:
            differs = False
        if a["d"] != 1 and a["d"].is_Integer and a["k"].is_Integer:
            notes.append({"kind": "dilated", "name": lf.name, "wrong": (a["k"] + 1) * (a["d"] - 1) + a["k"],
                          "k": k})
        r, j = new, j * s
    rb = Integer(1)
    for lf in reversed(layers):
        a = lf.layer["axes"][0]
        new = (rb - 1) * a["s"] + a["k_eff"]
        back.append({"name": lf.name, "steps": (DAdd(DMul(DAdd(rb, Integer(-1)), a["s"]), a["k_eff"]), new)})
        rb = new
    return {"forward": fwd, "backward": back, "notes": notes}


def rf_json(report) -> dict:
    layers = []
    for lf in report.layers:
        d = {"name": lf.name, "type": lf.type}
        if lf.axes is None:
            d.update(rf=None, jump=None, start=None)
        else:
            d.update(rf=_per_axis([a.rf for a in lf.axes]), jump=_per_axis([a.jump for a in lf.axes]),
                     start=_per_axis([a.start for a in lf.axes]))
        d["exact"] = lf.exact
        if lf.note:
            d["note"] = lf.note
        layers.append(d)
    eq = report.equivalent()
    out = {"axes": list(report.axis_names), "layers": layers,
           "equivalent": None if eq is None else {k: _per_axis(getattr(eq, k)) for k in ("kernel", "stride", "padding")}}
    last = report.last()
    if last is not None:
        out["path"] = [lf.name for lf in report.layers if lf.index in set(last.path)]
    return out


@click.command()
@net_options
@format_options
def rf(net, out):
    """Receptive field, jump and start of every layer, and the equivalent single conv.

    Example: symcnn rf examples/dilated.py --markdown
    """
    from ..analysis.rf import receptive_fields

    trace, _ = load_trace(net)
    report = receptive_fields(trace.steps, trace.input_shape)
    if out.fmt == "json":
        emit(json.dumps(rf_json(report), indent=2, ensure_ascii=False), out.output)
    else:
        emit(render("rf/rf", out, standalone=True, **rf_context(report)), out.output)


__all__ = ["render", "rf", "rf_context", "rf_json"]
