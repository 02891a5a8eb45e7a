"""Whole-process measurements: wall time and peak resident memory of a command, median of N runs.

Owns: Command, Sample, measure (interleaved runs), paired_ratio, run_measured.
Never: know what a target is (targets.py does).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass, field


class BenchError(RuntimeError):
    """A benchmarked command failed or could not run; the message says which and why."""


@dataclass(slots=True)
class Sample:
    """Repeated runs of one command: wall seconds, peak RSS in MiB, and what the command printed last."""

    argv: list[str]
    seconds: list[float] = field(default_factory=list)       # wall clock, or CPU time with clock="cpu"
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)           # user + system time of the process
    rss_mib: list[float] = field(default_factory=list)
    reported: list[float] = field(default_factory=list)  # a number the command printed (in-process time)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def median_rss(self) -> float:
        return statistics.median(self.rss_mib)

    @property
    def median_reported(self) -> float:
        return statistics.median(self.reported)

    def raw(self, unit: str = "s") -> str:
        vals = {"s": self.seconds, "MiB": self.rss_mib, "in-process s": self.reported}[unit]
        return "[" + ", ".join(f"{v:.3f}" for v in vals) + "]"


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a measured process: ours, but allowed to write .pyc files. An installed
    package has its bytecode compiled (pip does it, as it did for sympy), so a source tree run with
    PYTHONDONTWRITEBYTECODE=1 would compile symcnn from source on every run and measure the compiler."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **(extra or {})}


def run_measured(argv: list[str], *, cwd: str | None = None, ok_codes: tuple[int, ...] = (0,),
                 env: dict[str, str] | None = None) -> tuple[float, float, float, str]:
    """Run argv once; return (wall seconds, CPU seconds, peak RSS MiB, stdout). The child is reaped
    with os.wait4 to read its own peak RSS (ru_maxrss, KiB). Raises BenchError on an exit code not
    in ok_codes."""
    start = time.perf_counter()
    with open(os.devnull, "rb") as devnull:
        proc = subprocess.Popen(argv, cwd=cwd, stdin=devnull, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=child_env(env))
        out = proc.stdout.read()
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    proc.stderr.close()
    if proc.returncode not in ok_codes:
        tail = (err or out).decode(errors="replace").strip().splitlines()[-3:]
        raise BenchError(f"{' '.join(argv)} exited {proc.returncode}: {' / '.join(tail)}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out.decode(errors="replace")


def paired_ratio(a: list[float], b: list[float]) -> float:
    """Median of a[i] / b[i]: runs i of a and b were made one right after the other (interleaved),
    so each pair saw about the same load; the median of pair ratios cancels slow swings in load that
    a ratio of two medians keeps."""
    return statistics.median(x / y for x, y in zip(a, b, strict=True))


@dataclass(frozen=True, slots=True)
class Command:
    """A command to measure: argv, the exit codes that count as success, and whether its last line
    of output is a time it measured itself (in-process)."""

    argv: tuple[str, ...]
    ok_codes: tuple[int, ...] = (0,)
    report: bool = False


def measure(commands: dict[str, Command], runs: int, *, cwd: str | None = None, warmup: int = 1,
            clock: str = "wall") -> dict[str, Sample]:
    """Measure several commands interleaved (run 1 of each, then run 2 of each, ...), so that a
    change in the machine's load hits every command alike and their ratios stay fair.

    Each command first runs ``warmup`` times unmeasured (fills the OS file cache, writes .pyc).
    ``clock="cpu"`` judges by user + system time instead of wall time (steadier on a busy machine,
    but it counts every thread: torch's thread pool makes its CPU time exceed its wall time)."""
    samples = {key: Sample(list(c.argv)) for key, c in commands.items()}
    for _ in range(warmup):
        for c in commands.values():
            run_measured(list(c.argv), cwd=cwd, ok_codes=c.ok_codes)
    for _ in range(runs):
        for key, c in commands.items():
            wall, cpu, rss, out = run_measured(list(c.argv), cwd=cwd, ok_codes=c.ok_codes)
            sample = samples[key]
            sample.wall.append(wall)
            sample.cpu.append(cpu)
            sample.seconds.append(cpu if clock == "cpu" else wall)
            sample.rss_mib.append(rss)
            if c.report:
                lines = out.strip().splitlines()
                try:
                    sample.reported.append(float(lines[-1]))
                except (IndexError, ValueError):
                    raise BenchError(f"{' '.join(c.argv)} did not print its own timing as the last line; "
                                     f"got {lines[-1:]!r}") from None
    return samples
