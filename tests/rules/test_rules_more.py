"""The layers added for real model files (MaxUnpool, the Upsampling aliases, F.affine_grid,
F.grid_sample, SyncBatchNorm, RMSNorm, ChannelShuffle): torch oracle on generated cases, and their
general formulas."""

from __future__ import annotations

import pytest
from oracle_cases import family_cases, mismatches, run_torch

import symcnn
from symcnn.core.symbols import size_symbol


def oracle_error(torch, case) -> bool:
    return run_torch(torch, case)[0] == "error"


@pytest.mark.parametrize("family", ["unpool", "sampling", "more_norm"])
def test_oracle(torch, family):
    cases = family_cases(family)
    bad = mismatches(torch, cases)
    errors = sum(1 for c in cases if oracle_error(torch, c))
    print(f"{family} oracle: {len(cases)} cases ({errors} invalid in torch), {len(bad)} mismatches")
    assert len(cases) >= 100 and 0 < errors < len(cases) / 2   # valid and invalid cases both drawn
    assert not bad, "\n".join(bad[:20])


def test_unpool_undoes_the_pool_with_symbolic_sizes():
    """MaxPool2d(2) then MaxUnpool2d(2): (H − H mod 2) without output_size, H itself with it."""
    h, w = size_symbol("H"), size_symbol("W")
    pooled = symcnn.make("nn.MaxPool2d", 2, return_indices=True)((1, 8, h, w)).shape
    unpool = symcnn.make("nn.MaxUnpool2d", 2)
    assert [str(v) for v in unpool(pooled, pooled).shape] == ["1", "8", "2*floor(H/2)", "2*floor(W/2)"]
    r = unpool(pooled, pooled, output_size=(1, 8, h, w))
    assert r.shape == (1, 8, h, w) and r.macs == 0 and r.conditions   # H within one stride: a condition


def test_grid_of_an_affine_transform_keeps_the_input_size():
    h, w = size_symbol("H"), size_symbol("W")
    grid = symcnn.make("F.affine_grid", size=(4, 3, h, w))((4, 2, 3)).shape
    assert grid == (4, h, w, 2)
    assert symcnn.make("F.grid_sample")((4, 3, h, w), grid).shape == (4, 3, h, w)
