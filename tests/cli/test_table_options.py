"""summary --columns / --depth / --layer and derive --layer through the CLI: the columns in the order
asked, the layer filter with the totals over the whole net (and marked so), one-line errors (exit 2),
the torchinfo-like totals block, and every bundled example within 100 columns at --depth 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from symcnn.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples"
R152 = ROOT / "tests" / "solutions" / "nets" / "resnet152_style.py"
SCHEMA = json.loads((ROOT / "docs" / "schema.json").read_text())


def run(runner, *args):
    return runner.invoke(cli, [str(a) for a in args], prog_name="symcnn")


def ok(runner, *args) -> str:
    r = run(runner, *args)
    assert r.exit_code == 0, (r.output, r.exception)
    return r.stdout


def error(runner, *args) -> str:
    r = run(runner, *args)
    assert r.exit_code == 2 and r.stdout == "", (r.exit_code, r.output)
    assert r.stderr.startswith("symcnn: error: ") and r.stderr.count("\n") == 1, repr(r.stderr)
    return r.stderr.rstrip("\n")


def header(text: str) -> list[str]:
    """The words of the table's header line (the line above the dashes), split on 2+ spaces."""
    lines = text.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("---"))
    return re.split(r"\s{2,}", lines[i - 1].strip())


def test_default_table_and_the_totals_block(runner):
    out = ok(runner, "summary", EX / "alexnet.py")
    assert header(out) == ["layer", "type", "line", "output shape", "params", "MACs"]
    block = out.split("=" * 10)
    assert ("Total params: 62,378,344\nTrainable params: 62,378,344\nNon-trainable params: 0\n"
            "Total mult-adds: 1,135,256,096\n") in out
    assert len(block) >= 4 and "Totals over the whole net" not in out


def test_columns_in_the_order_given(runner):
    out = ok(runner, "summary", EX / "alexnet.py", "--columns", "macs,kernel_size", "--columns",
             "input_size,trainable,params_percent,num_params,macs")
    assert header(out) == ["layer", "type", "MACs", "kernel", "input shape", "trainable", "params %", "params"]
    conv1 = next(line for line in out.splitlines() if line.startswith("conv1 "))
    assert re.split(r"\s{2,}", conv1.strip()) == ["conv1", "Conv2d", "105,415,200", "11×11", "1×3×227×227",
                                                 "True", "0.06%", "34,944"]
    flops = ok(runner, "summary", EX / "alexnet.py", "--columns", "num_params,flops", "--flops", "flop")
    assert header(flops) == ["layer", "type", "params", "FLOPs"] and "Total FLOPs (flop): 2,270,512,192" in flops


@pytest.mark.parametrize(("args", "message"), [
    (["--columns", "params"], ("--columns: unknown column 'params'. Fix: use names among: line, input_size, "
                               "output_size, kernel_size, num_params, params_percent, trainable, macs, flops, "
                               "activation_bytes")),
    (["--columns", "macs,,flops"], "--columns: an empty column name"),
    (["--depth", "0"], "--depth 0 is not positive. Fix: give the deepest module level to show as rows"),
    (["--depth", "-2"], "--depth -2 is not positive"),
    (["--depth", "two"], "'two' is not a valid integer"),
    (["--layer", "layer9.*"], "--layer 'layer9.*' matches no layer. Fix: give a name of `symcnn summary` (e.g. "),
    (["--layer", "conv1", "--layer", "nope"], "--layer 'nope' matches no layer"),
])
def test_bad_options_give_one_line(runner, args, message):
    assert message in error(runner, "summary", EX / "resnet18.py", *args)


def test_a_pattern_matching_nothing_names_close_layers(runner):
    err = error(runner, "derive", EX / "resnet18.py", "--layer", "layer3.1.cnv1")
    assert "(e.g. layer3.1.conv1" in err


def test_layer_filter_keeps_the_whole_net_totals(runner):
    out = ok(runner, "summary", EX / "resnet18.py", "--layer", "layer3.1.*")
    names = [line.split()[0] for line in out.splitlines()[4:11]]
    # the block's calls, its residual add (made in its forward) included
    assert names == ["layer3.1.conv1", "layer3.1.bn1", "layer3.1.relu#1", "layer3.1.conv2", "layer3.1.bn2",
                     "add#6", "layer3.1.relu#2"]
    assert "Totals over the whole net (--layer keeps 7 of its 69 layers):\nTotal params: 11,689,512" in out
    many = ok(runner, "summary", EX / "resnet18.py", "--layer", "fc", "--layer", "*.downsample.0")
    assert [line.split()[0] for line in many.splitlines()[4:8]] == [
        "layer2.0.downsample.0", "layer3.0.downsample.0", "layer4.0.downsample.0", "fc"]
    doc = json.loads(ok(runner, "summary", EX / "resnet18.py", "--layer", "layer3.1", "--json"))
    jsonschema.validate(doc, SCHEMA)
    assert doc["layer_filter"] == ["layer3.1"] and len(doc["layers"]) == 7
    assert doc["total"]["params"] == 11689512 and [m["name"] for m in doc["modules"]] == ["layer3", "layer3.1"]


def test_layer_filter_with_depth(runner):
    out = ok(runner, "summary", EX / "resnet18.py", "--layer", "layer3.1.*", "--depth", "2")
    assert [line.split()[0] for line in out.splitlines()[6:8]] == ["layer3", "layer3.1"]
    assert "1,180,672" in out and "Total params: 11,689,512" in out


def test_derive_one_block_of_a_resnet152_style_net(runner):
    full = ok(runner, "derive", R152)
    one = ok(runner, "derive", R152, "--layer", "layer3.1.*")
    assert len(one) * 20 < len(full)
    sections = lambda text: {s.split(":", 1)[0]: s for s in text.split("\n\nLayer ")[1:]}
    a, b = sections(full), sections(one)
    kept = ["131", "132", "133", "134", "135", "136", "137", "138", "139", "140"]
    assert sorted(b) == kept
    for n in kept[:-1]:       # the layers, numbered as in the whole derivation, word for word
        assert b[n] == a[n], n
    assert b["140"].split("\n\nSummary")[0] == a["140"].split("\n\n")[0]
    assert "Total (whole net)" in one and "Totals over the whole net (--layer keeps 10 of its 515 layers):" in one
    assert "Total parameters = 951,788" in one and "Total parameters = 951,788" in full
    assert "layer3.1.conv3" in one and "layer3.2.conv1" not in one


@pytest.mark.parametrize("example", sorted(p.name for p in EX.glob("*.py")))
def test_every_example_fits_100_columns_at_depth_2(runner, example):
    out = ok(runner, "summary", EX / example, "--depth", "2")
    widths = [len(line) for line in out.splitlines()]
    assert max(widths) <= 100, (example, max(widths))
    assert "Total params: " in out and sum(set(line) == {"="} for line in out.splitlines()) == 4
    assert header(out) == ["layer", "type", "line", "output shape", "params", "MACs"]


def test_help_lists_the_columns_the_table_accepts():
    from symcnn.cli.options import COLUMN_NAMES
    from symcnn.solutions.table import COLUMNS

    assert COLUMN_NAMES == COLUMNS
