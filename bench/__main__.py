"""``python -m bench`` (or ``bench/run``): run the speed targets of issue 8 and print one table.

Every figure is the median of ``--runs`` whole-process runs (after one unmeasured warm-up run), and
each target is a ratio of two commands measured interleaved in the same run (run 1 of each, then
run 2 of each, ...): the ratio is the median of the per-run ratios, so a busy machine slows both sides.
Exit status: 0 when every judged target passes, 1 otherwise.

Owns: the command line and the table. Never: measure anything itself (targets.py does).
"""

from __future__ import annotations

import argparse
import datetime
import math
import os
import platform
import sys
import tempfile
from pathlib import Path

from .targets import ROOT, Bench, Row

DEFAULT_TOOLS = os.environ.get("SYMCNN_BENCH_PYTHON") or str(ROOT.parent / "benchvenv" / "bin" / "python")


def table(rows: list[Row], markdown: bool) -> str:
    head = ["target", "symcnn", "reference", "ratio", "limit", "pass", "raw medians / runs"]
    body = [[r.target, r.symcnn, r.reference, "n/a" if math.isnan(r.ratio) else f"{r.ratio:.2f}", r.limit,
             {True: "PASS", False: "FAIL", None: "info"}[r.ok], r.raw] for r in rows]
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        return "\n".join(lines + ["| " + " | ".join(c.replace("|", "/") for c in row) + " |" for row in body])
    widths = [max(len(x) for x in col) for col in zip(head, *body)]
    widths[-1] = 0  # the raw column is long: leave it unpadded
    fmt_row = lambda row: "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()  # noqa: E731
    return "\n".join([fmt_row(head), fmt_row(["-" * w for w in widths[:-1]] + ["-" * 18])]
                     + [fmt_row(row) for row in body])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="measured runs per command (median; default 5)")
    ap.add_argument("--only", default="", help="comma-separated target numbers, e.g. 1,3 (default: all)")
    ap.add_argument("--tools-python", default=DEFAULT_TOOLS,
                    help="interpreter with torch==2.13.0 and the comparison tools (default: "
                         "$SYMCNN_BENCH_PYTHON or ../benchvenv/bin/python)")
    ap.add_argument("--clock", choices=("wall", "cpu"), default="wall",
                    help="judge by wall time (default) or by user+system CPU time (steadier when the "
                         "machine is busy; torch's threads make the tools' CPU time larger than their "
                         "wall time)")
    ap.add_argument("--markdown", action="store_true",
                    help="print the table as Markdown (for bench/README.md)")
    args = ap.parse_args(argv)
    if args.runs < 5:
        print(f"note: --runs {args.runs} < 5: fine for a try, not for the figures in bench/README.md",
              file=sys.stderr)
    only = [t.strip() for t in args.only.split(",") if t.strip()]
    with tempfile.TemporaryDirectory(prefix="symcnn-bench-") as tmp:
        rows = Bench(Path(tmp), args.runs, tools_python=args.tools_python, clock=args.clock).run(only)
    stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    print(f"symcnn benchmark, {stamp}, {platform.node()} ({os.cpu_count()} cores), python "
          f"{platform.python_version()}, median of {args.runs} whole-process runs, {args.clock} clock, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(table(rows, args.markdown))
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
