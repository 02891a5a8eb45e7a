"""Resource limits while tracing net.py: loops forever (even one that catches every exception),
allocates without end, recurses deeply → one clear error line after a limit, never a hang; and a
10,000-layer net traces in linear time with expressions that stay small.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from fuzz_support import NOTES, clean_outcome, count, invoke

from symcnn.cli.options import DEFAULT_TIMEOUT, NetArgs
from symcnn.core.fmt import text
from symcnn.core.userinput import parse_shape
from symcnn.tracing import limits
from symcnn.tracing.tracer import trace

ROOT = Path(__file__).resolve().parents[2]
HEAD = "import torch\nimport torch.nn as nn\n"
NET = "net = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU())\n"


@pytest.fixture
def net(tmp_path):
    def write(body: str) -> Path:
        f = tmp_path / "net.py"
        f.write_text(HEAD + body, encoding="utf-8")
        return f

    return write


def _error(result) -> str:
    out = clean_outcome(result)
    assert out != "ok", result.stdout
    return out


LOOPS = {
    "module level": ("while True:\n    pass\n" + NET, (3, 4)),
    "forward": (
        "class Net(nn.Module):\n    def forward(self, x):\n        while True:\n            x = x + 1\nnet = Net()\n",
        (5, 6),
    ),
    "sleep": ("import time\nfor _ in range(10**9):\n    time.sleep(0.01)\n" + NET, (4, 5)),
    "catches Exception": (
        "import time\nwhile True:\n    try:\n        time.sleep(0.01)\n    except Exception:\n"
        "        pass\n" + NET,
        (4, 5, 6, 7, 8),
    ),
    "catches the error and retries": (
        "def f():\n    while True:\n        pass\nfor _ in range(100):\n    try:\n"
        "        f()\n    except Exception as e:\n        print(e)\n" + NET,
        (4, 5, 6, 7, 8, 9, 10),
    ),
}


@pytest.mark.parametrize("case", list(LOOPS))
def test_a_loop_forever_stops_at_the_timeout(net, case):
    count("limits (net.py)")
    body, where = LOOPS[case]
    t0 = time.monotonic()
    r = invoke(CliRunner(), "summary", net(body), "--timeout", "0.5")
    err = _error(r)
    assert time.monotonic() - t0 < 15
    assert any(err.startswith(f"symcnn: error: net.py:{line}: ") for line in where), err
    assert "still running after the 0.5 s timeout. Fix: remove slow code" in err, err


def test_the_default_timeout_is_sensible():
    assert NetArgs("net.py").timeout == DEFAULT_TIMEOUT == 60
    r = invoke(CliRunner(), "summary", "--help")
    assert "--timeout SECONDS" in r.stdout and "[default: 60.0]" in r.stdout


def test_a_net_that_swallows_everything_is_ended_by_the_command(tmp_path):
    """A bare ``except:`` swallows even the re-firing deadline: the command ends the process (exit 2)."""
    count("limits (net.py)")
    f = tmp_path / "net.py"
    f.write_text(
        HEAD
        + "while True:\n    try:\n        while True:\n            pass\n    except:\n        pass\n"
        + NET,
        encoding="utf-8",
    )
    code = (
        "import sys\nfrom symcnn.tracing import limits\nlimits.GRACE = 0.5\nfrom symcnn.cli.main import main\n"
        f"main(['summary', {str(f)!r}, '--timeout', '0.5'])\n"
    )
    t0 = time.monotonic()
    p = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path, check=False
    )
    assert p.returncode == 2, (p.returncode, p.stderr[-800:])
    assert p.stdout == "" and p.stderr.count("\n") == 1, p.stderr[-800:]
    assert p.stderr.startswith("symcnn: error: net.py is still running long after the 0.5 s timeout"), (
        p.stderr
    )
    NOTES.append(
        f"net.py swallowing every exception ended after {time.monotonic() - t0:.1f} s (timeout 0.5 s, "
        "grace 0.5 s, interpreter start included)"
    )


@pytest.fixture
def small_memory(monkeypatch):
    """200 MiB of extra address space for net.py instead of 2 GiB (same code path, faster)."""
    monkeypatch.setattr(limits, "MEMORY_LIMIT", 200 * 2**20)
    before = resource.getrlimit(resource.RLIMIT_AS)
    yield
    assert resource.getrlimit(resource.RLIMIT_AS) == before, "the memory cap was not restored"


ALLOCATIONS = {
    "list growing forever": ("x = []\nwhile True:\n    x.append(len(x))\n" + NET, "net.py:5:"),
    # a MemoryError inside `[v] * 16` may lose its traceback entries (Python has no memory left for them):
    # the error names the line when Python kept it, and always the file
    "list of lists": ("x = []\nwhile True:\n    x.append([len(x)] * 16)\n" + NET, ("net.py:5:", "net.py:")),
    "one huge list": ("x = [0] * 10**12\n" + NET, "net.py:3:"),
    "string doubling": ("s = 'ab'\nwhile True:\n    s = s + s\n" + NET, "net.py:5:"),
    "in forward": (
        (
            "class Net(nn.Module):\n    def forward(self, x):\n        keep = []\n        while True:\n"
            "            keep.append(bytearray(10**6))\nnet = Net()\n"
        ),
        "net.py:7:",
    ),
}


@pytest.mark.parametrize("case", list(ALLOCATIONS))
def test_allocating_without_end_is_one_error_line(net, small_memory, case):
    count("limits (net.py)")
    body, where = ALLOCATIONS[case]
    # a generous timeout: on a loaded 2-core machine the traced loop is slow, and the memory cap must win
    r = invoke(CliRunner(), "summary", net(body), "--timeout", "120")
    err = _error(r)
    assert any(err.startswith(
        f"symcnn: error: {at} used more than the 0.195 GiB of memory net.py may take while "
        "traced (MemoryError). Fix: remove code that allocates without end"
    ) for at in ((where,) if isinstance(where, str) else where)), err
    # symcnn works normally afterwards (the cap is lifted and net.py's memory freed)
    ok = invoke(CliRunner(), "summary", ROOT / "examples" / "lenet.py")
    assert clean_outcome(ok) == "ok"


RECURSIONS = {
    "module level": ("def f(n):\n    return f(n + 1)\nf(0)\n" + NET, "net.py:4:"),
    "forward calls itself": (
        "class Net(nn.Module):\n    def forward(self, x):\n        return self.forward(x)\nnet = Net()\n",
        "net.py:5:",
    ),
    "net calls itself": (
        "class Net(nn.Module):\n    def forward(self, x):\n        return self(x)\nnet = Net()\n",
        "net.py:5:",
    ),
    "nested Sequential": ("net = nn.ReLU()\nfor _ in range(3000):\n    net = nn.Sequential(net)\n", None),
}


@pytest.mark.parametrize("case", list(RECURSIONS))
def test_deep_recursion_is_one_error_line_or_a_result(net, case):
    count("limits (net.py)")
    body, where = RECURSIONS[case]
    r = invoke(CliRunner(), "summary", net(body), "--input", "1x3x8x8", "--timeout", "30")
    out = clean_outcome(r)
    if where is None:  # a legal net, only deep: a result or the recursion error, never a crash
        return
    assert out.startswith(f"symcnn: error: {where} RecursionError: maximum recursion depth exceeded"), out
    assert "Fix: look for a function or forward that calls itself" in out


COMPILER_KILLERS = {
    "100,000 chained +": "x = " + "+".join(["1"] * 100_000) + "\n",
    "100,000 unary -": "x = " + "-" * 100_000 + "1\n",
    "300 nested parentheses": "x = " + "(" * 300 + ")" * 300 + "\n",
    "a null byte": "x = 1\x00\n",
}


@pytest.mark.parametrize("case", list(COMPILER_KILLERS))
def test_a_net_py_python_cannot_compile_is_one_error_line(net, case):
    count("limits (net.py)")
    err = _error(invoke(CliRunner(), "summary", net(COMPILER_KILLERS[case] + NET)))
    assert err.startswith("symcnn: error: net.py") and "Fix: run `python net.py` to see the problem" in err, err


ODD_EXITS = {
    "BaseException subclass": ("class Stop(BaseException):\n    pass\nraise Stop('x')\n", "net.py:5: Stop: x."),
    "GeneratorExit": ("raise GeneratorExit\n", "net.py:3: GeneratorExit."),
    "sys.exit": ("import sys\nsys.exit('bye')\n", "net.py:4: net.py called sys.exit('bye') while loading."),
    "SystemExit in forward": (
        "class Net(nn.Module):\n    def forward(self, x):\n        raise SystemExit(0)\nnet = Net()\n",
        "net.py:5: net.py called sys.exit(0) while loading.",
    ),
}


@pytest.mark.parametrize("case", list(ODD_EXITS))
def test_odd_exits_of_net_py_are_one_error_line(net, case):
    count("limits (net.py)")
    body, expected = ODD_EXITS[case]
    err = _error(invoke(CliRunner(), "summary", net(body), "--input", "1x3x8x8"))
    assert err.startswith(f"symcnn: error: {expected}"), err


def _chain(n: int, body: str) -> str:
    return HEAD + "net = nn.Sequential(\n" + "".join(f"    {body},\n" for _ in range(n // 2)) + ")\n"


def test_a_10000_layer_net_traces_linearly(tmp_path):
    """10,000 layers: no timing assertion (the machine is shared), only completion, exact totals and
    small expressions; the time goes to the bench notes."""
    count("limits (net.py)")
    times = {}
    for n in (1000, 1000, 10_000):  # the first 1,000 warms the caches
        f = tmp_path / f"deep{n}.py"
        f.write_text(_chain(n, "nn.Conv2d(4, 4, 3, padding=1), nn.ReLU()"), encoding="utf-8")
        t0 = time.perf_counter()
        tr = trace(f, input_shape=parse_shape("1x4xHxW"), timeout=600)
        times[n] = time.perf_counter() - t0
        assert len(tr.steps) == n
        assert text(tr.output_shape[2]) == "H" and text(tr.output_shape[3]) == "W"
        assert tr.total_params == 148 * n // 2
        assert text(tr.total_macs) == f"{144 * n // 2}·H·W"
    NOTES.append(
        f"tracing 1,000 layers took {times[1000]:.2f} s, 10,000 layers {times[10_000]:.2f} s "
        f"(ratio {times[10_000] / times[1000]:.1f}; linear is 10)"
    )


def test_shrinking_chains_keep_one_floor(tmp_path):
    """60 stride-2 convs on a symbolic size compose into one floor, not 60 nested ones."""
    count("limits (net.py)")
    f = tmp_path / "net.py"
    f.write_text(_chain(120, "nn.Conv2d(2, 2, 3, stride=2, padding=1), nn.ReLU()"), encoding="utf-8")
    tr = trace(f, input_shape=parse_shape("1x2xHxW"), timeout=120)
    h = text(tr.output_shape[2])
    assert len(h) < 40 and h.count("⌈") + h.count("⌊") == 1, h
    assert h == "⌈H/1152921504606846976⌉", h
