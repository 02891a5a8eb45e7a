"""The LaTeX of templates/equations.toml as MathML (symcnn.core.texmath): each construct it reads gives
the element a browser lays out, every equation symcnn ships converts and parses as MathML, and a
command it does not know is an error, never wrong maths."""

from __future__ import annotations

import tomllib

import pytest
from htmlcheck import MATHML, check_page

from symcnn.core.render import template_root
from symcnn.core.texmath import mathml


@pytest.mark.parametrize(("tex", "expected"), [
    ("h_{t-1}", "<msub><mi>h</mi><mrow><mi>t</mi><mo>−</mo><mn>1</mn></mrow></msub>"),
    ("W_q^{\\top}", "<msubsup><mi>W</mi><mi>q</mi><mo>⊤</mo></msubsup>"),
    ("\\frac{E}{n_h}", "<mfrac><mi>E</mi><msub><mi>n</mi><mi>h</mi></msub></mfrac>"),
    ("\\sqrt{d_h}", "<msqrt><msub><mi>d</mi><mi>h</mi></msub></msqrt>"),
    ("\\sigma\\left(x\\right)", "<mrow><mi>σ</mi><mo>(</mo><mi>x</mi><mo>)</mo></mrow>"),
    ("\\operatorname{softmax}(x)", "<mrow><mi>softmax</mi><mo>(</mo><mi>x</mi><mo>)</mo></mrow>"),
    ("\\mathrm{d}", '<mi mathvariant="normal">d</mi>'),
    ("\\text{MACs} = 2", "<mrow><mtext>MACs</mtext><mo>=</mo><mn>2</mn></mrow>"),
    ("x,\\quad y", '<mrow><mi>x</mi><mo>,</mo><mspace width="1em"></mspace><mi>y</mi></mrow>'),
    ("\\begin{bmatrix} a \\\\ b \\end{bmatrix}",
     "<mrow><mo>[</mo><mtable><mtr><mtd><mi>a</mi></mtd></mtr><mtr><mtd><mi>b</mi></mtd></mtr></mtable><mo>]</mo></mrow>"),
    ("a < b", "<mrow><mi>a</mi><mo>&lt;</mo><mi>b</mi></mrow>"),
])
def test_constructs(tex, expected):
    assert mathml(tex) == expected


def test_every_shipped_equation_is_mathml():
    with (template_root() / "equations.toml").open("rb") as f:
        eqs = tomllib.load(f)
    formulas = [e for v in eqs["latex"].values() for e in v] + list(eqs["term_latex"].values())
    assert len(formulas) > 40
    page = "<!DOCTYPE html>\n<html lang=en><head><title>t</title></head><body><h1>t</h1>" + "".join(
        f"<p><math>{mathml(e)}</math></p>" for e in formulas) + "</body></html>"
    root = check_page("equations", page)
    assert len(root.findall(f".//{MATHML}math")) == len(formulas)
    assert len(root.findall(f".//{MATHML}mtable")) == 6     # W_ih and W_hh of lstm, lstm_proj and gru


@pytest.mark.parametrize(("tex", "what"), [("\\foo x", "\\foo"), ("\\begin{align} a \\end{align}", "align"),
                                            ("{a", "end of"), ("a}", "unbalanced")])
def test_unknown_commands_are_errors(tex, what):
    with pytest.raises(ValueError, match=what.replace("\\", "\\\\")):
        mathml(tex)
