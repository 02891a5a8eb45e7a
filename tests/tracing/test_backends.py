"""The torch backend: a model library of our own (tests/tracing/modellib: modules, factories, a registry,
and model-building code that needs real torch) works through ``package.module:callable``, through a
net.py that imports it (--backend auto falls back to real torch, with a note), and through the Python
API; the numbers equal real torch's. Without torch installed, each path says how to fix it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import symcnn

HERE = Path(__file__).resolve().parent
USES = HERE / "uses_modellib.py"


def _cli(*args: str, cwd: Path = HERE, block_torch: bool = False) -> subprocess.CompletedProcess:
    code = "import sys\n"
    if block_torch:   # as if torch were not installed
        code += "sys.modules['torch'] = None\n"
    code += f"from symcnn.cli.main import main\nmain({list(args)!r})\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture
def modellib(monkeypatch):
    monkeypatch.syspath_prepend(str(HERE))
    import modellib as lib

    return lib


def _torch_numbers(torch, model, shape):
    return sum(p.numel() for p in model.parameters()), tuple(model(torch.zeros(shape)).shape)


@pytest.mark.parametrize(("spec", "build"), [
    ("modellib:posnet_small(num_classes=3)", lambda lib: lib.posnet_small(num_classes=3)),
    ("modellib:create_model('posnet_tiny')", lambda lib: lib.create_model("posnet_tiny")),
    ("modellib.nets:PosNet(width=4, image_size=16)", lambda lib: lib.PosNet(width=4, image_size=16)),
])
def test_module_callable_equals_torch(torch, modellib, spec, build):
    shape = (2, 3, 16, 16) if "image_size=16" in spec else (2, 3, 32, 32)
    r = _cli("summary", spec, "--input", "x".join(map(str, shape)), "--json")
    assert r.returncode == 0, r.stderr
    import json

    doc = json.loads(r.stdout)
    params, out = _torch_numbers(torch, build(modellib).eval(), shape)
    assert doc["total"]["params"] == params and tuple(doc["output_shape"]) == out


def test_a_net_py_that_needs_real_torch_runs_with_it_and_says_so(torch, modellib):
    r = _cli("summary", str(USES), "--input", "1x3x32x32", "--json")
    assert r.returncode == 0, r.stderr
    assert ("symcnn: note: ran uses_modellib.py with real torch, since the stand-in cannot: torch.meshgrid is not "
            "supported by symcnn yet (torch.stack of it)") in r.stderr
    import json

    params, out = _torch_numbers(torch, modellib.create_model("posnet_tiny", num_classes=5).eval(), (1, 3, 32, 32))
    doc = json.loads(r.stdout)
    assert doc["total"]["params"] == params and tuple(doc["output_shape"]) == out
    forced = _cli("summary", str(USES), "--input", "1x3x32x32", "--backend", "torch", "--json")
    assert forced.returncode == 0 and json.loads(forced.stdout)["total"] == doc["total"]
    assert "with real torch" not in forced.stderr          # asked for: no note


def test_the_stand_in_alone_says_what_fails(torch):
    r = _cli("summary", str(USES), "--input", "1x3x32x32", "--backend", "stand-in")
    assert r.returncode == 2
    assert r.stderr.strip() == ("symcnn: error: modellib/layers.py:12: torch.meshgrid is not supported by symcnn yet "
                                "(torch.stack of it). Fix: build that tensor with the functions symcnn models, or run "
                                "the file with real torch (--backend torch)")


def test_the_python_api_takes_the_library_model(torch, modellib):
    model = modellib.create_model("posnet_small")
    t = symcnn.trace(model, (1, 3, 32, 32))
    params, out = _torch_numbers(torch, model.eval(), (1, 3, 32, 32))
    assert (t.total_params, t.output_shape, t.backend) == (params, out, "torch")
    assert [s.name for s in t.steps][:3] == ["stem.conv", "stem.bn", "stem.act"]


def test_without_torch_every_path_says_how_to_fix_it(tmp_path):
    plain = tmp_path / "net.py"
    plain.write_text("import torch.nn as nn\nnet = nn.Sequential(nn.Conv2d(1, 2, 3))\n")
    r = _cli("summary", str(plain), "--backend", "torch", block_torch=True)
    assert (r.returncode, r.stderr.strip()) == (2, "symcnn: error: --backend torch needs PyTorch, which is not "
                                                   "installed. Fix: pip install torch (CPU wheels are enough), or "
                                                   "use --backend stand-in")
    r = _cli("summary", "modellib:posnet_tiny()", block_torch=True)
    assert r.returncode == 2 and "modellib:posnet_tiny() (a package.module:callable) needs PyTorch" in r.stderr
    r = _cli("summary", str(USES), "--input", "1x3x32x32", block_torch=True)
    assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert "install PyTorch (pip install torch): with it, symcnn runs such files with real torch" in r.stderr
    assert _cli("summary", str(plain), block_torch=True).returncode == 0   # the stand-in needs no torch


@pytest.mark.parametrize(("spec", "message"), [
    ("os:system('echo hi')", "os:system('echo hi'): system is not a model class or a function of os"),
    ("modellib:posnet_tiny(__import__('os'))", "is not a name or a call with literal arguments"),
    ("modellib:create_model('nope')", "registry.py:13: KeyError: \"unknown model 'nope'"),
    ("modellib.registry:list_models()", "modellib.registry:list_models() gave a list, not an nn.Module"),
    ("modellib:Nope", "modellib: no model named 'Nope'"),
    ("no_such_package:f()", "cannot import no_such_package"),
])
def test_bad_module_callables_are_one_line(torch, spec, message):
    r = _cli("summary", spec)
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and message in r.stderr, r.stderr
