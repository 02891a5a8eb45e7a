"""Which object of a net.py is the model, once the file has run.

Without ``--model``: the module-level nn.Module instance (several: the one called at module level),
else the one candidate among the file's nn.Module classes that build without arguments, its
zero-argument factory functions (``def ResNet18(): return ResNet(BasicBlock, [2, 2, 2, 2])``) and
``functools.partial`` objects; several candidates are an error listing each with its ``--model``.
``--model`` takes a name (class, factory, partial or instance) or a call with literal arguments,
``VGG('VGG16')``, ``resnet(depth=20)``, ``ResNet(BasicBlock, [2, 2, 2, 2])``: parsed with ``ast``,
arguments are literals or names of the file's own objects, and only a model class or a function
defined in the user's code is ever called (never eval).
Owns: choose_model, candidates. Never: run net.py (loading.py does) or decide shapes of layers.
"""

from __future__ import annotations

import ast
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..core.errors import NetLoadError
from . import record as rec
from .loading import user_error
from .standin import nn
from .standin.missing import MissingBase, zoo_model
from .tensor import SymTensor

_LITERALS = (ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.Set, ast.UnaryOp)


@dataclass(frozen=True, slots=True)
class Kinds:
    """What a model is, per backend: the module base class, losses (never models), leaf layers (a bare
    ``act = nn.ReLU()`` at module level is a model only as a last resort), the rule of a model's first
    layer (for a default input), and which module-level values are example inputs."""

    module: type
    loss: type
    is_layer: Callable[[Any], bool]
    first_rule: Callable[[Any], Any]
    is_input: Callable[[Any, rec.Session], bool]


def _standin_layer(v: Any) -> bool:
    return isinstance(v, nn.Layer) or (isinstance(v, type) and issubclass(v, nn.Layer))


STANDIN = Kinds(nn.Module, nn.Loss, _standin_layer,
                lambda net: next((m._rule for m in net.modules() if isinstance(m, nn.Layer)), None),
                lambda v, s: isinstance(v, SymTensor) and id(v) in s.created)


def kinds(s: rec.Session) -> Kinds:
    return s.kinds or STANDIN


def _models(ns: dict, s: rec.Session) -> tuple[dict[str, Any], dict[str, type]]:
    """Module-level model instances that are no other instance's submodule, and model classes."""
    k, inst = kinds(s), {}
    for n, v in ns.items():
        if isinstance(v, k.module) and not isinstance(v, k.loss) and not n.startswith("_") \
                and all(v is not w for w in inst.values()):
            inst[n] = v
    inner = {id(m) for v in inst.values() for _, m in v.named_modules() if m is not v}
    roots = {n: v for n, v in inst.items() if id(v) not in inner}
    classes = {n: v for n, v in ns.items() if isinstance(v, type) and issubclass(v, k.module)
               and v.__module__ == s.module_name and not issubclass(v, k.loss) and not k.is_layer(v)}
    return roots, classes


def _no_args(fn: Any) -> bool:
    try:
        inspect.signature(fn).bind()
    except (TypeError, ValueError):
        return False
    return True


def _own(fn: Any, s: rec.Session) -> bool:
    """A function (or lambda, or method) defined in the user's own code (for package.module:callable,
    in that package)."""
    fn = getattr(fn, "__func__", fn)
    code = getattr(fn, "__code__", None)
    if s.owner and str(getattr(fn, "__module__", "")).split(".")[0] == s.owner:
        return code is not None
    return code is not None and s.display_of(code.co_filename) is not None


def _builds_model(fn: Any, ns: dict, s: rec.Session, seen: set[int]) -> bool:
    """Does a function of net.py return a model? Read from its source, never by calling it: it returns
    a call of a model class, partial or factory (directly or through a variable it assigned)."""
    if isinstance(fn, functools.partial):
        return _is_maker(fn.func, ns, s, seen)
    if id(fn) in seen or not inspect.isfunction(fn) or not _own(fn, s):
        return False
    seen.add(id(fn))
    try:
        tree = ast.parse(inspect.cleandoc("\n" + inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return False
    made: dict[str, ast.expr] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            made[node.targets[0].id] = node.value
    for ret in (n for n in ast.walk(tree) if isinstance(n, ast.Return) and n.value is not None):
        value = made.get(ret.value.id, ret.value) if isinstance(ret.value, ast.Name) else ret.value
        while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) \
                and isinstance(value.func.value, ast.Call):   # ResNet(...).to(device)
            value = value.func.value
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) \
                and _is_maker(ns.get(value.func.id, fn.__globals__.get(value.func.id)), ns, s, seen):
            return True
    return False


def _is_maker(obj: Any, ns: dict, s: rec.Session, seen: set[int]) -> bool:
    if isinstance(obj, type):
        return issubclass(obj, kinds(s).module) and not issubclass(obj, kinds(s).loss)
    return _builds_model(obj, ns, s, seen)


def candidates(ns: dict, s: rec.Session) -> dict[str, str]:
    """name -> what it is ("class", "factory", "partial") of what could be the model when no instance
    is: classes that build without arguments and no other candidate contains, zero-argument factories."""
    _, classes = _models(ns, s)
    out = {n: "class" for n, c in classes.items() if _no_args(c)}
    for n, v in ns.items():
        if n.startswith("_") or n in out or isinstance(v, type):
            continue
        if isinstance(v, functools.partial) and _no_args(v) and _is_maker(v, ns, s, set()):
            out[n] = "partial"
        elif inspect.isfunction(v) and v.__module__ == s.module_name and _no_args(v) \
                and _builds_model(v, ns, s, set()):
            out[n] = "factory"
    return out


def _call(label: str, fn: Any, args: tuple, kwargs: dict, s: rec.Session) -> Any:
    """Build the model (inside the tracer's limits): a factory that raises is the user's error."""
    try:
        model = fn(*args, **kwargs)
    except NetLoadError:
        raise
    except Exception as e:  # noqa: BLE001 -- the user's factory: report it as their error
        raise user_error(e, s) from None
    if not isinstance(model, kinds(s).module):
        raise NetLoadError(f"{_named(label, s)} gave a {type(model).__name__}, not an nn.Module",
                           fix="name a model class, a factory that returns a model, or a model instance")
    return model


def _named(spec: str, s: rec.Session) -> str:
    """How an error names what the user gave: --model 'X', or module:X for package.module:callable."""
    return f"{s.display}:{spec}" if s.owner else f"--model {spec!r}"


def _ref(node: ast.expr, ns: dict, spec: str) -> Any:
    """A name of net.py's module level, possibly with attributes or a literal subscript: ``models.vgg``."""
    if isinstance(node, ast.Name):
        if node.id not in ns:
            raise KeyError(node.id)
        return ns[node.id]
    if isinstance(node, ast.Attribute):
        return getattr(_ref(node.value, ns, spec), node.attr)
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
        return _ref(node.value, ns, spec)[node.slice.value]
    raise _BadSpec(spec)


class _BadSpec(Exception):
    pass


def _value(node: ast.expr, ns: dict, spec: str) -> Any:
    """An argument: a literal, a name of net.py, or a list/tuple/dict of those."""
    try:
        return ast.literal_eval(node)
    except ValueError:
        pass
    if isinstance(node, (ast.List, ast.Tuple)):
        items = [_value(e, ns, spec) for e in node.elts]
        return items if isinstance(node, ast.List) else tuple(items)
    if isinstance(node, ast.Dict) and None not in node.keys:
        return {_value(k, ns, spec): _value(v, ns, spec) for k, v in zip(node.keys, node.values)}
    return _ref(node, ns, spec)


def from_spec(spec: str, ns: dict, s: rec.Session) -> tuple[str, Any]:
    """The model ``spec`` names in ``ns`` (--model's grammar: a name, or a call with literal arguments)."""
    names = sorted(candidates(ns, s)) + sorted(_models(ns, s)[0])
    listing = f"; the candidates are {', '.join(names)}" if names else ""
    try:
        tree = ast.parse(spec.strip(), mode="eval").body
        if isinstance(tree, ast.Call):
            fn = _ref(tree.func, ns, spec)
            args = tuple(_value(a, ns, spec) for a in tree.args)
            names = [k.arg for k in tree.keywords]
            if None in names or len(set(names)) < len(names):   # **kwargs, or a keyword given twice
                raise _BadSpec(spec)
            kwargs = {k.arg: _value(k.value, ns, spec) for k in tree.keywords}
            label = spec.strip()
        else:
            fn, args, kwargs, label = _ref(tree, ns, spec), (), {}, spec.strip()
    except KeyError as e:
        raise NetLoadError(f"{s.display}: no model named {e.args[0]!r}{listing}",
                           fix="pass one of them as --model (a class or factory name, or a call such as "
                               "--model \"VGG('VGG16')\")") from None
    except (SyntaxError, _BadSpec, AttributeError, IndexError, TypeError, ValueError):
        raise NetLoadError(f"{_named(spec.strip(), s)} is not a name or a call with literal arguments",
                           fix="write a name of net.py (--model ResNet18) or a call whose arguments are "
                               "numbers, strings, lists or names of net.py (--model \"resnet(depth=20)\")"
                           ) from None
    if isinstance(fn, kinds(s).module) and not isinstance(tree, ast.Call):
        return label, fn
    if not (isinstance(fn, type) and issubclass(fn, kinds(s).module)) and not isinstance(fn, functools.partial) \
            and not _own(fn, s):
        raise NetLoadError(f"{_named(spec.strip(), s)}: {label.split('(')[0]} is not a model class or a function of "
                           f"{s.display}", fix=f"name a model class or a factory defined in {s.display}{listing}")
    if isinstance(fn, type) and not isinstance(tree, ast.Call) and not _no_args(fn):
        raise NetLoadError(f"{s.display}: {label}() needs constructor arguments",
                           fix=f"give them in --model, e.g. --model \"{label}(...)\" with the values your script "
                               f"uses, or add `model = {label}(...)` at module level")
    return label, _call(label, fn, args, kwargs, s)


def choose_model(ns: dict, s: rec.Session, model: str | None) -> tuple[str, Any]:
    if model is not None:
        return from_spec(model, ns, s)
    roots, _ = _models(ns, s)
    # a bare layer at module level (act = nn.ReLU() used by forward) is a model only as a last resort
    big = {n: v for n, v in roots.items() if not kinds(s).is_layer(v)}
    leaf = {n: v for n, v in roots.items() if n not in big}
    if len(big) > 1:
        fed = [n for n, v in big.items() if any(m is v for m, _ in s.top_calls)]
        if len(fed) == 1:
            return fed[0], big[fed[0]]
        raise NetLoadError(f"{s.display} defines several models: {', '.join(big)}",
                           fix="choose one: " + ", ".join(f"--model {n}" for n in big))
    if big:
        return next(iter(big.items()))
    found = candidates(ns, s)
    built = {n: _call(n, ns[n], (), {}, s) for n, kind in found.items() if kind == "class"}
    inner = {type(m) for v in built.values() for _, m in v.named_modules() if m is not v}
    top = {n: k for n, k in found.items() if k != "class" or type(built[n]) not in inner}
    if len(top) == 1:
        n = next(iter(top))
        return n, built[n] if n in built else _call(n, ns[n], (), {}, s)
    if len(top) > 1:
        raise NetLoadError(f"{s.display} defines several models: {', '.join(top)}",
                           fix="choose one: " + ", ".join(f"--model {n}" for n in top))
    if leaf:
        return next(iter(leaf.items()))
    if zoo := zoo_model(ns):
        err = NetLoadError(f"{s.display}: the model `{zoo[0]}` comes from {zoo[1]}, which the torch stand-in "
                           "cannot build (it has torch.nn's layers only)",
                           fix="run it with real torch (--backend torch; pip install torch), or write the model's "
                               "layers in net.py with torch.nn modules")
        err.needs_torch = True
        raise err
    raise _no_model(ns, s)


def _no_model(ns: dict, s: rec.Session) -> NetLoadError:
    _, classes = _models(ns, s)
    needs = [n for n in classes if not _no_args(classes[n])]
    missing = [f"{n} derives from {v._missing_base}" for n, v in ns.items()
               if isinstance(v, type) and issubclass(v, MissingBase) and v.__module__ == s.module_name]
    why = ""
    if needs:
        why = f" ({', '.join(needs)} {'needs' if len(needs) == 1 else 'need'} constructor arguments)"
    if missing:
        why += f" ({'; '.join(missing)}, which symcnn cannot run)"
    example = f"--model \"{needs[0]}(...)\"" if needs else "--model NAME"
    if s.stopped is not None:
        at = f" at {s.stopped.at}" if s.stopped.at else ""
        return NetLoadError(f"{s.display} has no model yet where symcnn stopped running it{at}: training starts "
                            f"there ({s.stopped.what}), before a model is built",
                            fix='put the training code under `if __name__ == "__main__":`, or build the model '
                                "before it")
    return NetLoadError(f"{s.display} has no model: looked for a module-level nn.Module instance (net = "
                        "nn.Sequential(...) or model = Net()), an nn.Module subclass that builds without arguments, "
                        f"and a factory function that returns one{why}",
                        fix=f"name the model with {example}, or add `model = Net(...)` at module level")


__all__ = ["STANDIN", "Kinds", "candidates", "choose_model", "from_spec", "kinds"]
