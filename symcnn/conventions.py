"""FLOPs conventions by name. symcnn counts MACs once per rule; a convention maps a traced step to
the number a given counting convention reports for it.

Owns: CONVENTIONS, flops(step, name), total(trace, name).
Never: re-derive shapes; everything comes from the Step and its Rule/Result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sympy import Expr, Integer

from .errors import InputError
from .rule import numel
from .trace import Step, Trace


@dataclass(frozen=True, slots=True)
class Convention:
    name: str
    summary: str
    count: Callable[[Step], Expr]


def _bias_adds(step: Step) -> Expr:
    """One addition per output element for layers with a bias (conv, linear)."""
    if step.rule is None or "bias" not in step.rule.parameters():
        return Integer(0)
    return numel(step.output)


CONVENTIONS: dict[str, Convention] = {
    c.name: c
    for c in (
        Convention("mul", "multiplications only (the course notes' FLOPs): conv and linear MACs, no bias",
                   lambda s: s.macs),
        Convention("mac", "multiply-accumulates: conv and linear MACs, bias additions not included",
                   lambda s: s.macs),
        Convention("flop", "2 x MACs: each multiply-accumulate is one multiplication and one addition",
                   lambda s: 2 * s.macs),
        Convention("flop+bias", "2 x MACs plus one addition per output element of layers with a bias",
                   lambda s: 2 * s.macs + _bias_adds(s)),
    )
}
DEFAULT = "mac"


def convention(name: str) -> Convention:
    try:
        return CONVENTIONS[name]
    except KeyError:
        raise InputError(f"unknown FLOPs convention {name!r}",
                         fix=f"use one of: {', '.join(CONVENTIONS)}") from None


def flops(step: Step, name: str = DEFAULT) -> Expr:
    return convention(name).count(step)


def total(trace: Trace, name: str = DEFAULT) -> Expr:
    count = convention(name).count
    return sum((count(s) for s in trace.steps), Integer(0))
