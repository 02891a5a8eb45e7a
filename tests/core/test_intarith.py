"""Property tests of symcnn.core.intarith: every FloorDiv rewrite against brute force.

The brute force is the un-simplified nested expression evaluated with Python integers (``//`` is
floor division) or exact fractions, at every integer input in a range. ``value`` walks the SymPy
tree itself, so it never relies on FloorDiv.eval to check FloorDiv.eval.
"""

from __future__ import annotations

from fractions import Fraction
from math import ceil, floor

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sympy import Add, Integer, Max, Min, Mul, Pow, Rational, Symbol, sympify
from sympy import ceiling as sp_ceiling
from sympy import floor as sp_floor

from symcnn.core.errors import RuleError
from symcnn.core.intarith import FloorDiv, canon, to_canonical
from symcnn.core.symbols import H, W
from symcnn.rules.base import collecting, window

X = Symbol("X", integer=True)          # any integer, negative too
Y = Symbol("Y", integer=True)
R = Symbol("R", real=True)             # a real, for the rules that hold for reals
XS = range(-200, 201)
SMALL = range(-12, 13)


def value(e, env: dict) -> Fraction:
    """Exact value of an expression tree of integers, rationals, symbols, +, ·, FloorDiv, Min, Max."""
    if e.is_Symbol:
        return Fraction(env[e])
    if e.is_Rational:
        return Fraction(int(e.p), int(e.q))
    if isinstance(e, FloorDiv):
        return Fraction(floor(value(e.args[0], env) / value(e.args[1], env)))
    if isinstance(e, Add):
        return sum((value(a, env) for a in e.args), Fraction(0))
    if isinstance(e, Mul):
        out = Fraction(1)
        for a in e.args:
            out *= value(a, env)
        return out
    if isinstance(e, Pow) and e.exp.is_Integer:
        return value(e.base, env) ** int(e.exp)
    if isinstance(e, (Min, Max)):
        vals = [value(a, env) for a in e.args]
        return min(vals) if isinstance(e, Min) else max(vals)
    if isinstance(e, sp_floor):
        return Fraction(floor(value(e.args[0], env)))
    if isinstance(e, sp_ceiling):
        return Fraction(ceil(value(e.args[0], env)))
    raise AssertionError(f"value(): unexpected node {e!r}")


def floors_in(e) -> list:
    return [a for a in e.atoms(FloorDiv)] if hasattr(e, "atoms") else []


def nested(e) -> bool:
    """True when a FloorDiv has another FloorDiv inside its numerator."""
    return any(f.args[0].has(FloorDiv) for f in floors_in(e))


coef = st.integers(-9, 9).filter(bool)
const = st.integers(-60, 60)
den = st.integers(1, 12)


# --- rule 1: pull out terms whose coefficient is a multiple of den ---
@given(st.data())
def test_rule1_pulls_out_multiples(data):
    m = data.draw(st.integers(2, 12), label="den")
    q = data.draw(coef, label="multiple")
    a = data.draw(coef, label="coefficient of Y")
    r = data.draw(const, label="constant")
    e = FloorDiv(q * m * X + a * Y + r, m)
    for f in floors_in(e):  # nothing left inside whose coefficient is a multiple of its den
        for t in Add.make_args(f.args[0]):
            c, rest = t.as_coeff_Mul()
            assert not (rest.free_symbols and int(c) % int(f.args[1]) == 0), e
    for x in range(-40, 41, 3):
        for y in SMALL:
            assert value(e, {X: x, Y: y}) == (q * m * x + a * y + r) // m, (e, x, y)


# --- rule 2: a common factor of every coefficient and den divides out ---
@given(st.data())
def test_rule2_common_factor(data):
    g = data.draw(st.integers(2, 7), label="common factor")
    n = data.draw(st.integers(1, 9), label="den / g")
    a = data.draw(coef, label="coefficient / g")
    r = data.draw(const, label="constant")
    e = FloorDiv(g * a * X + r, g * n)
    for f in floors_in(e):
        coeffs = [t.as_coeff_Mul()[0] for t in Add.make_args(f.args[0]) if t.free_symbols]
        from math import gcd

        assert gcd(int(f.args[1]), *map(int, coeffs)) == 1, e
    for x in XS:
        assert value(e, {X: x}) == (g * a * x + r) // (g * n), (e, x)


# --- rule 3: nested composition ---
@given(st.data())
def test_rule3_nested_composition(data):
    a = data.draw(coef, label="a")
    b = data.draw(const, label="b")
    c = data.draw(const, label="c")
    m = data.draw(den, label="m")
    n = data.draw(den, label="n")
    e = FloorDiv(FloorDiv(a * X + b, m) + c, n)
    assert e == FloorDiv(a * X + b + c * m, m * n)  # the stated identity, structurally
    assert not nested(e), e
    for x in XS:
        assert value(e, {X: x}) == ((a * x + b) // m + c) // n, (e, x)


@given(st.data())
def test_rule3_holds_for_reals(data):
    b = data.draw(const, label="b")
    c = data.draw(const, label="c")
    m = data.draw(den, label="m")
    n = data.draw(den, label="n")
    e = FloorDiv(FloorDiv(R + b, m) + c, n)
    assert not nested(e), e
    for num in range(-80, 81, 7):
        r = Fraction(num, 7)
        assert value(e, {R: r}) == floor((floor((r + b) / m) + c) / n), (e, r)


def test_no_integer_shortcut_for_reals():
    assert FloorDiv(R, 1) != R
    assert value(FloorDiv(R, 1), {R: Fraction(5, 2)}) == 2
    assert FloorDiv(X, 1) == X


@given(st.data())
def test_deep_nesting_composes(data):
    depth = data.draw(st.integers(1, 30), label="depth")
    steps = [(data.draw(const, label="c"), data.draw(st.integers(1, 4), label="m")) for _ in range(depth)]
    e, brute = X, lambda x: x
    for c, m in steps:
        e = FloorDiv(e + c, m)
        brute = (lambda f, c, m: lambda x: (f(x) + c) // m)(brute, c, m)
    assert not nested(e), e
    for x in range(-200, 201, 5):
        assert value(e, {X: x}) == brute(x)
        assert e.xreplace({X: x}) == brute(x)


# --- canon: an additive constant goes into the floor ---
@given(st.data())
def test_canon_absorbs_constant(data):
    a = data.draw(coef, label="a")
    b = data.draw(const, label="b")
    c = data.draw(const, label="c")
    m = data.draw(st.integers(2, 12), label="m")
    extra = data.draw(st.integers(-3, 3), label="coefficient of Y outside")
    e = canon(FloorDiv(a * X + b, m) + c + extra * Y)
    assert e == canon(FloorDiv(a * X + b + c * m, m) + extra * Y)
    if a % m:  # a genuine floor stays: the constant is inside it
        assert e.as_coeff_add()[0] == 0, e
    for x in range(-60, 61):
        for y in (-2, 0, 3):
            assert value(e, {X: x, Y: y}) == (a * x + b) // m + c + extra * y


def test_canon_leaves_other_forms():
    two = FloorDiv(H, 2) + FloorDiv(W, 3) + 1
    assert canon(two) == two
    assert canon(2 * FloorDiv(H, 3) + 1) == 2 * FloorDiv(H, 3) + 1
    assert canon(H + 4) == H + 4
    assert canon(7) == 7


# --- display: ⌊(X + m − 1)/m⌋ shown as ⌈X/m⌉; the printed string parses back to the same value ---
@given(st.data())
def test_printed_string_parses_back(data):
    a = data.draw(coef, label="a")
    b = data.draw(const, label="b")
    m = data.draw(st.integers(2, 12), label="m")
    c = data.draw(st.integers(-3, 3), label="outside constant")
    e = FloorDiv(a * X + b, m) * (1 + abs(c)) + c
    back = sympify(str(e), locals={"X": X})
    for x in range(-100, 101):
        assert value(back, {X: x}) == value(e, {X: x}) == ((a * x + b) // m) * (1 + abs(c)) + c


@pytest.mark.parametrize(("e", "shown"), [
    (FloorDiv(H + 31, 32), "ceiling(H/32)"),
    (FloorDiv(H - 12, 4), "floor((H - 12)/4)"),
    (FloorDiv(H - 35, 32), "floor((H - 35)/32)"),
    (FloorDiv(H + 1, 2), "ceiling(H/2)"),
    (FloorDiv(H, 2), "floor(H/2)"),
    (FloorDiv(-H, 3), "floor((-H)/3)"),
    (FloorDiv(H + W + 3, 4), "ceiling((H + W)/4)"),
])
def test_display(e, shown):
    assert str(e) == shown
    for h in range(1, 80):
        assert sympify(shown, locals={"H": H, "W": W}).xreplace({H: h, W: 5}) == e.xreplace({H: h, W: 5})


# --- to_canonical: SymPy floor/ceiling become FloorDiv ---
@st.composite
def sympy_floors(draw, depth=0):
    """A random expression with SymPy's own floor/ceiling of rational-linear arguments."""
    kind = draw(st.sampled_from(["linear", "floor", "ceiling", "sum"] if depth < 3 else ["linear"]),
                label="kind")
    if kind == "linear":
        a = draw(st.integers(-6, 6), label="a")
        return a * X + draw(const, label="b")
    inner = draw(sympy_floors(depth + 1))
    if kind == "sum":
        return inner + draw(sympy_floors(depth + 1)) * draw(st.integers(-2, 2), label="k")
    q = draw(st.integers(1, 9), label="q")
    arg = (inner + draw(const, label="c")) / q
    return sp_floor(arg) if kind == "floor" else sp_ceiling(arg)


@given(sympy_floors())
def test_to_canonical(expr):
    e = to_canonical(expr)
    assert not e.has(sp_floor) and not e.has(sp_ceiling), e
    for x in range(-120, 121, 3):
        assert value(e, {X: x}) == value(expr, {X: x}), (expr, e, x)


def test_to_canonical_examples():
    assert to_canonical(sp_floor(H / 4) - 3) == FloorDiv(H - 12, 4)
    assert str(to_canonical(sp_ceiling(H / 32))) == "ceiling(H/32)"
    assert to_canonical(sp_floor((sp_floor((H - 1) / 2) + 1) / 2)) == FloorDiv(H + 1, 4)
    S = Symbol("S", integer=True, positive=True)
    assert to_canonical(sp_floor(H / S)) == FloorDiv(H, S)
    assert to_canonical(sp_ceiling(H / S)) == FloorDiv(H + S - 1, S)
    half = to_canonical(sp_ceiling(R / 2))  # R real: ⌈R/2⌉ is not ⌊(R + 1)/2⌋
    for r in (Fraction(1, 2), Fraction(-3, 4), Fraction(3), Fraction(7, 3)):
        assert value(half, {R: r}) == ceil(r / 2), (half, r)


# --- chains of conv/pool windows: the composed closed form equals step-by-step evaluation ---
def torch_window(L: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's output length, written the way its docs state it, in Python integers."""
    eff = d * (k - 1) + 1
    if not ceil_mode:
        return (L + 2 * p - eff) // s + 1
    out = -(-(L + 2 * p - eff) // s) + 1
    if (out - 1) * s >= L + p:
        out -= 1
    return out


window_args = st.tuples(st.integers(1, 7), st.integers(1, 4), st.integers(0, 3), st.integers(1, 3),
                        st.booleans())


@given(st.data())
def test_window_chain(data):
    windows = data.draw(st.lists(window_args, min_size=1, max_size=8), label="windows (k, s, p, d, ceil)")
    size = H
    with collecting():
        for k, s, p, d, cm in windows:
            size = window(size, Integer(k), Integer(s), Integer(min(p, k // 2)), Integer(d), ceil_mode=cm)
    assert not nested(size), size
    checked = 0
    for h in range(1, 301):
        L, ok = h, True
        for k, s, p, d, cm in windows:
            L = torch_window(L, k, s, min(p, k // 2), d, cm)
            ok = ok and L >= 1
        if not ok:
            continue  # torch rejects this input size; symcnn records the condition instead
        got = size.xreplace({H: Integer(h)})  # a bare symbol would give back the raw int
        assert isinstance(got, Integer), (size, h)
        assert got == L, (windows, size, h)
        checked += 1
    assert checked or len(windows) > 1 or windows[0][0] > 1


def test_window_chain_1000_is_one_floor():
    size = H
    with collecting():
        for i in range(1000):
            size = window(size, Integer(3), Integer(2 if i % 50 == 0 else 1), Integer(1))
    assert size == FloorDiv(H + 2**20 - 1, 2**20)
    assert str(size) == "ceiling(H/1048576)"


# --- products and sums of floors, several symbols, negative coefficients ---
@given(st.data())
def test_products_and_sums(data):
    def lin(label):
        return (data.draw(coef, label=f"{label}: a"), data.draw(st.integers(-3, 3), label=f"{label}: b·W"),
                data.draw(const, label=f"{label}: c"), data.draw(den, label=f"{label}: m"))

    f1, f2, f3 = lin("first"), lin("second"), lin("third")
    k = data.draw(st.integers(-4, 4), label="k")

    def sym(a, b, c, m):
        return FloorDiv(a * H + b * W + c, m)

    def brute(h, w, a, b, c, m):
        return (a * h + b * w + c) // m

    e = canon(sym(*f1) * sym(*f2) + k * sym(*f3) + 3)
    for h in range(1, 60, 2):
        for w in (1, 7, 30):
            got = e.xreplace({H: h, W: w})
            assert isinstance(got, Integer), e
            assert got == brute(h, w, *f1) * brute(h, w, *f2) + k * brute(h, w, *f3) + 3


# --- rational coefficients, negative and rational denominators, numbers ---
@given(st.data())
def test_rationals_and_negative_dens(data):
    a = Rational(data.draw(coef, label="a.p"), data.draw(st.integers(1, 6), label="a.q"))
    b = Rational(data.draw(const, label="b.p"), data.draw(st.integers(1, 6), label="b.q"))
    d = Rational(data.draw(coef, label="den.p"), data.draw(st.integers(1, 6), label="den.q"))
    e = FloorDiv(a * X + b, d)
    for f in floors_in(e):
        assert f.args[1].is_Integer and f.args[1] > 0, e
        assert all(t.as_coeff_Mul()[0].is_Integer for t in Add.make_args(f.args[0])), e
    for x in range(-100, 101):
        exact = (Fraction(a.p, a.q) * x + Fraction(b.p, b.q)) / Fraction(d.p, d.q)
        assert value(e, {X: x}) == floor(exact), (e, x)
        assert e.xreplace({X: x}) == floor(exact)


def test_numbers():
    assert FloorDiv(7, 2) == 3 and FloorDiv(-7, 2) == -4 and FloorDiv(7, -2) == -4
    assert FloorDiv(Rational(7, 2), 1) == 3
    assert FloorDiv(Integer(227) - 12, 4) == 53
    with pytest.raises(RuleError, match="by zero"):
        FloorDiv(H, 0)


def test_symbolic_den_stays():
    S = Symbol("S", integer=True, positive=True)
    e = FloorDiv(FloorDiv(H, S) + 1, 2)
    assert e.args[1] == 2 and isinstance(e.args[0].args[-1], FloorDiv)
    assert e.xreplace({H: 10, S: 3}) == 2


def test_sizes_are_integer_and_nonnegative_when_num_is():
    assert FloorDiv(H, 2).is_integer
    assert FloorDiv(H + 3, 2).is_nonnegative
    assert FloorDiv(H - 12, 4).is_nonnegative is None
