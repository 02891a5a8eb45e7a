"""The ``symcnn rf`` and ``symcnn inputs`` commands (registered lazily by cli.py).

``rf``: receptive field, jump and start of every layer, the equivalent single conv, and (Markdown,
LaTeX) the forward and backward recursions with the places where seed 001's shortcut formulas
give a different number. ``inputs``: the valid input sizes (conditions, minimum, tables) and, with
``--solve P --target ...``, every integer value of an unknown hyperparameter meeting a target.

Owns: the two click commands and the data (context) their outputs are rendered from.
Never: compute fields or conditions itself (rf.py, validity.py, solve.py do), catch bare Exception.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
from sympy import Integer, sympify

from . import fmt
from .cliopts import emit, format_options, load_trace, net_options
from .errors import InputError, SymcnnError, TraceError
from .symbols import SPATIAL, size_symbol

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _template_dirs() -> list[str]:
    """The installed templates (package symcnn.templates) first, then the source tree's."""
    import importlib.resources
    import importlib.util

    dirs = []
    try:
        if importlib.util.find_spec("symcnn.templates") is not None:
            dirs.append(str(importlib.resources.files("symcnn.templates")))
    except ModuleNotFoundError:
        pass
    if TEMPLATES.is_dir():
        dirs.append(str(TEMPLATES))
    return dirs


def _env(latex: bool):
    import jinja2

    marks = dict(block_start_string="((*", block_end_string="*))", variable_start_string="(((",
                 variable_end_string=")))", comment_start_string="((=", comment_end_string="=))") if latex else {}
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(_template_dirs()), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, autoescape=False, **marks)
    env.filters.update(tex_escape=tex_escape, md_escape=md_escape)
    return env


_TEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
        "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "−": "-",
        "·": r"$\cdot$", "≥": r"$\geq$", "≤": r"$\leq$", "⌊": r"$\lfloor$", "⌋": r"$\rfloor$",
        "⌈": r"$\lceil$", "⌉": r"$\rceil$", "×": r"$\times$", "∈": r"$\in$", "≡": r"$\equiv$",
        "⇔": r"$\Leftrightarrow$", "→": r"$\to$", "–": "--", "≠": r"$\neq$"}


def tex_escape(text) -> str:
    """Plain text (layer names, notes) for LaTeX: specials escaped, symcnn's Unicode maths as macros."""
    return "".join(_TEX.get(ch, ch) for ch in str(text))


def md_escape(text) -> str:
    return str(text).replace("|", "\\|").replace("*", "\\*").replace("_", "\\_")


def render(name: str, ctx: dict) -> str:
    return _env(name.endswith(".tex.j2")).get_template(name).render(**ctx)


def _per_axis(values):
    vals = [fmt.jsonable(v) for v in values]
    return vals[0] if len(set(map(str, vals))) == 1 else vals


def _show(values, printer=fmt.text) -> str:
    vals = [printer(v) for v in values]
    return vals[0] if len(set(vals)) == 1 else " × ".join(vals)


# ----------------------------------------------------------------------------------- rf
def rf_context(report) -> dict:
    from .rf import rational

    rows, seen = [], set()
    for lf in report.layers:
        note = "" if lf.note in seen else lf.note or ""      # a repeated note is said once
        seen.add(lf.note)
        row = {"name": lf.name, "type": lf.type, "note": note, "exact": lf.exact}
        if lf.axes is None:
            row.update(rf="whole input" if lf.note and "whole input" in lf.note else "n/a", jump="–", start="–",
                       rf_tex=r"\text{whole input}" if lf.note and "whole input" in lf.note else r"\text{n/a}",
                       jump_tex="-", start_tex="-")
        else:
            row.update(rf=_show([a.rf for a in lf.axes]), jump=_show([rational(a.jump) for a in lf.axes]),
                       start=_show([a.start for a in lf.axes]), rf_tex=_show([a.rf for a in lf.axes], fmt.latex),
                       jump_tex=_show([a.jump for a in lf.axes], fmt.latex),
                       start_tex=_show([a.start for a in lf.axes], fmt.latex))
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
        ctx["equivalent"] = {k: _show(getattr(eq, k)) for k in ("kernel", "stride", "padding")}
    if last is not None:
        ctx.update(_recursions(report, last))
    return ctx


def _recursions(report, last) -> dict:
    """Forward and backward recursions along the path of the largest field (first axis)."""
    by_index = {lf.index: lf for lf in report.layers}
    layers = [by_index[i] for i in last.path if i in by_index and by_index[i].layer]
    fwd, back, notes = [], [], []
    r, j, shortcut = Integer(1), Integer(1), Integer(1)
    differs = False
    for n, lf in enumerate(layers):
        a = lf.layer["axes"][0]
        if lf.layer["transposed"]:
            fwd.append({"name": lf.name, "text": f"{lf.name}: transposed conv, jump j/{fmt.text(a['s'])} "
                        "(fractional, see the table)", "tex": None})
            return {"forward": fwd, "backward": [], "seed_notes": notes}
        k, s = a["k_eff"], a["s"]
        new = r + (k - 1) * j
        fwd.append({"name": lf.name, "k": fmt.text(k), "s": fmt.text(s), "prev": fmt.text(r), "j": fmt.text(j),
                    "r": fmt.text(new),
                    "text": f"r = {fmt.text(r)} + ({fmt.text(k)} − 1)·{fmt.text(j)} = {fmt.text(new)}",
                    "tex": rf"r = {fmt.latex(r)} + ({fmt.latex(k)} - 1) \cdot {fmt.latex(j)} = {fmt.latex(new)}"})
        shortcut = shortcut * s + (k - s)
        gap = sympify(shortcut - new)
        # say where seed 001's shortcut first goes wrong, and what it gives at the end
        if gap.is_zero is False and (not differs or n == len(layers) - 1):
            notes.append(f"{lf.name}: seed 001's r = r_prev·S + (K − S) gives {fmt.text(shortcut)}, "
                         f"the field is {fmt.text(new)}" + ("" if differs else
                         " (it only holds when every layer has the same K and S)"))
            differs = True
        elif gap.is_zero:
            differs = False
        if a["d"] != 1 and a["d"].is_Integer and a["k"].is_Integer:
            wrong = (a["k"] + 1) * (a["d"] - 1) + a["k"]
            notes.append(f"{lf.name}: seed 001's dilated field (k + 1)(d − 1) + k = {wrong}; the effective "
                         f"kernel is k + (k − 1)(d − 1) = {fmt.text(k)}")
        r, j = new, j * s
    rb = Integer(1)
    for lf in reversed(layers):
        a = lf.layer["axes"][0]
        k, s = a["k_eff"], a["s"]
        new = (rb - 1) * s + k
        back.append({"name": lf.name,
                     "text": f"RF = ({fmt.text(rb)} − 1)·{fmt.text(s)} + {fmt.text(k)} = {fmt.text(new)}",
                     "tex": rf"RF = ({fmt.latex(rb)} - 1) \cdot {fmt.latex(s)} + {fmt.latex(k)} = {fmt.latex(new)}"})
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


WORDS = {
    "en": {"layer": "layer", "type": "type", "rf": "rf", "jump": "jump", "start": "start",
           "equiv": "equivalent single conv (at {at}): kernel {k}, stride {s}, padding {p}", "note": "note",
           "conds": "conditions:", "none": "conditions: none (every size gives a valid output)",
           "min": "minimum size per axis (from the conditions on that axis alone)", "valid": "valid square sizes in {a}..{b}",
           "valid_any": "valid sizes in {a}..{b} (the same on every axis)",
           "exact": "exact sizes (no floor drops a pixel)", "warn": "warning", "pairs": "valid (H, W) pairs in {a}..{b}:"},
    "zh": {"layer": "层", "type": "类型", "rf": "感受野", "jump": "跳距", "start": "起点",
           "equiv": "等效单层卷积（{at} 处）：kernel {k}，stride {s}，padding {p}", "note": "注",
           "conds": "条件：", "none": "条件：无（任意尺寸都有效）",
           "min": "各轴最小尺寸（仅按该轴自身的条件）", "valid": "{a}..{b} 内有效的正方形尺寸",
           "valid_any": "{a}..{b} 内有效的尺寸（各轴相同）",
           "exact": "整除尺寸（没有像素被向下取整丢弃）", "warn": "警告", "pairs": "{a}..{b} 内有效的 (H, W) 组合："},
}


def _width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _words(out) -> dict:
    if out.lang != "en" and out.fmt in ("markdown", "latex"):
        raise InputError(f"--lang {out.lang} is not available for {out.fmt} output of this command yet",
                         fix="use --lang en, or the text output with --lang zh")
    return WORDS.get(out.lang, WORDS["en"])


def rf_text(ctx: dict, w: dict = WORDS["en"]) -> str:
    head = (w["layer"], w["type"], w["rf"], w["jump"], w["start"], "")
    body = [(r["name"], r["type"], r["rf"], r["jump"], r["start"], r["note"]) for r in ctx["rows"]]
    widths = [max(_width(str(x[i])) for x in [head, *body]) for i in range(5)]
    lines = ["  ".join(str(c) + " " * (n - _width(str(c))) for c, n in zip(row[:5], widths)).rstrip() +
             (f"  ({row[5]})" if row[5] else "") for row in [head, *body]]
    if ctx["equivalent"]:
        e = ctx["equivalent"]
        lines.append(w["equiv"].format(at=ctx["last"], k=e["kernel"], s=e["stride"], p=e["padding"]))
    lines += [f"{w['note']}: {n}" for n in ctx["seed_notes"]]
    return "\n".join(lines)


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
        return
    ctx = rf_context(report)
    words = _words(out)
    if out.fmt == "text":
        emit(rf_text(ctx, words), out.output)
    else:
        emit(render("rf/rf." + ("md" if out.fmt == "markdown" else "tex") + ".j2", ctx), out.output)


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
    conds = [{"cond": _cond_text(c.holds), "tex": fmt.latex(c.holds),
              "closed": c.closed() or _eq_closed(c.holds) or _scanned(c, rng),
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
        ctx["rows_warning"] = (f"at {label} ∈ {{{fmt_ranges(extra)}}} the net runs but "
                               f"{where or 'a view/reshape'} turns one sample into {fmt.text(rows)} rows; only "
                               f"{label} ∈ {{{fmt_ranges(valid)}}} keeps one row per sample")
    if len(names) == 2 and v.joint_conds():
        ctx["blocks"] = [{"h": fmt_ranges(h), "w": fmt_ranges(w)} for h, w in v.rectangles(rng)]
    return ctx


def _scanned(c, rng: range) -> str:
    """A one-size condition without a closed form, described from its values over the range."""
    from .validity import compile_expr, describe

    if len(c.symbols) != 1:
        return ""
    (s,) = c.symbols
    f = compile_expr(c.holds, (s,))
    return f"{describe(s.name, [h for h in rng if f(h)], rng.start, rng.stop - 1)} (in {rng.start}..{rng.stop - 1})"


def _cond_text(c) -> str:
    from sympy import Eq

    return f"{fmt.text(c.lhs)} = {fmt.text(c.rhs)}" if isinstance(c, Eq) else fmt.text(c)


def _eq_closed(c) -> str:
    """20·a·b = 320 -> 'a·b = 16' (the common integer factor divided out)."""
    from sympy import Eq, gcd

    if not isinstance(c, Eq) or not c.rhs.is_Integer:
        return ""
    coeff, rest = c.lhs.as_coeff_Mul()
    g = gcd(coeff, c.rhs) if coeff.is_Integer else 1
    return f"{fmt.text(c.lhs / g)} = {fmt.text(c.rhs / g)}" if g not in (0, 1) else ""


def inputs_text(ctx: dict, w: dict = WORDS["en"]) -> str:
    lines = [w["conds"] if ctx["conditions"] else w["none"]]
    for c in ctx["conditions"]:
        closed = f"   ⇔ {c['closed']}" if c["closed"] else ""
        lines.append(f"  {c['cond']}{closed}   [{c['step']}]")
    lines.append(f"{w['min']}: " + ", ".join(f"{k} ≥ {v}" for k, v in ctx["minimum"].items()))
    a, b = ctx["range"]
    valid = w["valid"] if len(ctx["symbols"]) == 2 else w["valid_any"]
    lines.append(f"{valid.format(a=a, b=b)}: {ctx['valid']}   ({ctx['valid_closed']})")
    lines.append(f"{w['exact']}: {ctx['exact']}   ({ctx['exact_closed']})")
    if ctx["rows_warning"]:
        lines.append(f"{w['warn']}: " + ctx["rows_warning"])
    if ctx["blocks"]:
        lines.append(w["pairs"].format(a=a, b=b))
        lines += [f"  H ∈ {blk['h']} with W ∈ {blk['w']}" for blk in ctx["blocks"]]
    return "\n".join(lines)


def solution_text(sol) -> str:
    from .validity import fmt_ranges

    op = {"=": "=", "<=": "≤", ">=": "≥", "<": "<", ">": ">"}[sol.target.op]
    vals = ", ".join(map(str, sol.values)) if 0 < len(sol.values) <= 6 else fmt_ranges(sol.values)
    found = f"{sol.unknown} ∈ {{{vals}}}" if sol.values else f"no value of {sol.unknown} works"
    head = (f"{sol.unknown}: {_show(sol.quantity)} {op} {_show(sol.wanted)} → {found} "
            f"(every integer in {sol.tried.start}..{sol.tried.stop - 1} tried)")
    return "\n".join([head, *(f"note: {n}" for n in sol.notes)])


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

    words = _words(out)
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
        doc = {k: ctx[k] for k in keys} | {
            "conditions": [{"condition": c["json"], "closed": c["closed"] or None, "what": c["what"],
                            "layer": c["step"] or None, "kind": c["kind"]} for c in ctx["conditions"]],
            "valid": ctx["valid_list"], "accepted": ctx["accepted_list"], "exact": ctx["exact_list"],
            "warning": ctx["rows_warning"], "pairs": ctx["blocks"]}
        emit(json.dumps(doc, indent=2, ensure_ascii=False), out.output)
    elif out.fmt == "text":
        emit(inputs_text(ctx, words), out.output)
    else:
        emit(render("inputs/inputs." + ("md" if out.fmt == "markdown" else "tex") + ".j2", ctx), out.output)


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
    reason = f"no closed form for the valid sizes ({where}{why.what.rstrip('.')})"
    closed = describe("H = W" if nd == 2 else "size", valid, rng.start, rng.stop - 1)
    if out.fmt == "json":
        emit(json.dumps({"symbols": [], "conditions": [], "valid": valid, "valid_closed": closed,
                         "range": [rng.start, rng.stop - 1], "note": reason}, indent=2, ensure_ascii=False),
             out.output)
    else:
        emit(f"{reason}\nvalid sizes in {rng.start}..{rng.stop - 1}, traced one by one: "
             f"{fmt_ranges(valid)}   ({closed})", out.output)


def _solve(net, out, unknown, target, rng_text):
    from .solve import parse_target, solve

    tgt = parse_target(target)
    trace, _ = load_trace(net)
    sym = next((s for s in _symbols(trace) if s.name == unknown), None)
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
        emit(solution_text(sol), out.output)


def _symbols(trace) -> set:
    from .solve import free_symbols

    return free_symbols(trace)
