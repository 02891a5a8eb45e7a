"""Tracing a live model: a real ``torch.nn.Module`` object (built in a notebook, a script or a library),
with real torch installed. Nothing is computed on data and no activation memory is allocated; models
on the meta device work too.

While the model runs on symbolic inputs: every parameter and buffer is swapped for a symbolic tensor
of its shape, dtype and ``requires_grad`` (shared ones stay shared); every leaf module whose class is
torch's own and has a rule (``nn.Conv2d``...) gets that rule, rebuilt from the module's attributes, and
is recorded exactly as the stand-in records it (layercall.call_layer); everything else runs its own
forward, whose torch calls reach the stand-in through torchfn. Names come from ``named_modules()``.
Everything is put back afterwards, even on error.
Owns: is_module(), module_rule(), trace_module(). Never: run the model on data, change the model.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..core.errors import SymcnnError, TraceError
from ..core.userinput import InputSpec
from ..rules.base import RULES, Rule, make
from . import record as rec
from .layercall import call_layer
from .params import unrecorded_params
from .standin.module import Parameter
from .tensor import SymTensor
from .tracedata import Trace


def is_module(obj: Any) -> bool:
    """Is ``obj`` a real torch.nn.Module (torch is imported, and it is not symcnn's stand-in)?"""
    torch = sys.modules.get("torch")
    nn = getattr(torch, "nn", None)
    return nn is not None and isinstance(getattr(nn, "Module", None), type) and isinstance(obj, nn.Module) \
        and "symcnn" not in getattr(torch, "__version__", "symcnn")


def _plain(v: Any) -> Any:
    return tuple(v) if type(v).__name__ == "Size" else v


def module_rule(module: Any) -> tuple[str, Rule] | None:
    """(key, rule) for a leaf module of one of torch's own layer classes that has a rule, built from its
    attributes (the constructor arguments torch keeps); None: run the module's own forward."""
    cls = type(module)
    torch_nn = sys.modules["torch"].nn
    key = f"nn.{cls.__name__}"
    if getattr(torch_nn, cls.__name__, None) is not cls or RULES.get(key) is None \
            or next(module.children(), None) is not None:
        return None   # a subclass (its own forward), a container, or a layer symcnn has no rule for
    kwargs = {}
    for p in list(inspect.signature(RULES[key].setup).parameters.values())[1:]:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name in ("device", "dtype"):
            continue
        if p.name == "bias" and not isinstance(getattr(module, "bias", None), bool):
            kwargs["bias"] = getattr(module, "bias", None) is not None
        elif p.name in vars(module) or hasattr(type(module), p.name) and not callable(getattr(module, p.name)):
            kwargs[p.name] = _plain(getattr(module, p.name))
        elif p.default is p.empty:
            return None
    try:
        return key, make(key, **kwargs)
    except SymcnnError:
        return None


def _symbolic(t: Any, requires_grad: bool | None) -> SymTensor:
    shape = tuple(int(n) for n in t.shape)
    dtype = str(t.dtype).removeprefix("torch.")
    if requires_grad is None:
        return SymTensor(shape, None, dtype)
    p = Parameter(SymTensor(shape, None, dtype), requires_grad=requires_grad)
    return p


@contextmanager
def _swapped(model: Any, rules: dict[int, tuple[str, Rule]]) -> Iterator[None]:
    """Symbolic parameters and buffers, and rule-backed forwards, for the duration of the trace."""
    saved, made = [], {}
    try:
        for m in model.modules():
            for table, grad in ((m._parameters, True), (m._buffers, False)):
                for n, t in list(table.items()):
                    if t is not None:
                        if id(t) not in made:
                            made[id(t)] = _symbolic(t, bool(t.requires_grad) if grad else None)
                        saved.append((table, n, t))
                        table[n] = made[id(t)]
            if id(m) in rules:
                key, rule = rules[id(m)]
                m.__dict__["forward"] = lambda x, *a, _m=m, _k=key, _r=rule, **k: call_layer(_m, _k, _r, x, a, k)
        yield
    finally:
        for table, n, t in reversed(saved):
            table[n] = t
        for m in model.modules():
            m.__dict__.pop("forward", None)


def trace_module(model: Any, inputs: list[InputSpec], *, name: str | None = None, source: str = "") -> Trace:
    """Trace a live torch model on symbolic inputs (see the module docstring)."""
    import torch

    from . import torchfn   # imports real torch: only when a live model is traced

    name = name or type(model).__name__
    s = rec.Session(filename="<live>", display=name, live=True)
    s.names = {id(m): n or name for n, m in model.named_modules()}
    rules = {id(m): r for m in model.modules() if (r := module_rule(m)) is not None}
    token = rec.activate(s)
    was_training = model.training
    try:
        model.eval()
        with _swapped(model, rules), torch.no_grad(), torchfn.bridged():
            s.recording = True
            out = model(*(SymTensor(i.shape, -1, i.dtype) for i in inputs))
            s.recording = False
    except TypeError as e:
        raise TraceError(f"{name}: {e}", fix="check the inputs' number and shapes (one per argument of "
                         "forward)").located(rec.where()) from None
    finally:
        rec.deactivate(token)
        model.train(was_training)
    unused, extra = unrecorded_params(
        ((n, m, rules.get(id(m), (None, None))[1], m._parameters) for n, m in model.named_modules()), s)
    return Trace(model=name, source=source, input_shape=tuple(inputs[0].shape), steps=s.steps,
                 output_shape=_first(out), constraints=s.constraints, unused=unused, extra_params=extra,
                 input_shapes=tuple(tuple(i.shape) for i in inputs), input_dtypes=tuple(i.dtype for i in inputs),
                 notes=list(s.notes), backend="torch")


def _first(out: Any) -> tuple:
    if isinstance(out, SymTensor):
        return out._shape
    values = list(out.values()) if isinstance(out, dict) else out if isinstance(out, (tuple, list)) else ()
    return next((shape for shape in map(_first, values) if shape), ())


__all__ = ["is_module", "module_rule", "trace_module"]
