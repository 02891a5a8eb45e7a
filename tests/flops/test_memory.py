"""Memory conventions (symcnn.flops.memory) and the trainable / non-trainable split, against the real
torchinfo 1.8.0 on the nets of memnets/memnets.py (exact, every figure), by hand, with symbolic sizes,
and through the CLI (summary --json --memory torchinfo, bad names)."""

from __future__ import annotations

import json
import os
import re
import warnings
from functools import cache
from pathlib import Path

import pytest
from sympy import Symbol

from symcnn.cli.main import cli
from symcnn.flops.memory import DTYPES, memory
from symcnn.solutions.jsonout import parse_value
from symcnn.tracing.tracer import trace

NETS = Path(__file__).resolve().parent / "memnets" / "memnets.py"
REQUIRE_TOOLS = os.environ.get("SYMCNN_REQUIRE_TOOLS") == "1"

# (class, --input values): frozen, partly frozen, fixed, shared, unused, container-held parameters,
# tuple outputs, several inputs, leaf models, composite layers
CASES = [("Plain", ["2x3x8x8"]), ("AllFrozen", ["1x3x8x8"]), ("Backbone", ["2x3x10x10"]), ("GradOff", ["4x16"]),
         ("ByName", ["1x1x9x9"]), ("FixedParam", ["3x10"]), ("Shared", ["1x3x6x6"]), ("Unused", ["2x8"]),
         ("Residual", ["1x3x5x5"]), ("Recurrent", ["2x7x12"]), ("BiGRU", ["5x2x6"]), ("TwoInputs", ["2x5", "2x3"]),
         ("Leaf", ["3x9"]), ("LeafFree", ["1x2x6x6"]), ("Embedder", ["2x7:long"]), ("Attention", ["5x2x16"]),
         ("Encoder", ["2x6x16"]), ("Deep", ["1x3x7x7"]), ("ParamList", ["2x4"]), ("Indices", ["1x2x8x8"]),
         ("Tied", ["3x8"]), ("Twice", ["1x3x8x8"])]
FIGURES = ("input_bytes", "forward_backward_bytes", "params_bytes", "total_bytes")


@pytest.fixture(scope="session")
def torchinfo():
    try:
        import torch  # noqa: F401
        import torchinfo as ti
    except ImportError:
        msg = "torch and torchinfo are not importable (pip install -e '.[tools]')"
        if REQUIRE_TOOLS:
            pytest.fail(msg + " but SYMCNN_REQUIRE_TOOLS=1", pytrace=False)
        pytest.skip(msg)
    return ti


@cache
def _classes() -> dict:
    ns: dict = {}
    exec(compile(NETS.read_text(), str(NETS), "exec"), ns)   # noqa: S102 -- our own test nets
    return ns


def _real(torchinfo, cls: str, inputs: list[str], dtype=None):
    """torchinfo.summary of the real model (in ``dtype``, with float inputs of that dtype)."""
    import torch

    model = _classes()[cls]()
    shapes = [tuple(int(v) for v in i.split(":")[0].split("x")) for i in inputs]
    dtypes = [torch.long if i.endswith(":long") else (dtype or torch.float32) for i in inputs]
    if dtype is not None:
        model = model.to(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model, torchinfo.summary(model, input_size=shapes, dtypes=dtypes, verbose=0)


def _json(runner, cls: str, inputs: list[str], *more: str) -> dict:
    args = ["summary", str(NETS), "--model", cls, "--json", *more]
    for i in inputs:
        args += ["--input", i]
    r = runner.invoke(cli, args)
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


@pytest.mark.parametrize("cls,inputs", CASES, ids=[c for c, _ in CASES])
def test_torchinfo_figures_exact(torchinfo, runner, cls, inputs):
    doc = _json(runner, cls, inputs, "--memory", "torchinfo")
    model, s = _real(torchinfo, cls, inputs)
    m, total = doc["memory"], doc["total"]
    assert (m["convention"], m["dtype"]) == ("torchinfo", "float32")
    assert [m[k] for k in FIGURES] == [s.total_input, s.total_output_bytes, s.total_param_bytes,
                                        s.total_input + s.total_output_bytes + s.total_param_bytes]
    params = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert (total["params"], total["trainable_params"], total["non_trainable_params"]) == \
        (params, trainable, params - trainable)
    if cls == "Tied":   # torchinfo counts a weight held by two modules twice; torch (and symcnn) once
        assert (s.total_params, s.trainable_params) == (params + 64, trainable + 64)
    else:
        assert (total["params"], total["trainable_params"]) == (s.total_params, s.trainable_params)


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "float64"])
@pytest.mark.parametrize("cls,inputs", [("Residual", ["1x3x5x5"]), ("Embedder", ["2x7:long"])])
def test_dtype_scales_as_torchinfo_measures_a_cast_model(torchinfo, runner, cls, inputs, dtype):
    """--dtype D is torchinfo on model.to(D) with D inputs: every figure scales, but the 64-byte storage
    header of each input does not, and integer inputs keep their size."""
    import torch

    doc = _json(runner, cls, inputs, "--memory", "torchinfo", "--dtype", dtype)
    _, s = _real(torchinfo, cls, inputs, getattr(torch, dtype))
    assert [doc["memory"][k] for k in FIGURES[:3]] == [s.total_input, s.total_output_bytes, s.total_param_bytes]


def test_symcnn_convention_by_hand(runner):
    """Plain on 2×3×8×8: every layer output once × 4 bytes, × 2 for the backward pass."""
    doc = _json(runner, "Plain", ["2x3x8x8"])
    outputs = [2 * 8 * 8 * 8, 2 * 8 * 8 * 8, 2 * 8 * 8 * 8, 2 * 8 * 4 * 4, 2 * 128, 2 * 10]   # conv bn relu pool flat fc
    assert [layer["activation_bytes"] for layer in doc["layers"]] == [4 * n for n in outputs]
    m = doc["memory"]
    assert (m["convention"], m["input_bytes"], m["forward_backward_bytes"], m["params_bytes"]) == \
        ("symcnn", 2 * 3 * 8 * 8 * 4, 2 * 4 * sum(outputs), 1530 * 4)
    assert m["total_bytes"] == m["input_bytes"] + m["forward_backward_bytes"] + m["params_bytes"]
    half = _json(runner, "Plain", ["2x3x8x8"], "--dtype", "float16")["memory"]
    assert all(half[k] * 2 == m[k] for k in FIGURES)


@pytest.mark.parametrize("cls,shape", [("Shared", "1x3xHxW"), ("Residual", "Nx3xHxW"), ("Deep", "1x3xHxW"),
                                       ("Twice", "1x3xHxW")])
def test_symbolic_memory_substitutes_to_the_numbers(cls, shape):
    t = trace(NETS, shape, model=cls, backend="stand-in")
    for name in ("symcnn", "torchinfo"):
        general = memory(t, name)
        for n, h, w in ((1, 8, 8), (3, 12, 10), (2, 18, 30)):
            sizes = {"N": n, "H": h, "W": w}
            numeric = memory(trace(NETS, tuple(sizes.get(d, d) if not d.isdigit() else int(d)
                                               for d in shape.split("x")), model=cls, backend="stand-in"), name)
            subs = {s: sizes[s.name] for s in t.symbols}
            for field in ("input_bytes", "forward_backward_bytes", "params_bytes", "total_bytes"):
                assert getattr(general, field).subs(subs) == getattr(numeric, field), (cls, name, field, sizes)


def test_symbolic_json_is_a_closed_form(runner):
    doc = _json(runner, "Deep", ["1x3xHxW"], "--memory", "torchinfo")
    value = parse_value(doc["memory"]["forward_backward_bytes"], doc["symbols"])
    H, W = Symbol("H", integer=True, positive=True), Symbol("W", integer=True, positive=True)
    # conv 4·(H−2)(W−2), conv 1×1 4·(H−2)(W−2), bn the same, fc 2: × 4 bytes × 2
    assert (value - 8 * (12 * (H - 2) * (W - 2) + 2)).expand() == 0


@pytest.mark.parametrize("cls,inputs", CASES, ids=[c for c, _ in CASES])
def test_live_backend_same_modules(torchinfo, cls, inputs):
    from symcnn.core.userinput import parse_input

    specs = [parse_input(i) for i in inputs]
    a, b = (trace(NETS, specs, model=cls, backend=x) for x in ("stand-in", "torch"))
    assert [(m.name, m.type, m.leaf, m.calls, m.params, m.outputs) for m in a.modules] == \
        [(m.name, m.type, m.leaf, m.calls, m.params, m.outputs) for m in b.modules]
    for name in ("symcnn", "torchinfo"):
        assert memory(a, name) == memory(b, name)


@pytest.mark.parametrize("option,value,listed", [("--memory", "keras", "symcnn, torchinfo"),
                                                 ("--dtype", "int8", ", ".join(DTYPES))])
@pytest.mark.parametrize("command", ["summary", "derive", "compare"])
def test_bad_names_exit_2(runner, command, option, value, listed):
    r = runner.invoke(cli, [command, str(NETS), "--model", "Plain", "--input", "1x3x8x8", option, value])
    assert r.exit_code == 2
    assert f"unknown {option[2:].replace('memory', 'memory convention')} '{value}'" in r.output
    assert listed in r.output


def test_text_totals_and_buffer_note(runner):
    r = runner.invoke(cli, ["summary", str(NETS), "--model", "Backbone", "--input", "2x3x10x10"])
    assert r.exit_code == 0, r.output
    assert re.search(r"^Trainable params: 545$", r.output, re.MULTILINE)
    assert re.search(r"^Non-trainable params: 840$", r.output, re.MULTILINE)
    assert "running_var are buffers" in r.output and "Memory (symcnn, float32):" in r.output
    r = runner.invoke(cli, ["summary", str(NETS), "--model", "GradOff", "--input", "4x16", "--lang", "zh"])
    assert "不可训练参数" in r.output and "缓冲区" not in r.output


def test_derive_memory_section(runner):
    """The walkthrough adds up: Plain on 2×3×8×8 keeps 3,604 output elements (3 × 1,024 + 2 × 256 + 20)."""
    from symcnn.solutions.derivation import derive

    d = derive(trace(NETS, (2, 3, 8, 8), model="Plain"), memory="torchinfo", dtype="float16")
    m = d.memory
    assert [r.elements for r in m.rows] == [1024, 1024, 1024, 256, 256, 20] and m.forward_elements == 3604
    assert (m.own.forward_backward_bytes, m.own.params_bytes, m.own.input_bytes) == (2 * 2 * 3604, 2 * 1530, 768)
    assert (m.asked.convention, m.asked.forward_backward_bytes) == ("torchinfo", 16544 // 2)
    r = runner.invoke(cli, ["derive", str(NETS), "--model", "Plain", "--input", "2x3x8x8", "--style", "compact"])
    assert r.exit_code == 0, r.output
    assert "3,604×4 = 14,416 bytes" in r.output and "14,416×2 = 28,832 bytes" in r.output
    assert "1,024 + 1,024 + 1,024 + 256 + 256 + 20 = 3,604" in r.output
    r = runner.invoke(cli, ["derive", str(NETS), "--model", "Plain", "--input", "2x3x8x8", "--lang", "zh",
                            "--memory", "torchinfo"])
    assert "按 torchinfo 约定" in r.output and "16,544 字节" in r.output


ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("path", ["examples/resnet18.py", "tests/flops/nets/seq_transformer_s2s.py",
                                  "tests/flops/nets/seq_vit.py"])
def test_torchinfo_figures_exact_on_bundled_nets(torchinfo, runner, path):
    """A ResNet (containers, shared ReLUs), an encoder-decoder Transformer with token inputs, a ViT."""
    import torch

    r = runner.invoke(cli, ["summary", str(ROOT / path), "--json", "--memory", "torchinfo"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    t = trace(ROOT / path)
    ns: dict = {}
    exec(compile((ROOT / path).read_text(), path, "exec"), ns)   # noqa: S102 -- a bundled net
    model = ns[doc["model"]]
    dtypes = [torch.long if d.startswith("int") else torch.float32 for d in t.input_dtypes]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = torchinfo.summary(model, input_size=[tuple(int(v) for v in sh) for sh in t.input_shapes], dtypes=dtypes,
                              verbose=0)
    assert [doc["memory"][k] for k in FIGURES[:3]] == [s.total_input, s.total_output_bytes, s.total_param_bytes]
    assert (doc["total"]["params"], doc["total"]["trainable_params"]) == (s.total_params, s.trainable_params)
