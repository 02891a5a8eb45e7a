"""Matrix products of the stand-in: ``a @ b``, matmul, mm, bmm, baddbmm, addmm, mv, dot and einsum, as
tensor methods (the ProductMethods mixin of SymTensor) and ``torch.*`` functions (``torch_products``).

Each call is one step keyed as written ("torch.bmm", "Tensor.baddbmm"; ``a @ b`` is "torch.matmul" via
"tensor") with torch's shape checks and its MACs: mm n·k·m, bmm and baddbmm B·n·k·m, addmm n·k·m,
mv n·k, dot k, matmul the broadcast product |out|·k; einsum contracts left to right as torch does
(without opt_einsum): an operand's labels that no other operand and not the output use are summed
first, then each pair costs the product of its labels' sizes when it sums a label (a pure
outer or elementwise product is a multiplication, 0 MACs). ``Result.detail`` keeps the operands
("a", "b", "bias") or the einsum labels for the counting conventions.
Owns: product, einsum_plan, einsum_result, ProductMethods, torch_products.
Never: record steps (SymTensor._product does), import torch or hold data.
"""

from __future__ import annotations

from math import prod
from typing import Any

from sympy import Eq, Integer

from ..core.errors import RuleError, TraceError
from ..core.fmt import text
from ..rules.base import Result, fmt_shape, require
from ..rules.common import broadcast
from . import record as rec
from .indexing import matmul_macs, matmul_shape


def _rank(t: tuple, n: int, op: str, what: str) -> None:
    if len(t) != n:
        raise RuleError(f"{op}: {what} must be {n}-D, got a {len(t)}-D tensor of shape {fmt_shape(t)}",
                        fix=f"give {what} {n} dims")


def _inner(a: tuple, b: tuple, i: int, j: int, op: str) -> None:
    require(Eq(a[i], b[j]), f"{op}: shapes {fmt_shape(a)} and {fmt_shape(b)} cannot be multiplied "
            f"({text(a[i])} vs {text(b[j])})", fix="transpose or reshape an operand")


def _fits(bias: tuple, out: tuple, op: str) -> None:
    """torch expands addmm/baddbmm's input to the output's shape: it must broadcast to it unchanged."""
    if len(bias) > len(out):
        raise RuleError(f"{op}: input {fmt_shape(bias)} has more dims than the product {fmt_shape(out)}",
                        fix="give input the product's shape or one that broadcasts to it")
    got = broadcast(bias, out, op)
    for g, o in zip(got, out):
        require(Eq(g, o), f"{op}: input {fmt_shape(bias)} does not broadcast to {fmt_shape(out)}",
                fix="give input the product's shape or one that broadcasts to it")


def product(op: str, a: tuple, b: tuple, bias: tuple | None = None) -> Result:
    """Shape, MACs and operands of one product op (mm, bmm, baddbmm, addmm, mv, dot, matmul)."""
    if op in ("mm", "addmm"):
        _rank(a, 2, op, "mat1" if op == "addmm" else "self")
        _rank(b, 2, op, "mat2")
        _inner(a, b, 1, 0, op)
        out, macs = (a[0], b[1]), a[0] * a[1] * b[1]
    elif op in ("bmm", "baddbmm"):
        _rank(a, 3, op, "batch1" if op == "baddbmm" else "self")
        _rank(b, 3, op, "batch2" if op == "baddbmm" else "mat2")
        require(Eq(a[0], b[0]), f"{op}: the batch sizes differ ({text(a[0])} vs {text(b[0])})",
                fix="give both operands the same batch size (bmm does not broadcast)")
        _inner(a, b, 2, 1, op)
        out, macs = (a[0], a[1], b[2]), a[0] * a[1] * a[2] * b[2]
    elif op == "mv":
        _rank(a, 2, op, "self")
        _rank(b, 1, op, "vec")
        _inner(a, b, 1, 0, op)
        out, macs = (a[0],), a[0] * a[1]
    elif op == "dot":
        _rank(a, 1, op, "self")
        _rank(b, 1, op, "tensor")
        _inner(a, b, 0, 0, op)
        out, macs = (), a[0]
    else:
        out = matmul_shape(a, b)
        macs = matmul_macs(a, out)
    if bias is not None:
        _fits(bias, out, op)
    detail = {"a": a, "b": b} if bias is None else {"a": a, "b": b, "bias": bias}
    return Result(out, macs, detail=detail)


# --- einsum -----------------------------------------------------------------------------------------

def _labels(eq: str, shapes: list) -> tuple[list[list[str]], list[str]]:
    """Each operand's labels with "..." expanded into numbered labels (right-aligned), and the output's."""
    eq = eq.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) != len(shapes):
        raise RuleError(f"einsum: the equation {eq!r} has {len(terms)} operands but {len(shapes)} were given",
                        fix="give one operand per term")
    spans = []
    for term, shape in zip(terms, shapes):
        letters = term.replace("...", "")
        if not all(c.isalpha() for c in letters) or term.count("...") > 1:
            raise RuleError(f"einsum: invalid subscripts {term!r}", fix="use letters and at most one '...'")
        n = len(shape) - len(letters)
        if n < 0 or (n > 0 and "..." not in term):
            raise RuleError(f"einsum: {term!r} does not fit an operand of shape {fmt_shape(shape)}",
                            fix="give one letter per dim (or '...')")
        spans.append(n)
    ell = max(spans, default=0)
    ops = []
    for term, n in zip(terms, spans):
        head, _, tail = term.partition("...")
        ops.append([*head, *(f"...{ell - n + i}" for i in range(n)), *tail] if "..." in term else list(term))
    dots = [f"...{i}" for i in range(ell)]
    if arrow:
        if not all(c.isalpha() for c in rhs.replace("...", "")):
            raise RuleError(f"einsum: invalid output subscripts {rhs!r}", fix="use letters and '...'")
        head, has, tail = rhs.partition("...")
        out = [*head, *(dots if has else ()), *tail]
    else:
        once = sorted(c for c in set(lhs) if c.isalpha() and lhs.count(c) == 1)
        out = [*dots, *once]
    for c in out:
        if not c.startswith("...") and not any(c in o for o in ops):
            raise RuleError(f"einsum: output subscript {c} appears in no operand", fix="use the operands' letters")
    return ops, out


def einsum_plan(eq: str, shapes: list) -> tuple[tuple, dict, list[list[str]], list[str], Any]:
    """(output shape, label sizes, operand labels, output labels, MACs) of torch.einsum(eq, *operands)."""
    ops, out = _labels(eq, shapes)
    sizes: dict[str, Any] = {}
    for labels, shape in zip(ops, shapes):
        seen: dict[str, Any] = {}
        for c, n in zip(labels, shape):
            if c in seen:
                require(Eq(seen[c], n), f"einsum: subscript {c} is repeated in an operand with different sizes "
                        f"({text(seen[c])} vs {text(n)})", fix="repeat a subscript only over equal dims")
            seen[c] = n
            if c not in sizes or sizes[c] == 1:
                sizes[c] = n
            elif n != 1 and n != sizes[c]:
                require(Eq(sizes[c], n), f"einsum: subscript {c.lstrip('.')} has size {text(n)} which does not "
                        f"broadcast with {text(sizes[c])}", fix="give the same letter the same size")
    # torch sums a label that only one operand and not the output has before contracting
    counts = {c: sum(c in set(o) for o in ops) for c in sizes}
    reduced = [[c for c in dict.fromkeys(o) if counts[c] > 1 or c in out] for o in ops]
    macs = Integer(0)
    cur = set(reduced[0])
    for i, labels in enumerate(reduced[1:], 1):
        keep = set(out).union(*(set(o) for o in reduced[i + 1:]))
        both = cur | set(labels)
        if (cur & set(labels)) - keep:
            macs += prod((sizes[c] for c in both), start=Integer(1))
        cur = both & keep
    return tuple(sizes[c] for c in out), sizes, ops, out, macs


def einsum(eq: Any, *operands: Any) -> Any:
    """torch.einsum(equation, *operands), also with a list of operands or the sublist form."""
    if not isinstance(eq, str):   # einsum(a, [0, 1], b, [1, 2], [0, 2]): the sublist form
        eq, operands = _sublists((eq, *operands))
    if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
        operands = tuple(operands[0])
    if not operands or not all(hasattr(t, "_shape") for t in operands):
        raise TraceError("torch.einsum needs tensors as operands", fix="pass tensors").located(rec.where())
    return operands[0]._einsum(eq.replace(" ", ""), operands)


def einsum_result(eq: str, shapes: list) -> Result:
    out, sizes, ops, labels, macs = einsum_plan(eq, shapes)
    return Result(out, macs, detail={"equation": eq, "operands": tuple(shapes), "labels": ops, "output": labels,
                                     "sizes": sizes})


def _sublists(args: tuple) -> tuple[str, tuple]:
    ops, terms = [], []
    items = list(args)
    out = items.pop() if len(items) % 2 else None

    def letters(sub):
        return "".join("..." if s is Ellipsis else chr(97 + s) for s in sub)
    for t, sub in zip(items[::2], items[1::2]):
        ops.append(t)
        terms.append(letters(sub))
    eq = ",".join(terms) + (f"->{letters(out)}" if out is not None else "")
    return eq, tuple(ops)


class ProductMethods:
    """Mixin of SymTensor: ``@``, matmul, mm, bmm, baddbmm, addmm, mv, dot (``_key`` tells ``torch.mm(a, b)``
    from ``a.mm(b)``)."""

    __slots__ = ()

    def __matmul__(self, other, *, _key: str | None = None):
        return self._product(_key or "torch.matmul", "matmul", self, other, via="functional" if _key else "tensor")

    def matmul(self, o, *, _key="Tensor.matmul"): return self._product(_key, "matmul", self, o)
    def mm(self, o, *, _key="Tensor.mm"): return self._product(_key, "mm", self, o)
    def bmm(self, o, *, _key="Tensor.bmm"): return self._product(_key, "bmm", self, o)
    def mv(self, o, *, _key="Tensor.mv"): return self._product(_key, "mv", self, o)
    def dot(self, o, *, _key="Tensor.dot"): return self._product(_key, "dot", self, o)

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1, _key="Tensor.baddbmm"):
        return self._product(_key, "baddbmm", batch1, batch2, self)

    def addmm(self, mat1, mat2, *, beta=1, alpha=1, _key="Tensor.addmm"):
        return self._product(_key, "addmm", mat1, mat2, self)


def torch_products() -> dict[str, Any]:
    """``torch.matmul``, ``torch.mm``, ..., ``torch.einsum``, keyed "torch.<name>"."""
    def form(name: str):
        def fn(input: Any, *args: Any, out: Any = None, **kwargs: Any) -> Any:
            return getattr(input, name)(*args, _key=f"torch.{name}", **kwargs)
        fn.__name__ = name
        return fn

    forms = {n: form(n) for n in ("matmul", "mm", "bmm", "mv", "dot", "baddbmm", "addmm")}
    forms["einsum"] = einsum
    return forms
