"""The ``symcnn check`` command: grade answers files against a net and print the reports.

Registered lazily by the group in cli.py as ``symcnn.cli.check:check``. Exit codes: 0 every answer
right; 1 some answer wrong; 2 unusable input (the net, an option, or an answers file that cannot be
graded: with several files the others are still graded and printed, and the exit code is 2).

With ``--template`` / ``--key`` it writes an answer sheet instead of grading (grading/handout.py).

Owns: check (the click command); the report forms are grading/feedback.py's render_report (and its
class forms), re-exported here.
Never: grade anything itself (grading/check.py does), write a user-facing word in Python, or catch bare
Exception.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import click

from ..core.errors import InputError
from ..core.render import catalogue, languages
from ..grading.feedback import (
    class_csv,
    class_line,
    render_report,
    report_dict,
    report_gradescope,
    report_markdown,
    report_text,
    solution_text,
)
from .options import CliError, NetArgs, emit, load_trace, net_options


def _feedback_path(folder: Path, answers: Path, written: set) -> Path:
    """DIR/<name>.md for an answers file; a name met before (a/ann.toml, b/ann.toml) gets -2, -3 ..."""
    name, n = answers.stem, 1
    while name in written:
        n += 1
        name = f"{answers.stem}-{n}"
    written.add(name)
    return folder / f"{name}.md"


def _sheet(net: NetArgs, key: bool, fields, layers, layout, dtype, flops, lang) -> str:
    """--template / --key: the blank answer sheet or the filled key."""
    from ..grading.check import Grader
    from ..grading.handout import DEFAULT_FIELDS, handout, render_sheet

    base, _ = load_trace(replace(net, sets=()))
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
    base, _ = load_trace(replace(net, sets=()))
    shape = base.input_shape if net.input is not None else None
    grader = Grader(net.path, model=net.model, input_shape=shape, timeout=net.timeout, lang=lang, flops=flops,
                    tolerance=tol, layout=layout, dtype=dtype)
    grader.seed(shape, base)
    reports, written = [], set()
    for p in answers:
        reports.append(grader.grade_file(p))
        if feedback_dir:
            feedback = render_report(reports[-1], "markdown", lang)
            Path(feedback_dir).mkdir(parents=True, exist_ok=True)
            emit(feedback, str(_feedback_path(Path(feedback_dir), Path(p), written)))
    if len(reports) == 1:
        r = reports[0]
        if r.error and fmt == "text" and not csv_path:
            raise CliError(r.error)
        if r.error:
            click.echo(f"symcnn: error: {r.error}", err=True)
        body = render_report(r, fmt, lang, solution=solution)
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


__all__ = ["check", "class_csv", "class_line", "render_report", "report_dict", "report_gradescope",
           "report_markdown", "report_text", "solution_text"]
