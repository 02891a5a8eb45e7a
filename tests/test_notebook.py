"""A real notebook, executed by nbclient on an ipykernel kernel running this interpreter: a live torch
model and symcnn.summary / derive / rf / check / inputs, each the last line of a cell. Every output's
MIME bundle must have text/html (parsed as a browser does: MathML, no script), text/markdown and
text/latex with the model's real values."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

SETUP = """\
import torch
from torch import nn
import symcnn
torch.manual_seed(0)
model = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                      nn.Conv2d(16, 32, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10))
sheet = '''
[layers.0]
params = 448
[total]
params = 5418
'''
"""
CELLS = {   # name -> the cell's last line (its value is displayed)
    "summary": 'symcnn.summary(model, (1, 3, "H", "W"))',
    "derive": 'symcnn.derive(model, (1, 3, "H", "W"))',
    "rf": "symcnn.rf(model, (1, 3, 64, 64))",
    "check": "symcnn.check(model, sheet, (1, 3, 32, 32))",
    "inputs": 'symcnn.inputs(model, (1, 3, "H", "W"), range=(1, 64))',
}
PARAMS = 16 * 3 * 9 + 16 + 32 * 16 * 9 + 32 + 32 * 10 + 10   # 5,418, as torch counts them


@pytest.fixture(scope="module")
def outputs(torch, jupyter, tmp_path_factory):
    """Execute the notebook once; name -> the MIME bundle of each cell's result."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    nbformat = jupyter
    assert sum(p.numel() for p in torch.nn.Sequential(
        torch.nn.Conv2d(3, 16, 3, padding=1), torch.nn.Conv2d(16, 32, 3), torch.nn.Linear(32, 10)).parameters()) == PARAMS
    # a kernel spec for this very interpreter: an installed "python3" spec may name another python
    kernels = tmp_path_factory.mktemp("kernels")
    spec = kernels / "symcnn-test"
    spec.mkdir()
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "symcnn test", "language": "python"}), encoding="utf-8")
    km = KernelManager(kernel_name="symcnn-test", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]),
                       connection_file=str(kernels / "connection.json"))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP + "import sys; sys.executable")]
    nb.cells += [nbformat.v4.new_code_cell(code) for code in CELLS.values()]
    saved = os.environ.get("IPYTHONDIR")
    os.environ["IPYTHONDIR"] = str(kernels / "ipython")   # the kernel's profile and history: not the user's
    try:
        NotebookClient(nb, km=km, timeout=600, resources={"metadata": {"path": str(ROOT)}}).execute()
    finally:
        if saved is None:
            os.environ.pop("IPYTHONDIR")
        else:
            os.environ["IPYTHONDIR"] = saved
    results = {}
    for name, cell in zip(["setup", *CELLS], nb.cells, strict=True):
        errors = [o for o in cell.outputs if o.output_type == "error" or o.get("name") == "stderr"]
        assert not errors, f"cell {name}: {errors}"
        (result,) = [o for o in cell.outputs if o.output_type == "execute_result"]
        results[name] = result.data
    return results


def test_the_kernel_runs_this_interpreter(outputs):
    assert outputs["setup"]["text/plain"] == repr(sys.executable)


@pytest.mark.parametrize("name", list(CELLS))
def test_every_output_has_html_markdown_and_latex(outputs, name):
    bundle = outputs[name]
    assert {"text/html", "text/markdown", "text/latex", "text/plain"} <= set(bundle), sorted(bundle)
    latex = bundle["text/latex"]
    assert latex.startswith("$$") and latex.rstrip().endswith("$$") and r"\begin{array}" in latex


MATHML = "{http://www.w3.org/1998/Math/MathML}"


def _html(text: str):
    """The fragment parsed as a browser does, strictly (a parse error fails); no script."""
    import html5lib

    doc = html5lib.HTMLParser(strict=True).parseFragment(text)
    assert not [e for e in doc.iter() if isinstance(e.tag, str) and e.tag.endswith("}script")], "no JavaScript"
    return doc


@pytest.mark.parametrize("name", ["summary", "derive", "rf", "inputs"])
def test_the_html_is_mathml(outputs, name):
    doc = _html(outputs[name]["text/html"])
    maths = doc.findall(f".//{MATHML}math")
    assert maths and all(m.find(f".//{MATHML}mi") is not None or m.find(f".//{MATHML}mn") is not None
                         for m in maths[:5])


def test_the_summary_shows_the_model_s_numbers(outputs):
    b = outputs["summary"]
    assert "5,418" in b["text/markdown"] and "(real torch)" in b["text/markdown"]
    assert r"5{,}418" in b["text/latex"]
    # the pooled size with its parentheses: 1 × 32 × ⌊(H − 4)/2⌋ × ⌊(W − 4)/2⌋
    assert r"1 \times 32 \times \left\lfloor \frac{H - 4}{2} \right\rfloor \times \left\lfloor \frac{W - 4}{2} \right\rfloor" \
        in b["text/latex"]
    text = "".join(_html(b["text/html"]).itertext())
    assert "5,418" in text and "Summary: Sequential" in text


def test_the_derivation_typesets_its_steps(outputs):
    b = outputs["derive"]
    assert "Worked solution: Sequential" in b["text/markdown"] and r"\left\lfloor" in b["text/markdown"]
    assert r"5{,}418" in b["text/latex"]
    assert "real torch" in "".join(_html(b["text/html"]).itertext())


def test_the_receptive_fields_are_the_model_s(outputs):
    b = outputs["rf"]
    # conv 3 → rf 3, pool 2 → 4 (jump 2), conv 3 → 8; unit 0's field centred at 5/2
    assert r"\text{3} & \text{Conv2d} & 8 & 2 & \frac{5}{2} \\" in b["text/latex"]
    assert "| 3 | Conv2d | 8 | 2 | $\\frac{5}{2}$ |" in b["text/markdown"]
    assert _html(b["text/html"]).findall(f".//{MATHML}mfrac"), "the start 5/2 as a MathML fraction"


def test_the_check_report_grades_the_sheet(outputs):
    b = outputs["check"]
    assert r"\checkmark & \text{layers.0.params}" in b["text/latex"]
    assert r"\checkmark & \text{total.params}" in b["text/latex"]
    assert "**score: 2/2**" in b["text/markdown"]
    # the check report's HTML: the text report in a <pre> until templates/check has an HTML form
    assert "score: 2/2" in "".join(_html(b["text/html"]).itertext())


def test_the_valid_inputs_are_the_model_s(outputs):
    b = outputs["inputs"]
    assert r"\left\lfloor \frac{H - 4}{2} \right\rfloor \geq 1 & \text{H $\geq$ 6} & \text{3}" in b["text/latex"]
    assert "Valid square sizes in 1..64: 6..64 (H = W ≥ 6)" in b["text/markdown"]
