"""One call of a leaf layer that has a rule, as both backends record it: the stand-in's ``nn.Conv2d``
and a real torch ``nn.Conv2d`` of a live model go through the same function, so they give the same step.

Owns: call_layer(). Never: build rules (the stand-in does from constructor arguments, live.py from a
torch module's attributes) or know which backend is running.
"""

from __future__ import annotations

from typing import Any

from ..core.errors import TraceError, Where
from . import record as rec
from .tensor import SymTensor, run

_UNREGISTERED = ("not registered on the model (kept in a plain list or a global?): PyTorch does not count "
                 "its parameters; use nn.ModuleList or an attribute")


def call_layer(module: Any, key: str, rule: Any, input: Any, more: tuple = (), call: dict | None = None,
               made_at: Where | None = None) -> Any:
    """Record ``module`` (whose rule is ``rule``, registered under ``key``) called on ``input`` and the
    call's further arguments (``more`` positional, ``call`` keyword: hx, key/value, masks, flags);
    return torch's output structure. ``made_at``: the net.py line that built the module, for errors when
    no net.py frame is on the stack (a layer called by nn.Sequential)."""
    if not isinstance(input, SymTensor):
        raise TraceError(f"{key} was called with a {type(input).__name__}, not a tensor",
                         fix="pass a tensor").located(rec.where())
    s = rec.session()
    name = s.names.get(id(module)) if s is not None else None
    first, note = True, None
    if s is not None and s.recording:
        first = id(module) not in s.called and name is not None
        s.called.add(id(module))
        if name is None and rule.params != 0:
            note = _UNREGISTERED
    label = f"{key} {name}" if name else key   # unnamed: a call before symcnn knows the model
    return run(key, rule, input, more, call, label=label, where=made_at, via="module", module_id=id(module),
               first_call=first, name=name or key, note=note, made_at=made_at)


__all__ = ["call_layer"]
