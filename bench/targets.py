"""The five targets of issue 8, each measured as whole processes and reported as a ratio, and target 6
of issue 17 (a live torch model, measured inside one process by bench/livemodel.py).

Owns: Row (one line of the table), Bench (the run: paths, interpreters, repetitions) and one method
per target. Never: print (``__main__`` does), or import symcnn / torch in this process.
"""

from __future__ import annotations

import json
import statistics
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .make import write_answers, write_chain
from .timing import BenchError, Command, Sample, measure, paired_ratio, run_measured

ROOT = Path(__file__).resolve().parent.parent

# Run inside a fresh interpreter: trace a net and print the in-process seconds of the trace alone.
TRACE_TIMER = """
import sys, time
from symcnn.tracing.tracer import trace
from symcnn.core.userinput import parse_shape
shape = parse_shape(sys.argv[2])
clock = time.process_time if sys.argv[3] == "cpu" else time.perf_counter
t0 = clock()
trace(sys.argv[1], input_shape=shape)
print(clock() - t0)
"""

# The tools users use today, on the same net.py with real torch (run with the tools' interpreter).
LOAD = "import runpy, torch; ns = runpy.run_path('examples/resnet50.py'); model, x = ns['model'], ns['x']\n"
TOOLS = {
    "torchinfo": LOAD + "import torchinfo; torchinfo.summary(model, input_size=(1, 3, 224, 224))",
    "fvcore": LOAD + "from fvcore.nn import FlopCountAnalysis; print(FlopCountAnalysis(model, x).total())",
    "thop": LOAD + "from thop import profile; print(profile(model, inputs=(x,), verbose=False))",
    "ptflops": LOAD + ("from ptflops import get_model_complexity_info; print(get_model_complexity_info("
                       "model, (3, 224, 224), as_strings=True, print_per_layer_stat=False))"),
}


@dataclass(slots=True)
class Row:
    """One line of the table. ``ok`` is None for rows that are reported but not judged."""

    target: str
    symcnn: str
    reference: str
    ratio: float
    limit: str
    ok: bool | None
    raw: str


def _mib(values: list[float]) -> str:
    return "[" + ", ".join(f"{v:.1f}" for v in values) + "]"


class Bench:
    """One benchmark run. ``python`` runs symcnn; ``tools_python`` has torch and the comparison tools.

    Commands are measured in groups, interleaved (see timing.measure), each group once per run:
    a target's two sides always come from the same group."""

    def __init__(self, work: Path, runs: int, python: str = sys.executable, tools_python: str | None = None,
                 clock: str = "wall", answers: int = 200):
        self.work, self.runs, self.python, self.tools_python = work, runs, python, tools_python
        self.clock, self.answers = clock, answers
        self._done: dict[str, Sample] = {}

    def _symcnn(self, *args: str, ok_codes=(0,)) -> Command:
        return Command((self.python, "-m", "symcnn", *args), ok_codes)

    @cached_property
    def _groups(self) -> list[dict[str, Command]]:
        """The command groups; writes the generated inputs (conv chains, answers files) once."""
        have_tools = bool(self.tools_python) and Path(self.tools_python).exists()
        chains = {n: write_chain(self.work, n) for n in (100, 1000)}
        return [
            {"import sympy": Command((self.python, "-c", "import sympy")),
             "derive lenet": self._symcnn("derive", "examples/lenet.py"),
             "resnet152 symbolic": self._symcnn("summary", "examples/resnet152.py", "--input", "1x3xHxW")},
            {f"chain{n}": Command((self.python, "-c", TRACE_TIMER, str(net), "1x8xHxW", self.clock),
                                  report=True)
             for n, net in chains.items()},
            {"resnet50 summary": self._symcnn("summary", "examples/resnet50.py", "--input", "1x3x224x224"),
             **({name: Command((self.tools_python, "-c", code)) for name, code in TOOLS.items()}
                if have_tools else {})},
            {"check": self._symcnn("check", "examples/alexnet.py",
                                   *map(str, write_answers(self.work / "answers", self.answers)),
                                   ok_codes=(0, 1))},
        ]

    def sample(self, key: str) -> Sample:
        """The measurements of one command (measuring its whole group the first time)."""
        if key not in self._done:
            group = next(g for g in self._groups if key in g)
            self._done.update(measure(group, self.runs, cwd=str(ROOT), clock=self.clock))
        return self._done[key]

    # --- 1. start-up ---
    def startup(self) -> list[Row]:
        ref, got = self.sample("import sympy"), self.sample("derive lenet")
        ratio = paired_ratio(got.seconds, ref.seconds)
        return [Row("1. start-up: derive lenet.py vs import sympy", f"{got.median:.3f} s",
                    f"{ref.median:.3f} s", ratio, "<= 1.5", ratio <= 1.5,
                    f"derive {got.raw()}; import sympy {ref.raw()}")]

    # --- 2. against the tools users use today ---
    def tools(self) -> list[Row]:
        got = self.sample("resnet50 summary")
        if "torchinfo" not in self._done:
            return [Row("2. ResNet-50 summary vs torchinfo", f"{got.median:.3f} s", "not installed",
                        float("nan"), ">= 5", False,
                        f"tools interpreter {self.tools_python!r} missing; see bench/README.md")]
        rows = []
        for name in TOOLS:
            ref = self._done[name]
            ratio, judged = paired_ratio(ref.seconds, got.seconds), name == "torchinfo"
            rows.append(Row(f"2. ResNet-50 summary vs {name}", f"{got.median:.3f} s", f"{ref.median:.3f} s",
                            ratio, ">= 5" if judged else "(info)", ratio >= 5 if judged else None,
                            f"symcnn {got.raw()}; {name} {ref.raw()}"))
        return rows

    # --- 3. depth: ResNet-152 symbolic; chains of 100 and 1000 convs ---
    def depth(self) -> list[Row]:
        lenet, deep = self.sample("derive lenet"), self.sample("resnet152 symbolic")
        ratio = paired_ratio(deep.seconds, lenet.seconds)
        rows = [Row("3. ResNet-152 symbolic vs derive lenet.py", f"{deep.median:.3f} s",
                    f"{lenet.median:.3f} s", ratio, "< 2", ratio < 2,
                    f"resnet152 {deep.raw()}; lenet {lenet.raw()}")]
        a, b = self.sample("chain100"), self.sample("chain1000")
        ratio = paired_ratio(b.reported, a.reported)
        rows.append(Row("3. trace 1000 convs vs 100 convs (in-process)", f"{b.median_reported:.3f} s",
                        f"{a.median_reported:.3f} s", ratio, "<= 12", ratio <= 12,
                        f"1000: {b.raw('in-process s')}; 100: {a.raw('in-process s')}; "
                        f"whole process 1000: {b.raw()}, 100: {a.raw()}"))
        return rows

    # --- 4. memory ---
    def memory(self) -> list[Row]:
        deep = self.sample("resnet152 symbolic")
        mb = deep.median_rss * 1024 * 1024 / 1e6
        return [Row("4. peak RSS of ResNet-152 symbolic", f"{mb:.1f} MB", "150 MB", mb / 150, "< 1",
                    mb < 150, f"MiB {deep.raw('MiB')}")]

    # --- 5. checking a class ---
    def check(self) -> list[Row]:
        got = self.sample("check")
        rate = self.answers / got.median
        return [Row(f"5. check {self.answers} answers files", f"{rate:.1f} files/s", "20 files/s", rate / 20,
                    ">= 1", rate >= 20, f"{self.answers} files in {got.raw()}")]

    # --- 6. a live model: symcnn.summary on a ResNet-50 built in torch vs torchinfo, in one process ---
    def live(self) -> list[Row]:
        """bench/livemodel.py with the tools' interpreter and this repository's symcnn: per run, one
        process times both sides (cold call, then 5 warm pairs), and one fresh process per side
        measures the peak RSS rise of its call."""
        if not (self.tools_python and Path(self.tools_python).exists()):
            return [Row("6. live ResNet-50: symcnn.summary vs torchinfo", "n/a", "not installed", float("nan"),
                        "<= 1", False, f"tools interpreter {self.tools_python!r} missing; see bench/README.md")]
        script, env = str(ROOT / "bench" / "livemodel.py"), {"PYTHONPATH": str(ROOT)}

        def child(*args: str) -> dict:
            return json.loads(run_measured([self.tools_python, script, *args], cwd=str(ROOT), env=env)[3])

        cold, warm, mem, got = [], [], [], {"symcnn": [], "torchinfo": [], "sym_mib": [], "ti_mib": []}
        for _ in range(self.runs):
            t = child("time", "5")
            if not t["same_numbers"]:
                raise BenchError("symcnn and torchinfo disagree on the ResNet-50's parameters or output")
            s, ti = t["symcnn"], t["torchinfo"]
            cold.append(s["cold"] / ti["cold"])
            warm.append(statistics.median(a / b for a, b in zip(s["warm"], ti["warm"], strict=True)))
            got["symcnn"].append((s["cold"], statistics.median(s["warm"]), s["cold_mib"]))
            got["torchinfo"].append((ti["cold"], statistics.median(ti["warm"]), ti["cold_mib"]))
            a, b = child("memory", "symcnn")["mib"], child("memory", "torchinfo")["mib"]
            got["sym_mib"].append(a)
            got["ti_mib"].append(b)
            mem.append(a / b)
        def med(xs, i):
            return statistics.median(x[i] for x in xs)

        def raw(xs, i):
            return "[" + ", ".join(f"{x[i]:.3f}" for x in xs) + "]"

        sym, ti = got["symcnn"], got["torchinfo"]
        rows = []
        for label, ratios, i in (("first call (cold)", cold, 0), ("later calls (warm)", warm, 1)):
            r = statistics.median(ratios)
            rows.append(Row(f"6. live ResNet-50 summary, {label}: symcnn / torchinfo", f"{med(sym, i):.3f} s",
                            f"{med(ti, i):.3f} s", r, "<= 1", r <= 1,
                            f"symcnn {raw(sym, i)}; torchinfo {raw(ti, i)}"))
        r = statistics.median(mem)
        rows.append(Row("6. live ResNet-50 summary, peak RSS rise of one call: symcnn / torchinfo",
                        f"{statistics.median(got['sym_mib']):.1f} MiB", f"{statistics.median(got['ti_mib']):.1f} MiB",
                        r, "< 1", r < 1, f"MiB symcnn {_mib(got['sym_mib'])}; torchinfo {_mib(got['ti_mib'])}; "
                        f"cold calls (imports included) symcnn {_mib([x[2] for x in sym])}, torchinfo {_mib([x[2] for x in ti])}"))
        return rows

    TARGETS = {"1": "startup", "2": "tools", "3": "depth", "4": "memory", "5": "check", "6": "live"}

    def run(self, only: list[str]) -> list[Row]:
        rows = []
        for key, method in self.TARGETS.items():
            if only and key not in only:
                continue
            try:
                rows += getattr(self, method)()
            except BenchError as e:
                rows.append(Row(f"{key}. {method}", "error", "", float("nan"), "", False, str(e)[:300]))
        return rows
