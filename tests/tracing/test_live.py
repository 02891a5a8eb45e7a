"""Live models: a real torch.nn.Module traced on symbolic tensors gives the same Trace as the stand-in
running the same file (shapes, params, MACs, conditions, closed forms), never computes on data, and
leaves the model exactly as it was. Every torch.*, F.* and Tensor method the stand-in models is reached
through __torch_function__; anything else is one clear error."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest
from sympy import simplify

import symcnn
from symcnn.core.symbols import size_symbol
from symcnn.tracing.standin import functional as standin_f
from symcnn.tracing.standin import torch as standin_torch
from symcnn.tracing.tensor import SymTensor

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.py"))
# the FLOPs-tool test nets: every functional form, tensor method and sequence layer (RNN, attention, ...)
TOOL_NETS = sorted((Path(__file__).resolve().parents[1] / "flops" / "nets").glob("*.py"))
H, W = size_symbol("H"), size_symbol("W")


def _live_model(torch, path: Path, name: str):
    """The model the stand-in chose in ``path``, built with real torch on the meta device."""
    with torch.device("meta"):
        ns = runpy.run_path(str(path), run_name="__symcnn_live_test__")
    obj = ns[name]
    if isinstance(obj, torch.nn.Module):
        with torch.device("meta"):
            return obj.to("meta")
    with torch.device("meta"):
        return obj()


def _same(a, b) -> bool:
    return simplify(a - b) == 0


def assert_same_trace(live, standin):
    __tracebackhide__ = True
    assert [(s.name, s.key, s.output) for s in live.steps] == [(s.name, s.key, s.output) for s in standin.steps]
    assert _same(live.total_params, standin.total_params)
    assert _same(live.total_macs, standin.total_macs)
    assert live.output_shape == standin.output_shape
    assert [str(c.condition.holds) for c in live.constraints] == [str(c.condition.holds) for c in standin.constraints]
    assert live.backend == "torch" and standin.backend == "stand-in"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_traced_live_equals_the_stand_in(torch, path):
    standin = symcnn.trace(path)
    model = _live_model(torch, path, standin.model)
    assert_same_trace(symcnn.trace(model, standin.input_shape, model=standin.model), standin)


@pytest.mark.parametrize("path", TOOL_NETS, ids=[p.stem for p in TOOL_NETS])
def test_every_tool_net_traced_live_equals_the_stand_in(torch, path):
    standin = symcnn.trace(path)
    model = _live_model(torch, path, standin.model)
    specs = [f"{'x'.join(str(int(v)) for v in shape)}:{dtype}"
             for shape, dtype in zip(standin.input_shapes, standin.input_dtypes)]
    assert_same_trace(symcnn.trace(model, specs, model=standin.model), standin)


@pytest.mark.parametrize("name", ["resnet50", "mnist", "alexnet"])
def test_closed_forms_come_from_live_models(torch, name):
    path = next(p for p in EXAMPLES if p.stem == name)
    standin = symcnn.trace(path)
    shape = (1, standin.input_shape[1], H, W)
    live = symcnn.trace(_live_model(torch, path, standin.model), shape, model=standin.model)
    assert_same_trace(live, symcnn.trace(path, shape))
    expected = {"resnet50": "ceiling(H/32)", "mnist": "floor((H - 12)/4)", "alexnet": "floor((H - 35)/32)"}
    assert expected[name] in {str(v) for s in live.steps for v in s.output}


def test_the_model_is_left_as_it_was(torch):
    with torch.device("meta"):
        model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4), torch.nn.ReLU())
    before = [(n, p) for n, p in model.named_parameters()] + [(n, b) for n, b in model.named_buffers()]
    model.train()
    t = symcnn.trace(model, (2, 3, 8, 8))
    after = [(n, p) for n, p in model.named_parameters()] + [(n, b) for n, b in model.named_buffers()]
    assert all(a[0] == b[0] and a[1] is b[1] for a, b in zip(before, after)) and len(before) == len(after)
    assert model.training and "forward" not in vars(model[0])
    assert t.output_shape == (2, 4, 6, 6) and t.total_params == 3 * 4 * 9 + 4 + 8
    assert model(torch.zeros(2, 3, 8, 8, device="meta")).shape == (2, 4, 6, 6)   # still a working model


def test_frozen_and_shared_parameters_come_from_the_model(torch):
    class Tied(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.enc = torch.nn.Linear(8, 8)
            self.dec = torch.nn.Linear(8, 8)
            self.dec.weight = self.enc.weight
            self.scale = torch.nn.Parameter(torch.ones(8), requires_grad=False)

        def forward(self, x):
            return self.dec(self.enc(x)) * self.scale

    model = Tied()
    t = symcnn.trace(model, (1, 8))
    assert t.total_params == sum(p.numel() for p in model.parameters()) == 64 + 8 + 8 + 8


def test_real_tensor_attributes_and_factories_inside_forward(torch):
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv2d(3, 6, 1)
            self.mean = torch.tensor([0.5, 0.5, 0.5]).view(1, 3, 1, 1)   # a plain attribute, not a buffer

        def forward(self, x):
            x = self.conv(x - self.mean)
            pad = torch.zeros(x.size(0), 2, x.size(2), x.size(3), dtype=x.dtype)
            return torch.cat([x, pad], dim=1).flatten(1)

    t = symcnn.trace(Net(), (1, 3, "H", "W"))
    assert t.output_shape == (1, 8 * H * W)


def test_a_torch_function_without_a_rule_is_one_error_naming_it_and_the_line(torch):
    class Net(torch.nn.Module):
        def forward(self, x):
            return torch.fft.rfft(x)

    with pytest.raises(symcnn.UnsupportedError) as info:
        symcnn.trace(Net(), (1, 8))
    msg = str(info.value)
    assert "torch.fft.rfft is not supported by symcnn yet" in msg and "test_live.py:" in msg


def test_data_dependent_control_flow_is_one_clear_error(torch):
    class Net(torch.nn.Module):
        def forward(self, x):
            if x.sum() > 0:
                return x
            return -x

    with pytest.raises(symcnn.TraceError, match="truth value of a tensor depends on its data"):
        symcnn.trace(Net(), (1, 8))


def test_something_that_is_no_model_is_one_clear_error(torch):
    with pytest.raises(symcnn.InputError, match="symcnn cannot trace a list"):
        symcnn.trace([1, 2, 3], (1, 8))


def _standin_names() -> list[tuple[str, str]]:
    """(namespace, name) of every F.*, torch.* and Tensor method the stand-in models."""
    fs = [("F", n) for n, v in vars(standin_f).items() if callable(v) and not n.startswith("_")
          and getattr(v, "__module__", "").startswith("symcnn") and n not in ("apply", "unsupported")]
    ts = [("torch", n) for n, v in vars(standin_torch).items() if callable(v) and not n.startswith("_")
          and getattr(v, "__module__", "").startswith("symcnn") and not isinstance(v, type)]
    ms = [("Tensor", n) for n in dir(SymTensor) if not n.startswith("_") and callable(getattr(SymTensor, n))]
    return fs + ts + ms


def test_every_stand_in_function_is_reached_through_torch_function(torch):
    from torch.overrides import resolve_name

    from symcnn.tracing.torchfn import implementation

    real = {"F": torch.nn.functional, "torch": torch, "Tensor": torch.Tensor}
    missing, reached = [], 0
    for space, name in _standin_names():
        func = getattr(real[space], name, None)
        if func is None or resolve_name(func) is None:
            continue   # torch lacks it, or torch never dispatches it (torch.manual_seed, torch.no_grad)
        reached += 1
        if implementation(func)[1] is None:
            missing.append(f"{space}.{name}")
    assert missing == [] and reached > 150


def test_resnet50_built_in_torch_gives_its_closed_forms_in_every_output(torch):
    """The Python API on a ResNet-50 built with real torch (meta device), symbolic H, W: the spatial
    size after the last stage is ⌈H/32⌉, as the JSON, the text and the LaTeX write it."""
    path = next(p for p in EXAMPLES if p.stem == "resnet50")
    s = symcnn.summary(_live_model(torch, path, "model"), (1, 3, "H", "W"))
    doc = s.to_dict()
    assert (doc["backend"], doc["source"], doc["total"]["params"], doc["output_shape"]) == ("torch", "", 25557032,
                                                                                            [1, 1000])
    last = [layer for layer in doc["layers"] if layer["type"] == "ReLU"][-1]
    assert (last["name"], last["output_shape"]) == ("layer4.2.relu", [1, 2048, "ceiling(H/32)", "ceiling(W/32)"])
    text = s.render("text")
    assert text.splitlines()[0] == "Summary: ResNet (real torch), input 1×3×H×W"
    assert "1×2048×⌈H/32⌉×⌈W/32⌉" in text
    assert r"1 \times 2048 \times \left\lceil \frac{H}{32} \right\rceil \times \left\lceil \frac{W}{32} \right\rceil" \
        in s._repr_latex_()
    standin = symcnn.summary(path, (1, 3, "H", "W")).to_dict()
    assert {k: v for k, v in standin.items() if k not in ("backend", "source", "model")} == \
        {k: v for k, v in doc.items() if k not in ("backend", "source", "model")}


API = {"summary": lambda net, shape: symcnn.summary(net, shape), "derive": lambda net, shape: symcnn.derive(net, shape),
       "rf": lambda net, shape: symcnn.rf(net, shape), "inputs": lambda net, shape: symcnn.inputs(net, shape),
       "check": lambda net, shape: symcnn.check(net, "[total]\nparams = 1\n", shape)}


@pytest.mark.parametrize("call", list(API))
def test_bad_live_input_is_one_clear_error_from_every_function(torch, call):
    class DataDependent(torch.nn.Module):
        def forward(self, x):
            return x if x.sum() > 0 else -x

    class NoRule(torch.nn.Module):
        def forward(self, x):
            return torch.fft.rfft(x)

    cases = [({"a": 1}, symcnn.InputError, "symcnn cannot trace a dict"),
             (DataDependent(), symcnn.TraceError, "truth value of a tensor depends on its data"),
             (NoRule(), symcnn.UnsupportedError, "torch.fft.rfft is not supported by symcnn yet")]
    for net, error, message in cases:
        with pytest.raises(error) as info:
            API[call](net, (1, 8))
        assert message in str(info.value) and "\n" not in str(info.value), (call, str(info.value))
