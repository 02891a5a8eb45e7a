"""Linear-family rules: torch oracle on generated cases, invalid configurations, symbolic forms."""

from __future__ import annotations

from oracle_cases import family_cases, mismatches


def test_linear_oracle(torch):
    cases = family_cases("linear")
    bad = mismatches(torch, cases)
    print(f"linear oracle: {len(cases)} cases, {len(bad)} mismatches")
    assert not bad, "\n".join(bad[:20])
