"""Output excerpts in the docs (README.md, README.zh.md, docs/*.md) come from real runs of symcnn.

An excerpt is marked in the Markdown source by the command that prints it and, optionally, which lines
of its output to keep:

    <!-- output: derive examples/alexnet.py --markdown | from "| Layer |" to "| **Total**" -->
    ...the lines, exactly as symcnn prints them...
    <!-- end output -->

Options (after ``|``, in this order): ``after "A"`` starts looking after the first line containing A,
``from "B"`` keeps from the first line containing B, ``to "C"`` up to the next line containing C
(inclusive), ``fence LANG`` puts the lines in a ```LANG code block. The commands run from the repository
root, through the CLI (tests/test_docs.py checks every excerpt; ``python tests/docs_excerpts.py``
rewrites them after an intended change of the output).
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "README.zh.md", *sorted((ROOT / "docs").glob("*.md"))]
MARK = re.compile(r"<!-- output: (?P<cmd>.+?)(?: \| (?P<opts>.+?))? -->\n(?P<body>.*?)<!-- end output -->", re.DOTALL)
OPT = re.compile(r'(after|from|to) "((?:[^"\\]|\\.)*)"|fence (\w+)')


def run(cmd: str) -> str:
    """The standard output of ``symcnn CMD`` run from the repository root."""
    import os

    from click.testing import CliRunner

    from symcnn.cli.main import cli

    here = os.getcwd()
    os.chdir(ROOT)
    try:
        r = CliRunner().invoke(cli, shlex.split(cmd), catch_exceptions=False)
    finally:
        os.chdir(here)
    assert r.exit_code == 0, f"symcnn {cmd}: exit {r.exit_code}\n{r.output}"
    return r.stdout


def excerpt(out: str, opts: str | None) -> str:
    """The lines of ``out`` the options keep, as they appear in the Markdown source."""
    lines = out.splitlines()
    start, end, fence = 0, len(lines), None
    for m in OPT.finditer(opts or ""):
        kind, text = m.group(1), (m.group(2) or "").replace('\\"', '"')
        if m.group(3):
            fence = m.group(3)
        elif kind == "after":
            start = _find(lines, text, start) + 1
        elif kind == "from":
            start = _find(lines, text, start)
        else:
            end = _find(lines, text, start + 1) + 1
    body = "\n".join(lines[start:end]) + "\n"
    return f"```{fence}\n{body}```\n" if fence else body


def _find(lines: list[str], text: str, start: int) -> int:
    for i in range(start, len(lines)):
        if text in lines[i]:
            return i
    raise AssertionError(f"no line containing {text!r} after line {start}")


def marks(path: Path):
    """(command, options, body as written, body as symcnn prints it) of every excerpt in a doc."""
    for m in MARK.finditer(path.read_text(encoding="utf-8")):
        yield m.group("cmd"), m.group("opts"), m.group("body"), excerpt(run(m.group("cmd")), m.group("opts"))


def refresh(path: Path) -> bool:
    """Rewrite the excerpts of one doc from real runs; True when it changed."""
    text = path.read_text(encoding="utf-8")
    new = MARK.sub(lambda m: m.group(0).replace(m.group("body"), excerpt(run(m.group("cmd")), m.group("opts")), 1)
                   if m.group("body") else m.group(0).replace("-->\n", "-->\n" + excerpt(run(m.group("cmd")),
                                                                                          m.group("opts")), 1), text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    for doc in DOCS:
        if refresh(doc):
            print("rewrote", doc.relative_to(ROOT))
