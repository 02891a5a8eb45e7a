"""``torch.autograd`` of the stand-in: ``Variable(t)`` is ``t`` (as in torch since 0.4); ``Function``
runs its forward (library.Function); ``grad`` at module level is where training starts.
Never: track gradients."""

from __future__ import annotations

from typing import Any

from .library import Function


def Variable(data: Any, requires_grad: bool = False, volatile: bool = False) -> Any:  # noqa: N802
    return data


def grad(*args: Any, **kwargs: Any) -> Any:
    """Gradients: at module level training starts there (a gradient penalty in a training loop); inside a
    forward, symcnn cannot model them."""
    from ...core.errors import UnsupportedError
    from .. import record as rec

    s = rec.session()
    if s is not None and not s.recording and not s.in_forward:
        raise rec.TrainingStarted("torch.autograd.grad", rec.where())
    raise UnsupportedError("torch.autograd.grad is not supported by symcnn yet",
                           fix="remove gradient code from the model's forward").located(rec.where())


__all__ = ["Function", "Variable", "grad"]
