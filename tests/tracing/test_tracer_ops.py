"""Functional ops and tensor methods: the shapes symcnn computes equal real torch's, op by op."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from symcnn.tracing import record as rec
from symcnn.tracing.tensor import SymTensor
from symcnn.tracing.loading import running
from symcnn.tracing.tracer import trace

NETS = Path(__file__).resolve().parent / "nets"


@pytest.mark.parametrize(("fname", "shape"), [("ok_ops.py", (1, 3, 16, 16)), ("ok_functional.py", (2, 3, 10, 12))])
def test_ops_match_torch(torch, fname, shape):
    path = NETS / fname
    with torch.device("meta"):
        ns = runpy.run_path(str(path), run_name="__oracle__")
        expected = [tuple(t.shape) for t in ns["model"](ns["x"])]
    with running(path, None) as (ns, s):
        got = [t._shape for t in ns["model"](SymTensor(shape, -1))]
    assert len(got) == len(expected)
    for i, (g, e) in enumerate(zip(got, expected)):
        assert g == e, f"{fname} output {i}: symcnn {g} vs torch {e}"
    assert rec.session() is None


def test_ops_recorded_with_keys_and_lines():
    t = trace(NETS / "ok_ops.py")
    keys = [s.key for s in t.steps]
    for k in ("F.conv2d", "F.relu", "F.max_pool2d", "F.avg_pool2d", "F.adaptive_avg_pool2d", "F.interpolate",
              "F.pad", "nn.Conv2d", "F.leaky_relu", "torch.cat", "torch.stack", "Tensor.mean", "Tensor.sum",
              "Tensor.amax", "Tensor.chunk", "Tensor.permute", "Tensor.transpose", "Tensor.reshape",
              "Tensor.unsqueeze", "Tensor.squeeze", "Tensor.__getitem__", "torch.flatten", "F.linear",
              "F.softmax", "F.log_softmax", "add", "mul", "sub", "torch.sigmoid", "F.gelu", "torch.matmul",
              "Tensor.max", "Tensor.split", "F.dropout", "Tensor.view", "F.batch_norm", "Tensor.expand"):
        assert k in keys, f"{k} not recorded"
    first = t.steps[0]
    assert (first.key, first.where.file, first.where.line, first.parents) == ("F.conv2d", "ok_ops.py", 16, (-1,))
    # the weight tensors are nn.Parameters of the module: counted once, as extra params
    assert t.extra_params == 6 * 3 * 3 * 3 + 10 * 24
    assert t.total_params == 6 * 3 * 3 * 3 + 10 * 24 + 8 * 6 * 9 + 8
    assert first.params == 6 * 3 * 3 * 3 and not first.first_call
