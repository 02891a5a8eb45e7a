"""`--model` as a user writes it, and what goes wrong with it: every bad expression, a factory that
raises or loops, a factory that returns something else, is one line `symcnn: error: ...` with exit 2;
nothing of net.py runs outside the tracer's limits; the script's own arguments come after `--`; several
`--input`s with a dtype; what a file imports but cannot have is a clear error at its line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_cli import one_error_line, run

CORPUS = Path(__file__).resolve().parents[1] / "tracing" / "corpus"

NET = """\
import torch.nn as nn

calls = []


class VGG(nn.Module):
    def __init__(self, name, num_classes=10):
        super().__init__()
        self.conv = nn.Conv2d(3, {"A": 8, "B": 16}[name], 3)
        self.fc = nn.Linear({"A": 8, "B": 16}[name], num_classes)

    def forward(self, x):
        return self.fc(self.conv(x).mean([2, 3]))


def vgg_a():
    return VGG("A")


def broken():
    return VGG("Z")


def not_a_model():
    return [VGG("A")]


def forever():
    while True:
        pass


def record(x):
    calls.append(x)
    return VGG("A")
"""


@pytest.fixture
def net(tmp_path):
    p = tmp_path / "net.py"
    p.write_text(NET)
    return p


@pytest.mark.parametrize("spec", [
    "__import__('os').system('touch PWNED')",      # a call of something that is not the file's own
    "VGG('A').conv",                                # not a call or a name: an attribute of a call
    "VGG(*['A'])",                                  # starred arguments
    "VGG(**{'name': 'A'})",
    "lambda: VGG('A')",
    "VGG('A') + 1",
    "[VGG('A')]",
    "VGG(name=open('x').read())",                   # an argument that is a call
    "VGG('A'",                                      # not Python
    "VGG(name='A', name='B')",
    "",
])
def test_a_model_expression_that_is_not_a_safe_literal_call_is_one_error(runner, net, tmp_path, spec):
    err = one_error_line(run(runner, "summary", net, "--model", spec, "--input", "1x3x8x8"))
    assert "--model" in err and "Fix:" in err, err
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED").exists()


def test_a_builtin_or_imported_callable_is_never_called(runner, net):
    err = one_error_line(run(runner, "summary", net, "--model", "print('x')", "--input", "1x3x8x8"))
    assert err == ("symcnn: error: net.py: no model named 'print'; the candidates are broken, vgg_a. Fix: pass one "
                   "of them as --model (a class or factory name, or a call such as --model \"VGG('VGG16')\")")
    err = one_error_line(run(runner, "summary", net, "--model", "nn.ReLU.__init__(1)", "--input", "1x3x8x8"))
    assert err == ("symcnn: error: --model 'nn.ReLU.__init__(1)': nn.ReLU.__init__ is not a model class or a "
                   "function of net.py. Fix: name a model class or a factory defined in net.py; the candidates are "
                   "broken, vgg_a")
    layer = run(runner, "summary", net, "--model", "nn.Conv2d(3, 4, 3)", "--input", "1x3x8x8", "--json")
    assert layer.exit_code == 0 and json.loads(layer.stdout)["total"]["params"] == 112   # a model class of torch


@pytest.mark.parametrize(("spec", "expected"), [
    ("broken", "symcnn: error: net.py:9: KeyError: 'Z'."),
    ("VGG('Z')", "symcnn: error: net.py:9: KeyError: 'Z'."),
    ("not_a_model", "symcnn: error: --model 'not_a_model' gave a list, not an nn.Module. Fix: name a model class, "
                    "a factory that returns a model, or a model instance"),
    ("nothing", "symcnn: error: net.py: no model named 'nothing'; the candidates are broken, vgg_a. Fix: pass one "
                "of them as --model (a class or factory name, or a call such as --model \"VGG('VGG16')\")"),
    ("VGG", "symcnn: error: net.py: VGG() needs constructor arguments. Fix: give them in --model, e.g. --model "
            "\"VGG(...)\" with the values your script uses, or add `model = VGG(...)` at module level"),
])
def test_a_factory_that_raises_or_returns_no_model_is_one_error(runner, net, spec, expected):
    assert one_error_line(run(runner, "summary", net, "--model", spec, "--input", "1x3x8x8")) == expected


def test_a_factory_that_never_returns_stops_at_the_timeout(runner, net):
    err = one_error_line(run(runner, "summary", net, "--model", "forever", "--input", "1x3x8x8", "--timeout", "2"))
    assert err == ("symcnn: error: net.py:29: still running after the 2 s timeout. Fix: remove slow code from module "
                   "level and forward, or raise the timeout")


def test_model_calls_with_literals_and_names_of_the_file(runner, net):
    for spec, params in (("vgg_a", 3 * 8 * 9 + 8 + 8 * 10 + 10), ("VGG('B', num_classes=3)", 3 * 16 * 9 + 16 + 16 * 3 + 3),
                         ("record(calls)", 3 * 8 * 9 + 8 + 8 * 10 + 10)):
        r = run(runner, "summary", net, "--model", spec, "--input", "1x3x8x8", "--json")
        assert r.exit_code == 0, r.output
        assert json.loads(r.stdout)["total"]["params"] == params, spec


def test_script_arguments_after_the_double_dash(runner):
    """dcgan_script.py's own argparse: --ndf 32 after `--` changes the discriminator."""
    path = CORPUS / "dcgan_script.py"
    default = run(runner, "summary", path, "--model", "netD", "--input", "2x3x64x64", "--json")
    small = run(runner, "summary", path, "--model", "netD", "--input", "2x3x64x64", "--json", "--", "--ndf", "32")
    assert default.exit_code == 0 and small.exit_code == 0, (default.output, small.output)
    p64, p32 = (json.loads(r.stdout)["total"]["params"] for r in (default, small))
    assert (p64, p32) == (2_765_568, 694_656)   # the corpus checks both against torch
    bad = one_error_line(run(runner, "summary", path, "--model", "netD", "--", "--ndf", "many"))
    assert bad == ("symcnn: error: dcgan_script.py:36: the script's argparse says: argument --ndf: invalid int value: "
                   "'many'. Fix: pass dcgan_script.py's own arguments after `--`, e.g. `symcnn summary "
                   "dcgan_script.py -- --data PATH`")


def test_several_inputs_with_a_dtype(runner):
    path = CORPUS / "cgan_labels.py"
    r = run(runner, "summary", path, "--model", "generator", "--input", "4x100", "--input", "4:long", "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["input_shape"] == [4, 100] and doc["output_shape"] == [4, 1, 32, 32]
    assert doc["layers"][0]["input_shape"] == [4] and doc["layers"][0]["key"] == "nn.Embedding"
    one = one_error_line(run(runner, "summary", path, "--model", "generator", "--input", "4x100"))
    assert one == ("symcnn: error: cgan_labels.py:56: generator.forward takes 2 inputs (noise, labels) but 1 --input "
                   "was given. Fix: give one --input per argument of forward, in order (e.g. --input 1x100 --input "
                   "1:long)")
    floats = one_error_line(run(runner, "summary", path, "--model", "generator", "--input", "4x100", "--input", "4"))
    assert "cgan_labels.py:58: nn.Embedding label_emb: input is a float32 tensor, but an embedding looks up " \
           "integer indices" in floats, floats


def test_an_uninstalled_package_used_by_the_model_is_an_error_at_its_line(runner, tmp_path):
    p = tmp_path / "net.py"
    p.write_text("import torch.nn as nn\nimport matplotlib.pyplot as plt\n\n\nclass Net(nn.Module):\n"
                 "    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 4, 3)\n\n"
                 "    def forward(self, x):\n        plt.imshow(x)\n        return self.conv(x)\n")
    err = one_error_line(run(runner, "summary", p, "--input", "1x3x8x8"))
    assert err == ("symcnn: error: net.py:11: matplotlib.pyplot.imshow comes from matplotlib, which is not "
                   "installed. Fix: pip install matplotlib, or keep it out of the model's forward")
