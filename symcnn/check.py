"""Grading answers files against a traced net: compare each item, decide formulas, name the mistake.

A ``Grader`` traces the net once per distinct input shape (a class of 200 files is traced once) and
keeps one ``Truth`` per trace, so mistake alternatives are computed once and shared by every file.
Numbers are compared exactly; a formula answer is correct when it equals the true closed form for
every valid input: first by canonical form, then confirmed by evaluation over valid inputs (every
constraint of the net holds); a wrong one gets the smallest counterexample found.

Owns: Grader, Report, Item, Diagnosis, grade_files.
Never: print, choose an output format, or catch bare Exception.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from sympy import Integer, Rational

from . import conventions
from .answers import Answer, Answers, AnswersError, load
from .equiv import Symbolic, _num, compare, value_at
from .errors import SymcnnError
from .formula_parse import FormulaError, parse_formula
from .intarith import to_canonical
from .mistakes import ANY, message
from .rule import numel
from .symbols import SPATIAL, size_symbol
from .truth import Truth


@dataclass(frozen=True, slots=True)
class Diagnosis:
    id: str
    message: str
    origin: str | None = None   # the layer where it was made, if not this item's ("all": every layer)


@dataclass(slots=True)
class Item:
    key: str
    expected: object
    given: object
    correct: bool
    points: float
    max_points: float
    diagnosis: list[Diagnosis] = field(default_factory=list)
    note: str | None = None      # counterexample, or how far off when no mistake reproduces it
    how: str | None = None       # the correct step
    line: int | None = None
    raw: object = None           # the answer as written in the file (int, formula string, or a list)


@dataclass(slots=True)
class Report:
    path: str
    items: list[Item] = field(default_factory=list)
    error: str | None = None     # the file could not be graded (one line)

    @property
    def score(self) -> float:
        return sum(i.points for i in self.items)

    @property
    def max_score(self) -> float:
        return sum(i.max_points for i in self.items)

    @property
    def all_correct(self) -> bool:
        return self.error is None and all(i.correct for i in self.items)


class Grader:
    """Grades answers files against one net; traces are cached by input shape."""

    def __init__(self, net_path: str | None = None, *, model: str | None = None, input_shape=None,
                 timeout: float | None = None, lang: str = "en", flops: str | None = None,
                 trace=None, tracer=None):
        self.net_path, self.model, self.input_shape, self.timeout = net_path, model, input_shape, timeout
        self.lang, self.flops = lang, flops
        self._tracer = tracer
        self._traces: dict = {}
        if trace is not None:
            self._traces[None] = trace
        self._truths: dict = {}
        self._eqs: dict = {}             # formula equivalence (valid input points) per symbolic truth
        self.last_trace = trace          # the trace the last graded file was checked against
        self.last_convention = flops or conventions.DEFAULT

    # --- traces --------------------------------------------------------------------------------------
    @staticmethod
    def _key(shape):
        return None if shape is None else tuple(str(v) for v in shape)

    def seed(self, shape, trace) -> None:
        """Reuse a trace already made for ``shape`` (None: the net's own example input)."""
        self._traces[self._key(shape)] = trace

    def trace(self, shape):
        key = self._key(shape)
        if key not in self._traces:
            run = self._tracer
            if run is None:
                from .tracer import trace as run
            self._traces[key] = run(self.net_path, model=self.model, input_shape=shape, timeout=self.timeout)
        return self._traces[key]

    def truth(self, trace, convention: str) -> Truth:
        key = (id(trace), convention)
        if key not in self._truths:
            self._truths[key] = Truth(trace, convention)
        return self._truths[key]

    # --- grading -------------------------------------------------------------------------------------
    def grade_file(self, path: str) -> Report:
        try:
            answers = load(path)
        except SymcnnError as e:
            return Report(str(path), error=str(e))
        return self.grade(answers)

    def grade(self, answers: Answers) -> Report:
        report = Report(answers.path)
        try:
            ctx = _Context(self, answers)
            for a in answers.items:
                report.items.append(ctx.item(a))
        except SymcnnError as e:
            return Report(answers.path, error=str(e))
        except (ArithmeticError, TypeError, ValueError, RecursionError) as e:   # a bug: grade the others
            return Report(answers.path, error=f"internal error while grading this file ({type(e).__name__}: "
                          f"{' '.join(str(e).split())[:200]}); this is a bug in symcnn, please report it")
        return report


class _Context:
    """One answers file against the (cached) traces of its input shape."""

    def __init__(self, grader: Grader, answers: Answers):
        self.g, self.answers = grader, answers
        self.conv = grader.flops or answers.flops or conventions.DEFAULT
        shape = grader.input_shape
        if answers.input_shape is not None:
            shape = tuple(Integer(v) if isinstance(v, int) else size_symbol(v) for v in answers.input_shape)
        try:
            tr = grader.trace(shape)
        except SymcnnError as e:
            if answers.input_shape is None:
                raise
            shown = "×".join(str(v) for v in answers.input_shape)
            parts = (e.where and f"{e.where}:", e.layer and f"{e.layer}:", e.what)
            inner = " ".join(str(x) for x in parts if x)
            raise AnswersError(f"[input] shape {shown} does not fit the net ({inner})", fix=e.fix,
                               where=answers.where(answers.input_line)) from None
        symbolic = any(not getattr(v, "is_Integer", True) for v in tr.input_shape)
        self.num = None if symbolic else grader.truth(tr, self.conv)
        self._sym = grader.truth(tr, self.conv) if symbolic else None
        base = tuple(tr.input_shape)
        nd = len(base) - 2
        if symbolic:
            self.sym_shape = base
        elif nd in SPATIAL:
            self.sym_shape = (*base[:2], *SPATIAL[nd])
        else:
            self.sym_shape = base
        self.names = {s.name: s for v in self.sym_shape for s in getattr(v, "free_symbols", set())}
        self.concrete = {} if symbolic else {s: int(v) for s, v in zip(self.sym_shape, base)
                                             if getattr(s, "is_Symbol", False)}
        self.layers = (self.num or self._sym).layers
        grader.last_trace, grader.last_convention = tr, self.conv

    def sym(self, a: Answer) -> tuple[Truth, Symbolic]:
        if self._sym is None:
            try:
                tr = self.g.trace(self.sym_shape)
            except SymcnnError as e:
                shown = "×".join(str(v) for v in self.sym_shape)
                raise AnswersError(f"{a.key}: a formula answer needs the net traced on {shown}, which fails "
                                   f"({e})", where=self.answers.where(a.line),
                                   fix="give this answer as a number for the net's input") from None
            self._sym = self.g.truth(tr, self.conv)
        key = (id(self._sym), tuple(sorted(self.concrete.items(), key=str)))
        if key not in self.g._eqs:
            self.g._eqs[key] = Symbolic(self._sym, self.concrete)
        return self._sym, self.g._eqs[key]

    def parse(self, a: Answer, v):
        if isinstance(v, int):
            return Integer(v)
        try:
            return to_canonical(parse_formula(v, self.names))
        except FormulaError as e:
            e.what = f"{a.key}: {e.what}"
            raise e.located(self.answers.where(a.line)) from None

    def item(self, a: Answer) -> Item:
        if a.layer is not None and a.layer not in self.layers:
            names = list(self.layers)
            close = difflib.get_close_matches(a.layer, names, n=1, cutoff=0.4)
            hint = f"did you mean {close[0]!r}? " if close else ""
            shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
            raise AnswersError(f"unknown layer {a.layer!r}", where=self.answers.where(a.line),
                               fix=f"{hint}the layers are: {shown} (as `symcnn summary` shows them)")
        shape = isinstance(a.value, tuple)
        given = tuple(self.parse(a, v) for v in a.value) if shape else self.parse(a, a.value)
        pts = self.answers.points_for(a)
        symbolic = any(e.free_symbols for e in (given if shape else (given,)))
        it = Item(a.key, None, given, False, 0.0, pts, line=a.line, raw=a.value)
        if symbolic or self.num is None:
            truth, eq = self.sym(a)
            it.expected = truth.expected(a.layer, a.field)
            it.correct, cex = compare(given, it.expected, eq)
            if cex:
                where = ", ".join(f"{k}={v}" for k, v in cex.items() if k not in ("expected", "given"))
                e, g = _show(cex["expected"]), _show(cex["given"])
                if symbolic:
                    it.note = (f"在 {where} 时应为 {e}，你的公式给出 {g}" if self.g.lang == "zh"
                               else f"at {where}: expected {e}, your formula gives {g}")
                else:
                    it.note = (f"答案随输入尺寸变化，应写成公式：在 {where} 时是 {e}" if self.g.lang == "zh"
                               else f"the answer depends on the input size, write a formula: "
                                    f"at {where} it is {e}")
            point = None
            if cex and symbolic:   # diagnose where the formula is wrong (a numeric trace at that input)
                point = {sym: cex[sym.name] for sym in eq.symbols if sym.name in cex}
            elif self.num is not None and self.concrete:
                point = self.concrete
            num = self._numeric_at(point) if point and not it.correct else None
            if num is not None:
                at = value_at(given, point)
                if at is not None:
                    self._diagnose(it, a, at, num)
            elif not it.correct and not symbolic and not _free(it.expected):
                self._diagnose(it, a, given, truth)   # sizes do not matter: diagnose on the symbolic trace
            if not it.correct:
                it.how = truth.how(a.layer, a.field, self.g.lang)
        else:
            it.expected = self.num.expected(a.layer, a.field)
            it.correct = _equal(given, it.expected)
            if not it.correct:
                self._diagnose(it, a, given)
                it.how = self.num.how(a.layer, a.field, self.g.lang)
        it.points = pts if it.correct else 0.0
        return it

    def _numeric_at(self, point: dict) -> Truth | None:
        """The truth of the net traced at the numbers ``point`` gives the input symbols (None if invalid)."""
        if self.num is not None and point == self.concrete:
            return self.num
        shape = tuple(v.xreplace({s: Integer(x) for s, x in point.items()}) if hasattr(v, "xreplace") else v
                      for v in self.sym_shape)
        try:
            return self.g.truth(self.g.trace(shape), self.conv)
        except SymcnnError:
            return None

    def _diagnose(self, it: Item, a: Answer, given, truth: Truth | None = None) -> None:
        truth = truth or self.num
        exp = truth.expected(a.layer, a.field)
        if _equal(given, exp):
            return
        found: dict[str, str | None] = {}
        if isinstance(exp, tuple) and _batch_only(given, exp):
            found["off_by_batch"] = None
        if isinstance(exp, tuple) and len(exp) >= 3 and _equal(given, (exp[0], *exp[2:], exp[1])):
            found["channels_last"] = None
        for mid, origin, value in truth.alternatives(a.layer, a.field):
            hit = (given != exp and given != 0) if value is ANY else _equal(given, value)
            if hit and (mid not in found or (found[mid] is not None and origin is None)):
                found[mid] = origin
        if not found and isinstance(exp, tuple) and truth is self.num:
            found.update(self._carried(a, given, exp))
        if not found and a.field == "macs" and a.layer and truth is self.num:
            found.update(self._macs_from_own_shape(a, given, exp))
        if any(o is None for o in found.values()):   # a mistake in this very step explains it best
            found = {m: o for m, o in found.items() if o is None}
        lang = self.g.lang
        for mid, origin in found.items():
            msg = message(mid, lang)
            if mid == "carried_forward":
                msg = msg.format(layer=origin)
            elif origin == "all":
                msg += " (每一层都犯了这个错误)" if lang == "zh" else " (in every layer)"
            elif origin is not None:
                msg = (f"由 {origin} 的错误导致：" if lang == "zh" else f"follows from {origin}: ") + msg
            it.diagnosis.append(Diagnosis(mid, msg, origin))
        if it.note is not None:
            return
        if not found and not isinstance(exp, tuple) and exp != 0:
            it.note = _how_far(given, exp, lang)
        elif not found and isinstance(exp, tuple):
            bad = [str(i) for i, (x, y) in enumerate(zip(_full(given, exp), exp)) if x != y]
            if bad:
                it.note = (f"第 {', '.join(bad)} 维不对" if lang == "zh"
                           else f"wrong in dimension {', '.join(bad)} (counting from 0)")


    def _step_of(self, layer: str, fld: str) -> int | None:
        """The step whose output a shape answer states (input_shape: the producing step)."""
        tr = self.num.trace
        idx = self.num.layers[layer]
        if fld == "output_shape":
            return idx[-1]
        first = tr.steps[idx[0]]
        return first.parents[0] if first.parents else None

    def _wrong_shapes(self) -> list[tuple[int, str, tuple]]:
        """(step, layer, full shape) of every wrong numeric shape answer in this file (computed once)."""
        if not hasattr(self, "_wrong"):
            self._wrong = []
            for b in self.answers.items:
                if b.layer is None or b.layer not in self.num.layers or not isinstance(b.value, tuple) \
                        or not all(isinstance(v, int) for v in b.value):
                    continue
                src = self._step_of(b.layer, b.field)
                truth = self.num.expected(b.layer, b.field)
                shape = _full(tuple(Integer(v) for v in b.value), truth)
                if src is not None and src >= 0 and len(shape) == len(truth) and not _equal(shape, truth):
                    self._wrong.append((src, b.layer, shape))
        return self._wrong

    def _macs_from_own_shape(self, a: Answer, given, exp) -> dict:
        """Are these MACs right for the student's own (wrong) output shape of the same conv/linear layer?"""
        idx = self.num.layers[a.layer]
        step = self.num.trace.steps[idx[-1]]
        if len(idx) != 1 or step.rule is None or step.rule.family not in ("conv", "linear") \
                or hasattr(step.rule, "op"):
            return {}
        for b in self.answers.items:
            if b.layer == a.layer and b.field == "output_shape" and all(isinstance(v, int) for v in b.value):
                shape = _full(tuple(Integer(v) for v in b.value), tuple(step.output))
                true = numel(step.output)
                if len(shape) == len(step.output) and true != 0 and _equal(given, exp * numel(shape) / true):
                    return {"carried_forward": f"{a.layer}.output_shape"}
        return {}

    def _carried(self, a: Answer, given: tuple, exp: tuple) -> dict:
        """Is this wrong shape what the true rules give from the student's own (wrong) earlier shape?"""
        from .mistakes import Scenario

        target = self._step_of(a.layer, a.field) if a.layer else None
        if target is None:
            return {}
        earlier = [w for w in self._wrong_shapes() if w[0] < target]
        if not earlier:
            return {}
        src, layer, shape = max(earlier, key=lambda w: w[0])
        sc = Scenario(self.num.trace, "carried_forward", src, seed=shape, memo=self.num._memo)
        if target in sc.changed and _equal(given, sc.changed[target][0]):
            return {"carried_forward": layer}
        return {}


def _how_far(given, exp, lang: str) -> str | None:
    """'off by -656 (-0.11%)', or 'off by +1,135,256,096 (2 × the expected value)'."""
    d = given - exp
    if not (d.is_Integer and given.is_Rational):
        return None
    ratio = float(Rational(given, exp))
    if abs(ratio - 1) < 0.1:
        rel = f"{(ratio - 1) * 100:+.2g}%"
        return f"差 {int(d):+,}（{rel}）" if lang == "zh" else f"off by {int(d):+,} ({rel})"
    return (f"差 {int(d):+,}（是正确值的 {ratio:.4g} 倍）" if lang == "zh"
            else f"off by {int(d):+,} ({ratio:.4g} × the expected value)")


def _free(v) -> bool:
    return any(getattr(x, "free_symbols", None) for x in (v if isinstance(v, tuple) else (v,)))


def _full(given: tuple, exp: tuple) -> tuple:
    return (exp[0], *given) if len(given) == len(exp) - 1 else given


def _equal(given, exp) -> bool:
    if isinstance(exp, tuple) or isinstance(given, tuple):
        if not (isinstance(exp, tuple) and isinstance(given, tuple)):
            return False
        if len(given) == len(exp) - 1:
            exp = exp[1:]
        return len(given) == len(exp) and all(_equal(x, y) for x, y in zip(given, exp))
    return _num(given) == _num(exp)


def _batch_only(given: tuple, exp: tuple) -> bool:
    if len(given) == len(exp) + 1:
        return _equal(given[1:], exp) or _equal(given[:-1], exp)
    return len(given) == len(exp) and len(exp) > 1 and given[0] != exp[0] and _equal(given[1:], exp[1:])


def _show(v) -> str:
    return f"{v:,}" if isinstance(v, int) and not isinstance(v, bool) else str(v)


def grade_files(net_path: str, paths, **options) -> list[Report]:
    """Grade several answers files against one net (traced once per input shape)."""
    g = Grader(net_path, **options)
    return [g.grade_file(p) for p in paths]


__all__ = ["Diagnosis", "Grader", "Item", "Report", "grade_files"]
