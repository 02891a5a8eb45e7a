"""Traces built by hand from symcnn.make (no tracer): a chain of (name, key, args, kwargs) layers."""

from __future__ import annotations

from sympy import sympify

import symcnn
from symcnn.trace import Constraint, Step, Trace


def chain(input_shape, layers, model="Net") -> Trace:
    t = Trace(model=model, source="hand", input_shape=tuple(sympify(v) for v in input_shape))
    x = t.input_shape
    for i, (name, key, args, kwargs) in enumerate(layers):
        rule = symcnn.make(key, *args, **kwargs)
        r = rule(x)
        t.steps.append(Step(i, name, key, "module", None, (x,), r.shape, rule, r, parents=(i - 1,)))
        t.constraints += [Constraint(c, None, i) for c in (*rule.init_conditions, *r.conditions)]
        x = r.shape
    t.output_shape = x
    return t


ALEXNET = [
    ("conv1", "nn.Conv2d", (3, 96, 11), {"stride": 4}), ("relu1", "nn.ReLU", (), {}),
    ("pool1", "nn.MaxPool2d", (3, 2), {}),
    ("conv2", "nn.Conv2d", (96, 256, 5), {"padding": 2}), ("relu2", "nn.ReLU", (), {}),
    ("pool2", "nn.MaxPool2d", (3, 2), {}),
    ("conv3", "nn.Conv2d", (256, 384, 3), {"padding": 1}), ("relu3", "nn.ReLU", (), {}),
    ("conv4", "nn.Conv2d", (384, 384, 3), {"padding": 1}), ("relu4", "nn.ReLU", (), {}),
    ("conv5", "nn.Conv2d", (384, 256, 3), {"padding": 1}), ("relu5", "nn.ReLU", (), {}),
    ("pool3", "nn.MaxPool2d", (3, 2), {}),
    ("flatten", "nn.Flatten", (), {}),
    ("fc1", "nn.Linear", (9216, 4096), {}), ("relu6", "nn.ReLU", (), {}),
    ("fc2", "nn.Linear", (4096, 4096), {}), ("relu7", "nn.ReLU", (), {}),
    ("fc3", "nn.Linear", (4096, 1000), {}),
]
