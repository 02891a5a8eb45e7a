"""The forms of a graded answers file: ``render_report(report, fmt, lang)`` in text, Markdown feedback,
LaTeX, HTML, JSON or Gradescope JSON; and the class forms (one line, CSV) of several reports.

A report carries the truth it was graded against (``Report.truth``: the traced net and the FLOPs
convention), so every form, the worked steps included, is rendered from the report alone: the CLI
and the Python API call the same function. Every word comes from the templates templates/check/*.j2
and the [check] table of the catalogue (a new language is a new catalogue); JSON and CSV are data:
their keys and the CSV status values are the same in every language.

Owns: render_report, report_text, report_markdown, report_dict, report_gradescope, class_line,
class_csv, solution_text.
Never: grade anything (grading/check.py does), parse options, write a user-facing word in Python.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
import json
import re

from ..core.errors import InputError
from ..core.fmt import jsonable, number, text
from ..core.render import environment, render


def _value(v) -> str:
    if isinstance(v, tuple):
        return "×".join(text(x) if getattr(x, "is_Atom", True) else f"({text(x)})" for x in v)
    return number(v)


def _json_value(v):
    return [jsonable(x) for x in v] if isinstance(v, tuple) else jsonable(v)


def _raw(v):
    """The answer as the student wrote it: ints stay ints, formulas stay their strings."""
    return list(v) if isinstance(v, tuple) else v


def _given(it) -> str:
    """Given values as written for formulas and approximate numbers (the student's own text),
    formatted for exact numbers; "" for a blank answer."""
    if it.raw is None:
        return ""
    if isinstance(it.raw, tuple):   # a formula size in parentheses: 1×10×(H - 4)×(W - 4)
        return "×".join(str(x) if re.fullmatch(r"\w+", str(x)) else f"({x})" for x in it.raw)
    if isinstance(it.raw, str) and not getattr(it.given, "is_Integer", False):
        return it.raw
    return _value(it.given)


def _pts(x: float):
    return int(x) if float(x).is_integer() else round(x, 4)


# --- the words: templates/check/*.text.j2 with the catalogue's [check] table -----------------------
def _item(it) -> dict:
    """One graded item as the templates see it (values printed, words left to the templates)."""
    return {"key": it.key, "correct": it.correct, "expected": _value(it.expected), "given": _given(it),
            "blank": it.raw is None, "diagnosis": it.diagnosis, "note": it.note, "how": it.how}


def _context(r, wrong_only: bool = False) -> dict:
    if r.error:
        return {"path": r.path, "error": r.error, "items": [], "score": 0, "max": 0}
    return {"path": r.path, "error": None, "score": _pts(r.score), "max": _pts(r.max_score),
            "items": [_item(i) for i in r.items if not (wrong_only and i.correct)]}


def _template(name: str, lang: str, fmt: str = "text"):
    return environment(fmt, lang).get_template(f"check/{name}.{'md' if fmt == 'markdown' else fmt}.j2")


def report_text(r, lang: str = "en") -> str:
    """The text report of one answers file: one line per item, then the score."""
    return _template("report", lang).render(**_context(r))


def report_dict(r) -> dict:
    if r.error:
        return {"file": r.path, "error": r.error}
    return {"file": r.path, "score": _pts(r.score), "max_score": _pts(r.max_score), "items": [
        {"key": it.key, "expected": _json_value(it.expected), "given": _raw(it.raw),
         "correct": it.correct, "points": _pts(it.points), "max_points": _pts(it.max_points),
         "diagnosis": [{"id": d.id, "message": d.message, **({"origin": d.origin} if d.origin else {})}
                       for d in it.diagnosis],
         **({"note": it.note} if it.note else {}), **({"how": it.how} if it.how and not it.correct else {}),
         "line": it.line} for it in r.items]}


def report_gradescope(r, lang: str = "en") -> dict:
    """A Gradescope autograder results.json: one test per item, points from [points]."""
    words = _template("gradescope", lang).module
    if r.error:
        return {"score": 0, "output": str(words.error(r.error)), "tests": []}
    tests = [{"name": it.key, "score": _pts(it.points), "max_score": _pts(it.max_points),
              "output": str(words.test(_item(it))), "status": "passed" if it.correct else "failed"}
             for it in r.items]
    score = environment("text", lang).get_template("check/_item.j2").module.score_line
    return {"score": _pts(r.score), "output": str(score(_pts(r.score), _pts(r.max_score))), "tests": tests}


def class_line(r, lang: str = "en") -> str:
    """One line of a class listing: the file, its score and its wrong items with their mistake ids."""
    return _template("class_line", lang).render(**_context(r, wrong_only=True))


def class_csv(reports) -> str:
    """One row per answers file. The header and the status (ok, wrong, error) are field names and
    values for spreadsheets, like JSON keys: the same in every language."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["file", "score", "max_score", "status", "wrong", "diagnosis", "error"])
    for r in reports:
        if r.error:
            out.writerow([r.path, "", "", "error", "", "", r.error])
            continue
        wrong = [i for i in r.items if not i.correct]
        out.writerow([r.path, _pts(r.score), _pts(r.max_score), "wrong" if wrong else "ok",
                      ";".join(i.key for i in wrong),
                      ";".join(f"{i.key}={'+'.join(d.id for d in i.diagnosis) or _unnamed(i)}"
                               for i in wrong), ""])
    return buf.getvalue()


def _unnamed(it) -> str:
    """The CSV diagnosis of a wrong item no mistake explains: blank (no answer) or ? (unknown)."""
    return "blank" if it.raw is None else "?"


_CALCS = {"output_shape": ("sizes",), "params": ("weights", "biases"), "weights": ("weights",),
          "biases": ("biases",), "macs": ("macs",), "flops": ("macs",)}


def _wrong(r) -> list[dict]:
    """The wrong items, each with its line and the worked steps of its layer's field: (kind, Calc)
    pairs, kind one of sizes, weights, biases, macs."""
    out, layers = [], None
    for it in r.items if not r.error else ():
        if it.correct:
            continue
        calcs = []
        if r.truth is not None and it.layer is not None and it.field in _CALCS:
            layers = layers if layers is not None else _derived_layers(r)
            lay = layers.get(it.layer)
            for kind in _CALCS[it.field] if lay is not None else ():
                found = getattr(lay, kind)
                calcs += [(kind, c) for c in (found if isinstance(found, list) else [found]) if c is not None]
        out.append(_item(it) | {"line": it.line, "calcs": calcs})
    return out


def _derivation(r):
    from ..solutions.derivation import derive

    return derive(r.truth.trace, convention=r.truth.convention)


def _derived_layers(r) -> dict:
    """Display name (name#n) -> the worked-solution Layer of the net the report was graded against."""
    d = _derivation(r)
    return {r.truth.display[lay.index]: lay for lay in d.layers if lay.index in r.truth.display}


def _solution_derivation(r):
    """The worked derivation of the layers with wrong items; None when every item is right or the
    report has no truth."""
    wrong = [i for i in r.items if not i.correct]
    if r.truth is None or not wrong:
        return None
    names = {i.key.split(".", 1)[1].rsplit(".", 1)[0] for i in wrong if i.key.startswith("layers.")}
    wanted = {i for n in names for i in r.truth.layers.get(n, ())}
    d = _derivation(r)
    return dataclasses.replace(d, layers=[lay for lay in d.layers if lay.index in wanted])


def solution_text(r, lang: str = "en") -> str:
    """symcnn check --solution: the correct step of each wrong item, then the worked derivation of
    their layers ("" when every item is right)."""
    wrong = [i for i in r.items if not i.correct]
    if not wrong:
        return ""
    d = _solution_derivation(r)
    return _template("solution", lang).render(items=[_item(i) for i in wrong if i.how],
                                              derivation=d.render("text", lang) if d is not None else None)


def report_markdown(r, lang: str = "en") -> str:
    """Feedback a TA can hand back: the score, every item, and for each wrong one its diagnosis, the
    correct step and the worked derivation of that item (derived from ``r.truth``, the net it was
    graded against)."""
    return _template("report", lang, "markdown").render(**_context(r), wrong=_wrong(r))


def _explained(r, lang: str) -> dict:
    """The text report's context, each wrong item's explanation rendered (explain() of _item.j2)."""
    ctx = _context(r)
    explain = environment("text", lang).get_template("check/_item.j2").module.explain
    ctx["items"] = [it | {"why": "" if it["correct"] else str(explain(it))} for it in ctx["items"]]
    return ctx


FORMATS = ("text", "markdown", "html", "latex", "json", "gradescope")


def render_report(report, fmt: str = "text", lang: str = "en", *, solution: bool = False,
                  standalone: bool = True) -> str:
    """One graded answers file as ``fmt`` (text, markdown, html, latex, json, gradescope) in ``lang``;
    ``solution``: the text form ends with the worked derivation of the layers with wrong items. HTML is
    the text report in a ``<pre>`` (no HTML feedback template yet); LaTeX a document (``standalone``)
    or its body."""
    if fmt not in FORMATS:
        raise InputError(f"unknown report format {fmt!r}", fix=f"use one of: {', '.join(FORMATS)}")
    if fmt == "json":
        return json.dumps(report_dict(report), ensure_ascii=False, indent=2)
    if fmt == "gradescope":
        return json.dumps(report_gradescope(report, lang), ensure_ascii=False, indent=2)
    if fmt == "markdown":
        return report_markdown(report, lang)
    if fmt == "latex":
        return render("check/report", "latex", lang, None, standalone=standalone, style="full", layout="nchw",
                      **_explained(report, lang))
    body = report_text(report, lang)
    extra = solution_text(report, lang) if solution and not report.error else ""
    body = f"{body}\n\n{extra}" if extra else body
    return f'<pre class="symcnn-check">{html.escape(body)}</pre>' if fmt == "html" else body


__all__ = ["FORMATS", "class_csv", "class_line", "render_report", "report_dict", "report_gradescope",
           "report_markdown", "report_text", "solution_text"]
