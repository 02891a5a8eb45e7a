"""symcnn: a symbolic formula engine for convolutional networks.

>>> import symcnn
>>> conv = symcnn.make("nn.Conv2d", 3, 96, 11, stride=4)
>>> conv((1, 3, 227, 227)).shape
(1, 96, 55, 55)

A whole net: ``symcnn.trace("net.py")`` gives a Trace; ``symcnn.derive(trace)`` its worked solution.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import InputError, NetLoadError, RuleError, SymcnnError, TraceError, UnsupportedError, Where
from .rule import RULES, Condition, Result, Rule, make, rule

from . import rules as _rules  # noqa: E402,F401  (registers the built-in rules)

# symcnn.trace is both a submodule (the Trace data model) and the public function: import the module
# first, so that a later import of it cannot rebind the name, then define the function.
from . import trace as _trace_model  # noqa: E402,F401  (bound before the function below)
from .trace import Step, Trace  # noqa: E402


def trace(path, *, model=None, input_shape=None, timeout=None) -> Trace:
    """Trace a net.py on symbolic tensors (see symcnn.tracer.trace)."""
    from .tracer import trace as _trace

    return _trace(path, model=model, input_shape=input_shape, timeout=timeout)


def derive(trace, *, convention="mac", subs=None):
    """The worked solution of a Trace, as data (see symcnn.derivation.derive)."""
    from .derivation import derive as _derive

    return _derive(trace, convention=convention, subs=subs)


__all__ = ["RULES", "Condition", "InputError", "NetLoadError", "Result", "Rule", "RuleError", "Step",
           "SymcnnError", "Trace", "TraceError", "UnsupportedError", "Where", "__version__", "derive",
           "make", "rule", "trace"]
