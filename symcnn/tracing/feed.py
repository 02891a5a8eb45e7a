"""Which inputs the model is fed, once net.py has run and the model is chosen.

One input per required positional argument of ``forward``: the ones given (``--input``, repeatable, with
an optional dtype: ``--input 1x100 --input 1:long``), else what the file itself fed the model at module
level, else its module-level example tensors (``torch.rand(...)``-like, a tuple of them for several
inputs; also read from an ``if __name__ == "__main__":`` block, which does not run), else symbolic
N×C×H×W (a model that takes several inputs must be told their shapes).
Owns: choose_inputs. Never: run net.py or decide shapes of layers.
"""

from __future__ import annotations

import ast
import inspect
from typing import Any

from sympy import Basic, Integer

from ..core.errors import TraceError, Where
from ..core.symbols import SPATIAL, C, L, N
from ..core.userinput import DTYPES, InputSpec
from . import record as rec
from .choose import kinds
from .tensor import SymTensor, sym


def _arity(net: Any) -> tuple[list[str], int | None]:
    """(names of the required positional arguments of forward, how many it takes at most; None: any)."""
    try:
        params = list(inspect.signature(net.forward).parameters.values())
    except (TypeError, ValueError):
        return [], None
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    most = None if any(p.kind == p.VAR_POSITIONAL for p in params) else len(positional)
    return [p.name for p in positional if p.default is p.empty], most


def _where_forward(net: Any, s: rec.Session) -> Where | None:
    code = getattr(type(net).forward, "__code__", None)
    shown = s.display_of(code.co_filename) if code else None
    return Where(shown, code.co_firstlineno) if shown else None


def _spec(t: Any) -> InputSpec:
    """An example input as an InputSpec: a symbolic tensor, or a real one (the torch backend)."""
    if isinstance(t, SymTensor):
        return InputSpec(t._shape, t._dtype)
    return InputSpec(tuple(Integer(int(n)) for n in t.shape), str(t.dtype).removeprefix("torch."))


def default_input(rule: Any) -> InputSpec:
    """Symbolic N×C×H×W (1-D: N×C×L, 3-D: N×C×T×H×W) with C from the model's first layer's rule; a
    first Linear gives N×F, an embedding N×L token ids, a recurrent or attention layer L×N×F (N×L×F with
    batch_first)."""
    if rule is None:
        return InputSpec((N, C, *SPATIAL[2]))
    args = rule.raw_args
    if "in_features" in args:
        return InputSpec((N, sym(args["in_features"])))
    if "num_embeddings" in args:                       # token ids
        return InputSpec((N, L), "int64")
    for inner in ("encoder_layer", "decoder_layer"):   # a Transformer stack: its layer's input
        if inner in args and hasattr(args[inner], "raw_args"):
            return default_input(args[inner])
    features = next((args[k] for k in ("input_size", "embed_dim", "d_model") if k in args), None)
    if features is not None:                           # a sequence: (L, N, F), batch_first: (N, L, F)
        f = sym(features)
        if rule.key.endswith("Cell"):
            return InputSpec((N, f))
        return InputSpec((N, L, f) if args.get("batch_first") else (L, N, f))
    c = args.get("in_channels", args.get("num_features", C))
    nd = rule.nd or 2
    return InputSpec((N, sym(c) if not isinstance(c, Basic) or c.is_Integer else C, *SPATIAL[nd]))


def choose_inputs(ns: dict, s: rec.Session, net: Any, name: str, given: list[InputSpec] | None) -> list[InputSpec]:
    need, most = _arity(net)
    if given is not None:
        if len(given) < len(need) or (most is not None and len(given) > most):
            shown = f"{len(given)} --input" + ("s were" if len(given) != 1 else " was")
            raise TraceError(f"{name}.forward takes {len(need)} input{'s' if len(need) != 1 else ''} "
                             f"({', '.join(need) or 'none'}) but {shown} given",
                             fix="give one --input per argument of forward, in order "
                                 "(e.g. --input 1x100 --input 1:long)", where=_where_forward(net, s))
        return list(given)
    found = _fed(ns, s, net, max(1, len(need)))
    if found:
        return found
    if len(need) > 1:
        raise TraceError(f"{name}.forward takes {len(need)} inputs ({', '.join(need)}) and symcnn cannot tell "
                         "their shapes", fix="give one --input per argument, in order (e.g. --input 1x3x256x256 "
                         "--input 1x3x256x256; integer inputs: --input 1:long)", where=_where_forward(net, s))
    return [default_input(kinds(s).first_rule(net))]


def _fed(ns: dict, s: rec.Session, net: Any, k: int) -> list[InputSpec]:
    """What the file feeds the model: module-level calls, example tensors, its __main__ block."""
    members = {id(m) for _, m in net.named_modules()}
    fed = [a for m, a in s.top_calls if m is net] or [a for m, a in s.top_calls if id(m) in members]
    if fed and (k == 1 or len(fed[0]) == k):
        return [_spec(t) for t in fed[0][:k]]
    made = lambda v: kinds(s).is_input(v, s)  # noqa: E731
    if k > 1:
        groups = [v for n, v in ns.items() if not n.startswith("_") and isinstance(v, (tuple, list))
                  and len(v) == k and all(map(made, v))]
        groups += [tuple(SymTensor(sh, None, dt) for sh, dt in g) for g in _main_block_calls(s.source)
                   if len(g) == k]
        return [_spec(t) for t in groups[0]] if groups else []
    tensors = []
    for n, v in ns.items():
        if made(v) and not n.startswith("_") and all(v is not t for t in tensors):
            tensors.append(v)
    specs = [_spec(t) for t in tensors] or [InputSpec(sh, dt) for g in _main_block_calls(s.source) for sh, dt in g]
    if len(set(specs)) > 1:
        rule = kinds(s).first_rule(net)
        c = rule.raw_args.get("in_channels") if rule is not None else None
        specs = [v for v in specs if c is not None and len(v.shape) > 1 and v.shape[1] == c]
    return [specs[0]] if len(set(specs)) == 1 else []


_CREATORS = {"rand": "float32", "randn": "float32", "zeros": "float32", "ones": "float32", "empty": "float32",
             "randint": "int64"}


def _creator(call: ast.expr) -> tuple[tuple, str] | None:
    """(shape, dtype) of a literal ``torch.rand(1, 3, 32, 32)``-like call, else None."""
    if not isinstance(call, ast.Call):
        return None
    f = call.func
    if not (isinstance(f, ast.Attribute) and f.attr in _CREATORS and isinstance(f.value, ast.Name)
            and f.value.id == "torch"):
        return None
    args = call.args[2:] if f.attr == "randint" else call.args
    args = args or [k.value for k in call.keywords if k.arg == "size"]
    if len(args) == 1 and isinstance(args[0], (ast.Tuple, ast.List)):
        args = args[0].elts
    dtype = _CREATORS[f.attr]
    for k in call.keywords:
        if k.arg == "dtype" and isinstance(k.value, ast.Attribute) and k.value.attr in DTYPES:
            dtype = DTYPES[k.value.attr]
    try:
        shape = tuple(ast.literal_eval(a) for a in args)
    except ValueError:
        return None
    if shape and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in shape):
        return tuple(map(Integer, shape)), dtype
    return None


def _main_block_calls(source: str) -> list[list[tuple[tuple, str]]]:
    """Under ``if __name__ == "__main__":`` (which does not run): each call fed literal tensors, as its
    list of (shape, dtype), and each lone ``torch.rand(...)``-like tensor as a list of one."""
    groups = []
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return []
    for node in body:
        if not (isinstance(node, ast.If) and "__main__" in ast.unparse(node.test)
                and "__name__" in ast.unparse(node.test)):
            continue
        for call in (n for stmt in node.body for n in ast.walk(stmt) if isinstance(n, ast.Call)):
            made = _creator(call)
            if made:
                groups.append([made])
            elif len(call.args) > 1 and all(_creator(a) for a in call.args):
                groups.append([_creator(a) for a in call.args])
    return groups


__all__ = ["choose_inputs", "default_input"]
