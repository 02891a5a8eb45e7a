"""symcnn: a symbolic formula engine for convolutional networks.

>>> import symcnn
>>> conv = symcnn.make("nn.Conv2d", 3, 96, 11, stride=4)
>>> conv((1, 3, 227, 227)).shape
(1, 96, 55, 55)
"""

from __future__ import annotations

__version__ = "0.1.0"

from .errors import InputError, NetLoadError, RuleError, SymcnnError, TraceError, UnsupportedError, Where
from .rule import RULES, Condition, Result, Rule, make, rule

from . import rules as _rules  # noqa: E402,F401  (registers the built-in rules)

__all__ = ["RULES", "Condition", "InputError", "NetLoadError", "Result", "Rule", "RuleError",
           "SymcnnError", "TraceError", "UnsupportedError", "Where", "__version__", "make", "rule"]
