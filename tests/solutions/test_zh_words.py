"""Chinese output has no English prose: every bundled example and every sequence test net, rendered in
Chinese (derive, summary, rf, inputs, inputs --solve, and the checker's feedback with its worked
solution), holds no English word outside maths and code, except the names the net and PyTorch give
(layers, types, arguments), the symbols of the defining equations, the units MACs and FLOPs and the
convention names. Text for every net; Markdown, LaTeX and HTML (maths and code removed) for a sample."""

from __future__ import annotations

import html
import inspect
import re
import tomllib
from pathlib import Path

import pytest
from typeset import graded

from symcnn.core.render import template_root
from symcnn.grading.feedback import render_report
from symcnn.rules.base import RULES
from symcnn.tracing.tracer import trace

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
SEQUENCE = sorted((ROOT / "tests" / "flops" / "nets").glob("seq_*.py"))
# the units, convention names and PyTorch's own terms a Chinese course writes in English too
UNITS = {"MACs", "FLOPs", "mac", "flop", "symcnn", "eval", "mod", "Tensor", "torch"}
WORD = re.compile(r"(?<![\w.\\/])[A-Za-z][A-Za-z']{2,}(?![\w(./])")


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]+", text))


def _allowed() -> set[str]:
    """Words of code and maths: rule keys and torch's argument names, the defining equations."""
    with (template_root() / "equations.toml").open("rb") as f:
        eqs = tomllib.load(f)
    out = set(UNITS)
    for table in ("text", "term_text"):
        for v in eqs[table].values():
            out |= _words(" ".join(v) if isinstance(v, list) else v)
    for key, cls in RULES.items():
        if cls is not None:
            out |= _words(key) | {w for p in inspect.signature(cls.setup).parameters for w in _words(p)}
    return out


ALLOWED = _allowed()


def _english(text: str, tr, path: Path) -> list[str]:
    """English words of ``text`` that are not names of the net (layers, types, its class, its file)."""
    names = ALLOWED | _words(str(path)) | _words(tr.model) | {
        w for s in tr.steps for w in _words(f"{s.name} {s.type} {s.key}")}
    return [f"{w}: {line.strip()[:120]}" for line in text.splitlines() for w in WORD.findall(line)
            if w not in names]


def _cli(runner, *args) -> str:
    from symcnn.cli.main import cli

    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False).output


def _plain(fmt: str, out: str) -> str:
    """A document without its maths, code and markup."""
    if fmt == "markdown":
        out = re.sub(r"\$\$.*?\$\$", " ", out, flags=re.DOTALL)
        return re.sub(r"`[^`]*`|\$[^$]*\$", " ", out)
    if fmt == "latex":
        out = out.split("\\begin{document}", 1)[-1].replace("\\allowbreak{}", "")
        out = re.sub(r"\\begin\{(gather\*|tabular|longtable|itemize|center)\}(\{[^}]*\})*", " ", out)
        return re.sub(r"\\texttt\{[^}]*\}|\$[^$]*\$|\\[A-Za-z]+\*?(\{[a-z*]+\})?|\{\}", " ", out)
    if fmt == "html":
        out = out.split("<body>", 1)[-1]
        out = re.sub(r"<math.*?</math>|<code>.*?</code>", " ", out, flags=re.DOTALL)
        return html.unescape(re.sub(r"<[^>]+>", " ", out))
    return out


@pytest.mark.parametrize("path", EXAMPLES + SEQUENCE, ids=lambda p: p.stem)
def test_chinese_text_has_no_english_prose(runner, path):
    tr = trace(path)
    found = []
    for cmd in ("derive", "summary", "rf", "inputs"):
        out = _cli(runner, cmd, path, "--lang", "zh")
        if cmd == "inputs" and out.startswith("symcnn: error:"):   # no spatial axes: a usage error
            assert path in SEQUENCE
            continue
        found += [f"{cmd}: {w}" for w in _english(out, tr, path)]
    report = graded(tr, "zh")
    for fmt in ("text", "html"):
        found += [f"check {fmt}: {w}" for w in _english(_plain(fmt, render_report(report, fmt, "zh", solution=True)),
                                                         tr, path)]
    assert not found, found[:20]


@pytest.mark.parametrize("fmt", ["markdown", "latex", "html"])
def test_chinese_documents_have_no_english_prose(runner, fmt):
    found = []
    for path in (EXAMPLES[0], ROOT / "examples" / "unet.py", SEQUENCE[1], SEQUENCE[-2]):
        tr = trace(path)
        for cmd in ("derive", "summary", "rf", "inputs"):
            out = _cli(runner, cmd, path, "--lang", "zh", "--format", fmt)
            if not out.startswith("symcnn: error:"):
                found += [f"{path.stem} {cmd}: {w}" for w in _english(_plain(fmt, out), tr, path)]
    assert not found, found[:20]


def test_chinese_solve_and_per_size_notes(runner, tmp_path):
    """inputs --solve's note and the sizes found by tracing one by one, in Chinese."""
    net = tmp_path / "net.py"
    net.write_text("import torch\nimport torch.nn as nn\nimport sympy\nP = sympy.Symbol('P', integer=True)\n"
                   "model = nn.Sequential(nn.Conv2d(3, 8, 11, stride=4, padding=P), nn.ReLU())\n"
                   "x = torch.rand(1, 3, 224, 224)\n")
    out = _cli(runner, "inputs", net, "--solve", "P", "--target", "out=56", "--lang", "zh")
    assert "P ∈ {4, 5}" in out and not re.search(r"[A-Za-z]{3,}", out.replace("P", "")), out
    sym = _cli(runner, "inputs", net, "--solve", "P", "--target", "out=H", "--lang", "zh", "--input", "1x3xHxW",
               "--range", "0..8")
    assert "已对" in sym and "checked" not in sym, sym
