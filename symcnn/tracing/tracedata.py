"""The result of tracing a net: a ``Trace`` of ``Step``s, in call order. Data only.

Owns: Step, Trace, Constraint, ModuleInfo, ParamInfo and the totals derived from them.
Never: run user code (tracer.py does), format text (core/render.py and templates do).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sympy import Add, Expr, Integer

from ..core.errors import Where
from ..rules.base import Condition, Result, Rule, Shape

Via = Literal["module", "functional", "tensor", "input"]


@dataclass(slots=True)
class Step:
    """One call in the forward pass: a leaf module, a functional op, or a shape-changing tensor op."""

    index: int
    name: str                 # dotted module name as named_modules() gives it ("features.0"), or op name
    key: str                  # registry key: "nn.Conv2d", "F.max_pool2d", "Tensor.view", "torch.cat", ...
    via: Via
    where: Where | None
    inputs: tuple[Shape, ...]
    output: Shape
    rule: Rule | None = None  # the configured rule (hyper-parameters) when the op has one
    result: Result | None = None
    parents: tuple[int, ...] = ()   # indices of the steps whose outputs feed this one; -1 = model input
    module_id: int | None = None    # id of the nn.Module instance (a module called twice: same id)
    first_call: bool = True         # params are counted once per module, on its first call
    note: str | None = None         # e.g. the constraint a fixed-size view introduced
    # x[index] only: per input axis, (start, step) of the slice that keeps it (start >= 0), or None
    # where an integer index removes the axis; axes added by None are not listed (rf.py uses this)
    slices: tuple[tuple[Expr, Expr] | None, ...] | None = None

    @property
    def type(self) -> str:
        """Display type: "Conv2d", "max_pool2d", "view"."""
        return self.key.split(".", 1)[-1]

    @property
    def weights(self) -> Expr:
        return self.rule.weights if self.rule is not None else Integer(0)

    @property
    def biases(self) -> Expr:
        return self.rule.biases if self.rule is not None else Integer(0)

    @property
    def params(self) -> Expr:
        return self.weights + self.biases

    @property
    def macs(self) -> Expr:
        return self.result.macs if self.result is not None else Integer(0)


@dataclass(frozen=True, slots=True)
class Constraint:
    """A condition on the input sizes that the net needs (from a layer's validity, a fixed view,
    a residual add...), with the net.py line that introduced it."""

    condition: Condition
    where: Where | None
    step: int | None = None   # index of the step that introduced it


@dataclass(frozen=True, slots=True)
class ParamInfo:
    """One parameter a module holds directly, named as torch names it on that module (weight, bias,
    weight_ih_l0, in_proj_weight). A parameter object registered on two modules counts once, as
    ``model.parameters()`` does: on its first holder in named_modules() order; the later holders list
    it with ``shared_with`` the dotted name it counts under ("features.0.weight")."""

    name: str
    numel: Expr
    requires_grad: bool = True
    shared_with: str | None = None


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    """One module of the model, as ``named_modules()`` lists it (root first, named ""): its class name,
    depth (root 0) and parent's dotted name, whether it is a leaf (no child modules), how many times its
    forward ran, the parameters it holds directly (not its children's), the indices of the Steps
    recorded while it ran (its descendants' included) and, per call, the shape of its output tensor (a
    tuple's first element, a dict's last value; None when that is no tensor)."""

    name: str
    type: str
    depth: int
    parent: str | None
    leaf: bool
    calls: int = 0
    params: tuple[ParamInfo, ...] = ()
    steps: tuple[int, ...] = ()
    outputs: tuple[Shape | None, ...] = ()

    @property
    def own_params(self) -> Expr:
        """Its directly held parameters, each distinct object once (those shared with an earlier module
        are counted there)."""
        return _total([p.numel for p in self.params if p.shared_with is None])


def _total(values: list[Expr]) -> Expr:
    """The sum: numbers added as Python ints, the symbolic terms in one Add (adding them one by one
    re-flattens a growing sum, quadratic in the depth of the net)."""
    number, terms = 0, []
    for v in values:
        if isinstance(v, int) or v.is_Integer:
            number += int(v)
        else:
            terms.append(v)
    return Add(Integer(number), *terms) if terms else Integer(number)


@dataclass(slots=True)
class Trace:
    """Every step of one forward pass of one model on one (possibly symbolic) input."""

    model: str
    source: str
    input_shape: Shape
    steps: list[Step] = field(default_factory=list)
    output_shape: Shape = ()
    constraints: list[Constraint] = field(default_factory=list)
    # modules registered on the model but never called: (dotted name, rule); PyTorch counts their params
    unused: list[tuple[str, Rule]] = field(default_factory=list)
    # parameters PyTorch counts that belong to no leaf module rule (nn.Parameter on a custom module)
    extra_params: Expr = Integer(0)
    input_shapes: tuple[Shape, ...] = ()   # every input of forward, in order (input_shape is the first)
    input_dtypes: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)   # what the user should know: where the file stopped, ...
    backend: str = "stand-in"      # how the model ran: symcnn's torch stand-in, or real torch (a live model)
    modules: list[ModuleInfo] = field(default_factory=list)   # named_modules() order, root ("") first

    def __post_init__(self) -> None:
        if not self.input_shapes:
            self.input_shapes = (tuple(self.input_shape),)
        if not self.input_dtypes:
            self.input_dtypes = ("float32",) * len(self.input_shapes)

    @property
    def total_params(self) -> Expr:
        """sum(p.numel() for p in model.parameters()): each module once, unused modules too."""
        return _total([*(s.params for s in self.steps if s.first_call), *(r.params for _, r in self.unused),
                       self.extra_params])

    def _params_where(self, trainable: bool) -> Expr:
        return _total([p.numel for m in self.modules for p in m.params
                       if p.shared_with is None and p.requires_grad == trainable])

    @property
    def trainable_params(self) -> Expr:
        """The parameters with requires_grad, each distinct parameter object once (all of them when the
        trace has no module tree, as a Trace built by hand)."""
        return self._params_where(True) if self.modules else self.total_params

    @property
    def non_trainable_params(self) -> Expr:
        """The parameters with requires_grad=False (frozen): total_params − trainable_params."""
        return self._params_where(False) if self.modules else Integer(0)

    def module(self, name: str) -> ModuleInfo | None:
        """The module of this dotted name ("" the root), or None."""
        return next((m for m in self.modules if m.name == name), None)

    @property
    def total_macs(self) -> Expr:
        return _total([s.macs for s in self.steps])

    @property
    def symbols(self) -> set:
        out = set()
        for shape in self.input_shapes:
            for v in shape:
                out |= getattr(v, "free_symbols", set())
        return out
