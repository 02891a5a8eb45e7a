"""symcnn compare: totals under every convention side by side, per layer type why they differ, the
renderings, the CLI command and the generated docs/flops.md."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from test_conventions import BATCH1, TOOLS, path_of, traced

from symcnn.cli.main import cli
from symcnn.core.errors import InputError
from symcnn.flops.compare import compare, flops_doc, render, rules_of, short
from symcnn.flops.conventions import ORDER
from symcnn.rules.base import numel
from symcnn.tracing.tracer import trace

ROOT = Path(__file__).resolve().parents[2]


def diff(c, name, typ):
    return next(d for d in c.differences if d.convention == name and d.type == typ)


def test_totals_side_by_side_resnet50():
    c = compare(traced("resnet50"))
    assert c.names == ORDER and c.reference == "mac"
    assert c.totals["mac"] == 4_089_184_256 and c.totals["flop"] == 8_178_368_512
    for name in TOOLS:
        assert c.totals[name] == BATCH1["resnet50"][TOOLS.index(name)]
    rows = {r.type: r for r in c.rows}
    assert rows["Conv2d"].calls == 53 and rows["ReLU"].calls == 49 and rows["add"].calls == 16


def test_differences_say_why_resnet50():
    t = traced("resnet50")
    c = compare(t)
    relu_elems = sum(numel(s.output) for s in t.steps if s.key == "nn.ReLU")
    d = diff(c, "ptflops", "ReLU")
    assert d.delta == 2 * relu_elems and d.calls == 49 and "patched F.relu" in d.what
    assert short(d.delta) == "19.2 M"
    # tools that count 0 for a layer that does work say so
    assert diff(c, "thop", "MaxPool2d").hidden and diff(c, "thop", "ReLU").hidden
    assert diff(c, "fvcore", "add").hidden and not any(d.type == "flatten" for d in c.differences)
    assert diff(c, "thop", "BatchNorm2d").delta == 4 * sum(numel(s.inputs[0]) for s in t.steps
                                                          if s.key == "nn.BatchNorm2d")
    # FLOP conventions are explained against flop, MAC conventions against mac
    assert c.refs["calflops-flops"] == "flop" and c.refs["thop"] == "mac"
    assert not any(d.convention == "calflops-flops" and d.type in ("Conv2d", "Linear") for d in c.differences)
    # symcnn's own conventions are not "differences": each states what it counts
    assert not any(d.convention in ("mul", "flop", "flop+bias") for d in c.differences)


def test_tool_errors_reproduced_and_said():
    c = compare(traced("dilated"))
    for name in ("torchinfo", "thop", "torchscan"):
        d = diff(c, name, "ConvTranspose2d")
        assert "output grid" in d.bug and d.delta > 0
    assert c.totals["thop"] == 34_920 and c.totals["mac"] == 16_488
    # calflops' double division by groups only matters with groups > 1 (edge_norms has groups=2)
    assert not any(d.convention == "calflops" for d in c.differences)
    d = diff(compare(traced("edge_norms")), "calflops", "ConvTranspose2d")
    assert "groups twice" in d.bug and d.delta < 0
    e = compare(traced("edge_acts"))
    assert "padding='same'" in diff(e, "fvcore", "Conv2d").bug
    assert diff(e, "torchscan", "AvgPool2d").bug and diff(e, "torchscan", "MaxPool2d").bug is None


def test_rules_table_generated_from_conventions():
    rows = rules_of("thop")
    labels = [r[0] for r in rows]
    assert "`nn.ConvTranspose1d`, `nn.ConvTranspose2d`, `nn.ConvTranspose3d`" in labels
    assert any("output grid" in (bug or "") for _, _, bug in rows)
    assert rules_of("mac")[-1][0] == "anything else"


def test_render_text():
    out = render(compare(traced("resnet50")))
    assert "4,089,184,256" in out and "4,133,742,592" in out
    assert "ReLU (49): +19.2 M; |out| (hook) + |in| (patched F.relu)" in out
    assert "MaxPool2d (1): counts 0 although the layer does work; 0: thop has a rule for it" in out


def test_render_markdown_and_json():
    c = compare(traced("dilated"), ["mac", "thop", "torchinfo"])
    md = render(c, "markdown")
    assert "| `thop` | 34,920 | 34.9 k | 2.1179x | thop 0.1.1.post2209072238 |" in md
    assert "⚠ known `thop` error" in md
    doc = json.loads(render(c, "json"))
    assert [x["name"] for x in doc["conventions"]] == ["mac", "thop", "torchinfo"]
    assert doc["conventions"][1]["total"] == 34_920 and doc["input_shape"] == [1, 2, 7, 7]
    assert any(d["tool_bug"] and d["type"] == "ConvTranspose2d" for d in doc["differences"])


def test_render_latex_compiles(pdflatex, tmp_path):
    tex = render(compare(traced("resnet18")), "latex")
    (tmp_path / "c.tex").write_text(tex, encoding="utf-8")
    r = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", "c.tex"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stdout[-2000:]
    assert (tmp_path / "c.pdf").stat().st_size > 1000


def test_symbolic_input():
    from symcnn.core.symbols import H, W

    t = trace(path_of("mnist"), input_shape=(1, 1, H, W))
    c = compare(t, ["mac", "ptflops"])
    out = render(c)
    assert "⌊(H − 12)/2⌋" in out
    assert c.totals["ptflops"].xreplace({H: 28, W: 28}) == BATCH1["mnist"][TOOLS.index("ptflops")]
    c2 = compare(t, ["mac", "ptflops"], subs={H: 28, W: 28})
    assert c2.totals["ptflops"] == 501_730


def test_unknown_names():
    with pytest.raises(InputError):
        compare(traced("lenet"), ["mac", "gflops"])
    with pytest.raises(InputError):
        compare(traced("lenet"), [])


@pytest.mark.parametrize("args,code,expected", [
    (["compare", "examples/alexnet.py"], 0, "torchscan-flops             2,271,415,392    2.27 G"),
    (["compare", "examples/dilated.py", "--conventions", "mac,thop", "--markdown"], 0, "| `thop` | 34,920 |"),
    (["compare", "examples/lenet.py", "--conventions", "mac,gflops"], 2,
     "symcnn: error: unknown FLOPs convention 'gflops'. Fix: use one of: mul, mac, flop"),
    (["compare", "examples/lenet.py", "--reference", "nope"], 2, "unknown FLOPs convention 'nope'"),
    (["compare", "examples/nope.py"], 2, "symcnn: error: examples/nope.py: no such file"),
])
def test_cli(runner, monkeypatch, args, code, expected):
    monkeypatch.chdir(ROOT)
    r = runner.invoke(cli, args)
    assert r.exit_code == code, r.output
    assert expected in r.output


def test_cli_json_and_output_file(runner, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "r.json"
    r = runner.invoke(cli, ["compare", "examples/resnet18.py", "-o", str(out)])
    assert r.exit_code == 0, r.output
    doc = json.loads(out.read_text())
    assert {c["name"]: c["total"] for c in doc["conventions"]}["ptflops"] == 1_825_313_768


def test_docs_flops_md_is_current():
    text = flops_doc(trace(path_of("resnet50")))
    assert "# Why do FLOPs numbers disagree?" in text and "4,133,742,592" in text
    current = (ROOT / "docs" / "flops.md").read_text(encoding="utf-8")
    assert current == text, ("docs/flops.md is stale; regenerate it with "
                             "`symcnn compare examples/resnet50.py --doc -o docs/flops.md`")
