"""Shared pieces of the fuzz tests (test_fuzz_*.py, test_limits.py, test_safety.py).

- ``COUNTS``: how many fuzzed inputs each surface ran; ``NOTES``: bench notes; conftest's
  ``pytest_terminal_summary`` prints both.
- ``scaled(n)``: an example count for the ``ci`` profile (n), smaller in the ``dev`` profile.
- ``invoke`` / ``clean_outcome``: run the real CLI and check the one property every surface shares:
  exit 0 with a result, or exit 2 with exactly one ``symcnn: error: ...`` line on stderr, nothing on
  stdout, no traceback; never exit 1/3 (1 only where a command grades answers), never an uncaught exception.
- ``toml_value``: a Python value written as a TOML value (NaN/inf included).
- ``Layer`` / ``net_source``: random layer stacks written as a net.py, and the same stack built in torch.

Never: import torch at module level (torch is a test oracle, passed in by the ``torch`` fixture).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from hypothesis import settings

COUNTS: Counter[str] = Counter()
NOTES: list[str] = []  # bench notes (e.g. the 10,000-layer trace time), printed after the counts
CI_EXAMPLES = 200  # max_examples of the ci profile in conftest


def scaled(n: int) -> int:
    """``n`` examples under the ci profile; proportionally fewer under the faster dev profile."""
    return max(5, n * settings.default.max_examples // CI_EXAMPLES)


def count(surface: str, k: int = 1) -> None:
    COUNTS[surface] += k


def outcome(surface: str, out: str) -> None:
    """Count one CLI case under ``surface: result`` or ``surface: error`` (``out`` from clean_outcome)."""
    COUNTS[f"{surface}: {'result' if out == 'ok' else 'error'}"] += 1


def invoke(runner, *args, **kwargs):
    from symcnn.cli.main import cli

    return runner.invoke(cli, [str(a) for a in args], prog_name="symcnn", **kwargs)


def clean_outcome(result, *, graded: bool = False) -> str:
    """``"ok"`` or the error line; fails on anything but exit 0 / one clean error line with exit 2.

    ``graded``: exit 1 (some answer wrong) is also a result, as ``symcnn check`` defines it.
    """
    __tracebackhide__ = True
    code, err = result.exit_code, result.stderr
    where = (
        f"exit {code}, stderr={err[:600]!r}, stdout={result.stdout[:300]!r}, exception={result.exception!r}"
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), where
    assert "Traceback" not in result.output and "internal error" not in err, where
    ok_codes = (0, 1) if graded else (0,)
    if code in ok_codes:
        assert result.stdout.strip(), where
        assert "symcnn: error" not in err, where
        return "ok"
    assert code == 2, where
    assert err.startswith("symcnn: error: ") and err.endswith("\n") and err.count("\n") == 1, where
    assert len(err) > len("symcnn: error: ") + 10, where
    return err.rstrip("\n")


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped (surrogates dropped)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        elif not 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_value(v) -> str:
    """A Python value (bool, int, float incl. nan/inf, str, list, dict) as a TOML value."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{toml_string(str(k))} = {toml_value(x)}" for k, x in v.items()) + "}"
    raise TypeError(f"no TOML form for {v!r}")


# --- random layer stacks -------------------------------------------------------------------------


@dataclass
class Layer:
    """One layer of a random stack: ``nn.<kind>(*args, **kwargs)``; ``auto`` ("channels" or "features")
    says that ``args[0]`` is filled in with the true channel / feature count (found by running torch)."""

    kind: str
    args: list = field(default_factory=list)
    kwargs: dict = field(default_factory=dict)
    auto: str | None = None

    def call(self) -> str:
        parts = [repr(a) for a in self.args] + [f"{k}={v!r}" for k, v in self.kwargs.items()]
        return f"nn.{self.kind}({', '.join(parts)})"


def net_source(layers: list[Layer], style: str = "sequential") -> str:
    """A net.py defining ``net`` from the stack, as nn.Sequential or as a class with a forward."""
    head = "import torch\nimport torch.nn as nn\n\n"
    if style == "sequential":
        body = ",\n    ".join(layer.call() for layer in layers)
        return head + f"net = nn.Sequential(\n    {body}\n)\n"
    init = (
        "\n".join(f"        self.l{i} = {layer.call()}" for i, layer in enumerate(layers)) or "        pass"
    )
    fwd = "\n".join(f"        x = self.l{i}(x)" for i in range(len(layers)))
    return head + (
        "class Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        f"{init}\n\n    def forward(self, x):\n{fwd}\n        return x\n\n\nnet = Net()\n"
    )


def torch_run(torch, layers: list[Layer], shape: tuple[int, ...]):
    """Build the stack in real torch (filling ``auto`` arguments: "channels" from dim 1, "features"
    from the last dim) and run it in eval mode on zeros. Returns ``(output_shape, params)``, or
    ``(None, error text)`` when torch raises (later ``auto`` arguments then get an arbitrary 7)."""
    x = torch.zeros(shape)
    params = 0
    for i, layer in enumerate(layers):
        if layer.auto is not None:
            layer.args[0] = int(x.shape[-1] if layer.auto == "features" else x.shape[1] if x.dim() > 1 else 7)
            layer.auto = None
        try:
            module = getattr(torch.nn, layer.kind)(*layer.args, **layer.kwargs)
            module.eval()
            params += sum(p.numel() for p in module.parameters())
            with torch.no_grad():
                x = module(x)
        except (RuntimeError, ValueError, TypeError, IndexError, NotImplementedError) as e:
            for later in layers[i + 1 :]:
                if later.auto is not None:
                    later.args[0] = 7
                    later.auto = None
            return None, f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
    return tuple(int(v) for v in x.shape), int(params)
