"""Activation/dropout rules: torch oracle on generated cases (signatures: test_rules_oracle.py)."""

from __future__ import annotations

from oracle_cases import family_cases, mismatches

import symcnn
from symcnn.rules.activation import ACTIVATIONS


def test_activation_oracle(torch):
    cases = family_cases("activation")
    bad = mismatches(torch, cases)
    print(f"activation oracle: {len(cases)} cases, {len(bad)} mismatches")
    assert not bad, "\n".join(bad[:20])


def test_one_category_table():
    """Every weightless shape-preserving layer comes from ACTIVATIONS, with 0 MACs and no params."""
    for name in ACTIVATIONS:
        rule = symcnn.make(f"nn.{name}", *((0.1, 0.0) if name == "Threshold" else ()))
        x = (2, 3, 4) if rule.ndims == (2, 3) else (2, 3, 4, 5)   # Dropout1d takes 2-D or 3-D input
        r = rule(x)
        assert r.shape == x and r.macs == 0 and rule.params == 0, name
        assert "MACs: 0" in type(rule).__doc__
