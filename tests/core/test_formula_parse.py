"""The restricted formula parser: exact SymPy from plain arithmetic, one clear error for anything else."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Integer, Max, Min, Rational, ceiling, floor

from symcnn.core.formula_parse import FormulaError, evaluate, parse_formula
from symcnn.core.intarith import to_canonical
from symcnn.core.symbols import H, W

SYMS = {"H": H, "W": W}


@pytest.mark.parametrize(("text", "expected"), [
    ("floor((H - 12)/4)", floor((H - 12) / 4)),
    ("⌊(H − 12)/4⌋", floor((H - 12) / 4)),
    ("⌈H/2⌉ · 3", 3 * ceiling(H / 2)),
    ("ceil(H/2)", ceiling(H / 2)),
    ("H^2 + W**2", H**2 + W**2),
    ("max(H, W) - Min(H, 3)", Max(H, W) - Min(H, 3)),
    ("(H - 11)//4 + 1", floor((H - 11) / 4) + 1),
    ("1/2", Rational(1, 2)),
    ("-H + +W", W - H),
    ("96 × 55 × 55", Integer(290400)),
    ("  34944 ", Integer(34944)),
])
def test_parses_to_the_exact_expression(text, expected):
    assert parse_formula(text, SYMS) == expected


def test_deep_parentheses_are_harmless():
    assert parse_formula("(" * 150 + "H" + ")" * 150, SYMS) == H


def test_equivalent_spellings_have_one_canonical_form():
    a = to_canonical(parse_formula("floor((H-4)/4) - 2", SYMS))
    b = to_canonical(parse_formula("floor((H-12)/4)", SYMS))
    c = to_canonical(parse_formula("floor((floor((H - 4)/2) - 4)/2)", SYMS))
    assert a == b == c


@pytest.mark.parametrize(("text", "message"), [
    ("__import__('os')", "formula \"__import__('os')\" calls __import__(), which is not allowed. Fix: only Max, "
                         "Min, ceil, ceiling, floor, max, min may be called"),
    ("__import__('os').system('ls')", "calls something that is not a plain function name, which is not allowed"),
    ("H.__class__", "formula 'H.__class__' contains attribute access, which is not allowed in a formula"),
    ("().__class__.__bases__[0]", "contains indexing"),
    ("().__class__", "contains attribute access"),
    ("H[0]", "contains indexing, which is not allowed"),
    ("lambda: 1", "contains a lambda"),
    ("eval('1')", "calls eval(), which is not allowed"),
    ("open('x')", "calls open(), which is not allowed"),
    ("floor(x=H)", "passes keyword or starred arguments to floor()"),
    ("floor(*H)", "passes keyword or starred arguments"),
    ("floor(H, 2)", "calls floor() with 2 arguments; it takes exactly 1"),
    ("max()", "calls max() with 0 arguments; it takes at least one"),
    ("H if H else W", "contains a conditional expression"),
    ("H > 2", "contains a comparison"),
    ("'H'", "contains the text 'H'; a formula has only whole numbers and the input symbols"),
    ("0.5*H", "contains the decimal number 0.5. Fix: use exact integers or fractions (1/2 instead of 0.5)"),
    ("H + Q", "uses the unknown symbol 'Q'. Fix: the input symbols are: H, W"),
    ("Hh + 1", "uses the unknown symbol 'Hh'. Fix: did you mean H?"),
    ("floor", "uses floor without calling it. Fix: write floor(...)"),
    ("H/0", "divides by zero"),
    ("H**H", "raises to the power H; only constant exponents 0..8 are allowed"),
    ("2**100", "raises to the power 100"),
    ("(H**4)**4", "nests powers up to degree 16; at most 8 is allowed"),
    ("1" * 31, "contains an integer that is too large"),
    ("(H", "does not parse: it has a ( that is never closed"),
    ("H)", "does not parse: it has a ) without its ("),
    ("3H", "does not parse: it has a number written against a name (write 3*H, not 3H)"),
    ("H +", "does not parse: it is neither a number nor arithmetic. Fix: write a whole number"),
    ("34,944", "contains commas, which is not allowed in a formula. Fix: a count is one number"),
    ("", "is empty"),
    ("   ", "is empty"),
    ("+".join(["H"] * 150), "is too large"),
    ("H" + "+1" * 300, "is longer than 400 characters"),
    ("floor(" * 70 + "H" + ")" * 70, "is longer than 400 characters"),
    ("[H, W]", "contains brackets [ ], which is not allowed"),
    ("{H}", "contains braces { }"),
    ("H and W", "contains a boolean operator (and, or)"),
    ("f'{H}'", "contains an f-string"),
    ("(yield)", "contains yield"),
    ("(x := 1)", "contains an assignment (:=)"),
    ("[c for c in ()]", "contains a loop (for ... in)"),
])
def test_rejects_everything_but_arithmetic(text, message):
    with pytest.raises(FormulaError) as e:
        parse_formula(text, SYMS)
    assert message in str(e.value)
    assert "\n" not in str(e.value)


def test_never_evaluates_user_text(tmp_path):
    marker = tmp_path / "ran"
    with pytest.raises(FormulaError):
        parse_formula(f"__import__('pathlib').Path('{marker}').touch()", SYMS)
    assert not marker.exists()


# --- evaluate: exact values at integer inputs, against Python's own integer arithmetic -------------

_ATOMS = st.sampled_from(["H", "W", "1", "2", "3", "7", "12"])


def _exprs():
    return st.recursive(_ATOMS, lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        st.tuples(inner, st.sampled_from(["2", "3", "4", "5"])).map(lambda t: f"floor({t[0]}/{t[1]})"),
        st.tuples(inner, st.sampled_from(["2", "3", "4"])).map(lambda t: f"ceil({t[0]}/{t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"max({t[0]}, {t[1]})"),
        st.tuples(inner, inner).map(lambda t: f"min({t[0]}, {t[1]})"),
    ), max_leaves=8)


def _python(text: str, h: int, w: int) -> int:
    """The same formula with Python integers only: floor(a/b) as a//b, ceil(a/b) as -(-a//b)."""
    import re

    src = re.sub(r"floor\(", "_floor(", text)
    src = re.sub(r"ceil\(", "_ceil(", src)
    env = {"H": Fraction(h), "W": Fraction(w), "_floor": math.floor, "_ceil": math.ceil, "max": max, "min": min}
    return eval(src, {"__builtins__": {}}, env)  # test oracle on generated text, never on user input


@settings(max_examples=60, deadline=None)
@given(text=_exprs(), h=st.integers(1, 300), w=st.integers(1, 300))
def test_evaluate_matches_python_arithmetic(text, h, w):
    e = parse_formula(text, SYMS)
    assert evaluate(e, {H: h, W: w}) == _python(text, h, w)
    c = to_canonical(e)
    assert evaluate(c, {H: h, W: w}) == _python(text, h, w), (text, c)
