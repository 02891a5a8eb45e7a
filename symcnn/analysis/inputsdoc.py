"""The valid-inputs report as documents: ``InputsReport`` (what ``symcnn.inputs`` returns and ``symcnn
inputs`` prints), built from a Trace, in one of three modes:

- ``conditions``: the conditions on the input sizes, the minimum, the valid and exact sizes of a range
  (the net traced with symbolic spatial sizes H, W: the given trace when it has them, else ``retrace``);
- ``traced``: when control flow in the net depends on a size (no closed form), the valid square sizes
  found by tracing the net once per size (``retrace``);
- ``solve``: every integer value of an unknown hyperparameter that meets a target (``same``, ``out=56``).

Owns: InputsReport, inputs_report, solve_report, inputs_context, symbolic_shape.
Never: parse options, print, write words (templates/inputs and the [inputs] catalogue table do), or
compute a condition (validity.py, sizeforms.py, solve.py do).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ..core import fmt
from ..core.collector import paused
from ..core.errors import InputError, SymcnnError, TraceError
from ..core.notebook import Rendered
from ..core.render import catalogue, render
from ..core.said import said
from ..core.symbols import SPATIAL, size_symbol
from .sizeforms import describe, fmt_ranges
from .validity import Validity, valid_inputs

Retrace = Callable[[tuple], object]   # input shape -> Trace of the same net


def symbolic_shape(trace) -> tuple | None:
    """The input with symbolic spatial sizes (H, W) and the trace's batch and channels, or None when
    the trace has size symbols already."""
    if trace.symbols - {size_symbol("N"), size_symbol("C")}:
        return None
    shape = tuple(trace.input_shape)
    nd = len(shape) - 2
    if nd not in SPATIAL:
        raise InputError(f"the input {shape} has no 1, 2 or 3 spatial axes",
                         fix="give --input with symbols, e.g. --input 1x3xHxW")
    return (*shape[:2], *SPATIAL[nd])


def inputs_context(v: Validity, rng: range) -> dict:
    """The data of inputs.*.j2 in mode ``conditions`` (expressions and size lists, no words)."""
    from ..solutions.formula import relation

    names = [s.name for s in v.symbols]
    conds = [{"cond": relation(c.holds), "closed": c.closed(rng) or "",
              "what": c.what, "step": c.step or "", "kind": c.kind, "json": fmt.sympy_str(c.holds)}
             for c in v.conds]
    valid, accepted, exact = (v.sizes(rng, which=w) for w in ("valid", "accepted", "exact"))
    label = " = ".join(names) if names else said("inputs.said.size", "size")
    ctx = {"symbols": names, "conditions": conds, "minimum": v.minimum(rng), "range": (rng.start, rng.stop - 1),
           "valid": fmt_ranges(valid), "valid_list": valid, "accepted_list": accepted, "exact_list": exact,
           "valid_closed": describe(label, valid, rng.start, rng.stop - 1),
           "exact": fmt_ranges(exact), "exact_closed": describe(label, exact, rng.start, rng.stop - 1),
           "rows_warning": None, "blocks": []}
    extra = sorted(set(accepted) - set(valid))
    if extra:
        rows = next((c.rows for c in v.conds if c.rows is not None), v.batch_out)
        where = next((c.step for c in v.conds if c.rows is not None), None)
        ctx["rows_warning"] = {"label": label, "extra": fmt_ranges(extra), "where": where, "rows": rows,
                               "valid": fmt_ranges(valid)}
    if len(names) == 2 and v.joint_conds():
        ctx["blocks"] = [{"h": fmt_ranges(h), "w": fmt_ranges(w)} for h, w in v.rectangles(rng)]
    return ctx


def _conditions_json(ctx: dict) -> dict:
    keys = ("symbols", "minimum", "range", "valid_closed", "exact_closed")
    warn = ctx["rows_warning"]
    if warn:
        warn = catalogue("en")["inputs"]["rows"].format(**warn | {"where": warn["where"] or "a view/reshape",
                                                                 "rows": fmt.text(warn["rows"])})
    return {k: ctx[k] for k in keys} | {
        "conditions": [{"condition": c["json"], "closed": c["closed"] or None, "what": c["what"],
                        "layer": c["step"] or None, "kind": c["kind"]} for c in ctx["conditions"]],
        "valid": ctx["valid_list"], "accepted": ctx["accepted_list"], "exact": ctx["exact_list"],
        "warning": warn, "pairs": ctx["blocks"]}


class InputsReport(Rendered):
    """Valid input sizes of a net (mode ``conditions`` or ``traced``), or the values of an unknown that
    meet a target (mode ``solve``). ``doc`` is the JSON document; in mode conditions ``validity`` is
    the Validity (``conds``: each Cond with ``holds``, ``what``, ``step``, ``kind``); ``solution`` the
    Solution of mode solve."""

    def __init__(self, mode: str, ctx: dict, doc: dict, *, validity: Validity | None = None, solution=None,
                 lang: str = "en", **options):
        self.mode, self.ctx, self.doc, self.validity, self.solution = mode, ctx, doc, validity, solution
        self.lang, self.options = lang, options

    @property
    def conditions(self) -> list:
        """The conditions on the input sizes, as SymPy relations (none in the other modes)."""
        return [c.holds for c in self.validity.conds] if self.validity is not None else []

    @property
    def valid(self) -> list[int]:
        """The valid sizes of the range (mode conditions, traced) or the values found (solve)."""
        return list(self.doc["values"] if self.mode == "solve" else self.doc["valid"])

    @property
    def minimum(self) -> dict:
        return dict(self.ctx.get("minimum", {}))

    @paused
    def render(self, fmt: str = "text", lang: str | None = None, **options) -> str:
        """The report as ``symcnn inputs`` prints it: text, markdown, latex, html or json; options:
        style, layout, standalone (a whole LaTeX/HTML document, the default)."""
        if fmt == "json":   # a solve's JSON escapes non-ASCII, as it always has
            return json.dumps(self.doc, indent=2, ensure_ascii=self.mode == "solve")
        opts = {"standalone": True, "style": "full", "layout": "nchw"} | self.options | options
        return render("inputs/inputs", fmt, lang or self.lang, None, mode=self.mode, **opts, **self.ctx)

    def _jupyter_latex(self) -> str:
        return render("jupyter/inputs", "latex", self.lang, mode=self.mode, **self.ctx)

    def __repr__(self) -> str:
        return f"<InputsReport ({self.mode}): {fmt_ranges(self.valid) or 'none'}>"


def inputs_report(trace, rng: range = range(1, 513), *, retrace: Retrace | None = None, lang: str = "en",
                  **options) -> InputsReport:
    """Valid input sizes of a net: its conditions when a closed form exists, else (control flow on a
    size) the sizes found by tracing once per size. ``retrace(shape)`` traces the same net on another
    input (needed when ``trace`` has no size symbols, or has no closed form)."""
    shape = symbolic_shape(trace)
    try:
        sym = trace if shape is None else _need(retrace)(shape)
    except TraceError as e:   # control flow on a size: no formula, so trace every size instead
        return _per_size(trace, rng, e, _need(retrace), lang, options)
    v = valid_inputs(sym)
    ctx = inputs_context(v, rng)
    return InputsReport("conditions", ctx, _conditions_json(ctx), validity=v, lang=lang, **options)


def _need(retrace: Retrace | None) -> Retrace:
    if retrace is None:
        raise InputError("valid input sizes need the net traced on symbolic sizes (H, W)",
                         fix="pass the net itself (a net.py, a model), or a Trace made with symbolic sizes, "
                             "e.g. symcnn.trace(net, (1, 3, 'H', 'W'))")
    return retrace


def _per_size(trace, rng: range, why: TraceError, retrace: Retrace, lang: str, options: dict) -> InputsReport:
    """Valid square sizes found by tracing the net once per size (when no closed form exists)."""
    shape = tuple(trace.input_shape)
    nd = len(shape) - 2
    valid = []
    for h in rng:
        try:
            retrace((*shape[:2], *(h,) * nd))
        except SymcnnError:
            continue
        valid.append(h)
    where = f"{why.where}: " if why.where else ""
    reason = f"{where}{why.what.rstrip('.')}"
    closed = describe(" = ".join(x.name for x in SPATIAL[nd]) if nd in SPATIAL else said("inputs.said.size", "size"),
                      valid, rng.start, rng.stop - 1)
    ctx = {"why": reason, "range": (rng.start, rng.stop - 1), "valid": fmt_ranges(valid), "valid_closed": closed}
    doc = {"symbols": [], "conditions": [], "valid": valid, "valid_closed": closed, "range": [rng.start, rng.stop - 1],
           "note": catalogue("en")["inputs"]["no_closed"].format(why=reason)}
    return InputsReport("traced", ctx, doc, lang=lang, **options)


def solve_report(trace, unknown: str, target: str, rng: range = range(65), *, lang: str = "en",
                 **options) -> InputsReport:
    """Every integer value of the hyperparameter symbol ``unknown`` (in ``rng``) for which the net is
    valid and meets ``target`` (``same``, ``out=56``, ``out=H``, ``params<=N`` ...)."""
    from .solve import free_symbols, parse_target, solve

    tgt = parse_target(target)
    sym = next((s for s in free_symbols(trace) if s.name == unknown), None)
    if sym is None:
        raise InputError(f"--solve {unknown}: no symbol {unknown} in the net",
                         fix=f"write {unknown} = sympy.Symbol('{unknown}', integer=True) in NET.py and use it "
                             "as a hyperparameter")
    sol = solve(trace, sym, tgt, rng)
    doc = {"unknown": unknown, "target": str(tgt), "values": sol.values,
           "quantity": [fmt.jsonable(q) for q in sol.quantity], "range": [rng.start, rng.stop - 1], "notes": sol.notes}
    op = {"=": "=", "<=": "≤", ">=": "≥", "<": "<", ">": ">"}[tgt.op]
    vals = ", ".join(map(str, sol.values)) if 0 < len(sol.values) <= 6 else fmt_ranges(sol.values)
    ctx = {"unknown": unknown, "quantity": tuple(sol.quantity), "op": op, "wanted": tuple(sol.wanted),
           "values": vals if sol.values else "", "notes": sol.notes, "range": (sol.tried.start, sol.tried.stop - 1)}
    return InputsReport("solve", ctx, doc, solution=sol, lang=lang, **options)


__all__ = ["InputsReport", "inputs_context", "inputs_report", "solve_report", "symbolic_shape"]
