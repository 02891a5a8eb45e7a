"""The JSON document of a traced net (``derive --json`` and ``summary --json``), and the summary
table (rows rendered by templates/summary.*). Schema: docs/schema.json, described in docs/json.md.

Every value is a JSON integer when it is a number, else a string that ``sympy.sympify`` parses back
to the exact expression (floor, ceiling, Max, Min, Piecewise as SymPy names them), given the size
symbols listed under "symbols" as ``Symbol(name, integer=True, positive=True)``.

Owns: document(trace, ...), dumps(doc), rows(trace, ...), render_summary(trace, ...), Values (--set
substitution of a value). Never: trace, parse user input, or catch errors; it only reads a Trace.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sympy import Expr, Ge, Integer, Symbol, sympify
from sympy.logic.boolalg import BooleanTrue

from .. import __version__
from ..core import fmt
from ..core.intarith import FloorDiv, canon, to_canonical
from ..flops import conventions
from ..tracing.tracedata import Step, Trace


@dataclass(frozen=True, slots=True)
class Values:
    """Applies the --set substitutions to a value; canonical form kept."""

    subs: dict[Symbol, Integer] = field(default_factory=dict)

    def __call__(self, e) -> Expr:
        e = sympify(e)
        return canon(e.subs(self.subs)) if self.subs and e.free_symbols else e

    def shape(self, shape) -> list[Expr]:
        return [self(v) for v in shape]


def _js(e) -> int | str:
    return fmt.jsonable(e)


def _shape(values: Values, shape) -> list[int | str]:
    return [_js(v) for v in values.shape(shape)]


def _counted(step: Step, value: Expr) -> Expr:
    """Parameters are counted on a module's first call only (a module called twice shares them)."""
    return value if step.first_call else Integer(0)


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


def constraints(trace: Trace, values: Values) -> list[Expr]:
    """The conditions the net needs (each once); those the --set values satisfy are dropped."""
    out: list = []
    for c in trace.constraints:
        holds = sympify(c.condition.holds)
        if values.subs:
            holds = holds.subs(values.subs)
        if holds is True or isinstance(holds, BooleanTrue):
            continue
        if holds not in out:
            out.append(holds)
    return out


def document(trace: Trace, *, convention: str = conventions.DEFAULT, subs: dict | None = None) -> dict:
    """The JSON document (a dict) of issue 5 for a trace, with --set values substituted."""
    conventions.convention(convention)  # unknown name -> InputError
    values = Values(dict(subs or {}))
    free = sorted({s.name for s in trace.symbols} - {s.name for s in values.subs})
    return {
        "symcnn": __version__,
        "model": trace.model,
        "source": trace.source,
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


# --- the summary table -------------------------------------------------------------------------

_TEX_SPECIAL = {"\\": r"\textbackslash{}", "_": r"\_", "%": r"\%", "&": r"\&", "#": r"\#", "$": r"\$",
                "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _tex_escape(text: str) -> str:
    return "".join(_TEX_SPECIAL.get(ch, ch) for ch in text)


def _cell(e: Expr, style: str) -> str:
    if style == "text" or (style == "markdown" and isinstance(e, Integer)):
        return fmt.number(e)
    if isinstance(e, Integer):
        return fmt.number(e).replace(",", "{,}") if style == "latex" else fmt.number(e)
    return f"${fmt.latex(e)}$"


def _dim(v: Expr, style: str) -> str:
    """One size of a shape; sums get parentheses so 1×10×(H − 4) reads right."""
    bare = v.is_Atom or isinstance(v, FloorDiv)
    if style == "text":
        return fmt.text(v) if bare else f"({fmt.text(v)})"
    return fmt.latex(v) if bare else rf"\left({fmt.latex(v)}\right)"


def _shape_cell(shape: list[Expr], style: str) -> str:
    if style == "text" or (style == "markdown" and all(isinstance(v, Integer) for v in shape)):
        return "×".join(_dim(v, "text") for v in shape)
    return "$" + r" \times ".join(_dim(v, style) for v in shape) + "$"


def rows(trace: Trace, *, style: str = "text", convention: str = conventions.DEFAULT,
         subs: dict | None = None) -> dict:
    """The summary table as formatted cells (style text, markdown or latex), with totals and widths.

    Rows: layer name, type, net.py line, output shape, params (counted on a module's first call), MACs,
    FLOPs under ``convention``. Used by templates/summary.*.
    """
    values = Values(dict(subs or {}))
    name = _tex_escape if style == "latex" else (lambda t: t.replace("|", "\\|") if style == "markdown" else t)
    body = []
    for s in trace.steps:
        body.append({
            "name": name(s.name), "type": name(s.type), "line": str(s.where.line) if s.where and s.where.line else "",
            "shape": _shape_cell(values.shape(s.output), style),
            "params": _cell(values(_counted(s, s.params)), style), "macs": _cell(values(s.macs), style),
            "flops": _cell(values(conventions.flops(s, convention)), style), "shared": not s.first_call,
        })
    sums = {"params": values(trace.total_params), "macs": values(trace.total_macs),
            "flops": values(conventions.total(trace, convention))}
    total = {k: _cell(v, style) for k, v in sums.items()}
    cols = ("name", "type", "line", "shape", "params", "macs", "flops")
    widths = {c: _width([len(r[c]) for r in body], len(total.get(c, ""))) for c in cols}
    kept = constraints(trace, values)
    return {"model": name(trace.model), "source": name(trace.source),
            "input_shape": _shape_cell(values.shape(trace.input_shape), style),
            "output_shape": _shape_cell(values.shape(trace.output_shape), style),
            "rows": body, "total": total, "widths": widths, "convention": convention,
            "symbolic_total": {k: not isinstance(v, Integer) for k, v in sums.items()},
            # parameters in the total that no row shows: modules never called, bare nn.Parameters
            "unused": [(name(n), _cell(values(r.params), style)) for n, r in trace.unused],
            "extra_params": _cell(values(trace.extra_params), style) if trace.extra_params != 0 else "",
            "constraints": [_constraint_cell(c, style) for c in _display_constraints(kept)]}


def _lower_bound(rel) -> tuple[Symbol, int] | None:
    """(s, s0) when ``rel`` is exactly s ≥ s0: a·s + b ≥ k or ⌊(a·s + b)/m⌋ ≥ k with integers a > 0, m > 0."""
    if getattr(rel, "rel_op", None) != ">=" or not rel.rhs.is_Integer or len(rel.lhs.free_symbols) != 1:
        return None
    (sym,) = rel.lhs.free_symbols
    num, target = rel.lhs, int(rel.rhs)
    if isinstance(num, FloorDiv):
        num, den = num.args
        if not den.is_Integer or den <= 0:
            return None
        target *= int(den)
    a, b = num.coeff(sym, 1), num.coeff(sym, 0)
    if not (a.is_Integer and b.is_Integer and a > 0) or num != a * sym + b:
        return None
    return sym, -((int(b) - target) // int(a))   # ceil((target - b) / a)


def _display_constraints(kept: list[Expr]) -> list[Expr]:
    """For people: the size bounds (H − 4 ≥ 1, ⌊(H − 12)/4⌋ ≥ 1, ...) folded into the strongest H ≥ 16;
    every other condition unchanged. Exact: only bounds of the forms of ``_lower_bound`` fold."""
    bounds: dict[Symbol, int] = {}
    rest = []
    for c in kept:
        b = _lower_bound(c)
        if b is None:
            rest.append(c)
        else:
            bounds[b[0]] = max(bounds.get(b[0], 1), b[1])
    folded = [Ge(sym, v) for sym, v in sorted(bounds.items(), key=lambda kv: kv[0].name) if v > 1]
    return folded + rest


def _constraint_cell(e: Expr, style: str) -> str:
    if style != "text":
        return f"${fmt.latex(e)}$"
    if getattr(e, "is_Relational", False):
        op = {"==": "=", ">=": "≥", "<=": "≤", "!=": "≠"}.get(e.rel_op, e.rel_op)
        return f"{fmt.text(e.lhs)} {op} {fmt.text(e.rhs)}"
    return fmt.text(e)


# --- rendering the summary ----------------------------------------------------------------------

def _width(cells: list[int], total: int) -> int:
    """A column's width: its cells, and the total unless that is a long symbolic sum (which then
    runs past the column on its own line instead of widening every row of the table)."""
    widest = max(cells, default=0)
    return max(widest, total) if total <= max(widest, 24) else widest


def render_summary(trace: Trace, *, fmt: str = "text", lang: str = "en", convention: str | None = None,
                   subs: dict | None = None, standalone: bool = True) -> str:
    """The summary of a trace in text, markdown, latex (templates/summary.*) or json (``document``).

    ``convention=None`` means the default FLOPs convention and no FLOPs column.
    """
    if fmt == "json":
        return dumps(document(trace, convention=convention or conventions.DEFAULT, subs=subs))
    ctx = rows(trace, style=fmt, convention=convention or conventions.DEFAULT, subs=subs)
    name = {"text": "summary.text.j2", "markdown": "summary.md.j2", "latex": "summary.tex.j2"}[fmt]
    from ..core.render import environment

    return environment(fmt, "en").get_template(name).render(**ctx, lang=lang, show_flops=convention is not None,
                                                       standalone=standalone)


__all__ = ["Values", "document", "dumps", "layer", "parse_value", "render_summary", "rows"]
