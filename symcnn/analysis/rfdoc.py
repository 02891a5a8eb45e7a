"""The receptive-field report as documents: ``ReceptiveFields`` (what ``symcnn.rf()`` returns and ``symcnn
rf`` prints), the data its templates (templates/rf) are rendered from, and its JSON.

The report shows receptive field, jump and start of every layer, the equivalent single conv, and
(Markdown, LaTeX, HTML) the forward and backward recursions with the places where the course notes'
shortcut formulas give a different number.

Owns: ReceptiveFields, receptive_field_report(trace), rf_context, rf_json.
Never: compute fields itself (rf.py does), write words (templates/rf and the [rf] catalogue table do).
"""

from __future__ import annotations

import json

from sympy import Integer, sympify

from ..core import fmt
from ..core.collector import paused
from ..core.notebook import Rendered
from ..core.render import render
from .rf import receptive_fields
from .rfreport import FieldReport, LayerField, rational


def _per_axis(values):
    vals = [fmt.jsonable(v) for v in values]
    return vals[0] if len(set(map(str, vals))) == 1 else vals


def rf_context(report: FieldReport) -> dict:
    """The data of rf.*.j2: per-axis values as expressions (the templates print them), no words."""
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


def _recursions(report: FieldReport, last: LayerField) -> dict:
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


def rf_json(report: FieldReport) -> dict:
    """The JSON document of ``symcnn rf --json`` (a value the same on every axis is given once)."""
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


class ReceptiveFields(Rendered):
    """Receptive field, jump and start of every layer of a traced net, and the equivalent single conv.

    ``layers``: one ``LayerField`` a step (``axes``: per spatial axis ``Field(rf, jump, left)`` with
    ``start``; None where the field is the whole input or not defined); ``equivalent``: the single
    convolution with the last defined field (kernel, stride, padding), or None.
    """

    def __init__(self, report: FieldReport, *, lang: str = "en", **options):
        self.report, self.lang, self.options = report, lang, options

    @property
    def layers(self) -> list[LayerField]:
        return self.report.layers

    @property
    def axes(self) -> tuple[str, ...]:
        return self.report.axis_names

    @property
    def equivalent(self):
        return self.report.equivalent()

    def __getitem__(self, name: str) -> LayerField:
        """The field of the layer ``name`` (KeyError when the net has none of that name)."""
        return self.report.by_name(name)

    @paused
    def render(self, fmt: str = "text", lang: str | None = None, **options) -> str:
        """The report as ``symcnn rf`` prints it: text, markdown, latex, html or json; options: style,
        layout, standalone (a whole LaTeX/HTML document, the default)."""
        if fmt == "json":
            return json.dumps(rf_json(self.report), indent=2, ensure_ascii=False)
        opts = {"standalone": True, "style": "full", "layout": "nchw"} | self.options | options
        return render("rf/rf", fmt, lang or self.lang, None, **opts, **rf_context(self.report))

    def _jupyter_latex(self) -> str:
        return render("jupyter/rf", "latex", self.lang, **rf_context(self.report))

    def __repr__(self) -> str:
        last = self.report.last()
        rf = "×".join(fmt.text(a.rf) for a in last.axes) if last is not None else "none"
        return f"<ReceptiveFields: {len(self.layers)} layers, last field {rf}>"


def receptive_field_report(trace, *, lang: str = "en", **options) -> ReceptiveFields:
    """The receptive-field report of a Trace."""
    return ReceptiveFields(receptive_fields(trace.steps, trace.input_shape), lang=lang, **options)


__all__ = ["ReceptiveFields", "receptive_field_report", "rf_context", "rf_json"]
