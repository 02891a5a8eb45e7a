"""Activations and elementwise functions written as tensor methods, torch.* functions and in-place calls:
each is a step of its own (key as written), symcnn's own conventions count it like the F.* form, and
the tools that patch torch.nn.functional (ptflops, calflops) count only the F.* form. No tools needed:
the per-tool counts asserted here were measured with tests/flops/tools_oracle.py on one-call nets (Conv2d(3, 4, 3)
on 1x3x8x8, then the call on the 1x4x6x6 output: F.relu, F.relu(inplace=True) and F.softmax add 144 to
ptflops and calflops-flops; every other form adds 0 under every tool).
"""

from __future__ import annotations

import pytest
from sympy import Integer

from symcnn.flops.compare import compare
from symcnn.flops.conventions import ORDER, describe, flops, total
from symcnn.flops.ops import kind_of
from symcnn.tracing.tracer import trace

CALLS = {   # call -> (step key, step name)
    "x.relu()": ("Tensor.relu", "Tensor.relu"),
    "x.relu_()": ("Tensor.relu_", "Tensor.relu_"),
    "torch.relu(x)": ("torch.relu", "torch.relu"),
    "torch.relu_(x)": ("torch.relu_", "torch.relu_"),
    "F.relu(x)": ("F.relu", "F.relu"),
    "F.relu(x, inplace=True)": ("F.relu", "F.relu"),
    "F.relu_(x)": ("F.relu_", "F.relu_"),
    "x.sigmoid()": ("Tensor.sigmoid", "Tensor.sigmoid"),
    "x.sigmoid_()": ("Tensor.sigmoid_", "Tensor.sigmoid_"),
    "torch.sigmoid(x)": ("torch.sigmoid", "torch.sigmoid"),
    "x.tanh()": ("Tensor.tanh", "Tensor.tanh"),
    "x.tanh_()": ("Tensor.tanh_", "Tensor.tanh_"),
    "torch.tanh(x)": ("torch.tanh", "torch.tanh"),
    "x.softmax(1)": ("Tensor.softmax", "Tensor.softmax"),
    "torch.softmax(x, 1)": ("torch.softmax", "torch.softmax"),
    "F.softmax(x, 1)": ("F.softmax", "F.softmax"),
    "x.log_softmax(1)": ("Tensor.log_softmax", "Tensor.log_softmax"),
    "torch.log_softmax(x, dim=1)": ("torch.log_softmax", "torch.log_softmax"),
    "x.clamp(min=0)": ("Tensor.clamp", "Tensor.clamp"),
    "torch.clamp(x, 0, 6)": ("torch.clamp", "torch.clamp"),
    "x.exp()": ("Tensor.exp", "Tensor.exp"),
    "torch.exp(x)": ("torch.exp", "torch.exp"),
}
# the calls ptflops and calflops see: they patch these torch.nn.functional functions
PATCHED = ("F.relu(x)", "F.relu(x, inplace=True)", "F.softmax(x, 1)")
CONV = 4 * 6 * 6 * 3 * 9        # Conv2d(3, 4, 3) on 1x3x8x8: |out|·C_in·K = 3,888 MACs
TOOLS_CONV = {"torchinfo": 4032, "fvcore": 3888, "thop": 3888, "ptflops": 4032, "ptflops-aten": 4032,
              "calflops": 3888, "calflops-flops": 7920, "torchscan": 3888, "torchscan-flops": 7776}

NET = '''import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.fc = nn.Linear(144, 2)

    def forward(self, x):
        x = self.conv(x)
        y = {call}
        return self.fc(x.flatten(1)) + self.fc(y.flatten(1))


x = torch.rand(1, 3, 8, 8)
'''


def _trace(tmp_path, call: str):
    f = tmp_path / "net.py"
    f.write_text(NET.replace("{call}", call))
    return trace(f)


@pytest.mark.parametrize("call", list(CALLS))
def test_each_call_is_its_own_step(tmp_path, call):
    t = _trace(tmp_path, call)
    key, name = CALLS[call]
    steps = [s for s in t.steps if s.key == key]
    assert len(steps) == 1, [s.key for s in t.steps]
    s = steps[0]
    assert (s.name, s.output, s.inputs, s.parents) == (name, (1, 4, 6, 6), ((1, 4, 6, 6),), (0,))
    assert s.where.line == 14 and s.macs == 0


F_FORM = {"relu": "F.relu(x)", "sigmoid": "F.sigmoid(x)", "tanh": "F.tanh(x)", "softmax": "F.softmax(x, 1)",
          "logsoftmax": "F.log_softmax(x, 1)"}


@pytest.mark.parametrize("call", list(CALLS))
def test_own_conventions_count_the_math_not_the_spelling(tmp_path, call):
    s = next(s for s in _trace(tmp_path, call).steps if s.key == CALLS[call][0])
    kind = kind_of(s)
    f_form = F_FORM.get(kind)
    if f_form is None:
        assert kind == "elementwise" and s.rule.key == "nn.Identity"
    else:
        (tmp_path / "f").mkdir()
        f_step = _trace(tmp_path / "f", f_form).steps[1]
        assert f_step.key.startswith("F.") and kind_of(f_step) == kind
    for name in ("mul", "mac", "flop", "flop+bias"):
        assert flops(s, name) == 0
        want = describe(f_step, name) if f_form else "0: an elementwise function (exp, log, sqrt, abs, clamp)"
        assert describe(s, name).startswith(want), (describe(s, name), want)


@pytest.mark.parametrize("call", list(CALLS))
def test_tools_count_only_the_patched_functional_calls(tmp_path, call):
    s = next(s for s in _trace(tmp_path, call).steps if s.key == CALLS[call][0])
    patched = call in PATCHED
    for name in ("ptflops", "calflops-flops"):
        assert flops(s, name) == (144 if patched else 0), (call, name)
    for name in ("torchinfo", "fvcore", "thop", "ptflops-aten", "calflops", "torchscan", "torchscan-flops"):
        assert flops(s, name) == 0, (call, name)
    if not patched and s.key.startswith(("Tensor.", "torch.")) and kind_of(s) != "elementwise":
        assert "not the patched torch.nn.functional" in describe(s, "ptflops")


def test_one_call_nets_match_the_measured_tool_totals(tmp_path):
    """The conv + call part of each one-call net, as tools_oracle measured it (the Linear layers of
    NET add the same to both forms, so F.relu(x) and x.relu() differ by 144 only under ptflops and
    calflops-flops)."""
    fn, method = _trace(tmp_path, "F.relu(x)"), _trace(tmp_path, "x.relu()")
    for name in ORDER:
        extra = 144 if name in ("ptflops", "calflops-flops") else 0
        assert total(fn, name) - total(method, name) == extra, name
    conv = next(s for s in method.steps if s.key == "nn.Conv2d")
    assert {n: flops(conv, n) for n in TOOLS_CONV} == TOOLS_CONV and flops(conv, "mac") == CONV


def test_in_place_calls_return_their_input_now_made_by_their_step(tmp_path):
    f = tmp_path / "net.py"
    f.write_text("import torch, torch.nn as nn, torch.nn.functional as F\n"
                 "class Net(nn.Module):\n"
                 "    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 4, 3)\n"
                 "    def forward(self, x):\n        x = self.conv(x)\n        x.relu_()\n"
                 "        y = torch.sigmoid_(x)\n        F.relu(x, inplace=True)\n        x.clamp_(0, 6)\n"
                 "        return x + y\n"
                 "x = torch.rand(1, 3, 8, 8)\n")
    t = trace(f)
    assert [(s.key, s.parents) for s in t.steps] == [
        ("nn.Conv2d", (-1,)), ("Tensor.relu_", (0,)), ("torch.sigmoid_", (1,)), ("F.relu", (2,)),
        ("Tensor.clamp_", (3,)), ("add", (4, 4))]


MATMUL = {   # call -> (key, ptflops counts it, calflops counts it); measured with tools_oracle
    "a @ w": ("torch.matmul", False, False),
    "a.matmul(w)": ("Tensor.matmul", True, True),
    "torch.matmul(a, w)": ("torch.matmul", True, True),
    "torch.mm(a, w)": ("torch.mm", True, False),
    "a.mm(w)": ("Tensor.mm", True, False),
}


@pytest.mark.parametrize("call", list(MATMUL))
def test_matmul_forms(tmp_path, call):
    """Linear(6, 4) on 3x6, then the product with a 4x5 parameter: 3·4·5 = 60 MACs."""
    f = tmp_path / "net.py"
    f.write_text("import torch, torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n"
                 "        super().__init__()\n        self.fc = nn.Linear(6, 4)\n"
                 "        self.w = nn.Parameter(torch.randn(4, 5))\n"
                 f"    def forward(self, x):\n        a = self.fc(x)\n        w = self.w\n        return {call}\n"
                 "x = torch.rand(3, 6)\n")
    t = trace(f)
    key, pt, cf = MATMUL[call]
    s = t.steps[-1]
    assert s.key == key and s.output == (3, 5)
    assert flops(s, "mac") == 60 and flops(s, "fvcore") == 60 and flops(s, "ptflops-aten") == 60
    assert flops(s, "ptflops") == (60 if pt else 0) and flops(s, "calflops") == (60 if cf else 0)
    assert flops(s, "calflops-flops") == (120 if cf else 0)
    # measured totals of the whole net (Linear 72 MACs, + bias under ptflops)
    assert total(t, "ptflops") == (88 if pt else 28) and total(t, "calflops") == (132 if cf else 72)


def test_compare_rows_tell_the_forms_apart(tmp_path):
    f = tmp_path / "net.py"
    f.write_text(NET.replace("{call}", "F.relu(x) + x.relu() + torch.relu(x) + F.relu(x)"))
    c = compare(trace(f))
    rows = {r.type: r for r in c.rows}
    assert rows["relu"].calls == 2 and rows["Tensor.relu"].calls == 1 and rows["torch.relu"].calls == 1
    assert rows["relu"].values["ptflops"] == 2 * 144 and rows["Tensor.relu"].values["ptflops"] == 0
    assert all(rows[k].values["mac"] == Integer(0) for k in ("relu", "Tensor.relu", "torch.relu"))
    why = {d.type: d.what for d in c.differences if d.convention == "ptflops"}
    assert why["relu"] == "|in| per patched F.* call" and "tensor method" in why["Tensor.relu"]
