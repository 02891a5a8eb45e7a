"""The public Python API: symcnn.make / trace / derive as documented in the README and architecture."""

from __future__ import annotations

import ast
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
