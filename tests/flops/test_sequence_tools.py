"""Each tool's count of one sequence layer or matrix product equals what the tool reported, on 148
configurations measured with the real tools (torch 2.13.0+cpu, torchinfo 1.8.0, fvcore
0.1.5.post20221221, thop 0.1.1.post2209072238, ptflops 0.7.5, torchscan 0.2.0, calflops 0.3.2) and
recorded in seq_tools.json: every recurrent kind (stacked, bidirectional, proj_size, unbatched, with
hx), MultiheadAttention (kdim/vdim, bias_kv, zero_attn, masks, need_weights, unbatched),
scaled_dot_product_attention, the Transformer layers and the matmul family. "ERR" is a tool crash,
which symcnn gives as NaN. The nets of tests/flops/nets/seq_*.py check the same against the tools live."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sympy import nan

import symcnn
from symcnn.flops.conventions import convention
from symcnn.tracing.products import einsum_result, product
from symcnn.tracing.tracedata import Step

DATA = json.loads((Path(__file__).parent / "seq_tools.json").read_text())["configs"]
TOOLS = ("torchinfo", "fvcore", "thop", "ptflops", "ptflops-aten", "calflops", "calflops-flops", "torchscan",
         "torchscan-flops")


def _seq(s, length, feat):
    if s.get("unbatched"):
        return (length, feat)
    return (s["N"], length, feat) if s["batch_first"] else (length, s["N"], feat)


def _rnn(s):
    kw = {"num_layers": s["layers"], "bias": s["bias"], "batch_first": s["batch_first"], "bidirectional": s["D"] == 2}
    if s["kind"] == "RNN":
        kw["nonlinearity"] = s["nonlinearity"]
    if s["kind"] == "LSTM":
        kw["proj_size"] = s["proj"]
    rule = symcnn.make(f"nn.{s['kind']}", s["x"], s["h"], **kw)
    x = _seq(s, s["L"], s["x"])
    lead = (s["layers"] * s["D"],) + (() if s["unbatched"] else (s["N"],))
    h0 = (*lead, s["proj"] or s["h"])
    more = (((h0, (*lead, s["h"])),) if s["kind"] == "LSTM" else (h0,)) if s["hx"] else ()
    return rule, (x, *more), {}


def _cell(s):
    rule = symcnn.make(f"nn.{s['kind']}", s["x"], s["h"], bias=s["bias"],
                       **({"nonlinearity": s["nonlinearity"]} if s["kind"] == "RNNCell" else {}))
    x = (s["x"],) if s["unbatched"] else (s["N"], s["x"])
    st = (s["h"],) if s["unbatched"] else (s["N"], s["h"])
    more = (((st, st),) if s["kind"] == "LSTMCell" else (st,)) if s["hx"] else ()
    return rule, (x, *more), {}


def _mha(s):
    E = s["E"]
    rule = symcnn.make("nn.MultiheadAttention", E, s["H"], bias=s["bias"], add_bias_kv=s["add_bias_kv"],
                       add_zero_attn=s["add_zero_attn"], kdim=s["kdim"], vdim=s["vdim"],
                       batch_first=s["batch_first"])
    q, k, v = _seq(s, s["L"], E), _seq(s, s["S"], s["kdim"]), _seq(s, s["S"], s["vdim"])
    call = {"need_weights": s["need_weights"], "average_attn_weights": s["average_attn_weights"]}
    if s["mask"] == "attn":
        call["attn_mask"] = (s["L"], s["S"])
    elif s["mask"] == "kpm":
        call["key_padding_mask"] = (s["N"], s["S"])
    return rule, (q, k, v), call


def _layer_kw(s):
    return {"dim_feedforward": s["ff"], "dropout": 0.1, "activation": s["activation"],
            "batch_first": s["batch_first"], "norm_first": s["norm_first"]}


def _transformer(family, s):
    E, H = s["E"], s["H"]
    kpm = {"src_key_padding_mask": (s["N"], s["L"])} if s.get("kpm") else {}
    if family == "EncLayer":
        return symcnn.make("nn.TransformerEncoderLayer", E, H, **_layer_kw(s)), (_seq(s, s["L"], E),), kpm
    if family == "DecLayer":
        return (symcnn.make("nn.TransformerDecoderLayer", E, H, **_layer_kw(s)),
                (_seq(s, s["T"], E), _seq(s, s["S"], E)), {})
    norm = symcnn.make("nn.LayerNorm", E) if s.get("final_norm") else None
    if family == "Encoder":
        layer = symcnn.make("nn.TransformerEncoderLayer", E, H, **_layer_kw(s))
        rule = symcnn.make("nn.TransformerEncoder", layer, s["layers"], norm, enable_nested_tensor=s["nested"])
        return rule, (_seq(s, s["L"], E),), kpm
    if family == "Decoder":
        layer = symcnn.make("nn.TransformerDecoderLayer", E, H, **_layer_kw(s))
        return (symcnn.make("nn.TransformerDecoder", layer, s["layers"], norm),
                (_seq(s, s["T"], E), _seq(s, s["S"], E)), {})
    rule = symcnn.make("nn.Transformer", E, H, s["enc_layers"], s["dec_layers"], **_layer_kw(s))
    return rule, (_seq(s, s["S"], E), _seq(s, s["T"], E)), {}


def _product_step(name, s):
    kind, shapes = s["kind"], [tuple(v) for v in s["shapes"]]
    if kind.startswith("einsum:"):
        res = einsum_result(kind.split(":", 1)[1], shapes)
        return Step(0, "einsum", "torch.einsum", "functional", None, tuple(shapes), res.shape, None, res)
    op = {"@": "matmul"}.get(kind, kind)
    bias = shapes[0] if op in ("addmm", "baddbmm") else None
    a, b = shapes[-2:]
    res = product(op, a, b, bias)
    key = "torch.matmul" if kind == "@" else f"{'Tensor' if name.startswith('tensor_') else 'torch'}.{op}"
    return Step(0, op, key, "tensor" if kind == "@" else "functional", None, tuple(shapes), res.shape, None, res)


def step_of(name, cfg):
    family, s = cfg["family"], cfg["sizes"]
    if family == "Matmul":
        return _product_step(name, s)
    if family == "SDPA":
        rule = symcnn.make("F.scaled_dot_product_attention", is_causal=s["is_causal"])
        shapes = (tuple(s["q"]), tuple(s["k"]), tuple(s["v"]))
        res = rule(*shapes)
        return Step(0, "sdpa", rule.key, "functional", None, shapes, res.shape, rule, res)
    build = {"RNN": _rnn, "LSTM": _rnn, "GRU": _rnn, "RNNCell": _cell, "LSTMCell": _cell, "GRUCell": _cell,
             "MHA": _mha}.get(family)
    rule, inputs, call = build(s) if build else _transformer(family, s)
    res = rule(*inputs, **call)
    flat = tuple(t for x in inputs for t in (x if isinstance(x[0], tuple) else (x,)))
    flat += tuple(v for v in call.values() if isinstance(v, tuple))
    return Step(0, "layer", rule.key, "module", None, flat, res.shape, rule, res)


# what symcnn does not model here, with the reason (config name prefix or family, tool)
NOT_MODELLED = {
    ("_nomkldnn", "ptflops-aten"): "the caller switched oneDNN off (torch.backends.mkldnn.flags), invisible to a trace",
    ("_train", "torchscan-flops"): "training mode: symcnn counts eval()",
    ("transformer_", "torchscan"): "a bare nn.Transformer as the model: torchscan hooks only the root",
    ("transformer_", "torchscan-flops"): "a bare nn.Transformer as the model: torchscan hooks only the root",
    ("_noparam", "calflops"): "calflops crashes on a model without parameters (next(model.parameters()))",
    ("_noparam", "calflops-flops"): "calflops crashes on a model without parameters",
    ("_kpm_pads", "thop"): "thop counts the tokens a NestedTensor keeps: symcnn gives NaN (the mask's values)",
}
def _not_modelled(name, tool):
    for (part, t), why in NOT_MODELLED.items():
        if t == tool and part in name and not (part == "transformer_" and name.endswith("_wrapped")):
            return why
    return None


MEASURED = [(n, t) for n, c in DATA.items() if c["family"] != "Part" for t in TOOLS if t in c["tools"]]
# the measured counts symcnn reproduces; the others are listed (never skipped) with their reason
CASES = [(n, t) for n, t in MEASURED if _not_modelled(n, t) is None]


def test_what_is_not_modelled_is_each_a_stated_reason():
    left_out = sorted((n, t, _not_modelled(n, t)) for n, t in MEASURED if _not_modelled(n, t))
    assert len(left_out) == 11 and {why for *_, why in left_out} <= set(NOT_MODELLED.values())
    assert len(CASES) > 1000


@pytest.mark.parametrize(("name", "tool"), CASES, ids=[f"{n}-{t}" for n, t in CASES])
def test_tool_count(name, tool):
    cfg = DATA[name]
    want = cfg["tools"][tool]
    batch = cfg["ptflops_batch"] if tool == "ptflops" else None
    got = convention(tool).total([step_of(name, cfg)], batch)
    if want == "ERR":
        assert got is nan, f"{name} under {tool}: the tool crashes, symcnn gives {got}"
    else:
        assert got == want, f"{name} under {tool}: symcnn {got}, the tool {want}"


def test_coverage():
    assert len({n for n, _ in CASES}) >= 140 and len(CASES) >= 1200
