"""The arguments and results of a layer call, as data: the tensors among a call's arguments, the
arguments as a rule takes them (shapes, tuples of shapes, flags) and a rule's outputs structured as
torch returns them (``Result.nest``: ``(output, (h_n, c_n))``, ``(attn_output, None)``).

Owns: tensors_in, shapes_of, outputs. Never: record steps (tensor.py does) or import torch.
"""

from __future__ import annotations

from typing import Any

from ..rules.base import Result


def _is_tensor(v: Any) -> bool:
    """A SymTensor (duck-typed: this module sits below tensor.py)."""
    return hasattr(v, "_shape") and hasattr(v, "step")


def tensors_in(value: Any) -> list:
    """Every tensor in a call's argument (a tensor, a tuple/list/dict of them, flags), in order."""
    if _is_tensor(value):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in tensors_in(v)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in tensors_in(v)]
    return []


def shapes_of(value: Any) -> Any:
    """A call's argument as a rule takes it: tensors become shapes, tuples of tensors tuples of shapes."""
    if _is_tensor(value):
        return value._shape
    if isinstance(value, (tuple, list)) and any(_is_tensor(v) for v in value):
        return tuple(shapes_of(v) for v in value)
    return value


def outputs(result: Result, out) -> Any:
    """The tensors of a rule's result, structured as torch returns them (``Result.nest``)."""
    tensors = [out, *(type(out)(sh, out.step, out._dtype) for sh in result.extra_shapes)]
    if result.nest is None:
        return tuple(tensors) if result.extra_shapes else out

    def walk(n: Any) -> Any:
        if n is None:
            return None
        return tuple(walk(e) for e in n) if isinstance(n, tuple) else tensors[n]
    return walk(result.nest)


__all__ = ["outputs", "shapes_of", "tensors_in"]
