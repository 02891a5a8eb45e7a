"""Activations: the elements of each layer's output, the per-layer figure behind memory questions
("how much memory do the activations of this layer take?") and `symcnn check`'s ``activations`` and
``activation_bytes`` fields. Every step's output is counted once, batch included (symcnn's own
memory convention); bytes are elements × the element size of the dtype.

Owns: activations(step), total_activations(trace).
Never: format numbers or words, import torch, or decide a dtype (callers multiply by its size).
"""

from __future__ import annotations

from sympy import Expr, Integer

from ..rules.base import numel
from ..tracing.tracedata import Step, Trace


def activations(step: Step) -> Expr:
    """The elements of one step's output (its first output when it has several)."""
    return numel(step.output)


def total_activations(trace: Trace) -> Expr:
    """Every step's output, each counted once."""
    return sum((activations(st) for st in trace.steps), Integer(0))


__all__ = ["activations", "total_activations"]
