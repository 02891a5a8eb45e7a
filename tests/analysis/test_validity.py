"""Valid input sizes (symcnn/validity.py) against brute force: evaluating the layers numerically at
every size, and real torch where the tracer and examples are available."""

from __future__ import annotations

import importlib.util
import random

import pytest
from sympy import Eq

import symcnn
from symcnn.analysis.sizeforms import closed_form, describe
from symcnn.analysis.validity import valid_inputs
from symcnn.core.symbols import H, W
from symcnn.rules.base import Condition
from symcnn.tracing.tracedata import Constraint, Step, Trace


def build(shape, layers, extra=()):
    """A Trace of a chain of rules on a (symbolic) input, as the tracer records it."""
    steps, x, constraints = [], tuple(shape), []
    for i, (key, args, kwargs) in enumerate(layers):
        rule = symcnn.make(key, *args, **kwargs)
        res = rule(x)
        steps.append(Step(i, f"l{i}", key, "module", None, (x,), res.shape, rule, res, (i - 1,)))
        constraints += [Constraint(c, None, i) for c in res.conditions]
        x = res.shape
    constraints += [Constraint(Condition(c, "extra"), None, len(steps) - 1) for c in extra]
    return Trace("net", "<test>", tuple(shape), steps, x, constraints)


def numeric_ok(layers, shape):
    """Brute force: apply every rule to the numeric shape; RuleError means torch would refuse."""
    x = shape
    try:
        for key, args, kwargs in layers:
            x = symcnn.make(key, *args, **kwargs)(x).shape
    except symcnn.RuleError:
        return None
    return x


MNIST_FEATURES = [("nn.Conv2d", (1, 10, 5), {}), ("nn.MaxPool2d", (2, 2), {}),
                  ("nn.Conv2d", (10, 20, 5), {}), ("nn.MaxPool2d", (2, 2), {})]


def test_mnist_features_need_16():
    v = valid_inputs(build((1, 1, H, W), MNIST_FEATURES))
    assert v.minimum() == {"H": 16, "W": 16}
    assert v.sizes(range(1, 513)) == [h for h in range(1, 513) if numeric_ok(MNIST_FEATURES, (1, 1, h, h))]
    assert describe("H", v.sizes(range(1, 513)), 1, 512) == "H ≥ 16"
    # exact: every floor divides: H − 4 even and H − 12 divisible by 4
    assert v.sizes(range(1, 100), which="exact") == [h for h in range(16, 100) if h % 4 == 0]
    assert "H ≥ 16" in {c.closed() for c in v.conds}


def test_mnist_view_constraint_pairs_and_rows():
    """floor((H−12)/4)·floor((W−12)/4) = 16 (the view(−1, 320) / Linear(320) constraint)."""
    a = symcnn.core.intarith.FloorDiv(H - 12, 4)
    b = symcnn.core.intarith.FloorDiv(W - 12, 4)
    t = build((1, 1, H, W), MNIST_FEATURES, extra=[Eq(20 * a * b, 320)])
    v = valid_inputs(t)
    assert v.sizes(range(1, 513)) == [28, 29, 30, 31]
    blocks = v.rectangles(range(1, 100))
    assert (list(range(20, 24)), list(range(44, 48))) in blocks
    assert (list(range(28, 32)), list(range(28, 32))) in blocks
    pairs = set(v.pairs(range(1, 100)))
    ok = {h for h in range(1, 100) if numeric_ok(MNIST_FEATURES, (1, 1, h, h))}   # the layers are per axis
    brute = {(h, w) for h in ok for w in ok if ((h - 12) // 4) * ((w - 12) // 4) == 16}
    assert pairs == brute


def test_residual_add_needs_divisibility():
    """A stride-2 branch upsampled ×2 and added to the input: H must be even (UNet-like)."""
    layers = [("nn.Conv2d", (1, 1, 3), {"stride": 2, "padding": 1})]
    t = build((1, 1, H, W), layers)
    up = 2 * t.steps[-1].output[-2]
    t.constraints.append(Constraint(Condition(Eq(up, H), "add: sizes must match"), None, 0))
    v = valid_inputs(t)
    assert v.sizes(range(1, 65)) == list(range(2, 65, 2))
    assert describe("H", v.sizes(range(1, 513)), 1, 512) == "H ≡ 0 (mod 2)"


def enumerate_exact(layers, L):
    """Brute force by enumerating windows: a layer drops a real pixel when the span of the window
    after its last one (left out only because it overhangs the padding) holds a real pixel that no
    window's span covers (holes inside a dilated window are the dilation's, not the floor's)."""
    for _key, args, kw in layers:
        k = args[-1] if _key.endswith("Conv1d") else args[0]
        s, p, d = kw.get("stride", 1), kw.get("padding", 0), kw.get("dilation", 1)
        keff = d * (k - 1) + 1
        starts = [i for i in range(-p, L + p) if (i + p) % s == 0 and i + keff - 1 <= L - 1 + p]
        if not starts:
            return None
        covered = {i + t for i in starts for t in range(keff)}
        nxt = {starts[-1] + s + t for t in range(keff)}
        if any(0 <= x <= L - 1 and x not in covered for x in nxt):
            return False
        L = len(starts) if not kw.get("ceil_mode") else None
        if L is None:
            return None
    return True


def test_exact_sizes_match_window_enumeration():
    from symcnn.core.symbols import L

    rng = random.Random(8)
    checked = 0
    for _ in range(40):
        layers = []
        for _ in range(rng.randint(1, 3)):
            k, s, d = rng.randint(1, 5), rng.randint(1, 3), rng.randint(1, 2)
            if rng.random() < 0.7:
                layers.append(("nn.Conv1d", (1, 1, k), {"stride": s, "padding": rng.randint(0, 2), "dilation": d}))
            else:
                layers.append(("nn.MaxPool1d", (k,), {"stride": s, "padding": rng.randint(0, k // 2), "dilation": d}))
        v = valid_inputs(build((1, 1, L), layers))
        for h in range(1, 80):
            if v.valid(h):
                assert v.exact(h) == enumerate_exact(layers, h), (layers, h)
                checked += 1
    assert checked > 1000


def test_random_stacks_match_numeric_brute_force():
    rng = random.Random(3)
    for _ in range(60):
        layers = []
        for _ in range(rng.randint(1, 4)):
            k, s, d = rng.randint(1, 6), rng.randint(1, 3), rng.randint(1, 2)
            if rng.random() < 0.6:
                layers.append(("nn.Conv1d", (1, 1, k), {"stride": s, "padding": rng.randint(0, 2), "dilation": d}))
            else:
                layers.append(("nn.MaxPool1d", (k,), {"stride": s, "padding": rng.randint(0, k // 2),
                                                      "ceil_mode": rng.random() < 0.3}))
        from symcnn.core.symbols import L
        v = valid_inputs(build((1, 1, L), layers))
        assert v.sizes(range(1, 200)) == [h for h in range(1, 200) if numeric_ok(layers, (1, 1, h))], layers


def test_closed_forms():
    assert closed_form(symcnn.core.intarith.FloorDiv(H - 12, 4) >= 1) == "H ≥ 16"
    assert closed_form(H - 4 >= 1) == "H ≥ 5"
    assert closed_form(Eq(H, 3)) is None


# ------------------------------------------------------------- bundled examples vs real torch
# ResNet-18 on the meta device takes ~0.15 s per size on the shared CI machine: marked slow
EXAMPLES = ["mnist", "alexnet", pytest.param("resnet18", marks=pytest.mark.slow), "unet"]


def _torch_sizes(torch, name, rng):
    """Brute force with real torch on the meta device: which square sizes run, and which keep one row."""
    spec = importlib.util.spec_from_file_location(f"ex_{name}", f"examples/{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    found = [v for v in vars(mod).values() if isinstance(v, torch.nn.Module)]
    if not found:   # the one nn.Module subclass defined in the file, built with its defaults
        found = [v() for v in vars(mod).values() if isinstance(v, type) and issubclass(v, torch.nn.Module)
                 and v.__module__ == mod.__name__]
    assert len(found) == 1, name
    model = found[0].to("meta").eval()
    x = next(v for v in vars(mod).values() if isinstance(v, torch.Tensor))
    runs, rows = [], []
    for h in rng:
        try:
            y = model(torch.empty(*x.shape[:2], h, h, device="meta"))
        except (RuntimeError, ValueError):
            continue
        runs.append(h)
        if y.shape[0] == x.shape[0]:
            rows.append(h)
    return runs, rows


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_agree_with_torch(torch, name):
    from symcnn.core.symbols import SPATIAL
    from symcnn.tracing import tracer

    t0 = tracer.trace(f"examples/{name}.py")
    t = tracer.trace(f"examples/{name}.py", input_shape=(*t0.input_shape[:2], *SPATIAL[2]))
    v = valid_inputs(t)
    rng = range(1, 513)
    runs, rows = _torch_sizes(torch, name, rng)
    assert v.sizes(rng, which="accepted") == runs
    assert v.sizes(rng) == rows


def test_cli_inputs_mnist(runner):
    import json

    from symcnn.cli.main import cli as main

    r = runner.invoke(main, ["inputs", "examples/mnist.py", "--range", "1..128"])
    assert r.exit_code == 0, r.output
    assert "⌊(H − 12)/4⌋ ≥ 1   ⇔ H ≥ 16" in r.output
    assert "⌊(H − 12)/4⌋·⌊(W − 12)/4⌋ = 16" in r.output
    assert "valid square sizes in 1..128: 28..31" in r.output
    assert "H ∈ 20..23 with W ∈ 44..47" in r.output
    assert "warning: at H = W ∈ {44..47, 60..63" in r.output and "rows" in r.output
    r = runner.invoke(main, ["inputs", "examples/mnist.py", "--range", "1..64", "--json"])
    doc = json.loads(r.output)
    assert doc["valid"] == [28, 29, 30, 31] and doc["minimum"] == {"H": 16, "W": 16}
    assert doc["accepted"] == [28, 29, 30, 31, 44, 45, 46, 47, 60, 61, 62, 63]


@pytest.mark.parametrize("args, message", [
    (["--range", "5"], "--range '5' is not a range"),
    (["--range", "9..3"], "is not a range"),
    (["--solve", "P"], "--solve and --target go together"),
])
def test_cli_inputs_errors(runner, args, message):
    from symcnn.cli.main import cli as main

    r = runner.invoke(main, ["inputs", "examples/mnist.py", *args])
    assert r.exit_code == 2 and message in r.output


@pytest.mark.parametrize("expr", [
    lambda F: 8 * F(H - 124, 16) - 24 >= 0,
    lambda F: 16 * F(H - 124, 16) - 58 >= 1,
    lambda F: F(H - 12, 4) > 2,
    lambda F: 3 * F(H + 1, 2) < 40,
])
def test_closed_forms_agree_with_scan(expr):
    """Each solved form describes exactly the sizes where the condition holds (scan of 1..600)."""
    from symcnn.analysis.fasteval import compile_expr
    from symcnn.core.intarith import FloorDiv

    cond = expr(FloorDiv)
    f = compile_expr(cond, (H,))
    holds = [h for h in range(1, 601) if f(h)]
    closed = closed_form(cond)
    op, bound = closed.split()[1], int(closed.split()[2])
    assert holds == [h for h in range(1, 601) if (h >= bound if op == "≥" else h <= bound)], closed


def test_cli_inputs_markdown_and_latex_compile(runner, pdflatex, tmp_path):
    import subprocess

    from symcnn.cli.main import cli as main

    r = runner.invoke(main, ["inputs", "examples/mnist.py", "--range", "1..64", "--markdown"])
    assert r.exit_code == 0, r.output
    assert r"| $\left\lfloor \frac{H - 12}{4} \right\rfloor \geq 1$ | H ≥ 16 | F.max\_pool2d | layer |" in r.output
    assert "- H ∈ 20..23 with W ∈ 44..47" in r.output
    out = tmp_path / "inputs.tex"
    r = runner.invoke(main, ["inputs", "examples/mnist.py", "--range", "1..64", "-o", str(out)])
    assert r.exit_code == 0, r.output
    p = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", out.name], check=False, cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout[-2000:]


MINI_UNET = """
import torch
import torch.nn as nn


class MiniUNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc1 = nn.Conv2d(1, 4, 3, padding=1)
        self.enc2 = nn.Conv2d(4, 8, 3, padding=1)
        self.mid = nn.Conv2d(8, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.up2 = nn.ConvTranspose2d(8, 8, 2, stride=2)
        self.dec2 = nn.Conv2d(16, 4, 3, padding=1)
        self.up1 = nn.ConvTranspose2d(4, 4, 2, stride=2)
        self.dec1 = nn.Conv2d(8, 2, 3, padding=1)

    def forward(self, x):
        s1 = self.enc1(x)
        s2 = self.enc2(self.pool(s1))
        m = self.mid(self.pool(s2))
        d2 = self.dec2(torch.cat([s2, self.up2(m)], dim=1))
        return self.dec1(torch.cat([s1, self.up1(d2)], dim=1))


x = torch.rand(1, 1, 64, 64)
"""


def test_unet_without_crops_needs_multiple_of_4(torch, tmp_path):
    """Concatenations after two poolings: H ≡ 0 (mod 2^2), checked against torch at every size."""
    from symcnn.tracing import tracer
    net = tmp_path / "miniunet.py"
    net.write_text(MINI_UNET)
    v = valid_inputs(tracer.trace(str(net), input_shape=(1, 1, H, W)))
    rng = range(1, 129)
    assert describe("H", v.sizes(rng), 1, 128) == "H ≡ 0 (mod 4)"
    ns: dict = {}
    exec(compile(MINI_UNET, str(net), "exec"), ns)
    model = ns["MiniUNet"]().eval()
    runs = []
    for h in rng:
        try:
            model(torch.empty(1, 1, h, h, device="meta"))
        except RuntimeError:
            continue
        runs.append(h)
    assert v.sizes(rng) == runs == list(range(4, 129, 4))


CONTROL_FLOW = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.pool = nn.MaxPool2d(2)

    def forward(self, x):
        x = self.conv(x)
        if x.shape[-1] > 8:
            x = self.pool(x)
        return x


x = torch.rand(1, 1, 28, 28)
"""


def test_cli_inputs_falls_back_to_tracing_each_size(runner, tmp_path):
    """A net that branches on a size has no closed form: each size is traced instead."""
    from symcnn.cli.main import cli as main

    net = tmp_path / "ctrl.py"
    net.write_text(CONTROL_FLOW)
    r = runner.invoke(main, ["inputs", str(net), "--range", "1..30"])
    assert r.exit_code == 0, r.output
    assert "no closed form for the valid sizes (" in r.output
    assert "traced one by one: 3..30   (H = W ≥ 3)" in r.output


def test_cli_inputs_symbolic_batch_is_one_sample(runner):
    from symcnn.cli.main import cli as main

    r = runner.invoke(main, ["inputs", "examples/mnist.py", "--input", "Nx1xHxW", "--range", "1..64"])
    assert r.exit_code == 0, r.output
    assert "valid square sizes in 1..64: 28..31" in r.output
    r = runner.invoke(main, ["inputs", "examples/mnist.py", "--input", "1xCxHxW"])
    assert r.exit_code == 2 and "the input size C must be a number" in r.output


def test_cli_inputs_chinese_text_markdown_and_xelatex(runner, xelatex, tmp_path):
    """--lang zh for every format of `inputs`: the words come from templates/i18n/zh.toml [inputs]."""
    import subprocess

    from symcnn.cli.main import cli as main

    r = runner.invoke(main, ["inputs", "examples/mnist.py", "--range", "1..64", "--lang", "zh"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0] == "条件：" and "各轴最小尺寸（仅按该轴自身的条件）：H ≥ 16，W ≥ 16" in lines
    assert "1..64 内有效的正方形尺寸：28..31   （H = W ∈ {28..31}）" in lines
    assert "  H ∈ 20..23 且 W ∈ 44..47" in lines
    r = runner.invoke(main, ["inputs", "examples/mnist.py", "--range", "1..64", "--lang", "zh", "--markdown"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("## 有效的输入尺寸\n") and "| 条件 | 解出 | 层 | 类别 |" in r.output
    assert "- **警告**：当 H = W ∈ {44..47, 60..63} 时网络能运行" in r.output
    r = runner.invoke(main, ["inputs", "examples/mnist.py", "--range", "1..64", "--lang", "zh", "--latex"])
    assert r.exit_code == 0 and r"\documentclass[a4paper]{ctexart}" in r.output
    (tmp_path / "doc.tex").write_text(r.output, encoding="utf-8")
    p = subprocess.run([xelatex, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"], check=False, cwd=tmp_path,
                       capture_output=True, text=True, timeout=240)
    assert p.returncode == 0, p.stdout[-2000:]
    text = subprocess.run(["pdftotext", "doc.pdf", "-"], check=False, cwd=tmp_path, capture_output=True, text=True).stdout
    assert "有效的输入尺寸" in text and "警告" in text and "H ∈ 20..23 且 W ∈ 44..47" in text


def test_cli_inputs_markdown_warning_and_traced_fallback_words(runner, tmp_path):
    from symcnn.cli.main import cli as main

    r = runner.invoke(main, ["inputs", "examples/mnist.py", "--range", "1..64", "--markdown"])
    assert "- **Warning**: at H = W ∈ {44..47, 60..63} the net runs but view turns one sample into" in r.output
    assert "- Valid square sizes in 1..64: 28..31 (H = W ∈ {28..31})" in r.output
    net = tmp_path / "ctrl.py"
    net.write_text(CONTROL_FLOW)
    r = runner.invoke(main, ["inputs", str(net), "--range", "1..30", "--lang", "zh"])
    assert r.exit_code == 0, r.output
    assert "1..30 内逐个追踪得到的有效尺寸：3..30   （H = W ≥ 3）" in r.output
    assert r.output.startswith("有效尺寸没有闭式表达（")


def test_compile_expr_guard_refuses_expressions_too_large_to_evaluate():
    """compile_expr's inputs come from net.py (hyperparameters, size arithmetic): an expression whose
    values would be huge, whose code would be huge, or whose cost is unknown is one clear InputError."""
    from sympy import Add, Mul, Symbol, factorial

    from symcnn.analysis.fasteval import MAX_DEGREE, ExprLimitError, compile_expr
    from symcnn.core.errors import InputError
    from symcnn.core.intarith import FloorDiv

    assert MAX_DEGREE == 64 and issubclass(ExprLimitError, InputError)
    assert compile_expr(H**64 + 1, (H,))(3) == 3**64 + 1                 # at the bound: exact
    with pytest.raises(ExprLimitError, match=r"has degree 65 in the input sizes \(at most 64\)"):
        compile_expr(H**65, (H,))
    with pytest.raises(ExprLimitError, match="has degree 72"):             # powers nested in powers
        compile_expr(((H + 1) ** 8 + 1) ** 9, (H,))
    with pytest.raises(ExprLimitError, match="has degree 66"):             # products add degrees
        compile_expr(H**33 * (H + 1) ** 33, (H,))
    doubled = H
    for _ in range(20):                  # 61 distinct nodes, 4,194,301 when written out
        doubled = Add(Mul(2, doubled, evaluate=False), doubled, evaluate=False)
    with pytest.raises(ExprLimitError, match="longer than 50,000 nodes when written out"):
        compile_expr(doubled, (H,))
    with pytest.raises(ExprLimitError, match="uses factorial of the input sizes"):
        compile_expr(factorial(H), (H,))
    deep = H
    for _ in range(200):
        deep = FloorDiv(deep + 3, 2) + H
    with pytest.raises(ExprLimitError, match="nested more than 150 levels deep"):
        compile_expr(deep, (H,))
    # a symbolic exponent runs in the exact interpreter, which refuses powers above 64 when run
    p = Symbol("P", integer=True)
    f = compile_expr(2**p + H, (H, p))
    assert f(1, 10) == 1025
    with pytest.raises(ExprLimitError, match="cannot be evaluated at H = 1, P = 65"):
        f(1, 65)


def test_guard_reaches_the_validity_tables():
    """A condition the guard refuses stops valid_inputs' evaluation with the error, not a hang."""
    t = build((1, 1, H, W), [("nn.Conv2d", (1, 1, 3), {})], extra=[H**70 >= W + 1])
    from symcnn.analysis.fasteval import ExprLimitError

    with pytest.raises(ExprLimitError, match="has degree 70"):
        valid_inputs(t).sizes(range(1, 5))


HUGE_VIEW = """
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 1, 3)

    def forward(self, x):
        x = self.conv(x)
        return x.reshape(1, x.shape[2] ** 70)


def example_input():
    return torch.zeros(1, 1, 28, 28)
"""


def test_cli_inputs_refuses_a_size_of_degree_70(runner, tmp_path):
    """net.py's own size arithmetic reaches compile_expr: the guard is a usage error (exit 2), one line."""
    from symcnn.cli.main import cli as main

    net = tmp_path / "net.py"
    net.write_text(HUGE_VIEW)
    r = runner.invoke(main, ["inputs", str(net), "--input", "1x1xHxW", "--range", "1..20"])
    assert r.exit_code == 2, r.output
    assert "the size expression (H − 2)^70 has degree 70 in the input sizes (at most 64)" in r.output
    assert "Traceback" not in r.output
