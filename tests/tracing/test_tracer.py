"""The tracer: choosing model and input, symbolic tracing, constraints, and the one-line errors
users see for each tests/tracing/nets/bad_*.py (whole message compared)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sympy import Eq, floor

from symcnn.core.errors import NetLoadError, RuleError, SymcnnError, TraceError, UnsupportedError
from symcnn.core.intarith import to_canonical
from symcnn.core.symbols import H, N, W
from symcnn.tracing.tracer import trace

ROOT = Path(__file__).resolve().parents[2]
NETS = Path(__file__).resolve().parent / "nets"
EX = ROOT / "examples"

ERRORS = [
    ("bad_channels.py", RuleError, "bad_channels.py:13: nn.Conv2d conv2: Conv2d expects an input with 32 "
     "channels but got 16 channels. Fix: set in_channels=16, or change the previous layer's output channels"),
    ("bad_unsupported_layer.py", UnsupportedError, "bad_unsupported_layer.py:8: nn.AdaptiveLogSoftmaxWithLoss "
     "is not supported by symcnn yet. Fix: run `symcnn formula --list` for the supported layers"),
    ("bad_transformer_args.py", RuleError, "bad_transformer_args.py:11: nn.Transformer attn: forward() missing "
     "a required argument: 'tgt'. Fix: call it as torch does: Transformer(src, tgt, src_mask=None, "
     "tgt_mask=None, memory_mask=None, src_key_padding_mask=None, tgt_key_padding_mask=None, "
     "memory_key_padding_mask=None, src_is_causal=None, tgt_is_causal=None, memory_is_causal=False)"),
    ("bad_lstm_input.py", RuleError, "bad_lstm_input.py:12: nn.LSTM lstm: input's last dimension is 32 but "
     "input_size=64 (input shape (2, 7, 32)). Fix: set input_size=32, or change the features of the input"),
    ("bad_mha_heads.py", RuleError, "bad_mha_heads.py:7: nn.MultiheadAttention: embed_dim=10 must be divisible by "
     "num_heads=3. Fix: choose num_heads that divides embed_dim"),
    ("bad_packed.py", UnsupportedError, "bad_packed.py:12: packed sequences (nn.utils.rnn) are not supported by "
     "symcnn: their length depends on the data. Fix: trace the model on padded tensors"),
    ("bad_bmm.py", RuleError, "bad_bmm.py:11: bmm: shapes (2, 5, 8) and (2, 5, 8) cannot be multiplied (8 vs 5). "
     "Fix: transpose or reshape an operand"),
    ("bad_fft.py", UnsupportedError, "bad_fft.py:12: torch.fft.rfft is not supported by symcnn yet. "
     "Fix: remove it from the model, or describe it with a custom rule"),
    ("bad_fft_at_load.py", UnsupportedError, "bad_fft_at_load.py:7: torch.fft.rfft is not supported by "
     "symcnn yet. Fix: remove it from the model, or describe it with a custom rule"),
    ("bad_user_error.py", NetLoadError, "bad_user_error.py:11: NameError: name 'scale' is not defined."),
    ("bad_syntax.py", NetLoadError, "bad_syntax.py:4: SyntaxError: invalid syntax. Perhaps you forgot a "
     "comma. Fix: run `python net.py` to see the problem"),
    ("bad_no_model.py", NetLoadError, "bad_no_model.py has no model: looked for a module-level nn.Module "
     "instance (net = nn.Sequential(...) or model = Net()), an nn.Module subclass that builds without "
     "arguments, and a factory function that returns one. Fix: name the model with --model NAME, or add "
     "`model = Net(...)` at module level"),
    ("bad_two_models.py", NetLoadError, "bad_two_models.py defines several models: encoder, decoder. "
     "Fix: choose one: --model encoder, --model decoder"),
    ("bad_view.py", RuleError, "bad_view.py:14: view(-1, 500): shape [-1, 500] is invalid for input of "
     "size 320. Fix: make the product of the sizes divide the number of elements"),
    ("bad_residual.py", RuleError, "bad_residual.py:13: add: shapes (1, 128, 28, 28) and (1, 64, 56, 56) do "
     "not match at dim 1 (128 vs 64). Fix: make both operands the same size (crop, pad or change the "
     "channels)"),
    ("bad_groups.py", RuleError, "bad_groups.py:5: nn.Conv2d: in_channels=10 must be divisible by groups=4. "
     "Fix: choose groups that divides in_channels"),
    ("bad_branch.py", TraceError, "bad_branch.py:12: this line needs the value of a symbolic size (an `if`, "
     "int() or range() on x.size(i)), which symcnn keeps as a formula. Fix: pass the input size as numbers "
     "(--input 1x3x224x224)"),
    ("bad_load_error.py", NetLoadError, "bad_load_error.py:5: IndexError: list index out of range."),
    ("bad_two_inputs.py", TraceError, "bad_two_inputs.py:9: Siamese.forward takes 2 inputs (a, b) and symcnn "
     "cannot tell their shapes. Fix: give one --input per argument, in order (e.g. --input 1x3x256x256 "
     "--input 1x3x256x256; integer inputs: --input 1:long)"),
]


@pytest.mark.parametrize(("fname", "kind", "message"), ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_net_message(fname, kind, message):
    with pytest.raises(kind) as info:
        trace(NETS / fname)
    assert str(info.value) == message


def test_missing_file(tmp_path):
    with pytest.raises(NetLoadError) as info:
        trace(tmp_path / "net.py")
    assert str(info.value) == f"{tmp_path / 'net.py'}: no such file. Fix: give the path of your net.py"


def test_sys_modules_restored_after_error(torch):
    before = sys.modules["torch"]
    with pytest.raises(SymcnnError):
        trace(NETS / "bad_fft.py")
    assert sys.modules["torch"] is before
    assert sys.modules["torch.nn"] is torch.nn
    assert "__symcnn_net__" not in sys.modules


def test_mnist_symbolic_constraint():
    t = trace(EX / "mnist.py", input_shape=(N, 1, H, W))
    pool2 = [s for s in t.steps if s.key == "F.max_pool2d"][1]
    fh = to_canonical(floor((H - 12) / 4))
    assert pool2.output == (N, 20, fh, to_canonical(floor((W - 12) / 4)))
    assert t.output_shape == (N, 10)
    view = [c for c in t.constraints if c.step is not None and t.steps[c.step].key == "Tensor.view"]
    assert len(view) == 1
    assert view[0].condition.holds == Eq(20 * fh * to_canonical(floor((W - 12) / 4)), 320)
    assert (view[0].where.file, view[0].where.line) == ("mnist.py", 23)
    # substituting the MNIST size satisfies it, 32x32 breaks it (20*5*5 = 500)
    assert view[0].condition.holds.subs({H: 28, W: 28}) is not False
    assert bool(view[0].condition.holds.subs({H: 28, W: 28}))
    assert not bool(view[0].condition.holds.subs({H: 32, W: 32}))


def test_symbolic_default_input_takes_channels_from_first_layer(tmp_path):
    f = tmp_path / "net.py"
    f.write_text("import torch.nn as nn\nnet = nn.Sequential(nn.Conv1d(4, 8, 3), nn.ReLU())\n")
    t = trace(f)
    from symcnn.core.symbols import L
    assert t.input_shape == (N, 4, L)
    assert t.output_shape == (N, 8, L - 2)
    f.write_text("import torch.nn as nn\nnet = nn.Sequential(nn.Linear(7, 3))\n")
    assert trace(f).input_shape == (N, 7)


def test_input_shape_names_and_numbers():
    t = trace(EX / "alexnet.py", input_shape=(1, 3, "H", "W"))
    assert t.input_shape[:2] == (1, 3)
    assert t.output_shape == (1, 1000)
    assert [c.condition.holds for c in t.constraints if t.steps[c.step].name == "fc1"]  # 9216 features needed
    t2 = trace(EX / "alexnet.py", input_shape=(2, 3, 227, 227))
    assert t2.output_shape == (2, 1000) and t2.steps[0].output == (2, 96, 55, 55)


def test_model_choice(tmp_path):
    f = tmp_path / "net.py"
    f.write_text("import torch.nn as nn\n"
                 "class Block(nn.Module):\n"
                 "    def __init__(self, c=4):\n        super().__init__()\n        self.conv = nn.Conv2d(c, c, 1)\n"
                 "    def forward(self, x):\n        return self.conv(x)\n"
                 "class Net(nn.Module):\n"
                 "    def __init__(self):\n        super().__init__()\n        self.a = Block()\n        self.b = Block()\n"
                 "    def forward(self, x):\n        return self.b(self.a(x))\n")
    t = trace(f, input_shape=(1, 4, 8, 8))
    assert t.model == "Net"       # Block is used inside Net, so Net is the model
    assert [s.name for s in t.steps] == ["a.conv", "b.conv"]
    assert trace(f, model="Block", input_shape=(1, 4, 8, 8)).model == "Block"
    with pytest.raises(NetLoadError) as info:
        trace(f, model="Nope")
    assert str(info.value) == ("net.py: no model named 'Nope'; the candidates are Block, Net. Fix: pass one of "
                               "them as --model (a class or factory name, or a call such as "
                               "--model \"VGG('VGG16')\")")


def test_module_called_twice_and_unused(tmp_path):
    f = tmp_path / "net.py"
    f.write_text("import torch, torch.nn as nn\n"
                 "class Net(nn.Module):\n"
                 "    def __init__(self):\n        super().__init__()\n"
                 "        self.conv = nn.Conv2d(3, 3, 3, padding=1)\n        self.spare = nn.Linear(10, 10)\n"
                 "        self.scale = nn.Parameter(torch.ones(3))\n"
                 "    def forward(self, x):\n        return self.conv(self.conv(x))\n"
                 "x = torch.rand(1, 3, 8, 8)\n")
    t = trace(f)
    assert [(s.name, s.first_call) for s in t.steps] == [("conv", True), ("conv", False)]
    assert t.steps[1].parents == (0,) and t.steps[0].parents == (-1,)
    assert [n for n, _ in t.unused] == ["spare"]
    assert t.extra_params == 3
    assert t.total_params == 84 + 110 + 3


def test_dag_parents_resnet():
    t = trace(EX / "resnet18.py")
    add = next(s for s in t.steps if s.key == "add")
    assert len(add.parents) == 2
    assert [t.steps[p].name for p in add.parents] == ["layer1.0.bn2", "maxpool"]


def test_unet_symbolic_crop():
    t = trace(EX / "unet.py", input_shape=(1, 1, H, W))
    out = t.output_shape[2].subs(H, 572)
    assert out == 388
    cats = [s for s in t.steps if s.key == "torch.cat"]
    assert len(cats) == 4
    # the crop keeps the target size exactly: no undecided size equality for the concatenations
    assert not [c for c in t.constraints if t.steps[c.step].key == "torch.cat"]


def test_resnet152_symbolic_is_fast():
    import time

    t0 = time.perf_counter()
    t = trace(EX / "resnet152.py", input_shape=(N, 3, H, W))
    assert time.perf_counter() - t0 < 5
    assert t.output_shape == (N, 1000)


def test_symcnn_tracer_never_imports_torch(tmp_path):
    import subprocess

    code = ("import sys; sys.modules['torch'] = None\n"
            "from symcnn.tracing.tracer import trace\n"
            f"t = trace({str(EX / 'lenet.py')!r})\n"
            "assert t.output_shape == (1, 10), t.output_shape\n"
            "assert sys.modules['torch'] is None\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def test_blitz_net_with_training_code_loads(capsys):
    t = trace(NETS / "ok_blitz.py")
    assert t.model == "net" and t.input_shape == (1, 1, 32, 32) and t.output_shape == (1, 10)
    assert t.total_params == 81194
    assert capsys.readouterr().out == ""     # net.py's prints go to stderr


def test_example_input_from_main_block():
    t = trace(NETS / "ok_main_block.py")
    assert (t.model, t.input_shape, t.output_shape) == ("Net", (4, 3, 32, 32), (4, 10))
    assert [s.name for s in t.steps] == ["features.0", "features.1", "flatten", "fc"]


def test_student_habits():
    t = trace(NETS / "ok_student.py")
    unregistered = [s for s in t.steps if s.note]
    assert [(s.name, s.first_call) for s in unregistered] == [("nn.Conv2d", False)]
    assert "PyTorch does not count its parameters" in unregistered[0].note
    assert t.total_params == 5326 and t.output_shape == (2, 10)
    assert [s.name for s in t.steps if s.via == "module"] == [
        "block1", "stages.0", "stages.1", "nn.Conv2d", "heads.cls", "heads.box"]


def test_timeout_names_the_line(tmp_path):
    f = tmp_path / "net.py"
    f.write_text("import torch.nn as nn\nnet = nn.Sequential(nn.ReLU())\nwhile True:\n    pass\n")
    with pytest.raises(TraceError) as info:
        trace(f, timeout=0.3)
    msg = str(info.value)
    assert msg.split(":", 2)[0] == "net.py" and msg.split(":", 2)[1] in ("3", "4"), msg
    assert msg.split(": ", 1)[1] == ("still running after the 0.3 s timeout. Fix: remove slow code from "
                                     "module level and forward, or raise the timeout"), msg


def test_3d_default_input_and_torch_fft_outside_forward_is_harmless(tmp_path):
    f = tmp_path / "net.py"
    f.write_text("import torch\nimport torch.nn as nn\n"
                 "spectrum = torch.fft.rfft(torch.rand(8))   # module level: not part of the model\n"
                 "net = nn.Sequential(nn.Conv3d(2, 4, 3), nn.MaxPool3d(2))\n")
    from symcnn.core.symbols import T

    t = trace(f)
    assert t.input_shape == (N, 2, T, H, W)
    assert t.steps[-1].output[2] == to_canonical(floor((T - 2) / 2))


def test_module_level_layer_is_not_the_model(tmp_path):
    f = tmp_path / "net.py"
    f.write_text("import torch.nn as nn\nact = nn.ReLU()\ncriterion = nn.CrossEntropyLoss()\n"
                 "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                 "        self.fc = nn.Linear(4, 2)\n    def forward(self, x):\n        return act(self.fc(x))\n")
    t = trace(f)
    assert t.model == "Net" and t.input_shape == (N, 4)
    assert [s.name for s in t.steps] == ["fc", "nn.ReLU"]


def test_chunk_of_symbolic_size_is_a_constraint(tmp_path):
    f = tmp_path / "net.py"
    f.write_text("import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n"
                 "        super().__init__()\n        self.conv = nn.Conv1d(2, 2, 1)\n"
                 "    def forward(self, x):\n        a, b = x.chunk(2, dim=2)\n        return self.conv(a) + b\n")
    from symcnn.core.symbols import L

    t = trace(f)
    chunk = [c for c in t.constraints if t.steps[c.step].key == "Tensor.chunk"]
    assert [(str(c.condition.holds), c.where.line) for c in chunk] == [("Eq(Mod(L, 2), 0)", 7)]
    assert t.output_shape == (N, 2, to_canonical(floor(L / 2)))


def test_star_import_of_torch_nn(tmp_path):
    f = tmp_path / "net.py"
    f.write_text("from torch.nn import *\n"
                 "net = Sequential(Conv2d(3, 4, 3), ReLU(), AdaptiveAvgPool2d(1), Flatten(), Linear(4, 2))\n")
    t = trace(f)
    assert [s.key for s in t.steps] == ["nn.Conv2d", "nn.ReLU", "nn.AdaptiveAvgPool2d", "nn.Flatten", "nn.Linear"]
    assert t.output_shape == (N, 2) and t.total_params == 122


def test_model_class_needing_arguments(tmp_path):
    f = tmp_path / "net.py"
    f.write_text("import torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self, c):\n"
                 "        super().__init__()\n        self.fc = nn.Linear(c, 2)\n"
                 "    def forward(self, x):\n        return self.fc(x)\n")
    with pytest.raises(NetLoadError) as info:
        trace(f, model="Net")
    assert str(info.value) == ("net.py: Net() needs constructor arguments. Fix: give them in --model, e.g. "
                               "--model \"Net(...)\" with the values your script uses, or add "
                               "`model = Net(...)` at module level")
    with pytest.raises(NetLoadError) as info:
        trace(f)
    assert str(info.value).endswith("returns one (Net needs constructor arguments). Fix: name the model with "
                                    "--model \"Net(...)\", or add `model = Net(...)` at module level")


def test_d2l_layer_loop_at_module_level_keeps_the_input(tmp_path):
    f = tmp_path / "net.py"
    f.write_text("import torch\nfrom torch import nn\n"
                 "net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2), nn.Flatten(),\n"
                 "                    nn.Linear(6 * 14 * 14, 10))\n"
                 "X = torch.rand(size=(1, 1, 28, 28), dtype=torch.float32)\n"
                 "for layer in net:\n    X = layer(X)\n    print(layer.__class__.__name__, X.shape)\n")
    t = trace(f)
    assert t.input_shape == (1, 1, 28, 28) and t.output_shape == (1, 10)


def test_parameter_containers_count(tmp_path):
    f = tmp_path / "net.py"
    f.write_text("import torch, torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n"
                 "        super().__init__()\n"
                 "        self.ws = nn.ParameterList([nn.Parameter(torch.randn(4, 4)) for _ in range(3)])\n"
                 "        self.bs = nn.ParameterDict({'a': nn.Parameter(torch.zeros(4))})\n"
                 "    def forward(self, x):\n        for w in self.ws:\n            x = x @ w\n"
                 "        return x + self.bs['a']\n")
    t = trace(f, input_shape=(2, 4))
    assert t.extra_params == 3 * 16 + 4 and t.output_shape == (2, 4)
    assert [s.key for s in t.steps] == ["torch.matmul"] * 3 + ["add"]
    # each (2, 4) @ (4, 4) is 2·4 outputs of a 4-long dot product: 32 MACs, in the step and the total
    assert [s.macs for s in t.steps] == [32, 32, 32, 0] and t.total_macs == 96


def test_bare_layer_model_is_named_after_its_variable(tmp_path):
    f = tmp_path / "net.py"
    f.write_text("import torch.nn as nn\nconv = nn.Conv2d(3, 8, 3)\n")
    t = trace(f, input_shape=(1, 3, 5, 5))
    assert [(s.name, s.output) for s in t.steps] == [("conv", (1, 8, 3, 3))]


def test_errors_name_the_spatial_axis_and_an_unnamed_layer_once(tmp_path):
    """'output height 0 < 1' (students read "axis 0" as the batch axis); a layer called at module
    level, before symcnn knows the model's attribute names, is labelled by its type, not twice."""
    f = tmp_path / "net.py"
    f.write_text("import torch, torch.nn as nn\nclass Net(nn.Module):\n    def __init__(self):\n"
                 "        super().__init__()\n        self.conv = nn.Conv2d(1, 2, (3, 5))\n"
                 "        self.fc = nn.Linear(7, 2)\n"
                 "    def forward(self, x):\n        return self.fc(self.conv(x).flatten(1))\n"
                 "net = Net()\nout = net(torch.randn(1, 1, 3, 5))\n")
    with pytest.raises(SymcnnError) as e:
        trace(f)
    assert str(e.value).endswith("net.py:8: nn.Linear: input's last dimension is 2 but in_features=7 "
                                 "(input shape (1, 2)). Fix: set in_features=2, or reshape the input so its "
                                 "last dimension is 7")
    f.write_text(f.read_text().replace("out = net(", "# out = net("))
    with pytest.raises(SymcnnError) as e:
        trace(f, model="net", input_shape=(1, 1, 8, 4))
    assert "nn.Conv2d conv: output width 0 < 1: input width 4 is too small for kernel_size=5" in str(e.value)


def test_print_model_shows_the_arguments_given_on_stderr(tmp_path, capsys):
    """net.py's prints go to stderr (stdout is symcnn's); a layer's repr shows what the user wrote,
    not every default (torch's repr leaves defaults out too)."""
    f = tmp_path / "net.py"
    f.write_text("import torch.nn as nn\n"
                 "net = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.Linear(4, 2))\nprint(net)\n")
    trace(f, input_shape=(1, 1, 4, 4))
    out, err = capsys.readouterr()
    assert out == ""
    assert "(0): Conv2d(in_channels=1, out_channels=6, kernel_size=5, padding=2)\n" in err
    assert "(1): Linear(in_features=4, out_features=2)\n" in err


@pytest.mark.parametrize(("line", "call"), [
    ("model = torchvision.models.resnet18()", "torchvision.models.resnet18()"),
    ("model = torch.hub.load('pytorch/vision', 'resnet18')", "torch.hub.load()")])
def test_a_zoo_model_is_named_not_reported_as_missing(tmp_path, line, call):
    """torchvision/hub models cannot be built on the stand-in: the error says which and why (--backend
    auto then runs the file with real torch: tests/tracing/test_backends.py)."""
    f = tmp_path / "net.py"
    f.write_text(f"import torch, torchvision\n{line}\nx = torch.randn(1, 3, 224, 224)\n")
    with pytest.raises(NetLoadError) as e:
        trace(f, backend="stand-in")
    assert str(e.value) == (f"net.py: the model `model` comes from {call}, which the torch stand-in cannot build "
                            "(it has torch.nn's layers only). Fix: run it with real torch (--backend torch; pip "
                            "install torch), or write the model's layers in net.py with torch.nn modules")
    assert e.value.needs_torch
