"""How each counting tool counts MultiheadAttention, F.scaled_dot_product_attention and the
TransformerEncoder's nested-tensor path (see sequence.py for the whole story).

Owns: MHA_COUNTS, SDPA_COUNTS, ENCODER_COUNTS, TRANSFORMER_COUNTS, nested. Never: import torch or a tool.
"""

from __future__ import annotations

from sympy import Integer, Piecewise, nan

from .base import Count, zero
from .ops import Op, fdiv
from .recurrent import rule, with_bias

MHA, SDPA = "nn.MultiheadAttention", "F.scaled_dot_product_attention"


# --- MultiheadAttention ----------------------------------------------------------------------------

def call(op: Op) -> dict:
    return op.step.result.detail["call"]


def terms(op: Op) -> dict:
    return op.step.result.detail["terms"]


def _lin(op: Op):
    t = terms(op)
    return t["q_proj"] + t["k_proj"] + t["v_proj"] + t["out_proj"]


def _masked(op: Op) -> bool:
    return call(op)["attn_mask"] is not None or call(op)["key_padding_mask"] is not None


def _mask_numel(op: Op):
    """numel of the mask torch.baddbmm adds to the scores: (1, L, S') for a 2-D attn_mask,
    (N·H, 1, S') for a key_padding_mask alone, (N·H, L, S') otherwise."""
    c, r = call(op), rule(op)
    am, kpm = c["attn_mask"], c["key_padding_mask"]
    nh = c["N"] * r.heads
    if am is not None and len(am) == 2 and kpm is None:
        return c["L"] * c["S_eff"]
    if am is None:
        return nh * c["S_eff"]
    return nh * c["L"] * c["S_eff"]


def _fv_mha(op: Op):
    t = terms(op)
    return _lin(op) + (t["weighted_sum"] + (0 if _masked(op) else t["scores"]) if call(op)["need_weights"] else 0)


def _pt_mha(op: Op):
    c, r, t = call(op), rule(op), terms(op)
    if not c["batched"]:
        return nan
    E, H, kd, vd, L, S, n = r.E, r.heads, r.kdim, r.vdim, c["L"], c["S"], c["N"]
    hook = (L * E + L * E * E + S * kd * kd + S * vd * vd + (L + 2 * S) * E * with_bias(op)
            + H * (L * S * fdiv(E, H) + L * S + L * S * fdiv(vd, H)) + L * vd * (vd + 1))
    func = 0
    if c["need_weights"]:
        func = t["scores"] + t["weighted_sum"] + n * H * L * c["S_eff"] + (_mask_numel(op) if _masked(op) else 0)
    return n * hook / op.b + func


def _aten_mha(op: Op):
    c, r, t = call(op), rule(op), terms(op)
    n, L, S, E = c["N"], c["L"], c["S"], r.E

    def contiguous(length):
        return 1 if not (r.batch_first and c["batched"]) else Piecewise((1, (n <= 1) | (length <= 1)), (0, True))
    bias = with_bias(op) * (n * L * E * contiguous(L) + 2 * n * S * E * contiguous(S) + n * L * E)
    att = t["weighted_sum"] + (0 if _masked(op) else t["scores"]) if c["need_weights"] else 0
    return _lin(op) + bias + att


def _cf_mha(op: Op):
    return _lin(op) + (terms(op)["scores"] if call(op)["need_weights"] and _masked(op) else 0)


def _cf_mha_flops(op: Op):
    c, r = call(op), rule(op)
    extra = 0
    if c["need_weights"]:
        extra = c["N"] * r.heads * c["L"] * c["S_eff"] + (_mask_numel(op) if _masked(op) else 0)
    return 2 * _cf_mha(op) + extra


def _ts_mha_flops(op: Op):
    c, r = call(op), rule(op)
    if not c["batched"] or r.bias_kv or r.zero_attn:
        return Integer(0)
    n, L, S, E, H, hd, b = c["N"], c["L"], c["S"], r.E, r.heads, r.head_dim, with_bias(op)
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
                    when=lambda op: _masked(op) or not call(op)["need_weights"]),
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
    r, c = rule(op), op.step.result.detail.get("call", {})
    layer = r.layer
    return (bool(r.args.get("enable_nested_tensor", True)) and c.get("kpm") and not c.get("mask")
            and len(op.x) == 3 and layer.batch_first and not layer.norm_first and layer.sub["self_attn"].bias
            and layer.act_name in ("relu", "gelu") and layer.sub["self_attn"].heads % 2 == 0)


_NESTED = ("with a src_key_padding_mask on a batch-first input in eval(), TransformerEncoder packs the tokens "
           "into a NestedTensor: {what}")


def _unless_nested(what: str):
    return Count(f"the sum of its sub-layers; {_NESTED.format(what=what)}", lambda op: nan if nested(op) else None,
                 bug=_NESTED.format(what=what), when=nested)


_BARE = ("when the nn.Transformer is itself the model, torchscan hooks only it: MACs 0 and module FLOPs from its "
         "own formula (ReLU only); symcnn counts the layers of an nn.Transformer inside a model, as torchscan does")
TRANSFORMER_COUNTS = {n: Count("the sum of its sub-layers' counts", lambda op: None, bug=_BARE, when=lambda op: False)
                      for n in ("torchscan", "torchscan-flops")}

ENCODER_COUNTS = {
    "torchinfo": _unless_nested("torchinfo then crashes (NestedTensorImpl doesn't support sizes)"),
    "torchscan": _unless_nested("torchscan then crashes (NestedTensorImpl doesn't support sizes)"),
    "torchscan-flops": _unless_nested("torchscan then crashes (NestedTensorImpl doesn't support sizes)"),
    "thop": _unless_nested("thop then counts only the tokens that are not padding, which depends on the "
                           "mask's values"),
}
