"""Answer sheets a TA hands out (symcnn check --template / --key) and the feedback handed back
(--format markdown, --feedback DIR): the key of every bundled example grades 100%, its blank sheet is
rejected item by item with "no answer", and both say what each item asks.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_check import ALEX, MNIST

from symcnn.grading.answers import loads
from symcnn.grading.check import Grader
from symcnn.grading.handout import handout, render_sheet
from symcnn.tracing.tracer import trace

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
ALL_FIELDS = ("output_shape", "input_shape", "params", "weights", "biases", "macs", "flops", "activations",
              "activation_bytes")


def _cli(runner, *args):
    from symcnn.cli.main import cli

    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("net", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_round_trip_every_example(net):
    """The key grades 100%; the blank sheet is the same items, each wrong with 'no answer'."""
    tr = trace(str(net))
    g = Grader(str(net), trace=tr)
    fields = ALL_FIELDS if net.stem in ("alexnet", "mnist", "dilated", "bn_net", "unet") else ("output_shape",
                                                                                               "params", "macs")
    for lang in ("en", "zh"):
        key = render_sheet(handout(g.truth(tr, "mac"), key=True, fields=fields, net=net.name), lang)
        r = g.grade(loads(key, "key.toml"))
        assert r.error is None, r.error
        assert r.items and all(i.correct for i in r.items), [i for i in r.items if not i.correct][:3]
        assert r.score == r.max_score == len(r.items)
        blank = render_sheet(handout(g.truth(tr, "mac"), fields=fields, net=net.name), lang)
        b = g.grade(loads(blank, "sheet.toml"))
        assert b.error is None, b.error
        assert [i.key for i in b.items] == [i.key for i in r.items]
        assert all(not i.correct and i.note == "no answer" and i.diagnosis == [] for i in b.items)
    # a layer called several times is named name#n on the sheet: no bare name is ambiguous
    assert all(len(g.truth(tr, "mac").layers[i.layer]) == 1 for i in r.items if i.layer is not None)


def test_symbolic_key_grades_100_percent():
    tr = trace(MNIST, input_shape=None)
    from symcnn.core.symbols import H, W
    from sympy import Integer

    sym = trace(MNIST, input_shape=(Integer(1), Integer(1), H, W))
    text = render_sheet(handout(Grader(MNIST).truth(sym, "mac"), key=True, net="mnist.py"))
    assert 'shape = [1, 1, "H", "W"]' in text
    assert 'output_shape = [1, 20, "floor((H - 12)/2)", "floor((W - 12)/2)"]' in text
    r = Grader(MNIST, trace=tr).grade(loads(text, "key.toml"))
    assert r.error is None and all(i.correct for i in r.items) and len(r.items) == 36


def test_sheet_says_what_each_item_asks(runner, tmp_path):
    r = _cli(runner, "check", ALEX, "--template", "--fields", "output_shape,params,macs,flops,activation_bytes",
             "--layers", "conv1,fc1", "--layout", "hwc")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[:3] == [
        "# Answer sheet for alexnet.py (model AlexNet), input 1×3×227×227.",
        '# Write each answer between the quotes: a whole number (34944 or "34,944"), a shape ("1x96x55x55"); '
        'leave "" for no answer.',
        "# The answer-sheet format: docs/answers.md (symcnn check --help)."]
    body = r.output.split("[layers.conv1]", 1)[1]
    assert body.splitlines()[:6] == [
        "   # Conv2d, line 29 of the net",
        'output_shape     = ""   # output shape N×H×W×C, the course notes\' order',
        'params           = ""   # learnable parameters: weights + biases (a count)',
        'macs             = ""   # multiply-accumulates, batch included, bias additions not counted',
        'flops            = ""   # FLOPs under convention mac, batch included',
        'activation_bytes = ""   # activation memory in bytes: elements × 4 (float32)']
    assert '[options]\nflops = "mac"   # FLOPs convention mac: multiply-accumulates' in r.output
    assert 'layout = "hwc"' in r.output and 'dtype = "float32"' in r.output
    assert "[layers.fc1]" in r.output and "[layers.conv2]" not in r.output and "[total]" in r.output
    zh = _cli(runner, "check", ALEX, "--template", "--layers", "conv1", "--lang", "zh").output
    assert zh.startswith("# 答题卡：alexnet.py（模型 AlexNet），输入 1×3×227×227。")
    assert 'params       = ""   # 可学习参数个数：权重 + 偏置' in zh


def test_key_through_the_cli(runner, tmp_path):
    key = tmp_path / "key.toml"
    r = _cli(runner, "check", MNIST, "--key", "--layers", "F.max_pool2d,fc1", "-o", key)
    assert r.exit_code == 0 and r.output == ""
    text = key.read_text()
    assert '[layers."F.max_pool2d#1"]' in text and '[layers."F.max_pool2d#2"]' in text
    assert "params       = 16_050" in text
    r = _cli(runner, "check", MNIST, key)
    assert r.exit_code == 0 and r.output.endswith("score: 12/12\n")


@pytest.mark.parametrize(("args", "message"), [
    (["--template", "--fields", "params,shape"], "--fields: unknown field 'shape'. Fix: did you mean 'input_shape'? the fields are output_shape, "),
    (["--key", "--layers", "conv9"], "--layers: no layer 'conv9' in this net. Fix: did you mean 'conv5'? the layers are: conv1, relu1"),
    (["--template", "--key"], "--template and --key write a sheet"),
    (["a.toml", "--template"], "--template and --key write a sheet: give no answers files"),
    (["a.toml", "--fields", "params"], "--fields and --layers choose what --template and --key write"),
    ([], "no answers files to grade. Fix: give ANSWERS.toml files, or --template / --key"),
    (["a.toml", "--tolerance", "2"], "--tolerance '2' is not a relative error from 0 to below 1"),
])
def test_cli_sheet_errors(runner, tmp_path, args, message):
    (tmp_path / "a.toml").write_text("[layers.conv1]\nparams = 34944\n")
    r = _cli(runner, "check", ALEX, *[tmp_path / a if a.endswith(".toml") else a for a in args])
    assert r.exit_code == 2
    assert message in r.stderr, r.stderr


def test_help_links_the_format():
    from click.testing import CliRunner

    r = _cli(CliRunner(), "check", "--help")
    assert "docs/answers.md" in r.output and "--template" in r.output and "--key" in r.output


# --- feedback to hand back ------------------------------------------------------------------------------

def test_markdown_feedback(runner, tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('[layers.conv1]\nparams = 34848\noutput_shape = [1, 96, 54, 54]\nmacs = ""\n[total]\nmacs = "1.14 G"\n'
                 "[layers.conv2]\nparams = 614656\n")
    r = _cli(runner, "check", ALEX, f, "--format", "markdown")
    assert r.exit_code == 1
    md = r.output
    assert md.startswith("# Feedback: ") and "\n\n**score: 1/5**\n" in md
    assert "| ✗ | `layers.conv1.params` | 34,944 | 34,848 |" in md and "| ✗ | `layers.conv1.macs` | 105,415,200 | — |" in md
    section = md.split("### `layers.conv1.params` (line 2)", 1)[1].split("###", 1)[0]
    assert "- **forgot\\_bias**: left out the bias: params = weights + one bias per output channel" in section
    assert "\\text{weights} &= \\frac{C_{in} \\cdot C_{out} \\cdot K^{2}}{G}" in section   # the worked derivation
    shape = md.split("### `layers.conv1.output_shape` (line 3)", 1)[1].split("###", 1)[0]
    assert "**forgot\\_plus\\_one**" in shape and "H_{out} &= \\left\\lfloor" in shape and "$W_{out}$ likewise" in shape
    assert "- no answer" in md.split("### `layers.conv1.macs`", 1)[1].split("###", 1)[0]
    assert "rounded (+0.42% from the exact value)" in md
    assert "layers.conv2.params" not in md.split("## What went wrong", 1)[1]   # right items are not repeated
    zh = _cli(runner, "check", ALEX, f, "--format", "markdown", "--lang", "zh").output
    assert "## 错在哪里" in zh and "应为：**34,944**；给出：**34,848**" in zh and "**forgot\\_bias**：漏了偏置" in zh
    for english in ("expected", "given", "What went wrong", "Worked solution", "no answer"):
        assert english not in zh


def test_feedback_dir_for_a_class(runner, tmp_path):
    files = []
    for name, body in [("ann.toml", "[layers.conv1]\nparams = 34944\n"), ("bob.toml", "[layers.conv1]\nparams = 34848\n"),
                       ("cy.toml", "[layers.conv1\n")]:
        (tmp_path / name).write_text(body)
        files.append(tmp_path / name)
    out = tmp_path / "feedback"
    r = _cli(runner, "check", ALEX, *files, "--feedback", out, "--csv", tmp_path / "grades.csv")
    assert r.exit_code == 2
    assert sorted(p.name for p in out.iterdir()) == ["ann.md", "bob.md", "cy.md"]
    assert "**score: 1/1**" in (out / "ann.md").read_text()
    assert "forgot\\_bias" in (out / "bob.md").read_text()
    assert "**error**: " in (out / "cy.md").read_text() and "a \\[table\\] header has no closing \\]" in (out / "cy.md").read_text()
    (tmp_path / "blank.toml").write_text('[layers.conv1]\nparams = ""\n')
    r = _cli(runner, "check", ALEX, files[0], tmp_path / "blank.toml", "--csv", tmp_path / "g2.csv")
    assert r.output.splitlines()[1].endswith("0/1  wrong: layers.conv1.params (no answer)")
    assert (tmp_path / "g2.csv").read_text().splitlines()[2].endswith(",layers.conv1.params=blank,")
    r = _cli(runner, "check", ALEX, *files[:2], "--format", "markdown")
    assert r.exit_code == 2 and "--format markdown reports on one submission" in r.stderr


def test_json_of_blank_and_approximate_answers(runner, tmp_path):
    f = tmp_path / "s.toml"
    f.write_text('[layers.conv1]\nparams = ""\n[total]\nmacs = "1.14 G"\n')
    doc = json.loads(_cli(runner, "check", ALEX, f, "--json").output)
    assert [(i["given"], i["correct"]) for i in doc["items"]] == [(None, False), ("1.14 G", False)]
    assert doc["items"][1]["diagnosis"][0]["id"] == "rounded"
    doc = json.loads(_cli(runner, "check", ALEX, f, "--json", "--tolerance", "1%").output)
    assert doc["items"][1]["correct"]


# --- memory questions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("net", ["alexnet", "bn_net", "resnet18", "mobilenetv2"])
def test_activations_agree_with_torch(torch, net):
    """activations of a layer = its output's numel in real PyTorch; activation_bytes = numel × element size."""
    import runpy

    path = ROOT / "examples" / f"{net}.py"
    ns = runpy.run_path(str(path), run_name="__symcnn_test__")
    tr = trace(str(path))
    model = ns["model"] if "model" in ns else {"alexnet": ns.get("AlexNet"), "bn_net": ns.get("BNNet")}[net]()
    x = ns["x"]
    seen: dict = {}
    for name, m in model.eval().named_modules():
        if name and not list(m.children()):
            m.register_forward_hook(lambda mod, i, out, name=name: seen.setdefault(name, []).append(out.numel()))
    with torch.no_grad():
        model(x)
    g = Grader(str(path), trace=tr)
    t32, t16 = g.truth(tr, "mac", "float32"), g.truth(tr, "mac", "float16")
    checked = 0
    for name, sizes in seen.items():
        for n, numel in enumerate(sizes, 1):
            key = name if len(sizes) == 1 else f"{name}#{n}"
            assert t32.expected(key, "activations") == numel, key
            assert t32.expected(key, "activation_bytes") == 4 * numel and t16.expected(key, "activation_bytes") == 2 * numel
            checked += 1
    assert checked >= 8
    assert t32.expected(None, "activations") == sum(numel_of(st.output) for st in tr.steps)


def numel_of(shape) -> int:
    out = 1
    for v in shape:
        out *= int(v)
    return out
