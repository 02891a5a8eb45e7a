"""The LaTeX worked solutions compile: pdflatex (en) and xelatex + ctex (zh); page text checked."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from derivation_nets import H, W, alexnet, mnist
from symcnn.derivation import derive
from symcnn.render import render_derivation


def _compile(engine: str, tex: str, tmp_path) -> str:
    src = tmp_path / "doc.tex"
    src.write_text(tex, encoding="utf-8")
    r = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout[-3000:]
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is needed to check the page text")
    return subprocess.run(["pdftotext", "doc.pdf", "-"], cwd=tmp_path, capture_output=True,
                          text=True, check=True).stdout


@pytest.mark.parametrize("which", ["alexnet", "mnist_symbolic"])
def test_pdflatex_english(pdflatex, tmp_path, which):
    trace = alexnet() if which == "alexnet" else mnist((1, 1, H, W))
    text = _compile(pdflatex, render_derivation(derive(trace), "latex", "en"), tmp_path)
    assert "Worked solution" in text
    if which == "alexnet":
        for n in ("34,944", "614,656", "62,378,344", "37,752,832"):
            assert n in text
    else:
        assert "320" in text


def test_xelatex_chinese(xelatex, tmp_path):
    text = _compile(xelatex, render_derivation(derive(alexnet()), "latex", "zh"), tmp_path)
    assert "逐步解答" in text and "62,378,344" in text and "总参数量" in text


def test_fragment_compiles_inside_a_document(pdflatex, tmp_path):
    body = render_derivation(derive(mnist()), "latex", "en", standalone=False)
    doc = ("\\documentclass{article}\\usepackage{amsmath,amssymb,booktabs,longtable}\n"
           "\\begin{document}\n" + body + "\\end{document}\n")
    assert "21,840" in _compile(pdflatex, doc, tmp_path)
