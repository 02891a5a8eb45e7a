"""symcnn.core.fmt: the Unicode text, LaTeX, exact SymPy string, thousands separators and JSON values."""

from __future__ import annotations

import json

import pytest
from sympy import Integer, Rational, Symbol, sympify

from symcnn.core import fmt
from symcnn.core.intarith import FloorDiv
from symcnn.core.symbols import H, W

S = Symbol("S", integer=True, positive=True)
MNIST = FloorDiv(H - 12, 4)


@pytest.mark.parametrize(("e", "text", "latex"), [
    (MNIST, "⌊(H − 12)/4⌋", r"\left\lfloor \frac{H - 12}{4} \right\rfloor"),
    (FloorDiv(H + 31, 32), "⌈H/32⌉", r"\left\lceil \frac{H}{32} \right\rceil"),
    (FloorDiv(H - 35, 32), "⌊(H − 35)/32⌋", r"\left\lfloor \frac{H - 35}{32} \right\rfloor"),
    (20 * MNIST * FloorDiv(W - 12, 4), "20·⌊(H − 12)/4⌋·⌊(W − 12)/4⌋",
     r"20 \cdot \left\lfloor \frac{H - 12}{4} \right\rfloor \cdot "
     r"\left\lfloor \frac{W - 12}{4} \right\rfloor"),
    (FloorDiv(-H, 3), "⌊(−H)/3⌋", r"\left\lfloor \frac{- H}{3} \right\rfloor"),
    (FloorDiv(H, S), "⌊H/S⌋", r"\left\lfloor \frac{H}{S} \right\rfloor"),
    (FloorDiv(H + 2 * S - 1, S) + 1, "⌊(H + 2·S − 1)/S⌋ + 1",
     r"\left\lfloor \frac{H + 2 \cdot S - 1}{S} \right\rfloor + 1"),
    (FloorDiv(H, 2) >= 1, "⌊H/2⌋ ≥ 1", r"\left\lfloor \frac{H}{2} \right\rfloor \geq 1"),
    (3 - 2 * H, "3 − 2·H", r"3 - 2 \cdot H"),
    (H**2, "H^2", "H^{2}"),
    (Rational(1, 2) * H, "H/2", r"\frac{H}{2}"),
])
def test_text_and_latex(e, text, latex):
    assert fmt.text(e) == text
    assert fmt.latex(e) == latex


@pytest.mark.parametrize("e", [MNIST, FloorDiv(H + 31, 32), 20 * MNIST * FloorDiv(W - 12, 4),
                               FloorDiv(-H + 5, 3) - 2 * H, FloorDiv(H + W + 3, 4)])
def test_sympy_str_parses_back(e):
    s = fmt.sympy_str(e)
    back = sympify(s, locals={"H": H, "W": W})
    for h in range(1, 70, 3):
        for w in (1, 13, 50):
            assert back.xreplace({H: h, W: w}) == e.xreplace({H: h, W: w}), (s, h, w)


def test_sympy_str_exact():
    assert fmt.sympy_str(MNIST) == "floor((H - 12)/4)"
    assert fmt.sympy_str(FloorDiv(H + 31, 32)) == "ceiling(H/32)"


@pytest.mark.parametrize(("e", "shown"), [
    (62378344, "62,378,344"), (Integer(25557032), "25,557,032"), (0, "0"), (999, "999"),
    (-1234, "-1,234"), (4089184256, "4,089,184,256"), (MNIST, "⌊(H − 12)/4⌋"),
])
def test_number(e, shown):
    assert fmt.number(e) == shown


def test_jsonable():
    assert fmt.jsonable(62378344) == 62378344 and type(fmt.jsonable(Integer(7))) is int
    assert fmt.jsonable(MNIST) == "floor((H - 12)/4)"
    assert fmt.jsonable(MNIST.xreplace({H: 28})) == 4
    doc = json.loads(json.dumps({"h": fmt.jsonable(MNIST), "n": fmt.jsonable(Integer(20) * 16)}))
    assert doc == {"h": "floor((H - 12)/4)", "n": 320}


def test_every_character_of_the_rules_docs_typesets_in_pdflatex():
    """docs of the rules reach LaTeX through tex_escape (formula --latex, docs): pdflatex's default fonts
    know ASCII only, so every other character the rule files use must be mapped to LaTeX."""
    from pathlib import Path

    from symcnn.core.filters import tex_escape

    rules = Path(__file__).resolve().parents[2] / "symcnn" / "rules"
    chars = {ch for p in rules.glob("*.py") for ch in p.read_text(encoding="utf-8") if ord(ch) > 127}
    assert {ch for ch in chars if any(ord(c) > 127 for c in tex_escape(ch))} == set()
