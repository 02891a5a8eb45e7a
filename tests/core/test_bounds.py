"""symcnn.core.bounds.at_least and intarith.ge against brute force over a grid of admissible values."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st
from sympy import Integer, Mul, Symbol, lambdify
from sympy.logic.boolalg import BooleanFalse, BooleanTrue

from symcnn.core.bounds import at_least
from symcnn.core.intarith import FloorDiv, ge
from symcnn.core.symbols import D, H, K, L_in, P, S, W
from symcnn.rules.base import collecting, window

A = Symbol("A", integer=True, positive=True)
B = Symbol("B", integer=True, nonnegative=True)
SYMS = {A: 1, B: 0, H: 1}   # symbol -> lower bound
GRID = range(0, 31)


@st.composite
def polynomials(draw):
    terms = []
    for _ in range(draw(st.integers(0, 4), label="terms")):
        c = draw(st.integers(-5, 5).filter(bool), label="coefficient")
        mono = [x ** draw(st.integers(0, 2), label=f"power of {x}") for x in SYMS]
        terms.append(c * Mul(*mono))
    return sum(terms, Integer(draw(st.integers(-20, 20), label="constant")))


def values(p):
    syms = sorted(p.free_symbols, key=str)
    f = lambdify(syms, p, modules=[])  # plain Python integer arithmetic
    for point in itertools.product(*[[v for v in GRID if v >= SYMS[x]] for x in syms]):
        yield f(*point)


@given(polynomials(), st.integers(-10, 10))
def test_at_least_matches_brute_force(p, bound):
    verdict = at_least(p, bound)
    seen = {v >= bound for v in values(p)}
    if verdict is True:
        assert seen == {True}, (p, bound)
    elif verdict is False:
        assert seen == {False}, (p, bound)
    elif verdict is None:  # both possible: the grid is large enough to show it for these sizes
        assert seen == {True, False}, (p, bound)
    else:
        assert verdict is NotImplemented


@given(st.data())
def test_ge_matches_brute_force_and_sympy(data):
    a = data.draw(st.integers(-3, 3), label="a")
    b = data.draw(st.integers(-30, 30), label="b")
    m = data.draw(st.integers(1, 8), label="m")
    c = data.draw(st.integers(-3, 3), label="c")
    k = data.draw(st.integers(-2, 3), label="k")
    e = FloorDiv(a * H + b, m) + c
    got = ge(e, k)
    truth = {(a * h + b) // m + c >= k for h in range(1, 400)}
    if isinstance(got, BooleanTrue):
        assert truth == {True}
    elif isinstance(got, BooleanFalse):
        assert truth == {False}
    else:
        assert truth == {True, False} and got == (e >= k)
    sympy_says = e >= k
    if isinstance(sympy_says, (BooleanTrue, BooleanFalse)):
        assert got == sympy_says  # where SymPy decides, the answers agree


def test_general_formula_condition_is_left_open():
    with collecting() as conds:
        out = window(L_in, K, S, P, D)
    assert out == FloorDiv(L_in + 2 * P - D * (K - 1) - 1, S) + 1
    assert [str(c.holds) for c in conds] == [str(out >= 1)]


def test_decides_what_sympy_leaves_open():
    assert ge(FloorDiv(H + 1, 2), 1) is not None and bool(ge(FloorDiv(H + 1, 2), 1)) is True
    assert ge(FloorDiv(H * W + 3, 4), 1)  # ⌊(HW + 3)/4⌋ ≥ 1 since HW ≥ 1
    assert FloorDiv(-H, 4).is_nonnegative is False
    assert FloorDiv(H - 12, 4).is_nonnegative is None
