"""What a SymTensor cannot know, and what it knows without data: its dtype and the tensors like it.

A SymTensor has no values. Where code needs them, at module level (printing a loss, a script's
accuracy), they are inert (``item()`` is nan, ``tolist()`` is empty); inside the traced forward, or
where a value would shape the model (``int(labels.max())``), they are a clear error. dtypes follow torch:
``x.long()``, ``x.to(torch.float16)``, ``x.new_zeros(...)``, comparisons give bool, arithmetic promotes.
Loss.backward() and a write to ``.data`` of another shape are where a script trains or loads weights.
Owns: ValueMethods (the SymTensor mixin), promote(). Never: compute shapes of layers or record steps.
"""

from __future__ import annotations

from typing import Any

from sympy import Eq

from ..core.errors import TraceError
from . import record as rec
from .indexing import broadcast, sym

_FLOATS = ("float64", "float32", "bfloat16", "float16")
_INTS = ("int64", "int32", "int16", "int8", "uint8", "bool")


def promote(a: str, b: str | None) -> str:
    """torch's result dtype of an elementwise op of two tensors (b None: a Python float)."""
    if b is None:
        return a if a in _FLOATS else "float32"
    if a in _FLOATS or b in _FLOATS:
        floats = [d for d in (a, b) if d in _FLOATS]
        return min(floats, key=_FLOATS.index)
    return min((a, b), key=_INTS.index)


def dtype_name(v: Any) -> str | None:
    """A dtype as its name: ``"int64"``, torch's ``torch.int64``, or the stand-in's; None if not a dtype."""
    name = str(v).removeprefix("torch.") if v is not None else ""
    return name if name in _FLOATS or name in _INTS else None


def _needs_values(what: str) -> TraceError:
    return TraceError(f"{what} needs the tensor's values, which symcnn does not have (it keeps only shapes)",
                      fix="write the number it stands for, or keep data-dependent code out of the model"
                      ).located(rec.where())


def _module_level() -> bool:
    s = rec.session()
    return s is not None and not s.recording and not s.in_forward


class ValueMethods:
    """Mixin of SymTensor (see the module docstring)."""

    __slots__ = ()

    # --- values ---
    def item(self):
        if _module_level():
            return float("nan")   # module-level prints of losses; never part of a traced result
        raise _needs_values("tensor.item()")

    def tolist(self):
        if _module_level():
            return []
        raise _needs_values("tensor.tolist()")

    def __float__(self):
        return self.item()

    def __int__(self):
        raise _needs_values("int() of a tensor")

    __index__ = __int__

    def __bool__(self):
        raise TraceError("the truth value of a tensor depends on its data, which symcnn does not have",
                         fix="branch on sizes (x.size(i)), not on values").located(rec.where())

    def backward(self, *args: Any, **kwargs: Any) -> None:
        if _module_level():
            raise rec.TrainingStarted("loss.backward()", rec.where())

    @property
    def data(self):
        return self

    @data.setter
    def data(self, value: Any) -> None:
        shape = getattr(value, "_shape", None)
        if shape is not None and (len(shape) != len(self._shape)
                                  or any(Eq(a, b) is False for a, b in zip(shape, self._shape))):
            raise TraceError(f"assigning .data of shape {tuple(shape)} to a tensor of shape {tuple(self._shape)}",
                             fix="symcnn keeps every parameter's shape: load weights of the same shape"
                             ).located(rec.where())

    # --- dtypes ---
    def to(self, *args: Any, dtype: Any = None, **kwargs: Any):
        dtype = dtype_name(dtype)
        for a in args:
            if dtype_name(a):
                dtype = dtype_name(a)
            elif isinstance(a, ValueMethods):
                dtype = a._dtype
        return self._retyped(dtype) if dtype else self

    def type(self, dtype: Any = None, **kwargs: Any):
        if dtype is None:
            return {"float32": "torch.FloatTensor", "int64": "torch.LongTensor"}.get(self._dtype, self._dtype)
        legacy = {"FloatTensor": "float32", "DoubleTensor": "float64", "HalfTensor": "float16",
                  "LongTensor": "int64", "IntTensor": "int32", "ByteTensor": "uint8", "BoolTensor": "bool"}
        name = getattr(dtype, "_dtype", None) or dtype_name(dtype) or legacy.get(str(dtype).rsplit(".", 1)[-1])
        return self._retyped(name) if name else self

    def type_as(self, other: Any):
        return self._retyped(other._dtype)

    def float(self, *a: Any, **k: Any): return self._retyped("float32")
    def double(self, *a: Any, **k: Any): return self._retyped("float64")
    def half(self, *a: Any, **k: Any): return self._retyped("float16")
    def bfloat16(self, *a: Any, **k: Any): return self._retyped("bfloat16")
    def long(self, *a: Any, **k: Any): return self._retyped("int64")
    def int(self, *a: Any, **k: Any): return self._retyped("int32")
    def short(self, *a: Any, **k: Any): return self._retyped("int16")
    def byte(self, *a: Any, **k: Any): return self._retyped("uint8")
    def bool(self, *a: Any, **k: Any): return self._retyped("bool")

    def is_floating_point(self) -> bool:
        return self._dtype in _FLOATS

    # --- new tensors like this one ---
    def new(self, *sizes: Any, **kw: Any):
        return self._spawn(_sizes(sizes), self._dtype)

    def new_zeros(self, *sizes: Any, dtype: Any = None, **kw: Any):
        return self._spawn(_sizes(sizes), dtype_name(dtype) or self._dtype)

    new_ones = new_empty = new_zeros

    def new_full(self, size: Any, fill_value: Any, dtype: Any = None, **kw: Any):
        return self._spawn(_sizes((size,)), dtype_name(dtype) or self._dtype)

    def new_tensor(self, data: Any, dtype: Any = None, **kw: Any):
        shape = []
        while isinstance(data, (list, tuple)):
            shape.append(len(data))
            data = data[0] if data else None
        return self._spawn(tuple(shape), dtype_name(dtype) or self._dtype)

    # --- masks: the same shape, no step (they select values, they compute no layer) ---
    def triu(self, diagonal: int = 0):
        return self._spawn(self._shape, self._dtype)

    tril = triu

    def masked_fill(self, mask: Any, value: Any):
        if isinstance(mask, ValueMethods):
            broadcast(self._shape, mask._shape, "masked_fill")
        return self._spawn(self._shape, self._dtype)

    # --- comparisons: bool tensors of the broadcast shape (masks; no step) ---
    def _compare(self, other: Any):
        if isinstance(other, ValueMethods):
            shape = broadcast(self._shape, other._shape, "comparison")
        else:
            shape = self._shape
        return self._spawn(shape, "bool")

    __eq__ = eq = __ne__ = ne = __lt__ = lt = __le__ = le = __gt__ = gt = __ge__ = ge = _compare
    __hash__ = object.__hash__


def _sizes(args: tuple) -> tuple:
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    return tuple(sym(v) for v in args)


__all__ = ["ValueMethods", "promote"]
