"""nn.Module of the stand-in, nn.Parameter, and Layer: the leaf module that wraps one rule.

Owns: Module (registration on assignment, named_modules/parameters as torch, no-op device/mode
methods, call -> forward), Parameter, Layer (constructs ``make(key, ...)``, records each call).
Never: compute shapes itself (the rules do) or import torch.
"""

from __future__ import annotations

import types
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any, ClassVar

from ...core.errors import SymcnnError, TraceError
from ...rules.base import make
from .. import record as rec
from ..layercall import call_layer
from ..modtree import output_shape
from ..tensor import SymTensor
from .sites import _class_line, _site, _site_where


class Parameter(SymTensor):
    """nn.Parameter: a learnable tensor; counted in the model's parameters."""

    __slots__ = ()

    def __init__(self, data: SymTensor | None = None, requires_grad: bool = True):
        super().__init__(data._shape if isinstance(data, SymTensor) else (), None,
                         data._dtype if isinstance(data, SymTensor) else "float32")
        self.requires_grad = bool(requires_grad)

    def requires_grad_(self, requires_grad: bool = True) -> Parameter:
        self.requires_grad = bool(requires_grad)
        return self


class Module:
    """nn.Module: registers submodules and parameters on assignment; calling it runs forward."""

    training = True
    dump_patches = False

    def __init__(self, *args: Any, **kwargs: Any):
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())

    def __setattr__(self, name: str, value: Any) -> None:
        if "_modules" not in self.__dict__ and isinstance(value, (Module, Parameter)):
            raise TraceError(f"cannot assign {name} before Module.__init__() call",
                             fix="call super().__init__() first in __init__").located(rec.where())
        kind = ("_modules" if isinstance(value, Module) else
                "_parameters" if isinstance(value, Parameter) else None)
        for d in ("_modules", "_parameters", "_buffers"):
            if d != kind and not (value is None and d == "_modules"):
                self.__dict__.get(d, {}).pop(name, None)
        if isinstance(value, Module):
            self.__dict__.pop(name, None)
            self._modules[name] = value
        elif isinstance(value, Parameter):
            self.__dict__.pop(name, None)
            self._parameters[name] = value
        elif value is None and name in self.__dict__.get("_modules", {}):
            self._modules[name] = None
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        for d in ("_modules", "_parameters", "_buffers"):
            table = self.__dict__.get(d)
            if table is not None and name in table:
                return table[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for d in ("_modules", "_parameters", "_buffers"):
            if name in self.__dict__.get(d, {}):
                del self.__dict__[d][name]
                return
        object.__delattr__(self, name)

    # --- registration ---
    def add_module(self, name: str, module: Module | None) -> None:
        self._modules[str(name)] = module

    register_module = add_module

    def register_buffer(self, name: str, tensor: Any, persistent: bool = True) -> None:
        self._buffers[name] = tensor

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        self._parameters[name] = param

    # --- traversal (as torch: each module once, first name wins) ---
    def named_modules(self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True
                      ) -> Iterator[tuple[str, Module]]:
        memo = set() if memo is None else memo
        if id(self) in memo and remove_duplicate:
            return
        memo.add(id(self))
        yield prefix, self
        for name, m in self._modules.items():
            if m is not None:
                yield from m.named_modules(memo, f"{prefix}.{name}" if prefix else name, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        return (m for _, m in self.named_modules())

    def named_children(self) -> Iterator[tuple[str, Module]]:
        return ((n, m) for n, m in self._modules.items() if m is not None)

    def children(self) -> Iterator[Module]:
        return (m for _, m in self.named_children())

    def own_parameters(self) -> dict[str, Parameter]:
        return {n: p for n, p in self._parameters.items() if p is not None}

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Parameter]]:
        seen: set[int] = set()
        for mname, m in (self.named_modules() if recurse else [("", self)]):
            for n, p in m.own_parameters().items():
                if id(p) not in seen:
                    seen.add(id(p))
                    full = ".".join(x for x in (prefix, mname, n) if x)
                    yield full, p

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        return (p for _, p in self.named_parameters(recurse=recurse))

    def buffers(self, recurse: bool = True) -> Iterator[Any]:
        return (b for m in self.modules() for b in m._buffers.values())

    # --- modes (as torch: set on the module and every submodule) ---
    def train(self, mode: bool = True) -> Module:
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self) -> Module:
        return self.train(False)

    # --- no-ops that return the module ---
    def _self(self, *args: Any, **kwargs: Any) -> Module:
        return self

    to = cuda = cpu = half = float = double = share_memory = _self

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """As torch: sets requires_grad of every parameter of the module and its submodules."""
        for p in self.parameters():
            p.requires_grad = bool(requires_grad)
        return self

    def apply(self, fn) -> Module:
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def zero_grad(self, *args: Any, **kwargs: Any) -> None:
        return None

    def register_forward_hook(self, *args: Any, **kwargs: Any) -> Any:
        return types.SimpleNamespace(remove=lambda: None)

    register_forward_pre_hook = register_full_backward_hook = register_backward_hook = register_forward_hook

    def named_buffers(self, *args: Any, **kwargs: Any) -> Iterator[tuple[str, Any]]:
        return ((f"{p}.{n}" if p else n, b) for p, m in self.named_modules() for n, b in m._buffers.items())

    def get_submodule(self, target: str) -> Module:
        m = self
        for part in target.split(".") if target else ():
            m = getattr(m, part)
        return m

    def state_dict(self, *args: Any, **kwargs: Any) -> dict:
        return OrderedDict(self.named_parameters())

    def load_state_dict(self, *args: Any, **kwargs: Any) -> None:
        return None

    # --- calling ---
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        s = rec.session()
        if (s is not None and not s.recording and args and isinstance(args[0], SymTensor)
                and rec.at_top_level()):
            s.top_calls.append((self, tuple(a for a in args if isinstance(a, SymTensor))))
        if s is None:
            return self.forward(*args, **kwargs)
        counted, out = rec.entering(self), None
        s.in_forward += 1
        try:
            out = self.forward(*args, **kwargs)
            return out
        finally:
            s.in_forward -= 1
            if counted:
                rec.leaving(self, output_shape(out))

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise TraceError(f'Module [{type(self).__name__}] is missing the required "forward" function',
                         fix="define forward(self, x)").located(rec.where() or _class_line(type(self)))

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        inner = "".join(f"\n  ({n}): " + repr(m).replace("\n", "\n  ") for n, m in self._modules.items())
        head = f"{type(self).__name__}({self.extra_repr()}"
        return f"{head}{inner}\n)" if inner else f"{head})"


_TUPLED = ("kernel_size", "stride", "padding", "dilation", "output_padding")


def _as_torch_stores(key: str, name: str, value: Any, nd: int) -> Any:
    """Conv modules store kernel_size, stride, ... as tuples (``conv.kernel_size[0]`` works)."""
    if key.startswith("nn.Conv") and name in _TUPLED and isinstance(value, int) and not isinstance(value, bool):
        return (value,) * nd
    return value


class Part(Module):
    """A submodule of a composite layer (MultiheadAttention's out_proj): holds the layer's own parameter
    objects under torch's short names; indexable like the ModuleList it may stand for."""

    def __getitem__(self, i: int) -> Module:
        return self._modules[str(i % len(self._modules) if isinstance(i, int) else i)]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())


def _parts(params: dict, submodules: tuple[tuple[str, str], ...]) -> dict[str, Part]:
    """The top-level views of ``submodules`` (dotted name, class) over a layer's dotted ``params``."""
    made: dict[str, Part] = {}
    for rel, kind in submodules:
        part = type(kind, (Part,), {"__module__": "torch.nn"})()
        prefix = rel + "."
        for n, p in params.items():
            if n.startswith(prefix) and "." not in n[len(prefix):]:
                part._parameters[n[len(prefix):]] = p
        made[rel] = part
        owner, _, last = rel.rpartition(".")
        if owner:
            made[owner]._modules[last] = part
    return {k: v for k, v in made.items() if "." not in k}


def _rules(values: Any) -> list:
    """Constructor arguments as a rule takes them: a layer given to another (TransformerEncoder's
    encoder_layer and norm, a Transformer layer's activation module) is passed as its configured rule."""
    return [v._rule if isinstance(v, Layer) else v for v in values]


class Layer(Module):
    """A leaf layer: the rule registered under ``_key``, configured with torch's constructor args."""

    _key: ClassVar[str] = ""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__()
        try:
            rule = make(self._key, *_rules(args), **dict(zip(kwargs, _rules(kwargs.values()))))
        except SymcnnError as e:
            raise e.located(rec.where(), self._key) from None
        object.__setattr__(self, "_rule", rule)
        object.__setattr__(self, "_made_at", _site())   # errors in forward point here when no net.py
        for k, v in rule.raw_args.items():              # frame calls it (nn.Sequential)
            if k not in ("weight", "bias"):
                object.__setattr__(self, k, _as_torch_stores(self._key, k, v, rule.nd))
        params = rule.parameters()
        if "bias" not in params:
            object.__setattr__(self, "bias", None)
        for n, shape in params.items():
            p = Parameter(SymTensor(shape))
            self._parameters[n] = p

    def __getattr__(self, name: str) -> Any:
        """torch's submodules of a composite layer (``attn.out_proj``, ``enc.layers[0].linear1``), as
        views sharing the layer's own parameter objects (so freezing them freezes the layer's)."""
        try:
            return super().__getattr__(name)
        except AttributeError:
            parts = self.__dict__.get("_parts")
            if parts is None:
                parts = _parts(self._parameters, self._rule.submodules()) if "_rule" in self.__dict__ else {}
                object.__setattr__(self, "_parts", parts)
            if name in parts:
                return parts[name]
            raise

    def extra_repr(self) -> str:
        """The arguments given, as in ``print(model)``; torch's own repr also leaves most defaults out."""
        return ", ".join(f"{k}={v!r}" for k, v in self._rule.raw_args.items() if k in self._rule.given)

    def forward(self, input: Any, *args: Any, **kwargs: Any) -> Any:
        return call_layer(self, self._key, self._rule, input, args, kwargs, _site_where(self._made_at))
