"""symcnn: a symbolic formula engine for convolutional networks.

>>> import symcnn
>>> conv = symcnn.make("nn.Conv2d", 3, 96, 11, stride=4)
>>> conv((1, 3, 227, 227)).shape
(1, 96, 55, 55)

A whole net: ``symcnn.trace("net.py")`` gives a Trace; ``symcnn.derive``, ``summary``, ``rf``,
``inputs`` and ``check`` take a net.py, a live torch model, a ``module:callable`` or a Trace and return
data objects that render themselves (text, Markdown, LaTeX, HTML, JSON) and show in Jupyter
(docs/api.md).

The names below are loaded on first use (PEP 562), so ``import symcnn`` costs nothing until one is
used and the ``symcnn`` command can decide how its own imports run (see ``__main__``).
"""

from __future__ import annotations

import sys
import warnings
from importlib import import_module
from importlib.util import spec_from_loader
from typing import TYPE_CHECKING

from .core.collector import paused

__version__ = "0.1.0"

# public name -> the submodule that defines it
_LAZY = {
    **dict.fromkeys(("InputError", "NetLoadError", "RuleError", "SymcnnError", "TraceError",
                     "UnsupportedError", "Where"), "core.errors"),
    **dict.fromkeys(("RULES", "Condition", "Result", "Rule", "make", "rule"), "rules.base"),
    **dict.fromkeys(("Step", "Trace"), "tracing.tracedata"),
    "Summary": "solutions.summarydoc", "ReceptiveFields": "analysis.rfdoc", "InputsReport": "analysis.inputsdoc",
    "CheckReport": "grading.checkdoc", "Derivation": "solutions.derivation",
}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'symcnn' has no attribute {name!r}")
    value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *_LAZY})


# What every function below takes as ``net``: a net.py path, a live ``torch.nn.Module`` (with torch
# installed), a ``"package.module:callable(args)"`` string, or a Trace; ``input_shape``: ``(1, 3, "H", "W")``,
# ``"1x3xHxW"``, a tuple with SymPy symbols, or a list of those (one per argument of forward). The keyword
# arguments model, timeout, args and backend are those of ``trace``.

@paused
def trace(net, input_shape=None, *, model=None, timeout=None, args=(), backend="auto") -> Trace:
    """Trace a net.py, a live torch model or a package.module:callable on symbolic tensors (see
    symcnn.tracing.tracer.trace)."""
    from .tracing.tracer import trace as _trace

    return _trace(net, input_shape, model=model, timeout=timeout, args=args, backend=backend)


def _traced(net, input_shape, model, timeout, args, backend):
    from .tracing.tracer import traced

    return traced(net, input_shape, model=model, timeout=timeout, args=args, backend=backend)


@paused
def derive(net, input_shape=None, *, model=None, convention="mac", subs=None, timeout=None, args=(),
           backend="auto"):
    """The worked solution, as data: of a Trace, or of anything ``trace`` takes (a net.py, a live torch
    model, a package.module:callable), traced first (see symcnn.solutions.derivation.derive)."""
    from .solutions.derivation import derive as _derive

    t, _ = _traced(net, input_shape, model, timeout, args, backend)
    return _derive(t, convention=convention, subs=subs)


@paused
def summary(net, input_shape=None, *, model=None, convention=None, subs=None, lang="en", timeout=None,
            args=(), backend="auto", **options) -> Summary:
    """The summary table of a net (``symcnn summary``) as a Summary: ``total_params``, ``total_macs``,
    ``output_shape``, ``rows`` ...; ``render(fmt, lang)``, ``to_json()``; shown in Jupyter.

    convention: a FLOPs convention (adds the FLOPs column; ``total_flops``); subs: values of size
    symbols, ``{"H": 224}``; options: as ``symcnn summary`` takes them (layout, ...).
    """
    from .core.userinput import as_sets, resolve_sets
    from .solutions.summarydoc import Summary as _Summary

    t, _ = _traced(net, input_shape, model, timeout, args, backend)
    return _Summary(t, convention=convention, subs=resolve_sets(t, as_sets(subs or {})), lang=lang, **options)


@paused
def rf(net, input_shape=None, *, model=None, lang="en", timeout=None, args=(), backend="auto", **options):
    """Receptive field, jump and start of every layer and the equivalent single conv (``symcnn rf``),
    as a ReceptiveFields report: ``layers``, ``equivalent``, ``report["conv1"]``; ``render``, ``to_json``."""
    from .analysis.rfdoc import receptive_field_report

    t, _ = _traced(net, input_shape, model, timeout, args, backend)
    return receptive_field_report(t, lang=lang, **options)


@paused
def inputs(net, input_shape=None, *, model=None, range=None, solve=None, target=None, lang="en",
           timeout=None, args=(), backend="auto", **options):
    """Valid input sizes of a net (``symcnn inputs``): conditions, minimum, valid and exact sizes in
    ``range`` (``"1..512"``, ``(1, 512)`` or a Python range); with ``solve="P"`` and ``target="same"``
    the values of an unknown hyperparameter that meet the target (range default 0..64). An InputsReport:
    ``conditions``, ``valid``, ``minimum``; ``render``, ``to_json``."""
    from .analysis.inputsdoc import inputs_report, solve_report
    from .core.errors import InputError
    from .core.userinput import as_range

    if (solve is None) != (target is None):
        raise InputError("solve and target go together", fix="give both, e.g. solve='P', target='same'")
    t, again = _traced(net, input_shape, model, timeout, args, backend)
    if solve is not None:
        return solve_report(t, solve, target, as_range(range or "0..64"), lang=lang, **options)
    return inputs_report(t, as_range(range or "1..512"), retrace=again, lang=lang, **options)


@paused
def check(net, answers, input_shape=None, *, model=None, lang="en", flops=None, tolerance=None, layout=None,
          dtype=None, solution=False, timeout=None, args=(), backend="auto"):
    """Grade an answers sheet (a .toml path, or its TOML text) against a net (``symcnn check``), naming
    the classic mistake behind each wrong answer. A CheckReport: ``score``, ``max_score``,
    ``all_correct``, ``items``; ``render`` (text, markdown feedback, latex, html, json, gradescope).
    Options as ``symcnn check`` takes them; a sheet that cannot be read raises AnswersError."""
    from .grading.checkdoc import grade_answers

    t, again = _traced(net, input_shape, model, timeout, args, backend)
    return grade_answers(t, answers, retrace=again, input_shape=t.input_shape if input_shape is not None else None,
                         lang=lang, flops=flops, tolerance=tolerance, layout=layout, dtype=dtype, solution=solution)


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
    from .analysis.inputsdoc import InputsReport
    from .analysis.rfdoc import ReceptiveFields
    from .core.errors import (
        InputError,
        NetLoadError,
        RuleError,
        SymcnnError,
        TraceError,
        UnsupportedError,
        Where,
    )
    from .grading.checkdoc import CheckReport
    from .rules.base import RULES, Condition, Result, Rule, make, rule
    from .solutions.derivation import Derivation
    from .solutions.summarydoc import Summary
    from .tracing.tracedata import Step, Trace

__all__ = ["RULES", "CheckReport", "Condition", "Derivation", "InputError", "InputsReport", "NetLoadError",
           "ReceptiveFields", "Result", "Rule", "RuleError", "Step", "Summary", "SymcnnError", "Trace", "TraceError",
           "UnsupportedError", "Where", "__version__", "check", "derive", "inputs", "make", "rf", "rule", "summary",
           "trace"]
