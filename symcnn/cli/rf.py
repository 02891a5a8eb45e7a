"""The ``symcnn rf`` command (registered lazily by main.py), and the template helpers inputs.py shares.

``rf``: receptive field, jump and start of every layer, the equivalent single conv, and (Markdown,
LaTeX) the forward and backward recursions with the places where seed 001's shortcut formulas
give a different number.

Owns: the click command, the data (context) its output is rendered from, ``render`` (a template of
templates/<name>) and ``show_axes``; the words are in templates/rf and the [rf] section of
templates/i18n/<lang>.toml.
Never: compute fields itself (rf.py does), write words, catch bare Exception.
"""

from __future__ import annotations

import json

import click
from sympy import Integer, sympify

from ..core import fmt
from .options import emit, format_options, load_trace, net_options

FORMATS = {"text": "text", "markdown": "md", "latex": "tex"}


def render(name: str, out, **ctx) -> str:
    """templates/<name>.<fmt>.j2 in the shared environment of render.py (filters, words t.*)."""
    from ..core.render import environment

    return environment(out.fmt, out.lang).get_template(f"{name}.{FORMATS[out.fmt]}.j2").render(**ctx)


def _tex_escape(text) -> str:
    from ..core.render import tex_escape

    return tex_escape(text)


def _per_axis(values):
    vals = [fmt.jsonable(v) for v in values]
    return vals[0] if len(set(map(str, vals))) == 1 else vals


def show_axes(values, latex: bool = False) -> str:
    vals = [(fmt.latex if latex else fmt.text)(v) for v in values]
    return vals[0] if len(set(vals)) == 1 else (r" \times " if latex else " × ").join(vals)


# ----------------------------------------------------------------------------------- rf
def rf_context(report, latex: bool = False) -> dict:
    """The data of rf.*.j2: values printed as text (or LaTeX maths), no words."""
    from ..analysis.rfreport import rational

    rows, seen = [], set()
    for lf in report.layers:
        note = "" if lf.note in seen else lf.note or ""      # a repeated note is said once
        seen.add(lf.note)
        key = getattr(note, "key", None)     # rf.Note: said in the output's language by the template
        args = {k: _tex_escape(v) if latex else v for k, v in getattr(note, "args", {}).items()}
        row = {"name": lf.name, "type": lf.type, "note": note, "why": key, "args": args, "exact": lf.exact,
               "status": None, "rf": None, "jump": None, "start": None}
        if lf.axes is None:
            row["status"] = "whole" if lf.note and "whole input" in lf.note else "na"
        else:
            row.update(rf=show_axes([a.rf for a in lf.axes], latex), jump=show_axes([rational(a.jump) for a in lf.axes], latex),
                       start=show_axes([a.start for a in lf.axes], latex))
        rows.append(row)
    last = report.last()
    eq = report.equivalent()
    ctx = {"axes": report.axis_names, "rows": rows, "last": last.name if last else None,
           "equivalent": None, "forward": [], "backward": [], "seed_notes": [], "path": []}
    by_index = {lf.index: lf for lf in report.layers}
    if last is not None and len(last.path) < sum(1 for lf in report.layers if lf.index <= last.index):
        # a DAG (or skipped layers): the layers with a window along the path of the largest field
        ctx["path"] = [by_index[i].name for i in last.path if i in by_index and by_index[i].layer]
    if eq is not None:
        ctx["equivalent"] = {k: show_axes(getattr(eq, k), latex) for k in ("kernel", "stride", "padding")}
    if last is not None:
        ctx.update(_recursions(report, last, fmt.latex if latex else fmt.text))
    return ctx


def _recursions(report, last, show) -> dict:
    """Forward and backward recursions along the path of the largest field (first axis), and where
    seed 001's shortcut formulas give other numbers."""
    by_index = {lf.index: lf for lf in report.layers}
    layers = [by_index[i] for i in last.path if i in by_index and by_index[i].layer]
    fwd, back, notes = [], [], []
    r, j, shortcut = Integer(1), Integer(1), Integer(1)
    differs = False
    for n, lf in enumerate(layers):
        a = lf.layer["axes"][0]
        if lf.layer["transposed"]:
            fwd.append({"name": lf.name, "transposed": True, "s": show(a["s"])})
            return {"forward": fwd, "backward": [], "seed_notes": notes}
        k, s = a["k_eff"], a["s"]
        new = r + (k - 1) * j
        fwd.append({"name": lf.name, "transposed": False, "prev": show(r), "k": show(k), "j": show(j),
                    "r": show(new)})
        shortcut = shortcut * s + (k - s)
        gap = sympify(shortcut - new)
        # say where seed 001's shortcut first goes wrong, and what it gives at the end
        if gap.is_zero is False and (not differs or n == len(layers) - 1):
            notes.append({"kind": "shortcut", "name": lf.name, "shortcut": show(shortcut), "field": show(new),
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
        back.append({"name": lf.name, "prev": show(rb), "s": show(a["s"]), "k": show(a["k_eff"]), "r": show(new)})
        rb = new
    return {"forward": fwd, "backward": back, "seed_notes": notes}


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
        emit(render("rf/rf", out, **rf_context(report, latex=out.fmt == "latex")), out.output)


__all__ = ["render", "rf", "rf_context", "rf_json", "show_axes"]
