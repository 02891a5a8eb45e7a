"""Shape arithmetic of tensor operations on symbolic sizes: broadcasting, view/reshape with -1,
indexing and slicing, chunk/split, matmul.

Owns: sym and py (a size as SymPy / as the user sees it), view_shape, index_shape, slice_starts, chunk_sizes, split_sizes, matmul_shape,
matmul_macs (pure functions of shapes); broadcasting itself is rules.common.broadcast (rules use it too).
Never: record steps (tensor.py does) or hold data.
"""

from __future__ import annotations

from math import prod
from numbers import Integral
from typing import Any

from sympy import Basic, Eq, Integer, Mod, sympify

from ..core.errors import RuleError, TraceError, UnsupportedError
from ..core.fmt import text
from ..core.intarith import FloorDiv, to_canonical
from ..rules.base import require
from ..rules.common import broadcast
from .record import where


def sym(v: Any) -> Basic:
    """A size as a canonical SymPy expression (ints, SymPy floor/ceiling from user arithmetic)."""
    if hasattr(v, "_shape") and not isinstance(v, Basic):   # a SymTensor
        raise TraceError("a tensor was used where a size is expected",
                         fix="use x.size(i) or x.shape[i] for sizes").located(where())
    if isinstance(v, Basic):
        return to_canonical(v)
    if isinstance(v, bool) or not isinstance(v, Integral):   # Integral: int, numpy.int64, ...
        raise RuleError(f"size {v!r} is not an integer", fix="give sizes as ints")
    return Integer(int(v))


def py(v: Basic) -> Any:
    """A size as the user sees it: a Python int when numeric, else the SymPy expression."""
    return int(v) if v.is_Integer else v


def _slice_len(n, s: slice, axis: int):
    step = sym(1 if s.step is None else s.step)
    if not (step.is_Integer and step > 0):
        raise RuleError(f"slice step {s.step} must be a positive integer", fix="use a step >= 1")
    if n.is_Integer and all(v is None or isinstance(v, int) for v in (s.start, s.stop)):
        return Integer(len(range(*s.indices(int(n)))))
    a_raw = Integer(0) if s.start is None else sympify(s.start)
    b_raw = n if s.stop is None else sympify(s.stop)
    a_raw = a_raw + n if a_raw.is_Integer and a_raw < 0 else a_raw
    b_raw = b_raw + n if b_raw.is_Integer and b_raw < 0 else b_raw
    a, b = sym(a_raw), sym(b_raw)
    require(a >= 0, f"slice start {text(a)} of dim {axis} must not be negative", fix="check the crop offsets")
    require(b <= n, f"slice stop {text(b)} of dim {axis} must not exceed its size {text(n)}",
            fix="crop inside the tensor")
    # the user's own expressions are subtracted first, so (dy + th) - dy cancels to th
    length = sym(b_raw - a_raw)
    require(length >= 0, f"slice {text(a)}:{text(b)} of dim {axis} has a negative length",
            fix="check the crop bounds")
    return FloorDiv(length + step - 1, step) if step != 1 else length


def index_shape(shape: tuple, index) -> tuple:
    """Shape of x[index] for ints, slices, None, Ellipsis and one integer index tensor."""
    idx = index if isinstance(index, tuple) else (index,)
    used = sum(1 for i in idx if i is not None and i is not Ellipsis)
    if used > len(shape):
        raise RuleError(f"too many indices for a {len(shape)}-D tensor: {used} were given",
                        fix="index at most one entry per dim")
    if any(i is Ellipsis for i in idx):    # never `Ellipsis in idx`: it compares an index tensor (mask == ...)
        k = next(j for j, i in enumerate(idx) if i is Ellipsis)
        idx = idx[:k] + (slice(None),) * (len(shape) - used) + idx[k + 1:]
    out, axis = [], 0
    for i in idx:
        if i is None:
            out.append(Integer(1))
            continue
        n = shape[axis]
        if isinstance(i, slice):
            out.append(_slice_len(n, i, axis))
        elif isinstance(i, int) and not isinstance(i, bool):
            if n.is_Integer and not -n <= i < n:
                raise RuleError(f"index {i} is out of bounds for dim {axis} with size {n}",
                                fix=f"use an index in [{-n}, {n - 1}]")
        elif hasattr(i, "_shape") and not isinstance(i, Basic):   # an index tensor: its shape replaces the axis
            if getattr(i, "_dtype", "") == "bool":
                raise TraceError("indexing with a bool mask keeps a number of entries that depends on data",
                                 fix="use torch.where(mask, x, y) or masked_fill, which keep the shape")
            if sum(hasattr(j, "_shape") for j in idx) > 1:
                raise UnsupportedError("indexing with several index tensors is not supported by symcnn yet",
                                       fix="index one dimension at a time")
            out.extend(i._shape)
        else:
            raise UnsupportedError(f"indexing with {type(i).__name__} is not supported by symcnn yet",
                                   fix="use ints, slices, None, ... or an integer index tensor")
        axis += 1
    return tuple(out) + tuple(shape[axis:])


def slice_starts(shape: tuple, index) -> tuple:
    """Per input axis of x[index]: (start, step) of the slice that keeps it, None where an integer
    removes it (the offsets receptive fields need; index_shape has validated the index)."""
    idx = index if isinstance(index, tuple) else (index,)
    used = sum(1 for i in idx if i is not None and i is not Ellipsis)
    if any(i is Ellipsis for i in idx):    # never `Ellipsis in idx`: it compares an index tensor (mask == ...)
        k = next(j for j, i in enumerate(idx) if i is Ellipsis)
        idx = idx[:k] + (slice(None),) * (len(shape) - used) + idx[k + 1:]
    out = []
    for i in (i for i in idx if i is not None):
        if not isinstance(i, slice):
            out.append(None)
            continue
        n, step = shape[len(out)], sym(1 if i.step is None else i.step)
        if n.is_Integer and all(v is None or isinstance(v, int) for v in (i.start, i.stop)):
            start = Integer(range(*i.indices(int(n))).start)
        else:
            start = Integer(0) if i.start is None else sympify(i.start)
            start = sym(start + n if start.is_Integer and start < 0 else start)
        out.append((start, step))
    out += [(Integer(0), Integer(1))] * (len(shape) - len(out))
    return tuple(out)


def chunk_sizes(n, chunks: int) -> list:
    if n.is_Integer:
        each = -(-int(n) // chunks)
        sizes = [each] * (int(n) // each) + ([int(n) % each] if int(n) % each else [])
        return sizes
    require(Eq(Mod(n, chunks), 0), f"chunk({chunks}) of a dim of size {text(n)} gives equal pieces only "
            f"when {chunks} divides it", fix="use a size divisible by the number of chunks")
    return [FloorDiv(n, chunks)] * chunks   # = n/chunks under the constraint, and integer-valued


def split_sizes(n, split_size) -> list:
    if isinstance(split_size, (list, tuple)):
        require(Eq(sum(split_size), n), f"split sizes {list(split_size)} must sum to the dim size {text(n)}",
                fix="make the sizes add up")
        return list(split_size)
    if n.is_Integer:
        k = int(split_size)
        return [k] * (int(n) // k) + ([int(n) % k] if int(n) % k else [])

    raise TraceError(f"split({split_size}) of a dim of symbolic size {text(n)} gives an unknown "
                     "number of pieces", fix="pass that size as a number (--input), or give the sizes "
                     "as a list")


def view_shape(src: tuple, target: tuple, op: str) -> tuple:
    """torch's view/reshape shape inference, with -1 solved symbolically."""
    target = tuple(sym(v) for v in target)
    total = prod(src, start=Integer(1))
    free = [i for i, v in enumerate(target) if v == -1]
    if len(free) > 1:
        raise RuleError(f"{op}: only one dimension can be inferred (-1)", fix="give the other sizes")
    known = prod((v for v in target if v != -1), start=Integer(1))
    shown = "[" + ", ".join(str(v) if v.is_Integer else text(v) for v in target) + "]"
    if not free:
        require(Eq(total, known), f"{op}: shape {shown} is invalid for input of size {text(total)}",
                fix="make the product of the sizes equal the number of elements")
        return target
    i = free[0]
    if total.is_Integer and known.is_Integer:
        if known == 0 or total % known:
            raise RuleError(f"{op}: shape {shown} is invalid for input of size {total}",
                            fix="make the product of the sizes divide the number of elements")
        return target[:i] + (total // known,) + target[i + 1:]
    if i == 0 and len(src) > 1 and len(target) > 1:
        per_sample = prod(src[1:], start=Integer(1))
        same = Eq(per_sample, known)
        if same is not sympify(False):
            require(same, f"{op}: the input has {text(per_sample)} values per sample but the view "
                    f"needs {text(known)}", fix="pass input sizes that give this many features, or "
                    "use x.view(x.size(0), -1)")
            return (src[0],) + target[1:]
    q = to_canonical(total / known)
    if q.is_integer is not True and known.is_Integer:
        q = FloorDiv(total, known)           # = total/known under the constraint below
    if q.is_integer is not True or isinstance(q, FloorDiv):
        require(Eq(Mod(total, known), 0), f"{op}: shape {shown} needs the {text(total)} elements "
                f"to be divisible by {text(known)}", fix="choose sizes that divide the element count")
    return target[:i] + (q,) + target[i + 1:]


def matmul_shape(a: tuple, b: tuple) -> tuple:
    if not a or not b:
        raise RuleError("matmul: both arguments need at least 1 dim", fix="use tensors, not scalars")
    a2 = (Integer(1),) + a if len(a) == 1 else a
    b2 = b + (Integer(1),) if len(b) == 1 else b
    require(Eq(a2[-1], b2[-2]), f"matmul: shapes {tuple(map(text, a))} and {tuple(map(text, b))} cannot be "
            f"multiplied ({text(a2[-1])} vs {text(b2[-2])})", fix="transpose or reshape an operand")
    batch = broadcast(a2[:-2], b2[:-2], "matmul")
    out = batch + ((a2[-2],) if len(a) > 1 else ()) + ((b2[-1],) if len(b) > 1 else ())
    return out


def matmul_macs(a: tuple, out: tuple):
    """Multiply-accumulates of ``a @ b``: each of the |out| outputs is a dot product over a's last dim."""
    return prod(out, start=Integer(1)) * a[-1]
