"""HTML output (--format html): every document of every bundled example, numeric and symbolic, in
English and Chinese, and the formula of every layer type, is valid HTML5 as a browser parses it
(html5lib, strict: any parse error fails), one self-contained page (no script, no link, no network),
its maths presentation MathML; a fragment (Jupyter's _repr_html_) parses too; and a real browser
prints a page with the numbers in it (chromium, when it is installed: the screenshot check is optional)."""

from __future__ import annotations

import subprocess

import pytest
from htmlcheck import check_page
from typeset import EXAMPLES, example_docs, formula_docs


# Every kind of document of every example, in a sample that keeps the suite fast (html5lib parses
# ~0.3 MB/s; the largest pages are 2 MB): each template, style, language and trace kind is covered.
SAMPLE = {"en": {"numeric/derive-full", "symbolic/derive-compact", "symbolic/summary", "numeric/rf", "symbolic/rf",
                 "numeric/check-solution", "inputs"},
          "zh": {"numeric/derive-compact", "numeric/summary", "inputs"}}


def _sampled(name: str, lang: str) -> bool:
    return name.split("/", 1)[1] in SAMPLE[lang]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_is_valid_html5_with_mathml(path):
    docs = list(example_docs(path, fmt="html", standalone=True, want=_sampled))
    assert len(docs) == 10
    for doc in docs:
        check_page(f"{doc.name} ({doc.lang})", doc.body)
        assert "<math" in doc.body or doc.name.endswith("/inputs"), doc.name


def test_every_formula_is_valid_html5():
    for doc in formula_docs(fmt="html", standalone=True):
        check_page(f"{doc.name} ({doc.lang})", doc.body)


def test_alexnet_page_has_the_numbers_and_the_same_content_as_latex():
    from typeset import traces

    from symcnn.solutions.derivation import derive

    d = derive(traces(EXAMPLES[0])[0])
    page = d.render("html", "en")
    for n in ("34,944", "614,656", "62,378,344", "1,135,256,096"):
        assert n in page, n
    assert page.count('<section class="layer">') == sum(1 for lay in d.layers if not lay.trivial)
    assert "<mn>216</mn>" in page and "exact" in page and "round down" not in page
    check_page("fragment", d._repr_html_(), standalone=False)
    assert not d._repr_html_().lstrip().startswith("<!DOCTYPE")


def test_a_browser_prints_the_page(tmp_path, chromium):
    """chromium --headless prints the HTML to PDF; its text has the numbers and the maths (required in CI,
    which installs chromium; skipped elsewhere without it)."""
    from typeset import traces

    from symcnn.solutions.derivation import derive

    page = tmp_path / "alexnet.html"
    page.write_text(derive(traces(EXAMPLES[0])[0]).render("html", "zh", style="compact"), encoding="utf-8")
    pdf = tmp_path / "alexnet.pdf"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--print-to-pdf={pdf}",
                    "--no-pdf-header-footer", page.as_uri()], capture_output=True, timeout=120, check=False)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "62,378,344" in text and "逐步解答" in text and "⌊" in text
