"""The corpus (tests/tracing/corpus, listed in manifest.toml): model files written as people write them
(factories, registries, scripts with argparse and training loops, packages, several inputs, uninstalled
plotting and logging packages ...), each traced by symcnn exactly as its manifest entry says a user calls
it, and compared with real torch 2.13 running the same file (corpus_oracle.py): parameters, the output
shape, every torch layer's output shape in call order, MACs per layer and in total (torch's own FLOP
counter). The same model traced live and the same file run by the torch backend give the stand-in's trace
(issue 17: live = stand-in = torch), and so do their closed forms in symbolic H, W where the net takes any
size."""

from __future__ import annotations

import tomllib
from collections import defaultdict
from pathlib import Path

import corpus_oracle as oracle
import pytest
from sympy import Integer

import symcnn
from symcnn.core.symbols import size_symbol

CORPUS = Path(__file__).resolve().parent / "corpus"
ENTRIES = tomllib.loads((CORPUS / "manifest.toml").read_text(encoding="utf-8"))["net"]
H, W = size_symbol("H"), size_symbol("W")


def _id(entry: dict) -> str:
    return f"{entry['file'].removesuffix('.py')}:{entry.get('model') or 'auto'}"


def _ints(shape) -> tuple:
    return tuple(int(v) for v in shape)


def _macs_by_name(t) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for s in t.steps:
        if s.via == "module":
            out[s.name] += int(s.macs)
    return out


def _same(a, b, what: str) -> None:
    __tracebackhide__ = True
    assert [(s.name, s.key, s.output) for s in a.steps] == [(s.name, s.key, s.output) for s in b.steps], what
    assert (a.total_params - b.total_params).expand() == 0, what
    assert (a.total_macs - b.total_macs).expand() == 0, what
    assert a.output_shape == b.output_shape, what
    assert [str(c.condition.holds) for c in a.constraints] == [str(c.condition.holds) for c in b.constraints], what


def _symbolic(spec: str) -> str:
    """``2x3x32x32`` -> ``2x3xHxW`` (the first input of an image net)."""
    sizes = spec.split(":")[0].split("x")
    return "x".join([*sizes[:-2], "H", "W"])


def test_manifest_lists_every_corpus_file_and_enough_nets():
    files = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.py") if p.name != "__init__.py"}
    listed = {e["file"] for e in ENTRIES}
    helpers = {f for f in files if "/" in f} - listed   # a package's other modules
    assert files - listed - helpers == set(), "corpus files the manifest does not list"
    assert listed <= files, "manifest entries without a file"
    assert len({_id(e) for e in ENTRIES}) == len(ENTRIES), "duplicate manifest entries"
    assert len(ENTRIES) >= 70


@pytest.mark.parametrize("entry", ENTRIES, ids=[_id(e) for e in ENTRIES])
def test_corpus_net_equals_torch(torch, entry, tmp_path, monkeypatch, request):
    monkeypatch.chdir(tmp_path)      # scripts write where they run (os.makedirs("images"), torch.save)
    path = CORPUS / entry["file"]
    if "import numpy" in path.read_text(encoding="utf-8"):
        request.getfixturevalue("numpy")     # a test dependency: a missing one fails under SYMCNN_REQUIRE_ORACLE
    args = tuple(entry.get("args", ()))
    given = None if entry.get("found") else list(entry["inputs"])
    t = symcnn.trace(path, given, model=entry.get("model"), args=args)
    build = entry.get("build") or entry.get("model") or entry["expect"]
    if "model" not in entry:
        assert t.model == entry["expect"], f"symcnn chose {t.model}"
    device = entry.get("device", "meta")
    model = oracle.build(torch, path, build, args, device)
    real = oracle.measure(torch, model, [oracle.tensor(torch, s, device) for s in entry["inputs"]])

    assert [_ints(s) for s in t.input_shapes] == [_ints(oracle.tensor(torch, s).shape) for s in entry["inputs"]]
    assert t.total_params == real.params
    assert _ints(t.output_shape) == real.output
    # a subclass of a torch layer with a forward of its own (super().forward(x)[..., :-p], F.conv2d(x,
    # self.weight)): torch's hook sees what its forward returns, symcnn the layer's own output or the
    # functional op's (the total MACs are compared)
    calls = [(s.name, _ints(s.output)) for s in t.steps if s.via == "module" and not s.note
             and s.name not in real.custom]
    scripted = not entry.get("hooks", True)
    if not scripted:
        assert calls == real.calls
        ours = _macs_by_name(t)
        assert {n: ours.get(n, 0) for n in real.macs if n not in real.custom} == \
            {n: m for n, m in real.macs.items() if n not in real.custom}
    else:   # TorchScript runs its modules without Python hooks: torch shows no layer
        assert real.calls == [] and len(calls) > 0
    assert t.total_macs == real.total_macs

    if scripted:     # a scripted model's forward is compiled: one clear error (the file's own classes run)
        with pytest.raises(symcnn.TraceError, match="is a TorchScript module: its forward is compiled"):
            symcnn.trace(model, list(entry["inputs"]), model=t.model)
    else:
        _same(symcnn.trace(model, list(entry["inputs"]), model=t.model), t, "live model vs stand-in")
    backend = symcnn.trace(path, given, model=entry.get("model"), args=args, backend="torch")
    _same(backend, t, "torch backend vs stand-in")
    if entry.get("symbolic"):
        shapes = [_symbolic(entry["inputs"][0]), *entry["inputs"][1:]]
        closed = symcnn.trace(path, shapes, model=entry.get("model"), args=args)
        live = symcnn.trace(path, shapes, model=entry.get("model"), args=args, backend="torch") if scripted \
            else symcnn.trace(model, shapes, model=t.model)
        _same(live, closed, "closed forms: live model vs stand-in")
        assert closed.output_shape != t.output_shape or all(isinstance(v, Integer) for v in t.output_shape)
        assert any({H, W} & v.free_symbols for s in closed.steps for v in s.output), "no size depends on H, W"


def test_a_lazy_model_never_called_is_one_clear_error_when_traced_live(torch):
    with torch.device("meta"):
        model = torch.nn.Sequential(torch.nn.LazyConv2d(8, 3), torch.nn.ReLU(), torch.nn.LazyLinear(4))
    with pytest.raises(symcnn.TraceError, match=r"^0 is a lazy module that was never called: torch has not "
                       r"inferred its sizes yet\. Fix: call the model once"):
        symcnn.trace(model, (1, 3, 8, 8))
    model(torch.zeros(1, 3, 8, 8, device="meta"))          # materialized: as the stand-in's lazy layers
    t = symcnn.trace(model, (1, 3, 8, 8))
    assert [s.key for s in t.steps] == ["nn.Conv2d", "nn.ReLU", "nn.Linear"]
    assert t.total_params == sum(p.numel() for p in model.parameters()) == 3 * 8 * 9 + 8 + 6 * 4 + 4


def test_gradients_in_a_forward_are_refused_and_at_module_level_stop_the_file(tmp_path):
    p = tmp_path / "net.py"
    p.write_text("import torch\nimport torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n"
                 "        super().__init__()\n        self.fc = nn.Linear(4, 1)\n\n    def forward(self, x):\n"
                 "        y = self.fc(x)\n        return torch.autograd.grad(y.sum(), x)[0]\n\n\nnet = Net()\n"
                 "x = torch.rand(2, 4)\ntorch.autograd.grad(net.fc(x).sum(), x)\n")
    with pytest.raises(symcnn.UnsupportedError, match=r"net\.py:12: torch\.autograd\.grad is not supported"):
        symcnn.trace(p)
    p.write_text(p.read_text().replace("return torch.autograd.grad(y.sum(), x)[0]", "return y"))
    t = symcnn.trace(p)
    assert t.output_shape == (2, 1) and any("net.py:17: stopped running net.py where training starts "
                                             "(torch.autograd.grad)" in n for n in t.notes)


def test_a_bool_mask_index_is_its_own_error_not_a_truth_value(tmp_path):
    """x[x > 0]: `Ellipsis in index` compared the mask with ... and asked for its truth value."""
    p = tmp_path / "net.py"
    p.write_text("import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def forward(self, x):\n"
                 "        return x[x > 0]\n\n\nnet = Net()\n")
    with pytest.raises(symcnn.TraceError, match=r"net\.py:6: indexing with a bool mask keeps a number of entries "
                       r"that depends on data\. Fix: use torch\.where"):
        symcnn.trace(p, (1, 4))
