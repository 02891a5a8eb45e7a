"""Safety: answers files are data (formulas go through a restricted parser, nothing is executed),
``-o`` files are written atomically (on any error the previous file is untouched and no partial or
temp file remains), a class is graded file by file, and the README says what is code and what is data.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from fuzz_support import clean_outcome, count, invoke, toml_string

from symcnn.cli import options as cliopts
from symcnn.core.formula_parse import FormulaError, parse_formula
from symcnn.core.symbols import H, W

ROOT = Path(__file__).resolve().parents[2]
MNIST = str(ROOT / "examples" / "mnist.py")
DILATED = str(ROOT / "examples" / "dilated.py")

# --- the restricted formula parser -------------------------------------------------------------------

REJECTED = {
    "__import__('os')": "calls __import__(), which is not allowed",
    "__import__('os').system('touch PWNED')": "calls something that is not a plain function name",
    "().__class__": "contains attribute access",
    "().__class__.__bases__[0].__subclasses__()": "calls something that is not a plain function name",
    "H.__class__": "contains attribute access",
    "open('PWNED', 'w')": "calls open(), which is not allowed",
    "eval('1+1')": "calls eval(), which is not allowed",
    "exec('import os')": "calls exec(), which is not allowed",
    "compile('1', 'f', 'eval')": "calls compile(), which is not allowed",
    "getattr(H, 'subs')": "calls getattr(), which is not allowed",
    "globals()": "calls globals(), which is not allowed",
    "lambda: 1": "contains a lambda",
    "(lambda: 1)()": "calls something that is not a plain function name",
    "[x for x in (1, 2)]": "contains a loop (for ... in)",
    "{x for x in (1, 2)}": "contains a loop (for ... in)",
    "(x for x in (1, 2))": "contains a loop (for ... in)",
    "H[0]": "contains indexing",
    "'H' * 3": "contains the text 'H'",
    "H if W else 1": "contains a conditional expression",
    "(H := 1)": "contains an assignment (:=)",
    "H**100000": "raises to the power 100000; only constant exponents 0..8 are allowed",
    "H**H": "raises to the power H",
    "((H**2)**2)**3": "nests powers up to degree 12",
    "10**10**10": "raises to the power 10; only constant exponents 0..8 are allowed",
    "9" * 35: "contains an integer that is too large",
    "H+" * 150 + "H": "is too large (603 syntax nodes, at most 200)",
    "(" * 1000 + "H" + ")" * 1000: "is longer than 400 characters",
    "H" * 10_000: "is longer than 400 characters",
    "floor(H, W)": "calls floor() with 2 arguments; it takes exactly 1",
    "floor(x=H)": "passes keyword or starred arguments to floor()",
    "Q * H": "uses the unknown symbol 'Q'",
    "0.5 * H": "contains the decimal number 0.5",
    "H / 0": "divides by zero",
}


@pytest.mark.parametrize("formula", list(REJECTED))
def test_formulas_that_are_not_arithmetic_are_rejected(formula):
    count("safety (formulas)")
    t0 = time.perf_counter()
    with pytest.raises(FormulaError) as info:
        parse_formula(formula, {"H": H, "W": W})
    assert time.perf_counter() - t0 < 1
    msg = str(info.value)
    assert "\n" not in msg and msg.startswith("formula ") and ". Fix: " in msg, msg
    assert REJECTED[formula] in msg, msg


def test_deep_parentheses_within_the_size_limit_parse_quickly():
    count("safety (formulas)")
    t0 = time.perf_counter()
    assert parse_formula("(" * 199 + "H" + ")" * 199, {"H": H}) == H
    assert parse_formula("floor(" * 40 + "H" + ")" * 40, {"H": H}) == H
    assert time.perf_counter() - t0 < 1


def test_an_answers_file_cannot_run_code(tmp_path, monkeypatch):
    """The strings reach the parser as data; nothing runs: no file appears, no import happens."""
    monkeypatch.chdir(tmp_path)
    evil = [
        "__import__('os').system('touch PWNED')",
        "open('PWNED', 'w')",
        "exec(\"open('PWNED','w')\")",
        "().__class__.__base__.__subclasses__()",
    ]
    files = []
    for i, formula in enumerate(evil):
        f = tmp_path / f"s{i}.toml"
        f.write_text(f"[layers.conv1]\nparams = {toml_string(formula)}\n", encoding="utf-8")
        files.append(f)
    r = invoke(CliRunner(), "check", MNIST, *files)
    count("safety (answers)", len(files))
    assert r.exit_code == 2 and r.exception is None or isinstance(r.exception, SystemExit)
    lines = r.stdout.splitlines()
    assert len(lines) == len(files), r.stdout
    for line, f in zip(lines, files):
        assert line.startswith(f"{f}  error: {f}:2: layers.conv1.params: formula "), line
        assert "not allowed" in line, line
    assert not (tmp_path / "PWNED").exists()


BIG_FILES = {
    "nested arrays": ("[layers.conv1]\nparams = " + "[" * 5000 + "]" * 5000 + "\n", "values nested too deeply"),
    "nested tables": ("[layers.conv1]\nparams = " + "{a=" * 3000 + "1" + "}" * 3000 + "\n", "nested too deeply"),
    "a long formula": ('[layers.conv1]\nparams = "' + "H+" * 100_000 + 'H"\n', "is longer than 400 characters"),
    "more than 1 MB": ("[layers.conv1]\nparams = 260\n# " + "x" * 1_100_000 + "\n", "is larger than 1000000 bytes"),
    "6000 answers": ("".join(f"[layers.l{i}]\nparams = {i}\n" for i in range(6000)), "more than 2000"),
}


@pytest.mark.parametrize("case", list(BIG_FILES))
def test_huge_or_deep_answers_files_are_one_error_line(tmp_path, case):
    count("safety (answers)")
    body, expected = BIG_FILES[case]
    f = tmp_path / "a.toml"
    f.write_text(body, encoding="utf-8")
    t0 = time.perf_counter()
    err = clean_outcome(invoke(CliRunner(), "check", MNIST, f), graded=True)
    assert time.perf_counter() - t0 < 20
    assert err.startswith(f"symcnn: error: {f}") and expected in err, err


def test_python_in_an_answers_file_is_a_toml_error(tmp_path):
    count("safety (answers)")
    f = tmp_path / "a.toml"
    f.write_text("import os\nos.system('touch PWNED')\n", encoding="utf-8")
    r = invoke(CliRunner(), "check", MNIST, f)
    err = clean_outcome(r, graded=True)
    assert err.startswith(f"symcnn: error: {f}:1:8: invalid TOML: a key has no = after it"), err
    assert not (tmp_path / "PWNED").exists()


# --- atomic -o -----------------------------------------------------------------------------------------

PREVIOUS = "previous contents\n"


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


COMMANDS = {  # command -> (args that fail with exit 2, args that succeed); {out} is the -o file
    "derive": (["derive", "{bad}", "-o", "{out}"], ["derive", MNIST, "-o", "{out}"]),
    "summary": (["summary", MNIST, "--input", "1x1x0x28", "-o", "{out}"], ["summary", MNIST, "-o", "{out}"]),
    "rf": (["rf", "{bad}", "-o", "{out}"], ["rf", DILATED, "-o", "{out}"]),
    "check": (["check", MNIST, "{broken}", "-o", "{out}"], ["check", MNIST, "{good}", "-o", "{out}"]),
}


@pytest.fixture
def files(tmp_path):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "report.txt").write_text(PREVIOUS, encoding="utf-8")
    bad = tmp_path / "bad.py"
    bad.write_text("import torch.nn as nn\nnet = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Conv2d(4, 8, 3))\n")
    broken = tmp_path / "broken.toml"
    broken.write_text("[layers.conv1\nparams = 1\n")
    good = tmp_path / "good.toml"
    good.write_text("[layers.conv1]\nparams = 260\n")
    return {"out": out_dir / "report.txt", "bad": bad, "broken": broken, "good": good, "dir": out_dir}


def _args(template, files):
    return [a.format(**{k: str(v) for k, v in files.items()}) for a in template]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_failed_command_leaves_the_previous_output_untouched(files, command):
    count("safety (-o)")
    r = invoke(CliRunner(), *_args(COMMANDS[command][0], files))
    assert clean_outcome(r) != "ok"
    assert files["out"].read_text(encoding="utf-8") == PREVIOUS
    assert _listing(files["dir"]) == ["report.txt"]


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_write_leaves_the_previous_output_untouched(files, monkeypatch, command, failure):
    """The write itself fails (disk full, Ctrl-C) after the temp file was made: nothing is lost."""
    count("safety (-o)")
    real = os.replace

    def replace(src, dst):
        assert Path(src).read_text(encoding="utf-8")  # the temp file was fully written...
        raise failure  # ...then the rename fails

    monkeypatch.setattr(cliopts.os, "replace", replace)
    r = invoke(CliRunner(), *_args(COMMANDS[command][1], files))
    monkeypatch.setattr(cliopts.os, "replace", real)
    if isinstance(failure, OSError):
        err = clean_outcome(r)
        assert "cannot be written: No space left on device" in err, err
    else:
        # click ends the ^C line with a newline first, then symcnn's one error line
        assert r.exit_code == 130 and r.stderr.strip() == "symcnn: error: aborted", (r.exit_code, r.stderr)
    assert files["out"].read_text(encoding="utf-8") == PREVIOUS
    assert _listing(files["dir"]) == ["report.txt"]


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_successful_command_replaces_the_file_and_keeps_its_mode(files, command):
    count("safety (-o)")
    files["out"].chmod(0o640)
    r = invoke(CliRunner(), *_args(COMMANDS[command][1], files))
    assert r.exit_code == 0, r.output
    assert r.stdout == ""
    new = files["out"].read_text(encoding="utf-8")
    assert new != PREVIOUS and new.endswith("\n")
    assert files["out"].stat().st_mode & 0o777 == 0o640
    assert _listing(files["dir"]) == ["report.txt"]


def test_o_into_a_missing_folder_or_onto_a_folder_is_one_line(files):
    count("safety (-o)", 2)
    r = invoke(CliRunner(), "summary", MNIST, "-o", files["dir"] / "nope" / "x.txt")
    assert "folder" in clean_outcome(r) and "does not exist" in r.stderr
    r = invoke(CliRunner(), "summary", MNIST, "-o", files["dir"])
    assert "is a directory" in clean_outcome(r)
    assert _listing(files["dir"]) == ["report.txt"]


# --- a class: one broken file never stops the others ------------------------------------------------


def test_a_class_with_broken_files_is_still_graded(tmp_path):
    good = tmp_path / "alice.toml"
    good.write_text("[layers.conv1]\nparams = 260\n[total]\nparams = 21840\n")
    wrong = tmp_path / "bob.toml"
    wrong.write_text("[layers.conv1]\nparams = 250\n")
    broken = tmp_path / "carol.toml"
    broken.write_text("[layers.conv1\nparams = 1\n")
    evil = tmp_path / "dave.toml"
    evil.write_text("[layers.conv1]\nparams = \"__import__('os')\"\n")
    binary = tmp_path / "erin.toml"
    binary.write_bytes(b"\xff\xfe[\x00l\x00")
    missing = tmp_path / "frank.toml"
    paths = [good, wrong, broken, evil, binary, missing]
    count("safety (class)", len(paths))
    csv = tmp_path / "grades.csv"
    r = invoke(CliRunner(), "check", MNIST, *paths, "--csv", csv)
    assert r.exit_code == 2 and r.stderr == "", (r.exit_code, r.stderr)
    lines = r.stdout.splitlines()
    assert lines[0] == f"{good}  2/2"
    assert lines[1].startswith(f"{wrong}  0/1  wrong: layers.conv1.params")
    assert lines[2].startswith(f"{broken}  error: {broken}:1:14: invalid TOML: a [table] header has no closing ]")
    assert lines[3].startswith(f"{evil}  error: {evil}:2: layers.conv1.params: formula ")
    assert lines[4].startswith(f"{binary}  error: {binary}: not UTF-8 text")
    assert (
        lines[5] == f"{missing}  error: {missing}: no such file. Fix: give the path of an answers .toml file"
    )
    rows = csv.read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + len(paths) and rows[1].startswith(f"{good},2,2,ok")
    assert [row.split(",")[3] for row in rows[1:]] == ["ok", "wrong", "error", "error", "error", "error"]


# --- README ------------------------------------------------------------------------------------------


def test_readme_has_a_safety_section():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "\n## Safety\n" in readme
    section = readme.split("\n## Safety\n", 1)[1].split("\n## ", 1)[0]
    assert "`net.py` is code" in section and "`python net.py`" in section
    assert "Answers files for `symcnn check` are data" in section and "never executed" in section
    assert "--timeout" in section and "memory" in section
