"""--depth N (symcnn.solutions.depth): the module rows of the summary, their exact sums, the JSON "modules",
and row by row the same parameters as torchinfo 1.8.0's depth (the tools extra; SYMCNN_REQUIRE_TOOLS=1
turns a missing torchinfo into a failure, as tests/flops/test_conventions.py does)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from symcnn.core.errors import InputError
from symcnn.solutions.depth import Tree, check_depth, entries
from symcnn.solutions.jsonout import document
from symcnn.solutions.table import rows
from symcnn.tracing.tracer import trace

HERE = Path(__file__).resolve().parent
NETS = HERE / "nets" / "depth_nets.py"
EX = HERE.parents[1] / "examples"
REQUIRE_TOOLS = os.environ.get("SYMCNN_REQUIRE_TOOLS") == "1"
INPUTS = {"ResNetStyle": (1, 3, 32, 32), "Nested": (2, 8), "Looped": (1, 4, 16, 16), "Attn": (5, 1, 8)}


def traced(model: str):
    return trace(NETS, INPUTS[model], model=model, backend="stand-in")


def table(tr, depth, **kw) -> list[tuple[str, str, int, object]]:
    """(indented name, type, params, MACs) of each row."""
    ctx = rows(tr, depth=depth, columns=("num_params", "macs"), **kw)
    return [("  " * r["indent"] + r["name"], r["type"], int(r["params"]),
             None if r["macs"] is None else int(r["macs"])) for r in ctx["rows"]]


def test_resnet18_depth_1_folds_each_stage_into_one_row():
    got = table(trace(EX / "resnet18.py"), 1)
    assert got == [("conv1", "Conv2d", 9408, 118013952), ("bn1", "BatchNorm2d", 128, 0), ("relu", "ReLU", 0, 0),
                   ("maxpool", "MaxPool2d", 0, 0),
                   ("layer1", "Sequential", 147968, 462422016), ("layer2", "Sequential", 525568, 411041792),
                   ("layer3", "Sequential", 2099712, 411041792), ("layer4", "Sequential", 8393728, 411041792),
                   ("avgpool", "AdaptiveAvgPool2d", 0, 0), ("torch.flatten", "flatten", 0, 0),
                   ("fc", "Linear", 513000, 512000)]
    assert sum(r[2] for r in got) == 11689512 and sum(r[3] for r in got) == 1814073344


def test_resnet18_depth_2_shows_the_blocks_under_their_stage():
    got = table(trace(EX / "resnet18.py"), 2)
    names = [r[0] for r in got]
    assert names[4:10] == ["layer1", "  layer1.0", "  layer1.1", "layer2", "  layer2.0", "  layer2.1"]
    rows_ = {r[0].strip(): r for r in got}
    # a stage above the depth shows only the parameters no row below shows; its MACs are its blocks'
    assert rows_["layer1"][2:] == (0, None)
    # BasicBlock with a projection: 3·3·64·128 + 2·128 + 3·3·128·128 + 2·128 + 64·128 + 2·128
    assert rows_["layer2.0"][2] == 73728 + 256 + 147456 + 256 + 8192 + 256 == 230144
    assert rows_["layer2.0"][3] == 57802752 + 115605504 + 6422528 == 179830784   # the add and ReLUs: 0
    assert sum(r[2] for r in got) == 11689512 and sum(r[3] or 0 for r in got) == 1814073344


def test_depth_rows_of_nested_containers():
    tr = traced("Nested")
    got = table(tr, 2)
    assert got == [("stem", "Sequential", 0, None), ("  stem.0", "Linear", 144, 256), ("  stem.1", "ReLU", 0, 0),
                   ("  stem.2", "Sequential", 272 + 272, 512 + 512),
                   # Scaled holds `gain` (16) and `spare` (never called, 51) besides the rows below it
                   ("mid", "Scaled", 16 + 51, None), ("  mid.body", "Sequential", 544, 1024), ("  mul", "mul", 0, 0),
                   ("head", "Sequential", 0, None), ("  head.0", "Linear", 68, 128)]
    assert sum(r[2] for r in got) == int(tr.total_params) == 1367
    deep = table(tr, 3)
    assert [r[0] for r in deep][3:6] == ["  stem.2", "    stem.2.0", "    stem.2.1"]
    assert deep[5][2:] == (272, 512)
    # the notes name what no row shows: every call's rows leave out spare and gain, Scaled's row has them
    flat, nested = rows(tr), rows(tr, depth=2)
    assert (flat["unused"], flat["extra_params"]) == ([("mid.spare", 51)], 16)
    assert (nested["unused"], nested["extra_params"]) == ([], 0)


def test_repeated_and_never_called_containers():
    got = table(traced("Looped"), 2)
    names = [r[0] for r in got]
    # one ModuleList row across the residual adds its owner makes; the reused block: one row per call
    assert names == ["blocks", "  blocks.0", "add#1", "  blocks.1", "add#2", "  blocks.2", "add#3", "shared",
                     "  shared.0#1", "  shared.1#1", "shared", "  shared.0#2", "  shared.1#2", "head"]
    ctx = rows(traced("Looped"), depth=1)
    shared = [r for r in ctx["rows"] if r["name"] == "shared"]
    assert [(int(r["params"]), r["shared"], int(r["macs"])) for r in shared] == [(28, False, 4096), (0, True, 4096)]


def test_trainable_column_and_percent():
    ctx = rows(traced("Nested"), depth=2, columns=("trainable", "params_percent"))
    by = {r["name"]: r for r in ctx["rows"]}
    assert (by["stem.2"]["trainable"], by["stem.0"]["trainable"], by["stem.1"]["trainable"]) == ("False", "True", "")
    assert int(by["stem.2"]["trainable_params"]) == 0 and by["stem.2"]["percent"] == "39.80%"   # 544 / 1,367 = 0.39795
    assert ctx["total"]["non_trainable_params"] == 544


def test_json_modules_are_the_containers_with_their_sums():
    doc = document(trace(EX / "resnet18.py"), depth=2)
    mods = {m["name"]: m for m in doc["modules"]}
    assert list(mods)[:3] == ["layer1", "layer1.0", "layer1.1"] and "layer2.0.downsample" not in mods
    assert mods["layer2.0"] == {"name": "layer2.0", "type": "BasicBlock", "depth": 2, "calls": 1, "params": 230144,
                                "trainable_params": 230144, "macs": 179830784, "flops": 179830784,
                                "activation_bytes": 9 * 128 * 28 * 28 * 4}   # 9 outputs: 3 convs, 3 norms, 2 ReLUs, the add
    assert sum(mods[f"layer{i}"]["params"] for i in range(1, 5)) == 147968 + 525568 + 2099712 + 8393728
    assert len(document(trace(EX / "resnet18.py"))["modules"]) == 4 + 8 + 3   # stages, blocks, downsamples


@pytest.mark.parametrize("bad", [0, -1, -7])
def test_depth_must_be_positive(bad):
    with pytest.raises(InputError, match=f"--depth {bad} is not positive"):
        check_depth(bad)


# --- torchinfo 1.8.0 ----------------------------------------------------------------------------
@pytest.fixture(scope="session")
def torchinfo():
    try:
        import torch  # noqa: F401
        import torchinfo as ti
    except ImportError:
        msg = "torchinfo not importable (pip install -e '.[tools]')"
        if REQUIRE_TOOLS:
            pytest.fail(msg + " but SYMCNN_REQUIRE_TOOLS=1", pytrace=False)
        pytest.skip(msg)
    assert ti.__version__ == "1.8.0", ti.__version__
    return ti


def _torch_model(name: str):
    spec = importlib.util.spec_from_file_location("depth_nets", NETS)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return getattr(mod, name)().eval()


def torchinfo_rows(ti, model, shape, depth: int) -> list[tuple[str, str, list, list]]:
    """(dotted name, "Param #" as torchinfo prints it, input and output shapes) of every row down to
    ``depth``, the model's own left out."""
    stats = ti.summary(model, input_size=shape, depth=depth, verbose=0)
    names = {id(m): n for n, m in model.named_modules()}
    return [(names[id(info.module)], info.num_params_to_str(info.depth == depth), list(info.input_size),
             list(info.output_size)) for info in stats.summary_list if 0 < info.depth <= depth]


def symcnn_rows(tr, depth: int) -> list[tuple[str, str, list, list]]:
    """The same of symcnn's module rows (its rows of functional calls, which torchinfo has not, left out)."""
    ctx, tree = rows(tr, depth=depth, columns=("num_params",)), Tree(tr)
    out = []
    for e, r in zip(entries(tr, depth), ctx["rows"], strict=True):
        step = tr.steps[e.steps[0]] if e.kind == "step" else None
        if step is not None and step.via != "module":
            continue
        name, shape = e.module or step.name, ([int(v) for v in r["input"] or ()], [int(v) for v in r["output"] or ()])
        if r["shared"]:      # a later call: torchinfo's "(recursive)" when the module has parameters
            out.append((name, "(recursive)" if tree.params(name) != 0 else "--", *shape))
        elif r["params"] == 0:
            out.append((name, "--", *shape))
        else:
            n = f"{int(r['params']):,}"
            out.append((name, n if r["trainable_params"] != 0 else f"({n})", *shape))
    return out


@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("model", list(INPUTS))
def test_rows_match_torchinfo(torchinfo, model, depth):
    want = torchinfo_rows(torchinfo, _torch_model(model), INPUTS[model], depth)
    assert symcnn_rows(traced(model), depth) == want


@pytest.mark.parametrize("depth", [1, 2])
def test_resnet18_rows_match_torchinfo(torchinfo, depth):
    spec = importlib.util.spec_from_file_location("resnet18", EX / "resnet18.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    model = mod.model.eval() if hasattr(mod, "model") else mod.ResNet18().eval()
    assert symcnn_rows(trace(EX / "resnet18.py"), depth) == torchinfo_rows(torchinfo, model, (1, 3, 224, 224), depth)
