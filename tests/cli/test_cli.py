"""The `symcnn` command with click's CliRunner: every command, every exit code, malformed inputs
(each one line `symcnn: error: ...`, exit 2), atomic -o, and the seed AlexNet numbers."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import jsonschema
import pytest
from derivation_nets import mnist_trace

from symcnn import __version__
from symcnn.cli.main import cli
from symcnn.core.symbols import H, W

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples"
SCHEMA = json.loads((ROOT / "docs" / "schema.json").read_text())


def run(runner, *args):
    return runner.invoke(cli, [str(a) for a in args], prog_name="symcnn")


def one_error_line(result, code: int = 2) -> str:
    """The single stderr line of a failed command; no traceback, nothing on stdout."""
    __tracebackhide__ = True
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    err = result.stderr
    assert err.startswith("symcnn: error: ") and err.endswith("\n") and err.count("\n") == 1, repr(err)
    assert "Traceback" not in result.output and result.stdout == ""
    return err.rstrip("\n")


@pytest.fixture
def tracer():
    """The real tracer (tests that use it run net.py files through symcnn.tracing.tracer)."""
    import symcnn.tracing.tracer as t

    return t


@pytest.fixture
def fake_tracer(monkeypatch):
    """A stand-in symcnn.tracing.tracer that returns the hand-built MNIST trace (CLI plumbing only)."""
    calls = []

    def trace(path, *, model=None, input_shape=None, timeout=None, args=(), backend="auto"):
        shape = input_shape[0].shape if input_shape else None   # the CLI passes a list of InputSpec
        calls.append((path, model, shape, timeout))
        return mnist_trace(shape or (1, 1, 28, 28))

    mod = types.ModuleType("symcnn.tracing.tracer")
    mod.trace = trace
    monkeypatch.setitem(sys.modules, "symcnn.tracing.tracer", mod)
    import symcnn.tracing

    monkeypatch.setattr(symcnn.tracing, "tracer", mod, raising=False)
    return calls


@pytest.fixture
def net(tmp_path):
    p = tmp_path / "net.py"
    p.write_text("import torch.nn as nn\nnet = nn.Sequential(nn.Conv2d(1, 10, 5))\n")
    return p


# --- help, version ------------------------------------------------------------------------------

def test_version(runner):
    r = run(runner, "--version")
    assert r.exit_code == 0 and r.output == f"symcnn {__version__}\n"


def test_help_lists_every_command_without_importing_them(runner):
    r = run(runner, "--help")
    assert r.exit_code == 0
    for name in ("derive", "summary", "formula", "docs", "check", "rf", "inputs", "compare"):
        assert f"\n  {name} " in r.output, name
    code = ("import sys\nfrom symcnn.cli.main import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith(('symcnn.cli.', 'symcnn.tracing.tracer', 'torch'))"
            " and m not in ('symcnn.cli.main', 'symcnn.cli.options')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout
    assert out.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("command", ["derive", "summary", "formula", "docs"])
def test_each_command_help_has_an_example(runner, command):
    r = run(runner, command, "--help")
    assert r.exit_code == 0 and f"symcnn {command} " in r.output.split("Example")[1]


def test_no_command_shows_the_help(runner):
    r = run(runner)
    assert r.exit_code == 0 and r.stdout == run(runner, "--help").stdout


# --- malformed inputs: one line, exit 2 -----------------------------------------------------------

MALFORMED = [
    (["--input", "1x3x0x227"], "--input '1x3x0x227': size 0 is not positive"),
    (["--input", "1x3x-5x227"], "--input '1x3x-5x227': '-5' is not a positive integer"),
    (["--input", "1x3x2.5x2"], "--input '1x3x2.5x2': '2.5' is not a positive integer"),
    (["--input", "1xx3"], "--input '1xx3' has an empty size"),
    (["--input", ""], "--input is empty"),
    (["--input", "1x3x227x227,1"], "--input '1x3x227x227,1': '1x3x227x227' is not a positive integer"),
    (["--input", "1x3xKxK"], "--input '1x3xKxK': K is the symbol of a layer hyper-parameter"),
    (["--input", "1x3xpixpi"], "--input '1x3xpixpi': pi is a reserved name in SymPy or Python"),
    (["--input", "1x3x$x2"], "--input '1x3x$x2': '$' is not a valid symbol name"),
    (["--input", "1x1x1x1x1x1x1x1x1"], "--input '1x1x1x1x1x1x1x1x1' has 9 sizes"),
    (["--input", "1x3x" + "9" * 30 + "x2"], "is larger than 2**63 - 1"),
    (["--set", "H"], "--set 'H' is not NAME=VALUE"),
    (["--set", "H=0"], "--set 'H=0': size 0 is not positive"),
    (["--set", "H=abc"], "--set 'H=abc': 'abc' is not a positive integer"),
    (["--set", "H=2", "--set", "H=3"], "--set 'H=3': H is already set to 2"),
    (["--set", "3=H"], "--set '3=H': '3' is not a valid symbol name"),
    (["--format", "pdf"], "Invalid value for '--format': 'pdf' is not one of"),
    (["--lang", "fr"], "Invalid value for '--lang': 'fr' is not one of 'en', 'zh'"),
    (["--flops", "gflops"], "unknown FLOPs convention 'gflops'. Fix: use one of: mul, mac"),
    (["--json", "--latex"], "conflicting formats: json and latex were both asked for"),
    (["--format", "text", "--markdown"], "conflicting formats: markdown and text were both asked for"),
    (["--latex", "-o", "out.json"], "-o out.json implies json output but latex was asked for"),
    (["--timeout", "0"], "--timeout 0.0 is not positive"),
    (["--timeout", "nan"], "--timeout nan is not positive"),
    (["--timeout", "inf"], "--timeout inf is more than a day. Fix: give at most 86400 seconds"),
    (["--timeout", "soon"], "Invalid value for '--timeout': 'soon' is not a valid float"),
    (["--no-such-option"], "No such option '--no-such-option'"),
]


@pytest.mark.parametrize("command", ["derive", "summary"])
@pytest.mark.parametrize(("extra", "expected"), MALFORMED, ids=[" ".join(a)[:40] for a, _ in MALFORMED])
def test_malformed_option_is_one_line_exit_2(runner, net, command, extra, expected):
    err = one_error_line(run(runner, command, net, *extra))
    assert expected in err


def test_missing_file(runner, tmp_path):
    err = one_error_line(run(runner, "derive", tmp_path / "nope.py"))
    assert err == f"symcnn: error: {tmp_path / 'nope.py'}: no such file. Fix: give the path of your net.py"


def test_directory(runner, tmp_path):
    err = one_error_line(run(runner, "summary", tmp_path))
    assert err == f"symcnn: error: {tmp_path} is a directory. Fix: give the path of a .py file that defines the net"


def test_non_python_file(runner, tmp_path):
    p = tmp_path / "net.txt"
    p.write_text("print(1)\n")
    err = one_error_line(run(runner, "derive", p))
    assert err == f"symcnn: error: {p} is not a Python file. Fix: give a .py file that defines the net"


def test_missing_argument(runner):
    err = one_error_line(run(runner, "derive"))
    assert "Missing argument 'NET.py|MODULE:CALLABLE'" in err and "(see `symcnn derive --help`)" in err


def test_unknown_command(runner):
    err = one_error_line(run(runner, "derivee", "x.py"))
    assert "No such command 'derivee'" in err


def test_formula_errors(runner):
    assert "Conv2 is not a layer symcnn knows. Fix: did you mean Conv2d" in one_error_line(run(runner, "formula", "Conv2"))
    assert "no LAYER given" in one_error_line(run(runner, "formula"))
    assert "formula has no JSON output" in one_error_line(run(runner, "formula", "Conv2d", "--json"))
    assert "give either LAYER or --list" in one_error_line(run(runner, "formula", "Conv2d", "--list"))


def test_formula_list(runner):
    r = run(runner, "formula", "--list")
    assert r.exit_code == 0
    names = r.output.split()
    assert "nn.Conv2d" in names and "nn.MaxPool2d" in names and names == sorted(names)


def test_docs_out_must_be_a_folder(runner, tmp_path):
    err = one_error_line(run(runner, "docs", "--out", tmp_path / "missing"))
    assert "is not a folder" in err


# --- with a stand-in tracer: plumbing of options to the tracer and the output --------------------

def test_options_reach_the_tracer(runner, net, fake_tracer):
    r = run(runner, "summary", net, "--model", "Net", "--input", "1,1,H,W", "--timeout", "5")
    assert r.exit_code == 0, r.output
    assert fake_tracer == [(str(net), "Net", (1, 1, H, W), 5.0)]
    assert "1×20×⌊(H − 12)/4⌋×⌊(W − 12)/4⌋" in r.stdout


def test_summary_json_equals_derive_json(runner, net, fake_tracer):
    a = run(runner, "summary", net, "--input", "1x1xHxW", "--json")
    b = run(runner, "derive", net, "--input", "1x1xHxW", "--format", "json")
    assert a.exit_code == b.exit_code == 0
    doc = json.loads(a.stdout)
    assert doc == json.loads(b.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["constraints"] == ["Eq(20*floor((H - 12)/4)*floor((W - 12)/4), 320)"]


def test_set_unknown_symbol_is_exit_2(runner, net, fake_tracer):
    err = one_error_line(run(runner, "summary", net, "--input", "1x1xHxW", "--set", "X=3"))
    assert "X is not a symbol of the input 1×1×H×W; its symbols are H, W" in err


def test_set_breaking_the_view_names_the_line(runner, net, fake_tracer):
    err = one_error_line(run(runner, "summary", net, "--input", "1x1xHxW", "--set", "H=32", "--set", "W=32"))
    assert err.startswith("symcnn: error: net.py:20: with H=32, W=32 the net does not hold")


def test_set_gives_the_numbers(runner, net, fake_tracer):
    r = run(runner, "summary", net, "--input", "1x1xHxW", "--set", "H=28", "--set", "W=28", "--json")
    doc = json.loads(r.stdout)
    assert doc["layers"][0]["output_shape"] == [1, 10, 24, 24] and doc["symbols"] == []


def test_output_file_is_written_with_inferred_format(runner, net, fake_tracer, tmp_path):
    out = tmp_path / "s.json"
    r = run(runner, "summary", net, "-o", out)
    assert r.exit_code == 0 and r.stdout == ""
    assert json.loads(out.read_text())["total"]["params"] == 260 + 5020 + 16050 + 2550
    md = tmp_path / "s.md"
    assert run(runner, "summary", net, "-o", md).exit_code == 0
    assert md.read_text().startswith("### Summary: Net")
    tex = tmp_path / "s.tex"
    assert run(runner, "summary", net, "-o", tex, "--lang", "zh").exit_code == 0
    assert tex.read_text().startswith("% !TEX program = xelatex\n\\documentclass[a4paper]{ctexart}")


def test_atomic_output_keeps_the_old_file_on_error(runner, net, fake_tracer, tmp_path):
    out = tmp_path / "s.json"
    out.write_text("previous\n")
    one_error_line(run(runner, "summary", net, "-o", out, "--input", "1x1xHxW", "--set", "H=32", "--set", "W=32"))
    assert out.read_text() == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.py", "s.json"]   # no temp file left


def test_atomic_output_when_rendering_fails(runner, net, fake_tracer, tmp_path, monkeypatch):
    import symcnn.cli.summary as cli_mod

    def boom(*a, **k):
        raise RuntimeError("template exploded")

    monkeypatch.setattr(cli_mod, "render_summary", boom)
    out = tmp_path / "s.md"
    out.write_text("previous\n")
    r = run(runner, "summary", net, "-o", out)
    assert r.exit_code == 3
    assert r.stderr.startswith("symcnn: internal error: RuntimeError: template exploded; this is a bug")
    assert out.read_text() == "previous\n" and sorted(p.name for p in tmp_path.iterdir()) == ["net.py", "s.md"]


def test_empty_output_name(runner, net, fake_tracer):
    assert "-o is empty" in one_error_line(run(runner, "summary", net, "-o", ""))


def test_output_dash_is_stdout(runner, net, fake_tracer):
    r = run(runner, "summary", net, "-o", "-", "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["model"] == "Net"


def test_output_into_missing_folder(runner, net, fake_tracer, tmp_path):
    err = one_error_line(run(runner, "summary", net, "-o", tmp_path / "no" / "s.md"))
    assert "folder" in err and "does not exist" in err


def test_debug_shows_the_traceback(runner, net, fake_tracer):
    r = run(runner, "--debug", "summary", net, "--input", "1x1xHxW", "--set", "X=3")
    assert r.exit_code == 1 and type(r.exception).__name__ == "InputError"
    r = run(runner, "summary", net, "--debug", "--input", "0x1")
    assert type(r.exception).__name__ == "InputError"


def test_missing_lazy_command_is_one_line(runner, monkeypatch):
    import symcnn.cli.main as cli_mod

    monkeypatch.setitem(cli_mod.LAZY, "check", ("symcnn.no_such_module:check", "x"))
    err = one_error_line(run(runner, "check", "a.py", "b.toml"))
    assert "`symcnn check` is not available in this installation" in err


# --- the real tracer on the bundled examples -------------------------------------------------------

def test_alexnet_seed_numbers(runner, tracer):
    """The course notes' table (seed 003) in their H×W×C order; by default shapes are N×C×H×W."""
    assert "1×96×55×55" in run(runner, "derive", EX / "alexnet.py").stdout
    r = run(runner, "derive", EX / "alexnet.py", "--layout", "hwc")
    assert r.exit_code == 0, r.output
    for want in ("55×55×96", "34,944", "614,656", "885,120", "1,327,488", "884,992", "37,752,832",
                 "16,781,312", "4,097,000", "62,378,344"):
        assert want in r.stdout, want


def test_alexnet_summary_table(runner, tracer):
    r = run(runner, "summary", EX / "alexnet.py")
    assert r.exit_code == 0, r.output
    assert "1×96×55×55" in r.stdout and "62,378,344" in r.stdout
    doc = json.loads(run(runner, "summary", EX / "alexnet.py", "--json").stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["total"]["params"] == 62378344
    assert doc["layers"][0]["output_shape"][1:] == [96, 55, 55]


def test_mnist_symbolic_closed_form(runner, tracer):
    doc = json.loads(run(runner, "summary", EX / "mnist.py", "--input", "1x1xHxW", "--json").stdout)
    assert doc["output_shape"] == [1, 10]
    assert any("floor((H - 12)/4)" in c for c in doc["constraints"]), doc["constraints"]


@pytest.mark.parametrize("example", sorted(p.name for p in EX.glob("*.py")))
def test_every_example_json_validates(runner, tracer, example):
    r = run(runner, "summary", EX / example, "--json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["layers"] and isinstance(doc["total"]["params"], int)


@pytest.mark.parametrize(("source", "expected"), [
    ("", "no model"),
    ("import torch.nn as nn\nraise ValueError('my bug')\n", "my bug"),
    ("def broken(:\n", "net.py:1: SyntaxError"),
    ("import torch.nn as nn\nnet = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Conv2d(4, 8, 3))\n", "channels"),
    ("import torch.nn as nn\nnet = nn.Sequential(nn.Conv2d(3, 8, 300))\nx = __import__('torch').rand(1, 3, 32, 32)\n",
     "300"),
])
def test_bad_net_py_is_one_line(runner, tracer, tmp_path, source, expected):
    p = tmp_path / "net.py"
    p.write_text(source)
    err = one_error_line(run(runner, "derive", p))
    assert expected in err.lower() or expected in err, err


# --- README: the commands and the real output it shows -------------------------------------------

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_setup_commands_are_exact():
    assert "pip install -e . && symcnn derive examples/lenet.py\n" in README
    assert "pip install -e '.[test]' && pytest -q\n" in README
    assert "(README.zh.md)" in README and "## Safety" in README
    zh = (ROOT / "README.zh.md").read_text(encoding="utf-8")
    assert "pip install -e . && symcnn derive examples/lenet.py\n" in zh and "## 安全" in zh


# --- docs ------------------------------------------------------------------------------------------

def test_checked_in_rules_doc_is_up_to_date(runner):
    """If this fails, run `symcnn docs --out docs/` and commit docs/rules.md."""
    r = run(runner, "docs", "--check", "--out", ROOT / "docs")
    assert r.exit_code == 0, r.stderr


def test_docs_writes_and_checks(runner, tmp_path):
    from symcnn.solutions.formula import render_rules_doc

    stale = run(runner, "docs", "--check", "--out", tmp_path)
    assert stale.exit_code == 1 and "rules.md is out of date; run `symcnn docs --out" in stale.stderr
    r = run(runner, "docs", "--out", tmp_path)
    assert r.exit_code == 0 and r.stdout == ""
    assert (tmp_path / "rules.md").read_text(encoding="utf-8").rstrip("\n") == render_rules_doc().rstrip("\n")
    assert run(runner, "docs", "--check", "--out", tmp_path).exit_code == 0


# --- --input / --set strings: any text gives a shape or one InputError ---------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from symcnn.core.errors import InputError  # noqa: E402
from symcnn.core.userinput import parse_sets, parse_shape  # noqa: E402

_pieces = st.sampled_from(["1", "3", "227", "0", "-1", "H", "W", "N", "K", "pi", "x", ",", "×", " ", "(", ")", "2.5",
                           "9" * 25, "Hx", "_", "é", "\n", "="])


@settings(max_examples=80)
@given(st.one_of(st.text(max_size=30), st.lists(_pieces, max_size=12).map("".join)))
def test_any_input_string_parses_or_is_one_input_error(text):
    try:
        shape = parse_shape(text)
    except InputError as e:
        msg = str(e)
        assert "\n" not in msg
        assert msg.startswith("--input") and ". Fix: " in msg
        return
    assert 1 <= len(shape) <= 8
    for v in shape:
        assert (v.is_Integer and 1 <= v <= 2**63 - 1) or (v.is_Symbol and v.is_positive and v.is_integer)


@settings(max_examples=80)
@given(st.lists(st.one_of(st.text(max_size=12), st.lists(_pieces, max_size=6).map("".join)), max_size=4))
def test_any_set_strings_parse_or_are_one_input_error(items):
    try:
        subs = parse_sets(items)
    except InputError as e:
        assert str(e).startswith("--set") and ". Fix: " in str(e)
        return
    assert all(v >= 1 and k.is_Symbol for k, v in subs.items())


@pytest.mark.parametrize(("args", "expected"), [
    (["Conv2d"], "H_out = ⌊(H_in + 2·P − D·(K − 1) − 1)/S⌋ + 1"),
    (["conv2d"], "H_out = ⌊(H_in + 2·P − D·(K − 1) − 1)/S⌋ + 1"),
    (["nn.Linear"], "Linear"),
    (["MaxPool2d", "--markdown", "--lang", "zh"], "通用公式"),
    (["Conv2d", "--latex"], r"\left\lfloor"),
])
def test_formula(runner, args, expected):
    r = run(runner, "formula", *args)
    assert r.exit_code == 0, r.output
    assert expected in r.stdout


@pytest.mark.parametrize("command", ["derive", "summary", "formula", "docs", "check", "rf", "inputs", "compare"])
def test_lazy_commands_load_and_have_an_example(runner, command):
    import importlib

    import symcnn.cli.main as cli_mod

    module, attr = cli_mod.LAZY[command][0].split(":")
    assert getattr(importlib.import_module(module), attr).name == command
    r = run(runner, command, "--help")
    assert r.exit_code == 0 and f"symcnn {command} " in r.output.split("Example")[1]


def test_layer_symbols_are_refused_as_input_names():
    from symcnn.core.userinput import LAYER_SYMBOLS

    assert {"K", "S", "P", "D", "G", "C_in", "C_out"} <= LAYER_SYMBOLS
    assert not {"N", "C", "H", "W", "L", "T"} & LAYER_SYMBOLS


def test_output_never_overwrites_net_py(runner, net, fake_tracer):
    before = net.read_text()
    err = one_error_line(run(runner, "summary", net, "-o", net))
    assert "is the input file" in err and net.read_text() == before


def _strings(doc):
    for lay in doc["layers"]:
        for key in ("input_shape", "output_shape"):
            yield from (v for v in lay[key] if isinstance(v, str))
        yield from (lay[k] for k in ("params", "weights", "biases", "macs", "flops") if isinstance(lay[k], str))
    yield from (v for v in doc["total"].values() if isinstance(v, str))
    yield from doc["constraints"]


@pytest.mark.parametrize("example", ["mnist.py", "alexnet.py", "resnet18.py", "unet.py", "densenet121.py"])
def test_symbolic_json_of_examples_parses_back(runner, tracer, example):
    """Every string value of a symbolic document is an exact SymPy expression over the listed symbols."""
    from symcnn.solutions.jsonout import parse_value

    numeric = json.loads(run(runner, "summary", EX / example, "--json").stdout)
    n, c = numeric["input_shape"][:2]
    r = run(runner, "summary", EX / example, "--input", f"{n}x{c}xHxW", "--json", "--flops", "flop+bias")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    jsonschema.validate(doc, SCHEMA)
    assert doc["symbols"] == ["H", "W"] and doc["flops_convention"] == "flop+bias"
    values = list(_strings(doc))
    assert values, "a symbolic input gives symbolic sizes"
    for v in values:
        e = parse_value(v, doc["symbols"])
        assert e.free_symbols and {sym.name for sym in e.free_symbols} <= {"H", "W"}, v
    # the closed form at the example's own size gives the numeric run's numbers
    h, w = numeric["input_shape"][2:]
    at = {s: {"H": h, "W": w}[s.name] for s in (parse_value("H", ["H"]), parse_value("W", ["W"]))}
    for key in ("macs", "params"):
        assert parse_value(doc["total"][key], doc["symbols"]).subs(at) == numeric["total"][key], key
    for got, want in zip(doc["layers"], numeric["layers"], strict=True):
        assert [parse_value(v, doc["symbols"]).subs(at) for v in got["output_shape"]] == want["output_shape"]


@pytest.mark.parametrize(("example", "args", "engine", "expected"), [
    ("alexnet.py", [], "pdflatex", "62,378,344"),
    ("mnist.py", ["--input", "1x1xHxW"], "pdflatex", "valid when:"),
    ("resnet18.py", ["--lang", "zh"], "xelatex", "11,689,512"),
])
def test_summary_latex_compiles(runner, tracer, request, tmp_path, example, args, engine, expected):
    import shutil
    import subprocess

    exe = request.getfixturevalue(engine)
    tex = tmp_path / "s.tex"
    r = run(runner, "summary", EX / example, *args, "-o", tex)
    assert r.exit_code == 0, r.output
    done = subprocess.run([exe, "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tmp_path,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-3000:]
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        request.getfixturevalue("pdflatex")   # same oracle rule: missing tools fail in CI
        pytest.skip("pdftotext not installed")
    text = subprocess.run([pdftotext, "s.pdf", "-"], cwd=tmp_path, capture_output=True, text=True).stdout
    assert expected in text


def test_summary_latex_fragment(runner, net, fake_tracer):
    r = run(runner, "summary", net, "--latex", "--fragment")
    assert r.exit_code == 0 and r.stdout.startswith(r"\section*{Summary: Net}") and "documentclass" not in r.stdout


UNUSED_NET = """import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.spare = nn.Linear(10, 10)
        self.scale = nn.Parameter(torch.ones(4))

    def forward(self, x):
        return self.conv(x)


x = torch.rand(1, 1, 8, 8)
"""


@pytest.mark.parametrize(("fmt", "expected"), [
    ("text", "also in the total: modules never called: spare (110)\nalso in the total: parameters outside any layer: 4"),
    ("markdown", "also in the total: modules never called: `spare` (110)"),
    ("latex", "modules never called: \\texttt{spare} (110)\n"),
])
def test_summary_names_parameters_no_row_shows(runner, tracer, tmp_path, fmt, expected):
    p = tmp_path / "net.py"
    p.write_text(UNUSED_NET)
    r = run(runner, "summary", p, "--format", fmt)
    assert r.exit_code == 0, r.output
    assert expected in r.stdout
    doc = json.loads(run(runner, "summary", p, "--json").stdout)
    assert doc["total"]["params"] == 40 + 110 + 4 and sum(lay["params"] for lay in doc["layers"]) == 40


def test_summary_folds_the_size_bounds(runner, tracer):
    r = run(runner, "summary", EX / "mnist.py", "--input", "1x1xHxW")
    assert r.stdout.endswith("valid when:\n  H ≥ 16\n  W ≥ 16\n  20·⌊(H − 12)/4⌋·⌊(W − 12)/4⌋ = 320\n")
    doc = json.loads(run(runner, "summary", EX / "mnist.py", "--input", "1x1xHxW", "--json").stdout)
    assert "floor((H - 12)/4) >= 1" in doc["constraints"]   # the JSON keeps every condition as traced
