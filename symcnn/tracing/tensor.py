"""SymTensor: the tensor of the torch stand-in. A shape of SymPy sizes plus the step that made it.

Owns: SymTensor and Size, the shape arithmetic of tensor methods (view/reshape with -1, flatten,
squeeze/unsqueeze, permute/transpose, reductions, slicing, broadcasting ops, matmul, chunk/split)
and their recording as steps (via ``record``); the activation and elementwise methods
(``x.relu()``, ``x.exp()``) come from ``methods``.
Never: hold data, import torch, or know which model is traced (tracer.py does).
"""

from __future__ import annotations

from collections.abc import Sequence
from math import prod
from typing import Any

from sympy import Basic, Integer

from ..core.errors import RuleError, SymcnnError, TraceError, UnsupportedError
from ..core.fmt import text
from ..rules.base import RULES, collecting, fmt_shape, make
from . import record as rec
from .calls import outputs, shapes_of, tensors_in
from .indexing import broadcast, py, sym, view_shape
from .methods import ActivationMethods, in_place
from .products import ProductMethods
from .values import ValueMethods, promote


class Size(tuple):
    """torch.Size: a tuple of sizes (ints, or SymPy expressions for symbolic sizes)."""

    def numel(self):
        return prod(self, start=1)

    def __repr__(self) -> str:
        return f"torch.Size([{', '.join(str(v) for v in self)}])"


def _dim(d: int, n: int, op: str) -> int:
    if not isinstance(d, int) or not -max(n, 1) <= d < max(n, 1):
        raise RuleError(f"{op}: dim {d} is out of range for a {n}-D tensor",
                        fix=f"use a dim in [{-n}, {n - 1}]")
    return d % max(n, 1)


def _sizes(args: tuple) -> tuple:
    """view(2, 3), view((2, 3)), view(torch.Size(...)) -> (2, 3)."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)


def emit(key: str, inputs: Sequence[SymTensor], shape: Sequence, *, via: str = "tensor",
         rule=None, result=None, conditions=(), note=None, module_id=None, first_call=True,
         name: str | None = None, made_at=None, dtype: str | None = None) -> SymTensor:
    """Make the output tensor of an op and record it as a step (when the tracer is recording); its
    dtype is the first input's unless given."""
    out = tuple(shape) if result is not None else tuple(sym(v) for v in shape)
    parents = tuple(t.step for t in inputs if t.step is not None)
    idx = rec.record(key, name or key.removeprefix("Tensor."), via, tuple(t._shape for t in inputs),
                     out, rule=rule, result=result, parents=parents, module_id=module_id,
                     first_call=first_call, note=note, conditions=tuple(conditions), made_at=made_at)
    return SymTensor(out, idx, dtype or (inputs[0]._dtype if inputs else "float32"))


def layer_dtype(rule: Any, x: SymTensor) -> str:
    """The dtype of a layer's output, after the dtype checks torch makes of its input (raises RuleError)."""
    integer = not x._dtype.startswith(("float", "bfloat", "complex"))
    if rule.takes == "indices":
        if not integer:
            raise RuleError(f"input is a {x._dtype} tensor, but an embedding looks up integer indices",
                            fix="pass integer indices (--input SHAPE:long, or x.long())")
        return "float32"
    if integer and rule.weights != 0:
        raise RuleError(f"input is an {x._dtype} tensor, but the layer's weights are floating point (torch "
                        "raises a dtype error)", fix="pass a floating-point tensor (x.float())")
    return x._dtype


def run(key: str, rule, input: SymTensor, more: tuple = (), call: dict | None = None, *, label: str,
        where=None, **record: Any) -> Any:
    """Apply a configured rule to ``input`` and the further arguments of the call (more tensors, a
    tuple (h_0, c_0), masks, flags), record the step and return torch's output structure."""
    call = call or {}
    try:
        result = rule(input._shape, *(shapes_of(v) for v in more), **{k: shapes_of(v) for k, v in call.items()})
        dtype = layer_dtype(rule, input)
    except SymcnnError as e:
        raise e.located(rec.where() or where, label) from None
    out = emit(key, [input, *tensors_in(more), *tensors_in(call)], result.shape, rule=rule, result=result,
               dtype=dtype, **record)
    return outputs(result, out)


def apply(fkey: str, modkey: str, input: Any, *args: Any, owned: bool = True, more: tuple = (),
          call: dict | None = None, **kwargs: Any) -> Any:
    """Run the rule ``modkey`` (built with torch's constructor args) as the functional op ``fkey``;
    ``more`` and ``call`` are the op's further tensor arguments (positional, keyword)."""
    if not isinstance(input, SymTensor):
        raise TraceError(f"{fkey} was called with a {type(input).__name__}, not a tensor",
                         fix="pass a tensor").located(rec.where())
    if RULES.get(modkey) is None:
        raise UnsupportedError(f"{fkey} is not supported by symcnn yet",
                               fix="run `symcnn formula --list` for the supported layers").located(rec.where())
    try:
        rule = make(modkey, *args, **kwargs)
    except SymcnnError as e:
        raise e.located(rec.where(), fkey) from None
    return run(fkey, rule, input, more, call, label=fkey, via="functional", first_call=owned, name=fkey)


def checked(fn, *args):
    """Run a shape computation; undecided ``require``s are returned, false ones raise located."""
    try:
        with collecting() as conds:
            out = fn(*args)
    except RuleError as e:
        raise e.located(rec.where()) from None
    return out, tuple(conds)


class SymTensor(ActivationMethods, ValueMethods, ProductMethods):
    """A tensor with a symbolic shape and no data; ``step`` is the index of the step that made it
    (-1: the model input; None: made outside the recorded forward pass)."""

    __slots__ = ("_dtype", "_shape", "requires_grad", "step")
    __array_priority__ = 1000
    device = "cpu"
    is_cuda = False

    def __init__(self, shape: Sequence, step: int | None = None, dtype: str = "float32"):
        self._shape = tuple(v if isinstance(v, Basic) else sym(v) for v in shape)
        self.step = step
        self._dtype = dtype
        self.requires_grad = False

    _torch_function = None   # while a live torch model is traced: tracing.torchfn.dispatch
    _torch_dtype = None      # ... and the real torch dtype of a dtype name (what user code compares with)

    @property
    def dtype(self):
        """The dtype: its name (``"float32"``), or torch's own dtype object while a live model is traced."""
        return self._dtype if SymTensor._torch_dtype is None else SymTensor._torch_dtype(self._dtype)


    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        """Real torch's functions called with symbolic tensors (a live model): the stand-in answers."""
        if cls._torch_function is None:
            raise UnsupportedError(f"{getattr(func, '__name__', func)} of real torch on a symbolic tensor "
                                   "outside a trace", fix="call it inside symcnn.trace(model, ...)")
        return cls._torch_function(func, args, kwargs)

    def _apply_rule(self, key: str, modkey: str, **kwargs: Any) -> SymTensor:
        """Run the module rule ``modkey`` on this tensor as the op ``key`` (the methods of methods.py)."""
        return apply(key, modkey, self, **kwargs)

    # --- sizes ---
    @property
    def shape(self) -> Size:
        return Size(py(v) for v in self._shape)

    def size(self, dim: int | None = None):
        return self.shape if dim is None else py(self._shape[_dim(dim, len(self._shape), "size")])

    def dim(self) -> int:
        return len(self._shape)

    ndim = property(dim)

    def numel(self):
        return py(prod(self._shape, start=Integer(1)))

    nelement = numel

    def __len__(self) -> int:
        v = self.size(0)
        if not isinstance(v, int):
            raise TraceError(f"len() of a tensor with symbolic size {text(v)}",
                             fix="pass the size as a number (--input)").located(rec.where())
        return v

    def __repr__(self) -> str:
        return f"SymTensor({fmt_shape(self._shape)})"

    grad = None

    def _spawn(self, shape: Sequence, dtype: str) -> SymTensor:
        """A new tensor (no step) of this shape and dtype: x.new_zeros(...), a comparison's mask."""
        return SymTensor(shape, None, dtype)

    def _retyped(self, dtype: str) -> SymTensor:
        """This tensor as another dtype (x.long()): the same step, so it is no layer of its own."""
        return self if dtype == self._dtype else SymTensor(self._shape, self.step, dtype)

    def __iter__(self):
        return iter([self[i] for i in range(len(self))])

    # --- no-ops: same tensor ---
    def _same(self, *args, **kwargs) -> SymTensor:
        return self

    contiguous = detach = clone = cpu = cuda = pin_memory = _same
    requires_grad_ = retain_grad = neg = __neg__ = __pos__ = __abs__ = _same
    # in-place fills (weight initialisation): same tensor, same shape
    zero_ = normal_ = fill_ = uniform_ = copy_ = random_ = bernoulli_ = exponential_ = log_normal_ = _same
    cauchy_ = geometric_ = masked_fill_ = index_fill_ = clamp_min_ = clamp_max_ = _same

    # --- reshaping ---
    def _reshape(self, key: str, *shape) -> SymTensor:
        op = f"{key.split('.')[-1]}({', '.join(map(str, _sizes(shape)))})"
        out, conds = checked(view_shape, self._shape, _sizes(shape), op)
        return emit(key, [self], out, conditions=conds)

    def view(self, *shape) -> SymTensor:
        return self._reshape("Tensor.view", *shape)

    def reshape(self, *shape) -> SymTensor:
        return self._reshape("Tensor.reshape", *shape)

    def view_as(self, other: SymTensor) -> SymTensor:
        return self._reshape("Tensor.view", *other._shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1, *, _key: str = "Tensor.flatten") -> SymTensor:
        n = len(self._shape)
        if n == 0:
            return emit(_key, [self], (1,))
        a, b = _dim(start_dim, n, "flatten"), _dim(end_dim, n, "flatten")
        s = self._shape
        return emit(_key, [self], s[:a] + (prod(s[a:b + 1], start=Integer(1)),) + s[b + 1:])

    def squeeze(self, dim=None) -> SymTensor:
        s, n = self._shape, len(self._shape)
        given = dim if isinstance(dim, (tuple, list)) else [dim]
        dims = range(n) if dim is None else [_dim(d, n, "squeeze") for d in given]
        drop = {d for d in dims if s[d] == 1}
        return emit("Tensor.squeeze", [self], [v for i, v in enumerate(s) if i not in drop])

    def unsqueeze(self, dim: int) -> SymTensor:
        s = list(self._shape)
        s.insert(_dim(dim, len(s) + 1, "unsqueeze"), Integer(1))
        return emit("Tensor.unsqueeze", [self], s)

    def permute(self, *dims) -> SymTensor:
        dims = [_dim(d, len(self._shape), "permute") for d in _sizes(dims)]
        if sorted(dims) != list(range(len(self._shape))):
            raise RuleError(f"permute{tuple(dims)}: dims must be a permutation of 0..{len(self._shape) - 1}",
                            fix="list every dim once").located(rec.where())
        return emit("Tensor.permute", [self], [self._shape[d] for d in dims])

    def transpose(self, d0: int, d1: int) -> SymTensor:
        n, s = len(self._shape), list(self._shape)
        a, b = _dim(d0, n, "transpose"), _dim(d1, n, "transpose")
        s[a], s[b] = s[b], s[a]
        return emit("Tensor.transpose", [self], s)

    def t(self) -> SymTensor:
        return self.transpose(0, 1) if len(self._shape) == 2 else self

    def expand(self, *sizes) -> SymTensor:
        sizes = _sizes(sizes)
        s = (Integer(1),) * (len(sizes) - len(self._shape)) + self._shape
        return emit("Tensor.expand", [self], [o if n == -1 else n for o, n in zip(s, sizes)])

    def expand_as(self, other: SymTensor) -> SymTensor:
        return self.expand(*other._shape)

    def repeat(self, *sizes) -> SymTensor:
        sizes = _sizes(sizes)
        s = (Integer(1),) * (len(sizes) - len(self._shape)) + self._shape
        return emit("Tensor.repeat", [self], [o * sym(n) for o, n in zip(s, sizes)])

    # --- reductions ---
    def _reduce(self, key: str, dim=None, keepdim: bool = False) -> SymTensor:
        n, s = len(self._shape), self._shape
        if dim is None:
            return emit(key, [self], [Integer(1)] * n if keepdim else [])
        dims = {_dim(d, n, key) for d in (dim if isinstance(dim, (tuple, list)) else [dim])}
        out = [Integer(1) if i in dims else v for i, v in enumerate(s) if keepdim or i not in dims]
        return emit(key, [self], out)

    def mean(self, dim=None, keepdim=False, **kw):
        return self._reduce("Tensor.mean", dim, keepdim)

    def sum(self, dim=None, keepdim=False, **kw):
        return self._reduce("Tensor.sum", dim, keepdim)

    def amax(self, dim=(), keepdim=False):
        return self._reduce("Tensor.amax", dim if dim != () else None, keepdim)

    def amin(self, dim=(), keepdim=False):
        return self._reduce("Tensor.amin", dim if dim != () else None, keepdim)

    def std(self, dim=None, keepdim=False, **kw):
        return self._reduce("Tensor.std", dim, keepdim)

    def var(self, dim=None, keepdim=False, **kw):
        return self._reduce("Tensor.var", dim, keepdim)

    def max(self, dim=None, keepdim=False):
        return self._minmax("Tensor.max", dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return self._minmax("Tensor.min", dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return self._reduce("Tensor.argmax", dim, keepdim)

    def _minmax(self, key, dim, keepdim):
        if isinstance(dim, SymTensor):
            return self._binary(dim, key.split(".")[-1] + "imum")
        out = self._reduce(key, dim, keepdim)
        return out if dim is None else (out, SymTensor(out._shape, out.step))

    # --- indexing ---
    def __getitem__(self, index) -> SymTensor:
        from .indexing import index_shape

        out, conds = checked(index_shape, self._shape, index)
        gathered = any(isinstance(i, SymTensor) for i in (index if isinstance(index, tuple) else (index,)))
        t = emit("Tensor.__getitem__", [self], out, conditions=conds, name="getitem")
        s = rec.session()
        if s is not None and t.step is not None and t.step >= 0 and not gathered:   # crop offsets, for rf.py
            from .indexing import slice_starts

            s.steps[t.step].slices = slice_starts(self._shape, index)
        return t

    def chunk(self, chunks: int, dim: int = 0):
        from .indexing import chunk_sizes

        size = self._shape[_dim(dim, len(self._shape), "chunk")]
        return self._pieces("Tensor.chunk", dim, *checked(chunk_sizes, size, chunks))

    def split(self, split_size, dim: int = 0):
        from .indexing import split_sizes

        size = self._shape[_dim(dim, len(self._shape), "split")]
        return self._pieces("Tensor.split", dim, *checked(split_sizes, size, split_size))

    def _pieces(self, key, dim, sizes, conds=()):
        d = _dim(dim, len(self._shape), key)
        return tuple(emit(key, [self], self._shape[:d] + (sym(n),) + self._shape[d + 1:],
                          conditions=conds if i == 0 else ()) for i, n in enumerate(sizes))

    # --- arithmetic ---
    def _binary(self, other, op: str, swap: bool = False, key: str | None = None) -> SymTensor:
        """An elementwise binary op. ``key`` tells an explicit call (``Tensor.add``, ``torch.add``:
        some FLOPs counters count those) from the operator (``a + b``: key ``add``)."""
        if not isinstance(other, SymTensor) and hasattr(other, "shape") and hasattr(other, "dtype"):
            other = SymTensor(tuple(int(n) for n in other.shape), None, str(other.dtype).removeprefix("torch."))
        if not isinstance(other, SymTensor):   # a real tensor or array (a constant of a live model): its shape
            if isinstance(other, (int, float, Basic)):
                return self if isinstance(other, int) or self._dtype.startswith("float") \
                    else self._retyped(promote(self._dtype, None))
            what = f"{op} of a tensor and {type(other).__name__} is not supported by symcnn yet"
            raise UnsupportedError(what, fix="use tensors or numbers").located(rec.where())
        a, b = (other, self) if swap else (self, other)
        out, conds = checked(broadcast, a._shape, b._shape, op)
        made = emit(key or op, [a, b], out, conditions=conds, name=op)
        made._dtype = promote(a._dtype, b._dtype)
        return made

    def __add__(self, o): return self._binary(o, "add")
    def __radd__(self, o): return self._binary(o, "add", True)
    def __sub__(self, o): return self._binary(o, "sub")
    def __rsub__(self, o): return self._binary(o, "sub", True)
    def __mul__(self, o): return self._binary(o, "mul")
    def __rmul__(self, o): return self._binary(o, "mul", True)
    def __truediv__(self, o): return self._binary(o, "div")
    def __rtruediv__(self, o): return self._binary(o, "div", True)
    def __pow__(self, o): return self._binary(o, "pow")
    def pow(self, o): return self._binary(o, "pow")
    __iadd__, __isub__, __imul__, __itruediv__ = __add__, __sub__, __mul__, __truediv__

    def add(self, o, *, _key="Tensor.add"): return self._binary(o, "add", key=_key)
    def sub(self, o, *, _key="Tensor.sub"): return self._binary(o, "sub", key=_key)
    def mul(self, o, *, _key="Tensor.mul"): return self._binary(o, "mul", key=_key)
    def div(self, o, *, _key="Tensor.div"): return self._binary(o, "div", key=_key)
    def add_(self, o, *a, **k): return in_place(self, self.add(o))   # the same step as x.add(o), on x
    def sub_(self, o, *a, **k): return in_place(self, self.sub(o))
    def mul_(self, o): return in_place(self, self.mul(o))
    def div_(self, o, **k): return in_place(self, self.div(o))
    def maximum(self, o): return self._binary(o, "maximum")
    def minimum(self, o): return self._binary(o, "minimum")

    def _product(self, key: str, op: str, a: Any, b: Any, bias: Any = None, *, via: str = "functional") -> SymTensor:
        """A matrix product (products.py): its shape checks, MACs and operands, recorded as one step."""
        from .products import product

        for t in (a, b) if bias is None else (bias, a, b):
            if not isinstance(t, SymTensor):
                raise TraceError(f"{key} needs tensors, got a {type(t).__name__}",
                                 fix="pass tensors").located(rec.where())
        res, conds = checked(product, op, a._shape, b._shape, None if bias is None else bias._shape)
        return emit(key, [a, b] if bias is None else [bias, a, b], res.shape, result=res, conditions=conds,
                    via=via, name=op if via == "functional" else "matmul")

    def _einsum(self, eq: str, operands: tuple) -> SymTensor:
        from .products import einsum_result

        res, conds = checked(einsum_result, eq, [t._shape for t in operands])
        return emit("torch.einsum", list(operands), res.shape, result=res, conditions=conds, name="einsum",
                    via="functional")

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        raise UnsupportedError(f"Tensor.{name} is not supported by symcnn yet",
                               fix="use a supported tensor operation").located(rec.where())
