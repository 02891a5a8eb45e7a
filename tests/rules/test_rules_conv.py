"""Conv rules: torch oracle on generated cases, invalid configurations, symbolic forms."""

from __future__ import annotations

from oracle_cases import Case, family_cases, mismatches, run_symcnn, run_torch


def test_conv_oracle(torch):
    cases = family_cases("conv")
    known: list[str] = []
    bad = mismatches(torch, cases, known)
    print(f"conv oracle: {len(cases)} cases, {len(bad)} mismatches, {len(known)} known torch "
          "inconsistencies (empty transposed output)")
    assert not bad, "\n".join(bad[:30])
    assert len(known) <= 5, known


def test_transposed_zero_output_is_an_error(torch):
    """torch raises for a zero-size transposed output at batch 1 (and returns an empty tensor at
    batch 2 on the cpu path); symcnn reports it as invalid, like torch's shape check."""
    case = Case("nn.ConvTranspose1d", (1, 1, 1), {"padding": 1}, (1, 1, 2))
    assert run_torch(torch, case)[0] == "error"
    assert run_symcnn(case)[0] == "error"
    assert "output length 0 < 1" in run_symcnn(case)[1]
