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


def test_setup_signatures_match_torch(torch):
    """Every rule's setup takes exactly torch's constructor arguments (names, kinds, defaults). torch's
    RNN, LSTM and GRU take (*args, **kwargs) and document their arguments in a typing.overload: that one
    is compared. A function default (activation=F.relu) is compared by name ('relu')."""
    import inspect
    import typing_extensions

    def default(v):
        return v.__name__ if callable(v) and not isinstance(v, type) else v

    bad = []
    for key, cls in symcnn.RULES.items():
        if cls is None or not key.startswith("nn."):
            continue
        init = getattr(torch.nn, key[3:]).__init__
        theirs = inspect.signature(init).parameters.values()
        documented = typing_extensions.get_overloads(init)
        if documented and [p.kind for p in theirs][1:] == [inspect.Parameter.VAR_POSITIONAL,
                                                           inspect.Parameter.VAR_KEYWORD]:
            theirs = inspect.signature(documented[0]).parameters.values()
        ours = inspect.signature(cls.setup).parameters.values()
        want = [(p.name, p.kind, default(p.default)) for p in list(theirs)[1:]]
        got = [(p.name, p.kind, p.default) for p in list(ours)[1:]]
        if got != want:
            bad.append(f"{key}: symcnn {got} vs torch {want}")
    assert not bad, "\n".join(bad)
