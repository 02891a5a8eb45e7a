"""Trace a user's net.py: run it on the torch stand-in and record every layer call as a Step.

While it runs, ``sys.modules["torch"]`` (and every other ``torch.*``) point at ``symcnn.tracing.standin``;
the previous entries come back afterwards, even on error (loading.py runs the file, choose.py picks the
model, feed.py its inputs).
Owns: trace(). Never: import real torch, print, or write files.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sympy import Integer

from ..core.userinput import as_inputs
from . import record as rec
from .choose import choose_model
from .feed import choose_inputs
from .loading import running
from .standin import nn
from .tensor import SymTensor, sym
from .tracedata import Trace


def _first_tensor(out: Any) -> SymTensor | None:
    if isinstance(out, SymTensor):
        return out
    if isinstance(out, dict):
        out = list(out.values())
    if isinstance(out, (tuple, list)):
        return next((t for t in map(_first_tensor, out) if t is not None), None)
    return None


def _unrecorded_params(net: Any, s: rec.Session) -> tuple[list, Any]:
    """(leaf modules never called, parameters no step counts): PyTorch counts both in parameters().
    A layer subclass with its own forward (Conv2dSame calling F.conv2d with its weight) was called,
    but no step owns its parameters: they count with the parameters of custom modules; so does what a
    reparametrization (weight_norm's ``weight_g``) adds to a layer's own."""
    unused, extra, seen = [], Integer(0), set()
    for n, m in net.named_modules():
        own = [p for p in m.own_parameters().values() if id(p) not in seen]
        seen.update(id(p) for p in own)
        size = sum((sym(p.numel()) for p in own), Integer(0))
        if isinstance(m, nn.Layer) and id(m) not in s.called and id(m) not in s.entered:
            unused.append((n, m._rule))
            extra += size - m._rule.params           # a reparametrized weight (weight_norm's _g)
        elif isinstance(m, nn.Layer) and id(m) in s.called:
            extra += size - m._rule.params
        else:
            extra += size
    return unused, extra


def trace(path: str | os.PathLike, *, model: str | None = None, input_shape: Any = None,
          timeout: float | None = None, args: tuple[str, ...] = ()) -> Trace:
    """Run net.py on symbolic tensors and return every layer call, in order.

    Args: path of net.py; model: a name of net.py (a model instance, class, factory function or partial)
    or a call with literal arguments (``"VGG('VGG16')"``); input_shape: one shape of ints and/or symbols
    (or names: ``(1, 3, "H", "W")``, ``"1x3xHxW"``), or a list of them for a forward with several inputs
    (a dtype after a colon: ``"1:long"``); timeout in seconds; args: the script's own command-line
    arguments (its ``sys.argv[1:]``).
    Raises: NetLoadError, UnsupportedError, RuleError, TraceError, each located at a net.py line.

    >>> trace("examples/mnist.py").output_shape
    (1, 10)
    """
    path = Path(path)
    given = as_inputs(input_shape) if input_shape is not None else None
    with running(path, timeout, tuple(args)) as (ns, s):
        name, net = choose_model(ns, s, model)
        inputs = choose_inputs(ns, s, net, name, given)
        s.names = {id(m): n or name for n, m in net.named_modules()}   # a bare layer: its variable
        net.eval()   # traced as used for inference (torchinfo does the same): aux heads, dropout off
        s.recording = True
        out = net(*(SymTensor(i.shape, -1, i.dtype) for i in inputs))
        s.recording = False
    last = _first_tensor(out)
    unused, extra = _unrecorded_params(net, s)
    return Trace(model=name, source=str(path), input_shape=tuple(inputs[0].shape), steps=s.steps,
                 output_shape=last._shape if last is not None else (), constraints=s.constraints,
                 unused=unused, extra_params=extra, input_shapes=tuple(tuple(i.shape) for i in inputs),
                 input_dtypes=tuple(i.dtype for i in inputs), notes=list(s.notes))
