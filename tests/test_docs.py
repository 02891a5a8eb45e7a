"""The docs show what symcnn prints: every output excerpt in README.md, README.zh.md and docs/*.md is
rerun and compared (tests/docs_excerpts.py; rewrite them with `python tests/docs_excerpts.py`), and
the code snippets of docs/json.md run on a real document."""

from __future__ import annotations

import json
import re

import pytest
from docs_excerpts import DOCS, MARK, ROOT, excerpt, run

EXCERPTS = [(doc, m) for doc in DOCS for m in MARK.finditer(doc.read_text(encoding="utf-8"))]


@pytest.mark.parametrize(("doc", "mark"), EXCERPTS,
                         ids=[f"{d.name}:{m.group('cmd')[:40]}" for d, m in EXCERPTS])
def test_every_excerpt_is_real_output(doc, mark):
    """If this fails after an intended change of the output: python tests/docs_excerpts.py"""
    want = excerpt(run(mark.group("cmd")), mark.group("opts"))
    assert mark.group("body") == want, f"{doc.name}: `symcnn {mark.group('cmd')}` prints\n{want}"


def test_the_readmes_and_the_guide_show_excerpts():
    names = {d.name for d, _ in EXCERPTS}
    assert {"README.md", "README.zh.md", "guide.md", "json.md"} <= names


def test_no_internal_words_reach_users():
    """Users never saw the course notes as "seeds": the docs say "the course notes"."""
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        assert not re.search(r"\bseed \d{3}\b|[Ss]eed 00\d", text), doc.name


def test_json_doc_snippets_run_on_the_real_document(tmp_path, monkeypatch):
    """The Python of docs/json.md, run as a reader would, on the document its example comes from."""
    text = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    snippets = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    assert snippets
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mnist.json").write_text(run("summary examples/mnist.py --input 1x1xHxW --json"), encoding="utf-8")
    scope: dict = {}
    for code in snippets:
        exec(compile(code, "docs/json.md", "exec"), scope)   # noqa: S102 -- our own docs
    assert json.loads((tmp_path / "mnist.json").read_text())["total"]["params"] == 21840
