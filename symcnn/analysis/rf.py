"""Receptive fields: size, jump and start of every layer's field, per spatial axis, on a traced net.

Conventions (Araujo, Norris & Sim, "Computing Receptive Fields of Convolutional Neural Networks",
Distill 2019): input pixel i sits at coordinate i (0-based); for layer l with effective kernel
K = k + (k − 1)(d − 1), stride S and left padding P,
    r_l = r_{l−1} + (K − 1)·j_{l−1},   j_l = j_{l−1}·S,   u_l = u_{l−1} − P·j_{l−1},
where u is the left edge of unit 0's field and start = u + (r − 1)/2 its centre. A transposed conv
is a conv with stride 1/S on the zero-inserted input (the literature's fractional jump): its numbers
are marked ``exact=False``. Layers that mix every position (Linear, flatten, adaptive pools) make
the field the whole input (``rf=None`` with a note), never a guessed number. Several parents
(residual add, concat): the union of their fields, and the path of the largest one.

Owns: receptive_fields(steps), the per-layer-type arithmetic, Note (a note with its catalogue key).
The report's data (Field, LayerField, FieldReport, Equivalent) is in rfreport.py.
Never: import torch, print, or format text (rfdoc.py and templates do).
"""

from __future__ import annotations

from sympy import Integer, Max, Min, sympify

from .rfreport import Field, FieldReport, LayerField, canon

# Layers that keep every position's value a function of the same position only.
PASS = {"relu", "relu6", "leakyrelu", "elu", "selu", "celu", "gelu", "silu", "mish", "sigmoid",
        "tanh", "hardswish", "hardsigmoid", "hardtanh", "softplus", "softsign", "tanhshrink",
        "threshold", "logsigmoid", "prelu", "dropout", "dropout1d", "dropout2d", "dropout3d",
        "alphadropout", "featurealphadropout", "identity", "batchnorm1d", "batchnorm2d",
        "batchnorm3d", "batchnorm", "add", "iadd", "radd", "sub", "mul", "imul", "rmul", "div",
        "truediv", "neg", "contiguous", "clone", "detach", "float", "to", "sum", "stack",
        "relu_", "addmul", "softmax", "logsoftmax", "softmin", "cat", "concat", "concatenate",
        "clamp", "clip", "exp", "log", "sqrt", "abs"}


class Note(str):
    """A note in English (the JSON value) that also carries its catalogue key and arguments, so that
    templates can say it in another language (templates/i18n/<lang>.toml, [rf.why])."""

    key: str
    args: dict


def _note(key: str, text: str, **args) -> Note:
    n = Note(text)
    n.key, n.args = key, args
    return n


NOTES = {"batchnorm": _note("batchnorm", "BatchNorm in eval mode is per-position (in training mode its "
                            "statistics see the whole batch)"),
         "softmax": _note("softmax", "softmax over the channel axis is per-position")}


def _norm(key: str) -> str:
    return key.split(".")[-1].lower().replace("_", "").strip()


def _window_layer(rule, nd: int) -> tuple[list[dict], str | None, bool] | None:
    """Per-axis (K_eff, S, P_left, kind) of a conv/pool/transposed conv rule, or None."""
    ks, ss, ds = getattr(rule, "k", None), getattr(rule, "s", None), getattr(rule, "d", None)
    if ks is None or ss is None:
        return None
    ds = ds or (Integer(1),) * len(ks)
    ps = getattr(rule, "p", None)
    note = None
    if ps is None:   # padding='same': torch pads d(k − 1) in total, the extra pixel on the right
        ps = tuple((d * (k - 1)) // 2 for k, d in zip(ks, ds))
        note = _note("same", "padding='same': left padding ⌊d(k − 1)/2⌋")
    transposed = hasattr(rule, "op")
    axes = [{"k": sympify(k), "d": sympify(d), "k_eff": sympify(d * (k - 1) + 1), "s": sympify(s),
             "p": sympify(p)} for k, s, p, d in zip(ks, ss, ps, ds)]
    if len(axes) != nd:
        return None
    return axes, note, transposed


def _union(fields: list[tuple[Field, ...]]) -> tuple[tuple[Field, ...], bool]:
    """Union of several parents' fields per axis; False when the parents' jumps differ."""
    out, same_jump = [], True
    for axis in zip(*fields):
        left = Min(*(a.left for a in axis))
        right = Max(*(a.left + a.rf - 1 for a in axis))
        jumps = {a.jump for a in axis}
        same_jump &= len(jumps) == 1
        out.append(Field(canon(right - left + 1), axis[0].jump, canon(left)))
    return tuple(out), same_jump


def receptive_fields(steps, input_shape) -> FieldReport:
    """Receptive field of every step of a traced net (``Trace.steps``, ``Trace.input_shape``)."""
    nd = max(len(input_shape) - 2, 0)
    for s in steps:
        w = _window_layer(s.rule, getattr(s.rule, "nd", 0)) if s.rule is not None else None
        if w is not None:
            nd = len(w[0])
            break
    names = {1: ("L",), 2: ("H", "W"), 3: ("T", "H", "W")}.get(nd, tuple(f"x{i}" for i in range(nd)))
    report = FieldReport(names)
    ident = tuple(Field(Integer(1), Integer(1), Integer(0)) for _ in range(nd))
    state: dict[int, LayerField] = {-1: LayerField(-1, "input", "input", ident, True, None, ())}
    for s in steps:
        lf = _step(s, nd, state)
        state[s.index] = lf
        report.layers.append(lf)
    return report


def _step(s, nd: int, state: dict[int, LayerField]) -> LayerField:
    parents = [state[p] for p in (s.parents or (-1,)) if p in state]
    kind = _norm(s.key)
    base = LayerField(s.index, s.name, s.type, None)
    if not parents:
        base.note = _note("no_parent", "no known parent")
        return base
    dead = [p for p in parents if p.axes is None]
    if dead:  # a parent without a field: say so, never guess
        whole = dead[0].note and dead[0].note.startswith("whole input")
        base.note = (_note("whole_after", f"whole input (after {dead[0].name})", name=dead[0].name) if whole
                     else _note("na_after", f"not applicable (after {dead[0].name})", name=dead[0].name))
        base.exact = all(p.exact for p in parents)
        return base
    exact = all(p.exact for p in parents)
    if len(parents) > 1:
        axes, same_jump = _union([p.axes for p in parents])
        best = max(parents, key=lambda p: _size_key(p))
        note = None if same_jump else _note("jumps_differ", "the parents' jumps differ: unit 0's field is "
                                            "exact, other units' may not be")
        prev = LayerField(s.index, s.name, s.type, axes, exact and same_jump, note, best.path)
    else:
        prev = parents[0]
    if nd == 0:
        base.note = _note("no_spatial", "no spatial axes")
        return base
    w = _window_layer(s.rule, nd) if s.rule is not None else None
    if w is not None:
        return _windowed(s, prev, *w, exact)
    if kind == "getitem" and getattr(s, "slices", None) is not None:
        return _crop(s, prev, nd, exact)
    if kind in PASS or (s.rule is None and kind in {"getitem"} and _same_spatial(s, nd)):
        note = next((v for k, v in NOTES.items() if kind.startswith(k)), prev.note if len(parents) > 1 else None)
        return LayerField(s.index, s.name, s.type, prev.axes, prev.exact and exact, note,
                          (*prev.path, s.index))
    if kind in {"upsample", "interpolate", "upsamplingnearest2d"}:
        return _upsample(s, prev, nd, exact)
    if getattr(s.rule, "family", "") == "pad" and hasattr(s.rule, "npad"):
        return _pad(s, prev, nd, exact)
    if kind == "getitem":
        base.note = _note("no_offsets", "not applicable: the slice offsets of this step were not recorded")
        return base
    if kind.startswith("adaptive") or kind in {"linear", "flatten", "view", "reshape", "bilinear",
                                               "layernorm", "groupnorm", "instancenorm1d",
                                               "instancenorm2d", "instancenorm3d", "mean"}:
        base.note = _note("whole", f"whole input: every output of {s.type} depends on every input position",
                          type=s.type)
        return base
    base.note = _note("unknown", f"not applicable: symcnn does not know how {s.type} maps positions",
                      type=s.type)
    return base


def _size_key(lf: LayerField):
    try:
        return tuple(int(a.rf) for a in lf.axes or ())
    except TypeError:
        return ()


def _same_spatial(s, nd: int) -> bool:
    return bool(s.inputs) and tuple(s.inputs[0][-nd:]) == tuple(s.output[-nd:])


def _windowed(s, prev: LayerField, axes: list[dict], note: str | None, transposed: bool,
              exact: bool) -> LayerField:
    out = []
    for f, a in zip(prev.axes, axes):
        k_eff, st, p = a["k_eff"], a["s"], a["p"]
        if transposed:
            # conv with stride 1/S on the input with S − 1 zeros between pixels (fractional jump)
            out.append(Field(canon(f.rf + (k_eff - 1) * f.jump / st), canon(f.jump / st),
                             canon(f.left + (p - (k_eff - 1)) * f.jump / st)))
        else:
            out.append(Field(canon(f.rf + (k_eff - 1) * f.jump), canon(f.jump * st),
                             canon(f.left - p * f.jump)))
    if transposed:
        exact = False
        note = _note("transposed", "transposed conv: fractional jump 1/S as in the literature; the field is "
                     "a span in input coordinates, the inputs a unit actually sees vary with its position mod S")
    elif not prev.exact:
        note = note or prev.note
    return LayerField(s.index, s.name, s.type, tuple(out), exact and prev.exact, note,
                      (*prev.path, s.index), {"axes": axes, "transposed": transposed})


def _pad(s, prev: LayerField, nd: int, exact: bool) -> LayerField:
    """Padding layers shift unit 0's field left by the padding before it (negative: a crop)."""
    rule, axes = s.rule, list(prev.axes)
    for i in range(min(rule.npad, nd)):
        a = axes[nd - 1 - i]              # the first (left, right) pair pads the last axis
        axes[nd - 1 - i] = Field(a.rf, a.jump, canon(a.left - sympify(rule.padding[2 * i]) * a.jump))
    note = None if s.rule.name.startswith(("Zero", "Constant")) else _note(
        "pad", f"{s.type}: border units see mirrored/copied pixels; the numbers hold for interior units",
        type=s.type)
    return LayerField(s.index, s.name, s.type, tuple(axes), exact and prev.exact, note, (*prev.path, s.index))


def _crop(s, prev: LayerField, nd: int, exact: bool) -> LayerField:
    """x[..., a:b:t, c:d]: output unit i is input unit a + i·t, so u shifts by a·j and j grows t-fold."""
    kept = [sl for sl in s.slices if sl is not None]
    if len(kept) != len(s.slices) or len(s.output) != len(s.slices) or len(kept) < nd:
        return LayerField(s.index, s.name, s.type, None, exact,
                          _note("axes", "not applicable: the indexing removes or adds axes"))
    axes = tuple(Field(f.rf, canon(f.jump * step), canon(f.left + start * f.jump))
                 for f, (start, step) in zip(prev.axes, kept[-nd:]))
    return LayerField(s.index, s.name, s.type, axes, exact and prev.exact, prev.note if not prev.exact else None,
                      (*prev.path, s.index))


def _upsample(s, prev: LayerField, nd: int, exact: bool) -> LayerField:
    rule = s.rule
    mode = getattr(rule, "mode", None) or "nearest"
    scale = getattr(rule, "scale_factor", None)
    scales = tuple(scale) if isinstance(scale, (tuple, list)) else (scale,) * nd
    scales = tuple(None if v is None else _whole(sympify(v)) for v in scales)
    if mode != "nearest" or None in scales:
        note = (_note("mixing", f"not applicable: {mode} upsampling mixes 1 or 2 neighbours depending on the "
                      "position and align_corners", mode=mode) if mode != "nearest" else
                _note("uneven", "not applicable: nearest upsampling by a size or a non-integer scale repeats "
                      "input units unevenly"))
        return LayerField(s.index, s.name, s.type, None, exact, note)
    axes = []
    for f, sc in zip(prev.axes, scales):
        axes.append(Field(f.rf, canon(f.jump / sympify(sc)), f.left))
    return LayerField(s.index, s.name, s.type, tuple(axes), False,
                      _note("nearest", "nearest upsampling: each unit copies one input unit; the jump is "
                            "the average 1/scale (neighbouring units may share a field)"), (*prev.path, s.index))


def _whole(v):
    """2.0 -> 2; None for a scale that is not a whole number."""
    if v.is_Integer:
        return v
    if v.is_Float and float(v).is_integer():
        return Integer(int(v))
    return None


__all__ = ["Note", "receptive_fields"]
