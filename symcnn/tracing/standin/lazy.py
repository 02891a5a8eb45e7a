"""``nn.LazyConv2d`` and the other lazy layers of the stand-in: the first argument of the plain layer
(``in_channels``, ``in_features``, ``num_features``) is inferred from the first input, as in torch; the
module then becomes the plain layer (torch sets its ``__class__`` to ``cls_to_become``), so its step is
``nn.Conv2d``'s and its parameters count from then on. Before that call it has no parameters (torch's
are uninitialized, and counting them is torch's error).
Owns: LAZY, lazy_class(). Never: compute shapes itself (the plain layer's rule does) or import torch.
"""

from __future__ import annotations

from typing import Any

from ...core.errors import TraceError
from .. import record as rec
from ..tensor import SymTensor
from .module import Module, _site, _site_where

# lazy layer -> (the layer it becomes, how its first argument is read from the input)
LAZY = {**{f"LazyConv{d}d": (f"Conv{d}d", "channels") for d in (1, 2, 3)},
        **{f"LazyConvTranspose{d}d": (f"ConvTranspose{d}d", "channels") for d in (1, 2, 3)},
        **{f"LazyBatchNorm{d}d": (f"BatchNorm{d}d", "dim1") for d in (1, 2, 3)},
        **{f"LazyInstanceNorm{d}d": (f"InstanceNorm{d}d", "channels") for d in (1, 2, 3)},
        "LazyLinear": ("Linear", "last")}


def _inferred(how: str, nd: int, x: SymTensor, name: str) -> Any:
    """The plain layer's first argument, read from its first input as torch reads it."""
    shape = x._shape
    if how == "last":
        if not shape:
            raise TraceError(f"{name} was called on a 0-D tensor", fix="give it an input with features")
        return shape[-1]
    if how == "dim1" and len(shape) >= 2:
        return shape[1]
    if how == "channels" and len(shape) in (nd + 1, nd + 2):
        return shape[1] if len(shape) == nd + 2 else shape[0]
    want = f"{nd + 1}-D (unbatched) or {nd + 2}-D (batched)" if how == "channels" else "at least 2-D"
    raise TraceError(f"{name} expects a {want} input, got shape ({', '.join(map(str, shape))})",
                     fix="reshape the input")


def lazy_class(name: str, plain: type) -> type:
    """The stand-in class ``nn.<name>``: a subclass of the plain layer's (``isinstance(m, nn.Conv2d)`` holds,
    as in torch) that takes the plain constructor's arguments but the first."""
    how = LAZY[name][1]
    nd = int(name[-2]) if name[-2:-1].isdigit() else 0

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        Module.__init__(self)
        object.__setattr__(self, "_lazy", (args, kwargs, _site()))

    def forward(self: Any, input: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(input, SymTensor):
            raise TraceError(f"nn.{name} was called with a {type(input).__name__}, not a tensor",
                             fix="pass a tensor").located(rec.where())
        given, options, site = self.__dict__.pop("_lazy")
        try:
            first = _inferred(how, nd, input, f"nn.{name}")
        except TraceError as e:
            raise e.located(rec.where() or _site_where(site)) from None
        made = plain(first, *given, **options)        # the plain layer, as torch materializes it
        self.__dict__.update(made.__dict__)
        object.__setattr__(self, "_made_at", site)
        object.__setattr__(self, "__class__", plain)
        return plain.forward(self, input, *args, **kwargs)

    return type(name, (plain,), {"__init__": __init__, "forward": forward, "__module__": "torch.nn",
                                 "__qualname__": name, "cls_to_become": plain})


__all__ = ["LAZY", "lazy_class"]
