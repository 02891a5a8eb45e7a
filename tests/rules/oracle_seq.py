"""Generated cases of the sequence layers for the torch oracle (recurrent, attention, transformer):
random valid and invalid configurations, inputs, states and masks from a seeded ``random.Random``.

Owns: recurrent_cases, attention_cases, transformer_cases, SEQ_FAMILIES. Never: import torch or decide
what is valid (torch decides; tests/rules/test_rules_*.py compare).
"""

from __future__ import annotations

import random

from oracle_cases import SAME, Case, M, T


def _maybe(rng: random.Random, p: float, good, bad):
    return bad if rng.random() < p else good


def recurrent_cases(rng: random.Random, n: int = 200) -> list[Case]:
    out = []
    for i in range(n):
        kind = ("RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell")[i % 6]
        x, h = rng.randint(1, 7), rng.randint(2, 8)
        bias = _maybe(rng, 0.03, rng.random() < 0.7, 1)
        feat = _maybe(rng, 0.08, x, x + 1)
        if kind.endswith("Cell"):
            kw: dict = {"bias": bias}
            if kind == "RNNCell":
                kw["nonlinearity"] = rng.choice(["tanh", "relu", "relu", "gelu"][: 3 + (rng.random() < 0.2)])
            n_ = rng.randint(1, 4)
            batched = rng.random() < 0.7
            shape = (n_, feat) if batched else (feat,)
            state = (n_, h) if batched else (h,)
            if rng.random() < 0.05:
                shape = (2, n_, feat)
            more: tuple = ()
            if rng.random() < 0.4:
                st = _maybe(rng, 0.15, state, (*state[:-1], h + 1) if rng.random() < 0.5 else (3, *state))
                more = ((T(st), T(state)),) if kind == "LSTMCell" else (T(st),)
            out.append(Case(f"nn.{kind}", (x, h), kw, shape, more=more))
            continue
        layers = _maybe(rng, 0.03, rng.randint(1, 3), 0)
        D = 2 if rng.random() < 0.4 else 1
        bf = _maybe(rng, 0.03, rng.random() < 0.5, "yes")
        kw = {"num_layers": layers, "bias": bias, "batch_first": bf, "bidirectional": D == 2,
              "dropout": rng.choice([0.0, 0.0, 0.25, 1.0, 1.5][: 4 + (rng.random() < 0.1)])}
        if kind == "RNN" and rng.random() < 0.6:
            kw["nonlinearity"] = rng.choice(["tanh", "relu", "relu", "sigmoid"][: 3 + (rng.random() < 0.2)])
        p = 0
        if kind == "LSTM" and rng.random() < 0.5:
            p = rng.randint(1, h - 1) if rng.random() < 0.9 else rng.choice([h, h + 1, -1])
            kw["proj_size"] = p
        args: tuple = (x, h)
        if rng.random() < 0.3:   # positional num_layers (and RNN's nonlinearity)
            args = (x, h, kw.pop("num_layers"))
        L, n_ = rng.randint(1, 5), rng.randint(1, 4)
        batched = rng.random() < 0.75
        shape = ((n_, L, feat) if bf is True else (L, n_, feat)) if batched else (L, feat)
        if rng.random() < 0.04:
            shape = (feat,) if rng.random() < 0.5 else (1, *shape, 1)
        more = ()
        if rng.random() < 0.35:
            h_out = p if p > 0 else h
            lead = (layers * D, n_) if batched else (layers * D,)
            h0 = _maybe(rng, 0.15, (*lead, h_out), rng.choice([(*lead, h_out + 1), (layers * D + 1, *lead[1:], h_out),
                                                                 lead + (1, h_out)]))
            more = ((T(h0), T((*lead, h))),) if kind == "LSTM" else (T(h0),)
        out.append(Case(f"nn.{kind}", args, kw, shape, more=more))
    return out


def _mask(rng, shape, bad: float = 0.08):
    s = tuple(v + 1 if rng.random() < bad and i == len(shape) - 1 else v for i, v in enumerate(shape))
    return T(s, rng.choice(["bool", "float"]))


def mha_case(rng: random.Random) -> Case:
    heads = rng.choice([1, 2, 3, 4])
    E = heads * rng.randint(1, 4) + (1 if rng.random() < 0.06 else 0)
    kw: dict = {"bias": rng.random() < 0.8, "add_bias_kv": rng.random() < 0.2, "add_zero_attn": rng.random() < 0.2,
                "batch_first": rng.random() < 0.5}
    separate = rng.random() < 0.3
    kd = vd = E
    if separate:
        kd, vd = rng.randint(1, 9), rng.randint(1, 9)
        kw["kdim"], kw["vdim"] = kd, vd
    L, S, n = rng.randint(1, 5), rng.randint(1, 6), rng.randint(1, 3)
    batched = rng.random() < 0.8
    bf = kw["batch_first"]

    def seq(length, feat, bn=n):
        return ((bn, length, feat) if bf else (length, bn, feat)) if batched else (length, feat)
    q = seq(L, E if rng.random() < 0.94 else E + 1)
    self_attn = not separate and rng.random() < 0.5
    if self_attn:
        more: tuple = (SAME, SAME)
        S = L
    else:
        nk = n if rng.random() < 0.95 else n + 1
        more = (T(seq(S, kd if rng.random() < 0.95 else kd + 1, nk)), T(seq(S, vd, nk)))
    call: dict = {}
    if rng.random() < 0.4:
        call["need_weights"] = rng.random() < 0.5
    if rng.random() < 0.3:
        call["average_attn_weights"] = False
    if rng.random() < 0.3:
        call["key_padding_mask"] = _mask(rng, (n, S) if batched else (S,))
    if rng.random() < 0.3:
        am = (L, S) if rng.random() < 0.6 else ((n * heads) if batched else heads, L, S)
        call["attn_mask"] = _mask(rng, am)
        if "key_padding_mask" in call:   # torch needs both masks of one type
            call["key_padding_mask"] = T(call["key_padding_mask"].shape, call["attn_mask"].dtype)
    if rng.random() < 0.1:
        call["is_causal"] = True
    return Case("nn.MultiheadAttention", (E, heads), kw, q, more=more, call=call)


def sdpa_case(rng: random.Random) -> Case:
    rank = rng.choice([2, 3, 4, 4])
    batch = tuple(rng.randint(1, 3) for _ in range(rank - 2))
    L, S, e, ev = rng.randint(1, 5), rng.randint(1, 6), rng.randint(1, 6), rng.randint(1, 6)

    def bdims():   # broadcastable variants of the batch dims
        return tuple(1 if rng.random() < 0.2 else v for v in batch)
    kw: dict = {}
    if rng.random() < 0.2:
        kw["is_causal"] = True
    if rng.random() < 0.15:
        kw["scale"] = 0.5
    q, k, v = (*batch, L, e), (*bdims(), S, e if rng.random() < 0.95 else e + 1), (*bdims(), S, ev)
    if rank >= 3 and rng.random() < 0.2:
        kw["enable_gqa"] = True
        heads = rng.choice([1, 2, 3])
        q = (*batch[:-1], batch[-1] * heads, L, e)
    call = {}
    if rng.random() < 0.3 and not kw.get("is_causal"):
        call["attn_mask"] = T(rng.choice([(L, S), (*batch, L, S), (1, S), (L, S + 1)]), rng.choice(["bool", "float"]))
    return Case("F.scaled_dot_product_attention", (), kw, q, more=(T(k), T(v)), call=call)


def attention_cases(rng: random.Random, n: int = 150) -> list[Case]:
    return [mha_case(rng) if i % 4 else sdpa_case(rng) for i in range(n)]


def _layer_kw(rng: random.Random, d: int, heads: int) -> dict:
    kw = {"dim_feedforward": rng.randint(1, 12), "batch_first": rng.random() < 0.5, "norm_first": rng.random() < 0.3,
          "bias": rng.random() < 0.8, "dropout": rng.choice([0.0, 0.1])}
    if rng.random() < 0.3:
        kw["activation"] = rng.choice(["gelu", "relu", "tanh"][: 2 + (rng.random() < 0.2)])
    return kw


def transformer_cases(rng: random.Random, n: int = 80) -> list[Case]:
    out = []
    for i in range(n):
        heads = rng.choice([1, 2, 4])
        d = heads * rng.randint(1, 3) + (1 if rng.random() < 0.05 else 0)
        kw = _layer_kw(rng, d, heads)
        bf, L, S, nb = kw["batch_first"], rng.randint(1, 5), rng.randint(1, 5), rng.randint(1, 3)
        batched = rng.random() < 0.85

        def seq(length, feat=d, bn=nb):
            return ((bn, length, feat) if bf else (length, bn, feat)) if batched else (length, feat)
        x = seq(L, d if rng.random() < 0.95 else d + 1)
        kind = i % 5
        call: dict = {}
        if kind == 0:
            if rng.random() < 0.3:
                call["src_mask"] = T((L, L), "bool")
            if rng.random() < 0.2:
                call["src_key_padding_mask"] = T((nb, L) if batched else (L,), "bool")
            out.append(Case("nn.TransformerEncoderLayer", (d, heads), kw, x, call=call))
        elif kind == 1:
            mem = T(seq(S, bn=nb if rng.random() < 0.95 else nb + 1))
            if rng.random() < 0.3:
                call["tgt_mask"] = T((L, L), "bool")
            out.append(Case("nn.TransformerDecoderLayer", (d, heads), kw, x, more=(mem,), call=call))
        elif kind == 2:
            norm = M("nn.LayerNorm", (d,)) if rng.random() < 0.5 else None
            layer = M("nn.TransformerEncoderLayer", (d, heads), kw)
            if rng.random() < 0.3:
                call["mask"] = T((L, L), "bool")
            out.append(Case("nn.TransformerEncoder", (layer, rng.randint(1, 3)), {"norm": norm}, x, call=call))
        elif kind == 3:
            norm = M("nn.LayerNorm", (d,)) if rng.random() < 0.5 else None
            layer = M("nn.TransformerDecoderLayer", (d, heads), kw)
            out.append(Case("nn.TransformerDecoder", (layer, rng.randint(1, 2)), {"norm": norm}, x,
                            more=(T(seq(S)),)))
        else:
            kw |= {"d_model": d, "nhead": heads, "num_encoder_layers": rng.randint(0, 2),
                   "num_decoder_layers": rng.randint(1, 2)}
            tgt = seq(L, bn=nb if rng.random() < 0.95 else nb + 1)
            out.append(Case("nn.Transformer", (), kw, seq(S), more=(T(tgt),)))
    return out


SEQ_FAMILIES = {"recurrent": (recurrent_cases, 8, 240), "attention": (attention_cases, 9, 160),
                "transformer": (transformer_cases, 10, 90)}
