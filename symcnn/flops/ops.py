"""What a FLOPs convention may read of one traced step: its kind (conv, relu, maxpool, ...), how it
was called (module, functional, tensor method), its shapes and torch's constructor arguments.

Owns: Op (a read-only view of a Step), kind_of, KIND_WORK (does a kind do arithmetic?), parts and
sub_step (the sub-layer calls of a composite layer, as Steps).
Never: compute output shapes (the rules did; everything here reads the Step).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sympy import Expr, Integer, sympify

from ..core.intarith import FloorDiv
from ..rules.base import Part, numel
from ..tracing.tracedata import Step

# normalised op name (lower case, no "_", no trailing 1d/2d/3d) -> kind
_ALIASES = {
    "conv": "conv", "convtranspose": "convT", "linear": "linear", "bilinear": "bilinear",
    "batchnorm": "batchnorm", "syncbatchnorm": "batchnorm", "layernorm": "layernorm",
    "groupnorm": "groupnorm", "instancenorm": "instancenorm", "localresponsenorm": "lrn",
    "relu": "relu", "relu6": "relu6", "leakyrelu": "leakyrelu", "elu": "elu", "selu": "selu",
    "celu": "celu", "gelu": "gelu", "silu": "silu", "mish": "mish", "prelu": "prelu",
    "sigmoid": "sigmoid", "tanh": "tanh", "hardtanh": "hardtanh", "hardswish": "hardswish",
    "hardsigmoid": "hardsigmoid", "softplus": "softplus", "softsign": "softsign",
    "softmax": "softmax", "logsoftmax": "logsoftmax", "softmin": "softmin",
    "dropout": "dropout", "alphadropout": "dropout", "featurealphadropout": "dropout",
    "maxpool": "maxpool", "avgpool": "avgpool", "lppool": "lppool",
    "adaptiveavgpool": "adaptiveavgpool", "adaptivemaxpool": "adaptivemaxpool",
    "upsample": "upsample", "upsamplingnearest": "upsample", "upsamplingbilinear": "upsample",
    "interpolate": "upsample",
    "add": "add", "sub": "add", "mul": "mul", "div": "mul", "matmul": "matmul", "mm": "matmul",
    "bmm": "matmul", "addmm": "matmul", "einsum": "matmul", "baddbmm": "matmul", "mv": "matmul", "dot": "matmul",
    "rnn": "rnn", "lstm": "rnn", "gru": "rnn", "rnncell": "rnncell", "lstmcell": "rnncell", "grucell": "rnncell",
    "multiheadattention": "attention", "scaleddotproductattention": "attention",
    "transformer": "transformer", "transformerencoder": "transformer", "transformerdecoder": "transformer",
    "transformerencoderlayer": "transformer", "transformerdecoderlayer": "transformer",
    "mean": "reduce", "sum": "reduce", "std": "reduce", "var": "reduce", "amax": "reduce",
    "amin": "reduce", "max": "reduce", "min": "reduce", "maximum": "add", "minimum": "add",
    "pow": "mul",
    "exp": "elementwise", "log": "elementwise", "sqrt": "elementwise", "abs": "elementwise",
    "clamp": "elementwise", "clip": "elementwise",
}
# kinds that move or select data without arithmetic
_DATA = ("view", "reshape", "flatten", "unflatten", "squeeze", "unsqueeze", "permute", "transpose",
         "t", "contiguous", "expand", "repeat", "cat", "stack", "chunk", "split", "getitem",
         "identity", "pad", "zeropad", "constantpad", "reflectionpad", "replicationpad",
         "circularpad", "pixelshuffle", "pixelunshuffle", "embedding", "argmax", "detach", "to",
         "float", "clone", "narrow", "select", "index")
_ALIASES.update({d: "data" for d in _DATA})

# kind -> True when the op does arithmetic (so a count of 0 hides work)
KIND_WORK = {k: k not in ("data", "dropout") for k in set(_ALIASES.values()) | {"other"}}


def _norm(key: str) -> tuple[str, int]:
    name = key.rsplit(".", 1)[-1].strip("_").lower().replace("_", "")
    m = re.fullmatch(r"(.*?)([123])d", name)
    if m and m.group(1):
        return m.group(1), int(m.group(2))
    return name, 0


def parts(step: Step) -> tuple[Part, ...]:
    """The sub-layer calls of a composite layer (a TransformerEncoderLayer's attention, linears, norms)."""
    return step.result.detail.get("parts", ()) if step.result is not None else ()


def sub_step(step: Step, part: Part) -> Step:
    """One part of a composite step as a Step of its own (a module call at the same line)."""
    return Step(step.index, f"{step.name}.{part.name}", part.rule.key, "module", step.where, part.inputs,
                part.result.shape, part.rule, part.result, (), None, step.first_call)


def kind_of(step: Step) -> str:
    """The kind of a step: from its key ("nn.MaxPool2d", "F.max_pool2d" -> "maxpool")."""
    for key in (step.key, step.rule.key if step.rule is not None else None):
        if key:
            name, _ = _norm(key)
            if name in _ALIASES:
                return _ALIASES[name]
    return "other"


@dataclass(frozen=True, slots=True)
class Op:
    """A step as a FLOPs convention sees it. ``batch`` is the model's batch size (ptflops divides
    its module counts by it); ``None`` means the step's own leading dimension."""

    step: Step
    batch: Expr | None = None

    # --- identity -------------------------------------------------------------------------------
    @property
    def kind(self) -> str:
        return kind_of(self.step)

    @property
    def cls(self) -> str:
        """The torch class name for module calls ("Conv2d"), else the function name ("relu")."""
        return self.step.key.rsplit(".", 1)[-1]

    @property
    def module(self) -> bool:
        return self.step.via == "module"

    @property
    def functional(self) -> bool:
        return self.step.via == "functional"

    # --- shapes ---------------------------------------------------------------------------------
    @property
    def x(self) -> tuple:
        return self.step.inputs[0] if self.step.inputs else self.step.output

    @property
    def y(self) -> tuple:
        return self.step.output

    @property
    def i(self) -> Expr:
        return numel(self.x)

    @property
    def o(self) -> Expr:
        return numel(self.y)

    @property
    def n(self) -> Expr:
        """Leading (batch) dimension of the input."""
        return sympify(self.x[0]) if self.x else Integer(1)

    @property
    def b(self) -> Expr:
        return self.batch if self.batch is not None else self.n

    @property
    def nd(self) -> int:
        """Number of spatial axes (from the key's 1d/2d/3d, else the input rank - 2)."""
        nd = _norm(self.step.key)[1] or (self.step.rule.nd if self.step.rule is not None else 0)
        return nd or max(len(self.x) - 2, 0)

    @property
    def sp_in(self) -> tuple:
        return tuple(self.x[len(self.x) - self.nd:]) if self.nd else ()

    @property
    def sp_out(self) -> tuple:
        return tuple(self.y[len(self.y) - self.nd:]) if self.nd else ()

    # --- parameters and arguments ---------------------------------------------------------------
    def param(self, name: str) -> tuple | None:
        if self.step.rule is None:
            return None
        return self.step.rule.parameters().get(name)

    @property
    def weight(self) -> tuple | None:
        return self.param("weight")

    @property
    def has_bias(self) -> bool:
        return self.param("bias") is not None

    @property
    def affine(self) -> bool:
        return self.weight is not None

    @property
    def wb(self) -> Expr:
        """numel(weight) + numel(bias): the parameters torchinfo multiplies."""
        return sum((numel(p) for n, p in (("w", self.weight), ("b", self.param("bias"))) if p is not None),
                   Integer(0))

    def arg(self, name: str, default: Any = None) -> Any:
        """A torch constructor/function argument as the user gave it (raw: int stays int)."""
        if self.step.rule is None:
            return default
        raw = self.step.rule.raw_args
        if name in raw:
            return raw[name]
        return raw.get("kwargs", {}).get(name, default) if isinstance(raw.get("kwargs"), dict) else default

    @property
    def plain(self) -> Expr:
        """symcnn's own MACs of the step (the rule's count)."""
        return self.step.macs

    @property
    def k(self) -> Expr:
        """prod(kernel_size) of a conv, from its weight shape."""
        return numel(self.weight[2:]) if self.weight is not None else Integer(1)

    @property
    def groups(self) -> Expr:
        return sympify(self.arg("groups", 1))

    @property
    def cin(self) -> Expr:
        return sympify(self.x[1]) if len(self.x) > 1 else Integer(1)

    @property
    def out_features(self) -> Expr:
        return sympify(self.weight[0]) if self.weight is not None else Integer(0)

    @property
    def in_features(self) -> Expr:
        return sympify(self.weight[-1]) if self.weight is not None else Integer(0)

    def raw_kernel(self) -> tuple[Expr, bool]:
        """(k, is_tuple): prod(kernel_size) if the module stores a tuple, else the bare int."""
        ks = self.arg("kernel_size", 1)
        if isinstance(ks, (tuple, list)):
            return numel(ks), True
        return sympify(ks), False


def fdiv(a: Expr, b: Expr) -> Expr:
    """Python's a // b for (possibly symbolic) integers."""
    return FloorDiv(sympify(a), sympify(b))
