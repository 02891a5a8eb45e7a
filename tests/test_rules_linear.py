"""Linear-family rules: torch oracle on generated cases, invalid configurations, symbolic forms."""

from __future__ import annotations

import random

from oracle_cases import SEED, linear_cases, mismatches


def test_linear_oracle(torch):
    cases = linear_cases(random.Random(SEED + 2), 150)
    bad = mismatches(torch, cases)
    print(f"linear oracle: {len(cases)} cases, {len(bad)} mismatches")
    assert not bad, "\n".join(bad[:20])
