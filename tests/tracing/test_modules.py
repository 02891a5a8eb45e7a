"""Trace.modules: the module tree, parameters with requires_grad, calls and steps, in both backends;
a rule's parameters and submodules named exactly as torch names them."""

from __future__ import annotations

import random
import sys
import warnings
from math import prod
from pathlib import Path

import pytest
from sympy import Integer

from symcnn.core.errors import SymcnnError
from symcnn.rules.base import make
from symcnn.tracing.modtree import layer_entries
from symcnn.tracing.tracer import trace

NETS = Path(__file__).resolve().parent / "nets"
ROOT = Path(__file__).resolve().parents[2]


def _tree(t):
    return [(m.name, m.type, m.depth, m.parent, m.leaf, m.calls,
             [(p.name, int(p.numel), p.requires_grad, p.shared_with) for p in m.params], m.steps)
            for m in t.modules]


def test_frozen_tree_stand_in():
    t = trace(NETS / "ok_frozen.py", (1, 3, 8, 8), model="Frozen", backend="stand-in")
    m = {x.name: x for x in t.modules}
    assert [x.name for x in t.modules] == ["", "features", "features.0", "features.1", "features.2", "attn",
                                           "attn.out_proj", "head", "spare"]
    assert (m[""].depth, m[""].parent, m[""].calls, m[""].leaf) == (0, None, 1, False)
    assert [(p.name, int(p.numel), p.requires_grad) for p in m[""].params] == [("scale", 1, False)]
    assert (m["features.1"].type, m["features.1"].depth, m["features.1"].parent) == ("BatchNorm2d", 2, "features")
    assert [p.name for p in m["features.1"].params] == ["weight", "bias"]   # running stats are buffers
    assert m["attn"].leaf is False and m["attn.out_proj"].type == "NonDynamicallyQuantizableLinear"
    assert [p.name for p in m["attn"].params] == ["in_proj_weight", "in_proj_bias"]
    assert [(p.name, p.requires_grad) for p in m["attn.out_proj"].params] == [("weight", False), ("bias", False)]
    assert [(p.name, p.requires_grad) for p in m["head"].params] == [("weight", True), ("bias", False)]
    assert m["spare"].calls == 0 and m["spare"].steps == ()
    assert m["features"].steps == (0, 1, 2) and m["features.0"].steps == (0,)
    assert m[""].steps == tuple(range(len(t.steps)))
    # 224 + 16 conv/bn + 1 scale + 72 out_proj + 10 head bias frozen; 192 + 24 in_proj + 80 head weight + 20 spare
    assert (t.total_params, t.trainable_params, t.non_trainable_params) == (639, 316, 323)


def test_shared_and_requires_grad_():
    t = trace(NETS / "ok_frozen.py", (2, 6), model="Tied", backend="stand-in")
    m = {x.name: x for x in t.modules}
    assert m["out"].params[0].shared_with == "emb.weight"
    assert m["block"].calls == 2 and m["block.0"].calls == 2 and m["emb"].calls == 1
    assert all(not p.requires_grad for p in m["block.0"].params)
    assert (t.total_params, t.trainable_params, t.non_trainable_params) == (78, 36, 42)


@pytest.mark.parametrize("model,shape", [("Frozen", (1, 3, 8, 8)), ("Tied", (2, 6)), ("Stack", (5, 1, 8))])
def test_live_backend_gives_the_same_tree(torch, model, shape):
    a = trace(NETS / "ok_frozen.py", shape, model=model, backend="stand-in")
    b = trace(NETS / "ok_frozen.py", shape, model=model, backend="torch")
    assert _tree(a) == _tree(b)
    assert (a.trainable_params, a.non_trainable_params) == (b.trainable_params, b.non_trainable_params)


def test_composite_submodules_freeze():
    t = trace(NETS / "ok_frozen.py", (5, 1, 8), model="Stack", backend="stand-in")
    m = {x.name: x for x in t.modules}
    assert m["enc.layers"].type == "ModuleList" and m["enc.layers.0.self_attn.out_proj"].depth == 5
    assert not any(p.requires_grad for x in t.modules if x.name.startswith("enc.layers.0.self_attn") for p in x.params)
    assert [p.requires_grad for p in m["enc.layers.1.linear1"].params] == [False, True]
    # per layer 600: self_attn 3·64 + 24 + 64 + 8 = 288, linear1 144, linear2 136, 2 norms 32
    assert (t.total_params, t.non_trainable_params) == (2 * 600, 288 + 128)


def test_symbolic_input_keeps_integer_params():
    t = trace(NETS / "ok_frozen.py", "1x3xHxW", model="Frozen", backend="stand-in")
    assert all(isinstance(p.numel, Integer) for m in t.modules for p in m.params)
    assert t.non_trainable_params == 323


EXAMPLES = sorted(p for p in (ROOT / "examples").glob("*.py") if p.stem in
                  {"alexnet", "lenet", "mnist", "resnet18", "mobilenetv2", "densenet121", "googlenet"})


@pytest.mark.parametrize("path", EXAMPLES + sorted((ROOT / "tests" / "flops" / "nets").glob("*.py")),
                         ids=lambda p: p.stem)
def test_totals_agree(path):
    """total_params (steps + unused + extra) equals the module tree's trainable + non-trainable."""
    t = trace(path)
    assert t.modules and t.modules[0].name == "" and t.modules[0].calls == 1
    assert t.trainable_params + t.non_trainable_params == t.total_params
    assert t.non_trainable_params == 0


# --- every rule family: the stand-in's expansion of a layer is torch's module tree ---

sys.path.insert(0, str(ROOT / "tests" / "rules"))
from oracle_cases import FAMILIES, TORCH_ERRORS, _symcnn_value, _torch_value, family_cases  # noqa: E402


def _cases():
    """Up to 12 constructor configurations of each rule family (tests/rules/oracle_cases.py)."""
    out = []
    for fam in FAMILIES:
        cases = [c for c in family_cases(fam) if not c.key.startswith("F.")]
        out += random.Random(fam).sample(cases, min(12, len(cases)))
    return out


def test_rule_modules_match_torch(torch):
    """Module names, class names, leaves and each module's own parameter names and sizes, as torch's
    named_modules() gives them, for layers of every family (MultiheadAttention's out_proj, a Transformer
    stack's layers, norms and dropouts)."""
    checked = 0
    for case in _cases():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tm = getattr(torch.nn, case.key.split(".", 1)[1])(
                    *(_torch_value(torch, a, None) for a in case.args),
                    **{k: _torch_value(torch, a, None) for k, a in case.kwargs.items()})
            r = make(case.key, *(_symcnn_value(a, None) for a in case.args),
                     **{k: _symcnn_value(a, None) for k, a in case.kwargs.items()})
        except (*TORCH_ERRORS, SymcnnError):   # an invalid configuration: nothing to compare
            continue
        own = [(n, Integer(prod(s)), True, i) for i, (n, s) in enumerate(r.parameters().items())]
        ours = [(e.name, e.type, e.leaf, sorted((p[0], int(p[1])) for p in e.params))
                for e in layer_entries("", type(tm).__name__, 0, own, r.submodules(), False)]
        theirs = [(n, type(m).__name__, not any(True for _ in m.children()),
                   sorted((pn, p.numel()) for pn, p in m._parameters.items() if p is not None))
                  for n, m in tm.named_modules()]
        assert ours == theirs, case
        checked += 1
    assert checked > 60
