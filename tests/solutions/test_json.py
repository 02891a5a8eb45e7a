"""The JSON document of `derive --json` / `summary --json`: values, round trip, schema, --set.

Traces are built here by hand from the rules (so these tests do not depend on the tracer); the
CLI tests run the same document through the real tracer on the bundled examples.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from derivation_nets import mnist_trace
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Eq, floor, simplify

from symcnn.core.errors import InputError
from symcnn.core.intarith import FloorDiv
from symcnn.core.symbols import H, W
from symcnn.core.userinput import parse_sets, resolve_sets
from symcnn.solutions import jsonout

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def same(a, b) -> bool:
    """Exactly equal: both written with SymPy floors, the difference simplifies to 0."""
    return simplify(a.rewrite(floor) - b.rewrite(floor)) == 0


def test_numeric_document_values_are_ints_and_validate():
    doc = jsonout.document(mnist_trace((1, 1, 28, 28)))
    VALIDATOR.validate(doc)
    assert doc["input_shape"] == [1, 1, 28, 28]
    assert doc["symbols"] == []
    conv1, pool1, conv2 = doc["layers"][:3]
    assert conv1 == {"name": "conv1", "type": "Conv2d", "key": "nn.Conv2d", "line": 10,
                     "input_shape": [1, 1, 28, 28], "output_shape": [1, 10, 24, 24], "params": 260,
                     "weights": 250, "biases": 10, "macs": 144000, "flops": 144000,
                     "activation_bytes": 4 * 10 * 24 * 24}
    assert pool1["output_shape"] == [1, 10, 12, 12] and pool1["params"] == 0
    assert conv2["macs"] == 20 * 8 * 8 * 10 * 25
    assert doc["layers"][6]["params"] == 2550 and "shared" not in doc["layers"][6]
    assert doc["layers"][7]["shared"] is True and doc["layers"][7]["params"] == 0
    assert doc["layers"][7]["macs"] == 2500
    assert doc["total"]["params"] == 260 + 5020 + 320 * 50 + 50 + 50 * 50 + 50
    assert doc["total"]["macs"] == 144000 + 320000 + 16000 + 2 * 2500
    assert doc["constraints"] == []


def test_symbolic_document_round_trips_through_sympify():
    trace = mnist_trace((1, 1, H, W))
    doc = json.loads(jsonout.dumps(jsonout.document(trace, convention="flop")))
    VALIDATOR.validate(doc)
    assert doc["input_shape"] == [1, 1, "H", "W"]
    assert doc["symbols"] == ["H", "W"]
    assert doc["layers"][3]["output_shape"] == [1, 20, "floor((H - 12)/4)", "floor((W - 12)/4)"]
    assert doc["constraints"] == ["Eq(20*floor((H - 12)/4)*floor((W - 12)/4), 320)"]
    for lay, step in zip(doc["layers"], trace.steps, strict=True):
        for got, want in zip(lay["output_shape"], step.output, strict=True):
            assert same(jsonout.parse_value(got, doc["symbols"]), want), (lay["name"], got, want)
        assert same(jsonout.parse_value(lay["flops"], doc["symbols"]), 2 * step.macs), lay["name"]
    assert jsonout.parse_value(doc["output_shape"][1], doc["symbols"]) == 50
    total = jsonout.parse_value(doc["total"]["macs"], doc["symbols"])
    assert total.subs({H: 28, W: 28}) == 144000 + 320000 + 16000 + 5000


def test_parse_value_gives_the_canonical_floor():
    assert jsonout.parse_value("floor((H - 12)/4)", ["H"]) == FloorDiv(H - 12, 4)
    assert jsonout.parse_value(55, []) == 55


def test_set_substitutes_after_the_closed_form():
    trace = mnist_trace((1, 1, H, W))
    subs = resolve_sets(trace, parse_sets(["H=28", "W=28"]))
    doc = jsonout.document(trace, subs=subs)
    VALIDATOR.validate(doc)
    numeric = jsonout.document(mnist_trace((1, 1, 28, 28)))
    assert doc["symbols"] == [] and doc["constraints"] == []
    assert doc["layers"] == numeric["layers"] and doc["total"] == numeric["total"]
    assert doc["input_shape"] == [1, 1, 28, 28]


def test_partial_set_keeps_the_other_symbol():
    trace = mnist_trace((1, 1, H, W))
    doc = jsonout.document(trace, subs=resolve_sets(trace, parse_sets(["H=28"])))
    VALIDATOR.validate(doc)
    assert doc["symbols"] == ["W"]
    assert doc["layers"][3]["output_shape"] == [1, 20, 4, "floor((W - 12)/4)"]
    assert doc["constraints"] == ["Eq(80*floor((W - 12)/4), 320)"]


def test_set_that_breaks_a_constraint_names_line_and_numbers():
    trace = mnist_trace((1, 1, H, W))
    with pytest.raises(InputError) as e:
        resolve_sets(trace, parse_sets(["H=32", "W=32"]))
    msg = str(e.value)
    assert msg.startswith("net.py:20: with H=32, W=32 the net does not hold: view(-1, 320) needs 320 features")
    assert "20·⌊(H − 12)/4⌋·⌊(W − 12)/4⌋ = 500, but must equal 320" in msg


def test_set_of_unknown_symbol():
    with pytest.raises(InputError, match=r"--set X=3: X is not a symbol of the input 1×1×H×W; its symbols are H, W"):
        resolve_sets(mnist_trace((1, 1, H, W)), parse_sets(["X=3"]))
    with pytest.raises(InputError, match="its input has no symbols"):
        resolve_sets(mnist_trace((1, 1, 28, 28)), parse_sets(["H=3"]))


def test_unknown_convention_is_an_input_error():
    with pytest.raises(InputError, match="unknown FLOPs convention 'nope'"):
        jsonout.document(mnist_trace((1, 1, 28, 28)), convention="nope")


@pytest.mark.parametrize("bad", [
    {"symcnn": "0.1.0"},
    {"value": 1.5}, {"value": ""}, {"value": "12"}, {"value": None}, {"value": -3},
])
def test_schema_rejects_malformed_documents(bad):
    doc = jsonout.document(mnist_trace((1, 1, 28, 28)))
    if "value" in bad:
        doc["layers"][0]["macs"] = bad["value"]
    else:
        doc = bad
    assert not VALIDATOR.is_valid(doc)


def test_schema_rejects_unknown_keys():
    doc = jsonout.document(mnist_trace((1, 1, 28, 28)))
    doc["layers"][0]["mac"] = 3
    assert not VALIDATOR.is_valid(doc)


def test_summary_rows_text_and_latex():
    from symcnn.solutions.jsonout import render_summary

    trace = mnist_trace((1, 1, H, W))
    text = render_summary(trace)
    assert "1×20×⌊(H − 12)/4⌋×⌊(W − 12)/4⌋" in text
    assert "1×10×(H − 4)×(W − 4)" in text
    assert "valid when:\n  20·⌊(H − 12)/4⌋·⌊(W − 12)/4⌋ = 320\n" in text
    lines = text.splitlines()
    header = next(i for i, ln in enumerate(lines) if ln.startswith("layer"))
    assert len({len(ln) for ln in lines[header:header + 2]}) == 1   # header and rule aligned
    tex = render_summary(mnist_trace((1, 1, 28, 28)), fmt="latex", lang="zh")
    assert tex.startswith("% !TEX program = xelatex\n\\documentclass[a4paper]{ctexart}") and "23{,}880" in tex
    assert r"\texttt{fc1}" in tex and "\\item 参数总量：23{,}880\n" in tex
    md = render_summary(trace, fmt="markdown")
    assert "- Total params: 23,880\n- Trainable params: 23,880\n" in md
    assert r"| `pool2` | MaxPool2d | 13 | $1 \times 20 \times \left\lfloor \frac{H - 12}{4} \right\rfloor" in md


@settings(max_examples=150)
@given(a=st.integers(1, 5), b=st.integers(-30, 30), m=st.integers(1, 6), k=st.integers(-3, 5),
       floor_=st.booleans(), c=st.integers(1, 3))
def test_folded_size_bounds_are_exact(a, b, m, k, floor_, c):
    """H ≥ s0 from `_lower_bound` holds exactly for the H (1..80) where the original condition holds
    (c·⌊(a·H + b)/m⌋ ≥ k too: 2·⌊(H + 1)/4⌋ ≥ 1 is H ≥ 3)."""
    from sympy import Ge

    from symcnn.solutions.summary import _lower_bound
    from symcnn.solutions.summary import fold_bounds as _display_constraints

    lhs = c * (FloorDiv(a * H + b, m) if floor_ else a * H + b)
    rel = Ge(lhs, k)
    if rel in (True, False) or not getattr(rel, "is_Relational", False):
        return
    bound = _lower_bound(rel)
    if bound is None:
        assert _display_constraints([rel]) == [rel]
        return
    sym, s0 = bound
    assert sym == H
    for h in range(1, 81):
        assert bool(rel.subs(H, h)) == (h >= s0), (rel, h, s0)
    shown = _display_constraints([rel, Eq(W, 3)])
    assert shown == ([Ge(H, s0)] if s0 > 1 else []) + [Eq(W, 3)]
    if floor_ and (a, b, m, k, c) == (1, 1, 4, 1, 2):
        assert s0 == 3



def test_input_shapes_lists_every_input_of_forward(tmp_path, runner):
    """Several --inputs: input_shapes has each, in order; input_shape stays the first (issue 16)."""
    from symcnn.cli.main import cli

    net = tmp_path / "siamese.py"
    net.write_text("import torch.nn as nn\n\n\nclass Siamese(nn.Module):\n    def __init__(self):\n"
                   "        super().__init__()\n        self.f = nn.Linear(8, 4)\n\n    def forward(self, a, b):\n"
                   "        return self.f(a) - self.f(b.sum(0, keepdim=True))\n")
    r = runner.invoke(cli, ["summary", str(net), "--input", "2x8", "--input", "5x8", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["input_shape"] == [2, 8] and doc["input_shapes"] == [[2, 8], [5, 8]]
    assert doc["output_shape"] == [2, 4] and doc["total"]["params"] == 36
