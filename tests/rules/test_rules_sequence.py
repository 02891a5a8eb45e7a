"""Sequence layers (recurrent, attention, transformer): the torch oracle on generated cases (every
output's shape and structure, parameter names, shapes and count), torch's known kernel-dependent
answers listed apart, and the closed forms of the parameter counts."""

from __future__ import annotations

import pytest
from oracle_cases import family_cases, mismatches
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
