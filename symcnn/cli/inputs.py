"""The ``symcnn inputs`` command (registered lazily by main.py): valid input sizes, and solving.

``inputs``: the valid input sizes of the net (conditions, minimum, tables) and, with
``--solve P --target ...``, every integer value of an unknown hyperparameter meeting a target.
When control flow in net.py depends on a size, the net is traced once per size instead.

Owns: the click command and how the net is traced again on other inputs. Never: compute conditions or
solutions, or build the report's data (analysis/inputsdoc.py does), write words, catch bare Exception.
"""

from __future__ import annotations

import click

from ..core.errors import InputError
from ..core.userinput import parse_range
from .options import NetArgs, emit, format_options, load_trace, net_options


def retracer(net: NetArgs):
    """Trace the same net (file, model, options) on another input shape."""
    from ..tracing.tracer import trace as run_trace

    return lambda shape: run_trace(net.path, model=net.model, input_shape=shape, timeout=net.timeout,
                                   args=net.script_args, backend=net.backend)


@click.command()
@net_options
@format_options
@click.option("--range", "rng", default=None, metavar="FIRST..LAST",
              help="Input sizes to tabulate (default 1..512), or the values of the --solve unknown to try "
                   "(default 0..64).")
@click.option("--solve", "unknown", metavar="NAME", help="A hyperparameter symbol of NET.py to solve for.")
@click.option("--target", metavar="TARGET", help="same, out=56, out=H, out=56x28, params<=N (with --solve).")
def inputs(net, out, rng, unknown, target):
    """Valid input sizes of the net; with --solve, the values of an unknown that meet --target.

    Example: symcnn inputs examples/mnist.py --range 1..64
    """
    from ..analysis.inputsdoc import inputs_report, solve_report

    if (unknown is None) != (target is None):
        raise InputError("--solve and --target go together", fix="give both, e.g. --solve P --target same")
    if unknown is not None:
        from ..analysis.solve import parse_target

        parse_target(target)   # a bad target is said before the net is traced
        trace, _ = load_trace(net)
        report = solve_report(trace, unknown, target, parse_range(rng or "0..64"))
    else:
        rng = parse_range(rng or "1..512")
        trace, _ = load_trace(net)
        report = inputs_report(trace, rng, retrace=retracer(net))
    emit(report.render(out.fmt, out.lang, style=out.style, layout=out.layout), out.output)


__all__ = ["inputs", "retracer"]
