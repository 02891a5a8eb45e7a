"""docs/answers.md runs: every example on the page is what symcnn does.

The page marks its examples with HTML comments before a fenced block:
``<!-- file: answers.toml -->`` writes the block to that file, ``<!-- run: check NET ... -->`` runs
``symcnn check NET ...`` (in a directory where ``examples/`` is the repository's) and its output must
be the block (``| head -N``: its first N lines). Every other TOML block must load as an answers file.
Regenerate the outputs after an intended change with:
SYMCNN_REGEN_DOCS=1 pytest tests/grading/test_docs_answers.py
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from click.testing import CliRunner

from symcnn.grading.answers import loads

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "answers.md"
BLOCK = re.compile(r"(?:<!-- (file|run): (.+?) -->\n)?```(\w*)\n(.*?)```", re.S)


def _run(args: str, cwd: Path) -> str:
    from symcnn.cli.main import cli

    head = None
    if m := re.search(r"\s*\|\s*head -(\d+)$", args):
        head, args = int(m.group(1)), args[:m.start()]
    old = os.getcwd()
    os.chdir(cwd)
    try:
        r = CliRunner().invoke(cli, args.split(), catch_exceptions=False)
    finally:
        os.chdir(old)
    out = r.stdout + r.stderr
    if head is not None:
        out = "".join(out.splitlines(keepends=True)[:head])
    return out if out.endswith("\n") else out + "\n"


def test_every_example_of_docs_answers_md_runs(tmp_path):
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    text = DOC.read_text(encoding="utf-8")
    out, pos, runs, plain = [], 0, 0, 0
    for m in BLOCK.finditer(text):
        kind, arg, lang, body = m.groups()
        out.append(text[pos:m.start(4)])
        if kind == "file":
            (tmp_path / arg).write_text(body, encoding="utf-8")
        elif kind == "run":
            runs += 1
            got = _run(arg, tmp_path)
            assert os.environ.get("SYMCNN_REGEN_DOCS") or got == body, (
                f"docs/answers.md: the output of `symcnn {arg}` differs from the page; if the change is "
                f"intended, regenerate with SYMCNN_REGEN_DOCS=1 pytest {Path(__file__).relative_to(ROOT)}\n"
                f"--- page\n{body}--- symcnn\n{got}")
            body = got
        elif lang == "toml":
            plain += 1
            loads(body, "docs/answers.md")
        out.append(body)
        pos = m.end(4)
    out.append(text[pos:])
    if os.environ.get("SYMCNN_REGEN_DOCS"):
        DOC.write_text("".join(out), encoding="utf-8")
    assert runs >= 10 and plain >= 1


def test_docs_answers_is_linked():
    for doc in ("README.md", "docs/guide.md", "docs/cli.md"):
        assert "answers.md" in (ROOT / doc).read_text(encoding="utf-8"), doc
