"""``torch`` of the stand-in: the torch.* shape ops and no-op utilities (tensor creation and dtypes come
from creation.py, the library modules from library.py).

Installed as ``sys.modules["torch"]`` by the tracer while net.py runs. Unknown names give an object
that raises UnsupportedError (``torch.fft.rfft is not supported by symcnn yet``) when called.
Owns: cat/stack/flatten/..., no_grad, device, manual_seed... (unknown names: missing.Missing).
Never: import real torch or hold data.
"""

from __future__ import annotations

import builtins
import contextlib
from math import prod
from typing import Any

from sympy import Eq, Integer

from ...core.errors import RuleError, TraceError, UnsupportedError
from ...core.fmt import text
from ...rules.base import fmt_shape, require
from .. import record as rec
from ..indexing import broadcast
from ..methods import torch_forms
from ..products import torch_products
from ..tensor import Size, SymTensor, checked, emit
from ..values import promote
from . import autograd, library, nn
from .creation import *  # noqa: F403 -- torch.rand, torch.tensor, torch.long, torch.FloatTensor, ...
from .missing import Missing, stub

cuda, backends, optim, jit, hub, amp = library.cuda, library.backends, library.optim, library.jit, library.hub, \
    library.amp
utils = stub("torch.utils")
utils.data, utils.checkpoint, utils.model_zoo = library.data, library.checkpoint, library.model_zoo


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


def _tensors(tensors: Any, op: str) -> list:
    """The tensors given to cat/stack; one the stand-in could not make (``torch.meshgrid(...)``) is refused
    by its name."""
    tensors = list(tensors)
    made = next((t for t in tensors if isinstance(t, Missing)), None)
    if made is not None:
        raise made.unsupported(f"{op} of it")
    return tensors


def cat(tensors: Any, dim: int = 0, *, out: Any = None, axis: Any = None) -> SymTensor:
    tensors = _tensors(tensors, "torch.cat")
    dim = axis if axis is not None else dim
    if not tensors or not all(isinstance(t, SymTensor) for t in tensors):
        raise TraceError("torch.cat needs a non-empty sequence of tensors",
                         fix="pass a list of tensors").located(rec.where())
    shape, conds = checked(_cat_shape, [t._shape for t in tensors], dim, "torch.cat")
    return emit("torch.cat", tensors, shape, conditions=conds, name="cat")


concat = concatenate = cat


def stack(tensors: Any, dim: int = 0, *, out: Any = None) -> SymTensor:
    tensors = _tensors(tensors, "torch.stack")
    if not tensors or not all(isinstance(t, SymTensor) for t in tensors):
        raise TraceError("torch.stack needs a non-empty sequence of tensors",
                         fix="pass a list of tensors").located(rec.where())
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


add, sub, mul, div = (_explicit(op) for op in ("add", "sub", "mul", "div"))
# torch.matmul, mm, bmm, baddbmm, addmm, mv, dot, einsum: steps keyed "torch.<name>"
globals().update(torch_products())


# torch.relu, torch.relu_, torch.softmax, torch.exp, torch.clamp...: steps keyed "torch.<name>"
globals().update(torch_forms())


def where(condition: SymTensor, input: Any = None, other: Any = None) -> SymTensor:
    """torch.where(condition, input, other): the broadcast shape of the three (the one-argument form
    returns the indices of the true values, which depend on data)."""
    if input is None and other is None:
        raise TraceError("torch.where(condition) returns the indices where the condition holds, which depend "
                         "on data", fix="use torch.where(condition, x, y)").located(rec.where())
    shapes = [t._shape for t in (condition, input, other) if isinstance(t, SymTensor)]
    shape = shapes[0]
    for other_shape in shapes[1:]:
        shape, conds = checked(broadcast, shape, other_shape, "torch.where")
        rec.add_conditions(conds, rec.where(), None)
    kinds = [t._dtype for t in (input, other) if isinstance(t, SymTensor)] or ["float32"]
    return SymTensor(shape, None, promote(kinds[0], kinds[-1]))


def triu(input: SymTensor, diagonal: int = 0, *, out: Any = None) -> SymTensor:
    return input.triu(diagonal)


def tril(input: SymTensor, diagonal: int = 0, *, out: Any = None) -> SymTensor:
    return input.tril(diagonal)


def masked_fill(input: SymTensor, mask: Any, value: Any) -> SymTensor:
    return input.masked_fill(mask, value)


def _weight_norm(v: SymTensor, g: Any, dim: int = 0) -> SymTensor:
    """The weight nn.utils.weight_norm's hook computes from ``weight_v`` and ``weight_g`` (a live model):
    v's shape; no step (it is the layer's weight, not an op on the data)."""
    return SymTensor(v._shape, None, v._dtype)


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
