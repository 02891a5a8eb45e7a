"""Fuzzing net.py files: random layer stacks (valid and invalid per PyTorch) compared with real
torch, and mutations of the bundled examples (a deleted line, a changed channel count, a misspelt
layer name, a changed indent).

Property: when torch runs the stack, ``symcnn summary --json`` gives torch's output shape and
parameter count; when torch raises, symcnn exits 2 with one ``symcnn: error: ...`` line. A mutated
example gives a result or one clear error line with exit 2; never a traceback or exit 1/3.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from fuzz_support import Layer, clean_outcome, count, invoke, net_source, outcome, scaled, torch_run
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.py"))
BIG = {"resnet152.py", "resnet50.py", "densenet121.py", "mobilenetv2.py", "googlenet.py"}  # summary only
RUNNER = CliRunner()
SETTINGS = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
}

small = st.integers(1, 8)
maybe_pair = st.one_of(st.integers(1, 4), st.tuples(st.integers(1, 4), st.integers(1, 4)))


def _conv(d):
    kw = {}
    k = d(maybe_pair, label="kernel")
    stride = d(st.sampled_from([1, 1, 2, 3, (1, 2)]), label="stride")
    padding = d(st.sampled_from([0, 0, 1, 2, (1, 0), "same", "valid", 5]), label="padding")
    for name, v, default in (
        ("stride", stride, 1),
        ("padding", padding, 0),
        ("dilation", d(st.sampled_from([1, 1, 2]), label="dilation"), 1),
        ("groups", d(st.sampled_from([1, 1, 1, 2]), label="groups"), 1),
        ("bias", d(st.booleans(), label="bias"), True),
        (
            "padding_mode",
            d(st.sampled_from(["zeros"] * 6 + ["reflect", "circular"]), label="padding_mode"),
            "zeros",
        ),
    ):
        if v != default:
            kw[name] = v
    auto = d(st.integers(0, 9), label="wrong in_channels?") > 0
    out = d(st.sampled_from([1, 2, 4, 6, 8]), label="out_channels")
    return Layer(
        "Conv2d", [0 if auto else d(small, label="in_channels"), out, k], kw, "channels" if auto else None
    )


def _pool(d):
    kind = d(st.sampled_from(["MaxPool2d", "AvgPool2d"]), label="pool")
    kw = {}
    for name, strat, default in (
        ("stride", st.sampled_from([None, None, 1, 2, 3]), None),
        ("padding", st.sampled_from([0, 0, 0, 1, 2]), 0),
        ("ceil_mode", st.booleans(), False),
    ):
        v = d(strat, label=name)
        if v != default:
            kw[name] = v
    if kind == "MaxPool2d" and d(st.integers(0, 4), label="dilated?") == 0:
        kw["dilation"] = 2
    return Layer(kind, [d(maybe_pair, label="kernel")], kw)


def _simple(d):
    name = d(
        st.sampled_from(
            [
                "ReLU",
                "Sigmoid",
                "Tanh",
                "GELU",
                "Identity",
                "Dropout",
                "Dropout2d",
                "ELU",
                "Softmax",
                "LeakyReLU",
                "Hardswish",
                "SiLU",
            ]
        ),
        label="activation",
    )
    if name == "Softmax":
        return Layer(name, [], {"dim": 1})
    return Layer(name, [0.1] if name == "LeakyReLU" else [])


def _bn(d):
    auto = d(st.integers(0, 9), label="wrong num_features?") > 0
    return Layer(
        "BatchNorm2d", [0 if auto else d(small, label="num_features")], {}, "channels" if auto else None
    )


def _adaptive(d):
    kind = d(st.sampled_from(["AdaptiveAvgPool2d", "AdaptiveMaxPool2d"]), label="adaptive")
    return Layer(
        kind,
        [
            d(
                st.one_of(st.integers(1, 4), st.tuples(st.integers(1, 3), st.integers(1, 3))),
                label="output_size",
            )
        ],
    )


def _flatten(d):
    start = d(st.sampled_from([1, 1, 1, 0, 2]), label="start_dim")
    return Layer("Flatten", [] if start == 1 else [start])


def _linear(d):
    auto = d(st.integers(0, 9), label="wrong in_features?") > 0
    return Layer(
        "Linear",
        [
            0 if auto else d(st.integers(1, 64), label="in_features"),
            d(st.integers(1, 16), label="out_features"),
        ],
        {},
        "features" if auto else None,
    )


def _pad(d):
    return Layer(
        d(st.sampled_from(["ZeroPad2d", "ReflectionPad2d", "ReplicationPad2d"]), label="pad"),
        [d(st.integers(1, 2), label="padding")],
    )


def _upsample(d):
    return Layer(
        "Upsample",
        [],
        {
            "scale_factor": d(st.sampled_from([2, 2.0, 0.5, 1.5]), label="scale"),
            "mode": d(st.sampled_from(["nearest", "bilinear"]), label="mode"),
        },
    )


def _transpose(d):
    auto = d(st.integers(0, 9), label="wrong in_channels?") > 0
    kw = {}
    for name, strat, default in (
        ("stride", st.sampled_from([1, 2, 3]), 1),
        ("padding", st.sampled_from([0, 0, 1, 2]), 0),
        ("output_padding", st.sampled_from([0, 0, 1, 2]), 0),
        ("dilation", st.sampled_from([1, 1, 2]), 1),
        ("groups", st.sampled_from([1, 1, 2]), 1),
    ):
        v = d(strat, label=name)
        if v != default:
            kw[name] = v
    args = [0 if auto else d(small, label="in_channels"), d(st.sampled_from([1, 2, 4]), label="out_channels"),
            d(maybe_pair, label="kernel")]
    return Layer("ConvTranspose2d", args, kw, "channels" if auto else None)


def _norm(d):
    kind = d(st.sampled_from(["GroupNorm", "InstanceNorm2d", "LayerNorm", "LocalResponseNorm"]), label="norm")
    if kind == "GroupNorm":
        return Layer(kind, [d(st.sampled_from([1, 2, 3]), label="groups"), d(small, label="channels")])
    if kind == "InstanceNorm2d":
        return Layer(kind, [d(small, label="channels")], {"affine": d(st.booleans(), label="affine")})
    if kind == "LayerNorm":
        return Layer(kind, [d(st.integers(1, 8), label="normalized_shape")], {}, "features")
    return Layer(kind, [d(st.integers(1, 5), label="size")])


MAKERS = [_conv, _conv, _conv, _pool, _pool, _simple, _simple, _bn, _adaptive, _flatten, _linear, _linear, _pad,
          _upsample, _transpose, _norm]


@st.composite
def stacks(draw):
    d = lambda s, label=None: draw(s, label=label)
    layers = [
        draw(st.sampled_from(MAKERS), label="layer")(d) for _ in range(draw(st.integers(1, 6), label="depth"))
    ]
    shape = (
        draw(st.integers(1, 2), label="N"),
        draw(st.integers(1, 4), label="C"),
        draw(st.integers(1, 24), label="H"),
        draw(st.integers(1, 24), label="W"),
    )
    return layers, shape, draw(st.sampled_from(["sequential", "class"]), label="style")


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz_nets")


@settings(max_examples=scaled(300), **SETTINGS)
@given(case=stacks())
def test_random_stacks_agree_with_torch(torch, work, case):
    layers, shape, style = case
    expected, info = torch_run(torch, layers, shape)
    count(f"net.py stacks (torch {'raises' if expected is None else 'runs'})")
    src = net_source(layers, style)
    f = work / "net.py"
    f.write_text(src, encoding="utf-8")
    r = invoke(RUNNER, "summary", f, "--input", "x".join(map(str, shape)), "--json", "--timeout", "30")
    out = clean_outcome(r)
    note = (
        f"\n{src}\ninput {shape}; torch: {expected} {info}; symcnn: {out if out != 'ok' else r.stdout[-300:]}"
    )
    if expected is None:
        assert out != "ok", "torch raises but symcnn gives a result" + note
        return
    if 0 in expected and out != "ok":
        # torch is inconsistent about empty outputs: ConvTranspose2d giving 0 rows runs with batch 2
        # but raises "Output size is too small" with batch 1; symcnn always says the output is empty
        assert "< 1" in out or "too small" in out or "empty" in out, "torch runs but symcnn fails" + note
        return
    assert out == "ok", "torch runs but symcnn fails" + note
    doc = json.loads(r.stdout)
    assert tuple(doc["output_shape"]) == expected, note
    assert doc["total"]["params"] == info, note


# --- mutations of the bundled examples --------------------------------------------------------------

_LAYER = re.compile(r"\bnn\.([A-Z][A-Za-z0-9]*)")
_INT = re.compile(r"(?<![\w.])(\d+)(?![\w.])")


def _mutate(src: str, how: str, pick: int, value: int) -> str:
    lines = src.splitlines()
    if how == "delete a line":
        code = [i for i, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")]
        del lines[code[pick % len(code)]]
    elif how == "change a number":
        spots = [
            (i, m)
            for i, line in enumerate(lines)
            for m in _INT.finditer(line)
            if not line.lstrip().startswith(("#", '"""'))
        ]
        if spots:
            i, m = spots[pick % len(spots)]
            lines[i] = lines[i][: m.start()] + str(value) + lines[i][m.end() :]
    elif how == "misspell a layer":
        spots = [(i, m) for i, line in enumerate(lines) for m in _LAYER.finditer(line)]
        if spots:
            i, m = spots[pick % len(spots)]
            name = m.group(1)
            j = value % len(name)
            wrong = (
                name[:j] + name[j + 1 :]
                if value % 3 == 0
                else name[:j] + name[j].swapcase() + name[j + 1 :]
                if value % 3 == 1
                else name + "s"
            )
            lines[i] = lines[i][: m.start(1)] + wrong + lines[i][m.end(1) :]
    else:  # change an indent
        code = [i for i, line in enumerate(lines) if line.strip()]
        i = code[pick % len(code)]
        lines[i] = (
            (" " * (value % 9)) + lines[i].lstrip()
            if value % 2
            else lines[i][: value % 5] + lines[i].lstrip()
        )
    return "\n".join(lines) + "\n"


@settings(max_examples=scaled(200), **SETTINGS)
@given(
    example=st.sampled_from(EXAMPLES),
    how=st.sampled_from(["delete a line", "change a number", "misspell a layer", "change an indent"]),
    pick=st.integers(0, 10**6),
    value=st.sampled_from([0, 1, 2, 3, 7, 10, 64, 100, 513, 4096, 10**12]),
    command=st.sampled_from(["summary", "summary", "derive", "rf"]),
)
def test_mutated_examples(work, example, how, pick, value, command):
    src = _mutate(example.read_text(encoding="utf-8"), how, pick, value)
    f = work / example.name
    f.write_text(src, encoding="utf-8")
    r = invoke(RUNNER, "summary" if example.name in BIG else command, f, "--timeout", "20")
    out = clean_outcome(r)
    outcome("net.py mutations", out)
    if out != "ok":
        assert example.name in out or "--" in out or "net.py" in out or "model" in out, out
