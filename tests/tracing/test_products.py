"""The matrix products of the stand-in (tracing/products.py) against torch: output shapes and validity of
a @ b, matmul, mm, bmm, baddbmm, addmm, mv, dot and einsum on generated operands, and their MACs on
hand-checked cases."""

from __future__ import annotations

import random

import pytest

from symcnn.core.errors import SymcnnError
from symcnn.rules.base import collecting
from symcnn.tracing.products import einsum_plan, product

RNG = random.Random(21)


def _dims(n):
    return tuple(RNG.randint(1, 4) for _ in range(n))


def _cases(n=250):
    out = []
    for i in range(n):
        op = ("mm", "bmm", "baddbmm", "addmm", "mv", "dot", "matmul")[i % 7]
        k = RNG.randint(1, 4)
        bad = RNG.random() < 0.15
        if op in ("mm", "addmm"):
            a, b = (RNG.randint(1, 4), k), (k + bad, RNG.randint(1, 4))
        elif op in ("bmm", "baddbmm"):
            B = RNG.randint(1, 3)
            a, b = (B, RNG.randint(1, 4), k), (B + (bad and RNG.random() < 0.5), k + bad, RNG.randint(1, 4))
        elif op == "mv":
            a, b = (RNG.randint(1, 4), k), (k + bad,)
        elif op == "dot":
            a, b = (k,), (k + bad,)
        else:
            a, b = (*_dims(RNG.randint(0, 2)), k), (*_dims(RNG.randint(0, 2)), k + bad, RNG.randint(1, 3))
            if RNG.random() < 0.2:
                b = (k,)
            if RNG.random() < 0.2:
                a = (k,)
        bias = None
        if op in ("addmm", "baddbmm"):
            full = (a[0], b[-1]) if op == "addmm" else (a[0], a[1], b[-1])
            bias = RNG.choice([full, full[-1:], (1,) * len(full), (full[-1] + 1,), (2, *full)])
        out.append((op, a, b, bias))
    return out


CASES = _cases()


def _symcnn(op, a, b, bias):
    try:
        with collecting():
            r = product(op, a, b, bias)
    except SymcnnError as e:
        return ("error", str(e))
    return ("ok", tuple(int(v) for v in r.shape), int(r.macs))


@pytest.mark.parametrize(("op", "a", "b", "bias"), CASES)
def test_product_matches_torch(torch, op, a, b, bias):
    x, y = torch.rand(a), torch.rand(b)
    try:
        out = getattr(torch, op)(torch.rand(bias), x, y) if bias is not None else getattr(torch, op)(x, y)
        want = ("ok", tuple(out.shape))
    except RuntimeError as e:
        want = ("error", str(e))
    got = _symcnn(op, a, b, bias)
    assert got[0] == want[0], (op, a, b, bias, want, got)
    if got[0] == "ok":
        assert got[1] == want[1]


EINSUM = ["ij,jk->ik", "bij,bjk->bik", "ij,jk", "ij,ij->ij", "i,j->ij", "ii->i", "ij->ji", "ij,jk->", "...ij,...jk->...ik",
          "ba,b", "i...,i...->...", "bhld,bhsd->bhls", "ij,jk,kl->il", "abc,acd,ae->bde"]


@pytest.mark.parametrize("eq", EINSUM)
@pytest.mark.parametrize("seed", range(6))
def test_einsum_matches_torch(torch, eq, seed):
    rng = random.Random(seed)
    sizes = {c: rng.randint(1, 4) for c in "abcdehijklsm"}
    terms = eq.split("->")[0].split(",")
    shapes = []
    for t in terms:
        head, _, tail = t.partition("...")
        ell = tuple(rng.choice([1, 2, 3]) for _ in range(rng.randint(0, 2))) if "..." in t else ()
        shapes.append(tuple(sizes[c] for c in head) + ell + tuple(sizes[c] for c in tail))
    if rng.random() < 0.3:   # break one size
        i = rng.randrange(len(shapes))
        if shapes[i]:
            shapes[i] = (*shapes[i][:-1], shapes[i][-1] + 2)
    try:
        want = ("ok", tuple(torch.einsum(eq, *[torch.rand(s) for s in shapes]).shape))
    except RuntimeError:
        want = ("error",)
    try:
        with collecting():
            out = einsum_plan(eq, shapes)[0]
        got = ("ok", tuple(int(v) for v in out))
    except SymcnnError:
        got = ("error",)
    assert got == want, (eq, shapes)


@pytest.mark.parametrize(("eq", "shapes", "macs"), [
    ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)], 2 * 3 * 4 * 5),     # a batched matrix product
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)], 2 * 3 * 4 + 2 * 4 * 5),   # left to right: (ij,jk) then (ik,kl)
    ("i,j->ij", [(3,), (4,)], 0),                                # an outer product multiplies, sums nothing
    ("ij,jk->", [(3, 4), (4, 5)], 4),                            # i and k are summed first: a dot product over j
    ("ii->i", [(3, 3)], 0),
])
def test_einsum_macs(eq, shapes, macs):
    assert einsum_plan(eq, shapes)[4] == macs


def test_product_macs():
    assert product("bmm", (2, 3, 4), (2, 4, 5)).macs == 120
    assert product("matmul", (2, 1, 5, 6), (1, 3, 6, 7)).macs == 2 * 3 * 5 * 6 * 7   # broadcast batch
    assert product("matmul", (5, 6), (6,)).macs == 30 and product("dot", (7,), (7,)).macs == 7
    assert product("addmm", (5, 6), (6, 7), (7,)).macs == 210
