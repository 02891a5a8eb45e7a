"""Derivations as data: seed AlexNet numbers, symbolic MNIST closed form and composition, and the
general formula shown is the rule's own computation (no second copy)."""

from __future__ import annotations

import json

import pytest
from derivation_nets import H, W, alexnet, mnist
from hypothesis import given, reject, settings
from hypothesis import strategies as st
from sympy import Integer

from symcnn import RuleError, make
from symcnn.core import fmt
from symcnn.core.symbols import C_in, C_out, D, G, K, P, S, size_symbol
from symcnn.solutions.derivation import derive, formula
from symcnn.solutions.steps import evaluate

SEED_003 = {  # layer: (output size H×W×C, params) from seed 003's table
    "conv1": ("55×55×96", 34944), "pool1": ("27×27×96", 0), "conv2": ("27×27×256", 614656),
    "pool2": ("13×13×256", 0), "conv3": ("13×13×384", 885120), "conv4": ("13×13×384", 1327488),
    "conv5": ("13×13×256", 884992), "pool3": ("6×6×256", 0), "fc1": ("4096", 37752832),
    "fc2": ("4096", 16781312), "fc3": ("1000", 4097000)}


def _size(layer):
    """The course notes' H×W×C per sample: the output in layout hwc."""
    from symcnn.core.render import laid_out

    return "×".join(str(v) for v in laid_out(layer.output, "hwc"))


def test_alexnet_reproduces_seed_003():
    d = derive(alexnet())
    by_name = {lay.name: lay for lay in d.layers}
    for name, (size, params) in SEED_003.items():
        assert (_size(by_name[name]), by_name[name].params) == (size, params), name
    assert d.params == 62378344
    assert d.params_terms == [34944, 614656, 885120, 1327488, 884992, 37752832, 16781312, 4097000]
    conv1 = by_name["conv1"]
    assert [fmt.text(s.expr) for s in conv1.sizes[0].steps] == [
        "⌊(227 + 2·0 − 1·(11 − 1) − 1)/4⌋ + 1", "⌊216/4⌋ + 1", "54 + 1", "55"]
    assert [w.id for w in conv1.sizes[0].steps[2].why] == ["exact"]   # 216 = 4·54: no "round down"
    assert conv1.sizes[0].also and conv1.sizes[0].also[0].value == 55   # W_out, same steps
    assert (conv1.weights.value, conv1.biases.value, conv1.macs.value) == (34848, 96, 105415200)


def test_symbolic_mnist_closed_form_composition_and_constraint():
    d = derive(mnist((1, 1, H, W)))
    pool2 = d.layers[5]
    assert fmt.text(pool2.output[2]) == "⌊(H − 12)/4⌋"
    assert fmt.sympy_str(pool2.output[2]) == "floor((H - 12)/4)"
    comp = [(fmt.text(c.nested), fmt.text(c.canonical)) for c in pool2.compositions]
    assert comp[0] == ("⌊(⌊(H − 4)/2⌋ − 4)/2⌋", "⌊(H − 12)/4⌋")
    assert evaluate(pool2.compositions[0].nested) == pool2.output[2]
    steps = pool2.sizes[0].steps
    assert [s.ids for s in steps][-2:] == [("compose",), ("absorb",)]
    rels = [(fmt.text(r.lhs), r.rel, r.rhs) for r in d.constraints]
    assert ("20·⌊(H − 12)/4⌋·⌊(W − 12)/4⌋", "eq", 320) in rels
    view = d.layers[6]
    assert view.reshape.kind == "reshape" and fmt.text(view.reshape.result) == "20·⌊(H − 12)/4⌋·⌊(W − 12)/4⌋"


def test_subs_after_closed_form():
    d = derive(mnist((1, 1, H, W)), subs={H: 28, W: 28})
    assert d.at["params"] == 21840 and d.at["macs"] == derive(mnist()).macs
    assert d.layers[5].at["output"] == (1, 20, 4, 4)
    assert d.layers[5].sizes[0].at == 4


def test_general_formula_is_the_rules_own_computation():
    """The formula shown, with this layer's values put in, gives exactly what the rule computed;
    and it is the rule called with symbols (not a hand-written copy)."""
    for trace in (alexnet(), mnist(), mnist((1, 1, H, W))):
        for lay, step in zip(derive(trace).layers, trace.steps):
            for c in [*lay.sizes, lay.weights, lay.biases, lay.macs]:
                if c is None:
                    continue
                assert evaluate(c.steps[0].expr) == evaluate(c.steps[-1].expr) == c.value
            assert {c.value for c in lay.sizes} <= set(step.output)
    conv = make("nn.Conv2d", C_in, C_out, K, stride=S, padding=P, dilation=D, groups=G)
    H_in, W_in, N = size_symbol("H_in"), size_symbol("W_in"), size_symbol("N")
    r = conv((N, C_in, H_in, W_in))
    f = formula("Conv2d")
    assert evaluate(f.sizes[0].general) == r.shape[2]
    assert evaluate(f.weights) == conv.weights and evaluate(f.biases) == conv.biases
    assert fmt.text(f.sizes[0].general) == "⌊(H_in + 2·P − D·(K − 1) − 1)/S⌋ + 1"


@pytest.mark.parametrize("key", ["nn.Conv2d", "nn.MaxPool2d", "nn.Linear", "nn.ReLU", "nn.BatchNorm2d"])
def test_formula_available(key):
    f = formula(key)
    assert f.available and f.signature.startswith(key + "(")


def test_to_dict_is_json_with_exact_integers():
    d = derive(alexnet()).to_dict()
    text = json.dumps(d)
    assert d["params"] == 62378344 and isinstance(d["params"], int)
    assert "62378344" in text
    s = derive(mnist((1, 1, H, W))).to_dict()
    assert s["layers"][5]["output"][2] == "floor((H - 12)/4)"


def test_unknown_convention_is_an_input_error():
    from symcnn.core.errors import InputError

    with pytest.raises(InputError):
        derive(mnist(), convention="nope")
    assert derive(mnist(), convention="flop").flops == 2 * derive(mnist()).macs == Integer(961000)


def test_subs_by_name_and_per_axis_symbols():
    from derivation_nets import chain

    t = chain("T", "t.py", (1, 3, H, W), [("c", "nn.Conv2d", (3, 8, (3, 5)), {"stride": (1, 2), "padding": (1, 2)})])
    d = derive(t, subs={"H": 20, "W": 20})
    lay = d.layers[0]
    assert lay.at["output"] == (1, 8, 20, 10)
    names = {fmt.text(e.symbol): (e.value, e.arg, e.base) for e in lay.legend}
    assert names["K_H"] == (3, "kernel_size", "K") and names["K_W"] == (5, "kernel_size", "K")
    assert names["S_W"] == (2, "stride", "S")
    assert [fmt.text(c.general) for c in lay.sizes] == ["⌊(H_in + 2·P_H − D·(K_H − 1) − 1)/S_H⌋ + 1",
                                                        "⌊(W_in + 2·P_W − D·(K_W − 1) − 1)/S_W⌋ + 1"]
    assert fmt.text(lay.sizes[1].value) == "⌈W/2⌉" and lay.sizes[1].at == 10


def test_unused_reused_and_extra_params_in_totals():
    t = mnist()
    t.unused.append(("spare", make("nn.Linear", 10, 2)))
    t.extra_params = Integer(7)
    t.steps[9].first_call = False          # pretend fc2 is a module called a second time
    d = derive(t)
    assert d.params_terms == [260, 5020, 16050, 22, 7]
    assert d.params == t.total_params == 260 + 5020 + 16050 + 22 + 7
    assert d.layers[9].params == 0 and not d.layers[9].first_call


def test_conventions_other_than_mac():
    d = derive(alexnet(), convention="flop+bias")
    conv1 = d.layers[0]
    assert conv1.flops == 2 * 105415200 + 55 * 55 * 96
    assert d.flops == sum(lay.flops for lay in d.layers)


@settings(max_examples=25)
@given(st.data())
def test_steps_evaluate_to_the_rules_value(data):
    """Random conv/pool chains, numeric and symbolic: every calculation's first line (the
    substitution) and last line (the value) are equal, and equal what the rule computed."""
    from derivation_nets import chain

    layers, c = [], 2
    for i in range(data.draw(st.integers(1, 4), label="depth")):
        k = data.draw(st.integers(1, 4), label="kernel")
        s = data.draw(st.integers(1, 3), label="stride")
        p = data.draw(st.integers(0, k // 2), label="padding")
        if data.draw(st.booleans(), label="conv"):
            d = data.draw(st.integers(1, 2), label="dilation")
            layers.append((f"c{i}", "nn.Conv2d", (c, c + 1, k), {"stride": s, "padding": p, "dilation": d}))
            c += 1
        else:
            layers.append((f"p{i}", "nn.MaxPool2d", (k,), {"stride": s, "padding": p,
                                                           "ceil_mode": data.draw(st.booleans(), label="ceil")}))
    symbolic = chain("T", "t.py", (1, 2, H, W), layers)
    size = data.draw(st.integers(40, 80), label="size")
    try:
        numeric = chain("T", "t.py", (1, 2, size, size), layers)
    except RuleError:
        reject()  # the chain shrinks this input below a kernel: torch rejects it too
    for trace in (numeric, symbolic):
        d = derive(trace, subs={H: size, W: size} if trace is symbolic else None)
        for lay, step in zip(d.layers, trace.steps):
            for calc in [lay.weights, lay.biases, lay.macs]:
                if calc is not None:
                    assert evaluate(calc.steps[0].expr) == calc.value
            for calc, ceil in zip(lay.sizes, lay.ceil, strict=True):
                if ceil is None:
                    assert evaluate(calc.steps[0].expr) == calc.value
                elif ceil.dropped is None:   # symbolic: the last line is the closed form of both steps
                    assert evaluate(calc.steps[-1].expr) == calc.value
                else:                        # ceil_mode: rounded up, then the last window dropped or not
                    assert evaluate(calc.steps[0].expr) - ceil.dropped == calc.value
            assert {c.value for c in lay.sizes} <= set(step.output)
    for ln, ls in zip(derive(numeric).layers, derive(symbolic, subs={H: size, W: size}).layers):
        assert (ls.at or {}).get("output", ls.output) == ln.output


def test_matmul_macs_are_worked_out_as_b_m_n_k(torch):
    """A matmul has no rule, but its MACs are shown as b·m·n·k with this call's values, equal to
    the traced count and to torch's own shapes (2·3·5 outputs, each a 4-long dot product)."""
    from pathlib import Path

    from symcnn.core.symbols import MM_B, MM_K, MM_M, MM_N
    from symcnn.solutions.general import matmul_macs
    from symcnn.tracing.tracer import trace

    path = Path(__file__).resolve().parents[1] / "tracing" / "nets" / "ok_matmul.py"
    d = derive(trace(path))
    mm, mv = d.layers
    assert fmt.text(mm.macs.general) == "b·k·m·n" and mm.macs.value == 120
    assert [fmt.text(s.expr) for s in mm.macs.steps] == ["2·4·3·5", "120"]
    assert [(e.symbol, e.value) for e in mm.legend] == [(MM_B, 2), (MM_M, 3), (MM_N, 5), (MM_K, 4)]
    assert fmt.text(mv.macs.general) == "b·k·m"
    assert [fmt.text(s.expr) for s in mv.macs.steps] == ["2·5·3", "30"]
    assert d.macs == 150 == int(torch.randn(2, 3, 4).matmul(torch.randn(4, 5)).numel()) * 4 + 2 * 3 * 5
    assert matmul_macs((3, 4), (4, 5), (3, 5), Integer(61)) is None   # never a formula that disagrees


def _steps(c):
    return [fmt.text(s.expr) for s in c.steps]


def test_a_division_says_exact_or_what_the_floor_drops():
    from derivation_nets import chain

    d = derive(chain("T", "t.py", (1, 1, 10, 10), [("c", "nn.Conv2d", (1, 1, 5), {"stride": 2})]))
    lay = d.layers[0]
    assert _steps(lay.sizes[0]) == ["⌊(10 + 2·0 − 1·(5 − 1) − 1)/2⌋ + 1", "⌊5/2⌋ + 1", "2 + 1", "3"]
    why = lay.sizes[0].steps[2].why[0]
    assert why.id == "floor" and [fmt.text(e) for e in why.eq] == ["5", "2·2 + 1"]
    assert "[round down: 5 = 2·2 + 1]" in d.render("text")
    assert "round down" not in derive(alexnet()).render("text")   # AlexNet's divisions are all exact


def test_trivial_factors_go_after_the_substitution_and_transposed_conv_shows_each_step():
    from derivation_nets import chain

    t = chain("T", "t.py", (1, 8, 3, 3), [("t", "nn.ConvTranspose2d", (8, 16, 3), {"stride": 2, "padding": 1})])
    lay = derive(t).layers[0]
    assert _steps(lay.sizes[0]) == ["(3 − 1)·2 − 2·1 + 1·(3 − 1) + 0 + 1", "2·2 − 2 + 2 + 1", "4 − 2 + 2 + 1", "5"]
    sym = derive(chain("T", "t.py", (1, 1, H, W), [("c", "nn.Conv2d", (1, 2, 5), {})])).layers[0]
    assert _steps(sym.sizes[0]) == ["⌊(H + 2·0 − 1·(5 − 1) − 1)/1⌋ + 1", "H − 5 + 1", "H − 4"]


def test_ceil_mode_is_rounded_up_and_the_last_window_dropped_only_when_it_starts_in_the_padding(torch):
    from derivation_nets import chain

    for size, k, s, p, dropped, out in ((7, 2, 2, 1, True, 4), (14, 3, 2, 0, False, 7)):
        t = chain("T", "t.py", (1, 1, size, size), [("p", "nn.MaxPool2d", (k,), {"stride": s, "padding": p,
                                                                                 "ceil_mode": True})])
        lay = derive(t).layers[0]
        c, check = lay.sizes[0], lay.ceil[0]
        assert fmt.text(c.general) == "⌈(H_in + 2·P − D·(K − 1) − 1)/S⌉ + 1"
        assert check.dropped is dropped and c.value == out
        real = torch.nn.MaxPool2d(k, s, p, ceil_mode=True)(torch.zeros(1, 1, size, size)).shape[-1]
        assert real == out
        text = derive(t).render("text")
        assert ("PyTorch drops the last window" in text) is dropped
    assert "ceil_mode=True" in formula("MaxPool2d").render("text")
    assert "⌈(H_in + 2·P − D·(K − 1) − 1)/S⌉ + 1" in formula("MaxPool2d").render("text")


def test_padding_same_shows_the_padding_and_why_the_size_is_kept():
    from derivation_nets import chain

    t = chain("T", "t.py", (1, 3, 9, 9), [("a", "nn.Conv2d", (3, 4, 3), {"padding": "same"}),
                                          ("b", "nn.Conv2d", (4, 4, 4), {"padding": "same"})])
    a, b = derive(t).layers
    assert [(q.total.value, q.left, q.right) for q in a.same] == [(2, 1, 1)]
    assert [(q.total.value, q.left, q.right) for q in b.same] == [(3, 1, 2)]
    assert [v for _, _, v in b.same[0].sizes] == [9, 9]
    text = derive(t).render("text")
    assert "padding='same' pads D·(K − 1) = 1·(4 − 1) = 3 in total, 1 on the left and 2 on the right" in text
    assert "H_out = H_in = 9: with stride 1" in text
