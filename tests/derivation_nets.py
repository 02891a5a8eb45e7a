"""Hand-built Traces of the seed nets (MNIST of seed 004, AlexNet of seed 003) for the derivation and
render tests: built from symcnn.make(...) rules exactly as the tracer records them, so these tests do
not depend on the tracer. Shared by tests/test_derivation.py, test_render.py and test_latex.py."""

from __future__ import annotations

from sympy import Eq, Integer

import symcnn
from symcnn.errors import Where
from symcnn.rule import Condition, Result, numel
from symcnn.symbols import size_symbol
from symcnn.tracedata import Constraint, Step, Trace

H, W = size_symbol("H"), size_symbol("W")


def chain(model: str, source: str, input_shape, layers) -> Trace:
    """layers: (name, key, args, kwargs) for a rule, or (name, key, fn) for a tensor op whose output
    shape is fn(x) and which may add a constraint (fn returns (shape, condition or None))."""
    t = Trace(model, source, tuple(Integer(v) if isinstance(v, int) else v for v in input_shape))
    x, parent = t.input_shape, -1
    for i, (name, key, *spec) in enumerate(layers):
        if callable(spec[0]):
            out, cond = spec[0](x)
            step = Step(i, name, key, "tensor", Where(source, 10 + i), (x,), tuple(out), parents=(parent,))
            if cond is not None:
                t.constraints.append(Constraint(Condition(cond, f"{key} needs this size"),
                                                Where(source, 10 + i), i))
        else:
            args, kwargs = spec
            rule = symcnn.make(key, *args, **kwargs)
            res = rule(x)
            out = res.shape
            step = Step(i, name, key, "module", Where(source, 10 + i), (x,), out, rule, res,
                        parents=(parent,), module_id=i)
            for c in res.conditions:
                t.constraints.append(Constraint(c, Where(source, 10 + i), i))
        t.steps.append(step)
        x, parent = step.output, i
    t.output_shape = x
    return t


def _view320(x):
    n = numel(x)
    return (n / 320, Integer(320)), (None if n.is_Integer else Eq(n, 320))


def mnist(shape=(1, 1, 28, 28)) -> Trace:
    return chain("Net", "examples/mnist.py", shape, [
        ("conv1", "nn.Conv2d", (1, 10, 5, 1), {}),
        ("relu", "nn.ReLU", (), {}),
        ("max_pool2d", "nn.MaxPool2d", (2, 2), {}),
        ("conv2", "nn.Conv2d", (10, 20, 5, 1), {}),
        ("relu_1", "nn.ReLU", (), {}),
        ("max_pool2d_1", "nn.MaxPool2d", (2, 2), {}),
        ("view", "Tensor.view", _view320),
        ("fc1", "nn.Linear", (320, 50), {}),
        ("relu_2", "nn.ReLU", (), {}),
        ("fc2", "nn.Linear", (50, 10), {}),
        ("log_softmax", "nn.LogSoftmax", (), {"dim": 1}),
    ])


def alexnet(shape=(1, 3, 227, 227)) -> Trace:
    conv = lambda n, a, kw: (n, "nn.Conv2d", a, kw)  # noqa: E731
    relu = lambda n: (n, "nn.ReLU", (), {"inplace": True})  # noqa: E731
    pool = lambda n: (n, "nn.MaxPool2d", (), {"kernel_size": 3, "stride": 2})  # noqa: E731
    flat = lambda x: ((x[0], numel(x[1:])), None)  # noqa: E731
    return chain("AlexNet", "examples/alexnet.py", shape, [
        conv("conv1", (3, 96), {"kernel_size": 11, "stride": 4}), relu("relu1"), pool("pool1"),
        conv("conv2", (96, 256), {"kernel_size": 5, "padding": 2}), relu("relu2"), pool("pool2"),
        conv("conv3", (256, 384), {"kernel_size": 3, "padding": 1}), relu("relu3"),
        conv("conv4", (384, 384), {"kernel_size": 3, "padding": 1}), relu("relu4"),
        conv("conv5", (384, 256), {"kernel_size": 3, "padding": 1}), relu("relu5"), pool("pool3"),
        ("flatten", "torch.flatten", flat),
        ("fc1", "nn.Linear", (9216, 4096), {}), relu("relu6"),
        ("fc2", "nn.Linear", (4096, 4096), {}), relu("relu7"),
        ("fc3", "nn.Linear", (4096, 1000), {}),
    ])
