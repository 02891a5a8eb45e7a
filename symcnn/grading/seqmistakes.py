"""The classic mistakes of recurrent and attention layers, recomputed from the rule's own
hyper-parameters the way a student who made them would count (their words are in the catalogues,
[mistakes] of templates/i18n/<lang>.toml):

- one_bias_per_gate: the textbook/Keras count 4·(h·(h + x) + h): one bias vector per gate set instead
  of torch's two (b_ih and b_hh);
- forgot_gates: no ×4 (LSTM) or ×3 (GRU) for the gate-stacked weights and biases;
- bidirectional_once: one direction of a bidirectional layer;
- stacked_input_size: a layer ≥ 2 counted with input_size instead of h (2h bidirectional);
- mha_forgot_out_proj: attention without its output projection (E² + E);
- mha_split_heads_params: attention parameters divided by the number of heads;
- attention_forgot_scores: attention MACs without QKᵀ and AV.

A Transformer layer (a composite) makes the attention mistakes in each of its attention parts.
Owns: SEQ_MISTAKES, seq_counts. Never: write a message, read answers or format reports.
"""

from __future__ import annotations

from sympy import Integer

from ..tracing.tracedata import Step

SEQ_MISTAKES = ("one_bias_per_gate", "forgot_gates", "bidirectional_once", "stacked_input_size",
                "mha_forgot_out_proj", "mha_split_heads_params", "attention_forgot_scores")
_FIELDS = ("params", "weights", "biases", "macs")


def _recurrent(mid: str, step: Step) -> dict:
    r = step.rule
    P, W, B, M = step.params, step.weights, step.biases, step.macs
    d = step.result.detail if step.result is not None else {}
    proj_w = r.layers * r.D * r.h * r.p               # W_hr (not gate-stacked)
    proj_m = d.get("terms", {}).get("proj", Integer(0))
    if mid == "one_bias_per_gate" and r.bias:
        half = r.layers * r.D * r.G * r.h
        return {"params": P - half, "biases": B - half}
    if mid == "forgot_gates" and r.G != 1:
        return {"params": (P - proj_w) / r.G + proj_w, "weights": (W - proj_w) / r.G + proj_w,
                "biases": B / r.G, "macs": (M - proj_m) / r.G + proj_m}
    if mid == "bidirectional_once" and r.D == 2:
        return {f: v / 2 for f, v in zip(_FIELDS, (P, W, B, M))}
    if mid == "stacked_input_size" and r.layers != 1 and r.x != r.D * r.h_out:
        extra = r.D * (r.layers - 1) * r.G * r.h * (r.x - r.D * r.h_out)
        steps = d.get("N", Integer(1)) * d.get("L", Integer(1))
        return {"params": P + extra, "weights": W + extra, "macs": M + steps * extra}
    return {}


def _attention_parts(step: Step) -> list[tuple]:
    """(rule, result, count) of every MultiheadAttention in a step (itself, or a Transformer's parts)."""
    if step.rule.key == "nn.MultiheadAttention":
        return [(step.rule, step.result, Integer(1))]
    out = []

    def walk(parts, times):
        for p in parts:
            if p.rule.key == "nn.MultiheadAttention":
                out.append((p.rule, p.result, times * p.count))
            walk(p.result.detail.get("parts", ()), times * p.count)
    walk(step.result.detail.get("parts", ()) if step.result is not None else (), Integer(1))
    return out


def _attention(mid: str, step: Step) -> dict:
    parts = _attention_parts(step)
    if not parts:
        return {}
    P, W, B, M = step.params, step.weights, step.biases, step.macs
    if mid == "mha_forgot_out_proj":
        w = sum((c * r.E * r.E for r, _, c in parts), Integer(0))
        b = sum((c * r.E for r, _, c in parts if r.bias), Integer(0))
        terms = sum((c * res.detail["terms"]["out_proj"] for _, res, c in parts), Integer(0))
        return {"params": P - w - b, "weights": W - w, "biases": B - b, "macs": M - terms}
    if mid == "mha_split_heads_params" and all(r.heads != 1 for r, _, _ in parts):
        cut = {f: sum((c * getattr(r, f) * (1 - Integer(1) / r.heads) for r, _, c in parts), Integer(0))
               for f in ("params", "weights", "biases")}
        return {"params": P - cut["params"], "weights": W - cut["weights"], "biases": B - cut["biases"]}
    if mid == "attention_forgot_scores":
        qk = sum((c * (res.detail["terms"]["scores"] + res.detail["terms"]["weighted_sum"])
                  for _, res, c in parts), Integer(0))
        return {"macs": M - qk}
    return {}


def seq_counts(mid: str, step: Step, field: str) -> list:
    """Values of ``field`` (params, weights, biases, macs) of a sequence-layer step under ``mid``."""
    rule = step.rule
    if rule is None or mid not in SEQ_MISTAKES:
        return []
    if rule.family == "recurrent":
        found = _recurrent(mid, step)
    elif rule.key == "F.scaled_dot_product_attention":
        found = {"macs": Integer(0)} if mid == "attention_forgot_scores" and step.macs != 0 else {}
    elif rule.family in ("attention", "transformer"):
        found = _attention(mid, step)
    else:
        found = {}
    value = found.get(field)
    return [] if value is None or value == getattr(step, field, None) else [value]


__all__ = ["SEQ_MISTAKES", "seq_counts"]
