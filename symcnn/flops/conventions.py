"""FLOPs conventions by name. symcnn counts MACs once per rule; a convention is a table of
per-layer-type counting rules that maps a traced step to the number that convention reports for it:
symcnn's own ``mul``, ``mac``, ``flop``, ``flop+bias``, and the conventions of the counting tools
(torchinfo, fvcore, thop, ptflops, calflops, torchscan), each equal to the tool's own total.

Owns: CONVENTIONS, DEFAULT, ORDER, convention(name), flops(step, name), total(trace, name),
describe(step, name), hides_work(step, name), known_error(step, name).
Never: re-derive shapes (everything comes from the Step and its Rule/Result); import torch or a tool.
"""

from __future__ import annotations

from sympy import Expr

from ..core.errors import InputError
from ..tracing.tracedata import Step, Trace
from .base import Convention, Count
from .hooks import HOOKS
from .ops import Op
from .own import OWN
from .patches import PATCHES

CONVENTIONS: dict[str, Convention] = {c.name: c for c in (*OWN, *HOOKS, *PATCHES)}
# the order in which tables show them: symcnn's own, then the tools alphabetically
ORDER: tuple[str, ...] = ("mul", "mac", "flop", "flop+bias", "torchinfo", "fvcore", "thop", "ptflops",
                          "ptflops-aten", "calflops", "calflops-flops", "torchscan", "torchscan-flops")
DEFAULT = "mac"


def convention(name: str) -> Convention:
    """The convention called ``name``; InputError listing the names if there is none."""
    try:
        return CONVENTIONS[name]
    except KeyError:
        raise InputError(f"unknown FLOPs convention {name!r}",
                         fix=f"use one of: {', '.join(ORDER)}") from None


def flops(step: Step, name: str = DEFAULT, batch: Expr | None = None) -> Expr:
    """The count of one step under convention ``name`` (``batch``: the model's batch size, which
    ptflops divides its module counts by; default the step's own leading dimension)."""
    return convention(name).count(step, batch)


def total(trace: Trace, name: str = DEFAULT) -> Expr:
    """The whole net's count under convention ``name``, as the tool of that name reports it."""
    batch = trace.input_shape[0] if trace.input_shape else None
    return convention(name).total(trace.steps, batch)


def describe(step: Step, name: str = DEFAULT) -> str:
    """What convention ``name`` counts for this step, in words with the formula."""
    return convention(name).rule_for(step).what


def known_error(step: Step, name: str) -> str | None:
    """The known error of the tool behind convention ``name`` that its count of this step reproduces
    (e.g. a ConvTranspose counted on the output grid), or None."""
    return convention(name).rule_for(step).bug_for(Op(step))


def hides_work(step: Step, name: str) -> bool:
    """True when a tool's convention counts 0 for a step that clearly does arithmetic."""
    return convention(name).hides_work(step)


__all__ = ["CONVENTIONS", "DEFAULT", "ORDER", "Convention", "Count", "convention", "describe", "flops",
           "hides_work", "known_error", "total"]
