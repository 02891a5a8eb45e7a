"""The rule registry: one ``Rule`` subclass per layer family, registered under torch-qualified keys.

A rule mirrors the PyTorch module it models: ``setup`` takes exactly torch's constructor arguments
(and validates what torch validates at construction), ``parameters`` gives the shapes of the
learnable tensors, and ``forward`` maps an input shape to a ``Result`` (output shape, MACs).
Called with symbols, the same code gives the general formula for docs and derivations.

Owns: Rule, Result, Part, Condition, RULES, @rule, require, per_axis, axis_name, window, split_batch, make,
is_bias, shapes.
Never: know about net.py, the tracer, or rendering.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import cache
from math import prod
from typing import Any, ClassVar

from sympy import Basic, Expr, Integer, Min, ceiling, sympify
from sympy.logic.boolalg import Boolean, BooleanFalse, BooleanTrue

from ..core.errors import RuleError, UnsupportedError
from ..core.fmt import sympy_str
from ..core.intarith import FloorDiv, canon, ge

Shape = tuple[Expr, ...]
TORCH_DOCS = "https://pytorch.org/docs/stable/generated/"


@dataclass(frozen=True, slots=True)
class Condition:
    """A validity condition that could not be decided symbolically: ``holds`` must be true."""

    holds: Boolean
    what: str
    fix: str | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """What a rule's forward gives: the output shape (or shapes) and the multiply-accumulate count.

    ``nest`` gives the structure of a tuple output when it is not flat: indices into
    (shape, *extra_shapes) and None, nested as torch returns them (LSTM: ``(0, (1, 2))`` for
    ``(output, (h_n, c_n))``; MultiheadAttention with need_weights=False: ``(0, None)``).
    ``detail`` is data for explanations and counting conventions: "terms" (named parts of the MACs),
    "parts" (the sub-layers a composite layer calls, as ``Part``s), "call" (forward options)."""

    shape: Shape
    macs: Expr = Integer(0)
    conditions: tuple[Condition, ...] = ()
    extra_shapes: tuple[Shape, ...] = ()  # further outputs (e.g. MaxPool's indices, chunk pieces)
    nest: tuple | None = None
    detail: dict = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self):
        object.__setattr__(self, "shape", tuple(canon(sympify(v)) for v in self.shape))
        object.__setattr__(self, "macs", sympify(self.macs))
        if self.extra_shapes:
            object.__setattr__(self, "extra_shapes",
                               tuple(tuple(canon(sympify(v)) for v in s) for s in self.extra_shapes))


@dataclass(frozen=True, slots=True)
class Part:
    """One sub-layer call of a composite layer (the self-attention of a TransformerEncoderLayer):
    its dotted name under the layer, its rule, its input shapes and its Result."""

    name: str
    rule: Rule
    inputs: tuple[Shape, ...]
    result: Result
    count: Expr = Integer(1)   # a stack of identical layers is one part: num_layers copies


def is_bias(name: str) -> bool:
    """True for a bias tensor's name as torch names them: bias, bias_ih_l0, in_proj_bias, norm1.bias."""
    last = name.rsplit(".", 1)[-1]
    return last == "bias" or last.startswith("bias_") or last.endswith("_bias")


_pending: ContextVar[list[Condition] | None] = ContextVar("_pending", default=None)


@contextmanager
def collecting() -> Iterator[list[Condition]]:
    """Collect the undecided ``require`` conditions raised inside the block."""
    bucket: list[Condition] = []
    token = _pending.set(bucket)
    try:
        yield bucket
    finally:
        _pending.reset(token)


def require(cond: Any, what: str | Callable[[], str], fix: str | None = None) -> None:
    """Check a validity condition: provably false raises RuleError, undecided is recorded.

    ``what`` may be a function returning the message, so it is only formatted when needed
    (formatting SymPy numbers costs tens of microseconds each: most of a deep net's trace)."""
    c = sympify(cond) if not isinstance(cond, bool) else cond
    if c is True or isinstance(c, BooleanTrue):
        return
    if callable(what):
        what = what()
    if c is False or isinstance(c, BooleanFalse):
        raise RuleError(what, fix=fix)
    bucket = _pending.get()
    if bucket is not None:
        bucket.append(Condition(c, what, fix))


_AXES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}


def axis_name(nd: int, i: int) -> str:
    """The word for spatial axis ``i`` of an nd-layer in messages: height/width (2-D), length (1-D),
    depth/height/width (3-D); students read "axis 0" as the batch axis."""
    names = _AXES.get(nd, ())
    return names[i] if i < len(names) else f"size of spatial axis {i}"


def per_axis(nd: int, name: str, value: Any) -> tuple:
    """torch's _ntuple: an int applies to every spatial axis, a tuple gives one value per axis."""
    if isinstance(value, (tuple, list)):
        if len(value) != nd:
            raise RuleError(f"{name}={tuple(value)} has {len(value)} entries but the layer has "
                            f"{nd} spatial axes", fix=f"give {name} as one int or {nd} ints")
        return tuple(value)
    return (value,) * nd


def split_batch(x: Shape, nd: int, layer: str) -> tuple[Shape, Expr, Shape]:
    """(leading batch dims, channels, spatial dims) of an input with optional batch dimension."""
    if len(x) not in (nd + 1, nd + 2):
        raise RuleError(f"{layer} expects a {nd + 1}-D (unbatched) or {nd + 2}-D (batched) input, "
                        f"got a {len(x)}-D input of shape {fmt_shape(x)}",
                        fix=f"reshape the input to (N, C, {', '.join(['...'] * nd)})")
    return tuple(x[:-nd - 1]), x[-nd - 1], tuple(x[-nd:])


def window(size: Expr, k: Expr, s: Expr, p: Expr, d: Expr = Integer(1), ceil_mode: bool = False,
           axis: str = "size") -> Expr:
    """Number of sliding-window positions: ⌊(L + 2P − D(K − 1) − 1)/S⌋ + 1 (conv, pool, unfold).

    With ceil_mode PyTorch rounds up but drops a last window that would start in the right padding:
    ⌈(L + min(2P − D(K − 1) − 1 + S, P))/S⌉, in one closed form.
    """
    if ceil_mode:
        shift = Min(2 * p - d * (k - 1) - 1 + s, p)
        out = FloorDiv(size + shift + s - 1, s)
    else:
        out = canon(FloorDiv(size + 2 * p - d * (k - 1) - 1, s) + 1)
    # sympy_str is str() memoised: in a chain this size was printed as the previous layer's output
    require(ge(out, 1), lambda: f"output {axis} {sympy_str(out)} < 1: input {axis} {sympy_str(size)} "
            f"is too small for kernel_size={k}, stride={s}, padding={p}, dilation={d}",
            fix="use a larger input, a smaller kernel or more padding")
    return out


def ceil_window(size: Expr, k: Expr, s: Expr, p: Expr, d: Expr = Integer(1)) -> tuple[Expr, Expr, Expr]:
    """ceil_mode as PyTorch computes it, in its two steps: the count rounded up, n = ⌈(L + 2P −
    D(K − 1) − 1)/S⌉ + 1, and the start (n − 1)·S of the last window, which PyTorch drops (n − 1) when it
    is not before L + P (it would start in the right padding). Returns (n, start, L + P); ``window``
    with ceil_mode is the closed form of the same count (tests/rules check they agree)."""
    n = ceiling((size + 2 * p - d * (k - 1) - 1) / s) + 1
    return n, (n - 1) * s, size + p


def fmt_shape(x: Sequence) -> str:
    from ..core.fmt import text

    return "(" + ", ".join(text(v) for v in x) + ")"


def numel(shape: Sequence) -> Expr:
    return prod(shape, start=Integer(1))


def shapes(v: Any) -> Any:
    """A shape, a nested tuple of shapes (LSTM's (h_0, c_0)) or a flag, with sizes canonical SymPy."""
    if isinstance(v, (tuple, list)):
        if any(isinstance(e, (tuple, list)) or e is None for e in v):
            return tuple(shapes(e) for e in v)
        return tuple(canon(sympify(e)) for e in v)
    return v


def _arg(v: Any) -> Any:
    """Sympify numbers (so channels/groups stays exact); keep bools, strings, floats and None."""
    if isinstance(v, bool) or v is None or isinstance(v, (str, float)):
        return v
    if isinstance(v, (int, Basic)):
        return sympify(v)
    if isinstance(v, (tuple, list)):
        return tuple(_arg(e) for e in v)
    return v


@cache
def _setup_signature(cls: type) -> inspect.Signature:
    """The signature of ``cls.setup`` without ``self`` (computed once per class: it is slow)."""
    return inspect.signature(cls.setup).replace(
        parameters=list(inspect.signature(cls.setup).parameters.values())[1:])


@cache
def _forward_signature(cls: type) -> inspect.Signature:
    """The signature of ``cls.forward`` without ``self``: the arguments torch's forward takes."""
    sig = inspect.signature(cls.forward)
    return sig.replace(parameters=list(sig.parameters.values())[1:])


class Rule:
    """Base class of every layer rule. Subclasses set ``legend`` and implement setup/forward."""

    keys: ClassVar[dict[str, int]] = {}
    family: ClassVar[str] = ""
    reference: ClassVar[str] = ""
    # torch argument name -> symbol used in the general formula (docs, derivations)
    legend: ClassVar[dict[str, Basic]] = {}
    # what the input must hold: "indices" (integers, e.g. an embedding), or None: anything the layer's
    # weights allow (a layer with weights takes floating point, as torch's dtype checks require)
    takes: ClassVar[str | None] = None
    # ranks of the inputs the general formula (docs) is stated for, when dim_names names them: (3,) for an
    # RNN's (L, N, F_in), (3, 3, 3) for attention's query, key and value; () for the default by rank
    general_ranks: ClassVar[tuple[int, ...]] = ()
    # arguments without a symbol that the general formula needs (a stack's layer): name -> a maker
    general_args: ClassVar[dict[str, Callable[[], Any]]] = {}

    def __init__(self, key: str, /, *args: Any, **kwargs: Any):
        self.key = key
        self.nd = self.keys[key]
        self.name = key.split(".", 1)[-1]
        try:
            bound = _setup_signature(type(self)).bind(*args, **kwargs)
        except TypeError as e:
            raise RuleError(f"{key}(): {e}", fix=f"see `symcnn formula {self.name}` for the arguments") from None
        self.given = tuple(bound.arguments)   # what the user wrote (repr shows these, as torch's does)
        bound.apply_defaults()
        self.raw_args = dict(bound.arguments)
        self.args = {k: _arg(v) for k, v in self.raw_args.items()}
        with collecting() as conds:
            self.setup(**self.args)
        self.init_conditions = tuple(conds)

    def setup(self, **kwargs: Any) -> None:
        """Validate torch's constructor arguments and store what forward needs."""

    def parameters(self) -> dict[str, Shape]:
        """Shapes of the learnable tensors, named as torch names them (weight, bias, ...)."""
        return {}

    def submodules(self) -> tuple[tuple[str, str], ...]:
        """torch's submodules of the layer, (dotted name under it, class name), in named_modules() order:
        () for a leaf; MultiheadAttention's out_proj; a Transformer layer's attention, linears, norms,
        dropouts. Parameters named ``out_proj.weight`` belong to the submodule ``out_proj``."""
        return ()

    def forward(self, x: Shape) -> Result:
        raise NotImplementedError

    def __call__(self, x: Sequence, *more: Any, **options: Any) -> Result:
        """Apply the rule to an input shape (further inputs for layers with several: Bilinear's x2,
        an RNN's hx, attention's key and value; a pair of shapes for LSTM's (h_0, c_0); None for
        an input not given). ``options`` are forward's keyword arguments (masks as shapes, flags).
        Undecided validity conditions go into the Result."""
        x = tuple(canon(sympify(v)) for v in x)
        more = tuple(shapes(m) for m in more)
        options = {k: shapes(v) for k, v in options.items()}
        with collecting() as conds:
            try:
                r = self.forward(x, *more, **options)
            except TypeError:
                self._check_call(x, more, options)
                raise
        if conds:
            r = replace(r, conditions=r.conditions + tuple(conds))
        return r

    def _check_call(self, x, more, options) -> None:
        """A RuleError when the call does not match forward's arguments (torch's own signature)."""
        sig = _forward_signature(type(self))
        try:
            sig.bind(x, *more, **options)
        except TypeError as e:
            params = ", ".join(str(p) for p in sig.parameters.values())
            raise RuleError(f"forward() {str(e).replace('forward() ', '')}",
                            fix=f"call it as torch does: {self.name}({params})") from None

    def dim_names(self, rank: int, index: int) -> tuple[str, ...] | None:
        """Names of the dims of input ``index`` (of rank ``rank``; index −1: the output) in the general
        formula, when the default by rank (N, C, H, W) does not fit: an RNN's (L, N, F_in). None: the
        default; (): the general formula takes only the inputs before this one."""
        return None

    def param_groups(self) -> list[tuple[str, list[tuple[str, Shape]], Expr]]:
        """The learnable tensors in groups of identical ones: (label, [(name, shape)], how many times the
        group occurs). One group by default; an RNN has layer 0 and the layers above (per direction), a
        Transformer one group per sub-layer. Works on a rule built with symbols (general shapes)."""
        return [("", list(self.parameters().items()), Integer(1))]

    # --- parameter counts, derived from the shapes ---
    @property
    def weights(self) -> Expr:
        return sum((numel(s) for n, s in self.parameters().items() if not is_bias(n)), Integer(0))

    @property
    def biases(self) -> Expr:
        return sum((numel(s) for n, s in self.parameters().items() if is_bias(n)), Integer(0))

    @property
    def params(self) -> Expr:
        return self.weights + self.biases

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.raw_args.items())
        return f"{self.key}({args})"


RULES: dict[str, type[Rule] | None] = {}


def rule(*keys: str, nd: int | None = None, override: bool = False):
    """Register a Rule subclass under torch-qualified keys (``nn.Conv2d``). The number of spatial
    axes comes from a trailing ``1d``/``2d``/``3d`` in the key unless ``nd`` is given."""

    def register(cls: type[Rule]) -> type[Rule]:
        table = {}
        for key in keys:
            if key in RULES and not override:
                raise ValueError(f"rule {key!r} is already registered; pass override=True")
            tail = key[-2:]
            table[key] = nd if nd is not None else (int(tail[0]) if tail[1:] == "d" and tail[0].isdigit() else 0)
            RULES[key] = cls
        cls.keys = {**cls.keys, **table} if cls.keys else table
        return cls

    return register


def make(key: str, *args: Any, **kwargs: Any) -> Rule:
    """Construct the rule for ``key`` with torch's constructor arguments: ``make("nn.Conv2d", 3, 96, 11)``."""
    if key not in RULES and "." not in key:
        key = f"nn.{key}"
    cls = RULES.get(key)
    if cls is None:
        import difflib

        close = difflib.get_close_matches(key, RULES, n=3)
        hint = f"did you mean {', '.join(close)}? " if close else ""
        raise UnsupportedError(f"{key} is not supported by symcnn yet",
                               fix=f"{hint}run `symcnn formula --list` for the supported layers")
    return cls(key, *args, **kwargs)
