"""Pool rules: torch oracle on generated cases, invalid configurations, symbolic closed forms."""

from __future__ import annotations

import random

import pytest
from oracle_cases import SEED, mismatches, pool_cases

import symcnn
from symcnn.symbols import C, H, N, W


def test_pool_oracle(torch):
    cases = pool_cases(random.Random(SEED + 1), 240)
    bad = mismatches(torch, cases)
    print(f"pool oracle: {len(cases)} cases, {len(bad)} mismatches")
    assert not bad, "\n".join(bad[:20])
