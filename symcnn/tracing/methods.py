"""The activation and elementwise methods of SymTensor (``x.relu()``, ``x.relu_()``, ``x.softmax(1)``,
``x.exp()``, ``x.clamp(0, 6)``) and their ``torch.*`` forms (``torch.relu``, ``torch.softmax``, ...).

Each call is a step of its own, keyed by how it was written ("Tensor.relu", "Tensor.relu_",
"torch.softmax"), so a FLOPs convention can tell it from ``F.relu`` (the tools that patch
torch.nn.functional do not see a tensor method) while symcnn's own conventions count it by its kind,
exactly like ``F.relu``. Activations run the rule of their module form (as ``F.*`` does); the other
elementwise functions run nn.Identity's (same shape, no parameters, no MACs). In-place forms
(``relu_``) return the same tensor, now made by their step, as torch does.
Owns: ActivationMethods (the SymTensor mixin), ACTIVATIONS, ELEMENTWISE, torch_forms().
Never: compute shapes (every op keeps its input shape) or import torch.
"""

from __future__ import annotations

from typing import Any

# method name -> the module rule it runs (as F.<name> does)
ACTIVATIONS = {"relu": "nn.ReLU", "sigmoid": "nn.Sigmoid", "tanh": "nn.Tanh", "softmax": "nn.Softmax",
               "log_softmax": "nn.LogSoftmax"}
# elementwise functions without a module form: recorded with nn.Identity's rule (their kind: elementwise)
ELEMENTWISE = ("exp", "log", "sqrt", "abs", "clamp")


def _apply(key: str, x: Any, **kwargs: Any) -> Any:
    name = key.rsplit(".", 1)[-1].rstrip("_")
    return x._apply_rule(key, ACTIVATIONS[name], **kwargs)


def _elementwise(key: str, x: Any) -> Any:
    return x._apply_rule(key, "nn.Identity")


def in_place(x: Any, out: Any) -> Any:
    """``x`` made by ``out``'s step (an in-place op returns its input, now holding the result)."""
    if out.step is not None:
        x.step = out.step
    return x


def _act_method(name: str):
    inplace = name.endswith("_")
    kw = {"inplace": True} if name == "relu_" else {}

    def method(self, *args: Any, _key: str = f"Tensor.{name}", **kwargs: Any) -> Any:
        dim = {"dim": args[0] if args else kwargs.get("dim")} if "softmax" in name else {}
        out = _apply(_key, self, **kw, **dim)
        return in_place(self, out) if inplace else out
    method.__name__ = name
    return method


def _ew_method(name: str):
    def method(self, *args: Any, _key: str = f"Tensor.{name}", **kwargs: Any) -> Any:
        out = _elementwise(_key, self)
        return in_place(self, out) if name.endswith("_") else out
    method.__name__ = name
    return method


ACT_NAMES = (*ACTIVATIONS, "relu_", "sigmoid_", "tanh_")
EW_NAMES = (*ELEMENTWISE, *(f"{n}_" for n in ELEMENTWISE), "clip", "clip_")


class ActivationMethods:
    """Mixin of SymTensor: the activation and elementwise methods, each recorded as its own step
    (``_key`` tells a ``torch.relu(x)`` call from ``x.relu()``)."""

    __slots__ = ()


for _n in ACT_NAMES:
    setattr(ActivationMethods, _n, _act_method(_n))
for _n in EW_NAMES:
    setattr(ActivationMethods, _n, _ew_method(_n))
del _n


def torch_forms() -> dict[str, Any]:
    """``torch.relu``, ``torch.relu_``, ``torch.softmax``, ``torch.exp``, ... keyed "torch.<name>"."""
    def form(name: str):
        def call(input: Any, *args: Any, **kwargs: Any) -> Any:
            return getattr(input, name)(*args, _key=f"torch.{name}", **kwargs)
        call.__name__ = name
        return call

    return {n: form(n) for n in (*ACT_NAMES, *EW_NAMES)}
