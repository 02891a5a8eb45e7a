"""What the summary table, the derivation's table and the JSON share: --set values, the names a reader
uses for repeated calls, and the conditions the net needs with the size bounds folded into the strongest.

Owns: Values (--set substitution), constraints(trace, values), display_names(steps), fold_bounds(conditions),
has_buffers(trace) (the table's rows: symcnn.solutions.table). Never: format text (templates do), trace, or read the JSON document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sympy import Expr, Ge, Integer, Symbol, sympify
from sympy.logic.boolalg import BooleanTrue

from ..core.intarith import FloorDiv, canon
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


def has_buffers(trace: Trace) -> bool:
    """A norm layer with running statistics (BatchNorm, InstanceNorm with track_running_stats) is in the
    net: those statistics are buffers, not parameters."""
    return any(s.rule is not None and getattr(s.rule, "track", False) for s in trace.steps)


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


__all__ = ["Values", "constraints", "display_names", "fold_bounds", "has_buffers"]
