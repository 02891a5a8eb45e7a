"""symcnn: a symbolic formula engine for convolutional networks.

>>> import symcnn
>>> conv = symcnn.make("nn.Conv2d", 3, 96, 11, stride=4)
>>> conv((1, 3, 227, 227)).shape
(1, 96, 55, 55)

A whole net: ``symcnn.trace("net.py")`` gives a Trace; ``symcnn.derive(trace)`` its worked solution.

The names below are loaded on first use (PEP 562), so ``import symcnn`` costs nothing until one is
used and the ``symcnn`` command can decide how its own imports run (see ``__main__``).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# public name -> the submodule that defines it
_LAZY = {
    **dict.fromkeys(("InputError", "NetLoadError", "RuleError", "SymcnnError", "TraceError",
                     "UnsupportedError", "Where"), "errors"),
    **dict.fromkeys(("RULES", "Condition", "Result", "Rule", "make", "rule"), "rule"),
    **dict.fromkeys(("Step", "Trace"), "tracedata"),
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'symcnn' has no attribute {name!r}")
    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *_LAZY})


def trace(path, *, model=None, input_shape=None, timeout=None) -> Trace:
    """Trace a net.py on symbolic tensors (see symcnn.tracer.trace)."""
    from .tracer import trace as _trace

    return _trace(path, model=model, input_shape=input_shape, timeout=timeout)


def derive(trace, *, convention="mac", subs=None):
    """The worked solution of a Trace, as data (see symcnn.derivation.derive)."""
    from .derivation import derive as _derive

    return _derive(trace, convention=convention, subs=subs)


if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from .errors import InputError, NetLoadError, RuleError, SymcnnError, TraceError, UnsupportedError, Where
    from .rule import RULES, Condition, Result, Rule, make, rule
    from .tracedata import Step, Trace

__all__ = ["RULES", "Condition", "InputError", "NetLoadError", "Result", "Rule", "RuleError", "Step",
           "SymcnnError", "Trace", "TraceError", "UnsupportedError", "Where", "__version__", "derive",
           "make", "rule", "trace"]
