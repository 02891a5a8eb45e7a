"""``torch.autograd`` of the stand-in: ``Variable(t)`` is ``t`` (as in torch since 0.4); ``Function``
runs its forward (library.Function).
Never: track gradients."""

from __future__ import annotations

from typing import Any

from .library import Function


def Variable(data: Any, requires_grad: bool = False, volatile: bool = False) -> Any:  # noqa: N802
    return data


def grad(*args: Any, **kwargs: Any) -> Any:
    from ...core.errors import UnsupportedError
    from .. import record as rec

    raise UnsupportedError("torch.autograd.grad is not supported by symcnn yet",
                           fix="remove gradient code from the model's forward").located(rec.where())


__all__ = ["Function", "Variable", "grad"]
