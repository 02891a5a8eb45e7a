"""Grading answers files against a traced net: compare each item, decide formulas, name the mistake.

A ``Grader`` traces the net once per distinct input shape (a class of 200 files is traced once) and
keeps one ``Truth`` per trace, so mistake alternatives are computed once and shared by every file.
Numbers are read as students write them (numbers.py): exact ones are compared exactly, approximate
ones (1.14 G) within the sheet's tolerance. A formula answer is correct when it equals the true
closed form for every valid input: first by canonical form, then confirmed by evaluation over valid
inputs (every constraint of the net holds); a wrong one gets the first counterexample found (batch 1).
A blank answer ("") is graded "no answer"; a bare name of a layer called several times is an error
that lists its calls (name#1 ... name#n), never a silent choice.

Owns: Grader, grade_files (Report, Item, Diagnosis are defined in checkreport.py and re-exported;
naming the mistake is diagnose.py's Diagnoser).
Never: print, choose an output format, write a word in Python, or catch bare Exception.
"""

from __future__ import annotations

import difflib

from sympy import Integer

from ..core.errors import InputError, SymcnnError
from ..core.formula_parse import FormulaError, parse_formula
from ..core.intarith import to_canonical
from ..core.render import catalogue
from ..core.symbols import SPATIAL, size_symbol
from ..flops import conventions
from .answers import Answer, Answers, AnswersError, load
from .checkreport import Diagnosis, Item, Report, say
from .diagnose import Diagnoser, correct, free, show
from .equiv import Symbolic, compare, value_at
from .numbers import Approx, NumberError, read_number
from .sheet import from_hwc, to_hwc
from .truth import Truth

PER_MODULE = ("params", "weights", "biases")   # the same at every call of a module: a bare name is enough


class Grader:
    """Grades answers files against one net; traces are cached by input shape."""

    def __init__(self, net_path: str | None = None, *, model: str | None = None, input_shape=None,
                 timeout: float | None = None, lang: str = "en", flops: str | None = None,
                 trace=None, tracer=None, tolerance=None, layout: str | None = None,
                 dtype: str | None = None):
        self.net_path, self.model, self.input_shape, self.timeout = net_path, model, input_shape, timeout
        if "check" not in catalogue(lang) or "mistakes" not in catalogue(lang):   # unknown lang: InputError
            raise InputError(f"the message catalogue of {lang!r} has no [check] or [mistakes] table",
                             fix=f"add them to templates/i18n/{lang}.toml (copy them from en.toml)")
        self.lang, self.flops = lang, flops
        # the TA's overrides of every sheet's [options] (None: the sheet's own, else the default)
        self.tolerance, self.layout, self.dtype = tolerance, layout, dtype
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
                from ..tracing.tracer import trace as run
            self._traces[key] = run(self.net_path, model=self.model, input_shape=shape, timeout=self.timeout)
        return self._traces[key]

    def truth(self, trace, convention: str, dtype: str = "float32") -> Truth:
        key = (id(trace), convention, dtype)
        if key not in self._truths:
            self._truths[key] = Truth(trace, convention, dtype)
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
            report.truth = ctx.graded
            for a in answers.items:
                report.items.append(ctx.item(a))
        except SymcnnError as e:
            return Report(answers.path, error=str(e))
        except (ArithmeticError, TypeError, ValueError, RecursionError) as e:   # a bug: grade the others
            return Report(answers.path, error=f"internal error while grading this file ({type(e).__name__}: "
                          f"{' '.join(str(e).split())[:200]}); this is a bug in symcnn, please report it")
        return report


class _Context(Diagnoser):
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
        self.dtype = grader.dtype or answers.dtype
        self.layout = grader.layout or answers.layout
        self.tolerance = answers.tolerance if grader.tolerance is None else grader.tolerance
        self.num = None if symbolic else grader.truth(tr, self.conv, self.dtype)
        self._sym = grader.truth(tr, self.conv, self.dtype) if symbolic else None
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
        self.graded = self.num or self._sym      # the truth of the trace this file is graded against
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
            self._sym = self.g.truth(tr, self.conv, self.dtype)
        key = (id(self._sym), tuple(sorted(self.concrete.items(), key=str)))
        if key not in self.g._eqs:
            self.g._eqs[key] = Symbolic(self._sym, self.concrete)
        return self._sym, self.g._eqs[key]

    def parse(self, a: Answer, v, size: bool = False):
        """An answer's value: Integer, Approx (a rounded figure) or a canonical formula; ``size``: one
        size of a shape, which must be exact."""
        if isinstance(v, int):
            return Integer(v)
        try:
            n = read_number(v, bytes_=a.field == "activation_bytes")
            if isinstance(n, Approx) and size:
                raise NumberError(f"{v!r} is approximate, but a shape's sizes are exact whole numbers",
                                  fix='write every size in full: "1x96x55x55"')
            if n is not None:
                return Integer(n) if isinstance(n, int) else n
            return to_canonical(parse_formula(v, self.names))
        except (FormulaError, NumberError) as e:
            e.what = f"{a.key}: {e.what}"
            raise e.located(self.answers.where(a.line)) from None

    def _check_layer(self, a: Answer) -> None:
        """The layer exists, and a bare name of a layer called several times is not ambiguous."""
        if a.layer is None:
            return
        if a.layer not in self.layers:
            names = [n for n in self.layers if "#" not in n or n.endswith("#1")]
            close = difflib.get_close_matches(a.layer, list(self.layers), n=1, cutoff=0.4)
            hint = f"did you mean {close[0]!r}? " if close else ""
            shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
            raise AnswersError(f"unknown layer {a.layer!r}", where=self.answers.where(a.line),
                               fix=f"{hint}the layers are: {shown} (as `symcnn summary` shows them)")
        calls = self.layers[a.layer]
        if len(calls) > 1 and a.field not in PER_MODULE:
            truth = self.num or self._sym
            steps = truth.steps_of(a.layer)
            where = [f"{a.layer}#{n}" + (f" (line {st.where.line})" if st.where and st.where.line else "")
                     for n, st in enumerate(steps[:20], 1)]
            more = ", ..." if len(steps) > 20 else ""
            raise AnswersError(f"layer {a.layer!r} is called {len(calls)} times, so its {a.field} has "
                               f"{len(calls)} values", where=self.answers.where(a.line),
                               fix=f"name one call: {', '.join(where)}{more}; e.g. [layers.\"{a.layer}#1\"]")

    def _nchw(self, given, rank: int):
        """A shape answer in PyTorch's order (the sheet may write H×W×C: [options] layout = "hwc")."""
        return from_hwc(given, rank) if self.layout == "hwc" and isinstance(given, tuple) else given

    def _shown(self, exp):
        return to_hwc(exp) if self.layout == "hwc" and isinstance(exp, tuple) and len(exp) >= 3 else exp

    def item(self, a: Answer) -> Item:
        self._check_layer(a)
        pts = self.answers.points_for(a)
        it = Item(a.key, None, None, False, 0.0, pts, line=a.line, raw=a.value, layer=a.layer, field=a.field)
        truth = self.num or self._sym
        if a.value is None:   # left blank
            it.expected = self._shown(truth.expected(a.layer, a.field))
            it.note = say(self.g.lang, "no_answer")
            it.how = truth.how(a.layer, a.field, self.g.lang, self.layout)
            return it
        shape = isinstance(a.value, tuple)
        given = tuple(self.parse(a, v, size=True) for v in a.value) if shape else self.parse(a, a.value)
        if shape:
            given = self._nchw(given, len(truth.expected(a.layer, a.field)))
        it.given = given
        symbolic = any(free(e) for e in (given if shape else (given,)))
        exp = truth.expected(a.layer, a.field)
        if symbolic or self.num is None and free(exp):
            self._symbolic(it, a, given.value if isinstance(given, Approx) else given, symbolic)
        else:
            truth = self.num or self._sym
            it.expected = exp
            it.correct = correct(given, exp, self.tolerance)
            if not it.correct:
                self._diagnose(it, a, given, truth)
                it.how = truth.how(a.layer, a.field, self.g.lang, self.layout)
        it.expected = self._shown(it.expected)
        it.points = pts if it.correct else 0.0
        return it

    def _symbolic(self, it: Item, a: Answer, given, symbolic: bool) -> None:
        """A formula answer, or a number where the answer depends on symbolic input sizes."""
        truth, eq = self.sym(a)
        it.expected = truth.expected(a.layer, a.field)
        it.correct, cex = compare(given, it.expected, eq)
        if cex:
            where = ", ".join(f"{k}={v}" for k, v in cex.items() if k not in ("expected", "given"))
            e, g = show(cex["expected"]), show(cex["given"])
            it.note = say(self.g.lang, "counterexample" if symbolic else "needs_formula",
                          where=where, expected=e, given=g)
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
        elif not it.correct and not symbolic and not free(it.expected):
            self._diagnose(it, a, given, truth)   # sizes do not matter: diagnose on the symbolic trace
        if not it.correct:
            it.how = truth.how(a.layer, a.field, self.g.lang, self.layout)

    def _numeric_at(self, point: dict) -> Truth | None:
        """The truth of the net traced at the numbers ``point`` gives the input symbols (None if invalid)."""
        if self.num is not None and point == self.concrete:
            return self.num
        shape = tuple(v.xreplace({s: Integer(x) for s, x in point.items()}) if hasattr(v, "xreplace") else v
                      for v in self.sym_shape)
        try:
            return self.g.truth(self.g.trace(shape), self.conv, self.dtype)
        except SymcnnError:
            return None


def grade_files(net_path: str, paths, **options) -> list[Report]:
    """Grade several answers files against one net (traced once per input shape)."""
    g = Grader(net_path, **options)
    return [g.grade_file(p) for p in paths]


__all__ = ["Diagnosis", "Grader", "Item", "Report", "grade_files"]
