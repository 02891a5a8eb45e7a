"""How each counting tool counts the sequence layers: RNN/LSTM/GRU, their cells, MultiheadAttention,
F.scaled_dot_product_attention and the Transformer layers (those are counted as the sum of their
sub-layers, see Convention.count; the entries here are where a tool departs from that sum).

Measured with torch 2.13.0+cpu, torchinfo 1.8.0, fvcore 0.1.5.post20221221, thop 0.1.1.post2209072238,
ptflops 0.7.5, torchscan 0.2.0 and calflops 0.3.2 (read in their sources, checked on 148 single-layer
configurations and the nets of tests/flops/nets/seq_*.py). A count that a tool cannot give (it
crashes, or the number depends on tensor values) is NaN, and its words say why.
Owns: SEQUENCE (tool name -> its entries). Never: import torch or a tool.
"""

from __future__ import annotations

from sympy import Integer, Piecewise, nan

from ..rules.base import numel
from .base import Count, zero
from .ops import Op, fdiv

RNNS = ("nn.RNN", "nn.LSTM", "nn.GRU")
CELLS = ("nn.RNNCell", "nn.LSTMCell", "nn.GRUCell")
MHA, SDPA = "nn.MultiheadAttention", "F.scaled_dot_product_attention"
EXTRA = {"RNN": 1, "GRU": 7, "LSTM": 10}   # ptflops/calflops: elementwise ops per hidden unit and step


def _r(op: Op):
    return op.step.rule


def _b(op: Op) -> int:
    return int(_r(op).bias)


def _layers_sum(op: Op, per_input, per_layer=lambda: 0):
    """Σ over layers of per_input(in_l) + per_layer(): layer 0 has input_size, the others D·h_out."""
    r = _r(op)
    return per_input(r.x) + (r.layers - 1) * per_input(r.D * r.h_out) + r.layers * per_layer()


def _s01(op: Op):
    """input.shape[0]·input.shape[1]: N·L batched, L·input_size unbatched (the tools read it so)."""
    return op.x[0] * op.x[1] if len(op.x) > 1 else op.x[0]


# --- RNN / LSTM / GRU ------------------------------------------------------------------------------

def _thop_cell(op: Op, i):
    r = _r(op)
    base = r.h * (i + r.h) + r.h + 2 * r.h * _b(op)
    return {"RNN": base, "GRU": 3 * base + 4 * r.h, "LSTM": 4 * base + 4 * r.h}[r.mode]


def _thop_rnn(op: Op):
    r = _r(op)
    return _s01(op) * r.D * (_thop_cell(op, r.x) + (r.layers - 1) * _thop_cell(op, r.D * r.h))


def _pt_rnn(op: Op):
    r = _r(op)
    gh = r.G * r.h
    per = _layers_sum(op, lambda i: gh * i, lambda: gh * r.h_out + EXTRA[r.mode] * r.h + 2 * gh * _b(op))
    return _s01(op) * r.D * per / op.b


def _cf_rnn(op: Op):
    r = _r(op)
    gh = r.G * r.h
    per = _layers_sum(op, lambda i: 2 * gh * i - gh,
                      lambda: 2 * gh * r.h_out - gh + EXTRA[r.mode] * r.h + 2 * gh * _b(op))
    return _s01(op) * r.D * per


def _aten_rnn(op: Op):
    r = _r(op)
    if r.mode == "LSTM" and r.p == 0:
        return Integer(0)
    batched = len(op.x) == 3
    n = (op.x[0] if r.batch_first else op.x[1]) if batched else Integer(1)
    L = (op.x[1] if r.batch_first else op.x[0]) if batched else op.x[0]
    steps = n * L * r.D
    c0 = Piecewise((0, (n > 1) & (L > 1)), (1, True)) if batched and r.batch_first else 1
    bias = steps * r.G * r.h * (r.layers + (r.layers - 1) + c0) * _b(op)
    return op.plain + bias


_ONEDNN = ("ptflops' aten backend sees an LSTM without proj_size as one aten.mkldnn_rnn_layer (oneDNN on "
           "CPU), which it does not count")
RNN_COUNTS = {
    "torchinfo": Count("prod(output[0].shape[:2])·(all parameters, biases included): N·L·P batched, "
                       "L·D·h_out·P unbatched (its 'weight'-named-parameter rule)",
                       lambda op: numel(op.y[:2]) * _r(op).params,
                       bug="torchinfo multiplies every parameter of every layer by N·L (by L·D·h_out unbatched): "
                           "a parameter sweep per time step, with the biases"),
    "fvcore": zero("0: fvcore has no handle for aten::rnn_tanh / rnn_relu / lstm / gru (it warns)"),
    "thop": Count("s0·s1·D·[C(input_size) + (num_layers − 1)·C(D·h)] with C(i) = h(i + h) + h + 2h·bias "
                  "(×3 + 4h GRU, ×4 + 4h LSTM); s0·s1 = input.shape[0]·shape[1]; proj_size ignored", _thop_rnn,
                  bug="thop ignores proj_size and, for an unbatched input, multiplies by L·input_size",
                  when=lambda op: _r(op).p != 0 or len(op.x) == 2),
    "ptflops": Count("s0·s1·D·Σ_l (G·h·in_l + G·h·h_out + X·h + 2G·h·bias) / batch, X = 1/7/10 "
                     "(RNN/GRU/LSTM), W_hr ignored", _pt_rnn,
                     bug="ptflops divides by the model's first input dimension, which is not the batch size "
                         "here (a sequence-first or unbatched input)",
                     when=lambda op: len(op.x) == 2 or not _r(op).batch_first),
    "ptflops-aten": Count("the aten mm/addmm of the decomposed layer: plain MACs + the biases torch adds with "
                          "addmm (b_hh every step; b_ih when the input is contiguous)", _aten_rnn),
    "calflops": zero("0: calflops' RNN hook fills only its FLOPs"),
    "calflops-flops": Count("s0·s1·D·Σ_l [(2G·h·in_l − G·h) + (2G·h·h_out − G·h) + X·h + 2G·h·bias]", _cf_rnn),
    "torchscan": zero("0: torchscan has no formula for recurrent layers (the metric is marked partial)"),
    "torchscan-flops": zero("0: torchscan has no formula for recurrent layers (the metric is marked partial)"),
}


LSTM_ATEN = Count("the aten mm/addmm of the decomposed layer (plain MACs + the biases added with addmm) "
                  "with proj_size; 0 without", _aten_rnn, bug=_ONEDNN, when=lambda op: _r(op).p == 0)


def _cell_unbatched(op: Op) -> bool:
    return len(op.x) == 1


def _crash_unbatched(fn):
    return lambda op: nan if _cell_unbatched(op) else fn(op)


def _pt_cell(op: Op):
    r = _r(op)
    gh = r.G * r.h
    return op.x[0] * (gh * r.x + gh * r.h + EXTRA[r.mode] * r.h + 2 * gh * _b(op)) / op.b


def _cf_cell(op: Op):
    r = _r(op)
    gh = r.G * r.h
    return op.x[0] * (2 * gh * r.x + 2 * gh * r.h - 2 * gh + EXTRA[r.mode] * r.h + 2 * gh * _b(op))


_CELL_CRASH = "{tool} crashes (IndexError: inp.shape[1]) on an unbatched cell input"
CELL_COUNTS = {
    "torchinfo": Count("prod(output.shape[:2])·(all parameters): N·h·P batched, h·P unbatched (its "
                       "'weight'-named-parameter rule)", lambda op: numel(op.y[:2]) * _r(op).params,
                       bug="torchinfo multiplies every parameter by N·h (by h unbatched)"),
    "fvcore": Count("N·G·h·(input_size + h): two aten::linear, biases ignored", lambda op: op.plain),
    "thop": Count("input.shape[0]·C(input_size), C as for the RNNs (input.shape[0] = input_size unbatched)",
                  lambda op: op.x[0] * _thop_cell(op, _r(op).x)),
    "ptflops": Count("N·(G·h·input_size + G·h·h + X·h + 2G·h·bias) / batch", _crash_unbatched(_pt_cell),
                     bug=_CELL_CRASH.format(tool="ptflops"), when=_cell_unbatched),
    "ptflops-aten": Count("N·(all parameters): two addmm with both biases (mm without bias)",
                          lambda op: (op.x[0] if len(op.x) == 2 else 1) * _r(op).params),
    "calflops": zero("0: calflops' RNN hook fills only its FLOPs"),
    "calflops-flops": Count("N·(2G·h·input_size + 2G·h·h − 2G·h + X·h + 2G·h·bias)", _crash_unbatched(_cf_cell),
                            bug=_CELL_CRASH.format(tool="calflops"), when=_cell_unbatched),
    "torchscan": RNN_COUNTS["torchscan"], "torchscan-flops": RNN_COUNTS["torchscan-flops"],
}


# --- MultiheadAttention ----------------------------------------------------------------------------

def _c(op: Op) -> dict:
    return op.step.result.detail["call"]


def _t(op: Op) -> dict:
    return op.step.result.detail["terms"]


def _lin(op: Op):
    t = _t(op)
    return t["q_proj"] + t["k_proj"] + t["v_proj"] + t["out_proj"]


def _masked(op: Op) -> bool:
    return _c(op)["attn_mask"] is not None or _c(op)["key_padding_mask"] is not None


def _mask_numel(op: Op):
    """numel of the mask torch.baddbmm adds to the scores: (1, L, S') for a 2-D attn_mask,
    (N·H, 1, S') for a key_padding_mask alone, (N·H, L, S') otherwise."""
    c, r = _c(op), _r(op)
    am, kpm = c["attn_mask"], c["key_padding_mask"]
    nh = c["N"] * r.heads
    if am is not None and len(am) == 2 and kpm is None:
        return c["L"] * c["S_eff"]
    if am is None:
        return nh * c["S_eff"]
    return nh * c["L"] * c["S_eff"]


def _fv_mha(op: Op):
    t = _t(op)
    return _lin(op) + (t["weighted_sum"] + (0 if _masked(op) else t["scores"]) if _c(op)["need_weights"] else 0)


def _pt_mha(op: Op):
    c, r, t = _c(op), _r(op), _t(op)
    if not c["batched"]:
        return nan
    E, H, kd, vd, L, S, n = r.E, r.heads, r.kdim, r.vdim, c["L"], c["S"], c["N"]
    hook = (L * E + L * E * E + S * kd * kd + S * vd * vd + (L + 2 * S) * E * _b(op)
            + H * (L * S * fdiv(E, H) + L * S + L * S * fdiv(vd, H)) + L * vd * (vd + 1))
    func = 0
    if c["need_weights"]:
        func = t["scores"] + t["weighted_sum"] + n * H * L * c["S_eff"] + (_mask_numel(op) if _masked(op) else 0)
    return n * hook / op.b + func


def _aten_mha(op: Op):
    c, r, t = _c(op), _r(op), _t(op)
    n, L, S, E = c["N"], c["L"], c["S"], r.E

    def contiguous(length):
        return 1 if not (r.batch_first and c["batched"]) else Piecewise((1, (n <= 1) | (length <= 1)), (0, True))
    bias = _b(op) * (n * L * E * contiguous(L) + 2 * n * S * E * contiguous(S) + n * L * E)
    att = t["weighted_sum"] + (0 if _masked(op) else t["scores"]) if c["need_weights"] else 0
    return _lin(op) + bias + att


def _cf_mha(op: Op):
    return _lin(op) + (_t(op)["scores"] if _c(op)["need_weights"] and _masked(op) else 0)


def _cf_mha_flops(op: Op):
    c, r = _c(op), _r(op)
    extra = 0
    if c["need_weights"]:
        extra = c["N"] * r.heads * c["L"] * c["S_eff"] + (_mask_numel(op) if _masked(op) else 0)
    return 2 * _cf_mha(op) + extra


def _ts_mha_flops(op: Op):
    c, r = _c(op), _r(op)
    if not c["batched"] or r.bias_kv or r.zero_attn:
        return Integer(0)
    n, L, S, E, H, hd, b = c["N"], c["L"], c["S"], r.E, r.heads, r.head_dim, _b(op)
    f = n * L * E * (2 * E - 1 + b) + n * S * E * (2 * r.kdim - 1 + b) + n * S * E * (2 * r.vdim - 1 + b)
    f += 1 + n * H * L * hd + n * H * L * S * (2 * hd - 1)
    masks = int(c["attn_mask"] is not None) + int(c["key_padding_mask"] is not None)
    f += masks * n * H * L * S + n * H * L * (3 * S - 1) + n * H * L * hd * (2 * S - 1)
    f += n * L * E * (2 * E - 1) + b * n * L * E
    if c["need_weights"] and c["average"]:
        f += n * H * L * S
    return f


_MHA_NOT_LEAF = "0: torchinfo counts leaf modules; MultiheadAttention has the child out_proj, which it never calls"
MHA_COUNTS = {
    "torchinfo": zero(_MHA_NOT_LEAF),
    "fvcore": Count("Q/K/V/output projections (aten::linear, no bias) + with need_weights QKᵀ and AV (aten::bmm); "
                    "a mask turns QKᵀ into aten::baddbmm, which it does not count; need_weights=False: projections only",
                    _fv_mha, bug="fvcore leaves out QKᵀ when a mask is given and the whole attention (QKᵀ, AV) "
                                 "with need_weights=False (scaled_dot_product_attention has no handle)",
                    when=lambda op: _masked(op) or not _c(op)["need_weights"]),
    "thop": zero("0: thop has no rule for MultiheadAttention (and out_proj is never called)"),
    "ptflops": Count("its MHA hook / batch: L·E + L·E² + L_s·E_k² + L_s·E_v² + bias·(L + 2L_s)·E + "
                     "n_h·(L·L_s·E/n_h + L·L_s + L·L_s·E_v/n_h) + L·E_v·(E_v + 1), per sample; plus with need_weights "
                     "the patched torch.bmm/baddbmm (QKᵀ, AV, the mask) and F.softmax inside",
                     _pt_mha, bug="ptflops squares kdim and vdim in the K/V projections, counts attention twice "
                                  "(hook and patched bmm) and crashes (IndexError) on unbatched inputs"),
    "ptflops-aten": Count("projections + their biases where aten uses addmm (contiguous inputs) + with "
                          "need_weights AV, and QKᵀ unless a mask makes it a baddbmm; need_weights=False: the "
                          "flash kernel is not counted", _aten_mha),
    "calflops": Count("the patched F.linear projections (no bias) + QKᵀ when need_weights and a mask call the "
                      "patched torch.baddbmm (torch.bmm is not patched)", _cf_mha,
                      bug="calflops counts QKᵀ only on the masked path and AV never"),
    "calflops-flops": Count("2·its MACs + with need_weights F.softmax (N·n_h·L·L_s') and the baddbmm's mask",
                            _cf_mha_flops),
    "torchscan": zero("0: torchscan has no MACs formula for MultiheadAttention (the metric is marked partial)"),
    "torchscan-flops": Count("its flops_mha: projections 2·in − 1 + bias per output, 1 + scaling, scores, masks, "
                             "softmax 3L_s − 1, AV, out_proj, + N·n_h·L·L_s for returned averaged weights; 0 "
                             "(unavailable) for unbatched inputs, add_bias_kv or add_zero_attn", _ts_mha_flops),
}


def _flash(op: Op) -> bool:
    q, k, v = op.step.inputs[:3]
    return len(q) == len(k) == len(v) == 4 and q[-1] == k[-1] == v[-1]


SDPA_COUNTS = {
    "ptflops-aten": Count("0 on the CPU flash kernel (q, k, v 4-D with equal head dims), else the math "
                          "path's two bmm: B·L·L_s·(E + E_v)", lambda op: Integer(0) if _flash(op) else op.plain),
    "fvcore": zero("0: fvcore has no handle for aten::scaled_dot_product_attention"),
}
for _tool in ("torchinfo", "thop", "ptflops", "calflops", "calflops-flops", "torchscan", "torchscan-flops"):
    SDPA_COUNTS[_tool] = zero("0: F.scaled_dot_product_attention is neither a module nor a patched function")


# --- Transformer layers: departures from the sum of the parts ---------------------------------------

def nested(op: Op) -> bool:
    """TransformerEncoder's nested-tensor path under eval() and no_grad (torchinfo, thop, torchscan):
    a src_key_padding_mask without mask on a batch-first 3-D input, layers that allow it."""
    r, c = _r(op), op.step.result.detail.get("call", {})
    layer = r.layer
    return (bool(r.args.get("enable_nested_tensor", True)) and c.get("kpm") and not c.get("mask")
            and len(op.x) == 3 and layer.batch_first and not layer.norm_first and layer.sub["self_attn"].bias
            and layer.act_name in ("relu", "gelu") and layer.sub["self_attn"].heads % 2 == 0)


_NESTED = ("with a src_key_padding_mask on a batch-first input in eval(), TransformerEncoder packs the tokens "
           "into a NestedTensor: {what}")


def _unless_nested(what: str):
    return Count(f"the sum of its sub-layers; {_NESTED.format(what=what)}", lambda op: nan if nested(op) else None,
                 bug=_NESTED.format(what=what), when=nested)


ENCODER_COUNTS = {
    "torchinfo": _unless_nested("torchinfo then crashes (NestedTensorImpl doesn't support sizes)"),
    "torchscan": _unless_nested("torchscan then crashes (NestedTensorImpl doesn't support sizes)"),
    "torchscan-flops": _unless_nested("torchscan then crashes (NestedTensorImpl doesn't support sizes)"),
    "thop": _unless_nested("thop then counts only the tokens that are not padding, which depends on the "
                           "mask's values"),
}


def bias_adds(op: Op):
    """Bias additions of a recurrent or attention layer (symcnn's flop+bias): an RNN adds b_ih and b_hh
    per gate, time step, layer and direction; attention adds the in-projection biases to Q, K, V and
    out_proj's bias to the output."""
    r = _r(op)
    if op.kind == "attention":
        if op.step.key != MHA:
            return Integer(0)
        c = _c(op)
        return _b(op) * c["N"] * r.E * (2 * c["L"] + 2 * c["S"])
    d = op.step.result.detail
    return _b(op) * d["N"] * d["L"] * r.D * r.layers * 2 * r.G * r.h


def table(tool: str) -> dict[str, Count]:
    """The entries of one tool's table for the sequence layers."""
    out: dict[str, Count] = {}
    for keys, counts in ((RNNS, RNN_COUNTS), (CELLS, CELL_COUNTS), ((MHA,), MHA_COUNTS), ((SDPA,), SDPA_COUNTS),
                         (("nn.TransformerEncoder",), ENCODER_COUNTS)):
        if tool in counts:
            out.update({k: counts[tool] for k in keys})
    if tool == "ptflops-aten":
        out["nn.LSTM"] = LSTM_ATEN
    return out


__all__ = ["bias_adds", "nested", "table"]
