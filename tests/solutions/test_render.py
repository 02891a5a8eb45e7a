"""Rendering: seed AlexNet numbers in every format and language, MNIST golden files, formulas, docs.

Regenerate the golden files with: SYMCNN_REGEN_GOLDEN=1 pytest tests/solutions/test_render.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from derivation_nets import H, W, alexnet, mnist

from symcnn.core.render import environment
from symcnn.solutions.derivation import derive, formula, render_derivation
from symcnn.solutions.formula import render_formula, render_rules_doc

GOLDEN = Path(__file__).parent / "golden"
FORMATS = {"text": "txt", "markdown": "md", "latex": "tex"}
SEED_NUMBERS = ["55×55×96", "34,944", "27×27×96", "27×27×256", "614,656", "13×13×256", "885,120",
                "1,327,488", "884,992", "6×6×256", "37,752,832", "16,781,312", "4,097,000", "62,378,344"]


def _plain(s: str) -> str:
    """LaTeX/Markdown number and dimension markup back to what a reader sees."""
    return s.replace(r" \times ", "×").replace(r"$\times$", "×").replace("{,}", ",").replace("$", "")


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _traced(name: str, input_shape=None):
    from symcnn.tracing.tracer import trace

    t = trace(EXAMPLES / f"{name}.py", input_shape=input_shape)
    t.source = f"examples/{name}.py"  # golden files must not depend on where the repository lives
    return t


@pytest.mark.parametrize("source", ["examples/alexnet.py", "hand-built"])
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_alexnet_seed_numbers_everywhere(fmt, lang, source):
    """The course notes' table (seed 003), in their H×W×C order (layout hwc)."""
    trace = _traced("alexnet") if source != "hand-built" else alexnet()
    out = _plain(render_derivation(derive(trace), fmt, lang, layout="hwc"))
    for n in SEED_NUMBERS:
        assert n in out, (fmt, lang, n)
    total = re.findall(r"34,944 \+ 614,656 \+ 885,120 \+ 1,327,488 \+ 884,992 \+ 37,752,832 \+ "
                       r"16,781,312 \+ 4,097,000 = \S*62,378,344", out)
    assert total, "total written out as a sum"


def _golden(name: str, text: str):
    path = GOLDEN / name
    if os.environ.get("SYMCNN_REGEN_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing {path}; regenerate: SYMCNN_REGEN_GOLDEN=1 pytest tests/solutions/test_render.py"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file; if the change is intended, regenerate with: "
        "SYMCNN_REGEN_GOLDEN=1 pytest tests/solutions/test_render.py")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("which", ["mnist", "mnist_symbolic"])
def test_mnist_golden(which, fmt, lang):
    """examples/mnist.py traced, at 1×1×28×28 and at 1×1×H×W."""
    trace = _traced("mnist") if which == "mnist" else _traced("mnist", (1, 1, H, W))
    _golden(f"{which}.{lang}.{FORMATS[fmt]}", render_derivation(derive(trace), fmt, lang))


@pytest.mark.parametrize("fmt", FORMATS)
def test_symbolic_mnist_shows_closed_form_and_320(fmt):
    out = render_derivation(derive(_traced("mnist", (1, 1, H, W))), fmt, "en")
    closed = {"text": "⌊(H − 12)/4⌋", "markdown": r"\left\lfloor \frac{H - 12}{4} \right\rfloor",
              "latex": r"\left\lfloor \frac{H - 12}{4} \right\rfloor"}[fmt]
    assert closed in out
    nested = {"text": "⌊(⌊(H − 4)/2⌋ − 4)/2⌋ = ⌊(H − 12)/4⌋"}.get(fmt)
    if nested:
        assert nested in out
    constraint = {"text": "20·⌊(H − 12)/4⌋·⌊(W − 12)/4⌋ = 320",
                  "markdown": r"20 \cdot \left\lfloor \frac{H - 12}{4} \right\rfloor \cdot \left\lfloor \frac{W - 12}{4} \right\rfloor = 320"}.get(fmt, "= 320")
    assert constraint in out


def test_fragment_and_standalone():
    d = derive(mnist())
    full, body = render_derivation(d, "latex", "en"), render_derivation(d, "latex", "en", standalone=False)
    assert full.startswith("% !TEX program = pdflatex\n\\documentclass") and r"\end{document}" in full
    assert r"\documentclass" not in body and r"\begin{longtable}" in body
    assert r"\documentclass[a4paper]{ctexart}" in render_derivation(d, "latex", "zh")


def test_environment_is_cached_and_strict():
    import jinja2

    env = environment("latex", "en")
    assert env is environment("latex", "en")
    assert env.undefined is jinja2.StrictUndefined and env.block_start_string == "((*"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("((( nothing )))").render()
    assert environment("text", "en").filters["number"](62378344) == "62,378,344"


def test_template_dir_overrides_by_file_name(tmp_path):
    (tmp_path / "derivation.text.j2").write_text("custom {{ d.model }} {{ d.params|number }}\n")
    out = render_derivation(derive(alexnet()), "text", "en", template_dir=tmp_path)
    assert out == "custom AlexNet 62,378,344\n"


def test_unknown_language_is_an_input_error():
    from symcnn.core.errors import InputError

    with pytest.raises(InputError, match="no message catalogue"):
        render_derivation(derive(mnist()), "text", "fr")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_formula_renders(fmt, lang):
    out = render_formula(formula("Conv2d"), fmt, lang)
    assert "nn.Conv2d(in_channels, out_channels, kernel_size" in out.replace(r"\_", "_").replace(r"\allowbreak{}", "")


def test_rules_doc_covers_every_rule():
    from symcnn.rules.base import RULES

    doc = render_rules_doc()
    for key, cls in RULES.items():
        if cls is not None:
            assert f"## `{key}`" in doc
    assert r"\left\lfloor \frac{H_{in} + 2 \cdot P - D \cdot (K - 1) - 1}{S} \right\rfloor + 1" in doc


def test_jupyter_reprs():
    d = derive(alexnet())
    assert "62,378,344" in d._repr_markdown_()
    assert d._repr_latex_().startswith("$$") and "62{,}378{,}344" in d._repr_latex_()
