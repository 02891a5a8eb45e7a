"""A real torch module's constructor arguments, read back from its attributes, so a live model's layers
run the same rules as the stand-in's. Most layers keep their arguments as attributes of the same name
(``conv.kernel_size``, ``bn.eps``); a bias is present or None. Composite layers keep them in their
children (a Transformer layer's ``self_attn.embed_dim``, ``linear1.out_features``); a layer given to
another (an encoder stack's layer, its norm) becomes that layer's own rule.

Owns: module_rule(), COMPOSITES. Never: run the module, or import torch at import time.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from typing import Any

from ..core.errors import SymcnnError
from ..rules.base import RULES, Rule, make


def _plain(v: Any) -> Any:
    return tuple(v) if type(v).__name__ == "Size" else v


def _rule_of(m: Any) -> Rule:
    found = module_rule(m)
    if found is None:
        raise LookupError(type(m).__name__)
    return found[1]


def _activation(a: Any) -> Any:
    """A Transformer layer's activation: torch keeps F.relu / F.gelu (a function) or a module."""
    if hasattr(a, "forward"):
        return _rule_of(a)
    return getattr(a, "__name__", a)


def _attention(m: Any) -> dict:
    return {"embed_dim": m.embed_dim, "num_heads": m.num_heads, "dropout": m.dropout,
            "bias": m.in_proj_bias is not None, "add_bias_kv": m.bias_k is not None, "add_zero_attn": m.add_zero_attn,
            "kdim": m.kdim, "vdim": m.vdim, "batch_first": m.batch_first}


def _layer(m: Any) -> dict:
    return {"d_model": m.self_attn.embed_dim, "nhead": m.self_attn.num_heads,
            "dim_feedforward": m.linear1.out_features, "dropout": m.dropout.p, "activation": _activation(m.activation),
            "layer_norm_eps": m.norm1.eps, "batch_first": m.self_attn.batch_first, "norm_first": m.norm_first,
            "bias": m.linear1.bias is not None}


def _stack(kind: str) -> Callable[[Any], dict]:
    def args(m: Any) -> dict:
        return {f"{kind}_layer": _rule_of(m.layers[0]), "num_layers": m.num_layers,
                "norm": _rule_of(m.norm) if m.norm is not None else None}
    return args


def _transformer(m: Any) -> dict:
    return {"d_model": m.d_model, "nhead": m.nhead, "batch_first": m.batch_first,
            "custom_encoder": _rule_of(m.encoder), "custom_decoder": _rule_of(m.decoder)}


# layers whose arguments live in their children: the rule covers the whole subtree
COMPOSITES: dict[str, Callable[[Any], dict]] = {
    "MultiheadAttention": _attention, "TransformerEncoderLayer": _layer, "TransformerDecoderLayer": _layer,
    "TransformerEncoder": _stack("encoder"), "TransformerDecoder": _stack("decoder"), "Transformer": _transformer,
}


def _attributes(module: Any, cls: type[Rule]) -> dict | None:
    kwargs = {}
    for p in list(inspect.signature(cls.setup).parameters.values())[1:]:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) or p.name in ("device", "dtype"):
            continue
        if p.name == "bias" and not isinstance(getattr(module, "bias", None), bool):
            kwargs["bias"] = getattr(module, "bias", None) is not None
        elif p.name in vars(module) or (hasattr(type(module), p.name) and not callable(getattr(module, p.name))):
            kwargs[p.name] = _plain(getattr(module, p.name))
        elif p.default is p.empty:
            return None
    return kwargs


def layer_class(module: Any) -> type | None:
    """The torch layer class with a rule that ``module`` is (or subclasses: ``class CausalConv1d(nn.Conv1d)``)."""
    nn = sys.modules["torch"].nn
    return next((c for c in type(module).__mro__
                 if getattr(nn, c.__name__, None) is c and RULES.get(f"nn.{c.__name__}") is not None), None)


def module_rule(module: Any) -> tuple[str, Rule] | None:
    """(key, rule) for a module of one of torch's own layer classes that has a rule, or of a subclass of
    one (its key is the torch class's: the stand-in records it so); None: the module runs its own
    forward (a container, a layer symcnn has no rule for)."""
    cls = layer_class(module)
    if cls is None:
        return None
    key = f"nn.{cls.__name__}"
    composite = COMPOSITES.get(cls.__name__)
    if composite is None and next(module.children(), None) is not None:
        return None   # children of its own (a parametrized weight): let its forward run
    try:
        kwargs = composite(module) if composite else _attributes(module, RULES[key])
        return (key, make(key, **kwargs)) if kwargs is not None else None
    except (LookupError, AttributeError, SymcnnError):
        return None


__all__ = ["COMPOSITES", "layer_class", "module_rule"]
