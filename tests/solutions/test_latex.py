"""The LaTeX worked solutions compile as the standalone documents users get (every example, both styles,
both languages, is compiled by tests/solutions/test_typesetting.py); the page text is checked with pdftotext."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from derivation_nets import H, W

from symcnn.solutions.derivation import derive, render_derivation

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.py"))


def _trace(path, input_shape=None):
    from symcnn.tracing.tracer import trace

    return trace(path, input_shape=input_shape)


def _compile(engine: str, tex: str, tmp_path) -> str:
    src = tmp_path / "doc.tex"
    src.write_text(tex, encoding="utf-8")
    r = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stdout[-3000:]
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is needed to check the page text")
    return subprocess.run(["pdftotext", "doc.pdf", "-"], cwd=tmp_path, capture_output=True,
                          text=True, check=True).stdout


def test_alexnet_page_text(pdflatex, tmp_path):
    text = _compile(pdflatex, render_derivation(derive(_trace(EXAMPLES[0].parent / "alexnet.py")),
                                                "latex", "en", layout="hwc"), tmp_path).replace(" × ", "×")
    for n in ("55×55×96", "34,944", "614,656", "885,120", "1,327,488", "884,992", "6×6×256",
              "37,752,832", "16,781,312", "4,097,000", "62,378,344"):
        assert n in text, n


def test_symbolic_mnist_compiles(pdflatex, tmp_path):
    d = derive(_trace(EXAMPLES[0].parent / "mnist.py", (1, 1, H, W)))
    text = _compile(pdflatex, render_derivation(d, "latex", "en"), tmp_path)
    assert "320" in text and "H − 12" in text


@pytest.mark.parametrize("name", ["alexnet"])
def test_xelatex_chinese(xelatex, tmp_path, name):
    trace = _trace(EXAMPLES[0].parent / f"{name}.py")
    text = _compile(xelatex, render_derivation(derive(trace), "latex", "zh"), tmp_path)
    assert "逐步解答" in text and "总参数量" in text and f"{int(trace.total_params):,}" in text


def test_fragment_compiles_inside_a_document(pdflatex, tmp_path):
    body = render_derivation(derive(_trace(EXAMPLES[0].parent / "mnist.py")), "latex", "en", standalone=False)
    doc = ("\\documentclass{article}\\usepackage{amsmath,amssymb,booktabs,longtable}\n"
           "\\begin{document}\n" + body + "\\end{document}\n")
    assert "21,840" in _compile(pdflatex, doc, tmp_path)


def test_matmul_worked_solution_compiles_in_both_languages(pdflatex, xelatex, tmp_path):
    """The b·m·n·k legend of a matmul (tests/tracing/nets/ok_matmul.py) in LaTeX, English and Chinese."""
    d = derive(_trace(Path(__file__).resolve().parents[1] / "tracing" / "nets" / "ok_matmul.py"))
    (tmp_path / "en").mkdir()
    (tmp_path / "zh").mkdir()
    text = _compile(pdflatex, render_derivation(d, "latex", "en"), tmp_path / "en")
    assert "inner dimension" in text and "120" in text
    text = _compile(xelatex, render_derivation(d, "latex", "zh"), tmp_path / "zh")
    assert "内维" in text
