"""The module tree of a traced model (``Trace.modules``), the same for both backends: every module of
``named_modules()``, its directly held parameters with their ``requires_grad``, how often its forward ran
and the steps recorded inside it.

The stand-in models a layer with sub-layers (MultiheadAttention's out_proj, a Transformer layer's
attention, linears and norms) as one rule-backed module holding dotted parameters
(``out_proj.weight``); ``layer_entries`` expands it into torch's submodules (``Rule.submodules``), so
the tree is the one real torch builds.

Owns: Entry, layer_entries(), module_infos(), output_shape(), own_params(). Never: trace, or decide what a parameter counts in totals
beyond torch's own dedup of shared parameter objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sympy import Expr

from . import record as rec
from .tensor import SymTensor
from .tracedata import ModuleInfo, ParamInfo


@dataclass(frozen=True, slots=True)
class Entry:
    """One module as a backend sees it: dotted name, class name, whether it has child modules, the
    module's id (None for a submodule the stand-in only knows from a rule) and its own parameters as
    (name, numel, requires_grad, id of the parameter object)."""

    name: str
    type: str
    leaf: bool
    module_id: int | None
    params: tuple[tuple[str, Expr, bool, int], ...]


def layer_entries(name: str, type_name: str, module_id: int, own: Iterable[tuple[str, Expr, bool, int]],
                  submodules: tuple[tuple[str, str], ...], has_children: bool) -> list[Entry]:
    """A rule-backed module and the submodules of its rule: each dotted parameter goes to the
    submodule its prefix names (``self_attn.out_proj.weight`` → ``self_attn.out_proj`` as ``weight``)."""
    subs = dict(submodules)
    split: dict[str, list] = {"": [], **{k: [] for k in subs}}
    for pname, numel, grad, pid in own:
        owner, _, last = pname.rpartition(".")
        if owner not in split:
            owner, last = "", pname
        split[owner].append((last, numel, grad, pid))
    parents = {k.rpartition(".")[0] for k in subs}
    full = (lambda rel: f"{name}.{rel}" if name else rel)
    out = [Entry(name, type_name, not (subs or has_children), module_id, tuple(split[""]))]
    out += [Entry(full(rel), t, rel not in parents, None, tuple(split[rel])) for rel, t in subs.items()]
    return out


def module_infos(entries: Iterable[Entry], s: rec.Session | None) -> list[ModuleInfo]:
    """ModuleInfo of every entry (named_modules() order), with the calls and steps the session saw."""
    calls = s.calls if s is not None else {}
    inside = s.inside if s is not None else {}
    holder: dict[int, str] = {}
    out = []
    for e in entries:
        params = []
        for pname, numel, grad, pid in e.params:
            full = f"{e.name}.{pname}" if e.name else pname
            params.append(ParamInfo(pname, numel, bool(grad), holder.get(pid)))
            holder.setdefault(pid, full)
        depth = e.name.count(".") + 1 if e.name else 0
        parent = None if not e.name else e.name.rpartition(".")[0]
        mid = e.module_id
        steps = tuple(dict.fromkeys(inside.get(mid, ()))) if mid is not None else ()
        outs = tuple(s.outputs.get(mid, ())) if s is not None and mid is not None else ()
        out.append(ModuleInfo(e.name, e.type, depth, parent, e.leaf, calls.get(mid, 0) if mid is not None else 0,
                              tuple(params), steps, outs))
    return out


def output_shape(out: Any) -> tuple | None:
    """The shape of the tensor a module's output row shows (as torchinfo reads it): the output itself, a
    tuple's or list's first element (nested: its first), a dict's last value; None when that is no tensor."""
    while True:
        if isinstance(out, SymTensor):
            return out._shape
        if isinstance(out, dict) and out:
            out = list(out.values())[-1]
        elif isinstance(out, (tuple, list)) and out:
            out = out[0]
        else:
            return None


def own_params(params: Any, numel) -> tuple[tuple[str, Expr, bool, int], ...]:
    """(name, numel, requires_grad, id) of a module's ``_parameters`` table (None entries skipped)."""
    return tuple((n, numel(p), bool(getattr(p, "requires_grad", True)), id(p))
                 for n, p in params.items() if p is not None)


__all__ = ["Entry", "layer_entries", "module_infos", "own_params"]
