"""torch.nn's and torch.nn.functional's names (``torch_names.txt``, generated from torch 2.13 by a test),
for what the stand-in says about a name it has no rule for.

A name torch has (``nn.LSTM``) is there, as in torch, but building or calling it is an UnsupportedError
at that net.py line, suggesting only close names of the same family that symcnn supports (never
``nn.GLU`` for ``nn.LSTM``). A name torch does not have (``nn.Conv2D``) is torch's AttributeError, with
the close torch names.
Owns: torch_names(), losses(), unsupported(). Never: import real torch.
"""

from __future__ import annotations

import difflib
from functools import cache
from pathlib import Path
from typing import Any

from ...core.errors import UnsupportedError
from .. import record as rec


@cache
def torch_names() -> dict[str, str]:
    """``"nn.LSTM" -> "rnn"``, ``"F.relu" -> "functional"``: every name of torch.nn and its family."""
    rows = Path(__file__).with_name("torch_names.txt").read_text(encoding="utf-8").split("\n")
    return dict(row.split(" ", 1) for row in rows if row)


def losses() -> list[str]:
    return [k[3:] for k, family in torch_names().items() if family == "loss"]


def _close(name: str, pool: list[str], cutoff: float) -> list[str]:
    same_case = [p for p in pool if p.lower() == name.lower()]
    return same_case or difflib.get_close_matches(name, pool, n=3, cutoff=cutoff)


def _fix(close: list[str]) -> str:
    hint = f"did you mean {', '.join(close)}? " if close else ""
    return f"{hint}run `symcnn formula --list` for the supported layers"


def unsupported(key: str, supported: list[str]) -> Any:
    """What ``nn.<name>`` / ``F.<name>`` is when symcnn has no rule for it (see the module docstring);
    ``supported``: the keys of the same namespace that symcnn models."""
    prefix, name = key.split(".", 1)
    family = torch_names().get(key)
    if family is None:
        pool = [k.split(".", 1)[1] for k in torch_names() if k.startswith(f"{prefix}.")]
        close = _close(name, pool, 0.75)
        where = "torch.nn" if prefix == "nn" else "torch.nn.functional"
        err = AttributeError(f"module '{where}' has no attribute '{name}'")
        err.symcnn_fix = f"use {' or '.join(f'{prefix}.{c}' for c in close)}" if close else None
        raise err
    peers = [k for k in supported if torch_names().get(k) == family]
    close = _close(key, peers, 0.6)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise UnsupportedError(f"{key} is not supported by symcnn yet", fix=_fix(close)).located(rec.where())

    if prefix == "F":
        refuse.__name__ = name
        return refuse
    return type(name, (), {"__init__": refuse, "__module__": "torch.nn", "__qualname__": name})


__all__ = ["losses", "torch_names", "unsupported"]
