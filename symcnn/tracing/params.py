"""The parameters PyTorch counts that no step owns: leaf layers never called, and parameters held by
custom modules (or added to a layer by a reparametrization). The same arithmetic for both backends.

Owns: unrecorded_params(). Never: trace or choose anything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sympy import Integer

from . import record as rec
from .tensor import sym


def unrecorded_params(modules: Iterable[tuple[str, Any, Any, dict]], s: rec.Session) -> tuple[list, Any]:
    """``modules``: (dotted name, module, its rule or None, its own parameters) for every module of the
    model, as named_modules() gives them. Returns (leaf layers never called as (name, rule), the
    parameters no step counts). Each parameter counts once (shared and tied ones as torch dedups them).
    A layer subclass with its own forward (Conv2dSame calling F.conv2d with its weight) was called but
    no step owns its parameters: they count here, as does what a reparametrization adds to a layer's
    own (weight_norm's ``weight_g``)."""
    unused, extra, seen = [], Integer(0), set()
    for name, m, rule, own in modules:
        fresh = [p for p in own.values() if p is not None and id(p) not in seen]
        seen.update(id(p) for p in fresh)
        size = sum((sym(p.numel()) for p in fresh), Integer(0))
        if rule is not None and id(m) not in s.called and id(m) not in s.entered:
            unused.append((name, rule))
            extra += size - rule.params
        elif rule is not None and id(m) in s.called:
            extra += size - rule.params
        else:
            extra += size
    return unused, extra


__all__ = ["unrecorded_params"]
