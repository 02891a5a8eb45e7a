"""How each counting tool counts the matrix products of tracing/products.py: a @ b, matmul, mm, bmm,
baddbmm, addmm, mv, dot and einsum, by the key the call was written with ("torch.bmm", "Tensor.bmm";
a @ b is "torch.matmul" via "tensor"), and numpy's einsum_path cost that fvcore and calflops use.

Owns: PRODUCTS (tool name -> entries), numpy_einsum_cost, sci4. Never: import torch, numpy or a tool.
"""

from __future__ import annotations

from itertools import combinations
from math import prod

from sympy import Function, Integer, floor, nan, sympify

from ..rules.base import numel
from .base import Count, zero
from .ops import Op

MATMUL = ("torch.matmul", "Tensor.matmul")
MM, BMM = ("torch.mm", "Tensor.mm"), ("torch.bmm", "Tensor.bmm")
ADDMM, BADDBMM = ("torch.addmm", "Tensor.addmm"), ("torch.baddbmm", "Tensor.baddbmm")
MV, DOT, EINSUM = ("torch.mv", "Tensor.mv"), ("torch.dot", "Tensor.dot"), ("torch.einsum",)
ALL = (*MATMUL, *MM, *BMM, *ADDMM, *BADDBMM, *MV, *DOT, *EINSUM)


class sci4(Function):  # noqa: N801 -- printed as a function name
    """A number rounded to 4 significant digits as numpy prints einsum costs ('%.3e'); stays a function
    of a symbolic cost until the sizes are numbers."""

    @classmethod
    def eval(cls, x):
        if x.is_Integer:
            return Integer(int(float("%.3e" % int(x))))
        return None


def _d(op: Op) -> dict:
    return op.step.result.detail


def _naive(op: Op):
    """prod(a.shape)·b.shape[-1]: what most tools' matmul formula gives (an undercount when b broadcasts)."""
    return numel(_d(op)["a"]) * _d(op)["b"][-1]


def _vec(op: Op) -> bool:
    return len(_d(op)["b"]) == 1


def _addmm(op: Op):
    return numel(_d(op)["a"]) * _d(op)["b"][-1] + numel(_d(op)["bias"])


def _aten_matmul(op: Op):
    """aten lowers matmul to mm/bmm (the true MACs) but a matrix-vector product to aten.mv (not counted)."""
    return Integer(0) if _vec(op) else op.plain


def numpy_einsum_cost(op: Op):
    """numpy.einsum_path(optimize='optimal')'s 'Optimized FLOP count': 1 + Σ over its contractions of
    prod(sizes of the labels involved)·(max(1, terms − 1) + 1 if a label is summed)."""
    d = _d(op)
    sizes, out = {k: sympify(v) for k, v in d["sizes"].items()}, set(d["output"])
    sets = [set(o) for o in d["labels"]]

    def cost(contract, removed, terms):
        return prod((sizes[c] for c in contract), start=Integer(1)) * (max(1, terms - 1) + (1 if removed else 0))

    def step(positions, inputs):
        contract = set().union(*(inputs[i] for i in positions))
        rest = [s for i, s in enumerate(inputs) if i not in positions]
        keep = out.union(*rest) & contract
        return cost(contract, contract - keep, len(positions)), [*rest, keep]

    if len(sets) <= 2 or set(sizes) == out:
        return 1 + step(tuple(range(len(sets))), sets)[0]
    if any(not v.is_Integer for v in sizes.values()):
        return nan   # numpy's path search compares costs: numbers only
    limit = max(prod((sizes[c] for c in s), start=Integer(1)) for s in [*sets, out])
    best = [(Integer(0), sets)]
    for _ in range(len(sets) - 1):
        found = []
        for total, inputs in best:
            for pair in combinations(range(len(inputs)), 2):
                c, rest = step(pair, inputs)
                if prod((sizes[x] for x in rest[-1]), start=Integer(1)) <= limit:
                    found.append((total + c, rest))
        if not found:
            total, inputs = min(best, key=lambda t: t[0])
            return 1 + total + step(tuple(range(len(inputs))), inputs)[0]
        best = found
    return 1 + min(t for t, _ in best)


def _canonical(eq: str) -> str:
    letters = list(dict.fromkeys(c for c in eq if c.isalpha()))
    return eq.translate({ord(c): 97 + i for i, c in enumerate(letters)})


def _fv_einsum(op: Op):
    d = _d(op)
    a, b = d["operands"][0], d["operands"][-1]
    eq = _canonical(d["equation"])
    if eq == "abc,abd->acd":
        return a[0] * a[1] * a[2] * b[-1]
    if eq == "abc,adc->adb":
        return a[0] * a[1] * a[2] * b[1]
    return floor(sci4(numpy_einsum_cost(op)) / 2)


_NP = ("numpy's einsum_path(optimize='optimal') 'Optimized FLOP count' F = 1 + Σ prod(label sizes)·(2 if a label "
       "is summed else 1) over its contractions, printed with 4 significant digits")
PRODUCTS: dict[str, dict[str, Count]] = {
    "fvcore": {
        **{k: Count("prod(a.shape)·b.shape[-1] (aten::matmul / aten::mm); a matrix times a vector crashes its "
                    "handle (IndexError)", lambda op: nan if _vec(op) else _naive(op),
                    bug="fvcore's matmul handle undercounts a broadcast b and crashes on a matrix-vector product",
                    when=lambda op: _vec(op) or _naive(op) != op.plain) for k in (*MATMUL, *MM)},
        **{k: Count("B·n·k·m (aten::bmm)", lambda op: op.plain) for k in BMM},
        **{k: Count("n·k·m (aten::addmm), the added input ignored", lambda op: op.plain) for k in ADDMM},
        **{k: zero("0: fvcore has no handle for aten::baddbmm / mv / dot") for k in (*BADDBMM, *MV, *DOT)},
        "torch.einsum": Count(f"'abc,abd->acd' and 'abc,adc->adb' (letters renamed in order) a·b·c·d; any other "
                              f"equation ⌊F/2⌋, F {_NP}", _fv_einsum,
                              bug="fvcore rounds other einsum equations to 4 significant digits"),
    },
    "ptflops": {
        **{k: Count("prod(a.shape)·b.shape[-1] (patched)", _naive) for k in (*MATMUL[1:], *MM, *BMM)},
        **{k: Count("prod(mat1.shape)·mat2.shape[-1] + numel(input) (patched)", _addmm)
           for k in (*ADDMM, "torch.baddbmm")},
        **{k: zero("0: not patched by ptflops (Tensor.baddbmm, mv, dot, einsum)")
           for k in ("Tensor.baddbmm", *MV, *DOT, *EINSUM)},
    },
    "ptflops-aten": {
        **{k: Count("the true MACs of aten mm/bmm; a matrix-vector product is aten.mv: 0", _aten_matmul)
           for k in (*MATMUL, *MM, *BMM)},
        **{k: Count("n·k·m + n·m: aten.addmm with its bias", lambda op: op.plain + numel(op.y)) for k in ADDMM},
        **{k: zero("0: aten.baddbmm / mv / dot are not counted") for k in (*BADDBMM, *MV, *DOT)},
        "torch.einsum": Count("the MACs of the aten.bmm torch lowers each pairwise contraction to (an outer "
                              "product is aten.mul: 0)", lambda op: op.plain),
    },
    "calflops": {
        **{k: Count("prod(mat1.shape)·mat2.shape[-1] (patched)", _naive) for k in (*ADDMM, "torch.baddbmm")},
        **{k: zero("0: calflops does not patch mm, bmm, Tensor.baddbmm, mv, dot; einsum has FLOPs only")
           for k in (*MM, *BMM, "Tensor.baddbmm", *MV, *DOT, *EINSUM)},
    },
    "calflops-flops": {
        **{k: Count("2·prod(mat1.shape)·mat2.shape[-1] + numel(input)", lambda op: _addmm(op) + _naive(op))
           for k in (*ADDMM, "torch.baddbmm")},
        **{k: zero("0: calflops does not patch mm, bmm, Tensor.baddbmm, mv, dot") for k in
           (*MM, *BMM, "Tensor.baddbmm", *MV, *DOT)},
        "torch.einsum": Count(f"int(F), F {_NP}", lambda op: sci4(numpy_einsum_cost(op)),
                              bug="calflops counts einsum from numpy's rounded path cost"),
    },
}


def table(tool: str) -> dict[str, Count]:
    return PRODUCTS.get(tool, {})


__all__ = ["ALL", "PRODUCTS", "numpy_einsum_cost", "sci4", "table"]
