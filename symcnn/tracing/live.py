"""Tracing a live model: a real ``torch.nn.Module`` object (built in a notebook, a script or a library),
with real torch installed. Nothing is computed on data and no activation memory is allocated; models
on the meta device work too.

While the model runs on symbolic inputs: every parameter and buffer is swapped for a symbolic tensor
of its shape, dtype and ``requires_grad`` (shared ones stay shared); every leaf module whose class is
torch's own and has a rule (``nn.Conv2d``...) gets that rule, rebuilt from the module's attributes, and
is recorded exactly as the stand-in records it (layercall.call_layer); a subclass of such a class with a
forward of its own runs it, and its ``super().forward(x)`` is the rule; everything else runs its own
forward, whose torch calls reach the stand-in through torchfn. Names come from ``named_modules()``.
Everything is put back afterwards, even on error.
Owns: is_module(), trace_module() (torchargs.py rebuilds the rules). Never: run the model on data, change the model.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..core.errors import TraceError
from ..core.userinput import InputSpec
from ..rules.base import Rule
from . import record as rec
from .layercall import call_layer
from .modtree import Entry, module_infos, output_shape, own_params
from .params import unrecorded_params
from .standin.module import Parameter
from .tensor import SymTensor
from .torchargs import layer_class, module_rule
from .tracedata import Trace


def is_module(obj: Any) -> bool:
    """Is ``obj`` a real torch.nn.Module (torch is imported, and it is not symcnn's stand-in)?"""
    torch = sys.modules.get("torch")
    nn = getattr(torch, "nn", None)
    return nn is not None and isinstance(getattr(nn, "Module", None), type) and isinstance(obj, nn.Module) \
        and "symcnn" not in getattr(torch, "__version__", "symcnn")


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
    saved, made, classes = [], {}, {}
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
                base = layer_class(m)
                if type(m).forward is base.forward:
                    key, rule = rules[id(m)]
                    m.__dict__["forward"] = lambda x, *a, _m=m, _k=key, _r=rule, **k: call_layer(_m, _k, _r, x, a, k)
                elif base not in classes:   # a subclass's own forward runs; its super().forward is the rule
                    classes[base] = base.__dict__["forward"]
                    base.forward = _layer_forward(classes[base], rules)
        yield
    finally:
        for table, n, t in reversed(saved):
            table[n] = t
        for m in model.modules():
            m.__dict__.pop("forward", None)
        for base, forward in classes.items():
            base.forward = forward


def _layer_forward(original: Any, rules: dict[int, tuple[str, Rule]]) -> Any:
    """A torch layer class's forward while a live model runs: the rule for the model's layers (a subclass
    calling ``super().forward(x)``), torch's own for any other module."""
    def forward(self: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
        if id(self) in rules:
            key, rule = rules[id(self)]
            return call_layer(self, key, rule, x, args, kwargs)
        return original(self, x, *args, **kwargs)
    return forward


def trace_module(model: Any, inputs: list[InputSpec], *, name: str | None = None, source: str = "") -> Trace:
    """Trace a live torch model on symbolic inputs (see the module docstring)."""
    import torch

    from . import torchfn  # imports real torch: only when a live model is traced

    name = name or type(model).__name__
    scripted = next((n or name for n, m in model.named_modules()
                     if isinstance(m.__dict__.get("_c"), torch._C.ScriptModule)), None)   # compiled
    if scripted is not None:
        raise TraceError(f"{scripted} is a TorchScript module: its forward is compiled, and symcnn runs a model's "
                         "Python code", fix="trace the model before torch.jit.script, or the net.py that defines it "
                         "(symcnn runs TorchScript classes as plain Python)")
    lazy = next((n or name for n, m in model.named_modules()
                 if isinstance(m, torch.nn.modules.lazy.LazyModuleMixin) and m.has_uninitialized_params()), None)
    if lazy is not None:
        raise TraceError(f"{lazy} is a lazy module that was never called: torch has not inferred its sizes yet",
                         fix="call the model once on an example input before tracing it (model(x)), or trace "
                             "the net.py that defines it")
    s = rec.Session(filename="<live>", display=name, live=True)
    rules, covered = {}, set()   # covered: the children of a composite layer's rule (its own parts)
    for m in model.modules():
        if id(m) not in covered and (r := module_rule(m)) is not None:
            rules[id(m)] = r
            covered.update(id(c) for c in m.modules() if c is not m)
    s.names = {id(m): n or name for n, m in model.named_modules() if id(m) not in covered}
    entries = [Entry(n, type(m).__name__, not any(True for _ in m.children()), id(m),
                     own_params(m._parameters, _numel)) for n, m in model.named_modules()]
    token = rec.activate(s)
    was_training = model.training
    try:
        model.eval()
        with _swapped(model, rules), _counted(model), torch.no_grad(), torchfn.bridged():
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
        ((n, m, rules.get(id(m), (None, None))[1], _own(m, id(m) in rules)) for n, m in model.named_modules()
         if id(m) not in covered), s)
    return Trace(model=name, source=source, input_shape=tuple(inputs[0].shape), steps=s.steps,
                 output_shape=_first(out), constraints=s.constraints, unused=unused, extra_params=extra,
                 input_shapes=tuple(tuple(i.shape) for i in inputs), input_dtypes=tuple(i.dtype for i in inputs),
                 notes=list(s.notes), backend="torch", modules=module_infos(entries, s))


def _numel(p: Any) -> Any:
    from sympy import Integer

    try:
        return Integer(p.numel())
    except ValueError:   # a lazy module's parameter before its first call: no size yet
        return Integer(0)


@contextmanager
def _counted(model: Any) -> Iterator[None]:
    """Every module's calls counted and the steps inside them attributed (forward hooks, removed after)."""
    handles = []
    try:
        for m in model.modules():
            handles.append(m.register_forward_pre_hook(lambda mod, _args: rec.entering(mod) and None))
            handles.append(m.register_forward_hook(lambda mod, _a, out: rec.leaving(mod, output_shape(out)),
                                                   always_call=True))
        yield
    finally:
        for h in handles:
            h.remove()


def _own(m: Any, whole: bool) -> dict:
    """A module's parameters: with a composite rule, those of its whole subtree (the rule's parts)."""
    mods = m.modules() if whole else (m,)
    return {f"{i}": p for i, p in enumerate(p for c in mods for p in c._parameters.values())}


def _first(out: Any) -> tuple:
    if isinstance(out, SymTensor):
        return out._shape
    values = list(out.values()) if isinstance(out, dict) else out if isinstance(out, (tuple, list)) else ()
    return next((shape for shape in map(_first, values) if shape), ())


__all__ = ["is_module", "trace_module"]
