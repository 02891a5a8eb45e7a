"""Making tensors in the stand-in: ``torch.rand(...)`` & co., ``torch.tensor(data)``, ``torch.from_numpy``,
the legacy constructors (``torch.FloatTensor(2, 3)``, ``torch.Tensor(array)``), and the dtypes.

A tensor has a shape and a dtype, no data. From data (nested lists, a numpy array or anything with
``.shape``) it takes the data's shape, and its dtype as torch would (Python ints give int64, floats
float32; a numpy array keeps its dtype; ``FloatTensor(...)`` is float32). dtypes are their names
(``torch.long == "int64"``). Tensors made outside the traced forward are remembered as candidate
inputs of the model.
Owns: the creation functions and legacy tensor types, DTYPE_OF. Never: hold data or import numpy.
"""

from __future__ import annotations

import builtins
from numbers import Integral
from typing import Any

from ...core.errors import TraceError
from .. import record as rec
from ..tensor import SymTensor, sym

float32 = float = "float32"
float64 = double = "float64"
float16 = half = "float16"
bfloat16 = "bfloat16"
int64 = long = "int64"
int32 = int = "int32"  # noqa: A001 -- torch's names
int16 = short = "int16"
int8 = "int8"
uint8 = "uint8"
bool = "bool"  # noqa: A001
complex64 = cfloat = "complex64"
dtype = str
# numpy's dtype names -> torch's (the rest are spelled the same)
_NUMPY = {"float": "float64", "int": "int64", "bool_": "bool", "longlong": "int64", "intc": "int32"}


def _register(t: SymTensor) -> SymTensor:
    s = rec.session()
    if s is not None and not s.recording:
        s.created.add(id(t))
    return t


def _dtype(given: Any, default: str) -> str:
    return given if isinstance(given, str) else default


def _make(*size: Any, out: Any = None, dtype: Any = None, layout: Any = None, device: Any = None,
          requires_grad: Any = False, pin_memory: Any = False, generator: Any = None,
          memory_format: Any = None, names: Any = None, **kw: Any) -> SymTensor:
    if "size" in kw:
        size = (kw.pop("size"),)
    if kw:
        raise TraceError(f"unexpected argument {next(iter(kw))!r} when creating a tensor",
                         fix="use torch.rand(1, 3, 224, 224)").located(rec.where())
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    return _register(SymTensor(tuple(sym(v) for v in size), None, _dtype(dtype, "float32")))


rand = randn = zeros = ones = empty = _make


def full(size: Any, fill_value: Any, **kw: Any) -> SymTensor:
    kind = "int64" if isinstance(fill_value, Integral) and not isinstance(fill_value, builtins.bool) else "float32"
    kw.setdefault("dtype", kind)
    return _make(size, **kw)


def randint(low: Any, high: Any = None, size: Any = None, **kw: Any) -> SymTensor:
    """torch.randint(high, size) or torch.randint(low, high, size): int64 unless dtype says otherwise."""
    if size is None and isinstance(high, (tuple, list)):
        size = high
    kw.setdefault("dtype", "int64")
    return _make(size if size is not None else (), **kw)


def _like(input: SymTensor, *args: Any, dtype: Any = None, **kw: Any) -> SymTensor:
    return SymTensor(input._shape, None, _dtype(dtype, input._dtype))


rand_like = randn_like = zeros_like = ones_like = empty_like = full_like = randint_like = _like


def _data_shape(data: Any) -> tuple[tuple, str]:
    """(shape, dtype) of tensor data: a SymTensor, an array (``.shape``), nested lists, or a number."""
    if isinstance(data, SymTensor):
        return data._shape, data._dtype
    if hasattr(data, "shape") and hasattr(data, "dtype"):          # a numpy array, without importing numpy
        name = str(data.dtype)
        return tuple(sym(builtins.int(v)) for v in data.shape), _NUMPY.get(name, name)
    shape = []
    while isinstance(data, (list, tuple)):
        shape.append(len(data))
        data = data[0] if data else 0.0
    kind = "bool" if isinstance(data, builtins.bool) else "int64" if isinstance(data, Integral) else "float32"
    return tuple(sym(v) for v in shape), kind


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: Any = False, **kw: Any) -> SymTensor:
    shape, kind = _data_shape(data)
    return _register(SymTensor(shape, None, _dtype(dtype, kind)))


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> SymTensor:
    if isinstance(data, SymTensor) and dtype is None:
        return data
    return tensor(data, dtype)


def from_numpy(array: Any) -> SymTensor:
    if not hasattr(array, "shape"):
        raise TraceError(f"torch.from_numpy expects a numpy array, got {type(array).__name__}",
                         fix="pass a numpy array").located(rec.where())
    return tensor(array)


def arange(start: Any, end: Any = None, step: Any = 1, **kw: Any) -> SymTensor:
    a, b = (0, start) if end is None else (start, end)
    whole = all(isinstance(v, Integral) or hasattr(v, "is_Integer") for v in (a, b, step))
    return _register(SymTensor((sym((b - a + step - 1) // step),), None,
                               _dtype(kw.get("dtype"), "int64" if whole else "float32")))


def linspace(start: Any, end: Any, steps: Any, **kw: Any) -> SymTensor:
    return _register(SymTensor((sym(steps),), None, _dtype(kw.get("dtype"), "float32")))


logspace = linspace


def eye(n: Any, m: Any = None, **kw: Any) -> SymTensor:
    return _register(SymTensor((sym(n), sym(n if m is None else m)), None, _dtype(kw.get("dtype"), "float32")))


class _TensorType(type):
    """torch.Tensor and the legacy typed tensors: ``isinstance(x, torch.Tensor)`` holds for every tensor;
    calling one makes a tensor from sizes (``FloatTensor(2, 3)``) or from data (``Tensor(array)``)."""

    def __instancecheck__(cls, obj: Any):
        return isinstance(obj, SymTensor) and (cls._dtype is None or obj._dtype == cls._dtype)

    def __subclasscheck__(cls, sub: type):
        return issubclass(sub, SymTensor)

    def __call__(cls, *args: Any, **kw: Any) -> SymTensor:
        kind = cls._dtype or "float32"
        if len(args) == 1 and not isinstance(args[0], (Integral, SymTensor)) and not hasattr(args[0], "free_symbols"):
            return tensor(args[0], dtype=kind)
        if len(args) == 1 and isinstance(args[0], SymTensor):
            return SymTensor(args[0]._shape, args[0].step, kind)
        return _make(*args, dtype=kind, **kw)


def _tensor_type(name: str, kind: str | None) -> type:
    return _TensorType(name, (), {"_dtype": kind})


Tensor = _tensor_type("Tensor", None)
FloatTensor, DoubleTensor, HalfTensor = (_tensor_type(n, k) for n, k in (
    ("FloatTensor", "float32"), ("DoubleTensor", "float64"), ("HalfTensor", "float16")))
LongTensor, IntTensor, ByteTensor, BoolTensor = (_tensor_type(n, k) for n, k in (
    ("LongTensor", "int64"), ("IntTensor", "int32"), ("ByteTensor", "uint8"), ("BoolTensor", "bool")))

DTYPES = ("float32", "float", "float64", "double", "float16", "half", "bfloat16", "int64", "long", "int32", "int",
          "int16", "short", "int8", "uint8", "bool", "complex64", "cfloat", "dtype")
__all__ = ["BoolTensor", "ByteTensor", "DoubleTensor", "FloatTensor", "HalfTensor", "IntTensor", "LongTensor",
           "Tensor", "arange", "as_tensor", "empty", "empty_like", "eye", "from_numpy", "full", "full_like",
           "linspace", "logspace", "ones", "ones_like", "rand", "rand_like", "randint", "randint_like", "randn",
           "randn_like", "tensor", "zeros", "zeros_like", *DTYPES]
