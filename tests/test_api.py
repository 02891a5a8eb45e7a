"""The public Python API: symcnn.make / trace / derive as documented in the README and architecture."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import symcnn
import symcnn.tracing.tracedata

ROOT = Path(__file__).resolve().parents[1]


def test_make_a_layer_numeric_and_symbolic():
    from symcnn.core.symbols import H

    conv = symcnn.make("nn.Conv2d", 3, 96, 11, stride=4)
    assert (conv.params, conv.weights, conv.biases) == (34944, 34848, 96)
    r = conv((1, 3, 227, 227))
    assert r.shape == (1, 96, 55, 55) and r.macs == 105415200
    assert str(conv((1, 3, H, H)).shape[2]) == "floor((H - 7)/4)"


def test_trace_and_derive_are_functions_even_after_importing_the_submodules():
    import symcnn.solutions.derivation  # noqa: F401
    import symcnn.tracing.tracedata  # noqa: F401
    import symcnn.tracing.tracer  # noqa: F401

    t = symcnn.trace(ROOT / "examples" / "alexnet.py")
    assert callable(symcnn.trace) and isinstance(t, symcnn.Trace)
    assert t.total_params == 62378344 and t.output_shape == (1, 1000)
    assert symcnn.derive(t).params == 62378344


def test_import_symcnn_imports_nothing_until_a_name_is_used():
    code = ("import sys; import symcnn; "
            "print(sorted(m for m in ('torch', 'jinja2', 'click', 'sympy') if m in sys.modules)); "
            "print(symcnn.make('Conv2d', 1, 6, 5)((1, 1, 28, 28)).shape, len(symcnn.RULES) > 80, "
            "'jinja2' in sys.modules, 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == ["[]", "(1, 6, 24, 24) True False False"]


def test_lazy_names_are_listed_and_unknown_ones_raise():
    assert {"make", "RULES", "Trace", "SymcnnError", "trace", "derive"} <= set(dir(symcnn))
    assert symcnn.Trace is symcnn.tracing.tracedata.Trace
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        symcnn.nope  # noqa: B018


def test_layers_of_a_module_level_sequential_carry_the_line_that_built_them():
    t = symcnn.trace(ROOT / "examples" / "lenet.py")
    lines = [(s.type, s.where.line) for s in t.steps[:4]]
    assert lines == [("Conv2d", 6), ("Sigmoid", 6), ("AvgPool2d", 7), ("Conv2d", 8)]


@pytest.mark.parametrize(("old", "new", "name"), [
    ("symcnn.rule", "symcnn.rules.base", "RULES"),
    ("symcnn.tracer", "symcnn.tracing.tracer", "trace"),
    ("symcnn.jsonout", "symcnn.solutions.jsonout", "parse_value"),
    ("symcnn.shim.record", "symcnn.tracing.record", "where"),
    ("symcnn.conventions.ops", "symcnn.flops.ops", "kind_of"),
])
def test_the_flat_module_paths_of_0_1_still_import_with_a_warning(old, new, name):
    """Code written against the flat layout keeps working for one release, and says where to go."""
    code = (f"import warnings\nimport {new} as n\nwarnings.simplefilter('always')\n"
            f"with warnings.catch_warnings(record=True) as w:\n    from {old} import {name} as got\n"
            f"print(repr((got is n.{name}, [str(x.message) for x in w], [x.filename for x in w])))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    same, messages, files = ast.literal_eval(out.stdout)
    assert same
    assert f"{old} has moved to {new}; the old path goes in the next release" in messages
    assert set(files) == {"<string>"}   # the warning points at the user's import line


FLAT = re.compile(r"\bsymcnn\.(rule|tracer|tensor|tracedata|choose|limits|shim|conventions|compare|derivation|"
                  r"formula|general|steps|jsonout|render|tplcache|fmt|errors|symbols|intarith|bounds|userinput|"
                  r"formula_parse|rf|rfreport|validity|sizeforms|solve|fasteval|answers|answerschema|truth|"
                  r"mistakes|diagnose|equiv|check|checkreport|cliopts|cli_\w+)\b(?![(])")


def test_nothing_in_the_repository_uses_a_flat_path():
    """The aliases are for users' code only: symcnn, its tests, bench and docs use the new paths."""
    hits = []
    for folder in ("symcnn", "tests", "bench", "docs", "templates"):
        for p in sorted((ROOT / folder).rglob("*")):
            if p.suffix not in (".py", ".md", ".j2", ".toml") or p in (ROOT / "symcnn" / "__init__.py",
                                                                          Path(__file__)):
                continue
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
                if FLAT.search(line) and "flat module paths of 0.1" not in line:   # the note that says so
                    hits.append(f"{p.relative_to(ROOT)}:{i}: {line.strip()}")
    assert hits == []


# --- the API's functions and the objects they return (docs/api.md) --------------------------------------
ALEX, MNIST = "examples/alexnet.py", "examples/mnist.py"


@pytest.fixture
def at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def _cli(*args: str) -> str:
    from click.testing import CliRunner

    from symcnn.cli.main import cli

    r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert r.exit_code in (0, 1), r.output
    return r.stdout


@pytest.mark.parametrize(("call", "command"), [
    (lambda: symcnn.summary(MNIST, "1x1xHxW"), ["summary", MNIST, "--input", "1x1xHxW"]),
    (lambda: symcnn.summary(ALEX, convention="flop"), ["summary", ALEX, "--flops", "flop"]),
    (lambda: symcnn.rf("examples/dilated.py"), ["rf", "examples/dilated.py"]),
    (lambda: symcnn.rf(MNIST, (1, 1, "H", "W")), ["rf", MNIST, "--input", "1x1xHxW"]),
    (lambda: symcnn.inputs(MNIST, range=(1, 64)), ["inputs", MNIST, "--range", "1..64"]),
    (lambda: symcnn.check(ALEX, "tests/grading/answers/alexnet_student.toml"),
     ["check", ALEX, "tests/grading/answers/alexnet_student.toml"]),
], ids=["summary", "summary-flops", "rf", "rf-symbolic", "inputs", "check"])
@pytest.mark.parametrize("fmt", ["text", "markdown", "json"])
def test_an_object_renders_what_the_command_prints(at_root, call, command, fmt):
    """render(fmt) and to_json() are the command's output (the command adds a final newline)."""
    obj = call()
    flags = {"text": [], "markdown": ["--format", "markdown"], "json": ["--format", "json"]}[fmt]
    out = _cli(*command, *flags)
    assert obj.render(fmt).rstrip("\n") == out.rstrip("\n")
    if fmt == "json":
        assert obj.to_json().rstrip("\n") == out.rstrip("\n")
        assert obj.to_dict() == json.loads(out)


def test_summary_attributes_are_exact_values(at_root):
    from sympy import Eq, Ge

    from symcnn.core.symbols import size_symbol

    H, W = size_symbol("H"), size_symbol("W")
    s = symcnn.summary(ALEX)
    assert (s.total_params, s.total_macs, s.output_shape, s.backend) == (62378344, 1135256096, (1, 1000), "stand-in")
    assert [(r["name"], r["output"], r["params"]) for r in s.rows[:2]] == [("conv1", (1, 96, 55, 55), 34944),
                                                                          ("relu1", (1, 96, 55, 55), 0)]
    m = symcnn.summary(MNIST, (1, 1, "H", "W"))
    assert m.output_shape == (1, 10) and m.input_shape == (1, 1, H, W)
    assert m.constraints[:2] == [Ge(H, 16), Ge(W, 16)] and isinstance(m.constraints[2], Eq)
    at = symcnn.summary(MNIST, (1, 1, "H", "W"), subs={"H": 28, "W": 28}, convention="flop")
    assert (at.total_macs, at.total_flops, at.constraints) == (480500, 961000, [])
    assert at.to_dict()["symbols"] == [] and at.to_dict()["flops_convention"] == "flop"


def test_every_input_form_gives_the_same_trace(at_root):
    from sympy import Symbol, symbols

    from symcnn.core.symbols import size_symbol

    H, W = size_symbol("H"), size_symbol("W")
    forms = [(1, 1, "H", "W"), "1x1xHxW", [1, 1, "H", "W"], (1, 1, Symbol("H"), Symbol("W")),
             (1, 1, *symbols("H W", integer=True, positive=True)), [(1, 1, "H", "W")]]
    got = {str(symcnn.summary(MNIST, f).total_macs) for f in forms}
    assert got == {"250*(H - 4)*(W - 4) + 5000*floor((H - 12)/2)*floor((W - 12)/2) + 16500"}
    # a plain sympy Symbol becomes the size symbol (positive integer): floors stay canonical
    assert symcnn.trace(MNIST, (1, 1, Symbol("H"), 28)).steps[0].output == (1, 10, H - 4, 24)
    assert symcnn.trace(MNIST, (1, 1, 28, W)).output_shape == (1, 10)


def test_several_inputs_are_a_list(tmp_path):
    net = tmp_path / "two.py"
    net.write_text("import torch\nimport torch.nn as nn\n\n\nclass Net(nn.Module):\n"
                   "    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(24, 2)\n\n"
                   "    def forward(self, x, y):\n        return self.fc(torch.cat([x, y], 1))\n\n\n"
                   "model = Net()\n")
    s = symcnn.summary(net, [(1, 8), "1x16"])
    assert s.total_params == 50 and s.output_shape == (1, 2) and s.trace.input_shapes == ((1, 8), (1, 16))


def test_a_trace_is_used_as_it_is_and_traced_again_from_its_source(at_root):
    t = symcnn.trace(MNIST)
    assert symcnn.summary(t).trace is t and symcnn.rf(t).layers[0].axes[0].rf == 5
    # numeric trace: inputs() traces the source again with H, W; a new input shape traces it again too
    assert symcnn.inputs(t, range=(1, 40)).valid == [28, 29, 30, 31]
    assert symcnn.summary(t, (2, 1, 28, 28)).output_shape == (2, 10) and symcnn.summary(t).input_shape == (1, 1, 28, 28)


def test_inputs_modes(tmp_path):
    """conditions (a closed form), traced (control flow on a size: each size traced), solve."""
    net = tmp_path / "ctrl.py"
    net.write_text("import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n"
                   "        super().__init__()\n        self.conv = nn.Conv2d(1, 2, 3)\n        self.pool = nn.MaxPool2d(2)\n\n"
                   "    def forward(self, x):\n        x = self.conv(x)\n        if x.shape[-1] > 8:\n"
                   "            x = self.pool(x)\n        return x\n\n\nmodel = Net()\n")
    v = symcnn.inputs(net, (1, 1, 28, 28), range=(1, 30))
    assert (v.mode, v.valid[:2], v.conditions) == ("traced", [3, 4], [])
    assert v.to_dict()["note"].startswith("no closed form for the valid sizes (")
    solve = tmp_path / "solve.py"
    solve.write_text("import sympy\nimport torch.nn as nn\nP = sympy.Symbol('P', integer=True)\n"
                     "model = nn.Conv2d(3, 8, 5, dilation=2, padding=P)\n")
    s = symcnn.inputs(solve, (1, 3, 32, 32), solve="P", target="same")
    assert (s.mode, s.valid, s.to_dict()["unknown"]) == ("solve", [4], "P")
    assert "P ∈ {4}" in s.render("text")


def test_check_report_attributes_and_forms(at_root):
    sheet = "[layers.conv1]\noutput_shape = \"1x96x55x55\"\nparams = 34848\n[total]\nparams = \"62.4 M\"\n"
    c = symcnn.check(ALEX, sheet, tolerance=0.01)   # 62.4 M is within 1%
    assert (c.score, c.max_score, c.all_correct, c.error) == (2, 3, False, None)
    assert [i.key for i in c.wrong] == ["layers.conv1.params"] and c.wrong[0].diagnosis[0].id == "forgot_bias"
    assert r"**forgot\_bias**" in c.render("markdown") and "## What went wrong" in c.render("markdown")
    assert json.loads(c.render("gradescope"))["score"] == 2
    latex = c.render("latex")
    assert latex.startswith("% !TEX program = pdflatex") and r"\texttt{layers.\allowbreak{}conv1.\allowbreak{}params}" \
        in latex and "34,848" in latex and latex.rstrip().endswith(r"\end{document}")
    html = c._repr_html_()   # the feedback page's own HTML (grading/feedback.py), MathML, no script
    assert "<pre" not in html and "<math>" in html and "score: 2/3" in html and "<script" not in html
    assert r"\times & \text{layers.conv1.params} & \text{34,944} & \text{34,848}" in c._repr_latex_()


def test_check_latex_compiles(at_root, pdflatex, tmp_path):
    c = symcnn.check(ALEX, "[layers.conv1]\nparams = 34848\noutput_shape = [1, 96, 55, 55]\n")
    tex = tmp_path / "check.tex"
    tex.write_text(c.render("latex"), encoding="utf-8")
    r = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", tex.name], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stdout[-2000:]


@pytest.mark.parametrize("make", [
    lambda: symcnn.summary(MNIST, (1, 1, "H", "W")),
    lambda: symcnn.derive(MNIST, (1, 1, "H", "W")),
    lambda: symcnn.rf(MNIST),
    lambda: symcnn.inputs(MNIST, range=(1, 40)),
    lambda: symcnn.check(MNIST, "[total]\nparams = 21840\n"),
], ids=["summary", "derive", "rf", "inputs", "check"])
def test_every_object_shows_itself_in_jupyter(at_root, make):
    obj = make()
    html, md, tex = obj._repr_html_(), obj._repr_markdown_(), obj._repr_latex_()
    assert html.startswith("<") and "<script" not in html and "<!DOCTYPE" not in html
    assert md.strip() and tex.startswith("$$\n") and tex.rstrip().endswith("$$") and r"\begin{array}" in tex


def test_the_derivation_latex_repr_keeps_its_parentheses(at_root):
    """Issue 17: Jupyter's LaTeX of a derivation printed H - 4 \\times W - 4 \\times 10."""
    tex = symcnn.derive(MNIST, (1, 1, "H", "W"))._repr_latex_()
    assert r"\text{conv1} & 1 \times 10 \times (H - 4) \times (W - 4) & 260 & 250 \cdot (H - 4) \cdot (W - 4)" in tex
    assert "H - 4 \\times W" not in tex


def test_the_collector_is_left_as_it_was(at_root):
    import gc

    assert gc.isenabled()
    symcnn.summary(MNIST).render("text")
    assert gc.isenabled()
    with pytest.raises(symcnn.InputError):
        symcnn.summary(MNIST, "1x1x0x28")
    assert gc.isenabled()
    gc.disable()
    try:
        symcnn.summary(MNIST)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize(("call", "message"), [
    (lambda: symcnn.summary(MNIST, "1x1x0x28"), "size 0 is not positive"),
    (lambda: symcnn.summary(MNIST, (1, 1, "H", "W"), subs={"X": 3}), "X is not a symbol of the input"),
    (lambda: symcnn.summary(MNIST, (1, 1, "H", "W"), subs={"H": 2.5}), "'2.5' is not a positive integer"),
    (lambda: symcnn.summary(MNIST, convention="nope"), "nope"),
    (lambda: symcnn.inputs(MNIST, solve="P"), "solve and target go together"),
    (lambda: symcnn.inputs(MNIST, range="9..1"), "is not a range"),
    (lambda: symcnn.check(MNIST, "no/such/answers.toml"), "no such file"),
    (lambda: symcnn.check(MNIST, "[layers.conv1\n"), "invalid TOML"),
    (lambda: symcnn.summary(object()), "symcnn cannot trace a object"),
], ids=["size", "subs-name", "subs-value", "convention", "solve", "range", "sheet-path", "sheet-toml", "object"])
def test_bad_arguments_are_one_clear_error(at_root, call, message):
    with pytest.raises(symcnn.SymcnnError) as info:
        call()
    assert message in str(info.value) and "\n" not in str(info.value)
