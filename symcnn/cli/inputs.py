"""The ``symcnn inputs`` command (registered lazily by cli.py): valid input sizes, and solving.

``inputs``: the valid input sizes of the net (conditions, minimum, tables) and, with
``--solve P --target ...``, every integer value of an unknown hyperparameter meeting a target.
When control flow in net.py depends on a size, the net is traced once per size instead.

Owns: the click command and the data (context) its output is rendered from; the words are in
templates/inputs and the [inputs] section of templates/i18n/<lang>.toml.
Never: compute conditions or solutions itself (validity.py, sizeforms.py, solve.py do), write words,
catch bare Exception.
"""

from __future__ import annotations

import json
import re

import click

from ..core import fmt
from ..core.errors import InputError, SymcnnError, TraceError
from ..core.said import said
from ..core.symbols import SPATIAL, size_symbol
from .options import emit, format_options, load_trace, net_options
from .rf import render


def parse_range(text: str) -> range:
    m = re.fullmatch(r"\s*(\d+)\s*\.\.\s*(\d+)\s*", text or "")
    if not m or int(m.group(1)) < 0 or int(m.group(1)) > int(m.group(2)) or int(m.group(2)) > 100000:
        raise InputError(f"--range {text!r} is not a range", fix="write FIRST..LAST, e.g. --range 1..512")
    return range(int(m.group(1)), int(m.group(2)) + 1)


def symbolic_trace(net):
    """Trace NET.py with symbolic spatial sizes (H, W) and the example's batch and channels."""
    from ..tracing.tracer import trace as run_trace

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
    from ..analysis.sizeforms import describe, fmt_ranges
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
    from ..analysis.validity import valid_inputs

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
            warn = _catalogue("en")["inputs"]["rows"].format(**warn | {"where": warn["where"] or "a view/reshape",
                                                                      "rows": fmt.text(warn["rows"])})
        doc = {k: ctx[k] for k in keys} | {
            "conditions": [{"condition": c["json"], "closed": c["closed"] or None, "what": c["what"],
                            "layer": c["step"] or None, "kind": c["kind"]} for c in ctx["conditions"]],
            "valid": ctx["valid_list"], "accepted": ctx["accepted_list"], "exact": ctx["exact_list"],
            "warning": warn, "pairs": ctx["blocks"]}
        emit(json.dumps(doc, indent=2, ensure_ascii=False), out.output)
    else:
        emit(render("inputs/inputs", out, mode="conditions", standalone=True, **ctx), out.output)


def _per_size(net, out, rng: range, why: TraceError):
    """Valid square sizes found by tracing the net once per size (when no closed form exists)."""
    from ..analysis.sizeforms import describe, fmt_ranges
    from ..tracing.tracer import trace as run_trace

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
    closed = describe(" = ".join(x.name for x in SPATIAL[nd]) if nd in SPATIAL else said("inputs.said.size", "size"),
                      valid, rng.start, rng.stop - 1)
    if out.fmt == "json":
        emit(json.dumps({"symbols": [], "conditions": [], "valid": valid, "valid_closed": closed,
                         "range": [rng.start, rng.stop - 1],
                         "note": _catalogue("en")["inputs"]["no_closed"].format(why=reason)}, indent=2,
                        ensure_ascii=False), out.output)
    else:
        emit(render("inputs/inputs", out, mode="traced", why=reason, range=(rng.start, rng.stop - 1),
                    valid=fmt_ranges(valid), valid_closed=closed, standalone=True), out.output)


def _catalogue(lang: str) -> dict:
    from ..core.render import catalogue

    return catalogue(lang)


def _solve(net, out, unknown, target, rng_text):
    from ..analysis.solve import free_symbols, parse_target, solve

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
        from ..analysis.sizeforms import fmt_ranges

        op = {"=": "=", "<=": "≤", ">=": "≥", "<": "<", ">": ">"}[tgt.op]
        vals = ", ".join(map(str, sol.values)) if 0 < len(sol.values) <= 6 else fmt_ranges(sol.values)
        emit(render("inputs/inputs", out, mode="solve", unknown=unknown, quantity=tuple(sol.quantity), op=op,
                    wanted=tuple(sol.wanted), values=vals if sol.values else "", notes=sol.notes,
                    range=(sol.tried.start, sol.tried.stop - 1), standalone=True), out.output)


__all__ = ["inputs", "inputs_context", "parse_range", "symbolic_trace"]
