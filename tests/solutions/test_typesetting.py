"""Typesetting: every bundled example, numeric and symbolic, in English and Chinese: derive (full and
compact), summary, rf, inputs, the feedback `check --format latex --solution` gives on a sheet with
wrong answers (typeset.graded: every kind of diagnosis, worked steps, the derivation of the wrong
layers), and the formula of every layer type, compiled once with pdflatex (en) or xelatex (zh): no
error, no Rerun warning, no Overfull \\hbox over 1pt. The documents are batched, one per language and
style (the same preamble as a standalone document), and the two engines run in parallel; see
tests/solutions/typeset.py to look at the pages."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from typeset import EXAMPLES, LANGS, compile_one, document, example_docs, formula_docs, problems


def test_every_document_typesets_in_one_pass_within_the_margins(request, tmp_path):
    engines = {lang: request.getfixturevalue(LANGS[lang]) for lang in LANGS}   # the oracles: pdflatex, xelatex
    docs = [d for p in EXAMPLES for d in example_docs(p)] + list(formula_docs())
    groups: dict = {}
    for d in docs:
        groups.setdefault((d.lang, d.style), []).append(d)
    assert set(groups) == {(lang, style) for lang in LANGS for style in ("full", "compact")}
    assert len({d.name.split("/")[0] for d in docs}) == len(EXAMPLES) + 1   # every example, and formula

    def run(key):
        tex, starts = document(groups[key], *key)
        log = compile_one(tex, tmp_path / "-".join(key), engines[key[0]])
        assert "Output written on doc.pdf" in log, f"{key}: no PDF\n{log[-2000:]}"
        return key, problems(log, starts)

    with ThreadPoolExecutor(2) as pool:
        found = {key: p for key, p in pool.map(run, sorted(groups, key=lambda k: k[1] != "full"))}
    bad = {key: p[:20] for key, p in found.items() if p}
    assert not bad, bad


@pytest.mark.parametrize("lang", LANGS)
def test_alexnet_compact_fits_three_pages(request, tmp_path, lang):
    """--style compact: AlexNet's worked solution on at most 3 pages (the full style takes 8), every step kept."""
    import subprocess

    from typeset import traces

    from symcnn.solutions.derivation import derive

    d = derive(traces(EXAMPLES[0])[0])
    full, compact = d.render("latex", lang, style="full"), d.render("latex", lang, style="compact")
    for step in ("54 + 1", r"\frac{216}{4}", "34{,}848", "105{,}415{,}200", "62{,}378{,}344"):
        assert step in full and step in compact, step
    (tmp_path / "doc.tex").write_text(compact, encoding="utf-8")
    log = compile_one(compact, tmp_path, request.getfixturevalue(LANGS[lang]))
    pages = int(subprocess.run(["pdfinfo", str(tmp_path / "doc.pdf")], capture_output=True, text=True,
                               check=True).stdout.split("Pages:")[1].split()[0])
    assert pages <= 3 and not problems(log, [(0, "alexnet")])
