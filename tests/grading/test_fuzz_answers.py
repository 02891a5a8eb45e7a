"""Fuzzing answers files: valid TOML of the wrong shape (wrong types, nested tables, huge ints,
floats, NaN/inf, empty strings), formulas that do not parse, use unknown symbols, would be slow to
decide, or try to run code; and raw text that is not TOML at all.

Property: the file is graded (one item per answer) or it is one clear error line naming the file;
through the CLI, exit 0/1 with a report or exit 2 with one ``symcnn: error: ...`` line. A class
(several files) is always graded file by file: a broken file never stops the others.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from fuzz_support import clean_outcome, count, invoke, outcome, scaled, toml_string, toml_value
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symcnn.core.formula_parse import FormulaError, parse_formula
from symcnn.core.symbols import C, H, N, W
from symcnn.grading.answers import FIELDS, AnswersError, loads
from symcnn.grading.check import Grader

ROOT = Path(__file__).resolve().parents[2]
MNIST = str(ROOT / "examples" / "mnist.py")
RUNNER = CliRunner()
GRADER = Grader(MNIST)
SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much]}
SLOW_LIMIT = 20.0   # seconds for one file: far above the normal few ms, far below a hang

EVIL = ["__import__('os')", "__import__('os').system('touch PWNED')", "().__class__",
        "().__class__.__bases__[0]", "open('/etc/passwd')", "eval('1')", "exec('x=1')", "lambda: 1",
        "(lambda x: x)(H)", "[x for x in range(10)]", "{x: 1 for x in H}", "H.__class__", "H.subs(H, 1)",
        "getattr(H, 'p')", "globals()", "breakpoint()", "compile('1', 'f', 'eval')", "H if H else W",
        "H and W", "H < W", "'a' * 10", "b'x'", "H[0]", "*H", "f'{H}'", "H := 1", "yield H", "await H",
        "0.5 * H", "1j", "floor(H, W)", "floor()", "max()", "floor(x=H)", "floor(*[H])", "sympy.floor(H)",
        "S(1)", "Symbol('H')"]
# "1e5" is no longer here: scientific notation is how students write approximate answers (issue 19),
# graded with [options] tolerance (see tests/grading/test_numbers.py)
SLOW = ["H**100000", "H**9", "(H**8)**8", "((H**2)**2)**3", "H**H", "2**H", "10**10**10", "9" * 400, "9" * 40,
        "(" * 300 + "H" + ")" * 300, "(" * 50 + "H" + ")" * 50, "-" * 300 + "H",
        "floor(" * 120 + "H" + ")" * 120, "+".join(["H"] * 150), "*".join(f"(H + {i})**8" for i in range(12)),
        "max(" + ", ".join(["H"] * 150) + ")", "H/0", "H//0", "H % 0", "H/(W-W)", "floor(H/(H-H))", "1/(H*0)",
        "0**0", "0/0"]
PLAIN = ["floor((H - 4)/2)", "floor((floor((H-4)/2)-4)/2)", "H*W", "10*(H-4)*(W-4)", "⌊(H − 4)/2⌋", "H^2",
         "ceil(W/3)", "max(H, W)", "min(H, 1)", "N*C*H*W", "Q*H", "h*w", "K*S", "H_in", "", "  ", "26×26",
         "1x10x24x24", "1x10x(H-4)x(W-4)", "1, 10, 24, 24", "(1, 10, 24, 24)", "[1,10,24,24]", "24x24x", "xx",
         "（H − 4）· W", "H -", "H +* W", "floor((H-4)/2", "H))", "２４", "24.0", "−24"]
TOKENS = st.sampled_from(["H", "W", "N", "C", "K", "Q", "1", "2", "4", "10", "320", "+", "-", "*", "/", "//",
                          "%", "**", "^", "(", ")", "floor(", "ceil(", "max(", "min(", ",", " ", "⌊", "⌋",
                          "·", "×", "x", ".", "_", "__import__", "'", "[", "]", "=", "lambda", ":"])
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
FORMULAS = st.one_of(st.sampled_from(EVIL + SLOW + PLAIN), st.lists(TOKENS, max_size=14).map("".join), TEXT)
SCALARS = st.one_of(
    st.sampled_from([260, 5020, 16050, 510, 21840, 1, 10, 24, "1x10x24x24", [1, 10, 24, 24]]),
    st.integers(-5, 10**6), st.integers(-(10**40), 10**40), st.sampled_from([0, 260, 21840, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True), st.booleans(), FORMULAS)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=5),
    st.dictionaries(st.sampled_from(["a", "params", "shape", "x.y", ""]), inner, max_size=3)), max_leaves=8)
TABLES = st.sampled_from(["input", "options", "layers.conv1", "layers.conv2", "layers.fc1", "layers.fc2",
                          "layers.F.relu", 'layers."F.max_pool2d"', "layers.nope", "layers", "total",
                          "points", "extra", "layers.conv1.deeper", "total.params", '"layers.conv1"', "",
                          "input.shape"])
KEYS = st.one_of(st.sampled_from([*FIELDS, "shape", "flops", "default", "nope", "layers.conv1.params",
                                  "total.macs", "", "é", "a b"]), st.text("abc_.-é \t", max_size=6))


def _entry(key, value) -> str:
    quoted = key if key.replace("_", "").isalnum() and key.isascii() else toml_string(key)
    return f"{quoted} = {toml_value(value)}"


DOCS = st.dictionaries(TABLES, st.dictionaries(KEYS, VALUES, max_size=4), max_size=4).map(
    lambda tables: "\n".join(f"[{t}]\n" + "\n".join(_entry(k, v) for k, v in entries.items())
                             for t, entries in tables.items()))
COUNTS = st.one_of(
    st.sampled_from([260, 250, 5020, 5000, 16050, 510, 21840, 1, 10, 0, 288000, 1440000, 2**70,
                     "floor((H-4)/2)", "(H-4)*(W-4)*250", "H*W", "250*H*W", "260", "21,840"]),
    st.integers(0, 2 * 10**6), st.sampled_from(PLAIN + SLOW[:6]))
SHAPE_VALUES = st.one_of(
    st.sampled_from(["1x10x24x24", "10x24x24", "1x10x12x12", [1, 10, 24, 24], [1, 20, 8, 8], [1, 50], [1, 10],
                     [1, 320], "1x10x(H-4)x(W-4)", [1, 10, "H-4", "W-4"],
                     [1, 10, "floor((H-4)/2)", "floor((W-4)/2)"]]),
    st.lists(st.integers(0, 30), max_size=5))
FIELD_VALUE = st.one_of(*(st.tuples(st.just(f), SHAPE_VALUES if f.endswith("shape") else COUNTS)
                          for f in FIELDS))
# answers a student could hand in: real layer names and fields, values near the truth or classic slips
GRADABLE = st.builds(lambda shape, tables: (f"[input]\nshape = {shape}\n" if shape else "") + "\n".join(
    f"[{t}]\n" + "\n".join(_entry(k, v) for k, v in fields) for t, fields in tables.items()),
    st.sampled_from([None, None, "[1, 1, 28, 28]", '[1, 1, "H", "W"]', "[2, 1, 28, 28]", "[1, 1, 32, 32]"]),
    st.dictionaries(st.sampled_from(["layers.conv1", "layers.conv2", "layers.fc1", "layers.fc2", "total",
                                     'layers."F.max_pool2d"', "layers.view"]),
                    st.lists(FIELD_VALUE, min_size=1, max_size=3, unique_by=lambda fv: fv[0]), min_size=1,
                    max_size=3))
SHAPED = st.builds(
    lambda shape, entries: f"[input]\nshape = {toml_value(shape)}\n[layers.conv1]\n"
    + "\n".join(_entry(k, v) for k, v in entries),
    st.lists(st.one_of(st.integers(-2, 40), st.sampled_from(["H", "W", "K", "N", "", "1e3", "pi"])),
             max_size=6),
    st.lists(st.tuples(st.sampled_from(FIELDS), SCALARS), min_size=1, max_size=3))
RAW = st.one_of(st.text(max_size=120), st.integers(1, 3000).map(lambda n: "[a]\nb = " + "[" * n + "]" * n),
                st.lists(st.sampled_from(
    ["[", "]", "[[", "]]", "layers", ".", "conv1", "=", '"', "'", "\n", "#", "params", "1", "{", "}", ",",
     "nan", "inf", "'''", '"""', "\\", "total", "\ufeff", "\x00", "\r"]), max_size=30).map("".join))



def _graded_or_one_error(text: str, path: str = "f.toml") -> str:
    """Load and grade; return "graded" or the error line (checked to be one clear line)."""
    __tracebackhide__ = True
    t0 = time.perf_counter()
    try:
        answers = loads(text, path)
    except AnswersError as e:
        msg = str(e)
    else:
        r = GRADER.grade(answers)
        assert time.perf_counter() - t0 < SLOW_LIMIT, text[:300]
        if r.error is None:
            assert len(r.items) == len(answers.items), text[:300]
            for it in r.items:
                assert isinstance(it.correct, bool) and 0 <= it.points <= it.max_points
            return "graded"
        msg = r.error
    assert "\n" not in msg and msg.startswith(path) and ". Fix: " in msg, msg
    assert "Traceback" not in msg
    return msg


@settings(max_examples=scaled(1200), **SETTINGS)
@given(text=st.integers(0, 3).flatmap(lambda i: (DOCS, SHAPED, GRADABLE, GRADABLE)[i]))
def test_answers_of_the_wrong_shape(text):
    out = _graded_or_one_error(text)
    outcome("answers TOML (structured)", "ok" if out == "graded" else out)


@settings(max_examples=scaled(800), **SETTINGS)
@given(text=RAW)
def test_answers_text_that_is_barely_toml(text):
    count("answers TOML (raw text)")
    _graded_or_one_error(text)


@settings(max_examples=scaled(600), **SETTINGS)
@given(field=st.sampled_from(["params", "macs", "flops", "output_shape", "weights"]),
       layer=st.sampled_from(["conv1", "fc1", "total"]), symbolic=st.booleans(),
       formula=st.integers(0, 2).flatmap(lambda i: FORMULAS if i else st.sampled_from(
           PLAIN + ["250*(H-4)*(W-4)", "260", "10*floor((H-4)/2)*floor((W-4)/2)", "50*(320+1)",
                    "H*W*0+260"])))
def test_formula_answers(field, layer, formula, symbolic):
    table = "total" if layer == "total" else f"layers.{layer}"
    head = '[input]\nshape = [1, 1, "H", "W"]\n' if symbolic else ""
    out = _graded_or_one_error(f"{head}[{table}]\n{field} = {toml_value(formula)}\n")
    outcome("answers formulas", "ok" if out == "graded" else out)
    if formula in EVIL:
        assert out != "graded", formula


@settings(max_examples=scaled(2000), **SETTINGS)
@given(text=FORMULAS)
def test_formula_parser(text):
    count("formula parser")
    t0 = time.perf_counter()
    try:
        e = parse_formula(text, {"H": H, "W": W, "N": N, "C": C})
    except FormulaError as err:
        msg = str(err)
        assert "\n" not in msg and msg.startswith("formula ") and ". Fix: " in msg, msg
    else:
        assert text not in EVIL, text
        assert e.free_symbols <= {H, W, N, C}, (text, e)
    assert time.perf_counter() - t0 < 1.0, text


@pytest.fixture(scope="module")
def answers_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz_answers")


@settings(max_examples=scaled(250), **SETTINGS)
@given(text=st.integers(0, 3).flatmap(lambda i: (DOCS, SHAPED, RAW, GRADABLE, GRADABLE)[i + (i == 3)]),
       raw_bytes=st.integers(0, 9).map(lambda i: i == 0))
def test_answers_through_the_cli(answers_dir, text, raw_bytes):
    f = answers_dir / "a.toml"
    if raw_bytes:
        f.write_bytes(text.encode("utf-16") if text else b"\xff\xfe\x00")
    else:
        f.write_text(text, encoding="utf-8")
    r = invoke(RUNNER, "check", MNIST, f)
    out = clean_outcome(r, graded=True)
    outcome("answers (CLI check)", out)
    if out != "ok":
        assert str(f) in out, out


@settings(max_examples=scaled(60), **SETTINGS)
@given(texts=st.lists(st.one_of(DOCS, RAW, GRADABLE), min_size=1, max_size=3))
def test_a_class_is_graded_file_by_file(answers_dir, texts):
    count("answers (CLI class)", len(texts) + 1)
    good = answers_dir / "good.toml"
    good.write_text("[layers.conv1]\nparams = 260\n[total]\nparams = 21840\n", encoding="utf-8")
    paths = [good]
    for i, text in enumerate(texts):
        p = answers_dir / f"s{i}.toml"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    r = invoke(RUNNER, "check", MNIST, *paths)
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "Traceback" not in r.output and "internal error" not in r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == len(paths), r.stdout
    assert lines[0] == f"{good}  2/2"
    errors = [line for line, p in zip(lines, paths) if line.startswith(f"{p}  error: ")]
    for line, p in zip(lines, paths):
        assert line.startswith(f"{p}  "), (line, p)
    scores = [line.split()[1].split("/") for line in lines]
    expected = 2 if errors else 0 if all(got == full for got, full in scores) else 1
    assert r.exit_code == expected, (r.exit_code, lines)
