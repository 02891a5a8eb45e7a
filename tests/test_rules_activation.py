"""Activation/dropout rules: torch oracle on generated cases, signatures, invalid configurations."""

from __future__ import annotations

import inspect

import pytest
from oracle_cases import family_cases, mismatches

import symcnn
from symcnn.rules.activation import ACTIVATIONS


def test_activation_oracle(torch):
    cases = family_cases("activation")
    bad = mismatches(torch, cases)
    print(f"activation oracle: {len(cases)} cases, {len(bad)} mismatches")
    assert not bad, "\n".join(bad[:20])


@pytest.mark.parametrize("name", [*ACTIVATIONS, "PReLU", "GLU"])
def test_signature_matches_torch(torch, name):
    ours = inspect.signature(symcnn.make(f"nn.{name}", **({"threshold": 0.1, "value": 0.0}
                                                             if name == "Threshold" else {})).setup)
    theirs = inspect.signature(getattr(torch.nn, name).__init__)
    want = [(p.name, p.kind, p.default) for p in list(theirs.parameters.values())[1:]]
    got = [(p.name, p.kind, p.default) for p in ours.parameters.values()]
    assert got == want
