"""Solving for an unknown hyperparameter (symcnn/solve.py): every integer solution in the range."""

from __future__ import annotations

import pytest
from sympy import Symbol

from symcnn.analysis.solve import parse_target, solve_rule
from symcnn.core.errors import InputError
from symcnn.core.symbols import H, P, S, W


def brute(key_out, values):
    """The values v for which key_out(v) holds, by plain Python arithmetic."""
    return [v for v in values if key_out(v)]


def test_padding_that_keeps_dilated_5x5_same():
    """A 5×5 conv with dilation 2 needs P = 4 to keep every input size."""
    sol = solve_rule("nn.Conv2d", (1, 1, 5), {"dilation": 2, "padding": P}, P, "same", (1, 1, H, W))
    assert sol.values == [4]


def test_user_symbol_without_size_assumptions():
    p = Symbol("p", integer=True)
    sol = solve_rule("nn.Conv1d", (1, 1, 3), {"dilation": 3, "padding": p}, p, "same", (1, 1, H))
    assert sol.values == [3]


def test_stride_that_maps_224_to_56():
    sol = solve_rule("nn.Conv2d", (3, 64, 3), {"stride": S, "padding": 1}, S, "out=56",
                     (1, 3, 224, 224), values=range(1, 65))
    assert sol.values == [4] == brute(lambda s: (224 + 2 - 3) // s + 1 == 56, range(1, 65))


def test_stride_with_several_solutions():
    """k=1 conv on 10: out = ⌊9/S⌋ + 1 = 2 for S = 5..9 (all reported, not one)."""
    sol = solve_rule("nn.Conv1d", (1, 1, 1), {"stride": S}, S, "out=2", (1, 1, 10), values=range(1, 20))
    assert sol.values == [5, 6, 7, 8, 9] == brute(lambda s: 9 // s + 1 == 2, range(1, 20))


def test_pool_padding_respects_torch_limit():
    """MaxPool2d(3, 2, padding=P) on 224: out = P + 111; torch allows P <= 3/2 only."""
    assert solve_rule("nn.MaxPool2d", (3,), {"stride": 2, "padding": P}, P, "out=112",
                      (1, 3, 224, 224)).values == [1]
    assert solve_rule("nn.MaxPool2d", (3,), {"stride": 2, "padding": P}, P, "out=113",
                      (1, 3, 224, 224)).values == []     # P = 2 would need padding > kernel/2


def test_parameter_budget():
    c = Symbol("C_out", integer=True, positive=True)
    sol = solve_rule("nn.Conv2d", (3, c, 3), {}, c, "params<=1000", (1, 3, 32, 32), values=range(1, 100))
    assert sol.values == brute(lambda v: v * 27 + v <= 1000, range(1, 100))


def test_out_per_axis_and_symbolic_target():
    sol = solve_rule("nn.Conv2d", (1, 1, 3), {"padding": P}, P, "out=H", (1, 1, H, W))
    assert sol.values == [1]
    sol = solve_rule("nn.Conv2d", (1, 1, 3), {"padding": P}, P, "out=10x10", (1, 1, 8, 8))
    assert sol.values == [2]


@pytest.mark.parametrize("bad", ["", "sam", "out", "out<5", "params=abc", "same=3", "out=5y"])
def test_bad_targets(bad):
    with pytest.raises(InputError, match="--target"):
        parse_target(bad)


def test_unknown_not_in_net():
    with pytest.raises(InputError, match="does not appear"):
        solve_rule("nn.Conv2d", (1, 1, 3), {}, P, "same", (1, 1, H, W))


NET = '''
import sympy
import torch
import torch.nn as nn

P = sympy.Symbol("P", integer=True, nonnegative=True)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 5, dilation=2, padding=P)
        self.down = nn.Conv2d(8, 8, 3, stride=4, padding=1)

    def forward(self, x):
        return self.down(self.conv(x))


x = torch.rand(1, 3, 224, 224)
'''


def test_cli_solve_from_net_py(runner, tmp_path):
    """P in net.py: out = ⌊(215 + 2P)/4⌋ + 1 = 56 for P ∈ {3, 4}."""
    from symcnn.cli.main import cli as main

    net = tmp_path / "net.py"
    net.write_text(NET)
    r = runner.invoke(main, ["inputs", str(net), "--solve", "P", "--target", "out=56"])
    assert r.exit_code == 0, r.output
    assert "P: ⌈(P + 108)/2⌉ = 56 → P ∈ {3, 4} (every integer in 0..64 tried)" in r.output
    assert [p for p in range(65) if (215 + 2 * p) // 4 + 1 == 56] == [3, 4]
    r = runner.invoke(main, ["inputs", str(net), "--solve", "Q", "--target", "same"])
    assert r.exit_code == 2 and "no symbol Q in the net" in r.output


def test_symbolic_target_needs_symbolic_input():
    with pytest.raises(InputError, match="H is not a size of the net's input"):
        solve_rule("nn.Conv2d", (1, 1, 3), {"padding": P}, P, "out=H", (1, 1, 8, 8))


def test_cli_solve_chinese_markdown_and_latex(runner, tmp_path, pdflatex):
    """The solution line in every format and language (words from templates/i18n/*.toml [inputs])."""
    import subprocess

    from symcnn.cli.main import cli as main

    net = tmp_path / "net.py"
    net.write_text(NET)
    base = ["inputs", str(net), "--solve", "P", "--target", "out=56"]
    r = runner.invoke(main, [*base, "--lang", "zh"])
    assert r.exit_code == 0, r.output
    assert "P：⌈(P + 108)/2⌉ = 56 → P ∈ {3, 4}（已尝试 0..64 内的每个整数）" in r.output
    r = runner.invoke(main, [*base, "--markdown"])
    assert r.output.startswith("## Solving for P\n")
    assert r"P: $\left\lceil \frac{P + 108}{2} \right\rceil = 56$ → P ∈ {3, 4} (every integer in 0..64 tried)" in r.output
    r = runner.invoke(main, [*base, "--range", "0..2"])
    assert "P: ⌈(P + 108)/2⌉ = 56 → no value of P works (every integer in 0..2 tried)" in r.output
    out = tmp_path / "solve.tex"
    r = runner.invoke(main, [*base, "-o", str(out)])
    assert r.exit_code == 0, r.output
    p = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error", out.name], check=False, cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout[-2000:]
