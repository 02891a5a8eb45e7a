"""Resampling, padding and shuffle rules: torch oracle, float scale factors, invalid configurations."""

from __future__ import annotations

from oracle_cases import family_cases, mismatches


def test_resample_oracle(torch):
    cases = family_cases("resample")
    bad = mismatches(torch, cases)
    print(f"resample oracle: {len(cases)} cases, {len(bad)} mismatches")
    assert not bad, "\n".join(bad[:30])


def test_pad_oracle(torch):
    cases = family_cases("pad")
    bad = mismatches(torch, cases)
    print(f"pad oracle: {len(cases)} cases, {len(bad)} mismatches")
    assert not bad, "\n".join(bad[:30])


def test_float_scale_factor_rounds_like_torch(torch):
    """size = floor(L * scale) in double precision, at every L in 1..160 for awkward scales."""
    from sympy import Float, Integer

    from symcnn.rules.resample import ScaledSize

    bad = []
    for scale in (1.4, 2.3, 0.58, 1.7, 1 / 3, 2.675, 0.1, 0.5, 1.5, 0.75, 3.0):
        for n in range(1, 161):
            want = torch.nn.functional.interpolate(torch.zeros(1, 1, n), scale_factor=scale).shape[-1] \
                if int(n * scale) >= 1 else 0
            got = ScaledSize(Integer(n), Float(scale))
            if got != want:
                bad.append((scale, n, got, want))
    assert not bad, bad[:10]
    assert ScaledSize(Integer(45), Float(1.4)) == 62     # 63 with exact rationals
    assert ScaledSize(Integer(50), Float(2.3)) == 114
    assert ScaledSize(Integer(50), Float(0.58)) == 28
