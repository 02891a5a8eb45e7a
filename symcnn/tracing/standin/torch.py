"""``torch`` of the stand-in: tensor creation, the torch.* shape ops, dtypes and no-op utilities.

Installed as ``sys.modules["torch"]`` by the tracer while net.py runs. Unknown names give an object
that raises UnsupportedError (``torch.fft.rfft is not supported by symcnn yet``) when called.
Owns: rand/randn/zeros/ones/empty/full/tensor/arange..., cat/stack/flatten/..., the Missing stub
and zoo_model (a torchvision/hub model that the stand-in cannot build).
Never: import real torch or hold data.
"""

from __future__ import annotations

import builtins
import contextlib
import types
from math import prod
from typing import Any

from sympy import Eq, Integer

from ...core.errors import RuleError, TraceError, UnsupportedError
from ...core.fmt import text
from ...rules.base import fmt_shape, require
from .. import record as rec
from ..methods import torch_forms
from ..tensor import Size, SymTensor, checked, emit, sym
from . import autograd, nn

Tensor = FloatTensor = LongTensor = SymTensor
__version__ = "2.13.0+symcnn"
float32 = float = "float32"
float64 = double = "float64"
float16 = half = "float16"
bfloat16 = "bfloat16"
int64 = long = "int64"
int32 = int = "int32"
uint8 = "uint8"
bool = "bool"  # noqa: A001
dtype = str


class Missing:
    """A torch name the stand-in lacks. Called inside a module's forward it raises UnsupportedError;
    elsewhere (module-level set-up: optimizers, datasets, transforms) it does nothing and returns
    another Missing, so a file that also trains still loads."""

    def __init__(self, qualname: str):
        self._qualname = qualname

    def __getattr__(self, name: str) -> Missing:
        if name.startswith("__"):
            raise AttributeError(name)
        return Missing(f"{self._qualname}.{name}")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        s = rec.session()
        if s is not None and not s.recording and not s.in_forward:
            return Missing(f"{self._qualname}()")
        raise UnsupportedError(f"{self._qualname} is not supported by symcnn yet",
                               fix="remove it from the model, or describe it with a custom rule"
                               ).located(rec.where())

    def __iter__(self):
        return iter(())

    def __enter__(self) -> Missing:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def __repr__(self) -> str:
        return f"<{self._qualname}: not modelled by symcnn>"


def zoo_model(ns: dict) -> tuple[str, str] | None:
    """(name, call) of a module-level model from a model zoo (``torchvision.models.resnet18()``,
    ``torch.hub.load(...)``): under the stand-in only a Missing placeholder."""
    for n, v in ns.items():
        q = v._qualname if isinstance(v, Missing) else ""
        if q.endswith("()") and (".models." in q or q.startswith("torch.hub.")):
            return n, q
    return None


def _stub(name: str) -> types.ModuleType:
    m = types.ModuleType(name)

    def missing(attr: str) -> Missing:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return Missing(f"{name}.{attr}")

    m.__getattr__ = missing  # type: ignore[attr-defined]
    return m


cuda = types.SimpleNamespace(is_available=lambda: False, device_count=lambda: 0,
                             manual_seed=lambda *a: None, manual_seed_all=lambda *a: None)
backends = types.SimpleNamespace(cudnn=types.SimpleNamespace(benchmark=False, deterministic=False),
                                 mps=types.SimpleNamespace(is_available=lambda: False))
utils = _stub("torch.utils")
utils.data = _stub("torch.utils.data")
optim = _stub("torch.optim")


def device(*args: Any, **kwargs: Any) -> str:
    return "cpu"


def manual_seed(*args: Any, **kwargs: Any) -> None:
    return None


set_grad_enabled = set_num_threads = set_default_dtype = manual_seed


class no_grad(contextlib.ContextDecorator):  # noqa: N801 -- torch's name
    """torch.no_grad(), usable as ``with torch.no_grad():``, ``@torch.no_grad()`` and ``@torch.no_grad``."""

    def __new__(cls, fn: Any = None) -> Any:
        return fn if callable(fn) else super().__new__(cls)

    def __init__(self, fn: Any = None) -> None:
        pass

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


enable_grad = inference_mode = no_grad


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, SymTensor)


# --- creation ---
def _make(*size: Any, out: Any = None, dtype: Any = None, layout: Any = None, device: Any = None,
          requires_grad: bool = False, pin_memory: bool = False, generator: Any = None,
          memory_format: Any = None, **kw: Any) -> SymTensor:
    if "size" in kw:
        size = (kw.pop("size"),)
    if kw:
        raise TraceError(f"unexpected argument {next(iter(kw))!r} when creating a tensor",
                         fix="use torch.rand(1, 3, 224, 224)").located(rec.where())
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    out = SymTensor(tuple(sym(v) for v in size))
    s = rec.session()
    if s is not None and not s.recording:
        s.created.add(id(out))
    return out


rand = randn = zeros = ones = empty = _make


def full(size: Any, fill_value: Any, **kw: Any) -> SymTensor:
    return _make(size, **kw)


def randint(low: Any, high: Any = None, size: Any = (), **kw: Any) -> SymTensor:
    return _make(size, **kw)


def _like(input: SymTensor, *args: Any, **kw: Any) -> SymTensor:
    return SymTensor(input._shape)


rand_like = randn_like = zeros_like = ones_like = empty_like = full_like = _like


def tensor(data: Any, **kw: Any) -> SymTensor:
    shape = []
    while isinstance(data, (list, tuple)):
        shape.append(len(data))
        data = data[0] if data else None
    return SymTensor(tuple(shape))


as_tensor = tensor


def arange(start: Any, end: Any = None, step: Any = 1, **kw: Any) -> SymTensor:
    a, b = (0, start) if end is None else (start, end)
    return SymTensor((sym((b - a + step - 1) // step),))


def from_numpy(*args: Any) -> Any:
    raise UnsupportedError("torch.from_numpy is not supported by symcnn yet (it has no data)",
                           fix="create the input with torch.rand(...)").located(rec.where())


# --- shape ops ---
def _cat_shape(shapes: list, dim: int, op: str) -> tuple:
    n = len(shapes[0])
    for s in shapes[1:]:
        if len(s) != n:
            raise RuleError(f"{op}: tensors must have the same number of dims, got {fmt_shape(shapes[0])} "
                            f"and {fmt_shape(s)}", fix="reshape the inputs")
    d = dim % n
    for s in shapes[1:]:
        for i in range(n):
            if i != d:
                require(Eq(s[i], shapes[0][i]), f"{op}: sizes must match except in dim {d}, got "
                        f"{fmt_shape(shapes[0])} and {fmt_shape(s)} (dim {i}: {text(shapes[0][i])} vs "
                        f"{text(s[i])})", fix="crop or pad the inputs to the same size")
    return shapes[0][:d] + (builtins.sum((s[d] for s in shapes), Integer(0)),) + shapes[0][d + 1:]


def cat(tensors: Any, dim: int = 0, *, out: Any = None, axis: Any = None) -> SymTensor:
    tensors = list(tensors)
    dim = axis if axis is not None else dim
    if not tensors or not all(isinstance(t, SymTensor) for t in tensors):
        raise TraceError("torch.cat needs a non-empty sequence of tensors",
                         fix="pass a list of tensors").located(rec.where())
    shape, conds = checked(_cat_shape, [t._shape for t in tensors], dim, "torch.cat")
    return emit("torch.cat", tensors, shape, conditions=conds, name="cat")


concat = concatenate = cat


def stack(tensors: Any, dim: int = 0, *, out: Any = None) -> SymTensor:
    tensors = list(tensors)
    ups = []
    for t in tensors:
        d = dim % (len(t._shape) + 1)
        ups.append(SymTensor(t._shape[:d] + (Integer(1),) + t._shape[d:], t.step))
    shape, conds = checked(_cat_shape, [t._shape for t in ups], dim, "torch.stack")
    return emit("torch.stack", tensors, shape, conditions=conds, name="stack")


def flatten(input: SymTensor, start_dim: int = 0, end_dim: int = -1) -> SymTensor:
    return input.flatten(start_dim, end_dim, _key="torch.flatten")


def _method(name: str):
    def op(input: SymTensor, *args: Any, **kwargs: Any) -> Any:
        return getattr(input, name)(*args, **kwargs)
    op.__name__ = name
    return op


for _n in ("reshape", "squeeze", "unsqueeze", "transpose", "permute", "mean", "sum", "amax", "amin", "max",
           "min", "argmax", "std", "var", "chunk", "split", "t", "maximum", "minimum", "numel", "clone", "detach"):
    globals()[_n] = _method(_n)
del _n


def _explicit(op: str):
    def call(input: SymTensor, other: Any, *args: Any, **kwargs: Any) -> SymTensor:
        return getattr(input, op)(other, _key=f"torch.{op}")
    call.__name__ = op
    return call


add, sub, mul, div, matmul, mm, bmm = (_explicit(op) for op in ("add", "sub", "mul", "div", "matmul", "mm",
                                                                  "bmm"))


# torch.relu, torch.relu_, torch.softmax, torch.exp, torch.clamp...: steps keyed "torch.<name>"
globals().update(torch_forms())


def save(*args: Any, **kwargs: Any) -> None:
    return None


def load(*args: Any, **kwargs: Any) -> Any:
    raise UnsupportedError("torch.load is not supported by symcnn (it never loads weights)",
                           fix="load weights only under `if __name__ == \"__main__\":`").located(rec.where())


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    return Missing(f"torch.{name}")


_ = (prod, Size, autograd, nn)
