"""Activations and dropout: weightless, shape-preserving layers from one category table; PReLU
(learnable slopes) and GLU (halves one dimension) separately.

MACs: 0 for every layer here. Activations and dropout do elementwise work but no
multiply-accumulates; what each FLOPs tool counts for them is the business of conventions.py.
Owns: ACTIVATIONS (torch signature and checks per key) and the rules built from it.
Never: import torch, or branch on class names (behaviour comes from the table).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from sympy import Eq, Integer

from ..core.errors import RuleError
from ..core.symbols import C
from .base import TORCH_DOCS, Result, Rule, require, rule
from .common import exact_div

_P = inspect.Parameter
INPLACE = (("inplace", False),)
ANY = None  # torch's (*args, **kwargs) signature: arguments accepted and ignored


def _dropout_p(a):
    require((a["p"] >= 0) & (a["p"] <= 1), lambda: f"dropout probability p={a['p']} must be between 0 and 1",
            fix="use 0 <= p <= 1")


def _hardtanh(a):
    lo = a["min_val"] if a.get("min_value") is None else a["min_value"]
    hi = a["max_val"] if a.get("max_value") is None else a["max_value"]
    require(hi > lo, lambda: f"max_val={hi} must be greater than min_val={lo}",
            fix="swap min_val and max_val")


def _rrelu(a):
    require(a["lower"] <= a["upper"], lambda: f"lower={a['lower']} must not exceed upper={a['upper']}",
            fix="use lower <= upper")


def _lambd(a):
    require(a["lambd"] >= 0, lambda: f"lambd={a['lambd']} must be non-negative", fix="use lambd >= 0")


def _approximate(a):
    if a["approximate"] not in ("none", "tanh"):
        raise RuleError(f"approximate={a['approximate']!r} must be 'none' or 'tanh'",
                        fix="use approximate='none' or 'tanh'")


# key -> (torch constructor parameters as (name, default) with inspect.Parameter.empty for required
#         ones, construct-time checks, (min, max) input dims or None, softmax-like dim argument)
ACTIVATIONS: dict[str, tuple] = {
    "ReLU": (INPLACE, ()), "ReLU6": (INPLACE, ()), "SELU": (INPLACE, ()), "SiLU": (INPLACE, ()),
    "Mish": (INPLACE, ()), "Hardswish": (INPLACE, ()), "Hardsigmoid": (INPLACE, ()),
    "LeakyReLU": ((("negative_slope", 0.01), *INPLACE), ()),
    "ELU": ((("alpha", 1.0), *INPLACE), ()), "CELU": ((("alpha", 1.0), *INPLACE), ()),
    "GELU": ((("approximate", "none"),), (_approximate,)),
    "Sigmoid": (ANY, ()), "Tanh": (ANY, ()), "Softsign": (ANY, ()), "Tanhshrink": (ANY, ()),
    "LogSigmoid": (ANY, ()),
    "Hardtanh": ((("min_val", -1.0), ("max_val", 1.0), *INPLACE, ("min_value", None),
                  ("max_value", None)), (_hardtanh,)),
    "Softplus": ((("beta", 1.0), ("threshold", 20.0)), ()),
    "Threshold": ((("threshold", _P.empty), ("value", _P.empty), *INPLACE), ()),
    "Softshrink": ((("lambd", 0.5),), (_lambd,)), "Hardshrink": ((("lambd", 0.5),), ()),
    "RReLU": ((("lower", 1 / 8), ("upper", 1 / 3), *INPLACE), (_rrelu,)),
    "Softmax": ((("dim", None),), (), None, True), "LogSoftmax": ((("dim", None),), (), None, True),
    "Softmin": ((("dim", None),), (), None, True), "Softmax2d": (ANY, (), (3, 4)),
    "Dropout": ((("p", 0.5), *INPLACE), (_dropout_p,)),
    "Dropout1d": ((("p", 0.5), *INPLACE), (_dropout_p,), (2, 3)),
    "Dropout2d": ((("p", 0.5), *INPLACE), (_dropout_p,)),
    "Dropout3d": ((("p", 0.5), *INPLACE), (_dropout_p,)),
    "AlphaDropout": ((("p", 0.5), *INPLACE), (_dropout_p,)),
    "FeatureAlphaDropout": ((("p", 0.5), *INPLACE), (_dropout_p,)),
}


def _signature(params) -> inspect.Signature:
    first = [_P("self", _P.POSITIONAL_OR_KEYWORD)]
    if params is ANY:
        return inspect.Signature([*first, _P("args", _P.VAR_POSITIONAL), _P("kwargs", _P.VAR_KEYWORD)])
    return inspect.Signature([*first, *(_P(n, _P.POSITIONAL_OR_KEYWORD, default=d) for n, d in params)])


def _dim(d, n: int, layer: str) -> None:
    n = max(n, 1)
    if not -n <= d < n:
        raise RuleError(f"{layer}: dim={d} is out of range for a {n}-D input (expected {-n}..{n - 1})",
                        fix=f"use a dim in [{-n}, {n - 1}]")


class Elementwise(Rule):
    """A weightless layer whose output has the input's shape (activations, softmax, dropout).

    MACs: 0 (elementwise work is not counted as multiply-accumulates).
    """

    family = "elementwise"
    checks: tuple[Callable, ...] = ()
    ndims: tuple[int, int] | None = None
    has_dim = False

    def setup(self, *args, **kwargs):
        a = dict(kwargs)
        for check in self.checks:
            check(a)
        self.dim = a.get("dim")

    def forward(self, x):
        if self.ndims and not self.ndims[0] <= len(x) <= self.ndims[1]:
            raise RuleError(f"{self.name} expects a {self.ndims[0]}-D or {self.ndims[1]}-D input, got a "
                            f"{len(x)}-D input", fix=f"reshape the input to {self.ndims[1]} dimensions")
        if self.has_dim and self.dim is not None:
            _dim(self.dim, len(x), self.name)
        return Result(x, Integer(0))


def _build(name: str, params, checks=(), ndims=None, has_dim=False) -> type[Rule]:
    def setup(self, *args, **kwargs):
        Elementwise.setup(self, *args, **kwargs)

    setup.__signature__ = _signature(params)
    doc = f"torch.nn.{name}: output shape = input shape. MACs: 0 (elementwise, not counted)."
    cls = type(name, (Elementwise,), {"setup": setup, "checks": checks, "ndims": ndims,
                                      "has_dim": has_dim, "__doc__": doc, "__module__": __name__,
                                      "reference": TORCH_DOCS + f"torch.nn.{name}.html"})
    return rule(f"nn.{name}", nd=0)(cls)


ELEMENTWISE_RULES = {name: _build(name, *spec) for name, spec in ACTIVATIONS.items()}


@rule("nn.PReLU", nd=0)
class PReLU(Rule):
    """Leaky ReLU with learnable slopes: one shared slope, or one per channel (dim 1).

    MACs: 0 (elementwise, not counted).
    """

    family = "elementwise"
    reference = TORCH_DOCS + "torch.nn.PReLU.html"
    legend = {"num_parameters": C}

    def setup(self, num_parameters=1, init=0.25, device=None, dtype=None):
        self.num_parameters = num_parameters

    def parameters(self):
        return {"weight": (self.num_parameters,)}

    def forward(self, x):
        if self.num_parameters != 1:
            channels = x[1] if len(x) >= 2 else Integer(1)  # torch: a 0-D or 1-D input has 1 channel
            require(Eq(channels, self.num_parameters),
                    lambda: f"num_parameters={self.num_parameters} does not match the input's channel size "
                    f"{channels}", fix=f"set num_parameters={channels} or 1")
        return Result(x, Integer(0))


@rule("nn.GLU", nd=0)
class GLU(Rule):
    """Gated linear unit: halves dimension dim (first half ⊙ sigmoid(second half)).

    MACs: 0 (elementwise, not counted).
    """

    family = "elementwise"
    reference = TORCH_DOCS + "torch.nn.GLU.html"

    def setup(self, dim=-1):
        self.dim = int(dim)

    def forward(self, x):
        if not x:
            raise RuleError("GLU needs an input with at least 1 dimension, got a 0-D input",
                            fix="give the input a dimension to halve")
        _dim(self.dim, len(x), self.name)
        i = self.dim % len(x)
        require(Eq(x[i] % 2, 0), lambda: f"dimension {i} of size {x[i]} must be even to be halved",
                fix=f"make dimension {i} even or choose another dim")
        return Result((*x[:i], exact_div(x[i], 2), *x[i + 1:]), Integer(0))


__all__ = ["ACTIVATIONS", "ELEMENTWISE_RULES", "GLU", "Elementwise", "PReLU"]
