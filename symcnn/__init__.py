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

import sys
import warnings
from importlib import import_module
from importlib.util import spec_from_loader
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# public name -> the submodule that defines it
_LAZY = {
    **dict.fromkeys(("InputError", "NetLoadError", "RuleError", "SymcnnError", "TraceError",
                     "UnsupportedError", "Where"), "core.errors"),
    **dict.fromkeys(("RULES", "Condition", "Result", "Rule", "make", "rule"), "rules.base"),
    **dict.fromkeys(("Step", "Trace"), "tracing.tracedata"),
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'symcnn' has no attribute {name!r}")
    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *_LAZY})


def trace(net, input_shape=None, *, model=None, timeout=None, args=(), backend="auto") -> Trace:
    """Trace a net.py, a live torch model or a package.module:callable on symbolic tensors (see
    symcnn.tracing.tracer.trace)."""
    from .tracing.tracer import trace as _trace

    return _trace(net, input_shape, model=model, timeout=timeout, args=args, backend=backend)


def derive(net, input_shape=None, *, model=None, convention="mac", subs=None, timeout=None, args=(),
           backend="auto"):
    """The worked solution, as data: of a Trace, or of anything ``trace`` takes (a net.py, a live torch
    model, a package.module:callable), traced first (see symcnn.solutions.derivation.derive)."""
    from .solutions.derivation import derive as _derive
    from .tracing.tracedata import Trace as _Trace

    if not isinstance(net, _Trace):
        net = trace(net, input_shape, model=model, timeout=timeout, args=args, backend=backend)
    return _derive(net, convention=convention, subs=subs)


# The flat module paths of 0.1 (``symcnn.rule``, ``symcnn.tracer``, ...) -> where they live now. Importing
# an old path still works, as a view of the new module with a DeprecationWarning, until the next release.
_MOVED = {"symbols": "core.symbols", "intarith": "core.intarith", "bounds": "core.bounds",
          "fmt": "core.fmt", "errors": "core.errors", "render": "core.render", "tplcache": "core.tplcache",
          "userinput": "core.userinput", "formula_parse": "core.formula_parse", "rule": "rules.base",
          "tensor": "tracing.tensor", "tracer": "tracing.tracer", "choose": "tracing.choose",
          "limits": "tracing.limits", "tracedata": "tracing.tracedata", "shim": "tracing.standin",
          "shim.record": "tracing.record", "shim.indexing": "tracing.indexing",
          "shim.methods": "tracing.methods", "shim.autograd": "tracing.standin.autograd",
          "shim.containers": "tracing.standin.containers", "shim.functional": "tracing.standin.functional",
          "shim.install": "tracing.standin.install", "shim.module": "tracing.standin.module",
          "shim.nn": "tracing.standin.nn", "shim.torch": "tracing.standin.torch",
          "conventions": "flops.conventions", "conventions.base": "flops.base",
          "conventions.hooks": "flops.hooks", "conventions.ops": "flops.ops",
          "conventions.own": "flops.own", "conventions.patches": "flops.patches",
          "compare": "flops.compare", "general": "solutions.general", "formula": "solutions.formula",
          "steps": "solutions.steps", "derivation": "solutions.derivation", "jsonout": "solutions.jsonout",
          "rf": "analysis.rf", "rfreport": "analysis.rfreport", "validity": "analysis.validity",
          "sizeforms": "analysis.sizeforms", "solve": "analysis.solve", "fasteval": "analysis.fasteval",
          "answers": "grading.answers", "answerschema": "grading.answerschema", "truth": "grading.truth",
          "mistakes": "grading.mistakes", "diagnose": "grading.diagnose", "equiv": "grading.equiv",
          "check": "grading.check", "checkreport": "grading.checkreport", "cli": "cli.main",
          "cliopts": "cli.options", "cli_check": "cli.check", "cli_rf": "cli.rf",
          "cli_inputs": "cli.inputs", "cli_compare": "cli.compare"}


class _MovedFinder:
    """Finds ``symcnn.<old path>`` (after every real finder has failed) and loads a forwarding module."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name.startswith("symcnn.") and name[7:] in _MOVED:
            return spec_from_loader(name, cls, is_package=name[7:] in ("shim", "conventions"))

    @staticmethod
    def create_module(spec):
        return None

    @staticmethod
    def exec_module(module) -> None:
        new = f"symcnn.{_MOVED[module.__name__[7:]]}"
        # stacklevel 2: the import statement (warnings skips the import machinery's own frames)
        warnings.warn(f"{module.__name__} has moved to {new}; the old path goes in the next release",
                      DeprecationWarning, stacklevel=2)
        target = import_module(new)
        module.__getattr__ = lambda name: getattr(target, name)
        module.__doc__ = target.__doc__


sys.meta_path.append(_MovedFinder)

if TYPE_CHECKING:  # what the lazy names are, for type checkers and editors
    from .core.errors import (
        InputError,
        NetLoadError,
        RuleError,
        SymcnnError,
        TraceError,
        UnsupportedError,
        Where,
    )
    from .rules.base import RULES, Condition, Result, Rule, make, rule
    from .tracing.tracedata import Step, Trace

__all__ = ["RULES", "Condition", "InputError", "NetLoadError", "Result", "Rule", "RuleError", "Step",
           "SymcnnError", "Trace", "TraceError", "UnsupportedError", "Where", "__version__", "derive",
           "make", "rule", "trace"]
