"""Trace a user's net.py: run it on the torch stand-in and record every layer call as a Step.

While it runs, ``sys.modules["torch"]`` (and every other ``torch.*``) point at ``symcnn.tracing.standin``;
the previous entries come back afterwards, even on error (loading.py runs the file, choose.py picks the
model, feed.py its inputs).
Owns: trace(), traced() (a Trace, or anything trace takes, with the means to trace it again).
Never: import real torch, print, or write files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..core.errors import InputError, SymcnnError
from ..core.userinput import as_inputs
from . import realtorch
from .choose import choose_model
from .feed import choose_inputs, default_input
from .live import is_module
from .loading import running
from .modtree import Entry, layer_entries, module_infos, own_params
from .params import unrecorded_params
from .tensor import SymTensor, sym
from .torchargs import module_rule
from .tracedata import Trace


def _first_tensor(out: Any) -> SymTensor | None:
    if isinstance(out, SymTensor):
        return out
    if isinstance(out, dict):
        out = list(out.values())
    if isinstance(out, (tuple, list)):
        return next((t for t in map(_first_tensor, out) if t is not None), None)
    return None


BACKENDS = ("auto", "stand-in", "torch")


def trace(path: Any, input_shape: Any = None, *, model: str | None = None, timeout: float | None = None,
          args: tuple[str, ...] = (), backend: str = "auto") -> Trace:
    """Run a net.py, a live torch model, or a ``package.module:callable``, on symbolic tensors and return
    every layer call, in order.

    Args: path: a net.py; a ``torch.nn.Module`` object (real torch installed: it runs on symbolic tensors,
    never on data); or ``"package.module:factory(args)"`` (built with real torch on the meta device);
    input_shape: one shape of ints and/or symbols (or names: ``(1, 3, "H", "W")``, ``"1x3xHxW"``), or a
    list of them for a forward with several inputs (a dtype after a colon: ``"1:long"``); model: a name
    of net.py (a model instance, class, factory function or partial) or a call with literal arguments
    (``"VGG('VGG16')"``), or a live model's display name; timeout in seconds; args: the script's own
    command-line arguments (its ``sys.argv[1:]``); backend: ``stand-in`` (symcnn's torch stand-in, no
    torch needed), ``torch`` (real torch builds the model), ``auto`` (the stand-in, then real torch when
    the file needs what the stand-in lacks and torch is installed).
    Raises: NetLoadError, UnsupportedError, RuleError, TraceError, each located at a net.py line;
    InputError for a bad argument.

    >>> trace("examples/mnist.py").output_shape
    (1, 10)
    """
    if backend not in BACKENDS:
        raise InputError(f"unknown backend {backend!r}", fix=f"use one of: {', '.join(BACKENDS)}")
    given = as_inputs(input_shape) if input_shape is not None else None
    if is_module(path):
        return _live(path, given, model)
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(f"symcnn cannot trace a {type(path).__name__}",
                         fix="give the path of a net.py, or a torch.nn.Module (with torch installed)")
    if isinstance(path, str) and ":" in path and not path.endswith(".py") and not Path(path).exists():
        if not realtorch.importable():
            raise realtorch.needed(f"{path} (a package.module:callable)")
        name, net, s = realtorch.build_spec(path)
        return _live(net, given, name, source=path)
    path = Path(path)
    if backend == "torch":
        if not realtorch.importable():
            raise realtorch.needed("--backend torch")
        return _with_torch(path, model, given, timeout, args)
    try:
        return _standin(path, model, given, timeout, args)
    except SymcnnError as e:
        if backend == "stand-in" or not e.needs_torch:
            raise
        if not realtorch.importable():
            e.fix = (f"{e.fix}; or install PyTorch (pip install torch): with it, symcnn runs such files with "
                     "real torch") if e.fix else "install PyTorch (pip install torch): with it, symcnn runs " \
                "such files with real torch"
            raise
        t = _with_torch(path, model, given, timeout, args)
        t.notes.insert(0, f"ran {path.name} with real torch, since the stand-in cannot: {e.what}")
        return t


def traced(net: Any, input_shape: Any = None, **options) -> tuple[Trace, Any]:
    """``(trace, retrace)`` of what the Python API is given: a Trace (used as it is; an ``input_shape``
    traces its source again), or anything ``trace`` takes (traced with ``options``). ``retrace(shape)``
    traces the same net on another input (None: its example input); it is None for a Trace whose
    source cannot be traced again (a live model's)."""
    if isinstance(net, Trace):
        again = _again(net)
        if input_shape is None:
            return net, again
        if again is None:
            raise InputError(f"the Trace of {net.model} cannot be traced again on {input_shape}",
                             fix="pass the model itself with the input shape, not its Trace")
        return again(input_shape), again
    def again(shape):
        return trace(net, shape, **options)

    return again(input_shape), again


def _again(t: Trace):
    """A function tracing the source of ``t`` on another input, or None (a live model's Trace)."""
    src = t.source
    spec = ":" in src and not src.endswith(".py") and not Path(src).exists()
    if not src or not (spec or Path(src).is_file()):
        return None
    backend = "torch" if t.backend == "torch" else "stand-in"
    return lambda shape: trace(src, shape, model=None if spec else t.model, backend=backend)


def _standin(path: Path, model: str | None, given: list | None, timeout: float | None, args: tuple) -> Trace:
    with running(path, timeout, tuple(args)) as (ns, s):
        name, net = choose_model(ns, s, model)
        inputs = choose_inputs(ns, s, net, name, given)
        s.names = {id(m): n or name for n, m in net.named_modules()}   # a bare layer: its variable
        net.eval()   # traced as used for inference (torchinfo does the same): aux heads, dropout off
        s.recording = True
        out = net(*(SymTensor(i.shape, -1, i.dtype) for i in inputs))
        s.recording = False
    last = _first_tensor(out)
    unused, extra = unrecorded_params(((n, m, getattr(m, "_rule", None), m.own_parameters())
                                       for n, m in net.named_modules()), s)
    return Trace(model=name, source=str(path), input_shape=tuple(inputs[0].shape), steps=s.steps,
                 output_shape=last._shape if last is not None else (), constraints=s.constraints,
                 unused=unused, extra_params=extra, input_shapes=tuple(tuple(i.shape) for i in inputs),
                 input_dtypes=tuple(i.dtype for i in inputs), notes=list(s.notes),
                 modules=module_infos(_entries(net), s))


def _entries(net: Any) -> list[Entry]:
    """The stand-in's modules as torch names them: a rule-backed layer with sub-layers expanded."""
    out = []
    for n, m in net.named_modules():
        own = own_params(m._parameters, lambda p: sym(p.numel()))
        children = any(True for _ in m.children())
        rule = getattr(m, "_rule", None)
        if rule is not None:
            out += layer_entries(n, type(m).__name__, id(m), own, rule.submodules(), children)
        else:
            out.append(Entry(n, type(m).__name__, not children, id(m), own))
    return out


def _with_torch(path: Path, model: str | None, given: list | None, timeout: float | None, args: tuple) -> Trace:
    """The torch backend: net.py runs with real torch (models on the meta device); the model is traced live."""
    import torch  # noqa: F401 -- imported before the tracer's memory cap: torch maps a lot of address space

    from .live import trace_module

    with running(path, timeout, tuple(args), environment=realtorch.patched) as (ns, s):
        name, net = choose_model(ns, s, model)
        inputs = choose_inputs(ns, s, net, name, given)
        t = trace_module(net, inputs, name=name, source=str(path))
    t.notes[:0] = s.notes
    return t


def _live(model: Any, given: list | None, name: str | None, source: str = "") -> Trace:
    from .live import trace_module

    if given is None:
        first = next((r for m in model.modules() if (r := module_rule(m)) is not None), None)
        given = [default_input(first[1] if first else None)]
    return trace_module(model, given, name=name, source=source)
