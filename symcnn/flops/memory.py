"""Memory conventions by name: the bytes of a forward and backward pass of a traced net, as four figures
(input, forward/backward, parameters, total), like FLOPs conventions (conventions.py) one definition each.

- ``symcnn`` (the default), checkable by hand from the summary table: the inputs (elements × bytes),
  every layer's output counted once, times 2 for the backward pass (one gradient per activation), and
  every parameter (elements × bytes). docs/memory.md states it and why it differs from torchinfo.
- ``torchinfo``: torchinfo 1.8.0's four figures, quirks included: an input's storage object
  (elements × bytes + 64); 2 × the output of every call of a leaf module (no child modules) with
  parameters (a tuple's first tensor); the parameters of the leaf modules called at least once.

Sizes may be symbols: every figure is then a closed form (one small expression per layer, summed once).
``dtype`` (float32, float16, bfloat16, float64) is the element type of the model and its float inputs:
integer inputs (token ids) keep their own size.
Owns: DTYPES, Memory, MemoryConvention, MEMORY, ORDER, DEFAULT, memory_convention, dtype_size, memory,
activation_bytes, input_bytes, tensor_bytes. Never: import torch or a tool, or format numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sympy import Expr

from ..core.errors import InputError
from ..rules.base import numel
from ..tracing.tracedata import ModuleInfo, Step, Trace, _total
from .ops import parts

DTYPES: dict[str, int] = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8}   # bytes per element
_INTEGER = {"int64": 8, "int32": 4, "int16": 2, "int8": 1, "uint8": 1, "bool": 1}   # inputs keep their size
STORAGE_HEADER = 64   # sys.getsizeof(tensor.untyped_storage()) - nbytes on CPython 3.11, torch 2.13
DEFAULT_DTYPE = "float32"


@dataclass(frozen=True, slots=True)
class Memory:
    """The four figures of one convention, in bytes (closed forms when sizes are symbols)."""

    convention: str
    dtype: str
    input_bytes: Expr
    forward_backward_bytes: Expr
    params_bytes: Expr
    backward_factor: int = 2     # forward_backward = factor × what the forward pass keeps

    @property
    def total_bytes(self) -> Expr:
        return _total([self.input_bytes, self.forward_backward_bytes, self.params_bytes])

    @property
    def forward_bytes(self) -> Expr:
        """What the forward pass keeps (forward_backward / backward_factor)."""
        return self.forward_backward_bytes / self.backward_factor


@dataclass(frozen=True, slots=True)
class MemoryConvention:
    name: str
    summary: str                                  # one line: what it counts
    compute: Callable[[Trace, int], tuple[Expr, Expr, Expr]]   # (input, forward/backward, params) bytes
    tool: str | None = None                       # "torchinfo 1.8.0" for a tool's convention


def dtype_size(dtype: str) -> int:
    """Bytes per element of a --dtype name; InputError listing the accepted names otherwise."""
    try:
        return DTYPES[dtype]
    except KeyError:
        raise InputError(f"unknown dtype {dtype!r}", fix=f"use one of: {', '.join(DTYPES)}") from None


def tensor_bytes(shape: tuple, dtype: str, size: int, header: int = 0) -> Expr:
    """One input: elements × element size (its own for an integer input such as token ids, else the
    model's ``size``), + ``header``."""
    return numel(shape) * _INTEGER.get(dtype, size) + header


def input_bytes(trace: Trace, size: int, header: int = 0) -> Expr:
    """Every input of forward (``header`` bytes more per tensor)."""
    return _total([tensor_bytes(s, d, size, header) for s, d in zip(trace.input_shapes, trace.input_dtypes)])


def activation_bytes(step: Step, size: int) -> Expr:
    """One layer's output (its first output when it has several): elements × bytes."""
    return numel(step.output) * size


def _symcnn(trace: Trace, size: int) -> tuple[Expr, Expr, Expr]:
    forward = _total([activation_bytes(s, size) for s in trace.steps])
    return input_bytes(trace, size), 2 * forward, trace.total_params * size


# --- torchinfo 1.8.0 ---

def _has_params(m: ModuleInfo) -> bool:
    """torchinfo's num_params > 0: a leaf's named_parameters(), shared ones included."""
    return any(p.numel != 0 for p in m.params)


def _own(m: ModuleInfo) -> Expr:
    return _total([p.numel for p in m.params])


def _part_calls(trace: Trace) -> Iterator[tuple[str, tuple]]:
    """(module name, output shape) of the calls real torch makes inside a composite layer (a Transformer
    layer's linears and norms), which a trace records as one step: from the rule's parts."""
    by_name = {m.name: m for m in trace.modules}
    owner: dict[int, ModuleInfo] = {}
    for m in trace.modules:          # the deepest module around each step is the layer that made it
        for i in m.steps:
            if i not in owner or owner[i].depth < m.depth:
                owner[i] = m

    def walk(prefix: str, ps) -> Iterator[tuple[str, tuple]]:
        for p in ps:
            name = f"{prefix}.{p.name}" if prefix else p.name
            m = by_name.get(name)
            if m is None:
                continue
            copies = [f"{name}.{i}" for i in range(int(p.count))] if m.type == "ModuleList" else [name]
            for c in copies:
                yield c, p.result.shape
                yield from walk(c, p.result.detail.get("parts", ()))

    for s in trace.steps:
        if parts(s) and s.index in owner:
            yield from walk(owner[s.index].name, parts(s))


def _torchinfo(trace: Trace, size: int) -> tuple[Expr, Expr, Expr]:
    leaves = {m.name: m for m in trace.modules if m.leaf}
    calls = [(m.name, out) for m in leaves.values() for out in m.outputs]
    calls += [(n, out) for n, out in _part_calls(trace) if n in leaves]
    outputs = [numel(out) * size for n, out in calls if out is not None and _has_params(leaves[n])]
    called = dict.fromkeys(n for n, _ in calls)
    params = _total([_own(leaves[n]) for n in called])
    return input_bytes(trace, size, STORAGE_HEADER), 2 * _total(outputs), params * size


MEMORY: dict[str, MemoryConvention] = {c.name: c for c in (
    MemoryConvention("symcnn", "inputs, every layer's output once × 2 (forward and backward), every parameter; "
                     "elements × bytes", _symcnn),
    MemoryConvention("torchinfo", "torchinfo's figures: each input's storage (elements × bytes + 64), 2 × the "
                     "output of every call of a leaf module with parameters, the parameters of the leaf modules "
                     "called", _torchinfo, tool="torchinfo 1.8.0"),
)}
ORDER: tuple[str, ...] = ("symcnn", "torchinfo")
DEFAULT = "symcnn"


def memory_convention(name: str) -> MemoryConvention:
    """The memory convention called ``name``; InputError listing the names if there is none."""
    try:
        return MEMORY[name]
    except KeyError:
        raise InputError(f"unknown memory convention {name!r}", fix=f"use one of: {', '.join(ORDER)}") from None


def memory(trace: Trace, name: str = DEFAULT, dtype: str = DEFAULT_DTYPE) -> Memory:
    """The four memory figures of ``trace`` under convention ``name`` with elements of ``dtype``."""
    conv, size = memory_convention(name), dtype_size(dtype)
    inp, fb, params = conv.compute(trace, size)
    return Memory(name, dtype, inp, fb, params)


__all__ = ["DEFAULT", "DTYPES", "MEMORY", "ORDER", "Memory", "MemoryConvention", "activation_bytes", "dtype_size",
           "input_bytes", "memory", "memory_convention", "tensor_bytes"]
