"""How many generated single-layer cases the family oracle tests compare with PyTorch."""

from __future__ import annotations

from oracle_cases import FAMILIES, family_cases

import symcnn


def test_oracle_case_count():
    counts = {family: len(family_cases(family)) for family in FAMILIES}
    keys = {c.key for family in FAMILIES for c in family_cases(family)}
    print(f"oracle cases: {sum(counts.values())} over {len(keys)} layer types {counts}")
    assert sum(counts.values()) >= 400
    # every registered rule is exercised against torch
    untested = sorted(set(symcnn.RULES) - keys)
    assert untested == [], untested
