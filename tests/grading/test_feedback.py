"""Feedback in every form (symcnn.grading.feedback.render_report, symcnn check --format ...): the HTML
page has the content of the Markdown feedback (score, every item, each wrong one's diagnosis, correct
step and worked steps) as valid HTML5 with MathML and no script, in English and Chinese; --solution
appends the worked derivation of the wrong layers in every document form; the CLI picks the form from
the -o suffix; JSON and Gradescope are the same data as before."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from htmlcheck import MATHML, XHTML, check_page, text_of
from test_check import ALEX, SEQ

from symcnn.grading.answers import loads
from symcnn.grading.check import Grader
from symcnn.grading.feedback import render_report, report_dict, report_gradescope

STUDENT = Path(__file__).resolve().parent / "answers" / "alexnet_student.toml"
SEQ_ANSWERS = """[layers.lstm]
params = 14720
[layers.gru]
params = 928
[layers.attn]
params = 272
macs = 10240
[layers.block]
params = 1952
[total]
params = ""
"""


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:,\d{3})*", text.replace("{,}", ",")))


def _report(net: str, lang: str, toml: str | None = None):
    g = Grader(net, lang=lang)
    return g.grade_file(str(STUDENT)) if toml is None else g.grade(loads(toml, "answers.toml"))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("net", ["alexnet", "seq"])
def test_html_report_has_the_markdown_content(net, lang):
    r = _report(ALEX, lang) if net == "alexnet" else _report(SEQ, lang, SEQ_ANSWERS)
    assert r.error is None and any(not i.correct for i in r.items)
    page = render_report(r, "html", lang)
    tree = check_page(f"{net} ({lang})", page)
    seen = text_of(tree)
    score = f"{r.score:g}/{r.max_score:g}"
    assert ("score: " if lang == "en" else "得分：") + score in seen
    for it in r.items:
        assert it.key in seen
        for d in it.diagnosis:
            assert d.id in seen and " ".join(d.message.split()) in seen, (it.key, d.id)
        if not it.correct and it.how:
            assert " ".join(it.how.split()) in seen, it.key
    assert seen.count("✗") == sum(not i.correct for i in r.items)
    assert not _numbers(render_report(r, "markdown", lang)) - _numbers(seen)
    steps = tree.findall(f".//{XHTML}table[@class='steps']")
    assert steps and all(s.find(f".//{MATHML}math") is not None for s in steps)
    words = ("What went wrong", "Worked solution:") if lang == "en" else ("错在哪里", "详细解答：")
    assert all(w in seen for w in words)
    if lang == "zh":
        assert not re.search(r"\b(expected|given|no answer|Correct)\b", seen)


def test_html_report_numbers_of_alexnet():
    """The student's conv2 (padding on one side): expected 1×256×27×27 as MathML, the worked floor
    ⌊(27 + 2·2 − 1·(5 − 1) − 1)/1⌋ + 1 with its values, the forgot_bias diagnosis and the score 9/13."""
    r = _report(ALEX, "en")
    page = render_report(r, "html", "en")
    seen = text_of(check_page("alexnet", page), spaces=False)
    assert "score:9/13" in seen and "padding_one_side" in seen and "forgot_bias" in seen
    assert ("<math><mn>1</mn><mo>&#215;</mo><mn>256</mn><mo>&#215;</mo><mn>27</mn><mo>&#215;</mo><mn>27</mn>"
            "</math>") in page
    assert "expected:1×256×27×27;given:1×256×25×25" in seen
    assert "<mn>614,656</mn>" not in page or "34,944" in seen


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "latex"])
def test_solution_appends_the_derivation_of_the_wrong_layers(fmt):
    r = _report(ALEX, "en")
    wrong = {i.layer for i in r.items if not i.correct and i.layer is not None}
    assert wrong == {"conv1", "conv2", "fc1"}
    plain, solved = render_report(r, fmt, "en"), render_report(r, fmt, "en", solution=True)
    assert "Worked solution: AlexNet" in solved and "Worked solution: AlexNet" not in plain
    heads = {"text": "Layer {n}: {name} (Conv2d)", "markdown": "## Layer {n}: {name} (Conv2d)",
             "html": "<h3>Layer {n}: <code>{name}</code>", "latex": "Layer {n}: \\texttt{{{name}}}"}[fmt]
    for n, name in ((1, "conv1"), (4, "conv2")):   # the net's numbering, not the subset's
        assert heads.format(n=n, name=name) in solved, (fmt, name)
    assert "relu1" not in solved.split("Worked solution: AlexNet")[1].split("Summary")[0]   # right ones left out
    if fmt == "html":
        root = check_page("solution", solved)
        assert len(root.findall(f".//{XHTML}h1")) == 1 and root.find(f".//{XHTML}section[@class='solution']")


def test_error_report_in_every_form():
    g = Grader(ALEX)
    r = g.grade(loads('[layers.nope]\nparams = 1\n', "bad.toml"))
    assert r.error and "unknown layer 'nope'" in r.error
    for fmt in ("text", "markdown", "html", "latex"):
        assert "unknown layer" in render_report(r, fmt, "en", solution=True), fmt
    check_page("error", render_report(r, "html", "en"))
    assert json.loads(render_report(r, "json")) == {"file": "bad.toml", "error": r.error}


def test_json_and_gradescope_are_the_report_data():
    r = _report(ALEX, "zh")
    assert json.loads(render_report(r, "json", "zh")) == report_dict(r)
    assert json.loads(render_report(r, "gradescope", "zh")) == report_gradescope(r, "zh")
    with pytest.raises(Exception, match="unknown report format 'pdf'"):
        render_report(r, "pdf")


def test_fragment_for_a_notebook():
    r = _report(ALEX, "en")
    body = render_report(r, "html", "en", standalone=False)
    assert body.startswith('<div class="symcnn">') and "<!DOCTYPE" not in body
    check_page("fragment", body, standalone=False)


def _cli(runner, *args):
    from symcnn.cli.main import cli

    return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_cli_format_from_the_output_suffix(runner, tmp_path):
    for suffix, start in ((".html", "<!DOCTYPE html>"), (".tex", "% !TEX program = pdflatex"),
                          (".md", "# Feedback: "), (".json", "{")):
        out = tmp_path / f"feedback{suffix}"
        r = _cli(runner, "check", ALEX, STUDENT, "-o", out)
        assert r.exit_code == 1, r.output
        assert out.read_text(encoding="utf-8").startswith(start), suffix
    r = _cli(runner, "check", ALEX, STUDENT, "--format", "html", "--lang", "zh", "--solution")
    assert r.exit_code == 1 and "逐步解答：AlexNet" in r.output and "批改反馈" in r.output
    check_page("cli", r.output)
    r = _cli(runner, "check", ALEX, STUDENT, STUDENT, "--format", "html")
    assert r.exit_code == 2 and "--format html reports on one submission" in r.output
