"""Every example net traced by symcnn and run by real PyTorch (meta device, forward hooks on leaf
modules): each leaf call's name, input shape, output shape and params must be equal, in call order;
and the totals must equal the published counts."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from symcnn.tracing.tracer import trace

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# file -> (model variable or class in the file, input shape, published/verified total params)
CASES = {
    "lenet.py": ("net", (1, 1, 28, 28), 61706),
    "mnist.py": ("Net", (1, 1, 28, 28), 21840),
    "alexnet.py": ("AlexNet", (1, 3, 227, 227), 62_378_344),
    "dilated.py": ("my_net", (1, 2, 7, 7), 1540),
    "vgg_blocks.py": ("net", (1, 1, 224, 224), 128_806_154),
    "alexnet_d2l.py": ("net", (1, 1, 224, 224), 46_764_746),
    "nin.py": ("net", (1, 1, 224, 224), 1_992_166),
    "googlenet.py": ("net", (1, 1, 96, 96), 5_977_530),
    "vgg16.py": ("model", (1, 3, 224, 224), 138_357_544),
    "resnet18.py": ("model", (1, 3, 224, 224), 11_689_512),
    "resnet50.py": ("model", (1, 3, 224, 224), 25_557_032),
    "resnet152.py": ("model", (1, 3, 224, 224), 60_192_808),
    "densenet121.py": ("model", (1, 3, 224, 224), 7_978_856),
    "mobilenetv2.py": ("model", (1, 3, 224, 224), 3_504_872),
    "unet.py": ("model", (1, 1, 572, 572), 31_030_658),
    "bn_net.py": ("BNNet", (1, 3, 32, 32), 25_626),
}
NETS = {"ok_student.py": ("model", (2, 3, 64, 64), 5326)}  # tracing/nets: student habits


def torch_calls(torch, path: Path, model: str, shape: tuple):
    """(name, input shape, output shape, params) of every leaf-module call, from real torch."""
    with torch.device("meta"):
        ns = runpy.run_path(str(path), run_name="__oracle__")
        net = ns[model]() if isinstance(ns[model], type) else ns[model]
        net.eval()
        calls = []
        for name, m in net.named_modules():
            if not list(m.children()):
                n_params = sum(p.numel() for p in m.parameters(recurse=False))

                def hook(mod, inp, out, name=name, n_params=n_params):
                    calls.append((name, tuple(inp[0].shape), tuple(out.shape), n_params))
                m.register_forward_hook(hook)
        out = net(torch.empty(shape, device="meta"))
        total = sum(p.numel() for p in net.parameters())
    if isinstance(out, dict):
        out = next(iter(out.values()))
    return calls, tuple(out.shape), total


@pytest.mark.parametrize("fname", sorted(CASES) + sorted(NETS))
def test_example_matches_torch(torch, fname):
    model, shape, published = CASES.get(fname) or NETS[fname]
    path = EXAMPLES / fname if fname in CASES else Path(__file__).resolve().parent / "nets" / fname
    t = trace(path)
    assert t.input_shape == shape, f"{fname}: chose input {t.input_shape}, expected the example {shape}"
    expected, out_shape, total = torch_calls(torch, path, model, shape)
    # a module kept in a plain list is not registered: torch's hooks do not see it (symcnn notes it)
    got = [(s.name, s.inputs[0], s.output, int(s.params)) for s in t.steps if s.via == "module" and not s.note]
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g == e, f"{fname}: leaf call {i}: symcnn {g} vs torch {e}"
    assert len(got) == len(expected), f"{fname}: {len(got)} leaf calls traced, torch made {len(expected)}"
    assert t.output_shape == out_shape
    assert total == published, f"{fname}: torch counts {total} params, the table says {published}"
    assert t.total_params == published, f"{fname}: symcnn counts {t.total_params}, expected {published}"
