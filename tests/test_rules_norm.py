"""Norm rules: torch oracle on generated cases, invalid configurations, symbolic forms."""

from __future__ import annotations

import random

from oracle_cases import SEED, mismatches, norm_cases


def test_norm_oracle(torch):
    cases = norm_cases(random.Random(SEED + 4), 150)
    bad = mismatches(torch, cases)
    print(f"norm oracle: {len(cases)} cases, {len(bad)} mismatches")
    assert not bad, "\n".join(bad[:20])
