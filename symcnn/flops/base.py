"""The data model of a FLOPs convention: a table of per-layer-type counting rules.

Owns: Count (what one layer type counts, as words and as a function of an Op), Convention.
Never: know any particular tool (hooks.py, patches.py, own.py define the tables).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from sympy import Expr, Integer, floor, sympify

from ..tracing.tracedata import Step
from .ops import KIND_WORK, Op, parts, sub_step


@dataclass(frozen=True, slots=True)
class Count:
    """What a convention counts for one layer type: ``what`` in words (with the formula), ``fn`` the
    count (None: the convention counts 0), ``bug`` a known error of the tool it reproduces."""

    what: str
    fn: Callable[[Op], Expr] | None = None
    bug: str | None = None
    when: Callable[[Op], bool] | None = None   # the bug applies to this op (default: always)

    def bug_for(self, op: Op) -> str | None:
        if self.bug is None or (self.when is not None and not self.when(op)):
            return None
        return self.bug

    def __call__(self, op: Op) -> Expr:
        return sympify(self.fn(op)) if self.fn is not None else Integer(0)


def zero(why: str) -> Count:
    return Count(why, None)


@dataclass(frozen=True, slots=True)
class Convention:
    """A named FLOPs convention. Counting rules are looked up, most specific first, by the step's
    key ("nn.ReLU"), "<via>:<kind>" ("functional:relu"), the kind ("relu"), "<via>:*", then "*"."""

    name: str
    summary: str
    table: Mapping[str, Count]
    tool: str | None = None          # "ptflops 0.7.5" when the convention is a tool's
    call: str | None = None          # how that tool was called to get its total
    own: bool = False                # symcnn's own convention: every layer type says what it counts
    floor_total: bool = False        # the tool truncates its (fractional) total to an int
    unit: str = "mac"                # "mac": one multiply-accumulate = 1; "flop": = 2 (compare with flop)
    notes: tuple[str, ...] = field(default_factory=tuple)

    def rule_for(self, step: Step) -> Count:
        if step.key not in self.table and parts(step):
            return self._sum_of_parts(step)
        op = Op(step)
        kind = op.kind
        for key in (step.key, f"{step.via}:{kind}", kind, f"{step.via}:*", "*"):
            if key in self.table:
                return self.table[key]
        raise KeyError(f"convention {self.name} has no '*' entry")

    def _sum_of_parts(self, step: Step) -> Count:
        names = ", ".join(dict.fromkeys(p.rule.key.split(".", 1)[-1] for p in parts(step)))
        return Count(f"the sum of its sub-layers' counts ({names}), each counted as that layer", self._parts_total)

    def _parts_total(self, op: Op) -> Expr:
        return sum((p.count * self.count(sub_step(op.step, p), op.batch) for p in parts(op.step)), Integer(0))

    def count(self, step: Step, batch: Expr | None = None) -> Expr:
        """The count of one step. A composite layer (its Result lists parts) counts as the sum of its
        parts unless the table has an entry for its key; an entry may give None: then the sum applies."""
        op = Op(step, batch)
        rule = self.rule_for(step)
        value = rule.fn(op) if rule.fn is not None else Integer(0)
        if value is None:
            value = self._parts_total(op)
        return sympify(value)

    def hides_work(self, step: Step) -> bool:
        """True when this convention counts 0 for a step that does arithmetic."""
        r = self.rule_for(step)
        return r.fn is None and KIND_WORK.get(Op(step).kind, True) and not self.own

    def total(self, steps: list[Step], batch: Expr | None = None) -> Expr:
        s = sum((self.count(st, batch) for st in steps), Integer(0))
        if self.floor_total and s.is_number:
            return floor(s)
        return s
