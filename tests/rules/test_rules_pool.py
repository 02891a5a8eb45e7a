"""Pool rules: torch oracle on generated cases, and the ceil_mode window rule on a full grid."""

from __future__ import annotations

import itertools

from oracle_cases import Case, family_cases, mismatches


def test_pool_oracle(torch):
    cases = family_cases("pool")
    bad = mismatches(torch, cases)
    print(f"pool oracle: {len(cases)} cases, {len(bad)} mismatches")
    assert not bad, "\n".join(bad[:20])


def test_ceil_mode_last_window_rule_on_a_grid(torch):
    """MaxPool1d with ceil_mode over every small kernel/stride/padding/dilation and input length:
    the last window must start inside the input or the left padding (PyTorch's rule)."""
    cases = [Case("nn.MaxPool1d", (k,), {"stride": s, "padding": p, "dilation": d, "ceil_mode": True},
                  (1, 1, n))
             for k, s, d in itertools.product(range(1, 5), range(1, 4), range(1, 3))
             for p in range(0, k // 2 + 1) for n in (1, 2, 3, 4, 5, 7, 8, 11)]
    bad = mismatches(torch, cases)
    print(f"ceil_mode grid: {len(cases)} cases, {len(bad)} mismatches")
    assert len(cases) > 300 and not bad, "\n".join(bad[:20])


def test_adaptive_avg_pool_to_ones_accepts_any_rank_as_torch_does(torch):
    """AdaptiveAvgPool2d(1) of a 2-D (H, W) input is (1, 1) in torch (a mean over the last two dims,
    without the 3-D/4-D check); a tuple (1, 1) needs 3 dims; other sizes and max pools keep the check."""
    cases = [Case(key, (size,), {}, shape)
             for key in ("nn.AdaptiveAvgPool1d", "nn.AdaptiveAvgPool2d", "nn.AdaptiveAvgPool3d",
                         "nn.AdaptiveMaxPool2d", "nn.AdaptiveMaxPool3d")
             for size in (1, 2, (1, 1), (1, 1, 1), (1, None), (2, 1))
             for shape in ((5,), (3, 5), (2, 3, 4), (1, 2, 3, 4), (1, 2, 3, 4, 5), (1, 2, 3, 4, 5, 6))]
    bad = mismatches(torch, cases)
    print(f"adaptive pools to ones: {len(cases)} cases, {len(bad)} mismatches")
    assert not bad, "\n".join(bad[:20])
