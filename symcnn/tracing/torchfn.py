"""The bridge from real torch to the stand-in, for live models: every ``torch.*``, ``F.*`` and Tensor
method called while a live model's forward runs reaches ``dispatch`` (through ``SymTensor.__torch_function__``
and the ``Dispatch`` mode, which also catches factories such as ``torch.zeros(n, c)``), and is answered
by the stand-in's own implementation of that name, so both backends give the same steps.

Real tensors among the arguments (a constant kept as a plain attribute) become symbolic tensors of
their shape and dtype; torch dtypes and devices become the stand-in's names. A function the stand-in
does not model is one UnsupportedError naming it and the line (or the module) that called it.
Owns: dispatch, Dispatch, implementation(), to_sym(). Never: compute on data, or decide shapes itself.
"""

from __future__ import annotations

import linecache
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import torch
from torch.overrides import TorchFunctionMode, resolve_name

from ..core.errors import UnsupportedError
from . import record as rec
from .standin import functional, missing
from .standin import torch as standin_torch
from .tensor import SymTensor

_PREFIXES = {"torch.nn.functional.": functional, "torch._C._nn.": functional, "torch.": standin_torch,
             "torch._C._VariableFunctions.": standin_torch, "torch.functional.": standin_torch}
_INERT = {"torch._assert", "torch._C._get_tracing_state", "torch.jit.is_scripting", "torch.jit.is_tracing"}


def to_sym(v: Any) -> Any:
    """Real torch values as the stand-in's: tensors by shape and dtype, dtypes and devices by name."""
    if isinstance(v, torch.Tensor):
        return SymTensor(tuple(int(n) for n in v.shape), None, str(v.dtype).removeprefix("torch."))
    if isinstance(v, torch.dtype):
        return str(v).removeprefix("torch.")
    if isinstance(v, torch.device):
        return v.type
    if isinstance(v, torch.Size):
        return tuple(v)
    if isinstance(v, (list, tuple)) and any(isinstance(e, (torch.Tensor, torch.dtype)) for e in v):
        return type(v)(to_sym(e) for e in v)
    return v


def _defined(module: Any, name: str) -> Any:
    """The stand-in's own ``name`` (never a Missing placeholder or an unsupported stub)."""
    value = module.__dict__.get(name)
    return None if value is None or isinstance(value, missing.Missing) else value


def _user_line() -> str:
    """The source line of the innermost frame of the user's code (the call being dispatched)."""
    s, f = rec.session(), sys._getframe(2)
    while f is not None and s is not None:
        if s.display_of(f.f_code.co_filename) is not None:
            return linecache.getline(f.f_code.co_filename, f.f_lineno)
        f = f.f_back
    return ""


def _as_written(func: Any, name: str) -> str:
    """torch.relu_ and F.relu_ are one object in torch, and resolve to one name; the stand-in tells them
    apart (the FLOPs tools that patch torch.nn.functional see only the F form), so read how it was written."""
    short = name.rsplit(".", 1)[-1]
    if name.startswith("torch.nn.functional.") and getattr(torch, short, None) is func:
        line = _user_line()
        if re.search(rf"\btorch\.{re.escape(short)}\s*\(", line) \
                and not re.search(rf"\b(F|functional)\.{re.escape(short)}\s*\(", line):
            return f"torch.{short}"
    return name


def _qualified(func: Any) -> str:
    """The name of a function torch's index lacks: ``torch._weight_norm`` (qualified as a method of
    torch's _VariableFunctionsClass), else its qualified name."""
    name = getattr(func, "__qualname__", repr(func))
    return "torch." + name.split(".", 1)[1] if name.startswith("_VariableFunctionsClass.") else name


def implementation(func: Any) -> tuple[str, Any]:
    """(torch's name of ``func``, the stand-in's implementation or None)."""
    name = _as_written(func, resolve_name(func) or _qualified(func))
    if name.startswith("torch.Tensor."):
        attr = name.removeprefix("torch.Tensor.")
        if attr.endswith(".__get__"):       # a property of a real tensor: the same on the symbolic one
            prop = attr.removesuffix(".__get__")
            return name, lambda self, *a: getattr(self, prop)
        if hasattr(SymTensor, attr):
            return name, lambda self, *a, **k: getattr(self, attr)(*a, **k)
        return name, None
    for prefix, module in _PREFIXES.items():
        if name.startswith(prefix) and "." not in name.removeprefix(prefix):
            # torch's table of names has a few aliases wrong (torch.mm resolves as torch.spmm)
            impl = _defined(module, name.removeprefix(prefix)) or _defined(module, getattr(func, "__name__", ""))
            return name, impl
    return name, None


def dispatch(func: Any, args: tuple, kwargs: dict | None) -> Any:
    name, impl = implementation(func)
    if name in _INERT or name.startswith("profiler."):   # nn.DataParallel's record_function: no data
        return func(*args, **(kwargs or {}))
    if impl is None:
        where = rec.where()
        raise UnsupportedError(f"{name} is not supported by symcnn yet",
                               fix="describe it with a custom rule, or keep it out of the model's forward"
                               ).located(where)
    args = tuple(to_sym(a) for a in args)
    kwargs = {k: to_sym(v) for k, v in (kwargs or {}).items()}
    return impl(*args, **kwargs)


class Dispatch(TorchFunctionMode):
    """While a live model runs: every torch function call goes to ``dispatch``."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        return dispatch(func, args, kwargs)


@contextmanager
def bridged() -> Iterator[None]:
    """While a live model runs: real torch functions accept symbolic tensors and answer through the
    stand-in (SymTensor.__torch_function__ and this module's mode), and ``x.dtype`` is torch's dtype."""
    resolve_name(torch.add)   # torch's index of names (cached once): built from the real functions, not ours
    SymTensor._torch_function = staticmethod(dispatch)
    SymTensor._torch_dtype = staticmethod(lambda name: getattr(torch, name))
    saved = {n: getattr(torch.nn.functional, n) for n in _PYTHON_ONLY}
    for n, original in saved.items():
        setattr(torch.nn.functional, n, _routed(n, original))
    try:
        with Dispatch():
            yield
    finally:
        SymTensor._torch_function = SymTensor._torch_dtype = None
        for n, original in saved.items():
            setattr(torch.nn.functional, n, original)


# F functions that never reach torch-function dispatch with symbolic arguments: Python wrappers that call
# a tensor method (F.sigmoid, so the step is F.sigmoid), and C functions whose argument parser refuses a
# symbolic size before dispatching (F.avg_pool2d(x, x.size(2)), F.pad(x, [dw // 2, dw - dw // 2])): while
# a live model runs they are routed to the stand-in's
_PYTHON_ONLY = ("sigmoid", "tanh", "upsample", "avg_pool1d", "avg_pool2d", "avg_pool3d", "pad")


def _routed(name: str, original: Any) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        if any(isinstance(a, SymTensor) for a in (*args, *kwargs.values())):
            return getattr(functional, name)(*map(to_sym, args), **{k: to_sym(v) for k, v in kwargs.items()})
        return original(*args, **kwargs)
    call.__name__ = name
    return call


__all__ = ["Dispatch", "bridged", "dispatch", "implementation", "to_sym"]
