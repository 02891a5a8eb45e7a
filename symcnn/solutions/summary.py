"""The summary table of a traced net (templates/summary.*, the derivation's table, the JSON's layers):
its rows as expressions, the names a reader uses for repeated calls, and the conditions the net
needs with the size bounds folded into the strongest one.

Owns: Values (--set substitution), constraints(trace, values), display_names(steps), rows(trace, ...),
fold_bounds(conditions). Never: format text (templates do), trace, or read the JSON document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sympy import Expr, Ge, Integer, Symbol, sympify
from sympy.logic.boolalg import BooleanTrue

from ..core.intarith import FloorDiv, canon
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


def _counted(step: Step, value: Expr) -> Expr:
    """Parameters are counted on a module's first call only (a module called twice shares them)."""
    return value if step.first_call else Integer(0)


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


def display_names(steps) -> dict[int, str]:
    """Step index -> the name a reader (and ``symcnn check``) uses: the step's name, or name#1, name#2
    ... for a name that several calls share (a module called twice, F.relu after every conv)."""
    seen: dict[str, list[int]] = {}
    for st in steps:
        seen.setdefault(st.name, []).append(st.index)
    out = {}
    for name, idx in seen.items():
        for n, i in enumerate(idx, 1):
            out[i] = f"{name}#{n}" if len(idx) > 1 else name
    return out


def rows(trace: Trace, *, convention: str = conventions.DEFAULT, subs: dict | None = None) -> dict:
    """The data of the summary table (templates/summary.*): one row per traced call, the totals and the
    conditions the net needs, as expressions (the templates print them).

    Rows: the layer's display name (``display_names``), type, net.py line, output shape, params (counted
    on a module's first call), MACs, FLOPs under ``convention``.
    """
    values = Values(dict(subs or {}))
    names = display_names(trace.steps)
    body = [{"name": names[s.index], "type": s.type, "line": s.where.line if s.where and s.where.line else None,
             "output": tuple(values.shape(s.output)), "params": values(_counted(s, s.params)),
             "macs": values(s.macs), "flops": values(conventions.flops(s, convention)), "shared": not s.first_call}
            for s in trace.steps]
    total = {"params": values(trace.total_params), "macs": values(trace.total_macs),
             "flops": values(conventions.total(trace, convention))}
    from .formula import relation

    return {"model": trace.model, "source": trace.source, "backend": trace.backend, "input_shape": tuple(values.shape(trace.input_shape)),
            "output_shape": tuple(values.shape(trace.output_shape)), "rows": body, "total": total,
            "convention": convention,
            # parameters in the total that no row shows: modules never called, bare nn.Parameters
            "unused": [(n, values(r.params)) for n, r in trace.unused], "extra_params": values(trace.extra_params),
            "constraints": [relation(c) for c in fold_bounds(constraints(trace, values))]}


def _lower_bound(rel) -> tuple[Symbol, int] | None:
    """(s, s0) when ``rel`` is exactly s ≥ s0: c·(a·s + b) ≥ k or c·⌊(a·s + b)/m⌋ ≥ k with integers
    a > 0, c > 0, m > 0 (c·x ≥ k ⇔ x ≥ ⌈k/c⌉ for an integer x)."""
    if getattr(rel, "rel_op", None) != ">=" or not rel.rhs.is_Integer or len(rel.lhs.free_symbols) != 1:
        return None
    (sym,) = rel.lhs.free_symbols
    c, num = rel.lhs.as_coeff_Mul()
    if not (c.is_Integer and c > 0):
        return None
    target = -(-int(rel.rhs) // int(c))
    if isinstance(num, FloorDiv):
        num, den = num.args
        if not den.is_Integer or den <= 0:
            return None
        target *= int(den)
    elif c != 1:
        num = c * num
        target = int(rel.rhs)
    a, b = num.coeff(sym, 1), num.coeff(sym, 0)
    if not (a.is_Integer and b.is_Integer and a > 0) or num.expand() != (a * sym + b):
        return None
    return sym, -((int(b) - target) // int(a))   # ceil((target - b) / a)


def fold_bounds(kept: list[Expr]) -> list[Expr]:
    """For people: the size bounds (H − 4 ≥ 1, ⌊(H − 12)/4⌋ ≥ 1, 2·⌊(H + 1)/4⌋ ≥ 1, ...) folded into the
    strongest, H ≥ 16; every other condition unchanged. Exact: only bounds of the forms of
    ``_lower_bound`` fold (each is equivalent to s ≥ s0)."""
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


__all__ = ["Values", "constraints", "display_names", "fold_bounds", "rows"]
