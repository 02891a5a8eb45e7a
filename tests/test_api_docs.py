"""docs/api.md runs: every ``>>>`` example of it is a doctest, run from the repository root in the
order of the page. The sections about live torch models need torch (the test oracle): locally they
skip without it, in CI (SYMCNN_REQUIRE_ORACLE=1) a missing torch fails."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
API = ROOT / "docs" / "api.md"
TORCH_SECTIONS = ("Live torch models",)   # the sections whose examples need real torch
FLAGS = doctest.ELLIPSIS


def sections() -> dict[str, str]:
    """Heading -> body of every ``## `` section of docs/api.md (the text before the first: "")."""
    parts = re.split(r"^## (.+)$", API.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {"": parts[0], **dict(zip(parts[1::2], parts[2::2], strict=True))}


def _run(text: str, name: str, globs: dict) -> doctest.TestResults:
    text = re.sub(r"^```\w*$", "", text, flags=re.MULTILINE)   # a fence ends an example's output
    test = doctest.DocTestParser().get_doctest(text, globs, name, str(API), 0)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    runner.run(test, clear_globs=False)
    return runner.summarize(verbose=False)


@pytest.fixture
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)
    return {}


def test_the_torch_free_examples_run(at_root):
    text = "".join(body for head, body in sections().items() if head not in TORCH_SECTIONS)
    result = _run(text, "docs/api.md", at_root)
    assert result.attempted >= 25 and result.failed == 0, "see the doctest report above"


def test_the_live_model_examples_run(torch, at_root):
    body = "".join(sections()[head] for head in TORCH_SECTIONS)
    result = _run("import symcnn\n>>> import symcnn\n" + body, "docs/api.md (live models)", at_root)
    assert result.attempted >= 10 and result.failed == 0, "see the doctest report above"


def test_every_api_function_is_documented_with_an_example():
    import symcnn

    text = API.read_text(encoding="utf-8")
    for name in ("trace", "summary", "derive", "rf", "inputs", "check"):
        assert callable(getattr(symcnn, name))
        assert ">>> " in text and re.search(rf"symcnn\.{name}\(", text), name
    for name in ("summary", "derive", "rf", "inputs", "check"):
        assert f"## {name}" in text, name


def test_the_readme_and_the_guide_link_the_api_page():
    for doc in ("README.md", "docs/guide.md"):
        assert "api.md" in (ROOT / doc).read_text(encoding="utf-8"), doc
