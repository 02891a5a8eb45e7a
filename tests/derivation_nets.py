"""Hand-built Traces of the seed nets (MNIST of seed 004, AlexNet of seed 003) for the derivation and
render tests: built from symcnn.make(...) rules exactly as the tracer records them, so these tests do
not depend on the tracer. Shared by the tests of solutions/ (derivation, render, LaTeX, JSON) and cli/.
mnist_trace: the MNIST net with a view step and a Linear called twice (for the JSON and CLI tests)."""

from __future__ import annotations

from sympy import Eq, Integer

import symcnn
from symcnn.core.errors import Where
from symcnn.core.symbols import size_symbol
from symcnn.rules.base import Condition, numel
from symcnn.tracing.tracedata import Constraint, Step, Trace

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


def mnist_trace(shape) -> Trace:
    """The course notes' MNIST net, stepped through the rules as the tracer would (view as a plain step)."""
    steps, x = [], tuple(shape)
    layers = [("conv1", "nn.Conv2d", (1, 10, 5)), ("pool1", "nn.MaxPool2d", (2,)),
              ("conv2", "nn.Conv2d", (10, 20, 5)), ("pool2", "nn.MaxPool2d", (2,))]
    for i, (name, key, args) in enumerate(layers):
        r = symcnn.make(key, *args)
        res = r(x)
        steps.append(Step(i, name, key, "module", Where("net.py", 10 + i), (x,), res.shape, r, res))
        x = res.shape
    cons = []
    if not all(v.is_Integer for v in x[1:]):
        cons.append(Constraint(Condition(Eq(numel(x[1:]), 320), "view(-1, 320) needs 320 features"),
                               Where("net.py", 20), 4))
    steps.append(Step(4, "view", "Tensor.view", "tensor", Where("net.py", 20), (x,), (x[0], Integer(320))))
    x = (x[0], Integer(320))
    fc1, fc2 = symcnn.make("nn.Linear", 320, 50), symcnn.make("nn.Linear", 50, 50)
    calls = [("fc1", fc1, True), ("fc2", fc2, True), ("fc2", fc2, False)]  # fc2 called twice: counted once
    for j, (name, r, first) in enumerate(calls):
        res = r(x)
        steps.append(Step(5 + j, name, "nn.Linear", "module", Where("net.py", 21 + j), (x,), res.shape, r, res,
                          module_id=id(r), first_call=first))
        x = res.shape
    return Trace("Net", "net.py", tuple(shape), steps, x, cons)
