"""``torch.nn`` of the stand-in: Module, the containers, Parameter, and one layer class per rule.

Layer classes are generated from RULES on first access (``nn.Conv2d`` wraps ``make("nn.Conv2d", ...)``),
and so are the lazy layers (lazy.py: ``nn.LazyConv2d`` becomes an ``nn.Conv2d`` at its first call);
a torch name with no rule is refused where it is built, a name torch lacks is torch's AttributeError
(names.py).
Owns: the ``torch.nn`` namespace, the loss stubs, ``nn.init``.
Never: compute shapes itself (the rules do) or import torch.
"""

from __future__ import annotations

import types
from typing import Any

from ...rules.base import RULES
from ..tensor import SymTensor
from .containers import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .lazy import LAZY, lazy_class
from .library import DataParallel
from .module import Layer, Module, Parameter
from .names import losses, unsupported
from .nnutils import utils

# `from torch.nn import *` gives every layer with a rule and every loss, as torch's star import does
__all__ = ["DataParallel", "Module", "ModuleDict", "ModuleList", "Parameter", "ParameterDict", "ParameterList",
           "Sequential", "functional", "init", "utils", *losses(),
           *sorted(k[3:] for k, v in RULES.items() if v is not None and k.startswith("nn.")), *LAZY]


class Loss(Module):
    """Loss functions: accepted so files that build a criterion load; they have no shape rule."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__()

    def forward(self, *inputs: Any, **kwargs: Any) -> SymTensor:
        return SymTensor(())


_layers: dict[str, type[Layer]] = {}
_losses: dict[str, type[Loss]] = {}
init = types.ModuleType("torch.nn.init", "nn.init of the stand-in: every initializer is a no-op.")


def _initializer(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    return lambda tensor=None, *a, **k: tensor


init.__getattr__ = _initializer  # type: ignore[attr-defined]


def _static(shape_of):
    """A static method of a layer class that returns a tensor (nn.Transformer.generate_square_subsequent_mask)."""
    def make_tensor(*args: Any, **kwargs: Any) -> SymTensor:
        return SymTensor(shape_of(*args, **kwargs))
    return make_tensor


from . import functional  # noqa: E402  (functional imports this module's names lazily)


def __getattr__(name: str) -> Any:
    if name.startswith("__"):
        raise AttributeError(name)
    key = f"nn.{name}"
    if RULES.get(key) is not None:
        if key not in _layers:
            statics = {n: staticmethod(_static(f)) for n, f in getattr(RULES[key], "statics", {}).items()}
            _layers[key] = type(name, (Layer,), {"_key": key, "__module__": "torch.nn", "__qualname__": name,
                                                 **statics})
        return _layers[key]
    if name in LAZY:
        if key not in _layers:
            _layers[key] = lazy_class(name, __getattr__(LAZY[name][0]))
        return _layers[key]
    if name in losses():
        if name not in _losses:
            _losses[name] = type(name, (Loss,), {"__module__": "torch.nn"})
        return _losses[name]
    return unsupported(key, [k for k, v in RULES.items() if v is not None and k.startswith("nn.")])
