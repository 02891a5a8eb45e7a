"""The report of one graded answers file as a data object: ``CheckReport`` (what ``symcnn.check()``
returns), and ``grade_answers``, grading one sheet against a traced net.

Its forms are feedback.render_report's (text, markdown, latex, html, json, gradescope: what ``symcnn
check`` prints); it shows itself in Jupyter (core.notebook).

Owns: CheckReport, grade_answers, read_answers. Never: grade an item (check.py does), print, or write
a word in Python.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..core.collector import paused
from ..core.notebook import Rendered
from ..core.render import render as render_template
from . import feedback
from .answers import Answers, load, loads
from .check import Grader
from .checkreport import Item, Report


class CheckReport(Rendered):
    """One answers file graded: ``score``, ``max_score``, ``all_correct``, ``items`` (each ``Item``
    with key, expected, given, correct, points, diagnosis, note, how), ``wrong``, ``error`` (the file
    could not be graded). ``solution``: the forms end with the worked solution of the wrong items
    (``symcnn check --solution``)."""

    def __init__(self, report: Report, *, lang: str = "en", solution: bool = False):
        self.report, self.lang, self.solution = report, lang, solution

    @property
    def items(self) -> list[Item]:
        return self.report.items

    @property
    def wrong(self) -> list[Item]:
        return [i for i in self.report.items if not i.correct]

    @property
    def score(self) -> float:
        """The points earned (an int when whole, as the reports print it)."""
        return feedback._pts(self.report.score)

    @property
    def max_score(self) -> float:
        return feedback._pts(self.report.max_score)

    @property
    def all_correct(self) -> bool:
        return self.report.all_correct

    @property
    def error(self) -> str | None:
        return self.report.error

    @paused
    def render(self, fmt: str = "text", lang: str | None = None, standalone: bool = True) -> str:
        """text, markdown, latex, html, json or gradescope, as ``symcnn check --format`` prints them
        (LaTeX and HTML: a whole document unless ``standalone=False``)."""
        return feedback.render_report(self.report, fmt, lang or self.lang, solution=self.solution,
                                      standalone=standalone)

    def _jupyter_latex(self) -> str:
        return render_template("jupyter/check", "latex", self.lang, **feedback._context(self.report))

    def __repr__(self) -> str:
        if self.error:
            return f"<CheckReport {self.report.path}: error>"
        return f"<CheckReport {self.report.path}: {self.score:g}/{self.max_score:g}>"


def read_answers(answers) -> Answers:
    """An answers sheet given as a path, as TOML text (a str with a newline), or already read (Answers).
    Raises AnswersError (a SymcnnError) naming the file and line."""
    if isinstance(answers, Answers):
        return answers
    if isinstance(answers, str) and "\n" in answers:
        return loads(answers)
    if isinstance(answers, (str, Path)):
        return load(answers)
    from .answers import AnswersError

    raise AnswersError(f"answers {type(answers).__name__} is not an answers sheet",
                       fix="give the path of an answers .toml file, or its TOML text")


def grade_answers(trace, answers, *, retrace: Callable[[tuple | None], object] | None = None,
                  input_shape=None, lang: str = "en", flops: str | None = None, tolerance=None,
                  layout: str | None = None, dtype: str | None = None, solution: bool = False) -> CheckReport:
    """Grade one answers sheet against ``trace``. ``retrace(shape)`` traces the same net on another input
    (a sheet's [input] shape, or symbolic sizes for formula answers); ``input_shape``: the shape
    ``trace`` was made with when the caller chose it (a sheet without [input] is graded on it)."""
    def tracer(_net, *, model=None, input_shape=None, timeout=None):
        if retrace is None:
            from ..core.errors import InputError

            raise InputError("this needs the net traced on another input, and only a Trace was given",
                             fix="pass the net itself (a net.py, a model) instead of its Trace")
        return retrace(input_shape)

    if flops is not None:
        from ..flops.conventions import convention

        convention(flops)   # an unknown name: InputError with the list of names
    grader = Grader(None, input_shape=input_shape, lang=lang, flops=flops, tracer=tracer, tolerance=tolerance,
                    layout=layout, dtype=dtype)
    grader.seed(input_shape, trace)
    return CheckReport(grader.grade(read_answers(answers)), lang=lang, solution=solution)


__all__ = ["CheckReport", "grade_answers", "read_answers"]
