"""``torch.nn.utils`` of the stand-in: the weight reparametrizations models are built with, and inert
training helpers.

``weight_norm`` splits a parameter into ``<name>_g`` (its norm: the weight's shape with every axis but
``dim`` set to 1, or a scalar for ``dim=None``) and ``<name>_v`` (the weight's shape), as torch does, so
the module's parameter count grows by the size of ``_g``; ``parametrizations.weight_norm`` registers the
same two tensors as ``original0``/``original1``. ``spectral_norm`` keeps the count (``<name>_orig`` and two
buffers). Clipping gradients and the like are inert; packed sequences are refused inside a forward.
Owns: the ``torch.nn.utils`` namespace (``utils``). Never: import real torch or hold data.
"""

from __future__ import annotations

import types
from math import prod
from typing import Any

from sympy import Integer

from ...core.errors import RuleError, UnsupportedError
from .. import record as rec
from ..tensor import SymTensor
from .module import Module, Parameter


def _param(module: Module, name: str, fn: str) -> Parameter:
    p = module._parameters.get(name)
    if not isinstance(p, Parameter):
        raise RuleError(f"nn.utils.{fn}: the module has no parameter {name!r}",
                        fix=f"pass name= one of {', '.join(module._parameters) or '(none)'}").located(rec.where())
    return p


def _norm_shape(shape: tuple, dim: int | None) -> tuple:
    if dim is None:
        return ()
    d = dim % len(shape) if shape else 0
    return tuple(v if i == d else Integer(1) for i, v in enumerate(shape))


def _computed(module: Module, name: str, w: Parameter) -> None:
    """The reparametrized weight: a plain tensor attribute computed from the new parameters, as in torch."""
    del module._parameters[name]
    object.__setattr__(module, name, SymTensor(w._shape, None, w._dtype))


def weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    w = _param(module, name, "weight_norm")
    _computed(module, name, w)
    module._parameters[f"{name}_g"] = Parameter(SymTensor(_norm_shape(w._shape, dim)))
    module._parameters[f"{name}_v"] = Parameter(SymTensor(w._shape))
    return module


def spectral_norm(module: Module, name: str = "weight", n_power_iterations: int = 1, eps: float = 1e-12,
                  dim: int | None = None) -> Module:
    w = _param(module, name, "spectral_norm")
    _computed(module, name, w)
    module._parameters[f"{name}_orig"] = w
    module._buffers[f"{name}_u"] = SymTensor((w._shape[0],))
    module._buffers[f"{name}_v"] = SymTensor((prod(w._shape[1:], start=Integer(1)),))
    return module


def _remove(module: Module, name: str = "weight") -> Module:
    return module


def _p_weight_norm(module: Module, name: str = "weight", dim: int | None = 0) -> Module:
    w = _param(module, name, "parametrizations.weight_norm")
    _computed(module, name, w)
    holder = Module()
    holder._parameters["original0"] = Parameter(SymTensor(_norm_shape(w._shape, dim)))
    holder._parameters["original1"] = Parameter(SymTensor(w._shape))
    _parametrizations(module).add_module(name, holder)
    return module


def _p_keep(module: Module, name: str = "weight", *args: Any, **kwargs: Any) -> Module:
    """parametrizations.spectral_norm / orthogonal: the parameter moves to ``original``, same size."""
    w = _param(module, name, "parametrizations")
    _computed(module, name, w)
    holder = Module()
    holder._parameters["original"] = w
    _parametrizations(module).add_module(name, holder)
    return module


def _parametrizations(module: Module) -> Module:
    if "parametrizations" not in module._modules:
        module.add_module("parametrizations", Module())
    return module._modules["parametrizations"]


def _inert(*args: Any, **kwargs: Any) -> Any:
    return None


def _packed(*args: Any, **kwargs: Any) -> Any:
    s = rec.session()
    if s is not None and (s.recording or s.in_forward):
        raise UnsupportedError("packed sequences (nn.utils.rnn) are not supported by symcnn: their length "
                               "depends on the data", fix="trace the model on padded tensors").located(rec.where())
    return args[0] if args else None


def _to_vector(parameters: Any) -> SymTensor:
    return SymTensor((sum((prod(p._shape, start=Integer(1)) for p in parameters), Integer(0)),))


utils = types.ModuleType("torch.nn.utils", __doc__)
utils.__dict__.update(
    weight_norm=weight_norm, spectral_norm=spectral_norm, remove_weight_norm=_remove,
    remove_spectral_norm=_remove, clip_grad_norm_=_inert, clip_grad_norm=_inert, clip_grad_value_=_inert,
    parameters_to_vector=_to_vector, vector_to_parameters=_inert, fuse_conv_bn_eval=lambda conv, bn: conv,
    parametrizations=types.ModuleType("torch.nn.utils.parametrizations"),
    parametrize=types.ModuleType("torch.nn.utils.parametrize"),
    rnn=types.ModuleType("torch.nn.utils.rnn"))
utils.parametrizations.__dict__.update(weight_norm=_p_weight_norm, spectral_norm=_p_keep, orthogonal=_p_keep)
utils.parametrize.__dict__.update(register_parametrization=_p_keep, remove_parametrizations=_remove,
                                  is_parametrized=lambda module, name=None: "parametrizations" in module._modules)
utils.rnn.__dict__.update(pack_padded_sequence=_packed, pad_packed_sequence=_packed, pack_sequence=_packed,
                          pad_sequence=_packed, PackedSequence=tuple)

__all__ = ["spectral_norm", "utils", "weight_norm"]
