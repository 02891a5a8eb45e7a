"""Sequence layers (recurrent, attention, transformer): the torch oracle on generated cases (every
output's shape and structure, parameter names, shapes and count), torch's known kernel-dependent
answers listed apart, and the closed forms of the parameter counts."""

from __future__ import annotations

import pytest
from oracle_cases import SAME, Case, M, T, family_cases, mismatches
from sympy import expand

import symcnn
from symcnn.core.symbols import E, F_in, Hid, N_layers


@pytest.mark.parametrize("family", ["recurrent", "attention", "transformer"])
def test_sequence_oracle(torch, family):
    cases = family_cases(family)
    known: list[str] = []
    bad = mismatches(torch, cases, known)
    print(f"{family} oracle: {len(cases)} cases, {len(bad)} mismatches, {len(known)} torch-inconsistent")
    assert not bad, "\n".join(bad[:20])
    assert len(known) <= len(cases) // 20, known


def test_enough_sequence_cases():
    counts = {f: len(family_cases(f)) for f in ("recurrent", "attention", "transformer")}
    valid = sum(1 for f in counts for c in family_cases(f) if _valid(c))
    assert sum(counts.values()) >= 300 and valid >= 300, (counts, valid)


def _valid(case) -> bool:
    from oracle_cases import run_symcnn

    return run_symcnn(case)[0] == "ok"


def test_lstm_closed_form():
    """PyTorch's LSTM: 4·(h·x + h·h + 2h) per layer and direction (two bias vectors per gate set)."""
    r = symcnn.make("nn.LSTM", F_in, Hid)
    assert expand(r.params - 4 * (Hid * F_in + Hid * Hid + 2 * Hid)) == 0
    stacked = symcnn.make("nn.LSTM", F_in, Hid, N_layers, bidirectional=True)
    per_above = 4 * (Hid * 2 * Hid + Hid * Hid + 2 * Hid)
    assert expand(stacked.params - 2 * (4 * (Hid * F_in + Hid * Hid + 2 * Hid) + (N_layers - 1) * per_above)) == 0
    assert symcnn.make("nn.LSTM", 10, 20, 3, bidirectional=True, proj_size=7).params == sum(
        n for n in (2 * (80 * 10 + 80 * 7 + 160 + 7 * 20), 4 * (80 * 14 + 80 * 7 + 160 + 7 * 20)))


def test_mha_closed_form():
    r = symcnn.make("nn.MultiheadAttention", E, 4)
    assert expand(r.params - (3 * E**2 + 3 * E + E**2 + E)) == 0
    res = r((5, 2, E), (5, 2, E), (5, 2, E))
    assert expand(res.macs - 2 * (4 * 5 * E**2 + 2 * 5 * 5 * E)) == 0   # quadratic in the length


# (case, message parts): torch must raise, symcnn must raise one line naming the condition and a fix
SEQ_INVALID = [
    (Case("nn.MultiheadAttention", (10, 3)), ["embed_dim=10 must be divisible by num_heads=3"]),
    (Case("nn.MultiheadAttention", (0, 2)), ["embed_dim and num_heads must be greater than 0"]),
    (Case("nn.LSTM", (10, 20), {"proj_size": 20}), ["proj_size=20 has to be smaller than hidden_size=20"]),
    (Case("nn.LSTM", (10, 20), {"proj_size": -1}), ["proj_size=-1 should be a positive integer or zero"]),
    (Case("nn.LSTM", (10, 20), {}, (5, 3, 12)), ["input's last dimension is 12 but input_size=10",
                                                  "set input_size=12"]),
    (Case("nn.GRU", (10, 20), {}, (5, 3, 2, 10)), ["expects a 2-D (unbatched) or 3-D (batched) input, got a 4-D"]),
    (Case("nn.RNN", (10, 20), {"nonlinearity": "sigmoid"}), ["Unknown nonlinearity 'sigmoid'"]),
    (Case("nn.RNN", (10, 20), {"dropout": 1.5}), ["dropout=1.5 should be a number in range [0, 1]"]),
    (Case("nn.GRU", (10, 0)), ["hidden_size=0 must be greater than zero"]),
    (Case("nn.LSTM", (10, 20), {"bias": 1}), ["bias=1 should be of type bool"]),
    (Case("nn.LSTM", (10, 20), {"num_layers": 0}), ["num_layers=0 must be greater than zero"]),
    (Case("nn.LSTMCell", (10, 20), {}, (3, 12)), ["input's last dimension is 12 but input_size=10"]),
    (Case("nn.GRUCell", (10, 20), {}, (3, 10), more=(T((2, 20)),)), ["h_0 has shape (2, 20) but should be (3, 20)"]),
    (Case("nn.LSTM", (10, 20), {}, (5, 3, 10), more=((T((1, 2, 20)), T((1, 3, 20))),)),
     ["h_0 has shape (1, 2, 20) but should be (1, 3, 20)"]),
    (Case("nn.LSTM", (10, 20), {"num_layers": 2, "proj_size": 5}, (5, 3, 10),
          more=((T((2, 3, 20)), T((2, 3, 20))),)), ["h_0 has shape (2, 3, 20) but should be (2, 3, 5)"]),
    (Case("nn.RNN", (10, 20), {}, (5, 10), more=(T((1, 3, 20)),)), ["h_0 is 3-D but the input is unbatched 2-D"]),
    (Case("nn.MultiheadAttention", (16, 4), {}, (5, 3, 12), more=(SAME, SAME)), ["query has 12 features but "
                                                                                  "embed_dim=16"]),
    (Case("nn.MultiheadAttention", (16, 4), {}, (5, 3, 16), more=(T((7, 3, 16)), T((6, 3, 16)))),
     ["differ in their sequence or batch dims"]),
    (Case("nn.MultiheadAttention", (16, 4), {"kdim": 8, "vdim": 8}, (5, 3, 16), more=(T((7, 3, 6)), T((7, 3, 8)))),
     ["key has 6 features but kdim=8"]),
    (Case("nn.MultiheadAttention", (16, 4), {}, (5, 3, 16), more=(SAME, SAME), call={"attn_mask": T((5, 4))}),
     ["attn_mask has shape (5, 4) but should be (5, 5)"]),
    (Case("nn.MultiheadAttention", (16, 4), {}, (5, 3, 16), more=(SAME, SAME),
          call={"key_padding_mask": T((2, 5), "bool")}), ["key_padding_mask has shape (2, 5) but should be (3, 5)"]),
    (Case("nn.MultiheadAttention", (16, 4), {}, (5, 3, 16), more=(SAME, SAME), call={"is_causal": True}),
     ["is_causal=True needs attn_mask"]),
    (Case("F.scaled_dot_product_attention", (), {}, (2, 5, 8), more=(T((2, 7, 6)), T((2, 7, 8)))),
     ["query has 8 features per position but key has 6"]),
    (Case("F.scaled_dot_product_attention", (), {"dropout_p": 1.5}, (2, 5, 8), more=(T((2, 7, 8)), T((2, 7, 8)))),
     ["dropout probability has to be between 0 and 1"]),
    (Case("nn.TransformerEncoderLayer", (16, 4), {}, (5, 3, 12)), ["self_attn: query has 12 features but "
                                                                    "embed_dim=16"]),
    (Case("nn.TransformerEncoderLayer", (16, 4), {"activation": "tanh"}), ["activation should be relu/gelu, not tanh"]),
    (Case("nn.TransformerEncoderLayer", (16, 3)), ["embed_dim=16 must be divisible by num_heads=3"]),
    (Case("nn.Transformer", (), {"d_model": 16, "nhead": 4}, (5, 3, 16), more=(T((4, 2, 16)),)),
     ["the batch number of src (3) and tgt (2) must be equal"]),
    (Case("nn.TransformerDecoderLayer", (16, 4), {}, (5, 3, 16), more=(T((7, 2, 16)),)),
     ["multihead_attn: key's batch size 2 differs from the query's 3"]),
    (Case("nn.TransformerEncoder", (M("nn.TransformerEncoderLayer", (16, 4)), 0), {}, (5, 3, 16)),
     ["num_layers=0 cannot run"]),
]


@pytest.mark.parametrize(("case", "parts"), SEQ_INVALID, ids=[f"{i}-{c.key}" for i, (c, _) in enumerate(SEQ_INVALID)])
def test_sequence_invalid(torch, case, parts):
    from oracle_cases import run_symcnn, run_torch

    if not case.shape:
        case = Case(case.key, case.args, case.kwargs, (5, 3, case.args[0] if case.args else 16))
    assert run_torch(torch, case)[0] == "error", f"torch accepts {case}"
    got = run_symcnn(case)
    assert got[0] == "error", f"symcnn accepts {case}"
    msg = got[1]
    for part in parts:
        assert part in msg, f"{part!r} not in {msg!r}"
    assert "\n" not in msg and " Fix: " in msg and not msg.startswith("Error"), msg
