"""The memory section of a worked solution, as data: the CS231n walkthrough of a net's memory, layer by
layer (each output's elements and bytes), then the input, the forward pass, the backward factor, the
parameters and the total under symcnn's convention, and the figures of the convention asked for
(--memory) when it is another. Templates (derivation.*.j2) write it.

Owns: MemRow, MemorySection, memory_section(trace, ...). Never: write text, or count memory any other
way than symcnn.flops.memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sympy import Expr, Integer, sympify

from ..core.intarith import canon
from ..flops import memory as mem
from ..rules.base import numel
from ..tracing.tracedata import Trace, _total
from .summary import display_names, has_buffers


@dataclass(slots=True)
class MemRow:
    """One tensor kept for the backward pass: a layer's output (or an input), its elements and bytes."""

    label: str
    type: str
    output: tuple
    elements: Expr
    bytes: Expr


@dataclass(slots=True)
class MemorySection:
    dtype: str
    size: Expr                       # bytes per element
    inputs: list[MemRow]
    rows: list[MemRow]
    forward_elements: Expr
    params: Expr
    trainable: Expr
    non_trainable: Expr
    own: mem.Memory                  # symcnn's convention: what the rows add up to
    asked: mem.Memory | None = None  # the --memory convention when it is not symcnn's
    asked_summary: str = ""
    factor: Expr = Integer(2)        # the backward factor
    buffers: bool = False            # a norm layer keeps running statistics (buffers, not parameters)
    at: dict = field(default_factory=dict)


def memory_section(trace: Trace, *, convention: str = mem.DEFAULT, dtype: str = mem.DEFAULT_DTYPE,
                   subs: dict | None = None) -> MemorySection:
    """The memory walkthrough of ``trace`` (values with ``subs`` substituted when given)."""
    size = mem.dtype_size(dtype)
    asked = mem.memory(trace, convention, dtype)
    own = mem.memory(trace, mem.DEFAULT, dtype)
    x = (lambda e: canon(sympify(e).xreplace(subs))) if subs else sympify
    names = display_names(trace.steps)
    inputs = [MemRow("input", dt, tuple(x(v) for v in shape), x(numel(shape)), x(mem.tensor_bytes(shape, dt, size)))
              for shape, dt in zip(trace.input_shapes, trace.input_dtypes)]
    rows = [MemRow(names[s.index], s.type, tuple(x(v) for v in s.output), x(numel(s.output)),
                   x(mem.activation_bytes(s, size))) for s in trace.steps]
    sub = (lambda m: mem.Memory(m.convention, m.dtype, x(m.input_bytes), x(m.forward_backward_bytes),
                                x(m.params_bytes), m.backward_factor))
    other = None if convention == mem.DEFAULT else sub(asked)
    return MemorySection(dtype, Integer(size), inputs, rows, x(_total([numel(s.output) for s in trace.steps])),
                         x(trace.total_params), x(trace.trainable_params), x(trace.non_trainable_params),
                         sub(own), other, mem.memory_convention(convention).summary, Integer(own.backward_factor),
                         has_buffers(trace))


__all__ = ["MemRow", "MemorySection", "memory_section"]
