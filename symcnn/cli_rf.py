"""The ``symcnn rf`` and ``symcnn inputs`` commands (registered lazily by cli.py).

``rf``: receptive field, jump and start of every layer, the equivalent single conv, and (Markdown,
LaTeX) the forward and backward recursions with the places where seed 001's shortcut formulas
give a different number. ``inputs``: the valid input sizes (conditions, minimum, tables) and, with
``--solve P --target ...``, every integer value of an unknown hyperparameter meeting a target.

Owns: the two click commands and the data (context) their outputs are rendered from; the words are
in templates/rf, templates/inputs and the [rf]/[inputs] sections of templates/i18n/<lang>.toml.
Never: compute fields or conditions itself (rf.py, validity.py, solve.py do), write words, catch bare
Exception.
"""

from __future__ import annotations

import json
import re

import click
from sympy import Integer, sympify

from . import fmt
from .cliopts import emit, format_options, load_trace, net_options
from .errors import InputError, SymcnnError, TraceError
from .symbols import SPATIAL, size_symbol

FORMATS = {"text": "text", "markdown": "md", "latex": "tex"}


def render(name: str, out, **ctx) -> str:
    """templates/<name>.<fmt>.j2 in the shared environment of render.py (filters, words t.*)."""
    from .render import environment

    return environment(out.fmt, out.lang).get_template(f"{name}.{FORMATS[out.fmt]}.j2").render(**ctx)


def _tex_escape(text) -> str:
    from .render import tex_escape

    return tex_escape(text)


def _per_axis(values):
    vals = [fmt.jsonable(v) for v in values]
    return vals[0] if len(set(map(str, vals))) == 1 else vals


def _show(values, latex: bool = False) -> str:
    vals = [(fmt.latex if latex else fmt.text)(v) for v in values]
    return vals[0] if len(set(vals)) == 1 else (r" \times " if latex else " × ").join(vals)


# ----------------------------------------------------------------------------------- rf
def rf_context(report, latex: bool = False) -> dict:
    """The data of rf.*.j2: values printed as text (or LaTeX maths), no words."""
    from .rf import rational

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
            row.update(rf=_show([a.rf for a in lf.axes], latex), jump=_show([rational(a.jump) for a in lf.axes], latex),
                       start=_show([a.start for a in lf.axes], latex))
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
        ctx["equivalent"] = {k: _show(getattr(eq, k), latex) for k in ("kernel", "stride", "padding")}
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
    from .rf import receptive_fields

    trace, _ = load_trace(net)
    report = receptive_fields(trace.steps, trace.input_shape)
    if out.fmt == "json":
        emit(json.dumps(rf_json(report), indent=2, ensure_ascii=False), out.output)
    else:
        emit(render("rf/rf", out, **rf_context(report, latex=out.fmt == "latex")), out.output)


# ------------------------------------------------------------------------------- inputs
def parse_range(text: str) -> range:
    m = re.fullmatch(r"\s*(\d+)\s*\.\.\s*(\d+)\s*", text or "")
    if not m or int(m.group(1)) < 0 or int(m.group(1)) > int(m.group(2)) or int(m.group(2)) > 100000:
        raise InputError(f"--range {text!r} is not a range", fix="write FIRST..LAST, e.g. --range 1..512")
    return range(int(m.group(1)), int(m.group(2)) + 1)


def symbolic_trace(net):
    """Trace NET.py with symbolic spatial sizes (H, W) and the example's batch and channels."""
    from .tracer import trace as run_trace

    trace, _ = load_trace(net)
    if trace.symbols - {size_symbol("N"), size_symbol("C")}:
        return trace
    shape = tuple(trace.input_shape)
    nd = len(shape) - 2
    if nd not in SPATIAL:
        raise InputError(f"the input {shape} has no 1, 2 or 3 spatial axes",
                         fix="give --input with symbols, e.g. --input 1x3xHxW")
    return run_trace(net.path, model=net.model, input_shape=(*shape[:2], *SPATIAL[nd]), timeout=net.timeout)


def inputs_context(v, rng: range) -> dict:
    from .validity import describe, fmt_ranges

    names = [s.name for s in v.symbols]
    conds = [{"cond": c.text, "tex": fmt.latex(c.holds), "closed": c.closed(rng) or "",
              "what": c.what, "step": c.step or "", "kind": c.kind, "json": fmt.sympy_str(c.holds)}
             for c in v.conds]
    valid, accepted, exact = (v.sizes(rng, which=w) for w in ("valid", "accepted", "exact"))
    label = " = ".join(names) if names else "size"
    ctx = {"symbols": names, "conditions": conds, "minimum": v.minimum(rng), "range": (rng.start, rng.stop - 1),
           "valid": fmt_ranges(valid), "valid_list": valid, "accepted_list": accepted, "exact_list": exact,
           "valid_closed": describe(label, valid, rng.start, rng.stop - 1),
           "exact": fmt_ranges(exact), "exact_closed": describe(label, exact, rng.start, rng.stop - 1),
           "rows_warning": None, "blocks": []}
    extra = sorted(set(accepted) - set(valid))
    if extra:
        rows = next((c.rows for c in v.conds if c.rows is not None), v.batch_out)
        where = next((c.step for c in v.conds if c.rows is not None), None)
        ctx["rows_warning"] = {"label": label, "extra": fmt_ranges(extra), "where": where, "rows": fmt.text(rows),
                               "rows_tex": fmt.latex(rows), "valid": fmt_ranges(valid)}
    if len(names) == 2 and v.joint_conds():
        ctx["blocks"] = [{"h": fmt_ranges(h), "w": fmt_ranges(w)} for h, w in v.rectangles(rng)]
    return ctx


@click.command()
@net_options
@format_options
@click.option("--range", "rng", default=None, metavar="FIRST..LAST",
              help="Input sizes to tabulate (default 1..512), or the values of the --solve unknown to try "
                   "(default 0..64).")
@click.option("--solve", "unknown", metavar="NAME", help="A hyperparameter symbol of NET.py to solve for.")
@click.option("--target", metavar="TARGET", help="same, out=56, out=H, out=56x28, params<=N (with --solve).")
def inputs(net, out, rng, unknown, target):
    """Valid input sizes of the net; with --solve, the values of an unknown that meet --target.

    Example: symcnn inputs examples/mnist.py --range 1..64
    """
    from .validity import valid_inputs

    if (unknown is None) != (target is None):
        raise InputError("--solve and --target go together", fix="give both, e.g. --solve P --target same")
    if unknown is not None:
        return _solve(net, out, unknown, target, rng)
    rng = parse_range(rng or "1..512")
    try:
        trace = symbolic_trace(net)
    except TraceError as e:   # control flow on a size: no formula, so trace every size instead
        return _per_size(net, out, rng, e)
    ctx = inputs_context(valid_inputs(trace), rng)
    if out.fmt == "json":
        keys = ("symbols", "minimum", "range", "valid_closed", "exact_closed")
        warn = ctx["rows_warning"]
        if warn:
            warn = _catalogue("en")["inputs"]["rows"].format(**warn | {"where": warn["where"] or "a view/reshape"})
        doc = {k: ctx[k] for k in keys} | {
            "conditions": [{"condition": c["json"], "closed": c["closed"] or None, "what": c["what"],
                            "layer": c["step"] or None, "kind": c["kind"]} for c in ctx["conditions"]],
            "valid": ctx["valid_list"], "accepted": ctx["accepted_list"], "exact": ctx["exact_list"],
            "warning": warn, "pairs": ctx["blocks"]}
        emit(json.dumps(doc, indent=2, ensure_ascii=False), out.output)
    else:
        emit(render("inputs/inputs", out, mode="conditions", **ctx), out.output)


def _per_size(net, out, rng: range, why: TraceError):
    """Valid square sizes found by tracing the net once per size (when no closed form exists)."""
    from .tracer import trace as run_trace
    from .validity import describe, fmt_ranges

    shape = tuple(load_trace(net)[0].input_shape)
    nd = len(shape) - 2
    valid = []
    for h in rng:
        try:
            run_trace(net.path, model=net.model, input_shape=(*shape[:2], *(h,) * nd), timeout=net.timeout)
        except SymcnnError:
            continue
        valid.append(h)
    where = f"{why.where}: " if why.where else ""
    reason = f"{where}{why.what.rstrip('.')}"
    closed = describe("H = W" if nd == 2 else "size", valid, rng.start, rng.stop - 1)
    if out.fmt == "json":
        emit(json.dumps({"symbols": [], "conditions": [], "valid": valid, "valid_closed": closed,
                         "range": [rng.start, rng.stop - 1],
                         "note": _catalogue("en")["inputs"]["no_closed"].format(why=reason)}, indent=2,
                        ensure_ascii=False), out.output)
    else:
        emit(render("inputs/inputs", out, mode="traced", why=reason, range=(rng.start, rng.stop - 1),
                    valid=fmt_ranges(valid), valid_closed=closed), out.output)


def _catalogue(lang: str) -> dict:
    from .render import catalogue

    return catalogue(lang)


def _solve(net, out, unknown, target, rng_text):
    from .solve import free_symbols, parse_target, solve

    tgt = parse_target(target)
    trace, _ = load_trace(net)
    sym = next((s for s in free_symbols(trace) if s.name == unknown), None)
    if sym is None:
        raise InputError(f"--solve {unknown}: no symbol {unknown} in the net",
                         fix=f"write {unknown} = sympy.Symbol('{unknown}', integer=True) in NET.py and use it "
                             "as a hyperparameter")
    rng = parse_range(rng_text or "0..64")
    sol = solve(trace, sym, tgt, rng)
    if out.fmt == "json":
        emit(json.dumps({"unknown": unknown, "target": str(tgt), "values": sol.values,
                         "quantity": [fmt.jsonable(q) for q in sol.quantity],
                         "range": [rng.start, rng.stop - 1], "notes": sol.notes}, indent=2), out.output)
    else:
        from .validity import fmt_ranges

        op = {"=": "=", "<=": "≤", ">=": "≥", "<": "<", ">": ">"}[tgt.op]
        vals = ", ".join(map(str, sol.values)) if 0 < len(sol.values) <= 6 else fmt_ranges(sol.values)
        emit(render("inputs/inputs", out, mode="solve", unknown=unknown, quantity=_show(sol.quantity), op=op,
                    wanted=_show(sol.wanted), values=vals if sol.values else "", notes=sol.notes,
                    range=(sol.tried.start, sol.tried.stop - 1)), out.output)
