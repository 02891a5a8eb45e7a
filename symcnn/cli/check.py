"""The ``symcnn check`` command: grade answers files against a net and print the reports.

Registered lazily by the group in cli.py as ``symcnn.cli.check:check``. Exit codes: 0 every answer
right; 1 some answer wrong; 2 unusable input (the net, an option, or an answers file that cannot be
graded: with several files the others are still graded and printed, and the exit code is 2).

With ``--template`` / ``--key`` it writes an answer sheet instead of grading (grading/handout.py).

Owns: check (the click command), the text / Markdown / JSON / Gradescope / CSV forms of a Report.
Every word of the text and Markdown forms comes from the templates templates/check/*.j2 and the
[check] table of the catalogue (a new language is a new catalogue); JSON and CSV are data.
Never: grade anything itself (grading/check.py does), write a user-facing word in Python, or catch bare
Exception.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import click

from ..core.errors import InputError
from ..core.fmt import jsonable, number, text
from ..core.render import catalogue, environment, languages
from .options import CliError, NetArgs, emit, load_trace, net_options


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
                      ";".join(f"{i.key}={'+'.join(d.id for d in i.diagnosis) or _unnamed(i)}" for i in wrong), ""])
    return buf.getvalue()


def _feedback_path(folder: Path, answers: Path, written: set) -> Path:
    """DIR/<name>.md for an answers file; a name met before (a/ann.toml, b/ann.toml) gets -2, -3 ..."""
    name, n = answers.stem, 1
    while name in written:
        n += 1
        name = f"{answers.stem}-{n}"
    written.add(name)
    return folder / f"{name}.md"


def _unnamed(it) -> str:
    """The CSV diagnosis of a wrong item no mistake explains: blank (no answer) or ? (unknown)."""
    return "blank" if it.raw is None else "?"


def _solution(grader, r, lang: str) -> str:
    """Worked derivations of the layers with wrong items (helper E's derivation), else the correct steps."""
    wrong = [i for i in r.items if not i.correct]
    if not wrong:
        return ""
    steps = [_item(i) for i in wrong if i.how]
    try:
        import dataclasses

        from ..solutions.derivation import derive
    except ImportError:
        return _template("solution", lang).render(items=steps, derivation=None)
    trace = grader.last_trace
    truth = grader.truth(trace, grader.last_convention)
    names = {i.key.split(".", 1)[1].rsplit(".", 1)[0] for i in wrong if i.key.startswith("layers.")}
    wanted = {i for n in names for i in truth.layers.get(n, ())}
    d = derive(trace, convention=grader.last_convention)
    d = dataclasses.replace(d, layers=[lay for lay in d.layers if lay.index in wanted])
    return _template("solution", lang).render(items=steps, derivation=d.render("text", lang))


_CALCS = {"output_shape": ("sizes",), "params": ("weights", "biases"), "weights": ("weights",),
          "biases": ("biases",), "macs": ("macs",), "flops": ("macs",)}


def report_markdown(r, grader=None, lang: str = "en") -> str:
    """Feedback a TA can hand back: the score, every item, and for each wrong one its diagnosis, the
    correct step and the worked derivation of that item (``grader``: the one that graded ``r``, whose
    last trace is the net the file was graded on; None: no derivations)."""
    ctx = _context(r)
    wrong = []
    layers = None
    for it in r.items if not r.error else ():
        if it.correct:
            continue
        calcs = []
        if grader is not None and it.layer is not None and it.field in _CALCS:
            layers = layers or _derived_layers(grader)
            lay = layers.get(it.layer)
            for kind in _CALCS[it.field] if lay is not None else ():
                found = getattr(lay, kind)
                calcs += [(kind, c) for c in (found if isinstance(found, list) else [found]) if c is not None]
        wrong.append(_item(it) | {"line": it.line, "calcs": calcs})
    return _template("report", lang, "markdown").render(**ctx, wrong=wrong)


def _derived_layers(grader) -> dict:
    """Display name (name#n) -> the worked-solution Layer of the net the grader last graded against."""
    from ..solutions.derivation import derive

    truth = grader.truth(grader.last_trace, grader.last_convention)
    d = derive(grader.last_trace, convention=grader.last_convention)
    return {truth.display[lay.index]: lay for lay in d.layers if lay.index in truth.display}


def _sheet(net: NetArgs, key: bool, fields, layers, layout, dtype, flops, lang) -> str:
    """--template / --key: the blank answer sheet or the filled key."""
    from ..grading.check import Grader
    from ..grading.handout import DEFAULT_FIELDS, handout, render_sheet

    base, _ = load_trace(NetArgs(net.path, net.model, net.input, (), net.timeout))
    truth = Grader(trace=base).truth(base, flops or "mac", dtype or "float32")
    pick = [x.strip() for x in fields.split(",") if x.strip()] if fields else list(DEFAULT_FIELDS)
    names = [x.strip() for x in layers.split(",") if x.strip()] if layers else None
    return render_sheet(handout(truth, key=key, fields=pick, layers=names, layout=layout or "nchw",
                                net=Path(net.path).name), lang)


LANGS = [lang for lang in languages() if "check" in catalogue(lang)]   # a catalogue with a [check] table


@click.command()
@net_options
@click.argument("answers", nargs=-1, metavar="[ANSWERS.toml]...")
@click.option("--format", "fmt", type=click.Choice(("text", "markdown", "json", "gradescope")),
              default="text", show_default=True,
              help="Report format; markdown is feedback to hand back (each wrong item with its diagnosis and "
              "worked derivation); gradescope writes an autograder results.json.")
@click.option("--json", "sh_json", is_flag=True, help="Same as --format json.")
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True,
              help="Language of the messages.")
@click.option("--solution", is_flag=True,
              help="After grading, show the worked derivation of each wrong item.")
@click.option("--flops", metavar="NAME", default=None,
              help="FLOPs convention of the flops fields (overrides the answers file's [options] flops).")
@click.option("--tolerance", metavar="REL", default=None,
              help="Relative tolerance of approximate answers such as 1.14 G (overrides [options] "
              "tolerance).")
@click.option("--layout", type=click.Choice(("nchw", "hwc")), default=None,
              help="How shapes are written: N×C×H×W, or H×W×C as in the course notes (overrides [options] "
              "layout; the order of --template and --key).")
@click.option("--dtype", type=click.Choice(("float32", "float16", "bfloat16", "float64")), default=None,
              help="Element type of activation_bytes (overrides [options] dtype; default float32).")
@click.option("--csv", "csv_path", metavar="FILE", help="Also write one CSV row per answers file to FILE.")
@click.option("--feedback", "feedback_dir", metavar="DIR",
              help="Also write each file's Markdown feedback to DIR/<name>.md.")
@click.option("--template", "template", is_flag=True,
              help="Write a blank answer sheet for students instead of grading (see --fields, --layers).")
@click.option("--key", "key", is_flag=True, help="Write the filled answer key instead of grading.")
@click.option("--fields", metavar="LIST", help="Fields of --template/--key, e.g. output_shape,params,macs "
              "(the default); also input_shape, weights, biases, flops, activations, activation_bytes.")
@click.option("--layers", metavar="LIST", help="Layers of --template/--key, e.g. conv1,pool1 (default: all).")
@click.option("-o", "--output", metavar="FILE",
              help="Write the report to FILE (atomically) instead of stdout.")
def check(net: NetArgs, answers, fmt, sh_json, lang, solution, flops, tolerance, layout, dtype, csv_path,
          feedback_dir, template, key, fields, layers, output):
    """Grade answers files against NET.py and name the classic mistake behind each wrong answer.

    The answer-sheet format (every field, number forms, [options], [points],
    name#n for a layer called several times): docs/answers.md.

    \b
    Examples:
      symcnn check examples/alexnet.py --template -o sheet.toml
      symcnn check examples/alexnet.py --key --fields output_shape,params -o key.toml
      symcnn check examples/alexnet.py answers.toml
      symcnn check examples/alexnet.py answers.toml --format markdown -o feedback.md
      symcnn check examples/alexnet.py answers.toml --format gradescope -o results.json
      symcnn check examples/mnist.py class/*.toml --csv grades.csv --feedback feedback/
    Exit code: 0 all correct, 1 some answer wrong, 2 unusable input (with several
    files: some file could not be graded; the others are still graded and listed).
    """
    from ..flops.conventions import convention
    from ..grading.check import Grader

    if net.sets:
        raise InputError("--set is not used by `symcnn check`",
                         fix="give the input in the answers file's [input] shape, or with --input")
    if flops is not None:
        convention(flops)
    if template or key:
        if answers or (template and key):
            raise InputError("--template and --key write a sheet: give no answers files, and one of the two",
                             fix="run symcnn check NET.py --template -o sheet.toml (or --key -o key.toml)")
        emit(_sheet(net, key, fields, layers, layout, dtype, flops, lang), output)
        return 0
    if fields or layers:
        raise InputError("--fields and --layers choose what --template and --key write",
                         fix="add --template or --key, or leave them out to grade")
    if not answers:
        raise InputError("no answers files to grade",
                         fix="give ANSWERS.toml files, or --template / --key to write an answer sheet "
                             "(the format: docs/answers.md)")
    tol = _tolerance(tolerance)
    if sh_json:
        if fmt not in ("text", "json"):
            raise InputError(f"--json conflicts with --format {fmt}", fix="give one of them")
        fmt = "json"
    if fmt in ("gradescope", "markdown") and len(answers) > 1:
        raise InputError(f"--format {fmt} reports on one submission, got {len(answers)} answers files",
                         fix="run once per submission, or use --csv and --feedback DIR for a class")
    base, _ = load_trace(NetArgs(net.path, net.model, net.input, (), net.timeout))
    shape = base.input_shape if net.input is not None else None
    grader = Grader(net.path, model=net.model, input_shape=shape, timeout=net.timeout, lang=lang, flops=flops,
                    tolerance=tol, layout=layout, dtype=dtype)
    grader.seed(shape, base)
    reports, feedback, written = [], "", set()
    for p in answers:
        reports.append(grader.grade_file(p))
        if feedback_dir or fmt == "markdown":   # now, while the grader's last trace is this file's
            feedback = report_markdown(reports[-1], grader, lang)
        if feedback_dir:
            Path(feedback_dir).mkdir(parents=True, exist_ok=True)
            emit(feedback, str(_feedback_path(Path(feedback_dir), Path(p), written)))
    if len(reports) == 1:
        r = reports[0]
        if r.error and fmt == "text" and not csv_path:
            raise CliError(r.error)
        if r.error:
            click.echo(f"symcnn: error: {r.error}", err=True)
        if fmt == "json":
            body = json.dumps(report_dict(r), ensure_ascii=False, indent=2)
        elif fmt == "gradescope":
            body = json.dumps(report_gradescope(r, lang), ensure_ascii=False, indent=2)
        elif fmt == "markdown":
            body = feedback
        else:
            body = report_text(r, lang)
            if solution and not r.error:
                extra = _solution(grader, r, lang)
                body += f"\n\n{extra}" if extra else ""
    elif fmt == "json":
        body = json.dumps({"files": [report_dict(r) for r in reports]}, ensure_ascii=False, indent=2)
    else:
        body = "\n".join(class_line(r, lang) for r in reports)
    if csv_path:
        emit(class_csv(reports), csv_path)
    emit(body, output)
    code = 2 if any(r.error for r in reports) else 0 if all(r.all_correct for r in reports) else 1
    if code:
        click.get_current_context().exit(code)
    return 0


def _tolerance(text):
    """--tolerance 0.01 or 1% (None when not given)."""
    from ..grading.numbers import read_tolerance

    if text is None:
        return None
    t = read_tolerance(text)
    if t is None:
        raise InputError(f"--tolerance {text!r} is not a relative error from 0 to below 1",
                         fix="give e.g. --tolerance 0.01 or --tolerance 1%")
    return t


__all__ = ["check", "class_csv", "class_line", "report_dict", "report_gradescope", "report_markdown",
           "report_text"]
