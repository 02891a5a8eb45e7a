"""The summary table's data (templates/summary.*, ``symcnn summary``): its columns (``--columns``), its rows
(one per traced call, or the module rows of ``--depth N``), a ``--layer`` filter, and the totals block,
as expressions the templates print.

Owns: COLUMNS, columns(spec, flops=), rows(trace, ...). Never: format text (templates do), trace, or
decide which calls a pattern names (select.py) or how modules fold (depth.py).
"""

from __future__ import annotations

from sympy import Expr, Integer

from ..core.errors import InputError
from ..flops import conventions
from ..flops import memory as mem
from ..tracing.tracedata import Step, Trace, _total
from .depth import Entry, Tree, check_depth, entries
from .summary import Values, constraints, display_names, fold_bounds, has_buffers

# every column --columns accepts, in the order of --help; the layer name and type always come first
COLUMNS = ("line", "input_size", "output_size", "kernel_size", "num_params", "params_percent", "trainable",
           "macs", "flops", "activation_bytes")
DEFAULT = ("line", "output_size", "num_params", "macs")   # today's table; + flops when --flops is given


def columns(spec: tuple[str, ...] | list[str] | str | None = None, *, flops: bool = False) -> tuple[str, ...]:
    """The columns to show, in order: ``spec`` (names, comma-separated strings allowed, each once), or
    the default (line, output_size, num_params, macs, and flops when a FLOPs convention was asked for).

    Raises InputError naming the accepted values for an unknown or empty name.
    >>> columns("input_size,output_size,num_params")
    ('input_size', 'output_size', 'num_params')
    """
    if spec is None or spec == () or spec == []:
        return (*DEFAULT, "flops") if flops else DEFAULT
    items = [spec] if isinstance(spec, str) else list(spec)
    out: list[str] = []
    for item in items:
        for name in (n.strip() for n in item.split(",")):
            if name not in COLUMNS:
                what = "an empty column name" if not name else f"unknown column {name!r}"
                raise InputError(f"--columns: {what}", fix=f"use names among: {', '.join(COLUMNS)}")
            if name not in out:
                out.append(name)
    return tuple(out)


def _trainable(params: Expr, trainable: Expr) -> str:
    """torchinfo's Trainable: True, False, Partial, or "" for a row without parameters."""
    if params == 0:
        return ""
    if trainable == 0:
        return "False"
    return "True" if (params - trainable).expand() == 0 else "Partial"


def _percent(part: Expr, whole: Expr) -> str:
    """part / whole as torchinfo prints it (31.42%); "" for no parameters or a symbolic count."""
    if part == 0 or not (part.is_Integer and whole.is_Integer) or whole == 0:
        return ""
    return f"{100 * int(part) / int(whole):.2f}%"


class _Rows:
    """Builds the row dicts of one table (every column's value, the templates pick)."""

    def __init__(self, trace: Trace, values: Values, convention: str, act: dict[int, Expr] | None):
        self.trace, self.values, self.convention = trace, values, convention
        self.labels = display_names(trace.steps)
        self.tree = Tree(trace) if trace.modules else None
        self.act = act
        self.total = values(trace.total_params)

    def _frozen(self, step: Step) -> Expr:
        """The parameters of a module's call with requires_grad=False (a composite layer's submodules too)."""
        if self.tree is None or step.via != "module" or step.name not in self.tree.mods or not step.first_call:
            return Integer(0)
        m = self.tree.mods[step.name]
        if m.leaf:   # its own parameters: no walk over every module (one walk a row is quadratic in the net)
            return _total([p.numel for p in m.params if not p.requires_grad])
        return self.tree.params(step.name, False)

    def _activation(self, steps) -> Expr | None:
        if self.act is None:
            return None
        return self.values(_total([self.act.get(i, Integer(0)) for i in steps]))

    def _row(self, name, indent, typ, line, first: Step | None, output, params, trainable, steps, shared,
             kernel=None) -> dict:
        v = self.values
        params, trainable = v(params), v(trainable)
        s = [self.trace.steps[i] for i in steps]
        return {"name": name, "indent": indent, "type": typ, "line": line,
                "input": tuple(v.shape(first.inputs[0])) if first is not None and first.inputs else None,
                "output": None if output is None else tuple(v.shape(output)), "kernel": kernel, "params": params,
                "trainable_params": trainable, "trainable": _trainable(params, trainable),
                "percent": _percent(params, self.total),
                "macs": v(_total([x.macs for x in s])) if steps else None,
                "flops": v(_total([conventions.flops(x, self.convention) for x in s])) if steps else None,
                "activation_bytes": self._activation(steps) if steps else None, "shared": shared}

    def step(self, s: Step, indent: int = 0) -> dict:
        params = s.params if s.first_call else Integer(0)
        k = getattr(s.rule, "k", None) if s.rule is not None else None
        return self._row(self.labels[s.index], indent, s.type, s.where.line if s.where and s.where.line else None,
                         s, s.output, params, params - self._frozen(s), [s.index], not s.first_call,
                         tuple(k) if k is not None else None)

    def module(self, e: Entry) -> dict:
        m, t = self.tree.mods[e.module], self.tree
        steps = [self.trace.steps[i] for i in e.steps]
        if not e.first:
            params = trainable = Integer(0)
        elif e.kind == "folded":
            params, trainable = t.params(m.name), t.params(m.name, True)
        else:
            params, trainable = t.leftover(m.name), t.leftover(m.name, True)
        outs = getattr(m, "outputs", ())   # per call, as torchinfo reads a module's output
        first = steps[0] if m.calls else None   # a ModuleList: no input or output of its own (as torchinfo)
        if not m.calls:
            out = None
        else:
            out = outs[e.call] if e.call < len(outs) and outs[e.call] is not None else steps[-1].output
        return self._row(m.name, e.depth - 1, m.type, None, first, out, params, trainable,
                         e.steps if e.kind == "folded" else [], not e.first and m.calls > 0)


def _unshown(tree: Tree, body: list[dict], unused: list, total: Expr) -> tuple[list, Expr]:
    """--depth rows: the never-called modules no row includes (those under a module with a row are in
    its parameters, as torchinfo counts them), and the rest of the total no row shows (the model's own
    parameters; negative when rows count a shared parameter twice)."""
    left = [(n, v) for n, v in unused if not any(tree.appears(a) for a in tree.path(n)[:-1])]
    return left, (total - _total([r["params"] for r in body]) - _total([v for _, v in left])).expand()


def rows(trace: Trace, *, convention: str = conventions.DEFAULT, subs: dict | None = None,
         columns: tuple[str, ...] = DEFAULT, depth: int | None = None, keep: list[int] | None = None,
         memory_convention: str = mem.DEFAULT, dtype: str = mem.DEFAULT_DTYPE) -> dict:
    """The data of the summary table (templates/summary.*) as expressions (the templates print them).

    Rows: one per traced call (its display name, type, line, shapes, kernel, params counted on a
    module's first call, trainable, MACs, FLOPs under ``convention``, activation bytes in ``dtype``), or
    with ``depth`` the rows of symcnn.solutions.depth.entries. ``keep``: the step indices a --layer
    filter keeps (totals stay over the whole net). Totals: params (trainable, frozen), MACs, FLOPs and
    the memory figures of ``memory_convention`` (symcnn.flops.memory).
    """
    check_depth(depth)
    values = Values(dict(subs or {}))
    size = mem.dtype_size(dtype)
    build = _Rows(trace, values, convention, {s.index: mem.activation_bytes(s, size) for s in trace.steps})
    kept = set(keep) if keep is not None else None
    # parameters in the total that no row shows: modules never called, bare nn.Parameters
    unused, extra = [(n, values(r.params)) for n, r in trace.unused], values(trace.extra_params)
    if depth is not None and build.tree is not None:
        every = entries(trace, depth)
        body = [build.step(trace.steps[e.steps[0]], e.depth - 1) if e.kind == "step" else build.module(e)
                for e in every]
        unused, extra = _unshown(build.tree, body, unused, values(trace.total_params))
        body = [r for r, e in zip(body, every, strict=True) if kept is None or kept.intersection(e.steps)]
    else:
        body = [build.step(s) for s in trace.steps if kept is None or s.index in kept]
    total = {"params": values(trace.total_params), "macs": values(trace.total_macs),
             "flops": values(conventions.total(trace, convention)),
             "trainable_params": values(trace.trainable_params),
             "non_trainable_params": values(trace.non_trainable_params)}
    m = mem.memory(trace, memory_convention, dtype)
    memory = {"convention": m.convention, "dtype": m.dtype, "input": values(m.input_bytes),
              "forward_backward": values(m.forward_backward_bytes), "params": values(m.params_bytes),
              "total": values(m.total_bytes)}
    from .formula import relation

    return {"model": trace.model, "source": trace.source, "backend": trace.backend,
            "input_shape": tuple(values.shape(trace.input_shape)),
            "output_shape": tuple(values.shape(trace.output_shape)), "rows": body, "total": total,
            "convention": convention, "columns": tuple(columns), "depth": depth,
            "filtered": None if kept is None else {"rows": len(kept), "steps": len(trace.steps)},
            "memory": memory, "buffers": has_buffers(trace),
            "unused": unused, "extra_params": extra,
            "constraints": [relation(c) for c in fold_bounds(constraints(trace, values))]}


__all__ = ["COLUMNS", "DEFAULT", "columns", "rows"]
